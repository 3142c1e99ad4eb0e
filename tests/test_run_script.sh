#!/usr/bin/env bash
# tests/test_run_script.sh BIN_DIR [RUNS] - runs every step of scripts/run.sh
# (index, index layout, sample search, serve, /api/health, stop) with the
# programs in BIN_DIR, RUNS times (default 25), and fails unless every run
# exits 0 with every step's output. The repetition is the point: run.sh once
# died silently in about one run in three (xapian-delve | head under
# pipefail, SIGPIPE), and 25 runs miss a one-in-three failure with a chance
# of (2/3)^25, about 4 in 100,000.
set -euo pipefail
BIN=$(cd "$1" && pwd)
RUNS=${2:-25}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

API_VERSION=$(sed -n 's/^#define QUIRE_API_VERSION "\(.*\)".*/\1/p' "$ROOT/include/quire/quire.h")
# The output line each step prints when it worked.
expect=(
  "== indexing corpus/ into $tmp/index"
  "== index layout"
  "number of documents = 2"
  "Comment: Cybersecurity calls for a united front not finger-pointing"
  "{\"api_version\":\"$API_VERSION\",\"status\":\"ok\",\"docs\":2}"
  "quire-serve: SIGTERM, stopping"
  "== every step worked"
)
for ((i = 1; i <= RUNS; i++)); do
  status=0
  # timeout: a script that serves forever (no check mode) fails, not hangs.
  QUIRE_BIN_DIR=$BIN QUIRE_INDEX=$tmp/index QUIRE_PORT=0 QUIRE_RUN_CHECK=1 \
    timeout 120 bash "$ROOT/scripts/run.sh" >"$tmp/out" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    cat "$tmp/out"
    echo "FAIL: run $i of $RUNS: scripts/run.sh exited with status $status"
    exit 1
  fi
  for line in "${expect[@]}"; do
    if ! grep -qF -- "$line" "$tmp/out"; then
      cat "$tmp/out"
      echo "FAIL: run $i of $RUNS: no line with: $line"
      exit 1
    fi
  done
done
# An index of an older schema in the way (say, ./index from before an
# upgrade) is made anew, not a failure of the first command.
if command -v xapian-metadata >/dev/null; then
  while read -r kind shard; do
    [ "$kind" = auto ] && xapian-metadata set "$tmp/index/$shard" quire.schema 2
  done <"$tmp/index/XAPIANDB"
  status=0
  QUIRE_BIN_DIR=$BIN QUIRE_INDEX=$tmp/index QUIRE_PORT=0 QUIRE_RUN_CHECK=1 \
    timeout 120 bash "$ROOT/scripts/run.sh" >"$tmp/out" 2>&1 || status=$?
  if [ "$status" -ne 0 ] || ! grep -qF "was made by another version of Quire" "$tmp/out" ||
    ! grep -qF "== every step worked" "$tmp/out"; then
    cat "$tmp/out"
    echo "FAIL: scripts/run.sh on an index of schema 2 (status $status)"
    exit 1
  fi
fi
echo "scripts/run.sh: all $RUNS runs worked"
