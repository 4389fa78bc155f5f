#!/usr/bin/env bash
# What the usage tap, live stats and spend log cost the gateway: two gateways from the same
# config, one with switchboard.usage_enabled true (spend log on disk) and one false, measured
# in alternating rounds against one switchboard-fake-upstream with switchboard-loadgen.
#
#   tests/bench/usage_overhead.sh [BUILD_DIR] [ROUNDS]     (default: build, 3 rounds)
#
# The gateways are pinned to CPU 0, the fake upstream and the load generator to CPU 1.
# Prints a Markdown table; the target is a throughput change of at most 5 %.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
rounds="${2:-3}"
gateway_bin="$build/app/switchboard"
fake_bin="$build/tests/support/switchboard-fake-upstream"
load_bin="$build/tests/bench/switchboard-loadgen"
for bin in "$gateway_bin" "$fake_bin" "$load_bin"; do
    [ -x "$bin" ] || { echo "missing $bin: build first" >&2; exit 2; }
done
pin() { if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }
pin_bg() { if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then exec taskset -c "$1" "${@:2}"; else exec "${@:2}"; fi; }

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    # Gateways are started inside $(…), whose pids+= is lost: they leave their pid in a file.
    for file in "$work"/*.pid; do [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
export HOME="$work/home" SWITCHBOARD_SECRETS_BACKEND=file
unset XDG_CONFIG_HOME
mkdir -p "$HOME"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

up=$(free_port)
(pin_bg 1 "$fake_bin" --kind openai --port "$up" --chunks 50 --text-bytes 400) >"$work/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/fake.log" && break; sleep 0.05; done

start_gateway() { # name usage_enabled → prints the port
    local name=$1 enabled=$2 port
    port=$(free_port)
    cat >"$work/$name.yaml" <<YAML
model_list:
  - model_name: "claude-*"
    litellm_params: {model: openai/fake-model, api_base: "http://127.0.0.1:$up/v1"}
switchboard:
  usage_enabled: $enabled
  usage_db: "$work/$name-usage.sqlite"
YAML
    (pin_bg 0 "$gateway_bin" --headless --config "$work/$name.yaml" --port "$port") 2>"$work/$name.log" >/dev/null &
    echo $! >"$work/$name.pid"
    pin 1 "$load_bin" --port "$port" --wait-200 /health/liveliness >/dev/null
    echo "$port"
}
off_port=$(start_gateway off false)
on_port=$(start_gateway on true)
token=$("$gateway_bin" token --config "$work/on.yaml")

field() { sed -E "s/.*\"$2\":([-0-9.]+).*/\\1/" <<<"$1"; }
load() { pin 1 "$load_bin" --path /v1/messages --body anthropic --token "$token" "$@" || true; }

printf '\nUsage tap overhead — %s, %s cores, %s, %s rounds each, alternating\n\n' \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)" "$rounds"
printf '| scenario | usage off req/s | usage on req/s | change | off p50 ms | on p50 ms | errors off/on |\n'
printf '|---|---|---|---|---|---|---|\n'
row() { # name concurrency requests kb [--stream]
    local name=$1 c=$2 n=$3 kb=$4 extra=${5:-}
    load --port "$off_port" --kb "$kb" --concurrency "$c" --requests 300 $extra >/dev/null
    load --port "$on_port" --kb "$kb" --concurrency "$c" --requests 300 $extra >/dev/null
    local off_sum=0 on_sum=0 off_p50=0 on_p50=0 off_err=0 on_err=0 r a b
    for r in $(seq "$rounds"); do
        a=$(load --port "$off_port" --kb "$kb" --concurrency "$c" --requests "$n" $extra)
        b=$(load --port "$on_port" --kb "$kb" --concurrency "$c" --requests "$n" $extra)
        off_sum=$(echo "$off_sum + $(field "$a" rps)" | bc -l); on_sum=$(echo "$on_sum + $(field "$b" rps)" | bc -l)
        off_p50=$(echo "$off_p50 + $(field "$a" p50_ms)" | bc -l); on_p50=$(echo "$on_p50 + $(field "$b" p50_ms)" | bc -l)
        off_err=$((off_err + $(field "$a" errors))); on_err=$((on_err + $(field "$b" errors)))
    done
    printf '| %s | %.0f | %.0f | %+.1f %% | %.3f | %.3f | %s/%s |\n' "$name" \
        "$(echo "$off_sum / $rounds" | bc -l)" "$(echo "$on_sum / $rounds" | bc -l)" \
        "$(echo "($on_sum - $off_sum) * 100 / $off_sum" | bc -l)" \
        "$(echo "$off_p50 / $rounds" | bc -l)" "$(echo "$on_p50 / $rounds" | bc -l)" "$off_err" "$on_err"
}
row "2 KB, c=1" 1 3000 2
row "2 KB, c=16" 16 6000 2
row "2 KB, c=64" 64 6000 2
row "stream 2 KB, c=16" 16 3000 2 --stream
rows=$(sqlite3 "$work/on-usage.sqlite" 'SELECT COUNT(*) FROM requests' 2>/dev/null || echo "?")
printf '\nspend log of the usage-on gateway: %s records\n' "$rows"
