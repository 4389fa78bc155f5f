#!/usr/bin/env bash
# One command from a fresh clone on Debian 12 / Ubuntu:
#   packaging/linux/quickstart.sh run    install what is needed, build, start Switchboard
#                                        (the window when a display exists, else --headless)
#   packaging/linux/quickstart.sh test   install what is needed, build, run every test
#   packaging/linux/quickstart.sh build  install and build only
# Run as root or as a user who may sudo. Extra arguments after `run` go to switchboard.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode="${1:-run}"
shift || true
build_dir="${SWITCHBOARD_BUILD_DIR:-$here/build}"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Each phase says how long it took, so a slow install or build is visible at a glance.
phase_started=$SECONDS
phase_done() {
    echo "quickstart: $1 took $((SECONDS - phase_started)) s"
    phase_started=$SECONDS
}

# Build and runtime: Qt 6 (Widgets, Network, HttpServer, Charts, Sql), yaml-cpp, QtKeychain,
# Catch2, CMake. qt6-httpserver-dev needs qt6-websockets-dev or CMake does not find it, and
# Qt6Charts needs Qt6OpenGL's CMake files (libqt6opengl6-dev), which qt6-base-dev only recommends.
packages=(build-essential cmake ninja-build pkg-config
          qt6-base-dev libqt6opengl6-dev qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev libqt6sql6-sqlite
          qt6-qpa-plugins libyaml-cpp-dev qtkeychain-qt6-dev catch2 libhiredis-dev libsqlite3-dev
          file libqt6svg6)
# libqt6svg6: the window's icons are SVG (Qt's SVG image and icon plugins); without it they are blank.
# `file`: cpack -G DEB runs it to find the ELF files whose dependencies dpkg-shlibdeps computes
# (dpkg-shlibdeps itself comes with build-essential's dpkg-dev).
if [ "$mode" = "test" ]; then
    # Xvfb runs and screenshots the window without a display; the cache tests start their own
    # redis-server on a free port.
    packages+=(xvfb xauth redis-server)
    # promtool checks the /metrics output; the usage tests scrape it with a real Prometheus.
    packages+=(prometheus)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "$mode" = "test" ] && ! command -v node >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "quickstart: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    phase_done "installing ${#missing[@]} packages"
fi

# SWITCHBOARD_CMAKE_ARGS: extra configure options, split at spaces (the fresh-machine test's
# `deb` mode passes -DSWITCHBOARD_BUILD_TESTS=OFF: a package needs no tests built).
# shellcheck disable=SC2086
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${SWITCHBOARD_CMAKE_ARGS:-} >/dev/null
# A CMake package found here but not installed by the list above would be missing on a fresh
# machine: fail now, naming it, rather than there.
if [ -z "${SWITCHBOARD_SKIP_DEPS_GUARD:-}" ]; then
    "$here/packaging/linux/cmake-deps-guard.sh" "$build_dir" "${packages[@]}"
fi
cmake --build "$build_dir" -j"$(nproc)"
phase_done "configure and build"

case "$mode" in
build)
    ;;
run)
    if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
        exec "$build_dir/app/switchboard" "$@"
    fi
    exec "$build_dir/app/switchboard" --headless "$@"
    ;;
test)
    # The real clients of the end-to-end tests, pinned by package-lock.json.
    if [ ! -x "$here/tests/e2e/node_modules/.bin/claude" ] \
        || [ "$here/tests/e2e/package-lock.json" -nt "$here/tests/e2e/node_modules/.package-lock.json" ]; then
        (cd "$here/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
        phase_done "npm ci of the pinned clients"
    fi
    cd "$build_dir"
    ctest --output-on-failure -j2 --timeout 600
    phase_done "tests"
    ;;
*)
    echo "usage: $0 run|test|build" >&2
    exit 2
    ;;
esac
