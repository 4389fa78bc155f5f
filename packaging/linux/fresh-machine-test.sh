#!/usr/bin/env bash
# Runs the README's quick-start commands the way a new user would: on a Debian 12 machine with
# nothing installed but apt. A pristine root is made with mmdebstrap, the committed checkout is
# cloned into it, and the quickstart runs there as root in a chroot.
#
#   packaging/linux/fresh-machine-test.sh [run] [test]
#
#   run    `quickstart.sh run` in the root (no display: the headless gateway) must start the
#          gateway and answer GET /health/liveliness.
#   test   `quickstart.sh test` in the root must install, build and pass every test.
#
# Several modes run in order in one root (CI: `run test`), so the build is made once; `run`
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
    run|test) ;;
    *) echo "usage: $0 [run] [test]" >&2; exit 2 ;;
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
gateway_pid=""
cleanup() {
    local status=$?
    set +e
    if [ -n "$gateway_pid" ]; then kill -- "-$gateway_pid" 2>/dev/null; fi
    # Whatever still runs inside the root (a gateway, a redis-server a test left) must end
    # before its mounts can go.
    for attempt in 1 2 3 4 5; do
        local pids=()
        for proc in /proc/[0-9]*; do
            if [ "$(readlink "$proc/root" 2>/dev/null)" = "$root" ]; then pids+=("${proc#/proc/}"); fi
        done
        [ ${#pids[@]} -gt 0 ] || break
        kill -s "$([ "$attempt" -lt 3 ] && echo TERM || echo KILL)" "${pids[@]}" 2>/dev/null
        sleep 1
    done
    for mount in dev sys proc; do
        if mountpoint -q "$root/$mount"; then umount -R "$root/$mount" || umount -lR "$root/$mount"; fi
    done
    if [ -n "${FRESH_KEEP_ROOT:-}" ]; then
        echo "fresh-machine-test: root kept at $root"
    elif ! mountpoint -q "$root/dev" && ! mountpoint -q "$root/sys" && ! mountpoint -q "$root/proc"; then
        rm -rf --one-file-system "$root"
    else
        echo "fresh-machine-test: $root still has mounts; not removing it" >&2
    fi
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

echo "fresh-machine-test: making a pristine Debian 12 root in $root"
mmdebstrap --quiet --variant=apt "${aptopts[@]}" bookworm "$root" "${mirrors[@]}"
phase_done "making the root"

# Network configuration as on the host: resolver, CA bundle (and the extra CAs it was made
# from, in case the quickstart installs ca-certificates and it rebuilds the bundle), npm.
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$root/etc/ssl/certs"
    cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
fi
if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp -rL /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
for npmrc in /etc/npmrc /usr/etc/npmrc "$HOME/.npmrc"; do
    if [ -f "$npmrc" ]; then
        target="$root${npmrc/#$HOME//root}"
        mkdir -p "$(dirname "$target")"
        cp -L "$npmrc" "$target"
    fi
done

# The checkout: HEAD, or HEAD with the uncommitted changes to tracked files.
revision=$(git -C "$here" stash create 2>/dev/null || true)
revision=${revision:-$(git -C "$here" rev-parse HEAD)}
git clone --quiet --no-checkout "$here" "$root/src"
git -C "$root/src" checkout --quiet --detach "$revision"
echo "fresh-machine-test: testing $(git -C "$here" log -1 --format='%h %s' HEAD)$( [ "$revision" = "$(git -C "$here" rev-parse HEAD)" ] || echo ' + uncommitted changes')"

mount -t proc proc "$root/proc"
for mount in sys dev; do
    mount --rbind "/$mount" "$root/$mount"
    mount --make-rslave "$root/$mount"
done

# A clean environment, as a login would give; proxies and CA hints pass through if set.
chroot_env=(env -i HOME=/root TERM=dumb LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY NODE_EXTRA_CA_CERTS CI; do
    if [ -n "${!name:-}" ]; then chroot_env+=("$name=${!name}"); fi
done

in_root() {
    chroot "$root" "${chroot_env[@]}" "$@"
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

for mode in "${modes[@]}"; do
    case "$mode" in
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
