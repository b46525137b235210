#!/usr/bin/env bash
# The first thing to run: builds ar in Release (build-release/) and runs the
# demo program docs/examples/demo.cpp, then W4 (lazy against eager loading) on SQLite in memory
# and in a file, and W1, with the same-run ratio table and the W4 chart.
#
#   ./scripts/demo.sh                 embedded SQLite only
#   ./scripts/demo.sh --postgresql    W4 on a throwaway PostgreSQL server too, reached through
#                                     ar_latency_proxy with AR_DEMO_PG_DELAY_US (default 500) of
#                                     delay each way, as across a network; the server (port
#                                     AR_PG_PORT, default 55433) is stopped at the end
set -euo pipefail

postgresql=0
for arg in "$@"; do
  case "$arg" in
    --postgresql) postgresql=1 ;;
    *) echo "demo: unknown argument '$arg' (usage: ./scripts/demo.sh [--postgresql])" >&2; exit 2 ;;
  esac
done
pg_delay_us="${AR_DEMO_PG_DELAY_US:-500}"
if ! [[ "$pg_delay_us" =~ ^[0-9]+$ ]]; then
  echo "demo: AR_DEMO_PG_DELAY_US is a whole number of microseconds, not '$pg_delay_us'" >&2
  exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
BUILD_DIR="$ROOT/build-release"
JOBS="$(nproc 2>/dev/null || echo 2)"

section() { printf '\n==== %s ====\n' "$*"; }

section "Dependencies"
if ((postgresql)); then ./scripts/install-deps.sh --postgresql; else ./scripts/install-deps.sh; fi

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
bench_targets=(ar_bench)
((postgresql)) && bench_targets+=(ar_latency_proxy)
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${bench_targets[@]}"

# --postgresql: the throwaway server, and the latency proxy in front of it; both stopped on exit.
pg_env=(-u AR_BENCH_POSTGRESQL)
pg_label=()
proxy_pid=""
stop_postgresql() {
  if [[ -n "$proxy_pid" ]]; then kill -TERM "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; fi
  ./scripts/pg-test-server.sh stop >/dev/null 2>&1 || true
}
if ((postgresql)); then
  section "PostgreSQL: a throwaway server, behind ar_latency_proxy ($pg_delay_us us each way)"
  trap stop_postgresql EXIT
  ./scripts/pg-test-server.sh start
  pg_url="$(./scripts/pg-test-server.sh env)"
  pg_url="${pg_url#AR_TEST_POSTGRESQL=}"
  pg_host="$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$pg_url")"
  pg_port="$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$pg_url")"
  coproc PROXY_PROC { exec "$BUILD_DIR/benchmarks/latency_proxy/ar_latency_proxy" --listen 127.0.0.1:0 \
    --target "$pg_host:$pg_port" --delay-us "$pg_delay_us"; }
  proxy_pid=$PROXY_PROC_PID
  read -r proxy_port <&"${PROXY_PROC[0]}"
  echo "ar_latency_proxy on 127.0.0.1:$proxy_port -> $pg_host:$pg_port, $pg_delay_us us each way"
  pg_env=("AR_BENCH_POSTGRESQL=$(sed "s/port=[0-9]*/port=$proxy_port/" <<<"$pg_url")")
  pg_label=(--pg-label "PostgreSQL, $pg_delay_us us each way (wall-clock time)")
fi

if ((postgresql)); then
  section "Benchmarks: W4 lazy vs eager (SQLite in memory, in a file, PostgreSQL), W1 (in memory)"
else
  section "Benchmarks: W4 lazy vs eager (SQLite in memory and in a file), W1 (in memory)"
fi
mkdir -p "$BENCH_DIR"
# The PostgreSQL variants run only when AR_BENCH_POSTGRESQL is set: with --postgresql.
env "${pg_env[@]}" "$BUILD_DIR/benchmarks/ar_bench" \
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
  python3 ./scripts/bench-report.py "$BENCH_JSON" --chart "$BENCH_DIR/w4.svg" "${pg_label[@]}"
else
  echo "demo: python3 is not installed: no report (the results are in $BENCH_JSON)" >&2
fi
# --------------------------------------------------------------------------

section "Done"
