# lib.sh — sourced by the CLI's sandbox tests (cli_test.sh, sign_test.sh, openpgp_test.sh, mail_test.sh): argument
# handling, the work directory, assertions, and a virtual card that is killed when the test ends.
# Usage: source lib.sh NAME MESIGN_TOKEN VCARD MODULE (NAME: the test's directory under the sandbox).
# shellcheck shell=bash disable=SC2034  # (MT, VCARD, PY, VCARD_PID: used by the sourcing tests)
set -euo pipefail

MT=$2
VCARD=$3
export MESIGN_PKCS11_MODULE=$4
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/$1
mkdir -p "$W"
cd "$W"
PY=/usr/bin/python3

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# grep for pipelines: reads all its input (grep -q would stop early and SIGPIPE the producer under pipefail).
has() { grep "$@" >/dev/null; }
step() { echo "== [${SECONDS}s] $*"; }
expect() {  # expect CODE STDERR-REGEX CMD...
    local code=$1 pattern=$2 rc=0
    shift 2
    "$@" >out.txt 2>err.txt || rc=$?
    [ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code; stderr: $(cat err.txt)"
    [ -z "$pattern" ] || grep -Eq "$pattern" err.txt || fail "'$*': stderr lacks /$pattern/: $(cat err.txt)"
}

# Background processes to end with the test (the card, a TSA): add their pids to CLEANUP_PIDS.
CLEANUP_PIDS=()
cleanup() {
    local p
    for p in "${CLEANUP_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

# start_card TYPE [VCARD-OPTIONS...]: mesign-vcard --init TYPE on the sandbox's vpcd port, state in
# $W/card.state; waits until mesign-token lists the token.
start_card() {
    local type=$1
    shift
    "$VCARD" --init "$type" "$@" --port "$MESIGN_VPCD_PORT" "$W/card.state" >>"$W/vcard.log" 2>&1 &
    VCARD_PID=$!
    CLEANUP_PIDS+=("$VCARD_PID")
    for _ in $(seq 100); do "$MT" list 2>/dev/null | has "Token " && return 0; sleep 0.1; done
    fail "the virtual card did not appear: $(tail -5 "$W/vcard.log")"
}
# stop_card: pulls the card (ends mesign-vcard and waits for it).
stop_card() {
    [ -n "${VCARD_PID:-}" ] || return 0
    kill "$VCARD_PID" 2>/dev/null || true
    wait "$VCARD_PID" 2>/dev/null || true
    VCARD_PID=
}
