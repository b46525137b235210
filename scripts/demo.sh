#!/usr/bin/env bash
# The first thing to run: builds ar in Release (build-release/) and runs the
# demo program docs/examples/demo.cpp.
#
#   ./scripts/demo.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
BUILD_DIR="$ROOT/build-release"
JOBS="$(nproc 2>/dev/null || echo 2)"

section() { printf '\n==== %s ====\n' "$*"; }

section "Dependencies"
./scripts/install-deps.sh

section "Configure ($BUILD_DIR, Release)"
generator=()
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi
cmake -S "$ROOT" -B "$BUILD_DIR" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release \
  -DAR_BUILD_TESTS=OFF \
  -DAR_BUILD_DOCS=ON \
  -DAR_BUILD_BENCHMARKS=ON

section "Build ar_demo (-j$JOBS)"
if [[ ! -f "$ROOT/docs/CMakeLists.txt" ]]; then
  echo "demo: docs/CMakeLists.txt does not exist yet, so there is no ar_demo target" >&2
fi
cmake --build "$BUILD_DIR" -j "$JOBS" --target ar_demo

section "Demo: docs/examples/demo.cpp"
"$BUILD_DIR/docs/examples/ar_demo"

# ---- Benchmarks ---------------------------------------------------------
# (A later issue adds a short benchmark run here, e.g. building the benchmark
#  target in $BUILD_DIR and running it with --benchmark_min_time=0.01.)
# --------------------------------------------------------------------------

section "Done"
