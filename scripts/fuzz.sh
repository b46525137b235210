#!/usr/bin/env bash
# Builds ar's libFuzzer targets (tests/fuzz/) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-fuzz/, and runs each for a while from its
# committed seed corpus, leak detection on. Exits non-zero if any target crashes,
# leaks, times out or breaks one of its invariants. See docs/fuzzing.md.
#
#   scripts/fuzz.sh [seconds per target (default 60)] [target ...]
#
#   scripts/fuzz.sh                 # what the test command runs: 60 s each
#   scripts/fuzz.sh 3600            # the longer run: an hour each
#   scripts/fuzz.sh 600 fuzz_query_builder
#
# The seeds are copied into build-fuzz/runs/<target>/corpus/, which the run grows
# and which survives it (the committed corpus is never written to); a crash leaves
# its input in build-fuzz/runs/<target>/artifacts/. Environment: AR_FUZZ_CXX (the
# clang++ to use, default clang++-14), AR_FUZZ_JOBS (build jobs, default nproc).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
BUILD_DIR="$ROOT/build-fuzz"
ALL_TARGETS=(fuzz_relation_path fuzz_query_builder)

seconds="${1:-60}"
if [[ $# -gt 0 ]]; then shift; fi
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: the time per target is a whole number of seconds, not '$seconds'" >&2
  exit 2
fi
targets=("$@")
if ((${#targets[@]} == 0)); then targets=("${ALL_TARGETS[@]}"); fi
for t in "${targets[@]}"; do
  if [[ ! -d "$ROOT/tests/fuzz/corpus/$t" ]]; then
    echo "fuzz.sh: no fuzz target '$t' (there are: ${ALL_TARGETS[*]})" >&2
    exit 2
  fi
done

CXX="${AR_FUZZ_CXX:-clang++-14}"
if ! command -v "$CXX" >/dev/null 2>&1; then
  echo "fuzz.sh: $CXX not found: scripts/install-deps.sh installs clang-14 and its libFuzzer runtime" >&2
  exit 1
fi
JOBS="${AR_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# A lean build: the library and the fuzzers only, -O1 -gline-tables-only (fast enough to fuzz; stacks name functions and lines).
generator=()
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi
export CCACHE_NOHASHDIR=true
echo "fuzz.sh: configuring $BUILD_DIR ($CXX, ASan + UBSan + libFuzzer)"
cmake -S "$ROOT" -B "$BUILD_DIR" "${generator[@]}" \
  -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DAR_BUILD_TESTS=OFF -DAR_BUILD_DOCS=OFF -DAR_BUILD_BENCHMARKS=OFF \
  -DAR_BUILD_FUZZERS=ON >/dev/null
build_start=$SECONDS
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${targets[@]}"
echo "fuzz.sh: built in $((SECONDS - build_start)) s"

# Every sanitizer finding is fatal; leaks are looked for after every input that allocated more than
# it freed, and at exit.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:symbolize=1:detect_stack_use_after_return=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"

failed=()
for t in "${targets[@]}"; do
  run="$BUILD_DIR/runs/$t"
  rm -rf "$run/artifacts"
  mkdir -p "$run/corpus" "$run/artifacts"
  cp "$ROOT/tests/fuzz/corpus/$t/"* "$run/corpus/"
  dict=()
  if [[ -f "$ROOT/tests/fuzz/$t.dict" ]]; then dict=(-dict="$ROOT/tests/fuzz/$t.dict"); fi
  echo "fuzz.sh: $t for $seconds s (corpus $run/corpus, log $run/log)"
  status=0
  "$BUILD_DIR/tests/fuzz/$t" \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560 -max_len=4096 \
    -detect_leaks=1 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$run/artifacts/" "$run/corpus" >"$run/log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -1)
  if ((status != 0)); then
    failed+=("$t")
    echo "fuzz.sh: $t FAILED (exit $status) after ${runs:-?} inputs; the end of its log:"
    tail -n 60 "$run/log" | sed 's/^/    /'
    for a in "$run/artifacts/"*; do
      [[ -e "$a" ]] || continue
      echo "fuzz.sh: reproduce with: $BUILD_DIR/tests/fuzz/$t $a"
    done
  else
    echo "fuzz.sh: $t passed: ${runs:-?} inputs in $seconds s, no crash, no leak"
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: ${#failed[@]} of ${#targets[@]} fuzz targets failed: ${failed[*]}"
  exit 1
fi
echo "fuzz.sh: all ${#targets[@]} fuzz targets passed"
