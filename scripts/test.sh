#!/usr/bin/env bash
# THE test command: installs missing dependencies, builds ar (Debug, with
# AddressSanitizer and UndefinedBehaviorSanitizer) with its tests, docs and
# benchmarks in build/, starts throwaway PostgreSQL (and pgbouncer in front of it) and MariaDB
# servers and runs every test with ctest (each suite on SQLite, PostgreSQL, PostgreSQL through
# pgbouncer and MariaDB; the sharding suite's PostgreSQL shards on three servers: two more on the
# ports after AR_PG_PORT, named by AR_TEST_POSTGRESQL_SHARDS); then
# fuzzes for a minute per libFuzzer target (scripts/fuzz.sh, clang, build-fuzz/);
# then builds the concurrency tests with ThreadSanitizer in build-tsan/ and runs
# them. The servers are stopped on exit, whatever happened.
#
#   ./scripts/test.sh [extra ctest arguments, e.g. -R sqlite or -L compile_fail]
#
# AR_TEST_SANITIZE=0 builds build/ without sanitizers and skips the TSan step
# (a quicker local run; CI runs everything). AR_TEST_FUZZ_SECONDS=<s> fuzzes
# each target that long instead of 60 s (0: not at all).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
BUILD_DIR="$ROOT/build"
JOBS="$(nproc 2>/dev/null || echo 2)"

# Each section says when it began and how long the run has taken so far (CI has 90 minutes).
run_start=$(date +%s)
section() { printf '\n==== %s (%s, %d s in) ====\n' "$*" "$(date -u +%T)" "$(( $(date +%s) - run_start ))"; }

section "Dependencies"
./scripts/install-deps.sh --postgresql --mariadb

# Debug builds carry -g, for which ccache hashes the working directory: turn
# that off so the consumer.add_subdirectory test reuses the main build's objects.
export CCACHE_NOHASHDIR=true

SANITIZE="${AR_TEST_SANITIZE:-1}"
main_sanitizers=""
main_preset="dev"   # CMakePresets.json: build/, Debug, no sanitizers
if [[ "$SANITIZE" == 1 ]]; then
  main_sanitizers="address,undefined"
  main_preset="asan"  # the same with AddressSanitizer and UndefinedBehaviorSanitizer
fi
# Leaks are errors; a sanitizer report fails the test that caused it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"

