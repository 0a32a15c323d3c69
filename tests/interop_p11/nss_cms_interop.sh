#!/usr/bin/env bash
# nss_cms_interop.sh MODULE VCARD — NSS 3.87 tools against libmesign-pkcs11.so on a provisioned virtual PIV card
# (inside tests/integration/pcsc-sandbox.sh): modutil -add to a fresh db, certutil -L -h TOKEN lists the card's
# certificates as TOKEN_LABEL:CKA_LABEL, cmsutil -S signs with the 9A (RSA) and 9E (EC) keys, cmsutil -D decodes
# and verifies (the CA trusted with certutil -M -t C,C,C), openssl cms -verify checks cmsutil's output, and
# cmsutil -D decrypts an enveloped message to the 9D certificate with the key on the card.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$1
# shellcheck source=card_fixture.sh
source "$HERE/card_fixture.sh"
card_fixture_start nss "$2"
DB=sql:$W/db
mkdir -p db
echo 123456 >pin.txt
RSA_NICK="$TOKEN_LABEL:Certificate for PIV Authentication"
EC_NICK="$TOKEN_LABEL:Certificate for Card Authentication"

step "modutil -add (fresh db)"
certutil -N -d "$DB" --empty-password || fail "certutil -N"
modutil -dbdir "$DB" -add "MeSign Token" -libfile "$MODULE" -force >modutil.txt 2>&1 \
    || fail "modutil -add exited $?: $(cat modutil.txt)"
grep -qx 'Module "MeSign Token" added to database.' modutil.txt || fail "modutil -add: $(cat modutil.txt)"

step "certutil -L -h '$TOKEN_LABEL'"
certutil -L -d "$DB" -h "$TOKEN_LABEL" >certs.txt 2>&1 || fail "certutil -L exited $?: $(cat certs.txt)"
for label in "Certificate for PIV Authentication" "Certificate for Digital Signature" \
    "Certificate for Key Management" "Certificate for Card Authentication"; do
    grep -Eq "^$TOKEN_LABEL:$label +u?,u?,u?$" certs.txt || fail "'$TOKEN_LABEL:$label' not listed: $(cat certs.txt)"
done
[ "$(grep -c "^$TOKEN_LABEL:" certs.txt)" -eq 4 ] || fail "expected 4 token certificates: $(cat certs.txt)"
# The certificate NSS reads is the one written with yubico-piv-tool.
certutil -L -d "$DB" -n "$RSA_NICK" -a >nss-9a.pem 2>&1 || fail "certutil -L -n -a: $(cat nss-9a.pem)"
cmp -s <(openssl x509 -in nss-9a.pem -outform DER) <(openssl x509 -in 9a.crt -outform DER) \
    || fail "NSS reads another 9A certificate"
# After login the four private keys (type, CKA_ID, CKA_LABEL).
certutil -K -d "$DB" -h "$TOKEN_LABEL" -f pin.txt >keys.txt 2>&1 || fail "certutil -K exited $?: $(cat keys.txt)"
for key in "rsa +01 +PIV AUTH key" "ec +02 +SIGN key" "rsa +03 +KEY MAN key" "ec +04 +CARD AUTH key"; do
    grep -Eq "^< [0-3]> $key$" keys.txt || fail "certutil -K lacks '$key': $(cat keys.txt)"
done

step "trust the CA: certutil -A, certutil -M -t C,C,C"
certutil -A -d "$DB" -n "MeSign Interop CA" -t ",," -i ca.crt || fail "certutil -A of the CA"
certutil -M -d "$DB" -n "MeSign Interop CA" -t "C,C,C" || fail "certutil -M of the CA"
certutil -L -d "$DB" | grep -Eq "^MeSign Interop CA +C,C,C$" || fail "CA trust not set: $(certutil -L -d "$DB")"

printf 'Signed by NSS cmsutil with a key on the MeSign token.\n' >msg.txt
cms_sign() {  # name nickname slot
    cmsutil -S -d "$DB" -N "$2" -Y NONE -H SHA256 -G -i msg.txt -o "$1.p7m" -f pin.txt >"sign-$1.txt" 2>&1 \
        || fail "cmsutil -S with '$2' exited $?: $(cat "sign-$1.txt")"
    [ -s "$1.p7m" ] || fail "cmsutil -S wrote nothing: $(cat "sign-$1.txt")"
    cmsutil -D -d "$DB" -i "$1.p7m" -o "$1.out" -f pin.txt >"decode-$1.txt" 2>&1 \
        || fail "cmsutil -D of the $1 signature exited $?: $(cat "decode-$1.txt")"
    cmp -s msg.txt "$1.out" || fail "cmsutil -D content differs for $1"
    # cmsutil -D -h 1 reports the signer's verification status (chain to the trusted CA included).
    cmsutil -D -h 1 -n -d "$DB" -i "$1.p7m" -f pin.txt >"verify-$1.txt" 2>&1 \
        || fail "cmsutil -D -h exited $?: $(cat "verify-$1.txt")"
    grep -q "signer0.id=\"MeSign interop $3\"; signer0.status=GoodSignature;" "verify-$1.txt" \
        || fail "NSS verification $1: $(cat "verify-$1.txt")"
    openssl cms -verify -inform DER -in "$1.p7m" -CAfile ca.crt -purpose any -out "$1.ossl" >"ossl-$1.txt" 2>&1 \
        || fail "openssl cms -verify of cmsutil's $1 signature exited $?: $(cat "ossl-$1.txt")"
    grep -qx "CMS Verification successful" "ossl-$1.txt" || fail "openssl cms -verify $1: $(cat "ossl-$1.txt")"
    cmp -s msg.txt "$1.ossl" || fail "openssl's view of the $1 content differs"
}
step "cmsutil -S / -D with the RSA key (9A), openssl cms -verify -inform DER"
cms_sign rsa "$RSA_NICK" 9a
step "cmsutil -S / -D with the EC key (9E), openssl cms -verify -inform DER"
cms_sign ec "$EC_NICK" 9e

step "openssl cms -encrypt to the 9D certificate, cmsutil -D decrypts with the 9D key on the token"
printf 'For the key-management key only.\n' >secret.txt
openssl cms -encrypt -binary -aes256 -outform DER -in secret.txt -out enveloped.p7m 9d.crt \
    || fail "openssl cms -encrypt"
cmsutil -D -d "$DB" -i enveloped.p7m -o decrypted.txt -f pin.txt >decrypt.txt 2>&1 \
    || fail "cmsutil -D of enveloped data exited $?: $(cat decrypt.txt)"
cmp -s secret.txt decrypted.txt || fail "cmsutil decrypted another text: $(cat decrypted.txt)"

echo "ALL PASSED"
