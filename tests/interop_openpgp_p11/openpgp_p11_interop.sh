#!/usr/bin/env bash
# openpgp_p11_interop.sh MODULE VCARD — inside pcsc-sandbox.sh, against `mesign-vcard --init piv,openpgp`:
#  1. pkcs11-tool -L shows two tokens (PIV and "OpenPGP card <serial>");
#  2. OpenPGP keys generated through our module (SO = PW3): RSA-2048 and Ed25519 (CKM_EDDSA) sign via
#     pkcs11-tool; openssl verifies;
#  3. gpg (scdaemon with disable-ccid, pcsc-shared) and our module take turns on the card 20 times: gpg
#     --card-status shows the signature counter our module's OpenPGP signatures raised, and pkcs11-tool
#     signs with the OpenPGP and the PIV token each time (openssl verifies both).
set -euo pipefail
MODULE=$1
VCARD=$2
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/openpgp-p11
mkdir -p "$W"
cd "$W"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "== $*"; }
p11() { pkcs11-tool --module "$MODULE" "$@"; }

"$VCARD" --init piv,openpgp --port "$MESIGN_VPCD_PORT" "$W/card.state" >>"$W/vcard.log" 2>&1 &
VCARD_PID=$!
GNUPGHOME=$W/gnupg
export GNUPGHOME
cleanup() {
    gpgconf --kill all 2>/dev/null || true
    kill "$VCARD_PID" 2>/dev/null || true
    wait "$VCARD_PID" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do
    [ "$(p11 -L 2>/dev/null | grep -c 'token label')" -ge 2 ] && break
    sleep 0.1
done

step "pkcs11-tool -L: two tokens"
p11 -L >list.txt 2>&1 || fail "pkcs11-tool -L: $(cat list.txt)"
cat list.txt
[ "$(grep -c 'token label' list.txt)" -eq 2 ] || fail "expected two tokens"
PGP_LABEL=$(sed -n 's/^ *token label *: *\(OpenPGP card [0-9A-Fa-f]*\).*/\1/p' list.txt | head -1)
PIV_LABEL=$(sed -n 's/^ *token label *: *//p' list.txt | grep -v '^OpenPGP card' | head -1 | sed 's/ *$//')
[ -n "$PGP_LABEL" ] || fail "no 'OpenPGP card <serial>' token"
[ -n "$PIV_LABEL" ] || fail "no PIV token"
grep -q 'token model *: *OpenPGP' list.txt || fail "no OpenPGP model"

step "OpenPGP: RSA-2048 signature key generated through our module with PW3, signed, verified with openssl"
p11 --token-label "$PGP_LABEL" --login --login-type so --so-pin 12345678 --keypairgen --key-type rsa:2048 \
    --id 01 >keygen.txt 2>&1 || fail "OpenPGP keygen: $(cat keygen.txt)"
p11 --token-label "$PGP_LABEL" --read-object --type pubkey --id 01 -o pgp-sig.der >/dev/null 2>&1 ||
    fail "read OpenPGP public key"
openssl pkey -pubin -inform DER -in pgp-sig.der -out pgp-sig.pem || fail "openssl: OpenPGP public key"
head -c 1000 /dev/urandom >data.bin
p11 --token-label "$PGP_LABEL" --login --pin 123456 --sign --mechanism SHA256-RSA-PKCS --id 01 -i data.bin \
    -o pgp.sig >sign.txt 2>&1 || fail "OpenPGP sign: $(cat sign.txt)"
openssl dgst -sha256 -verify pgp-sig.pem -signature pgp.sig data.bin || fail "OpenPGP signature does not verify"

step "OpenPGP: Ed25519 authentication key generated through our module, CKM_EDDSA via pkcs11-tool, openssl verifies"
p11 --token-label "$PGP_LABEL" --login --login-type so --so-pin 12345678 --keypairgen --key-type EC:edwards25519 \
    --id 03 >edgen.txt 2>&1 || fail "Ed25519 keygen: $(cat edgen.txt)"
# pkcs11-tool 0.23 cannot export an Ed25519 public key as SPKI: build it from CKA_EC_POINT (04 20 || key).
POINT=$(p11 --token-label "$PGP_LABEL" --list-objects --type pubkey --id 03 |
    sed -n 's/^ *EC_POINT: *0420\([0-9a-f]\{64\}\)$/\1/p')
[ -n "$POINT" ] || fail "no Ed25519 EC_POINT"
printf "$(echo "302a300506032b6570032100$POINT" | sed 's/../\\x&/g')" >ed.der
p11 --token-label "$PGP_LABEL" --login --pin 123456 --sign --mechanism EDDSA --id 03 -i data.bin -o ed.sig \
    >edsign.txt 2>&1 || fail "Ed25519 sign: $(cat edsign.txt)"
openssl pkeyutl -verify -pubin -inkey ed.der -keyform DER -rawin -in data.bin -sigfile ed.sig ||
    fail "Ed25519 signature does not verify"

step "PIV: P-256 key generated through our module (management key)"
p11 --token-label "$PIV_LABEL" --login --login-type so --so-pin 010203040506070801020304050607080102030405060708 \
    --keypairgen --key-type EC:prime256v1 --id 01 >pivgen.txt 2>&1 || fail "PIV keygen: $(cat pivgen.txt)"

step "gpg and our module take turns 20 times (scdaemon pcsc-shared)"
mkdir -p -m 700 "$GNUPGHOME"
printf 'disable-ccid\npcsc-shared\n' >"$GNUPGHOME/scdaemon.conf"
printf 'allow-loopback-pinentry\n' >"$GNUPGHOME/gpg-agent.conf"
p11 --token-label "$PIV_LABEL" --read-object --type pubkey --id 01 -o piv-pub.der >/dev/null 2>&1 ||
    fail "read PIV public key"
openssl pkey -pubin -inform DER -in piv-pub.der -out piv-pub.pem || fail "openssl: PIV public key"
# Each round: gpg reads the card (and must see the signature counter our module's last OpenPGP signature
# raised), our module signs with the OpenPGP signature key and with the PIV key; openssl verifies both.
for i in $(seq 20); do
    LC_ALL=C gpg --card-status >gpg.txt 2>&1 || fail "round $i: gpg --card-status: $(tail -5 gpg.txt)"
    grep -q 'Application ID' gpg.txt || fail "round $i: gpg saw no OpenPGP card: $(tail -5 gpg.txt)"
    if [ "$i" = 1 ]; then  # what our module generated, as gpg sees it (attributes C1-C3, fingerprints C7-C9)
        grep -q '^Key attributes ...: rsa2048 rsa2048 ed25519$' gpg.txt ||
            fail "gpg shows other key attributes: $(grep 'Key attributes' gpg.txt)"
        if grep -q -e '^Signature key ....: \[none\]' -e '^Authentication key: \[none\]' gpg.txt; then
            fail "gpg misses a key our module generated: $(grep -A1 -e '^Signature key' -e '^Authentication key' gpg.txt)"
        fi
    fi
    counter=$(sed -n 's/^Signature counter : *\([0-9]*\).*/\1/p' gpg.txt)
    [ "$counter" = "$i" ] || fail "round $i: gpg shows signature counter '$counter', expected $i"
    p11 --token-label "$PGP_LABEL" --login --pin 123456 --sign --mechanism SHA256-RSA-PKCS --id 01 -i data.bin \
        -o pgp.sig >sign.txt 2>&1 || fail "round $i: OpenPGP sign: $(cat sign.txt)"
    openssl dgst -sha256 -verify pgp-sig.pem -signature pgp.sig data.bin >/dev/null ||
        fail "round $i: OpenPGP signature does not verify"
    p11 --token-label "$PIV_LABEL" --login --pin 123456 --sign --mechanism ECDSA-SHA256 --signature-format openssl \
        --id 01 -i data.bin -o piv.sig >pivsign.txt 2>&1 || fail "round $i: PIV sign: $(cat pivsign.txt)"
    openssl dgst -sha256 -verify piv-pub.pem -signature piv.sig data.bin >/dev/null ||
        fail "round $i: PIV signature does not verify"
done
echo "OK: 20 rounds without a sharing violation"
