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
# CMakePresets.json's "release": build-release/, Release, the demo and the benchmarks, no tests.
cmake --preset release "${generator[@]}"

section "Build ar_demo (-j$JOBS)"
if [[ ! -f "$ROOT/docs/CMakeLists.txt" ]]; then
  echo "demo: docs/CMakeLists.txt does not exist yet, so there is no ar_demo target" >&2
fi
cmake --build "$BUILD_DIR" -j "$JOBS" --target ar_demo

section "Demo: docs/examples/demo.cpp"
"$BUILD_DIR/docs/examples/ar_demo"

# ---- Benchmarks ---------------------------------------------------------
# The lazy-vs-eager part of the suite (docs/benchmarks.md) on embedded SQLite:
# W4 (users -> posts -> comments: lazy, automatic batching, eager, and the
# hand-written IN loaders) and W1 (all users) at 100 and 1,000 rows, three
# repetitions each; then the same-run ratio table and the W4 chart.
BENCH_DIR="$BUILD_DIR/bench"
BENCH_JSON="$BENCH_DIR/lazy-vs-eager.json"

section "Build ar_bench (-j$JOBS)"
cmake --build "$BUILD_DIR" -j "$JOBS" --target ar_bench

section "Benchmarks: W4 lazy vs eager (SQLite in memory and in a file), W1 (in memory)"
mkdir -p "$BENCH_DIR"
# PostgreSQL variants only run when AR_BENCH_POSTGRESQL is set: not here.
env -u AR_BENCH_POSTGRESQL "$BUILD_DIR/benchmarks/ar_bench" \
  --benchmark_filter='W4|W1/.*/(100|1000)$' \
  --benchmark_min_time=0.05 \
  --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true \
  --benchmark_out="$BENCH_JSON" \
  --benchmark_out_format=json

section "Report: same-run ratios, W4 chart"
if ! command -v python3 >/dev/null 2>&1 && ((EUID == 0)); then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 >/dev/null; } ||
    true
fi
if command -v python3 >/dev/null 2>&1; then
  python3 ./scripts/bench-report.py "$BENCH_JSON" --chart "$BENCH_DIR/w4.svg"
else
  echo "demo: python3 is not installed: no report (the results are in $BENCH_JSON)" >&2
fi
# --------------------------------------------------------------------------

section "Done"
