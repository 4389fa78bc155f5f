#!/usr/bin/env bash
# What the usage tap, live stats and spend log cost the gateway at full load.
#
#   tests/bench/usage_overhead.sh [BUILD_DIR] [ROUNDS] [SECONDS]   (default: build, 9 rounds of 5 s)
#
# Two gateways from the same config, one with switchboard.usage_enabled true (spend log on
# disk) and one with it false, both pinned to CPU 0, under one switchboard-loadgen in A/B
# mode (half its connections to each, one event loop) on CPU 1 with the fake upstream.
# Both gateways are saturated and share one core, so whatever the machine's speed does
# during a round (this VM's drifts by ±30 % over minutes) happens to both alike. Per round:
#   - throughput: requests/s of the usage-on gateway against the usage-off one;
#   - CPU per request: each gateway's own CPU time (user + system, all its threads, from
#     /proc) over the requests it answered. This is the steadier figure: the scheduler
#     shares the core per thread, so the usage-on gateway's extra (storage) thread gets it
#     a slightly larger share, which flatters its throughput but not its CPU per request.
# Rounds alternate which gateway gets the even connections. Prints a Markdown table with
# every round and the median; the target is at most 5 %.
# CONTROL=1 starts both gateways with usage off: what the method reads when there is no
# difference (its noise floor).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
rounds="${2:-9}"
seconds="${3:-5}"
# shellcheck source=tests/bench/common.sh
source "$here/tests/bench/common.sh"

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
on_port=$(start_gateway on "$([ "${CONTROL:-0}" = 1 ] && echo false || echo true)")
off_pid=$(cat "$work/off.pid")
on_pid=$(cat "$work/on.pid")
token=$("$gateway_bin" token --config "$work/on.yaml")

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU ticks of one process's threads of that name (the spend log's is "storage").
thread_ticks() { # pid name
    local total=0 task
    for task in /proc/"$1"/task/*; do
        [ "$(cat "$task/comm" 2>/dev/null)" = "$2" ] && total=$((total + $(awk '{print $14 + $15}' "$task/stat")))
    done
    echo "$total"
}
# field JSON SIDE NAME: a number from the loadgen's {"a":{…},"b":{…}} line.
field() { sed -E "s/.*\"$2\":\\{[^}]*\"$3\":([-0-9.]+).*/\\1/" <<<"$1"; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

on_requests=0
scenario() { # name concurrency extra-loadgen-args
    local name=$1 c=$2 extra=${3:-} r first second out side_on side_off
    local -a tput=() cpu=()
    # Warm both (connections, caches, the spend log's first pages).
    pin 1 "$load_bin" --port "$off_port" --ab-port "$on_port" --path /v1/messages --body anthropic --token "$token" \
        --kb 2 --concurrency "$c" --duration 2 $extra >/dev/null || true
    printf '\n%s (usage off and on side by side, %s connections, %s s a round)\n\n' "$name" "$c" "$seconds"
    printf '| round | off req/s | on req/s | throughput change | off CPU µs/req | on CPU µs/req | of which storage thread | CPU per request change | errors off/on |\n'
    printf '|---|---|---|---|---|---|---|---|---|\n'
    for r in $(seq "$rounds"); do
        if ((r % 2)); then first=$off_port second=$on_port side_off=a side_on=b
        else first=$on_port second=$off_port side_off=b side_on=a; fi
        local off0 on0 off1 on1 st0 st1
        off0=$(cpu_ticks "$off_pid"); on0=$(cpu_ticks "$on_pid"); st0=$(thread_ticks "$on_pid" storage)
        out=$(pin 1 "$load_bin" --port "$first" --ab-port "$second" --path /v1/messages --body anthropic --token "$token" \
            --kb 2 --concurrency "$c" --duration "$seconds" $extra || true)
        off1=$(cpu_ticks "$off_pid"); on1=$(cpu_ticks "$on_pid"); st1=$(thread_ticks "$on_pid" storage)
        local n_off n_on rps_off rps_on e_off e_on hz cpu_off cpu_on cpu_storage
        n_off=$(field "$out" "$side_off" requests); n_on=$(field "$out" "$side_on" requests)
        rps_off=$(field "$out" "$side_off" rps); rps_on=$(field "$out" "$side_on" rps)
        e_off=$(field "$out" "$side_off" errors); e_on=$(field "$out" "$side_on" errors)
        on_requests=$((on_requests + n_on))
        hz=$(getconf CLK_TCK)
        cpu_off=$(echo "($off1 - $off0) * 1000000 / $hz / $n_off" | bc -l)
        cpu_on=$(echo "($on1 - $on0) * 1000000 / $hz / $n_on" | bc -l)
        cpu_storage=$(echo "($st1 - $st0) * 1000000 / $hz / $n_on" | bc -l)
        tput+=("$(echo "($rps_on - $rps_off) * 100 / $rps_off" | bc -l)")
        cpu+=("$(echo "($cpu_on - $cpu_off) * 100 / $cpu_off" | bc -l)")
        printf '| %s | %.0f | %.0f | %+.1f %% | %.1f | %.1f | %.1f | %+.1f %% | %s/%s |\n' "$r" "$rps_off" "$rps_on" \
            "${tput[-1]}" "$cpu_off" "$cpu_on" "$cpu_storage" "${cpu[-1]}" "$e_off" "$e_on"
    done
    printf '| **median** | | | **%+.1f %%** | | | | **%+.1f %%** | |\n' \
        "$(printf '%s\n' "${tput[@]}" | median)" "$(printf '%s\n' "${cpu[@]}" | median)"
}

[ "${CONTROL:-0}" = 1 ] && printf 'CONTROL RUN: both gateways have usage off\n'
printf 'Usage tap overhead — %s, %s cores, %s\n' \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
scenario "non-streaming, 2 KB requests" 32
scenario "streaming (50 chunks), 2 KB requests" 32 --stream

# Every answered request of the usage-on gateway must be in its spend log (the writer
# commits within 250 ms); warm-up requests count too, so at least the measured ones.
sleep 1
rows=$(sqlite3 "$work/on-usage.sqlite" 'SELECT COUNT(*) FROM requests' 2>/dev/null || echo "?")
printf '\nspend log of the usage-on gateway: %s records (measured requests: %s)\n' "$rows" "$on_requests"
