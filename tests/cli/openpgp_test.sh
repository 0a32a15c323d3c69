#!/usr/bin/env bash
# openpgp_test.sh MESIGN_TOKEN VCARD MODULE — mesign-token with an OpenPGP card token (mesign-vcard --init openpgp,
# PW1 123456, PW3 12345678) inside tests/integration/pcsc-sandbox.sh: keys generated and certificates written
# through our module by pkcs11-tool (SO = PW3), then --slot sig|dec|aut, and the OpenPGP defaults (sign with
# sig, decrypt with dec) for sign-doc, sign-mail, encrypt-doc/decrypt-doc, checked by openssl.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh" openpgp "$@"
p11() { pkcs11-tool --module "$MESIGN_PKCS11_MODULE" "$@"; }

start_card openpgp
"$MT" list | has "(OpenPGP, serial" || fail "no OpenPGP token: $("$MT" list 2>&1)"

step "sig and dec keys (RSA-2048) generated on the card through the module, certificates from a throwaway CA"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj "/CN=PGP Test CA" -days 2 2>/dev/null
for id in 01 02; do
    p11 --login --login-type so --so-pin 12345678 --keypairgen --key-type rsa:2048 --id $id >keygen.txt 2>&1 \
        || fail "keygen $id: $(cat keygen.txt)"
    p11 --read-object --type pubkey --id $id -o pub$id.der >/dev/null 2>&1 || fail "read public key $id"
    openssl pkey -pubin -inform DER -in pub$id.der -out pub$id.pem
    printf 'keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\n' >ext.cnf
    openssl x509 -new -force_pubkey pub$id.pem -subj "/CN=PGP Key $id" -CA ca.crt -CAkey ca.key -days 2 \
        -extfile ext.cnf -outform DER -out cert$id.der 2>/dev/null || fail "certificate $id"
    p11 --login --login-type so --so-pin 12345678 --write-object cert$id.der --type cert --id $id >write.txt 2>&1 \
        || fail "write certificate $id: $(cat write.txt)"
done
# An Ed25519 key in aut: libp11 0.4.12 lists no private key at all on a token that shows one, so the
# signing and decryption below also check that mesign-token keeps working with such a token.
p11 --login --login-type so --so-pin 12345678 --keypairgen --key-type EC:edwards25519 --id 03 >keygen.txt 2>&1 \
    || fail "Ed25519 keygen in aut: $(cat keygen.txt)"
p11 -O | has "EC_EDWARDS" || fail "the module does not show the Ed25519 key to other programs"
expect 0 "" "$MT" info
grep -q "Key sig (id 01" out.txt || fail "info does not name the sig slot: $(cat out.txt)"
grep -q "Key dec (id 02" out.txt || fail "info does not name the dec slot: $(cat out.txt)"

step "sign-doc: the sig key by default and with --slot sig; openssl cms -verify"
head -c 3000 /dev/urandom >doc.bin
for slotarg in "" "--slot sig"; do
    # shellcheck disable=SC2086
    expect 0 "" "$MT" sign-doc $slotarg --in doc.bin --out doc.p7s --pin-value 123456
    openssl cms -verify -binary -inform DER -in doc.p7s -content doc.bin -CAfile ca.crt -out /dev/null >cms.txt 2>&1 \
        || fail "OpenPGP detached signature ($slotarg): $(cat cms.txt)"
    openssl cms -cmsout -inform DER -in doc.p7s -print | has "CN=PGP Key 01" || fail "not signed by the sig key"
done
printf 'Subject: pgp\n\nSigned on an OpenPGP card.\n' >mail.txt
expect 0 "" "$MT" sign-mail --slot sig --in mail.txt --out mail.eml --pin-value 123456
openssl cms -verify -CAfile ca.crt -in mail.eml -out /dev/null >cms.txt 2>&1 || fail "OpenPGP S/MIME: $(cat cms.txt)"

