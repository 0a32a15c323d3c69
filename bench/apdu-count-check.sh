#!/usr/bin/env bash
# apdu-count-check.sh MODULE VCARD MAX_WARM_LIST [MAX_COLD_LIST MAX_COLD_SIGN] — ctest regression guard (not
# a timing test): runs apdu-count.sh and fails when a fresh process lists the objects of a known card (warm
# object cache) with more than MAX_WARM_LIST APDUs, or, when given, when first contact (empty cache) lists
# with more than MAX_COLD_LIST or logs in and signs with more than MAX_COLD_SIGN. Prints the whole table.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 3 ] || [ $# -eq 5 ] || { echo "usage: apdu-count-check.sh MODULE VCARD MAX_WARM_LIST [MAX_COLD_LIST MAX_COLD_SIGN]" >&2; exit 2; }
numbers=$(mktemp)
trap 'rm -f "$numbers"' EXIT
"$HERE/apdu-count.sh" --numbers "$numbers" "$1" "$2"
status=0
check() {  # JOB RUN BOUND WHAT
    local n
    n=$(awk -v job="$1" -v run="$2" '$1 == "mesign" && $2 == job && $3 == run { print $4 }' "$numbers")
    if [ -z "$n" ]; then
        echo "apdu-count-check: no $4 count measured" >&2
        status=1
    elif [ "$n" -gt "$3" ]; then
        echo "apdu-count-check: $4 took $n APDUs, more than the bound $3" >&2
        status=1
    else
        echo "apdu-count-check: $4 $n APDUs (bound $3)"
    fi
}
check list warm "$3" "listing objects with a warm cache"
if [ $# -eq 5 ]; then
    check list cold "$4" "listing objects on first contact"
    check sign cold "$5" "login + sign on first contact"
fi
exit $status
