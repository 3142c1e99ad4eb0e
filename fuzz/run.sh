#!/usr/bin/env bash
# fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]  (default 600; all targets)
# Builds the libFuzzer targets with clang + ASan + UBSan into $FUZZ_BUILD (default
# build-fuzz/) and runs each for the given time on a copy of its seed corpus; crashes
# land in fuzz/out/. Targets: tokenizer query jsonl html markdown text date http.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-600}
shift || true
ALL=(tokenizer query jsonl html markdown text date http)
TARGETS=("${@:-${ALL[@]}}")
BUILD=${FUZZ_BUILD:-build-fuzz}
bash scripts/setup.sh
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
      -DCMAKE_CXX_COMPILER=clang++ -DQUIRE_FUZZ=ON -DQUIRE_SANITIZE=ON -DQUIRE_TESTS=OFF \
      -DQUIRE_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target "${TARGETS[@]/#/fuzz_}"
mkdir -p fuzz/out
for t in "${TARGETS[@]}"; do
  work=$(mktemp -d)
  cp -r "fuzz/corpus/$t/." "$work/"
  echo "== fuzz_$t for ${SECS}s"
  "$BUILD/bin/fuzz_$t" -max_total_time="$SECS" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="fuzz/out/$t-" -print_final_stats=1 "$work" 2>&1 |
    grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' || true
  rm -rf "$work"
done
ls fuzz/out
