#!/usr/bin/env bash
# log-secrets.sh MODULE VCARD — inside tests/integration/pcsc-sandbox.sh: runs every secret-carrying flow
# through libmesign-pkcs11.so with its most verbose log (MESIGN_LOG=all,debug to a file) and greps that log
# for the secrets: user PINs (old and new), PUKs (old and new), the management key, and the private keys.
# The keys are made by openssl and imported into 9A and 9D with yubico-piv-tool, so their private values
# are known to the test (cards that generate their keys never reveal them).
# Flows: login + sign (verified), decrypt, change PIN, change PUK (SO = PUK, C_SetPIN), unblock the PIN with
# the PUK (C_InitPIN), SO login with the management key + key generation, login with the final PIN + sign.
set -euo pipefail

MODULE=$1
VCARD=$2
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/secrets
mkdir -p "$W"
cd "$W"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "== $*"; }

"$VCARD" --init piv --port "$MESIGN_VPCD_PORT" card.state >vcard.log 2>&1 &
VCARD_PID=$!
trap 'kill $VCARD_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    yubico-piv-tool -r MeSign -a status >/dev/null 2>&1 && break
    sleep 0.1
done

PIN0=123456 PIN1=739164 PIN2=582047 PUK0=12345678 PUK1=80461739
MGMT=010203040506070801020304050607080102030405060708
step "known keys into 9A and 9D (yubico-piv-tool import-key)"
for slot in 9a 9d; do
    openssl genrsa -out "$slot.key" 2048 2>/dev/null || fail "openssl genrsa"
    openssl rsa -in "$slot.key" -pubout -out "$slot.pub" 2>/dev/null || fail "openssl rsa -pubout"
    yubico-piv-tool -r MeSign -a import-key -s "$slot" -i "$slot.key" >/dev/null 2>&1 || fail "import-key $slot"
done

export MESIGN_LOG=all,debug MESIGN_LOG_FILE=$W/module.log
P11="pkcs11-tool --module $MODULE"
printf 'data signed while the module logs everything\n' >data.txt
sign() {  # pin
    $P11 --login --pin "$1" --sign --id 01 -m SHA256-RSA-PKCS -i data.txt -o "sig-$1" >/dev/null 2>&1 \
        || fail "sign with PIN $1"
    openssl dgst -sha256 -verify 9a.pub -signature "sig-$1" data.txt | grep -qx "Verified OK" || fail "sig $1"
}
step "login + sign, decrypt"
sign $PIN0
printf 'secret message' >plain.txt
openssl pkeyutl -encrypt -pubin -inkey 9d.pub -in plain.txt -out enc.bin || fail "openssl encrypt"
$P11 --login --pin $PIN0 --decrypt --id 03 -m RSA-PKCS -i enc.bin -o dec.txt >/dev/null 2>&1 || fail "decrypt"
cmp -s plain.txt dec.txt || fail "decrypted text differs"
step "change PIN, change PUK, unblock with the PUK, SO with the management key + keygen"
$P11 --login --pin $PIN0 --change-pin --new-pin $PIN1 >/dev/null 2>&1 || fail "change PIN"
$P11 --login --login-type so --so-pin $PUK0 --change-pin --new-pin $PUK1 >/dev/null 2>&1 || fail "change PUK"
$P11 --login --login-type so --so-pin $PUK1 --init-pin --new-pin $PIN2 >/dev/null 2>&1 || fail "unblock (init-pin)"
$P11 --login --login-type so --so-pin $MGMT --keypairgen --key-type EC:prime256v1 --id 04 >/dev/null 2>&1 \
    || fail "keygen with the management key"
sign $PIN2
unset MESIGN_LOG MESIGN_LOG_FILE

step "the log is the most verbose one and covers the flows"
[ -s module.log ] || fail "no module log written"
lines=$(wc -l <module.log)
# VERIFY (20), CHANGE REFERENCE (24), RESET RETRY COUNTER (2C), GENERAL AUTHENTICATE (87), GENERATE (47).
for ins in 20 24 2C 87 47; do
    grep -Eq "00 $ins [0-9A-F]{2} [0-9A-F]{2}" module.log || fail "no APDU with INS $ins in the log ($lines lines)"
done
grep -q "debug" module.log || fail "no debug-level line in the log"
echo "module.log: $lines lines"

step "no PIN, PUK, management key or private key in the log"
# The log as one string of upper-case hex digits (spaces, colons and line breaks gone), to find secrets
# however they were printed as hex; and the raw text for printable forms.
tr -d ' :\n' <module.log | tr 'a-f' 'A-F' >log.hex
hexOf() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr 'a-f' 'A-F'; }
for secret in $PIN0 $PIN1 $PIN2 $PUK0 $PUK1; do
    ! grep -qF "$secret" module.log || fail "secret '$secret' appears in the log: $(grep -F "$secret" module.log | head -2)"
    ! grep -qF "$(hexOf "$secret")" log.hex || fail "secret '$secret' appears hex-encoded in the log"
done
! grep -qiF "$MGMT" module.log || fail "the management key appears in the log"
! grep -qF "${MGMT^^}" log.hex || fail "the management key appears (hex) in the log"
# Private key material: every 8-byte window of d, p, q, dP, dQ, qInv of both keys.
checked=0
for slot in 9a 9d; do
    openssl rsa -in "$slot.key" -text -noout 2>/dev/null |
        awk '/^(privateExponent|prime1|prime2|exponent1|exponent2|coefficient):/{on=1; next} /^[a-zA-Z]/{on=0} on' |
        tr -d ' :\n' | tr 'a-f' 'A-F' >"$slot.priv.hex"
    [ "$(wc -c <"$slot.priv.hex")" -gt 1000 ] || fail "could not extract the private values of $slot"
    hex=$(cat "$slot.priv.hex")
    for ((i = 0; i + 16 <= ${#hex}; i += 16)); do
        ! grep -qF "${hex:i:16}" log.hex || fail "private key bytes of $slot (${hex:i:16}) appear in the log"
        checked=$((checked + 1))
    done
done
echo "checked $checked 8-byte windows of private key values"
# Control: the same search does find key material the module legitimately logs — the public modulus of
# 9A arrives in GET METADATA / certificate responses, which debug lines print in hex.
openssl rsa -in 9a.key -text -noout 2>/dev/null | awk '/^modulus:/{on=1; next} /^[a-zA-Z]/{on=0} on' |
    tr -d ' :\n' | tr 'a-f' 'A-F' | cut -c 3- >9a.modulus.hex
modulus=$(cat 9a.modulus.hex)
[ ${#modulus} -ge 512 ] || fail "could not extract the 9A modulus"
grep -qF "${modulus:200:16}" log.hex || fail "control: the public modulus of 9A is not in the log, so the search would miss keys too"
echo "control: the 9A public modulus is found in the log by the same search"
echo "ALL PASSED"
