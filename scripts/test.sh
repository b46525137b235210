#!/usr/bin/env bash
# THE test command: installs missing dependencies, builds ar (Debug) with its
# tests, docs and benchmarks in build/, starts throwaway PostgreSQL and MariaDB
# servers and runs every test with ctest (each suite on SQLite, PostgreSQL and
# MariaDB). The servers are stopped on exit, whatever happened.
#
#   ./scripts/test.sh [extra ctest arguments, e.g. -R sqlite or -L compile_fail]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
BUILD_DIR="$ROOT/build"
JOBS="$(nproc 2>/dev/null || echo 2)"

section() { printf '\n==== %s ====\n' "$*"; }

section "Dependencies"
./scripts/install-deps.sh --postgresql --mariadb

# Debug builds carry -g, for which ccache hashes the working directory: turn
# that off so the consumer.add_subdirectory test reuses the main build's objects.
export CCACHE_NOHASHDIR=true

section "Configure ($BUILD_DIR, Debug)"
generator=()
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi
cmake -S "$ROOT" -B "$BUILD_DIR" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Debug \
  -DAR_BUILD_TESTS=ON \
  -DAR_BUILD_DOCS=ON \
  -DAR_BUILD_BENCHMARKS=ON

section "Build (-j$JOBS)"
cmake --build "$BUILD_DIR" -j "$JOBS"

section "Test servers (PostgreSQL, MariaDB)"
stop_servers() {
  ./scripts/pg-test-server.sh stop >/dev/null 2>&1 || true
  ./scripts/mariadb-test-server.sh stop >/dev/null 2>&1 || true
}
trap stop_servers EXIT
./scripts/pg-test-server.sh start
export "$(./scripts/pg-test-server.sh env)"
echo "AR_TEST_POSTGRESQL=$AR_TEST_POSTGRESQL"
./scripts/mariadb-test-server.sh start
export "$(./scripts/mariadb-test-server.sh env)"
echo "AR_TEST_MARIADB=$AR_TEST_MARIADB"

section "Tests (ctest -j$JOBS)"
status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" "$@" || status=$?

# libFuzzer, a minute per target (docs/fuzzing.md): its own clang build in build-fuzz/. Skipped for
# a filtered run (ctest arguments given) or with AR_TEST_FUZZ_SECONDS=0; a failure fails the run.
fuzz_seconds="${AR_TEST_FUZZ_SECONDS:-60}"
if [[ $# -eq 0 && "$fuzz_seconds" != 0 ]]; then
  section "Fuzzing: relation paths and the query builder, $fuzz_seconds s each (build-fuzz/)"
  fuzz_status=0
  ./scripts/fuzz.sh "$fuzz_seconds" || fuzz_status=$?
  echo "fuzzing exit status $fuzz_status"
  if (( status == 0 )); then status=$fuzz_status; fi
fi

section "Done: ctest exit status $status"
exit "$status"
