#!/usr/bin/env bash
# openpgp_test.sh MESIGN_TOKEN VCARD MODULE — mesign-token with an OpenPGP card token (mesign-vcard --init openpgp,
# PW1 123456, PW3 12345678) inside tests/integration/pcsc-sandbox.sh: keys generated and certificates written
# through our module by pkcs11-tool (SO = PW3), then --slot sig|dec|aut, and the OpenPGP defaults (sign with
# sig, decrypt with dec) for sign-doc, sign-mail, encrypt-doc/decrypt-doc, checked by openssl.
set -euo pipefail
MT=$1
VCARD=$2
export MESIGN_PKCS11_MODULE=$3
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/openpgp
mkdir -p "$W"
cd "$W"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# grep for pipelines: reads all its input (grep -q would stop early and SIGPIPE the producer under pipefail).
has() { grep "$@" >/dev/null; }
step() { echo "== $*"; }
expect() {  # expect CODE STDERR-REGEX CMD...
    local code=$1 pattern=$2 rc=0
    shift 2
    "$@" >out.txt 2>err.txt || rc=$?
    [ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code; stderr: $(cat err.txt)"
    [ -z "$pattern" ] || grep -Eq "$pattern" err.txt || fail "'$*': stderr lacks /$pattern/: $(cat err.txt)"
}
p11() { pkcs11-tool --module "$MESIGN_PKCS11_MODULE" "$@"; }

"$VCARD" --init openpgp --port "$MESIGN_VPCD_PORT" "$W/card.state" >>"$W/vcard.log" 2>&1 &
VCARD_PID=$!
trap 'kill $VCARD_PID 2>/dev/null; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do "$MT" list 2>/dev/null | has "Token " && break; sleep 0.1; done
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
echo "ALL PASSED"
