#!/usr/bin/env bash
# scripts/test.sh - install what Quire needs, build it with -Werror, and run the
# whole test suite twice: in the Release build and in an ASan+UBSan build.
# Set QUIRE_SKIP_SANITIZE=1 to run only the first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The page's browser tests drive Chromium with playwright-core (tests/web/,
# pinned by its package-lock.json); node comes with the machine.
(cd tests/web && npm ci --no-audit --no-fund --loglevel=error)

echo "== Release build (-Wall -Wextra -Werror)"
bash scripts/build.sh build
(cd build && ctest --output-on-failure)

if [ "${QUIRE_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== ASan + UBSan build"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DQUIRE_WERROR=ON -DQUIRE_SANITIZE=ON \
        -DQUIRE_BENCH=OFF >/dev/null
  cmake --build build-asan -j"$(nproc)"
  # detect_leaks stays on: leaks are bugs too. halt_on_error makes any report fail the test.
  export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure)
fi
