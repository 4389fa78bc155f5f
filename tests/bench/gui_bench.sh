#!/usr/bin/env bash
# The desktop app's figures: RSS idle with the gateway running, launch to shown window, and
# the GUI thread's longest event-loop stall while the gateway serves 1,000 concurrent streams.
#
#   tests/bench/gui_bench.sh [BUILD_DIR]      (needs xvfb-run; prints a Markdown table)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
# shellcheck source=tests/bench/common.sh
source "$here/tests/bench/common.sh"

up=$(free_port)
("$fake_bin" --kind openai --port "$up" --chunks 50 --text-bytes 400 --stream-delay-ms 20) >"$work/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/fake.log" && break; sleep 0.05; done
gw=$(free_port)
mkdir -p "$work/home"
cat >"$work/config.yaml" <<YAML
model_list:
  - model_name: "claude-*"
    litellm_params: {model: openai/fake-model, api_base: "http://127.0.0.1:$up/v1"}
YAML

export HOME="$work/home" SWITCHBOARD_SECRETS_BACKEND=file SWITCHBOARD_GUI_STATS=1
unset XDG_CONFIG_HOME
t0=$(date +%s%N)
xvfb-run -a -s "-screen 0 1280x800x24" env -u QT_QPA_PLATFORM "$gateway_bin" --config "$work/config.yaml" --port "$gw" \
    2>"$work/gui.log" &
pids+=($!)
for _ in $(seq 400); do grep -q "gui: window shown" "$work/gui.log" 2>/dev/null && break; sleep 0.01; done
t1=$(date +%s%N)
shown_ms=$(( (t1 - t0) / 1000000 ))
"$load_bin" --port "$gw" --wait-200 /health/liveliness >/dev/null
sleep 3
app_pid=$(pgrep -n -f -- "--config $work/config.yaml --port $gw")
rss_idle=$(awk '/VmRSS/ {print $2}' "/proc/$app_pid/status")
token=$("$gateway_bin" token --config "$work/config.yaml")
before=$(grep -c "gui: longest stall" "$work/gui.log" || true)
result=$("$load_bin" --port "$gw" --path /v1/messages --body anthropic --kb 2 --concurrency 1000 --requests 1000 \
    --token "$token" --stream || true)
sleep 1.5
stall=$(grep "gui: longest stall" "$work/gui.log" | tail -1 | awk '{print $4}')
# The stall before the load, so the table shows what the streams added.
idle_stall=$(grep "gui: longest stall" "$work/gui.log" | sed -n "${before}p" | awk '{print $4}')
kill -TERM "$app_pid" 2>/dev/null || true

printf '\nSwitchboard desktop benchmark — %s, %s cores, %s\n\n' \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf '| figure | value | target |\n|---|---|---|\n'
printf '| RSS idle, gateway running | %s MB | ≤ 80 MB |\n' "$(( rss_idle / 1024 ))"
printf '| launch to shown window (incl. xvfb-run start) | %s ms | ≤ 500 ms |\n' "$shown_ms"
printf '| GUI longest stall, idle | %s ms | |\n' "${idle_stall:-?}"
printf '| GUI longest stall, 1,000 concurrent streams | %s ms | ≤ 50 ms |\n' "${stall:-?}"
printf '\nload: %s\n' "$result"
