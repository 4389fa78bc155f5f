#!/usr/bin/env bash
# The soak test (on demand, never in ctest): STREAMS concurrent Anthropic streams through the
# headless gateway for SECONDS, against two OpenAI-compatible fake upstreams that fail at random,
# with clients that hang up at random.
#
#   tests/soak/soak.sh [BUILD_DIR] [SECONDS=600] [STREAMS=1000]
#
# Knobs (environment): FAIL_RATE (0.05: a request is closed without a response or answered 500
# before the head), CUT_RATE (0.05: a stream is cut after a random number of chunks),
# HANGUP_RATE (0.3: a client hangs up after a random 0..6000 body bytes), CHUNKS (40) and
# DELAY_MS (100): each stream lasts about CHUNKS x DELAY_MS, RSS_GROWTH_PCT (10), FD_SLACK (8).
#
# What is expected, keyed on what the fakes were told to do:
#   completed    200 and `event: message_stop`: the fake sent it whole (perhaps after failed
#                attempts before the head, which the gateway retried on the other deployment).
#   sse_error    200 and `event: error`, then the last chunk: the fake cut the stream after
#                content had reached the client (no retry then). At most the fakes' cut count.
#   hung_up      the client closed on purpose. The gateway records these as 499 client_closed
#                (or 200 when the stream had already ended and only the client's reading lagged).
#   rejected 502/529  only when every attempt failed before the head (num_retries 3 with two
#                deployments: at FAIL_RATE 0.05 about 1 in 160,000 requests); at most the fakes'
#                failure count divided by the 4 attempts each.
#   UNEXPECTED   anything else: closed before the head, a 200 that ended without message_stop
#                or error, a stream closed without its last chunk, both message_stop and error,
#                any other status, a stream silent for 60 s.
# The gateway's own counts must agree: /metrics (switchboard_requests_total by status) and the
# spend log hold one record per client stream; 499s no more than the client's hang-ups; the
# spend log's 200s that ended in an error between the client's SSE errors and those plus its
# hang-ups (a client that hung up after the gateway had finished is recorded as finished).
# Resources: VmRSS and the fd count of the gateway every 10 s (the series is printed); after
# the load, the fd count must come back within 30 s to the idle baseline plus the idle upstream
# keep-alive connections (counted by the fakes) within FD_SLACK, and
# the mean RSS of the last third of the samples must be within RSS_GROWTH_PCT of the first
# third's mean (the first third starts after a 30 s warm-up, so heap growth to the working set
# is not counted as a leak).
# Exits 1 on any unexpected stream, disagreeing count, fd leak or RSS growth.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
seconds=${2:-600}
streams=${3:-1000}
fail_rate=${FAIL_RATE:-0.05}
cut_rate=${CUT_RATE:-0.05}
hangup_rate=${HANGUP_RATE:-0.3}
chunks=${CHUNKS:-40}
delay_ms=${DELAY_MS:-100}
rss_growth_pct=${RSS_GROWTH_PCT:-10}
fd_slack=${FD_SLACK:-8}
warmup=30
[ "$seconds" -gt $((warmup + 30)) ] || warmup=$((seconds / 3))
# shellcheck source=tests/bench/common.sh
source "$here/tests/bench/common.sh"
client_bin="$build/tests/soak/switchboard-soak-client"
[ -x "$client_bin" ] || { echo "missing $client_bin: build first" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt install sqlite3) to read the spend log" >&2; exit 2; }

start_fake() { # port seed
    "$fake_bin" --kind openai --port "$1" --chunks "$chunks" --text-bytes 2000 --stream-delay-ms "$delay_ms" \
        --fail-rate "$fail_rate" --cut-rate "$cut_rate" --seed "$2" >"$work/fake-$1.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do grep -q listening "$work/fake-$1.log" && return; sleep 0.05; done
    echo "fake upstream did not start" >&2; exit 1
}
up1=$(free_port); start_fake "$up1" 11
up2=$(free_port); start_fake "$up2" 22
gw=$(free_port)
cat >"$work/config.yaml" <<YAML
model_list:
  - model_name: "claude-*"
    litellm_params: {model: openai/fake-model, api_base: "http://127.0.0.1:$up1/v1"}
  - model_name: "claude-*"
    litellm_params: {model: openai/fake-model, api_base: "http://127.0.0.1:$up2/v1"}
