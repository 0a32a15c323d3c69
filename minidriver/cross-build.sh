#!/usr/bin/env bash
# Cross-builds mesign-minidriver.dll (x64) with mingw-w64 in its own build directory and checks it:
# the only export is CardAcquireContext, and it imports nothing but system DLLs (the MinGW runtime is
# linked statically). Usage: cross-build.sh [build-dir]   (default: build/mingw-minidriver)
# Exit 77 (ctest: skipped) when the cross compiler is not installed (scripts/install-deps.sh adds it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/mingw-minidriver}
objdump=x86_64-w64-mingw32-objdump

if ! command -v x86_64-w64-mingw32-g++-posix >/dev/null || ! command -v "$objdump" >/dev/null; then
  echo "cross-build.sh: mingw-w64 (g++-mingw-w64-x86-64-posix) not installed: skipped" >&2
  exit 77
fi

cmake -S "$root/minidriver/win" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" >/dev/null
# md_probe.exe, winscard.dll, piv_win_check.exe and openpgp_win_check.exe (wine/) are test-only:
# tests/minidriver/wine_test.cpp and wine_openpgp_test.cpp run them under Wine.
ninja -C "$build" -j2 mesign-minidriver.dll wine/md_probe.exe wine/winscard.dll wine/piv_win_check.exe \
      wine/openpgp_win_check.exe
dll=$build/mesign-minidriver.dll
dump=$("$objdump" -p "$dll")

exports=$(sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' <<<"$dump" | sed -n 's/^\s*\[ *[0-9]*\] //p')
if [ "$exports" != "CardAcquireContext" ]; then
  echo "cross-build.sh: exports must be exactly CardAcquireContext, got: $exports" >&2
  exit 1
fi

# System DLLs only: Windows API sets and the C runtime that ships with Windows.
allowed='^(KERNEL32|ADVAPI32|USER32|WINSCARD|BCRYPT|CRYPT32|NCRYPT|MSVCRT|UCRTBASE|API-MS-WIN-[A-Z0-9-]+)\.DLL$'
status=0
while read -r name; do
  if ! [[ ${name^^} =~ $allowed ]]; then
    echo "cross-build.sh: unexpected import $name" >&2
    status=1
  fi
done < <(sed -n 's/^\s*DLL Name: //p' <<<"$dump")
[ $status -eq 0 ] || exit 1

echo "cross-build.sh: $dll OK (export CardAcquireContext; imports: $(sed -n 's/^\s*DLL Name: //p' <<<"$dump" | tr '\n' ' '))"
