#!/usr/bin/env bash
# fuzz/run.sh [SECONDS_PER_TARGET]  (default 600)
# Builds the libFuzzer targets with clang + ASan + UBSan into build-fuzz/ and
# runs each for the given time on its seed corpus; crashes land in fuzz/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-600}
bash scripts/setup.sh
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
      -DCMAKE_CXX_COMPILER=clang++ -DQUIRE_FUZZ=ON -DQUIRE_SANITIZE=ON -DQUIRE_TESTS=OFF \
      -DQUIRE_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_tokenizer fuzz_query fuzz_jsonl fuzz_html fuzz_markdown
mkdir -p fuzz/out
for t in tokenizer query jsonl html markdown; do
  work=$(mktemp -d)
  cp -r "fuzz/corpus/$t/." "$work/"
  echo "== fuzz_$t for ${SECS}s"
  build-fuzz/bin/fuzz_$t -max_total_time="$SECS" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="fuzz/out/$t-" -print_final_stats=1 "$work" 2>&1 |
    grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' || true
  rm -rf "$work"
done
ls fuzz/out