litellm_settings: {num_retries: 3}
# Random failures are not a sick deployment: no cooldown, so a retry always has somewhere to go.
router_settings: {allowed_fails: 1000000}
YAML
"$gateway_bin" --headless --config "$work/config.yaml" --port "$gw" 2>"$work/gateway.log" &
gateway_pid=$!
pids+=($gateway_pid)
"$load_bin" --port "$gw" --wait-200 /health/liveliness >/dev/null || { echo "gateway did not start" >&2; cat "$work/gateway.log" >&2; exit 1; }
token=$("$gateway_bin" token --config "$work/config.yaml")

metric_sum() { # status regex
    curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$gw/metrics" |
        awk -v re="$1" '/^switchboard_requests_total/ { if (match($0, /status="[0-9]+"/)) { s = substr($0, RSTART + 8, RLENGTH - 9); if (s ~ re) n += $NF } } END { printf "%d", n }'
}
fake_count() { # port key
    curl -s "http://127.0.0.1:$1/soak/counts" | sed -E "s/.*\"$2\":(-?[0-9]+).*/\\1/"
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$gateway_pid/status"; }
fds() { find "/proc/$gateway_pid/fd" -mindepth 1 -maxdepth 1 | wc -l; }
sleep 2
fd_baseline=$(fds)
# Records from before the load (the start-up health check), subtracted below.
gw_before=$(metric_sum '.*'); gw_before_200=$(metric_sum '^200$'); gw_before_499=$(metric_sum '^499$')
rss_baseline=$(rss_kb)

printf 'Switchboard soak: %s streams for %s s, fail %s / cut %s per upstream request, hang-up %s; %s chunks %s ms apart; %s\n' \
    "$streams" "$seconds" "$fail_rate" "$cut_rate" "$hangup_rate" "$chunks" "$delay_ms" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf 'idle baseline: RSS %s KB, %s fds\n\n' "$rss_baseline" "$fd_baseline"
printf '| t s | RSS KB | fds |\n|---|---|---|\n'
load_start=$SECONDS
(
    next=10
    while kill -0 "$gateway_pid" 2>/dev/null; do
        sleep $((next - (SECONDS - load_start) > 0 ? next - (SECONDS - load_start) : 0))
        t=$((SECONDS - load_start))
        next=$((next + 10))
        printf '%s %s %s\n' "$t" "$(rss_kb)" "$(fds)" >>"$work/series"
        printf '| %s | %s | %s |\n' "$t" "$(rss_kb)" "$(fds)"
        [ -f "$work/load-done" ] && break
    done
) &
sampler=$!
pids+=($sampler)

set +e
"$client_bin" --port "$gw" --token "$token" --concurrency "$streams" --duration "$seconds" \
    --hangup-rate "$hangup_rate" --seed 7 >"$work/client.out" 2>"$work/client.err"
client_rc=$?
set -e
touch "$work/load-done"
wait "$sampler" 2>/dev/null || true

# Idle: the fd count back near the baseline (polled, 30 s deadline). The gateway keeps idle
# keep-alive connections to the upstreams open (no idle expiry; the upstream closes them), so
# those, as the fakes count them, are added to the baseline; the pool itself must stay within
# STREAMS plus the retries' spare connections.
idle_pool() { echo $(($(fake_count "$up1" open) + $(fake_count "$up2" open))); }
fd_after=$(fds)
pool=$(idle_pool)
for _ in $(seq 60); do
    fd_after=$(fds)
    pool=$(idle_pool)
    [ "$fd_after" -le $((fd_baseline + pool + fd_slack)) ] && break
    sleep 0.5
done
sleep 5 # the idle gateway trims its heap after a few quiet seconds
rss_idle_after=$(rss_kb)

gw_all=$(($(metric_sum '.*') - gw_before))
gw_200=$(($(metric_sum '^200$') - gw_before_200))
gw_499=$(($(metric_sum '^499$') - gw_before_499))
gw_other=$((gw_all - gw_200 - gw_499))
gw_in_flight=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$gw/metrics" |
    awk '/^switchboard_requests_in_flight/ { n += $NF } END { printf "%d", n }')
