#!/usr/bin/env bash
# scripts/run.sh - the main job on a fresh machine: install what Quire needs,
# build it, index the bundled sample corpus (corpus/) into ./index, and run a
# sample search.
# Once quire-serve exists it also serves that index (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
INDEX=${QUIRE_INDEX:-index}
echo "== indexing corpus/ into $INDEX"
build/bin/quire-index --db "$INDEX" corpus/
echo "== index layout"
xapian-delve "$INDEX" | head -4
echo "== a sample search: build/bin/quire-search --db $INDEX '\"respective roles in cyber spying\"'"
build/bin/quire-search --db "$INDEX" '"respective roles in cyber spying"' || true
if [ -x build/bin/quire-serve ]; then
  echo "== serving $INDEX (Ctrl-C to stop)"
  exec build/bin/quire-serve --db "$INDEX" --port "${QUIRE_PORT:-8080}"
fi
