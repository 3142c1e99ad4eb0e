#!/usr/bin/env bash
# scripts/build.sh [BUILD_DIR] [extra cmake args...]
# Configures and builds Quire (Release, -Werror). Binaries land in BUILD_DIR/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DQUIRE_WERROR=ON "$@" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
