#!/usr/bin/env bash
# fault-card.sh MODULE VCARD TESTS [ARGS...] — inside tests/integration/pcsc-sandbox.sh: provisions one PIV
# card state with yubico-piv-tool and openssl (9A RSA-2048 for signing, 9D RSA-2048 for decryption, their
# public keys as PEM, and a CA-signed certificate for 9D as DER that the tests write to the card), removes
# the card again, then runs TESTS, which starts its own mesign-vcard on copies of that state.
set -euo pipefail

MODULE=$1
VCARD=$2
shift 2
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/fault
mkdir -p "$W"
cd "$W"

fail() {
    echo "fault-card: $*" >&2
    exit 1
}

"$VCARD" --init piv --port "$MESIGN_VPCD_PORT" card.state >vcard.log 2>&1 &
VCARD_PID=$!
trap 'kill $VCARD_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    yubico-piv-tool -r MeSign -a status >/dev/null 2>&1 && break
    sleep 0.1
done
for slot in 9a 9d; do
    yubico-piv-tool -r MeSign -a generate -s "$slot" -A RSA2048 -o "$slot.pub" >/dev/null 2>&1 \
        || fail "yubico-piv-tool generate $slot: $(tail -3 vcard.log)"
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
    -subj "/CN=MeSign Fault CA" -days 2 2>/dev/null || fail "openssl: CA"
openssl x509 -new -force_pubkey 9d.pub -subj "/CN=MeSign fault 9d" -CA ca.crt -CAkey ca.key -days 2 \
    -outform DER -out 9d.crt.der 2>/dev/null || fail "openssl x509 -new for 9d"
kill "$VCARD_PID"
wait "$VCARD_PID" 2>/dev/null || true
trap - EXIT

export MESIGN_FAULT_MODULE=$MODULE MESIGN_FAULT_VCARD=$VCARD MESIGN_FAULT_CARD_DIR=$W
exec "$@"
