#!/usr/bin/env bash
# apdu-count-check.sh MODULE VCARD MAX_WARM_LIST — ctest regression guard (not a timing test): runs
# apdu-count.sh and fails when a fresh process lists the objects of a known card (warm object cache) with
# more than MAX_WARM_LIST APDUs. Prints the whole table either way.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 3 ] || { echo "usage: apdu-count-check.sh MODULE VCARD MAX_WARM_LIST" >&2; exit 2; }
numbers=$(mktemp)
trap 'rm -f "$numbers"' EXIT
"$HERE/apdu-count.sh" --numbers "$numbers" "$1" "$2"
warm=$(awk '$1 == "mesign" && $2 == "list" && $3 == "warm" { print $4 }' "$numbers")
[ -n "$warm" ] || { echo "apdu-count-check: no warm list-objects count measured" >&2; exit 1; }
if [ "$warm" -gt "$3" ]; then
    echo "apdu-count-check: listing objects with a warm cache took $warm APDUs, more than the bound $3" >&2
    exit 1
fi
echo "apdu-count-check: warm list-objects $warm APDUs (bound $3)"
