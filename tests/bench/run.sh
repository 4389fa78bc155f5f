#!/usr/bin/env bash
# The gateway benchmark: direct-to-upstream vs through Switchboard (Anthropic in, OpenAI out),
# side by side in one run, on loopback against switchboard-fake-upstream.
#
#   tests/bench/run.sh [BUILD_DIR]        (default: build; build it first, e.g. with
#                                          packaging/linux/quickstart.sh build)
#
# The gateway is pinned to CPU 0; the fake upstream and the load generator share CPU 1, in
# both columns, so "added" is what the gateway costs. Prints a Markdown table.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
# shellcheck source=tests/bench/common.sh
source "$here/tests/bench/common.sh"

start_fake() { # port delay_ms
    (pin_bg 1 "$fake_bin" --kind openai --port "$1" --chunks 50 --text-bytes 400 --stream-delay-ms "$2") >"$work/fake-$1.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do grep -q listening "$work/fake-$1.log" && return; sleep 0.05; done
    echo "fake upstream did not start" >&2; exit 1
}

up=$(free_port); start_fake "$up" 0
slow=$(free_port); start_fake "$slow" 20
gw=$(free_port)
cat >"$work/config.yaml" <<YAML
model_list:
  - model_name: "claude-*"
    litellm_params: {model: openai/fake-model, api_base: "http://127.0.0.1:$up/v1"}
  - model_name: "slow-*"
    litellm_params: {model: openai/fake-model, api_base: "http://127.0.0.1:$slow/v1"}
YAML

t0=$(date +%s%N)
(pin_bg 0 "$gateway_bin" --headless --config "$work/config.yaml" --port "$gw") 2>"$work/gateway.log" &
gateway_pid=$!
pids+=($gateway_pid)
t1=$(pin 1 "$load_bin" --port "$gw" --wait-200 /health/liveliness)
launch_ms=$(( (t1 - t0) / 1000000 ))
sleep 1
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# The gateway's CPU time (user + system, in clock ticks) so far: per request, what it costs.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
clk_tck=$(getconf CLK_TCK)
gw_pid=$gateway_pid
rss_idle=$(rss_kb "$gateway_pid")
token=$("$gateway_bin" token --config "$work/config.yaml")

field() { sed -E "s/.*\"$2\":([-0-9.]+).*/\\1/" <<<"$1"; }
run() { pin 1 "$load_bin" "$@" || true; }

