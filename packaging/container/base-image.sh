#!/usr/bin/env bash
# Where no image registry is reachable: base images from Debian's own packages.
#   localhost/debian:bookworm       a root made by mmdebstrap, imported (the Containerfile's BASE)
#   localhost/redis:bookworm        + redis-server        (compose: REDIS_IMAGE)
#   localhost/prometheus:bookworm   + prometheus          (compose: PROMETHEUS_IMAGE)
# Grafana is not packaged by Debian: the `grafana` profile needs a registry (or a mirror).
# Needs root, mmdebstrap and podman (apt-get install mmdebstrap podman).
set -euo pipefail
engine="${CONTAINER_ENGINE:-podman}"

mmdebstrap --quiet --variant=apt --include=ca-certificates bookworm - \
    | "$engine" import --change 'CMD ["/bin/bash"]' - localhost/debian:bookworm

"$engine" build --network host -t localhost/redis:bookworm -f - . <<'CONTAINERFILE'
FROM localhost/debian:bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/*
USER redis
CONTAINERFILE

"$engine" build --network host -t localhost/prometheus:bookworm -f - . <<'CONTAINERFILE'
FROM localhost/debian:bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /prometheus && chown prometheus:prometheus /prometheus
USER prometheus
ENTRYPOINT ["/usr/bin/prometheus"]
CONTAINERFILE
