# Sourced by the benchmark scripts: the binaries of a build, CPU pinning, a scratch HOME and
# folder that are cleaned up on exit, free ports. Expects `build` to be set to the build dir.
gateway_bin="$build/app/switchboard"
fake_bin="$build/tests/support/switchboard-fake-upstream"
load_bin="$build/tests/bench/switchboard-loadgen"
for bin in "$gateway_bin" "$fake_bin" "$load_bin"; do
    [ -x "$bin" ] || { echo "missing $bin: build first" >&2; exit 2; }
done
# pin CPU COMMAND…: run on that CPU when there are two or more.
pin() { if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }
# For background processes: exec, so that $! is the program's own pid (for RSS and kill).
pin_bg() { if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then exec taskset -c "$1" "${@:2}"; else exec "${@:2}"; fi; }

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    # Processes started inside $(…), whose pids+= is lost, leave their pid in a file.
    for file in "$work"/*.pid; do [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
export HOME="$work/home" SWITCHBOARD_SECRETS_BACKEND=file
unset XDG_CONFIG_HOME
mkdir -p "$HOME"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000)); }
