#!/usr/bin/env bash
# scripts/run.sh - the main job on a fresh machine: install what Quire needs,
# build its three programs, index the bundled sample corpus (corpus/) into
# ./index, run a sample search, and serve that index (Ctrl-C stops it).
#
# Environment (all optional):
#   QUIRE_INDEX=DIR    the index to build and serve (default: index)
#   QUIRE_PORT=N       the port to serve on, on 127.0.0.1 (default 8080; 0 = any free port)
#   QUIRE_RUN_CHECK=1  run every step, but instead of serving until Ctrl-C, start the
#                      server, ask it /api/health once and stop it; the exit status
#                      says whether every step worked (tests/test_run_script.sh)
#   QUIRE_BIN_DIR=DIR  use the programs already built in DIR: no install, no build
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${QUIRE_BIN_DIR:-}" ]; then
  BIN=$QUIRE_BIN_DIR
else
  bash scripts/setup.sh
  # Only what this script runs; scripts/test.sh builds the tests and benchmarks.
  bash scripts/build.sh build -- quire-index quire-search quire-serve
  BIN=build/bin
fi
INDEX=${QUIRE_INDEX:-index}
PORT=${QUIRE_PORT:-8080}

# An index made by a Quire of another schema version is refused by
# quire-index (schema 3 added the facet values); this script's index holds
# corpus/ only, so it is made anew rather than failing the first command.
if [ -f "$INDEX/XAPIANDB" ]; then
  why=$("$BIN/quire-search" --db "$INDEX" --sources 2>&1 >/dev/null || true)
  if [[ $why == *"schema version"* ]]; then
    echo "== $INDEX was made by another version of Quire ($why): making it anew"
    rm -rf "$INDEX"
  fi
fi
echo "== indexing corpus/ into $INDEX"
"$BIN/quire-index" --db "$INDEX" corpus/

echo "== index layout"
# Not "xapian-delve | head": head exits after its lines, xapian-delve then
# dies of SIGPIPE, and pipefail made that (exit 141) end this script silently
# in about one run in three. Capturing the whole output keeps delve's own
# failures fatal and lets nothing exit early.
layout=$(xapian-delve "$INDEX")
head -n 4 <<<"$layout"

echo "== a sample search: $BIN/quire-search --db $INDEX '\"respective roles in cyber spying\"'"
# Exit status 1 only means no hits; 2 and above (a usage or query error, a
# crash) are failures.
status=0
"$BIN/quire-search" --db "$INDEX" '"respective roles in cyber spying"' || status=$?
if [ "$status" -gt 1 ]; then
  echo "run.sh: the sample search failed (exit status $status)" >&2
  exit "$status"
fi

if [ "${QUIRE_RUN_CHECK:-0}" != 1 ]; then
  echo "== serving $INDEX on 127.0.0.1:$PORT (Ctrl-C to stop)"
  exec "$BIN/quire-serve" --db "$INDEX" --port "$PORT"
fi

echo "== serving $INDEX on 127.0.0.1:$PORT, checking /api/health, stopping"
log=$(mktemp)
"$BIN/quire-serve" --db "$INDEX" --port "$PORT" 2>"$log" &
server=$!
# Stops the server this script started (by its pid) and removes the log.
finish() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -f "$log"
}
trap finish EXIT
url=
for _ in $(seq 100); do # up to 10 s for the "listening on URL" line
  url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$log")
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  cat "$log" >&2
  echo "run.sh: quire-serve did not start" >&2
  exit 1
fi
curl -fsS --max-time 10 "$url/api/health"
echo
kill -TERM "$server"
status=0
wait "$server" || status=$?
trap - EXIT
cat "$log"
rm -f "$log"
if [ "$status" -ne 0 ]; then
  echo "run.sh: quire-serve exited with status $status after SIGTERM" >&2
  exit 1
fi
echo "== every step worked"
