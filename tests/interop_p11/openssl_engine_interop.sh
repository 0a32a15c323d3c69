#!/usr/bin/env bash
# openssl_engine_interop.sh MODULE VCARD — OpenSSL 3 with libp11's pkcs11 engine (MODULE_PATH = our module) on a
# provisioned virtual PIV card (inside tests/integration/pcsc-sandbox.sh): CSRs signed by token keys (RSA 9A,
# EC 9E) checked with `openssl req -verify`; an S/MIME mail signed with the 9A key (cms -sign) verified against
# the CA; a mail encrypted to the 9D certificate (cms -encrypt) decrypted with the 9D key on the card.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$1
# shellcheck source=card_fixture.sh
source "$HERE/card_fixture.sh"
card_fixture_start openssl "$2"

cat >engine.cnf <<CNF
openssl_conf = conf
[conf]
engines = engines
[engines]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = /usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so
MODULE_PATH = $MODULE
init = 0
[req]
distinguished_name = dn
[dn]
CNF
export OPENSSL_CONF=$W/engine.cnf
key() { echo "pkcs11:token=${TOKEN_LABEL// /%20};id=%$1;type=private;pin-value=123456"; }

csr() {  # slot id
    openssl req -new -engine pkcs11 -keyform engine -key "$(key "$2")" -subj "/CN=OpenSSL engine CSR $1" -out "$1.csr" \
        >"csr-$1.txt" 2>&1 || fail "openssl req -new with the $1 key exited $?: $(cat "csr-$1.txt")"
    openssl req -in "$1.csr" -noout -verify >"csr-$1.verify" 2>&1 || fail "req -verify $1: $(cat "csr-$1.verify")"
    # OpenSSL 3.0 prints "Certificate request self-signature verify OK" ("verify OK" in 1.1).
    grep -Eqx "(Certificate request self-signature )?verify OK" "csr-$1.verify" \
        || fail "CSR $1 signature: $(cat "csr-$1.verify")"
    cmp -s <(openssl req -in "$1.csr" -noout -pubkey) "$1.pub" || fail "CSR $1 carries another public key"
}
step "openssl req -new with token keys (RSA 9A, EC 9E), openssl req -verify"
csr 9a 01
csr 9e 04

step "openssl cms -sign (S/MIME, 9A key on the token), openssl cms -verify against the CA"
printf 'To: 9d@example.test\r\nSubject: MeSign interop\r\n\r\nSigned through libp11 and libmesign-pkcs11.\r\n' >mail.txt
openssl cms -sign -engine pkcs11 -keyform engine -inkey "$(key 01)" -signer 9a.crt -md sha256 -in mail.txt \
    -out signed.eml >cms-sign.txt 2>&1 || fail "openssl cms -sign exited $?: $(cat cms-sign.txt)"
grep -q "^Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"" signed.eml \
    || fail "not an S/MIME multipart/signed mail: $(head -5 signed.eml)"
env -u OPENSSL_CONF openssl cms -verify -CAfile ca.crt -purpose smimesign -in signed.eml -out verified.txt \
    >cms-verify.txt 2>&1 || fail "openssl cms -verify exited $?: $(cat cms-verify.txt)"
grep -qx "CMS Verification successful" cms-verify.txt || fail "cms -verify: $(cat cms-verify.txt)"
cmp -s <(tr -d '\r' <mail.txt) <(tr -d '\r' <verified.txt) || fail "verified content differs from the mail"
# The same with the EC key that needs its PIN for every signature (9C, CKA_ALWAYS_AUTHENTICATE): libp11 asks
# for that PIN through OpenSSL's UI (read from stdin without a terminal).
openssl cms -sign -engine pkcs11 -keyform engine -inkey "$(key 02)" -signer 9c.crt -md sha256 -in mail.txt \
    -out signed-ec.eml <<<123456 >cms-sign-ec.txt 2>&1 \
    || fail "openssl cms -sign with 9C exited $?: $(cat cms-sign-ec.txt)"
env -u OPENSSL_CONF openssl cms -verify -CAfile ca.crt -in signed-ec.eml -out /dev/null >cms-verify-ec.txt 2>&1 \
    || fail "cms -verify (9C) exited $?: $(cat cms-verify-ec.txt)"
grep -qx "CMS Verification successful" cms-verify-ec.txt || fail "cms -verify 9C: $(cat cms-verify-ec.txt)"

step "openssl cms -encrypt to the 9D certificate, openssl cms -decrypt with the 9D key on the token"
printf 'Confidential: for the key-management key only.\n' >secret.txt
env -u OPENSSL_CONF openssl cms -encrypt -binary -aes256 -in secret.txt -out encrypted.eml 9d.crt >cms-enc.txt 2>&1 \
    || fail "openssl cms -encrypt exited $?: $(cat cms-enc.txt)"
grep -q "^Content-Type: application/pkcs7-mime; smime-type=enveloped-data" encrypted.eml \
    || fail "not an enveloped S/MIME mail: $(head -5 encrypted.eml)"
openssl cms -decrypt -engine pkcs11 -keyform engine -inkey "$(key 03)" -recip 9d.crt -in encrypted.eml \
    -out decrypted.txt >cms-dec.txt 2>&1 || fail "openssl cms -decrypt exited $?: $(cat cms-dec.txt)"
cmp -s secret.txt decrypted.txt || fail "decrypted text differs: $(cat decrypted.txt)"

echo "ALL PASSED"
