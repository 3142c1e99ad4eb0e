#!/usr/bin/env bash
# scripts/check_layers.sh - checks the include rule of docs/architecture.md:
#   - a file of lib/LAYER/ includes only layers below LAYER (by "layer/x.h")
#     and base headers (by bare name);
#   - write and query never include each other;
#   - indexer/, cli/ and server/ include only include/quire/ (<quire/...>),
#     base headers and headers of their own directory.
# Prints every violation and exits 1 when there is one. Run by ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A rank=([base]=0 [text]=1 [store]=2 [schema]=3 [render]=4 [write]=5 [query]=5)
bad=0
say() { echo "check_layers: $*" >&2; bad=1; }

for f in lib/*/*.c lib/*/*.cc lib/*/*.h; do
  layer=${f#lib/}; layer=${layer%%/*}
  [[ -n ${rank[$layer]:-} ]] || { say "$f: lib/$layer is not a known layer"; continue; }
  while IFS= read -r inc; do
    if [[ $inc == */* ]]; then
      dep=${inc%%/*}
      [[ -n ${rank[$dep]:-} ]] || { say "$f includes \"$inc\": no such layer"; continue; }
      if [[ $dep != "$layer" ]] && (( ${rank[$dep]} >= ${rank[$layer]} )); then
        say "$f (layer $layer) includes \"$inc\" (layer $dep): only lower layers may be included"
      fi
    elif [[ ! -f lib/base/$inc ]]; then
      say "$f includes \"$inc\": a bare include must be a base header (others: \"layer/name.h\")"
    fi
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done

for f in indexer/*.[ch] cli/*.[ch] server/*.[ch]; do
  dir=$(dirname "$f")
  while IFS= read -r inc; do
    [[ -f $dir/$inc || -f lib/base/$inc ]] && continue
    [[ $inc == openapi.inc ]] && continue # generated into the build tree
    [[ $inc == web/*.inc && -f $dir/${inc%.inc} ]] && continue # server/web/X, embedded at build time
    say "$f includes \"$inc\": programs see only <quire/...>, base headers and their own"
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done

exit $bad