generator_for() {
  if [[ ! -f "$1/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
    echo "-G Ninja"
  fi
}

section "Configure ($BUILD_DIR, Debug, sanitizers: ${main_sanitizers:-none})"
# shellcheck disable=SC2046
cmake --preset "$main_preset" $(generator_for "$BUILD_DIR")

section "Build (-j$JOBS)"
cmake --build "$BUILD_DIR" -j "$JOBS"

section "Test servers (PostgreSQL, pgbouncer, MariaDB)"
# The sharding suite's PostgreSQL shards (tests/database/sharding_test.cpp): the test server and
# two more on the next two ports (55434 and 55435 by default; CI's AR_PG_PORT=55533 gives 55534 and
# 55535). They must not be a port the fault tests start servers on (below) or pgbouncer's.
fault_pg_ports=(55437 55441 55445 55449 55451 55459 55457)
pg_port="${AR_PG_PORT:-55433}"
shard_pg_ports=($((pg_port + 1)) $((pg_port + 2)))
for port in "${shard_pg_ports[@]}"; do
  for taken in "${fault_pg_ports[@]}" "${AR_PGBOUNCER_PORT:-56432}" "${AR_MARIADB_PORT:-53306}"; do
    if [[ "$port" == "$taken" ]]; then
      echo "test.sh: AR_PG_PORT=$pg_port puts a shard server on port $port, which another test server uses:" \
        "pick another AR_PG_PORT" >&2
      exit 2
    fi
  done
done
stop_servers() {
  ./scripts/pgbouncer-test-server.sh stop >/dev/null 2>&1 || true
  ./scripts/pg-test-server.sh stop >/dev/null 2>&1 || true
  local port
  for port in "${shard_pg_ports[@]}"; do
    AR_PG_PORT=$port ./scripts/pg-test-server.sh stop >/dev/null 2>&1 || true
  done
  ./scripts/mariadb-test-server.sh stop >/dev/null 2>&1 || true
  # The servers tests start of their own (tests/faults), should a test have died with one running:
  # fault_test 55437; restart_test 55441, 53311; timeout_test 55445, 53315 (frozen or not);
  # lock_timeout_test 53317; distributed_test 55449, 55451, 53345, 53347; replication_test's
  # replicas 55459, 53329, then their primaries 55457, 53327.
  for port in "${fault_pg_ports[@]}"; do
    AR_PG_PORT=$port ./scripts/pg-test-server.sh stop >/dev/null 2>&1 || true
  done
  for port in 53311 53315 53317 53345 53347 53329 53327; do
    AR_MARIADB_PORT=$port ./scripts/mariadb-test-server.sh stop >/dev/null 2>&1 || true
  done
}
trap stop_servers EXIT
# The test server and the two shard servers start side by side (about 1.5 s, not 4.5 s).
shard_pids=()
for port in "${shard_pg_ports[@]}"; do
  AR_PG_PORT=$port ./scripts/pg-test-server.sh start & shard_pids+=($!)
done
./scripts/pg-test-server.sh start
for pid in "${shard_pids[@]}"; do wait "$pid"; done
export "$(./scripts/pg-test-server.sh env)"
echo "AR_TEST_POSTGRESQL=$AR_TEST_POSTGRESQL"
# Three servers for the sharding suite's PostgreSQL shards, ';' between their URLs.
AR_TEST_POSTGRESQL_SHARDS="${AR_TEST_POSTGRESQL#AR_TEST_POSTGRESQL=}"
for port in "${shard_pg_ports[@]}"; do
  url="$(AR_PG_PORT=$port ./scripts/pg-test-server.sh env)"
  AR_TEST_POSTGRESQL_SHARDS+=";${url#AR_TEST_POSTGRESQL=}"
done
export AR_TEST_POSTGRESQL_SHARDS
echo "AR_TEST_POSTGRESQL_SHARDS=$AR_TEST_POSTGRESQL_SHARDS"
# pgbouncer in transaction pooling mode in front of it: the PostgreSQL suites run through it too.
./scripts/pgbouncer-test-server.sh start
export "$(./scripts/pgbouncer-test-server.sh env)"
echo "AR_TEST_PGBOUNCER=$AR_TEST_PGBOUNCER"
./scripts/mariadb-test-server.sh start
export "$(./scripts/mariadb-test-server.sh env)"
echo "AR_TEST_MARIADB=$AR_TEST_MARIADB"

section "Tests (ctest -j$JOBS)"
status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" "$@" || status=$?
ctest_status=$status

# libFuzzer, a minute per target (docs/fuzzing.md): its own clang build in build-fuzz/. Skipped for
# a filtered run (ctest arguments given) or with AR_TEST_FUZZ_SECONDS=0; a failure fails the run.
fuzz_seconds="${AR_TEST_FUZZ_SECONDS:-60}"
fuzz_status=0
if [[ $# -eq 0 && "$fuzz_seconds" != 0 ]]; then
  section "Fuzzing: relation paths and the query builder, $fuzz_seconds s each (build-fuzz/)"
  ./scripts/fuzz.sh "$fuzz_seconds" || fuzz_status=$?
  echo "fuzzing exit status $fuzz_status"
  if (( status == 0 )); then status=$fuzz_status; fi
fi

tsan_status=0
if [[ "$SANITIZE" == 1 && $# -eq 0 ]]; then
  TSAN_DIR="$ROOT/build-tsan"
  section "ThreadSanitizer: the concurrency tests ($TSAN_DIR)"
  # shellcheck disable=SC2046
  cmake --preset tsan $(generator_for "$TSAN_DIR")
  cmake --build "$TSAN_DIR" -j "$JOBS" --target test_concurrency
  "$TSAN_DIR/tests/test_concurrency" --gtest_brief=1 || tsan_status=$?
fi

section "Done: ctest exit status $ctest_status, fuzzing exit status $fuzz_status, ThreadSanitizer exit status $tsan_status"
if (( status != 0 )); then exit "$status"; fi
exit "$tsan_status"
