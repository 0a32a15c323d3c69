#!/usr/bin/env bash
# apdu-count.sh [--numbers FILE] [--trace DIR] MODULE VCARD [OTHER_MODULE...]
#
# APDUs (counted at the virtual card) and wall time of two everyday PKCS#11 jobs, each in a fresh
# pkcs11-tool process, on a virtual PIV card provisioned like a typical user's token (RSA-2048 + certificate
# in 9A and 9C, EC P-256 + certificate in 9D):
#   list  pkcs11-tool --module M -O
#   sign  pkcs11-tool --module M --login --pin 123456 --sign --id 01 -m SHA256-RSA-PKCS -i data -o sig
# MODULE (ours) runs each job twice: "cold" with an empty object cache, "warm" with the cache the first run
# left (XDG_CACHE_HOME is private to the run). OTHER_MODULEs (default: OpenSC's opensc-pkcs11.so) run each
# job twice as well, in the same way (their own caches, if any, in the same private directory).
# Prints a Markdown table. --numbers FILE also writes "module job run apdus ms" lines (for ctest);
# --trace DIR keeps the card's APDU log of every run (DIR/<module>-<job>-<run>.log) and the tool's output
# with our module's host-side APDU log (MESIGN_LOG=apdu,debug: headers, no secrets) in DIR/...out.
# Runs itself inside tests/integration/pcsc-sandbox.sh (root; a private pcscd with a vpcd reader).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

numbers=""
trace=""
while [ $# -gt 0 ]; do
    case $1 in
        --numbers) numbers=$(realpath -m "$2"); shift 2 ;;
        --trace) trace=$(realpath -m "$2"); shift 2 ;;
        --) shift; break ;;
        -*) echo "apdu-count: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -ge 2 ] || { sed -n '2,16p' "$0" >&2; exit 2; }

if [ -z "${MESIGN_SANDBOX_DIR:-}" ]; then
    args=()
    if [ -n "$numbers" ]; then args+=(--numbers "$numbers"); fi
    if [ -n "$trace" ]; then args+=(--trace "$trace"); fi
    exec "$ROOT/tests/integration/pcsc-sandbox.sh" "$0" "${args[@]}" \
        "$(realpath "$1")" "$(realpath "$2")" "${@:3}"
fi

OURS=$1
VCARD=$2
shift 2
OTHERS=("$@")
[ ${#OTHERS[@]} -gt 0 ] || OTHERS=(/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)

W=$MESIGN_SANDBOX_DIR/apdu-count
mkdir -p "$W"
cd "$W"
# Every cache (ours, OpenSC's) lives in the sandbox: runs are reproducible and the user's stay untouched.
export HOME=$W/home XDG_CACHE_HOME=$W/cache
mkdir -p "$HOME"
unset MESIGN_CACHE
if [ -n "$trace" ]; then mkdir -p "$trace"; fi
if [ -n "$numbers" ]; then : >"$numbers"; fi

fail() {
    echo "apdu-count: $*" >&2
    exit 1
}

LOG=$W/apdus.log
: >"$LOG"
"$VCARD" --init piv --port "$MESIGN_VPCD_PORT" --apdu-log "$LOG" "$W/card.state" >"$W/vcard.log" 2>&1 &
VCARD_PID=$!
trap 'kill $VCARD_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    pkcs11-tool --module "$OURS" -L 2>/dev/null | grep -q "token label" && break
    sleep 0.1
done

# A typical user's token: keys generated on the card, certificates from a local CA.
YPT="yubico-piv-tool -r MeSign"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
    -subj "/CN=MeSign Bench CA" -days 2 2>/dev/null || fail "CA certificate"
enrol() {  # slot algorithm
    $YPT -a generate -s "$1" -A "$2" -o "$1.pub" >/dev/null 2>&1 || fail "yubico-piv-tool generate $1"
    openssl x509 -new -force_pubkey "$1.pub" -subj "/CN=MeSign bench $1" -CA ca.crt -CAkey ca.key \
        -days 2 -out "$1.crt" 2>/dev/null || fail "certificate for $1"
    $YPT -a import-certificate -s "$1" -i "$1.crt" >/dev/null 2>&1 || fail "import-certificate $1"
}
enrol 9a RSA2048
enrol 9c RSA2048
enrol 9d ECCP256
printf 'MeSign APDU count\n' >data

# measure NAME JOB RUN CMD...: runs CMD once, prints "apdus ms", keeps the trace.
measure() {
    local name=$1 job=$2 run=$3
    shift 3
    # pcscd powers an idle card down ~1 s after the last handle closes; let every run start alike.
    sleep 1.5
    local before after t0 t1
    before=$(wc -l <"$LOG")
    t0=$(date +%s%N)
    MESIGN_LOG=${trace:+apdu,debug} "$@" >"$W/out.txt" 2>&1 || fail "$name $job ($run) failed: $(cat "$W/out.txt")"
    t1=$(date +%s%N)
    after=$(wc -l <"$LOG")
    if [ -n "$trace" ]; then
        sed -n "$((before + 1)),${after}p" "$LOG" >"$trace/$name-$job-$run.log"
        cp "$W/out.txt" "$trace/$name-$job-$run.out"
    fi
    echo "$((after - before)) $(((t1 - t0) / 1000000))"
}

declare -A RESULT
run_module() {  # NAME MODULE
    local name=$1 m=$2 job run r
    for job in list sign; do
        rm -rf "$XDG_CACHE_HOME" "$HOME/.cache" "$HOME/.eid"
        for run in cold warm; do
            if [ $job = list ]; then
                r=$(measure "$name" $job $run pkcs11-tool --module "$m" -O)
                grep -q "Certificate Object" "$W/out.txt" || fail "$name: no certificate listed"
            else
                rm -f sig
                r=$(measure "$name" $job $run pkcs11-tool --module "$m" --login --pin 123456 --sign --id 01 \
                    -m SHA256-RSA-PKCS -i data -o sig)
                openssl dgst -sha256 -verify <(openssl x509 -in 9a.crt -pubkey -noout) -signature sig data \
                    | grep -q "Verified OK" || fail "$name: the signature does not verify"
            fi
            RESULT[$name.$job.$run]=$r
            if [ -n "$numbers" ]; then echo "$name $job $run $r" >>"$numbers"; fi
        done
    done
}

run_module mesign "$OURS"
names=(mesign)
for m in "${OTHERS[@]}"; do
    n=$(basename "$m" .so)
    run_module "$n" "$m"
    names+=("$n")
done

cell() {  # NAME JOB RUN
    local r=${RESULT[$1.$2.$3]}
    echo "${r% *} (${r#* } ms)"
}
echo
echo "| module | list objects, cold | list objects, warm | login + sign, cold | login + sign, warm |"
echo "|---|---:|---:|---:|---:|"
for n in "${names[@]}"; do
    echo "| $n | $(cell "$n" list cold) | $(cell "$n" list warm) | $(cell "$n" sign cold) | $(cell "$n" sign warm) |"
done
echo
echo "APDUs counted at the virtual card (mesign-vcard --apdu-log), each run a fresh pkcs11-tool process;"
echo "cold = empty cache directory, warm = the cache the cold run left. Wall time in parentheses."
