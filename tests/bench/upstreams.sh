#!/usr/bin/env bash
# A Claude Code turn (Anthropic in, ~60 KB with 12 tool schemas) through Switchboard to each kind
# of upstream: OpenAI-compatible (translated), Ollama (translated) and Anthropic (passed through,
# only the model changes), with the same request sent straight to the fake upstream beside it.
#
#   tests/bench/upstreams.sh [BUILD_DIR] [BEFORE_BINARY]
#
# With BEFORE_BINARY (an older build's app/switchboard), every row also runs through that gateway,
# in the same run, so the two columns compare like with like. Gateways are pinned to CPU 0, the
# fake upstreams and the load generator to CPU 1. Prints a Markdown table.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
before_bin="${2:-}"
# shellcheck source=tests/bench/common.sh
source "$here/tests/bench/common.sh"
[ -z "$before_bin" ] || [ -x "$before_bin" ] || { echo "not an executable: $before_bin" >&2; exit 2; }

start_fake() { # kind port
    (pin_bg 1 "$fake_bin" --kind "$1" --port "$2" --chunks 20 --text-bytes 400) >"$work/fake-$2.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do grep -q listening "$work/fake-$2.log" && return; sleep 0.05; done
    echo "fake $1 upstream did not start" >&2; exit 1
}
openai=$(free_port); start_fake openai "$openai"
ollama=$(free_port); start_fake ollama "$ollama"
anthropic=$(free_port); start_fake anthropic "$anthropic"
cat >"$work/config.yaml" <<YAML
model_list:
  - model_name: "to-openai"
    litellm_params: {model: openai/fake-model, api_base: "http://127.0.0.1:$openai/v1"}
  - model_name: "to-ollama"
    litellm_params: {model: ollama/fake-model, api_base: "http://127.0.0.1:$ollama"}
  - model_name: "to-anthropic"
    litellm_params: {model: anthropic/fake-model, api_base: "http://127.0.0.1:$anthropic", api_key: sk-bench}
YAML

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
clk_tck=$(getconf CLK_TCK)
field() { sed -E "s/.*\"$2\":([-0-9.]+).*/\\1/" <<<"$1"; }
run() { pin 1 "$load_bin" "$@" || true; }

start_gateway() { # binary → sets gw_port, gw_pid
    gw_port=$(free_port)
    (pin_bg 0 "$1" --headless --config "$work/config.yaml" --port "$gw_port") 2>>"$work/gateway.log" &
    gw_pid=$!
    pids+=($gw_pid)
    pin 1 "$load_bin" --port "$gw_port" --wait-200 /health/liveliness >/dev/null
}
start_gateway "$gateway_bin"; now_port=$gw_port; now_pid=$gw_pid
token=$("$gateway_bin" token --config "$work/config.yaml")
if [ -n "$before_bin" ]; then start_gateway "$before_bin"; old_port=$gw_port; old_pid=$gw_pid; fi

through() { # port pid model c n → "req/s p50 errors cpu_ms"
    local port=$1 pid=$2 model=$3 c=$4 n=$5 out t0 t1
    run --port "$port" --path /v1/messages --body anthropic --kb 60 --concurrency "$c" --requests 300 --token "$token" --model "$model" >/dev/null
    t0=$(cpu_ticks "$pid")
    out=$(run --port "$port" --path /v1/messages --body anthropic --kb 60 --concurrency "$c" --requests "$n" --token "$token" --model "$model")
    t1=$(cpu_ticks "$pid")
    printf '%s %s %s %.3f' "$(field "$out" rps)" "$(field "$out" p50_ms)" "$(field "$out" errors)" \
        "$(echo "($t1 - $t0) * 1000 / $clk_tck / $n" | bc -l)"
}

printf '\nSwitchboard %s, 60 KB Claude Code turn per upstream kind — %s, %s cores, %s\n\n' \
    "$("$gateway_bin" --version | awk '{print $2}')" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
    "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
header='| upstream | c | direct req/s | via req/s | via p50 ms | via errors | CPU ms/req'
rule='|---|---|---|---|---|---|---'
if [ -n "$before_bin" ]; then
    header+=' | before req/s | before p50 ms | before errors | before CPU ms/req'
    rule+='|---|---|---|---'
fi
printf '%s |\n%s|\n' "$header" "$rule"
for kind in openai ollama anthropic; do
    case $kind in
    openai) direct=(--port "$openai" --path /v1/chat/completions --body openai) ;;
    ollama) direct=(--port "$ollama" --path /api/chat --body openai) ;; # stream: false, OpenAI-shaped messages
    anthropic) direct=(--port "$anthropic" --path /v1/messages --body anthropic --model fake-model) ;;
    esac
    for c in 1 16; do
        n=$((c == 1 ? 1500 : 6000))
        d=$(run "${direct[@]}" --kb 60 --concurrency "$c" --requests "$n")
        read -r rps p50 errors cpu <<<"$(through "$now_port" "$now_pid" "to-$kind" "$c" "$n")"
        line="| $kind | $c | $(field "$d" rps) | $rps | $p50 | $errors | $cpu"
        if [ -n "$before_bin" ]; then
            read -r rps p50 errors cpu <<<"$(through "$old_port" "$old_pid" "to-$kind" "$c" "$n")"
            line+=" | $rps | $p50 | $errors | $cpu"
        fi
        printf '%s |\n' "$line"
    done
done