printf '\nSwitchboard %s gateway benchmark — %s, %s cores, %s\n\n' "$("$gateway_bin" --version | awk '{print $2}')" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf '| scenario | direct req/s | via req/s | direct p50 ms | via p50 ms | added p50 ms | direct p99 ms | via p99 ms | errors | gateway CPU ms/req |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
row() { # name concurrency requests kb [--stream]
    local name=$1 c=$2 n=$3 kb=$4 extra=${5:-}
    run --port "$up" --path /v1/chat/completions --body openai --kb "$kb" --concurrency "$c" --requests 300 $extra >/dev/null
    run --port "$gw" --path /v1/messages --body anthropic --kb "$kb" --concurrency "$c" --requests 300 --token "$token" $extra >/dev/null
    local d v
    d=$(run --port "$up" --path /v1/chat/completions --body openai --kb "$kb" --concurrency "$c" --requests "$n" $extra)
    local ticks0 ticks1
    ticks0=$(cpu_ticks "$gw_pid")
    v=$(run --port "$gw" --path /v1/messages --body anthropic --kb "$kb" --concurrency "$c" --requests "$n" --token "$token" $extra)
    ticks1=$(cpu_ticks "$gw_pid")
    local key50=p50_ms key99=p99_ms
    if [ -n "$extra" ]; then key50=ttfb_p50_ms; key99=ttfb_p99_ms; fi
    printf '| %s | %s | %s | %s | %s | %.3f | %s | %s | %s/%s | %.3f |\n' "$name" "$(field "$d" rps)" "$(field "$v" rps)" \
        "$(field "$d" $key50)" "$(field "$v" $key50)" "$(echo "$(field "$v" $key50) - $(field "$d" $key50)" | bc -l)" \
        "$(field "$d" $key99)" "$(field "$v" $key99)" "$(field "$d" errors)" "$(field "$v" errors)" \
        "$(echo "($ticks1 - $ticks0) * 1000 / $clk_tck / $n" | bc -l)"
    if [ -n "$extra" ]; then
        printf '| %s (whole stream) | | | %s | %s | %.3f | %s | %s | | |\n' "$name" "$(field "$d" p50_ms)" "$(field "$v" p50_ms)" \
            "$(echo "$(field "$v" p50_ms) - $(field "$d" p50_ms)" | bc -l)" "$(field "$d" p99_ms)" "$(field "$v" p99_ms)"
    fi
}
row "non-stream 2 KB, c=1" 1 3000 2
# The same through a second gateway with the usage tap (stats, metrics, spend log) off, to
# show what the tap costs.
gw_plain=$(free_port)
sed 's/^model_list:/switchboard: {usage_enabled: false}\nmodel_list:/' "$work/config.yaml" >"$work/config-plain.yaml"
(pin_bg 0 "$gateway_bin" --headless --config "$work/config-plain.yaml" --port "$gw_plain") 2>"$work/gateway-plain.log" &
pids+=($!)
pin 1 "$load_bin" --port "$gw_plain" --wait-200 /health/liveliness >/dev/null
saved_gw=$gw; gw=$gw_plain; gw_pid=${pids[-1]}
row "non-stream 2 KB, c=1, usage tap off" 1 3000 2
row "non-stream 2 KB, c=64, usage tap off" 64 30000 2
gw=$saved_gw; gw_pid=$gateway_pid
kill "${pids[-1]}" 2>/dev/null || true
row "non-stream 50 KB, c=1" 1 1500 50
row "non-stream 2 KB, c=64" 64 30000 2
row "non-stream 50 KB, c=64" 64 6000 50
# A Claude Code turn is 50-300 KB, many of them at once when subagents run.
row "non-stream 60 KB, c=1" 1 1500 60
row "non-stream 60 KB, c=16" 16 6000 60
row "non-stream 60 KB, c=64" 64 6000 60
row "stream 50 chunks, c=1 (first byte)" 1 1000 2 --stream
row "stream 50 chunks, c=32 (first byte)" 32 5000 2 --stream

# The idle gateway returns freed heap pages after ~2-4 s of quiet (malloc_trim).
sleep 5
rss_after=$(rss_kb "$gateway_pid")

# 1,000 concurrent streams held open ~1 s each by a paced upstream; peak RSS sampled.
peak=0
( while kill -0 "$gateway_pid" 2>/dev/null; do rss_kb "$gateway_pid"; sleep 0.05; done ) >"$work/rss.log" &
sampler=$!
many=$(run --port "$gw" --path /v1/messages --body anthropic --kb 2 --concurrency 1000 --requests 1000 --token "$token" --stream --model slow-x)
kill "$sampler" 2>/dev/null || true
peak=$(sort -n "$work/rss.log" | tail -1)
printf '\n| 1,000 concurrent streams (50 chunks, 20 ms apart) | completed | errors | wall s | p50 ms | p99 ms |\n|---|---|---|---|---|---|\n'
printf '| through Switchboard | %s | %s | %s | %s | %s |\n' "$(field "$many" requests)" "$(field "$many" errors)" \
    "$(field "$many" seconds)" "$(field "$many" p50_ms)" "$(field "$many" p99_ms)"
printf '\n| memory and start-up | value |\n|---|---|\n'
printf '| RSS idle | %.1f MB |\n' "$(echo "$rss_idle / 1024" | bc -l)"
printf '| RSS idle after the load tests (5 s quiet) | %.1f MB |\n' "$(echo "$rss_after / 1024" | bc -l)"
printf '| RSS peak with 1,000 open streams | %.1f MB |\n' "$(echo "$peak / 1024" | bc -l)"
printf '| launch to first 200 | %s ms |\n' "$launch_ms"
