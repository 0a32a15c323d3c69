#!/usr/bin/env bash
# Runs each libFuzzer target of tests/fuzz for a given time and prints a Markdown table (executions,
# exec/s, coverage, findings). Builds the `fuzz` preset (clang) first. Crash/leak/timeout/OOM inputs and
# the growing corpora go to bench/results/fuzz/ (gitignored). Exits 1 if any target found something.
#   bench/fuzz.sh [--seconds N] [--jobs N] [--build-dir DIR] [TARGET...]
#   (default: 600 s each, every target, the fuzz preset's build/fuzz; --build-dir lets a developer fuzz
#   from a private build directory while build/fuzz belongs to CI)
# The benchmark goal is 10 clean minutes per target; CI only replays the seeds (scripts/test-all.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=600
jobs=2
build=build/fuzz
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for d in tests/fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi

cmake --preset fuzz -B "$build" >/dev/null
cmake --build "$build" -j "$jobs" --target fuzzers

out=bench/results/fuzz
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rows=()
failed=0
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/$t
  [ -x "$bin" ] || { echo "fuzz.sh: no target $t" >&2; exit 2; }
  mkdir -p "$out/corpus/$t"
  log=$out/$t.log
  echo "=== $t: ${seconds} s" >&2
  rc=0
  "$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/$t-" "$out/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$( (grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" || true) | tail -1 |
        sed -E 's/cov: ([0-9]+) ft: ([0-9]+)/\1 edges, \2 features/')
  found=$(ls "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-* "$out/$t"-slow-unit-* 2>/dev/null | wc -l || true)
  if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
    failed=1
    findings="$found (exit $rc, see $log)"
  else
    findings=0
  fi
  rows+=("| $t | ${execs:-?} | ${eps:-?} | ${cov:-?} | $findings |")
done

echo
echo "fuzz run: ${seconds} s per target, $(date -u +%Y-%m-%dT%H:%MZ), $(clang --version | head -1)"
echo
echo "| target | executions | exec/s | coverage | findings |"
echo "|---|---:|---:|---|---|"
printf '%s\n' "${rows[@]}"
exit $failed
