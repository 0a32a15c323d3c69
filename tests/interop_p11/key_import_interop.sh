#!/usr/bin/env bash
# key_import_interop.sh MODULE VCARD — private keys made by openssl written to a fresh virtual PIV card with OpenSC's
# `pkcs11-tool --login --login-type so --so-pin <management key> --write-object KEY.der --type privkey --id NN`
# (pkcs11-tool sends C_CreateObject(CKO_PRIVATE_KEY) with the RSA CRT attributes, or CKA_EC_PARAMS + CKA_VALUE),
# then used by pkcs11-tool in a new process: an RSA signature (9A) and an ECDSA signature (9E) verified by
# `openssl dgst -verify` with the original public keys, an RSA decryption (9D) of what openssl encrypted.
# Refusals: without the SO login, and an RSA-1536 key. Inside tests/integration/pcsc-sandbox.sh.
set -euo pipefail
MODULE=$1
VCARD=$2
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/key-import
mkdir -p "$W"
cd "$W"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "== $*"; }
P11="pkcs11-tool --module $MODULE"
SO="--login --login-type so --so-pin 010203040506070801020304050607080102030405060708"

"$VCARD" --init piv --port "$MESIGN_VPCD_PORT" "$W/card.state" >>"$W/vcard.log" 2>&1 &
VCARD_PID=$!
trap 'kill $VCARD_PID 2>/dev/null; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do $P11 -L 2>/dev/null | grep -q "token label" && break; sleep 0.1; done

for k in rsa-sign rsa-dec; do
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -outform DER -out $k.der 2>/dev/null
done
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -outform DER -out ec.der 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1536 -outform DER -out rsa1536.der 2>/dev/null
for k in rsa-sign rsa-dec ec; do openssl pkey -inform DER -in $k.der -pubout -out $k.pub; done

step "refusals: no SO login; an RSA size PIV does not have"
if $P11 --write-object rsa-sign.der --type privkey --id 01 >nologin.txt 2>&1; then fail "written without login"; fi
grep -q "CKR_USER_NOT_LOGGED_IN" nologin.txt || fail "no login: $(cat nologin.txt)"
if $P11 $SO --write-object rsa1536.der --type privkey --id 01 >small.txt 2>&1; then fail "RSA-1536 accepted"; fi
grep -q "CKR_ATTRIBUTE_VALUE_INVALID" small.txt || fail "RSA-1536: $(cat small.txt)"

step "pkcs11-tool --write-object --type privkey: RSA into 9A and 9D, P-256 into 9E"
$P11 $SO --write-object rsa-sign.der --type privkey --id 01 >w1.txt 2>&1 || fail "write 9A: $(cat w1.txt)"
$P11 $SO --write-object rsa-dec.der --type privkey --id 03 >w3.txt 2>&1 || fail "write 9D: $(cat w3.txt)"
$P11 $SO --write-object ec.der --type privkey --id 04 >w4.txt 2>&1 || fail "write 9E: $(cat w4.txt)"

step "listed in a new process; never extractable"
$P11 --login --pin 123456 -O >list.txt
grep -A4 "Private Key Object; RSA" list.txt | grep -q "sensitive" || fail "RSA key not sensitive: $(cat list.txt)"
if grep -q "extractable" list.txt; then fail "a key shows as extractable: $(cat list.txt)"; fi

step "signatures by the card, verified by openssl with the original public keys"
head -c 1000 /dev/urandom >data.bin
$P11 --login --pin 123456 --sign -m SHA256-RSA-PKCS --id 01 -i data.bin -o rsa.sig >/dev/null 2>&1 || fail "RSA sign"
openssl dgst -sha256 -verify rsa-sign.pub -signature rsa.sig data.bin >/dev/null || fail "RSA signature does not verify"
$P11 --login --pin 123456 --sign -m ECDSA-SHA256 --signature-format openssl --id 04 -i data.bin -o ec.sig >ecsign.txt 2>&1 || fail "EC sign: $(cat ecsign.txt)"
openssl dgst -sha256 -verify ec.pub -signature ec.sig data.bin >/dev/null || fail "ECDSA signature does not verify"

step "decryption by the card of what openssl encrypted to the imported 9D key"
printf 'imported secret' >plain.txt
openssl pkeyutl -encrypt -pubin -inkey rsa-dec.pub -pkeyopt rsa_padding_mode:pkcs1 -in plain.txt -out cipher.bin
$P11 --login --pin 123456 --decrypt -m RSA-PKCS --id 03 -i cipher.bin -o out.txt >/dev/null 2>&1 || fail "decrypt"
cmp plain.txt out.txt || fail "decrypted text differs"
echo "key import through pkcs11-tool: all checks passed"