gw_statuses=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$gw/metrics" |
    awk '/^switchboard_requests_total/ { if (match($0, /status="[0-9]+"/)) n[substr($0, RSTART + 8, RLENGTH - 9)] += $NF } END { for (s in n) printf "%s:%d ", s, n[s] }')
fake_cut=$(($(fake_count "$up1" cut) + $(fake_count "$up2" cut)))
fake_fail=$(($(fake_count "$up1" closed) + $(fake_count "$up2" closed) + $(fake_count "$up1" status500) + $(fake_count "$up2" status500)))
fake_requests=$(($(fake_count "$up1" requests) + $(fake_count "$up2" requests)))

client=$(cat "$work/client.out")

# The spend log (the gateway's per-request records, written in batches): polled until it
# holds every stream the client started, 20 s deadline.
spend_db=$(find "$HOME" -name usage.sqlite | head -1)
spend() { [ -n "$spend_db" ] && sqlite3 -readonly "$spend_db" "select count(*) from requests where path like '/v1/messages%' $1" 2>/dev/null || echo 0; }
get() { sed -nE "s/.*(^| )$1=([0-9.]+).*/\\2/p" <<<"$client"; }
c_started=$(get started); c_completed=$(get completed); c_sse=$(get sse_error); c_sse_closed=$(get sse_error_closed)
c_hung=$(get hung_up); c_unexpected=$(get unexpected); c_rejected=$(get rejected)
[ -n "$c_started" ] || { echo "soak client printed nothing (rc $client_rc):" >&2; cat "$work/client.err" >&2; exit 1; }
for _ in $(seq 40); do
    [ "$(spend '')" -ge "$c_started" ] && break
    sleep 0.5
done
sl_all=$(spend '')
sl_ok=$(spend "and status = 200 and coalesce(error_type, '') = ''")
sl_midstream=$(spend "and status = 200 and coalesce(error_type, '') <> ''")
sl_499=$(spend "and status = 499")
sl_other=$((sl_all - sl_ok - sl_midstream - sl_499))

