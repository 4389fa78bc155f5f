#!/usr/bin/env bash
# Runs the README's quick-start commands the way a new user would: on a Debian 12 machine with
# nothing installed but apt. A pristine root is made with mmdebstrap, the committed checkout is
# cloned into it, and the quickstart runs there as root in a chroot.
#
#   packaging/linux/fresh-machine-test.sh [run] [test] [deb] [fuzz]
#
#   run    `quickstart.sh run` in the root (no display: the headless gateway) must start the
#          gateway and answer GET /health/liveliness.
#   test   `quickstart.sh test` in the root must install, build and pass every test.
#   deb    `quickstart.sh build` (the build dependencies; tests are not built when deb is the
#          only mode) and `cpack -G DEB` in the root make the package; then, in a SECOND
#          pristine root that never had a build dependency, `apt-get install ./switchboard_*.deb`
#          must pull its runtime dependencies from the registry, `switchboard --version` must
#          name the version, the headless gateway must answer /health/liveliness, the GUI must
#          start under Xvfb and save a screenshot, and `apt-get remove --purge` must leave none
#          of the package's files. The .deb, its file list and the screenshot are copied to
#          FRESH_OUT (default /var/tmp/switchboard-fresh-out).
#   fuzz   clang and libclang-rt-14-dev, the libFuzzer targets built with ASan/UBSan
#          (-DSWITCHBOARD_FUZZ=ON), each run on FUZZ_RUNS (30000) inputs from seed 1 by tests/fuzz/run.sh: no crash,
#          leak, UBSan report or broken property.
#
# Several modes run in order in one root (CI: `run test deb fuzz`), so the build is made once; `run`
# goes first because it installs the smaller package list. What is tested is the checkout's
# HEAD plus uncommitted changes to tracked files (untracked files are not copied).
#
# Needs root, mmdebstrap (apt-get install mmdebstrap) and git. The host's CA bundle, resolv.conf,
# npm configuration and apt network settings are copied in, so the package registries are
# reached exactly as from the host. FRESH_KEEP_ROOT=1 keeps the root for a look afterwards.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(test)
for mode in "${modes[@]}"; do
    case "$mode" in
    run|test|deb|fuzz) ;;
    *) echo "usage: $0 [run] [test] [deb]" >&2; exit 2 ;;
    esac
done
if [ "$(id -u)" -ne 0 ]; then
    echo "fresh-machine-test: needs root (mmdebstrap and chroot)" >&2
    exit 2
fi
if ! command -v mmdebstrap >/dev/null 2>&1; then
    echo "fresh-machine-test: installing mmdebstrap"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap
fi

started=$SECONDS
phase_started=$SECONDS
phase_done() {
    echo "fresh-machine-test: $1 took $((SECONDS - phase_started)) s"
    phase_started=$SECONDS
}

