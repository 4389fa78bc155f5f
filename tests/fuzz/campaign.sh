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
# One frame per allocation stack: Debian's Qt and yaml-cpp are built without frame pointers, so
# ASan's fast unwinder reads garbage past the first frame and every allocation stack looks new.
# With the default 30 frames the stack depot grew past 1 GB and its lookups took a third of the
# time (fuzz_config_yaml fell from 1,900 to 1,100 executions/s within 8 minutes; with one frame it
# holds ~2,500 at 520 MB). A finding is re-run with full stacks: ASAN_OPTIONS overrides this.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:malloc_context_size=1}"
FUZZ_CORPUS="${FUZZ_CORPUS:-$build/fuzz-corpus}" exec "$here/run.sh" "$build" "$seconds" "$@"