# RSS: first third (after the warm-up) vs last third of the load samples.
read -r rss_first rss_last samples < <(awk -v w="$warmup" -v end="$seconds" '$1 > w && $1 <= end { t[n] = $1; r[n++] = $2 }
    END { k = int(n / 3); if (k < 1) { print 0, 0, n; exit } for (i = 0; i < k; i++) { a += r[i]; b += r[n - 1 - i] } printf "%d %d %d\n", a / k, b / k, n }' "$work/series")

failures=()
[ "$c_unexpected" -eq 0 ] || failures+=("$c_unexpected unexpected streams")
[ "$c_sse_closed" -eq 0 ] || failures+=("$c_sse_closed error streams closed without their last chunk")
[ "$c_sse" -le "$fake_cut" ] || failures+=("more SSE errors ($c_sse) than cut streams ($fake_cut)")
[ "$c_rejected" -le $((fake_fail / 4)) ] || failures+=("more rejections ($c_rejected) than exhausted retries allow ($fake_fail failures / 4)")
[ "$gw_all" -eq "$c_started" ] || failures+=("gateway recorded $gw_all requests, clients started $c_started")
[ "$gw_in_flight" -eq 0 ] || failures+=("gateway still counts $gw_in_flight requests in flight when idle")
[ "$gw_499" -le "$c_hung" ] || failures+=("gateway 499s ($gw_499) exceed client hang-ups ($c_hung)")
# The spend log: a 200 that ended in an error event has its error type; a client that hung up
# after the gateway had finished (only its reading lagged) is a whole 200 or error there.
[ "$sl_all" -eq "$c_started" ] || failures+=("spend log has $sl_all requests, clients started $c_started")
[ "$sl_499" -eq "$gw_499" ] || failures+=("spend log 499s ($sl_499) differ from /metrics ($gw_499)")
[ "$sl_ok" -ge "$c_completed" ] && [ "$sl_ok" -le $((c_completed + c_hung)) ] ||
    failures+=("spend log whole 200s ($sl_ok) outside completed $c_completed .. + hang-ups $c_hung")
[ "$sl_midstream" -ge "$c_sse" ] && [ "$sl_midstream" -le $((c_sse + c_hung)) ] && [ "$sl_midstream" -le "$fake_cut" ] ||
    failures+=("spend log mid-stream errors ($sl_midstream) outside SSE errors $c_sse .. + hang-ups $c_hung, or above cuts $fake_cut")
[ "$sl_other" -eq "$c_rejected" ] || failures+=("spend log other statuses ($sl_other) differ from client rejections ($c_rejected)")
[ "$gw_other" -eq "$c_rejected" ] || failures+=("gateway non-200/499 answers ($gw_other) differ from client rejections ($c_rejected)")
[ "$fd_after" -le $((fd_baseline + pool + fd_slack)) ] ||
    failures+=("fds $fd_after after idle, baseline $fd_baseline + $pool idle upstream connections (+$fd_slack)")
[ "$pool" -le $((streams * 2)) ] || failures+=("idle upstream pool $pool > 2 x STREAMS")
if [ "$samples" -ge 3 ] && [ "$rss_last" -gt $((rss_first + rss_first * rss_growth_pct / 100)) ]; then
    failures+=("RSS grew: last third mean $rss_last KB vs first third $rss_first KB (> $rss_growth_pct%)")
fi

printf '\n| soak summary | value |\n|---|---|\n'
printf '| streams started (client) | %s |\n' "$c_started"
printf '| completed (message_stop) | %s |\n' "$c_completed"
printf '| ended with SSE error (upstream cut mid-stream) | %s (fakes cut %s) |\n' "$c_sse" "$fake_cut"
printf '| error streams closed without last chunk | %s |\n' "$c_sse_closed"
printf '| hung up by the client | %s |\n' "$c_hung"
printf '| rejected (all attempts failed before the head) | %s %s |\n' "$c_rejected" "$(grep -oE 'rejected_[0-9]+=[0-9]+' <<<"$client" | tr '\n' ' ')"
printf '| UNEXPECTED | %s |\n' "$c_unexpected"
printf '| upstream requests (fakes) / failed before head | %s / %s |\n' "$fake_requests" "$fake_fail"
printf '| gateway /metrics: all / 200 / 499 / other | %s / %s / %s / %s |\n' "$gw_all" "$gw_200" "$gw_499" "$gw_other"
printf '| gateway records by status | %s |\n' "$gw_statuses"
printf '| gateway in flight after idle | %s |\n' "$gw_in_flight"
printf '| spend log: all / whole 200 / 200 ended in error / 499 / other | %s / %s / %s / %s / %s |\n' \
    "$sl_all" "$sl_ok" "$sl_midstream" "$sl_499" "$sl_other"
printf '| fds: baseline / idle upstream keep-alive connections / after idle | %s / %s / %s |\n' "$fd_baseline" "$pool" "$fd_after"
printf '| RSS KB: idle before / first third mean / last third mean / idle after | %s / %s / %s / %s |\n' \
    "$rss_baseline" "$rss_first" "$rss_last" "$rss_idle_after"
if [ -s "$work/client.err" ]; then
    printf '\nsoak client notes:\n'
    head -30 "$work/client.err"
fi
if [ "${#failures[@]}" -gt 0 ]; then
    printf '\nSOAK FAILED:\n'
    printf '  - %s\n' "${failures[@]}"
    exit 1
fi
printf '\nSOAK PASSED\n'
