# shellcheck shell=bash
# card_fixture.sh — sourced by the interop scripts (bash, set -euo pipefail, inside pcsc-sandbox.sh).
# card_fixture_start NAME VCARD: makes $W (a scratch dir named NAME in the sandbox), starts mesign-vcard with a
# fresh PIV card (PIN 123456, PUK 12345678, default management key), then provisions it with yubico-piv-tool and
# openssl: an EC P-256 CA (ca.crt/ca.key), and per slot a key, its public key (SLOT.pub) and a certificate signed by
# the CA (SLOT.crt): 9a RSA-2048, 9c EC P-256 (PIN always), 9d RSA-2048, 9e EC P-256.
# Defines fail/step, VCARD_PID, card_stop / card_start (same state file) and TOKEN_LABEL.

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "== $*"; }

card_start() {
    "$VCARD_BIN" --init piv --port "$MESIGN_VPCD_PORT" "$W/card.state" >>"$W/vcard.log" 2>&1 &
    VCARD_PID=$!
    for _ in $(seq 100); do
        pkcs11-tool --module "$MODULE" -L 2>/dev/null | grep -q "token label" && return 0
        sleep 0.1
    done
    fail "the virtual card did not appear within 10 s: $(tail -5 "$W/vcard.log")"
}

card_stop() {
    kill "$VCARD_PID" 2>/dev/null || true
    wait "$VCARD_PID" 2>/dev/null || true
}

card_fixture_start() {
    W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/$1
    VCARD_BIN=$2
    mkdir -p "$W"
    cd "$W" || fail "cannot enter $W"
    card_start
    trap card_stop EXIT
    local ypt="yubico-piv-tool -r MeSign"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
        -subj "/CN=MeSign Interop CA" -days 2 2>/dev/null || fail "openssl: CA"
    local slot alg
    for spec in 9a:RSA2048 9c:ECCP256 9d:RSA2048 9e:ECCP256; do
        slot=${spec%%:*}
        alg=${spec##*:}
        $ypt -a generate -s "$slot" -A "$alg" -o "$slot.pub" >/dev/null 2>&1 || fail "yubico-piv-tool generate $slot"
        printf 'subjectAltName=email:%s@example.test\nkeyUsage=%s\nextendedKeyUsage=emailProtection\n' "$slot" \
            "$([ "$alg" = RSA2048 ] && echo digitalSignature,keyEncipherment || echo digitalSignature)" >"$slot.ext"
        openssl x509 -new -force_pubkey "$slot.pub" -subj "/CN=MeSign interop $slot" -extfile "$slot.ext" \
            -CA ca.crt -CAkey ca.key -days 2 -out "$slot.crt" 2>/dev/null || fail "openssl x509 -new for $slot"
        $ypt -a import-certificate -s "$slot" -i "$slot.crt" >/dev/null 2>&1 || fail "import-certificate $slot"
    done
    TOKEN_LABEL=$(pkcs11-tool --module "$MODULE" -L | sed -n 's/^ *token label *: *//p' | head -1)
    [ -n "$TOKEN_LABEL" ] || fail "no token label in pkcs11-tool -L"
}
