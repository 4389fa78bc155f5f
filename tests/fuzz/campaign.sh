#!/usr/bin/env bash
# A long fuzzing campaign: every target for SECONDS (default 3600) each, corpora kept in
# BUILD_DIR/fuzz-corpus so the next campaign starts where this one ended. Prints run.sh's
# table (executions, exec/s, coverage, features, result) at the end.
#   tests/fuzz/campaign.sh BUILD_DIR [SECONDS] [TARGET...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: campaign.sh BUILD_DIR [SECONDS] [TARGET...]}"
seconds="${2:-3600}"
shift 2 || shift $#
FUZZ_CORPUS="${FUZZ_CORPUS:-$build/fuzz-corpus}" exec "$here/run.sh" "$build" "$seconds" "$@"
