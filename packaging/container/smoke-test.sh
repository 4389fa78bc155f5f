#!/usr/bin/env bash
# Runs the compose stack here and checks it end to end: the gateway answers through the
# published port (and refuses to start without a master key), its HEALTHCHECK passes,
# Prometheus scrapes /metrics, and a repeated deterministic request is answered from Redis.
# The upstream is a fake Ollama on the host (python3), reached as host.containers.internal.
#
#   packaging/container/smoke-test.sh DEB
#
# Needs root, podman and podman-compose; where no registry is reachable, the images of
# base-image.sh (used here). SMOKE_CONTAINERS_CONF: a containers.conf for machines where podman
# needs one. On the project's build machine (cgroups v1/v2 hybrid, which crun refuses; no
# CAP_SYS_RESOURCE for podman's default ulimits) it is, with `apt-get install runc`:
#   [containers]
#   default_ulimits = ["nofile=4096:4096", "nproc=1000:1000"]
#   [engine]
#   runtime = "runc"
# Names of other containers resolve only with the CNI dnsname plugin
# (apt-get install golang-github-containernetworking-plugin-dnsname).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deb="${1:?usage: $0 path/to/switchboard_VERSION_amd64.deb}"
if [ -n "${SMOKE_CONTAINERS_CONF:-}" ]; then export CONTAINERS_CONF="$SMOKE_CONTAINERS_CONF"; fi
export REDIS_IMAGE=localhost/redis:bookworm PROMETHEUS_IMAGE=localhost/prometheus:bookworm
export SWITCHBOARD_BASE_IMAGE=localhost/debian:bookworm
export SWITCHBOARD_PORT="${SWITCHBOARD_PORT:-47410}" PROMETHEUS_PORT="${PROMETHEUS_PORT:-47411}"
services=(redis switchboard prometheus)

fake_pid=""
copied_deb=""
cleanup() {
    local status=$?
    set +e
    (cd "$here" && podman-compose down -v >/dev/null 2>&1)
    podman network rm -f "$(basename "$here")_default" >/dev/null 2>&1
    [ -z "$fake_pid" ] || kill "$fake_pid"
    rm -rf "${here:?}/secrets"
    [ -z "$copied_deb" ] || rm -f "$copied_deb"
    echo "smoke-test: finished with status $status"
    exit "$status"
}
trap cleanup EXIT

if [ "$(readlink -f "$(dirname "$deb")")" != "$here" ]; then
    copied_deb="$here/$(basename "$deb")"
    cp "$deb" "$copied_deb"
fi
mkdir -p "$here/secrets"
head -c 24 /dev/urandom | base64 >"$here/secrets/master_key"
chmod 0644 "$here/secrets/master_key"   # Prometheus reads it as its own user
key=$(cat "$here/secrets/master_key")

podman build --quiet --format docker --build-arg BASE="$SWITCHBOARD_BASE_IMAGE" \
    -t localhost/switchboard:latest -f "$here/Containerfile" "$here" >/dev/null
if podman run --rm localhost/switchboard:latest >/dev/null 2>&1; then
    echo "smoke-test: the gateway started on 0.0.0.0 without a master key" >&2
    exit 1
fi
echo "smoke-test: without a master key the container refuses to start"

# A fake Ollama: /api/chat answers, counted.
python3 - >"$here/.fake-ollama.log" 2>&1 <<'PY' &
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, body, ctype):
        self.send_response(200); self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_GET(self):
        self.reply(b'{"models":[]}', "application/json")
    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.path == "/api/chat": print("chat", flush=True)
        done = {"model": req.get("model", "m"), "created_at": "2026-01-01T00:00:00Z", "done": True,
                "done_reason": "stop", "prompt_eval_count": 7, "eval_count": 4,
                "message": {"role": "assistant", "content": "hello"}}
        if req.get("stream", True):
            first = dict(done, done=False)
            last = dict(done, message={"role": "assistant", "content": ""})
            self.reply((json.dumps(first) + "\n" + json.dumps(last) + "\n").encode(), "application/x-ndjson")
        else:
            self.reply(json.dumps(done).encode(), "application/json")
ThreadingHTTPServer(("0.0.0.0", 11434), H).serve_forever()
PY
fake_pid=$!

(cd "$here" && podman-compose up -d "${services[@]}" >/dev/null 2>&1)
deadline=$((SECONDS + 60))
until answer=$(curl -fsS --max-time 2 "http://127.0.0.1:$SWITCHBOARD_PORT/health/liveliness" 2>/dev/null); do
    [ $SECONDS -lt $deadline ] || { echo "smoke-test: no answer on the published port" >&2; podman logs "$(basename "$here")_switchboard_1" >&2; exit 1; }
    sleep 1
done
echo "smoke-test: /health/liveliness through port $SWITCHBOARD_PORT: $answer"
podman healthcheck run "$(basename "$here")_switchboard_1"
echo "smoke-test: the container's HEALTHCHECK passes"

request='{"model":"claude-sonnet-4-5","max_tokens":32,"temperature":0,"messages":[{"role":"user","content":"hi"}]}'
for attempt in 1 2; do
    curl -fsS -o /dev/null -D "$here/.headers-$attempt" -H "x-api-key: $key" -H 'anthropic-version: 2023-06-01' \
        -H 'content-type: application/json' -d "$request" "http://127.0.0.1:$SWITCHBOARD_PORT/v1/messages"
done
grep -qi '^x-switchboard-cache: hit' "$here/.headers-2" || { echo "smoke-test: the repeated request was not a cache hit" >&2; exit 1; }
[ "$(grep -c chat "$here/.fake-ollama.log")" = 1 ] || { echo "smoke-test: the upstream was asked more than once" >&2; exit 1; }
hits=$(podman exec "$(basename "$here")_redis_1" redis-cli info stats | tr -d '\r' | sed -n 's/^keyspace_hits://p')
[ "${hits:-0}" -ge 1 ] || { echo "smoke-test: Redis saw no hit" >&2; exit 1; }
rm -f "$here"/.headers-* "$here/.fake-ollama.log"
echo "smoke-test: the repeated request was answered from Redis (keyspace_hits $hits), the upstream asked once"

deadline=$((SECONDS + 60))
until curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/api/v1/query?query=up%7Bjob%3D%22switchboard%22%7D" | grep -q '"value":\[[0-9.]*,"1"\]'; do
    [ $SECONDS -lt $deadline ] || { echo "smoke-test: Prometheus has not scraped the gateway" >&2; exit 1; }
    sleep 2
done
echo "smoke-test: Prometheus scrapes the gateway's /metrics (up == 1)"
