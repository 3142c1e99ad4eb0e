#!/usr/bin/env bash
# scripts/build.sh [BUILD_DIR] [extra cmake args...] [-- TARGET...]
# Configures and builds Quire (Release, -Werror). Binaries land in BUILD_DIR/bin.
# With targets after "--", builds only those (and what they need): run.sh
# builds its three programs, test.sh everything (tests and benchmarks too).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
cmake_args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  cmake_args+=("$1")
  shift
done
[ $# -gt 0 ] && shift # the "--"
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DQUIRE_WERROR=ON ${cmake_args[@]+"${cmake_args[@]}"} >/dev/null
cmake --build "$BUILD" -j"$(nproc)" ${targets[@]+"${targets[@]}"}
