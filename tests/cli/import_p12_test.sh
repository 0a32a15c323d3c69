#!/usr/bin/env bash
# import_p12_test.sh MESIGN_TOKEN VCARD MODULE — `mesign-token import-p12` inside tests/integration/pcsc-sandbox.sh
# with a virtual PIV card and a virtual OpenPGP card: PKCS#12 files made by openssl (RSA-2048 with a CA chain, P-256, no
# certificate, empty password) are imported through our module (C_CreateObject as SO), then `sign-mail`
# signs with the imported key and `openssl cms -verify` checks it against the CA; the bad inputs (wrong
# password, no key in the file, occupied slot without --force, wrong management key / PW3, card that fails
# the import) end with their exact exit codes and messages.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh" import-p12 "$@"

: >faults
# A PIV card (with a fault-control file) in the first reader, an OpenPGP card in the second (vpcd's port + 1).
"$VCARD" --init piv --fault-control "$W/faults" --port "$MESIGN_VPCD_PORT" "$W/piv.state" >>"$W/vcard.log" 2>&1 &
CLEANUP_PIDS+=($!)
"$VCARD" --init openpgp --port $((MESIGN_VPCD_PORT + 1)) "$W/pgp.state" >>"$W/vcard-pgp.log" 2>&1 &
CLEANUP_PIDS+=($!)
for _ in $(seq 100); do "$MT" list 2>/dev/null | has "OpenPGP" && "$MT" list 2>/dev/null | has "(PIV" && break; sleep 0.1; done
PIV=$("$MT" list | sed -n 's/.*\(pkcs11:model=PIV;[^ ]*\).*/\1/p' | head -1)
PGP=$("$MT" list | sed -n 's/.*\(pkcs11:model=OpenPGP;[^ ]*\).*/\1/p' | head -1)
[ -n "$PIV" ] && [ -n "$PGP" ] || fail "the card's two tokens: $("$MT" list 2>&1)"

step "PKCS#12 files from openssl: a CA, an RSA-2048 user key with a chain, a P-256 key, a key without certificate"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj "/CN=Import Test CA" -days 2 2>/dev/null
printf 'keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\nsubjectAltName=email:user@example.org\n' >ext.cnf
mkcert() {  # mkcert NAME KEYSPEC
    openssl genpkey $2 -out "$1.key" 2>/dev/null
    openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out "$1.crt" 2>/dev/null
}
mkcert rsa-user "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"
mkcert ec-user "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
openssl pkcs12 -export -inkey rsa-user.key -in rsa-user.crt -certfile ca.crt -name user -out rsa.p12 -passout pass:s3cret
openssl pkcs12 -export -inkey ec-user.key -in ec-user.crt -out ec.p12 -passout pass:
openssl pkcs12 -export -inkey rsa-user.key -nocerts -out keyonly.p12 -passout pass:s3cret 2>/dev/null
openssl pkcs12 -export -in rsa-user.crt -nokeys -out certonly.p12 -passout pass:s3cret

step "help and usage"
expect 0 "" "$MT" import-p12 --help
has "usage: mesign-token import-p12" out.txt || fail "import-p12 --help: $(cat out.txt)"
expect 2 "needs a FILE.p12" "$MT" import-p12 "$PIV"
expect 2 "not a slot of this PIV token" "$MT" import-p12 "$PIV" --slot sig --password-value s3cret rsa.p12

step "bad files: wrong password (exit 4), no key, not PKCS#12; nothing reaches the card"
expect 4 "rsa.p12: wrong password" "$MT" import-p12 "$PIV" --password-value wrong rsa.p12
expect 4 "rsa.p12: wrong password" "$MT" import-p12 "$PIV" --password-fd 3 rsa.p12 3<<<wrong
expect 1 "certonly.p12: holds no private key" "$MT" import-p12 "$PIV" --password-value s3cret certonly.p12
expect 1 "ca.crt: not a PKCS#12 file" "$MT" import-p12 "$PIV" --password-value s3cret ca.crt
expect 2 "management key must be" "$MT" import-p12 "$PIV" --password-value s3cret --mgmt-key-value 0102 rsa.p12
expect 4 "management key not accepted" "$MT" import-p12 "$PIV" --password-value s3cret \
    --mgmt-key-value 111111111111111111111111111111111111111111111111 rsa.p12

