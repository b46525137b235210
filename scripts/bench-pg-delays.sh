#!/usr/bin/env bash
# W4 on PostgreSQL across a simulated network: runs ar_bench's pg_ variants of W4 through
# ar_latency_proxy (benchmarks/latency_proxy) at each one-way delay, one JSON per delay.
#
#   AR_BENCH_POSTGRESQL='postgresql://host=127.0.0.1 port=55433 dbname=ar_test user=postgres' \
#     ./scripts/bench-pg-delays.sh [BUILD_DIR] [-- ar_bench arguments...]
#
# BUILD_DIR (default build-release) holds ar_bench and ar_latency_proxy (cmake --build BUILD_DIR
# --target ar_bench ar_latency_proxy). AR_BENCH_PG_DELAYS lists the delays in microseconds
# (default "0 500 2000"); ar_bench's arguments default to a short run of W4/pg_ at every size.
# Writes BUILD_DIR/bench/w4-pg-delay-<us>.json and prints each run's table.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD_DIR="build-release"
if [[ $# -gt 0 && "$1" != "--" ]]; then BUILD_DIR="$1"; shift; fi
[[ "${1:-}" == "--" ]] && shift
ARGS=("$@")
[[ ${#ARGS[@]} -eq 0 ]] && ARGS=(--benchmark_filter='^W4/pg_' --benchmark_min_time=0.2)

BENCH="$BUILD_DIR/benchmarks/ar_bench"
PROXY="$BUILD_DIR/benchmarks/latency_proxy/ar_latency_proxy"
[[ -x "$PROXY" ]] || PROXY="$BUILD_DIR/tests/latency_proxy/ar_latency_proxy"
for f in "$BENCH" "$PROXY"; do
  [[ -x "$f" ]] || { echo "bench-pg-delays: $f is missing: cmake --build $BUILD_DIR --target ar_bench ar_latency_proxy" >&2; exit 2; }
done
URL="${AR_BENCH_POSTGRESQL:?set AR_BENCH_POSTGRESQL to the PostgreSQL server, e.g. postgresql://host=127.0.0.1 port=55433 dbname=ar_test user=postgres}"
HOST="$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$URL")"
PORT="$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$URL")"
[[ -n "$HOST" && -n "$PORT" ]] || { echo "bench-pg-delays: AR_BENCH_POSTGRESQL names no host= and port=" >&2; exit 2; }
mkdir -p "$BUILD_DIR/bench"

proxy_pid=""
stop_proxy() { if [[ -n "$proxy_pid" ]]; then kill -TERM "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""; fi; }
trap stop_proxy EXIT

for delay in ${AR_BENCH_PG_DELAYS:-0 500 2000}; do
  coproc PROXY_PROC { exec "$PROXY" --listen 127.0.0.1:0 --target "$HOST:$PORT" --delay-us "$delay"; }
  proxy_pid=$PROXY_PROC_PID
  read -r proxy_port <&"${PROXY_PROC[0]}"
  printf '\n==== W4 on PostgreSQL, %s us each way (proxy on port %s) ====\n' "$delay" "$proxy_port"
  AR_BENCH_POSTGRESQL="$(sed "s/port=[0-9]*/port=$proxy_port/" <<<"$URL")" \
    "$BENCH" "${ARGS[@]}" --benchmark_out="$BUILD_DIR/bench/w4-pg-delay-$delay.json" --benchmark_out_format=json
  stop_proxy
done
