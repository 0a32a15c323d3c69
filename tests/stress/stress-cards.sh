#!/usr/bin/env bash
# stress-cards.sh MODULE VCARD STRESS — inside tests/integration/pcsc-sandbox.sh: two virtual PIV cards, one
# in each slot of the sandbox's vpcd reader (ports PORT and PORT+1), each provisioned with yubico-piv-tool
# and openssl (9A and 9D RSA-2048 with CA-signed certificates), then runs STRESS (p11_stress) against both.
set -euo pipefail

MODULE=$1
VCARD=$2
STRESS=$3
D=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/stress
mkdir -p "$D"
cd "$D"

fail() {
    echo "stress-cards: $*" >&2
    exit 1
}

PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
    -subj "/CN=MeSign Stress CA" -days 2 2>/dev/null || fail "openssl: CA"
for i in 0 1; do
    mkdir -p "card$i"
    reader="MeSign Test VPCD 00 0$i"
    echo "$reader" >"card$i/reader.txt"
    "$VCARD" --init piv --port $((MESIGN_VPCD_PORT + i)) "card$i/card.state" >"card$i/vcard.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do
        yubico-piv-tool -r "$reader" -a status >/dev/null 2>&1 && break
        sleep 0.1
    done
    for slot in 9a 9d; do
        yubico-piv-tool -r "$reader" -a generate -s $slot -A RSA2048 -o "card$i/$slot.pub" >/dev/null 2>&1 \
            || fail "yubico-piv-tool generate $slot on card $i: $(tail -3 "card$i/vcard.log")"
        openssl x509 -new -force_pubkey "card$i/$slot.pub" -subj "/CN=MeSign stress $i $slot" -CA ca.crt \
            -CAkey ca.key -days 2 -out "card$i/$slot.crt" 2>/dev/null || fail "openssl x509 -new $slot"
        yubico-piv-tool -r "$reader" -a import-certificate -s $slot -i "card$i/$slot.crt" >/dev/null 2>&1 \
            || fail "import-certificate $slot on card $i"
    done
done

MESIGN_STRESS_MODULE=$MODULE MESIGN_STRESS_DIR=$D "$STRESS"
