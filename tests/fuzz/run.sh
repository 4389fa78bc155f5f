#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 20) on corpora seeded from tests/fixtures/, in a
# temporary folder (the tree is not written). Exit 1 when a target finds a crash, a leak, a
# UBSan report or a broken property; the input that did it is kept and named.
#   tests/fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]
# FUZZ_RUNS=N runs N inputs from a fixed seed instead (reproducible, as CI does). FUZZ_CORPUS=DIR keeps the corpora there between runs (campaign.sh does). BUILD_DIR is configured with clang and -DSWITCHBOARD_FUZZ=ON (see tests/fuzz/README in the
# main README's test section).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:?usage: run.sh BUILD_DIR [SECONDS] [TARGET...]}"
seconds="${2:-20}"
shift 2 || shift $#
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(fuzz_stream_anthropic fuzz_stream_openai fuzz_stream_ollama fuzz_request_codecs fuzz_http_response
             fuzz_request_head fuzz_config_yaml fuzz_hardware_parsers fuzz_claude_settings)
fi
fixtures="$root/tests/fixtures"
work="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-fuzz.XXXXXX")"
keep="${FUZZ_KEEP:-$build/fuzz-findings}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export QT_QPA_PLATFORM=offscreen

seed() { # target → seed files and dictionary
    case "$1" in
    fuzz_stream_anthropic) echo "sse.dict"; ls "$fixtures"/protocol/anthropic/*.sse ;;
    fuzz_stream_openai) echo "sse.dict"; ls "$fixtures"/protocol/openai/*.sse ;;
    fuzz_stream_ollama) echo "sse.dict"; ls "$fixtures"/protocol/ollama/*.ndjson ;;
    fuzz_request_codecs) echo "json.dict"; ls "$fixtures"/protocol/anthropic/*request*.json "$fixtures"/protocol/openai/client_request.json ;;
    fuzz_http_response) echo "http.dict" ;;
    fuzz_request_head) echo "http.dict" ;;
    fuzz_config_yaml) echo "yaml.dict"; find "$fixtures/config" -name '*.yaml' ;;
    fuzz_hardware_parsers) echo "json.dict"; find "$fixtures/hardware" -maxdepth 1 -type f ;;
    fuzz_claude_settings) echo "json.dict"; ls "$fixtures"/claudecode/*.json ;;
    esac
}

status=0
printf '%-24s %12s %10s %8s %8s  %s\n' target executions exec/s cov ft result
for target in "${targets[@]}"; do
    corpus="${FUZZ_CORPUS:+$FUZZ_CORPUS/$target}"
    corpus="${corpus:-$work/$target}"
    mkdir -p "$corpus"
    mapfile -t lines < <(seed "$target")
    dict="$here/${lines[0]}"
    for file in "${lines[@]:1}"; do
        # The first byte of each input steers the target (split point, dialect): '0' keeps the
        # fixture itself behind a neutral byte.
        { printf '\x80'; cat "$file"; } > "$corpus/$(basename "$file")"
    done
    if [ "$target" = fuzz_http_response ]; then
        printf '\x00\x80HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' > "$corpus/length"
        printf '\x00\x40HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: 1\r\n\r\n' > "$corpus/chunked"
        printf '\x00\x20HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nuntil close' > "$corpus/close"
    fi
    log="$work/$target.log"
    set +e
    limit=(-max_total_time="$seconds")
    # FUZZ_RUNS=N: N inputs from seed 1 instead of a time: the same run on every machine (CI).
    [ -z "${FUZZ_RUNS:-}" ] || limit=(-runs="$FUZZ_RUNS" -seed=1)
    (cd "$work" && "$build/tests/fuzz/$target" "$corpus" -dict="$dict" "${limit[@]}" \
        -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/$target-") \
        >"$log" 2>&1
    code=$?
    set -e
    runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
    speed=$(grep -oE '^stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
    if [ $code -eq 0 ]; then
        result=ok
    else
        result="FAILED (exit $code)"
        status=1
        mkdir -p "$keep"
        cp "$log" "$keep/" 2>/dev/null || true
        cp "$work/$target-"* "$keep/" 2>/dev/null || true
        grep -E 'ERROR|SUMMARY|property violated|runtime error' "$log" | head -5 >&2 || true
        echo "  log and input kept in $keep" >&2
    fi
    printf '%-24s %12s %10s %8s %8s  %s\n' "$target" "$runs" "$speed" "$cov" "$ft" "$result"
done
rm -rf "$work"
exit $status
