#!/bin/sh
# First start: the container's config (0.0.0.0, master key and upstreams from the environment)
# into the config volume; a config already there (the user's, or compose's) is kept.
# SWITCHBOARD_MASTER_KEY_FILE: the master key from a file (a compose or Kubernetes secret).
set -eu
config="${XDG_CONFIG_HOME:-/config}/switchboard/config.yaml"
if [ ! -e "$config" ]; then
    mkdir -p "$(dirname "$config")"
    cp /usr/share/switchboard/container-config.yaml "$config"
fi
if [ -n "${SWITCHBOARD_MASTER_KEY_FILE:-}" ]; then
    SWITCHBOARD_MASTER_KEY="$(cat "$SWITCHBOARD_MASTER_KEY_FILE")"
    export SWITCHBOARD_MASTER_KEY
fi
if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then
    exec switchboard "$@"          # a subcommand: token, doctor, usage, …
fi
exec switchboard --headless --config "$config" "$@"