root=$(mktemp -d /var/tmp/switchboard-fresh.XXXXXX)
roots=("$root")   # every root made, for the clean-up (deb mode adds a second one)
gateway_pid=""
background_pids=()
remove_root() {
    local dir="$1"
    # Whatever still runs inside the root (a gateway, a redis-server a test left) must end
    # before its mounts can go.
    for attempt in 1 2 3 4 5; do
        local pids=()
        for proc in /proc/[0-9]*; do
            if [ "$(readlink "$proc/root" 2>/dev/null)" = "$dir" ]; then pids+=("${proc#/proc/}"); fi
        done
        [ ${#pids[@]} -gt 0 ] || break
        kill -s "$([ "$attempt" -lt 3 ] && echo TERM || echo KILL)" "${pids[@]}" 2>/dev/null
        sleep 1
    done
    for mount in dev sys proc; do
        if mountpoint -q "$dir/$mount"; then umount -R "$dir/$mount" || umount -lR "$dir/$mount"; fi
    done
    if [ -n "${FRESH_KEEP_ROOT:-}" ]; then
        echo "fresh-machine-test: root kept at $dir"
    elif ! mountpoint -q "$dir/dev" && ! mountpoint -q "$dir/sys" && ! mountpoint -q "$dir/proc"; then
        rm -rf --one-file-system "$dir"
    else
        echo "fresh-machine-test: $dir still has mounts; not removing it" >&2
    fi
}
cleanup() {
    local status=$?
    set +e
    if [ -n "$gateway_pid" ]; then kill -- "-$gateway_pid" 2>/dev/null; fi
    for pid in "${background_pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    for dir in "${roots[@]}"; do remove_root "$dir"; done
    echo "fresh-machine-test: finished in $((SECONDS - started)) s with status $status"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The host's apt sources (deb822 or one-line) and the apt settings about reaching them
# (proxies, validity checks of snapshot mirrors), so the root uses the same mirrors.
mirrors=()
for sources in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    if [ -f "$sources" ] && grep -qE '^[[:space:]]*(deb|Types:)' "$sources"; then mirrors+=("$sources"); fi
done
aptopts=()
while IFS= read -r option; do
    aptopts+=(--aptopt="$option")
done < <(apt-config dump | grep -E '^Acquire::(http|https|ftp)::Proxy|^Acquire::Check-(Valid-Until|Date) ' || true)

make_root() {
    mmdebstrap --quiet --variant=apt "${aptopts[@]}" bookworm "$1" "${mirrors[@]}"
}

# Network configuration as on the host: resolver, CA bundle (and the extra CAs it was made
# from, in case the quickstart installs ca-certificates and it rebuilds the bundle), npm.
configure_root() {
    local dir="$1"
    cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
    if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
        mkdir -p "$dir/etc/ssl/certs"
        cp -L /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
    fi
    if [ -d /usr/local/share/ca-certificates ]; then
        mkdir -p "$dir/usr/local/share/ca-certificates"
        cp -rL /usr/local/share/ca-certificates/. "$dir/usr/local/share/ca-certificates/"
    fi
    for npmrc in /etc/npmrc /usr/etc/npmrc "$HOME/.npmrc"; do
        if [ -f "$npmrc" ]; then
            target="$dir${npmrc/#$HOME//root}"
            mkdir -p "$(dirname "$target")"
            cp -L "$npmrc" "$target"
        fi
    done
}

mount_root() {
    local dir="$1"
    mount -t proc proc "$dir/proc"
    for mount in sys dev; do
        mount --rbind "/$mount" "$dir/$mount"
        mount --make-rslave "$dir/$mount"
    done
}

echo "fresh-machine-test: making a pristine Debian 12 root in $root"
make_root "$root"
phase_done "making the root"
configure_root "$root"

# deb mode installs the package in a second root that never saw a build dependency; it is
# made now, while the first root builds.
install_root=""
install_root_pid=""
fresh_out="${FRESH_OUT:-/var/tmp/switchboard-fresh-out}"
if [[ " ${modes[*]} " == *" deb "* ]]; then
    install_root=$(mktemp -d /var/tmp/switchboard-fresh-install.XXXXXX)
    roots+=("$install_root")
    echo "fresh-machine-test: making the second pristine root in $install_root (in the background)"
    mkdir -p "$fresh_out"
    make_root "$install_root" >"$fresh_out/install-root.log" 2>&1 &
    install_root_pid=$!
    background_pids+=("$install_root_pid")
fi

# The checkout: HEAD, or HEAD with the uncommitted changes to tracked files.
revision=$(git -C "$here" stash create 2>/dev/null || true)
revision=${revision:-$(git -C "$here" rev-parse HEAD)}
git clone --quiet --no-checkout "$here" "$root/src"
git -C "$root/src" checkout --quiet --detach "$revision"
echo "fresh-machine-test: testing $(git -C "$here" log -1 --format='%h %s' HEAD)$( [ "$revision" = "$(git -C "$here" rev-parse HEAD)" ] || echo ' + uncommitted changes')"

mount_root "$root"

# A clean environment, as a login would give; proxies and CA hints pass through if set.
chroot_env=(env -i HOME=/root TERM=dumb LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY NODE_EXTRA_CA_CERTS CI; do
    if [ -n "${!name:-}" ]; then chroot_env+=("$name=${!name}"); fi
done

in_root() {
    chroot "$root" "${chroot_env[@]}" "$@"
}
in_install_root() {
    chroot "$install_root" "${chroot_env[@]}" "$@"
}

free_port() {
    local port
    for port in $(shuf -i 20000-60000 -n 50); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
    done
    echo "fresh-machine-test: no free port found" >&2
    return 1
}

run_mode() {
    local port log
    port=$(free_port)
    log="$root/var/tmp/quickstart-run.log"
    echo "fresh-machine-test: quickstart.sh run (headless on port $port), output in $log"
    setsid chroot "$root" "${chroot_env[@]}" /src/packaging/linux/quickstart.sh run --port "$port" \
        >"$log" 2>&1 &
    gateway_pid=$!
    # The quickstart installs and builds before it starts the gateway: wait while it runs.
    local answer=""
    while kill -0 "$gateway_pid" 2>/dev/null; do
        if answer=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/health/liveliness" 2>/dev/null); then
            break
        fi
        answer=""
        sleep 2
    done
    if [ -z "$answer" ]; then
        echo "fresh-machine-test: the gateway never answered /health/liveliness; quickstart output:" >&2
        tail -n 60 "$log" >&2
        return 1
    fi
    grep -E '^quickstart: ' "$log" || true
    echo "fresh-machine-test: /health/liveliness on port $port answered: $answer"
    kill -- "-$gateway_pid"
    wait "$gateway_pid" 2>/dev/null || true
    gateway_pid=""
}

# Polls the gateway's /health/liveliness on PORT while PID lives, for at most SECONDS.
wait_for_liveliness() {
    local port="$1" pid="$2" deadline=$((SECONDS + $3)) answer
    while [ $SECONDS -lt $deadline ] && kill -0 "$pid" 2>/dev/null; do
        if answer=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/health/liveliness" 2>/dev/null); then
            echo "$answer"
            return 0
        fi
        sleep 1
    done
    return 1
}

deb_mode() {
    local out="$fresh_out" deb name port answer
    mkdir -p "$out"
    # Build: the quickstart installs the build dependencies and builds (reusing the build of
    # run/test when they ran first); tests are left out when only the package is wanted.
    local cmake_args=""
    [ ${#modes[@]} -gt 1 ] || cmake_args="-DSWITCHBOARD_BUILD_TESTS=OFF"
    in_root env SWITCHBOARD_CMAKE_ARGS="$cmake_args" /src/packaging/linux/quickstart.sh build
    if ! in_root sh -c 'cd /src/build && rm -f switchboard_*.deb && cpack -G DEB' >"$out/cpack.log" 2>&1; then
        echo "fresh-machine-test: cpack -G DEB failed:" >&2
        tail -n 30 "$out/cpack.log" >&2
        return 1
    fi
    deb=$(cd "$root/src/build" && ls switchboard_*_amd64.deb)
    name=$(basename "$deb")
    cp "$root/src/build/$deb" "$out/$name"
    echo "fresh-machine-test: built $name, $(stat -c %s "$out/$name") bytes"
    echo "fresh-machine-test: Depends: $(dpkg-deb -f "$out/$name" Depends)"
    phase_done "quickstart.sh build and cpack -G DEB"

    # Install in the second pristine root: apt must find every runtime dependency itself.
    if ! wait "$install_root_pid"; then
        echo "fresh-machine-test: making the second root failed:" >&2
        tail -n 30 "$fresh_out/install-root.log" >&2
        return 1
    fi
    install_root_pid=""
    background_pids=()
    configure_root "$install_root"
    mount_root "$install_root"
    cp "$out/$name" "$install_root/tmp/$name"
    in_install_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    in_install_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$name" \
        >"$out/apt-install.log" 2>&1 || { tail -n 40 "$out/apt-install.log" >&2; return 1; }
    echo "fresh-machine-test: apt-get install ./$name installed $(grep -c '^Setting up ' "$out/apt-install.log") packages"
    in_install_root dpkg -L switchboard >"$out/dpkg-L.txt"
    phase_done "making the second root and apt-get install ./$name"

    local version expected
    expected=$(dpkg-deb -f "$out/$name" Version)
    version=$(in_install_root switchboard --version)
    echo "fresh-machine-test: switchboard --version: $version"
    [ "$version" = "switchboard $expected" ] || { echo "fresh-machine-test: expected \"switchboard $expected\"" >&2; return 1; }

    port=$(free_port)
    setsid chroot "$install_root" "${chroot_env[@]}" /usr/bin/switchboard --headless --port "$port" \
        >"$out/headless.log" 2>&1 &
    gateway_pid=$!
    if ! answer=$(wait_for_liveliness "$port" "$gateway_pid" 60); then
        echo "fresh-machine-test: the installed gateway never answered /health/liveliness:" >&2
        tail -n 30 "$out/headless.log" >&2
        return 1
    fi
    echo "fresh-machine-test: installed /usr/bin/switchboard --headless on port $port answered: $answer"
    kill -- "-$gateway_pid"
    wait "$gateway_pid" 2>/dev/null || true
    gateway_pid=""

    # The window, from the installed binary, under Xvfb (test tools installed only now, after
    # the package proved it pulls its own dependencies).
    in_install_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xvfb xauth \
        >>"$out/apt-install.log" 2>&1 || { tail -n 20 "$out/apt-install.log" >&2; return 1; }
    port=$(free_port)
    rm -f "$install_root/tmp/window.png"
    if ! in_install_root timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" \
        /usr/bin/switchboard --port "$port" --screenshot /tmp/window.png >"$out/gui.log" 2>&1; then
        echo "fresh-machine-test: the GUI did not save a screenshot:" >&2
        tail -n 30 "$out/gui.log" >&2
        return 1
    fi
    if [ "$(head -c 8 "$install_root/tmp/window.png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
        echo "fresh-machine-test: /tmp/window.png is not a PNG" >&2
        return 1
    fi
    cp "$install_root/tmp/window.png" "$out/window.png"
    echo "fresh-machine-test: the installed GUI saved a screenshot under Xvfb: $out/window.png ($(stat -c %s "$out/window.png") bytes)"
    phase_done "the installed binary: --version, --headless, the window under Xvfb"

    # Uninstall: none of the package's files may remain; a directory may, only when another
    # package owns it too (/usr/share/icons/hicolor/…).
    in_install_root env DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq switchboard >>"$out/apt-install.log" 2>&1
    local left=() path
    while IFS= read -r path; do
        if [ -z "$path" ] || [ "$path" = "/." ]; then continue; fi
        if [ -d "$install_root$path" ] && [ ! -L "$install_root$path" ]; then
            in_install_root dpkg-query -S "$path" >/dev/null 2>&1 || left+=("$path/")
        elif [ -e "$install_root$path" ] || [ -L "$install_root$path" ]; then
            left+=("$path")
        fi
    done <"$out/dpkg-L.txt"
    if [ ${#left[@]} -gt 0 ]; then
        echo "fresh-machine-test: apt-get remove --purge left behind: ${left[*]}" >&2
        return 1
    fi
    echo "fresh-machine-test: apt-get remove --purge removed all $(grep -c '' "$out/dpkg-L.txt") paths of the package"
    phase_done "apt-get remove --purge"
}

# fuzz: clang and its libFuzzer runtime, the fuzz targets built with ASan/UBSan, each run on
# FUZZ_RUNS inputs on corpora seeded from tests/fixtures (tests/fuzz/run.sh).
fuzz_mode() {
    if [ ${#modes[@]} -eq 1 ]; then
        in_root /src/packaging/linux/quickstart.sh build # the build dependencies
    fi
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev \
        >/dev/null
    phase_done "installing clang and libFuzzer"
    in_root sh -c 'cd /src && CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSWITCHBOARD_FUZZ=ON -DSWITCHBOARD_BUILD_TESTS=OFF >/dev/null && cmake --build build-fuzz --target fuzz_all'
    phase_done "building the fuzz targets (clang, ASan, UBSan)"
    # A fixed number of inputs from a fixed seed: the same inputs as on the machine that
    # committed, so CI does not fail on a finding that happens to come up only there.
    in_root env FUZZ_RUNS="${FUZZ_RUNS:-30000}" /src/tests/fuzz/run.sh /src/build-fuzz
    phase_done "fuzzing every target (${FUZZ_RUNS:-30000} inputs each, seed 1)"
}

for mode in "${modes[@]}"; do
    case "$mode" in
    deb)
        deb_mode
        ;;
    fuzz)
        fuzz_mode
        ;;
    run)
        run_mode
        phase_done "quickstart.sh run (install, build, start, answer)"
        ;;
    test)
        in_root /src/packaging/linux/quickstart.sh test
        phase_done "quickstart.sh test (install, build, npm ci, every test)"
        ;;
    esac
done