step "encrypt-doc to the dec certificate (default on OpenPGP), decrypt-doc with the dec key"
expect 0 "" "$MT" encrypt-doc --in doc.bin --out doc.p7m
serial=$(openssl x509 -inform DER -in cert02.der -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f' | sed 's/^0*//')
openssl cms -cmsout -inform DER -in doc.p7m -print | tr 'A-F' 'a-f' | has -Ei "serialnumber: +0x0*$serial" \
    || fail "not encrypted to the dec certificate (serial $serial)"
expect 0 "" "$MT" decrypt-doc --in doc.p7m --out doc.dec --pin-value 123456
cmp -s doc.bin doc.dec || fail "decrypt-doc on OpenPGP: the document differs"
expect 0 "" "$MT" decrypt-doc --slot dec --in doc.p7m --out doc.dec2 --pin-value 123456
cmp -s doc.bin doc.dec2 || fail "decrypt-doc --slot dec: the document differs"

step "PIV slot names on an OpenPGP token, an empty aut slot, unknown names"
expect 1 "slot 9a has no certificate" "$MT" sign-doc --slot 9a --in doc.bin --out x.p7s --pin-value 123456
expect 1 "slot aut has no certificate" "$MT" sign-doc --slot aut --in doc.bin --out x.p7s --pin-value 123456
expect 2 "unknown key slot 'signature' \(PIV: 9a, 9c, 9d, 9e or 82..95; OpenPGP: sig, dec, aut\)" \
    "$MT" sign-doc --slot signature --in doc.bin --pin-value 123456
expect 4 "wrong PIN" "$MT" sign-doc --in doc.bin --out x.p7s --pin-value 000000

step "enroll and import-cert on OpenPGP with PW3 (admin PIN): a new sig key, its CSR, a CA certificate, sign-mail"
expect 4 "wrong admin PIN \(2 tries left\)" "$MT" enroll --subject "/CN=PGP Enrolled" --out req.pem \
    --admin-pin-value 87654321 --pin-value 123456
expect 2 "an OpenPGP token has an admin PIN, not a management key" \
    "$MT" enroll --subject "/CN=x" --mgmt-key-value 010203040506070801020304050607080102030405060708
expect 2 "an OpenPGP token's key slots are sig, dec and aut" "$MT" enroll --slot 9a --subject "/CN=x" \
    --admin-pin-value 12345678
# The admin PIN from a file descriptor, the PIN on the command line; sig is the default slot.
expect 0 "generated a RSA-2048 key in slot sig" "$MT" enroll --subject "/CN=PGP Enrolled" --email pgp@example.test \
    --out req.pem --pin-value 123456 --admin-pin-fd 3 3<<<12345678
openssl req -verify -noout -in req.pem >reqv.txt 2>&1 || fail "openssl req -verify: $(cat reqv.txt)"
openssl req -noout -subject -in req.pem | has "CN *= *PGP Enrolled" || fail "CSR subject"
openssl req -in req.pem -pubkey -noout | openssl pkey -pubin -outform DER -out req-pub.der
p11 --read-object --type pubkey --id 01 -o tok-pub.der >/dev/null 2>&1 || fail "read the new sig public key"
cmp -s req-pub.der tok-pub.der || fail "the CSR's key is not the sig key on the token"
openssl x509 -req -in req.pem -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf \
    -out enrolled.crt 2>/dev/null || fail "CA: enrolled certificate"
expect 1 "does not match the key in slot sig" "$MT" import-cert --admin-pin-value 12345678 <(openssl x509 -inform DER -in cert01.der)
expect 4 "wrong admin PIN \(2 tries left\)" "$MT" import-cert --slot sig --admin-pin-value 00000000 enrolled.crt
expect 0 "written to slot sig" "$MT" import-cert --slot sig --admin-pin-fd 3 enrolled.crt 3<<<12345678
expect 0 "" "$MT" sign-mail --in mail.txt --out enrolled.eml --pin-value 123456
openssl cms -verify -CAfile ca.crt -in enrolled.eml -out /dev/null >cms.txt 2>&1 || fail "enrolled key: $(cat cms.txt)"
openssl cms -cmsout -in enrolled.eml -print | has "CN=PGP Enrolled" || fail "not signed by the enrolled certificate"
# dec: only the key (a decryption key does not sign its own request), then its certificate; aut: EC P-256 with a CSR.
expect 0 "generated a RSA-2048 key in slot dec" "$MT" enroll --slot dec --pubkey-out dec-new.pem --admin-pin-value 12345678
openssl x509 -new -force_pubkey dec-new.pem -subj "/CN=PGP Dec New" -CA ca.crt -CAkey ca.key -days 2 -extfile ext.cnf \
    -out dec-new.crt 2>/dev/null || fail "CA: dec certificate"
expect 0 "written to slot dec" "$MT" import-cert --slot dec --admin-pin-value 12345678 dec-new.crt
expect 0 "" "$MT" encrypt-doc --in doc.bin --out new.p7m
expect 0 "" "$MT" decrypt-doc --in new.p7m --out new.bin --pin-value 123456
cmp -s doc.bin new.bin || fail "decrypt-doc with the newly enrolled dec key"
expect 0 "generated a .*P-256.* key in slot aut" "$MT" enroll --slot aut --key-type ec256 --subject "/CN=PGP Aut" \
    --out req-aut.pem --pin-value 123456 --admin-pin-value 12345678
openssl req -verify -noout -in req-aut.pem >reqv.txt 2>&1 || fail "openssl req -verify (aut): $(cat reqv.txt)"
echo "ALL PASSED"