step "RSA key + certificate into 9a (password from a file descriptor); the CA certificate is listed, not stored"
expect 0 "" "$MT" import-p12 "$PIV" --password-fd 3 rsa.p12 3<<<s3cret
has "RSA-2048 key written to slot 9a" err.txt || fail "import message: $(cat err.txt)"
has 'certificate "/CN=rsa-user" written to slot 9a' err.txt || fail "certificate message: $(cat err.txt)"
has 'not stored (chain certificate): "/CN=Import Test CA"' err.txt || fail "chain message: $(cat err.txt)"
expect 0 "" "$MT" info "$PIV"
has "CN=rsa-user" out.txt || fail "info does not show the certificate: $(cat out.txt)"

step "sign-mail with the imported key → openssl cms -verify against the CA"
printf 'To: someone@example.org\r\nSubject: imported\r\n\r\nsigned with an imported key\r\n' >mail.txt
"$MT" sign-mail "$PIV" --in mail.txt --out signed.eml --pin-fd 3 3<<<123456 2>err.txt || fail "sign-mail: $(cat err.txt)"
openssl cms -verify -CAfile ca.crt -in signed.eml -out verified.txt >cms.txt 2>&1 || fail "cms -verify: $(cat cms.txt)"
has "signed with an imported key" verified.txt || fail "verified content: $(cat verified.txt)"
openssl cms -verify -CAfile ca.crt -in signed.eml -signer signer.pem -out /dev/null 2>/dev/null
openssl x509 -in signer.pem -noout -subject | has "CN *= *rsa-user" || fail "signer: $(openssl x509 -in signer.pem -noout -subject)"

step "occupied slot: refused without --force (exit 1), replaced with it"
expect 1 "slot 9a already holds a key; --force replaces it" "$MT" import-p12 "$PIV" ec.p12
expect 0 "EC P-256 key written to slot 9a" "$MT" import-p12 "$PIV" --force ec.p12  # no password: no prompt
"$MT" sign-mail "$PIV" --in mail.txt --out signed-ec.eml --pin-fd 3 3<<<123456 2>err.txt || fail "sign-mail EC: $(cat err.txt)"
openssl cms -verify -CAfile ca.crt -in signed-ec.eml -signer signer-ec.pem -out /dev/null 2>cms.txt || fail "cms -verify EC: $(cat cms.txt)"
openssl x509 -in signer-ec.pem -noout -subject | has "CN *= *ec-user" || fail "EC signer"

step "a key without certificate goes to 9c; a card that fails the import → exit 1, slot left empty"
expect 0 "holds no certificate for the key: only the key was written" "$MT" import-p12 "$PIV" --slot 9c --password-value s3cret keyonly.p12
echo "sw6f00 ins=FE" >>faults
expect 1 "the card refused the key" "$MT" import-p12 "$PIV" --slot 9d --password-value s3cret rsa.p12
expect 0 "" "$MT" info "$PIV"
! has "Key 9d" out.txt || fail "9d shows a key after the failed import: $(cat out.txt)"

step "OpenPGP: the admin PIN (PW3) as SO; RSA into sig, then sign-mail with --slot sig"
expect 4 "admin PIN \(PW3\) not accepted" "$MT" import-p12 "$PGP" --password-value s3cret --admin-pin-value 87654321 rsa.p12
expect 0 "RSA-2048 key written to slot sig" "$MT" import-p12 "$PGP" --password-value s3cret --admin-pin-fd 3 rsa.p12 3<<<12345678
"$MT" sign-mail "$PGP" --slot sig --in mail.txt --out signed-pgp.eml --pin-fd 3 3<<<123456 2>err.txt \
    || fail "sign-mail OpenPGP: $(cat err.txt)"
openssl cms -verify -CAfile ca.crt -in signed-pgp.eml -out /dev/null 2>cms.txt || fail "cms -verify OpenPGP: $(cat cms.txt)"
echo "import-p12: all checks passed"
