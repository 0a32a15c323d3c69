#!/usr/bin/env bash
# Runs every test of MeSign Token on a Debian 12 machine: installs the Debian packages it needs (as
# root), builds the default preset with warnings as errors and runs the unit and integration tests, then
# does the same in the AddressSanitizer + UndefinedBehaviorSanitizer build, and runs the concurrency
# tests (token layer, PKCS#11 module) in a ThreadSanitizer build. Usage:
#   sudo bash scripts/test-all.sh            # everything
#   MESIGN_SKIP_SANITIZERS=1 bash scripts/test-all.sh   # quick local run (not for CI)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
  bash scripts/install-deps.sh
else
  echo "test-all.sh: not root, assuming scripts/install-deps.sh has been run" >&2
fi

jobs=$(nproc)
# run_preset PRESET [CTEST_ARGS...] [-- BUILD_TARGETS...]
run_preset() {
  local preset=$1
  shift
  local ctest_args=() targets=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do ctest_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift && targets=("$@")
  echo "=== ${preset}: configure and build"
  local t0=$SECONDS
  cmake --preset "$preset" >/dev/null
  if [ ${#targets[@]} -gt 0 ]; then
    cmake --build --preset "$preset" -j "$jobs" --target "${targets[@]}"
  else
    cmake --build --preset "$preset" -j "$jobs"
  fi
  echo "=== ${preset}: built in $((SECONDS - t0)) s; running tests"
  t0=$SECONDS
  # Integration tests start their own pcscd in private namespaces, so they can run in parallel.
  ctest --preset "$preset" -j "$jobs" --no-tests=error "${ctest_args[@]}"
  echo "=== ${preset}: tests took $((SECONDS - t0)) s"
}

run_preset default
# The optimised build runs the main job too: a double free that only -O2 exposed (GCC 12 with an
# std::expected inside an std::optional) escaped the debug and sanitizer builds once.
run_preset release -L demo -- mesign-vcard mesign-pkcs11 mesign-token
if [ -z "${MESIGN_SKIP_SANITIZERS:-}" ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # sanitizer-independent: tests whose code is not built with the host compiler (the mingw cross build).
  run_preset asan-ubsan -LE 'asan-unsafe-host|sanitizer-independent'
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  run_preset tsan -L concurrency -- token_unit_tests pkcs11_unit_tests p11_stress mesign-pkcs11 mesign-vcard
fi

# Fuzz smoke (tests/fuzz/README.md): the clang libFuzzer build, each target replaying its seed corpus only.
# The timed fuzzing is bench/fuzz.sh, not CI.
if [ -z "${MESIGN_SKIP_FUZZ:-}" ]; then
  t0=$SECONDS
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs" --target fuzzers
  for d in tests/fuzz/corpus/*/; do
    t=$(basename "$d")
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 build/fuzz/tests/fuzz/"$t" -runs=0 "$d" 2>&1 | tail -1
  done
  echo "=== fuzz: seed corpora replayed in $((SECONDS - t0)) s"
fi
