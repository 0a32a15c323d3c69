#!/usr/bin/env bash
# pykcs11_interop.sh MODULE VCARD — PyKCS11 (/usr/bin/python3, python3-pykcs11) against libmesign-pkcs11.so on a
# provisioned virtual PIV card (inside tests/integration/pcsc-sandbox.sh): pykcs11_sign.py lists slots and tokens,
# logs in, finds the 9A key by CKA_ID and signs with CKM_SHA256_RSA_PKCS; openssl verifies the signature.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$1
# shellcheck source=card_fixture.sh
source "$HERE/card_fixture.sh"
/usr/bin/python3 -c "import PyKCS11" 2>/dev/null \
    || fail "PyKCS11 does not import under /usr/bin/python3: run scripts/install-deps.sh (python3-pykcs11)"
card_fixture_start pykcs11 "$2"

step "PyKCS11: slots, tokens, login, sign CKM_SHA256_RSA_PKCS with CKA_ID 01"
printf 'Signed through PyKCS11.\n' >data.txt
# Debian's PyKCS11 only imports under /usr/bin/python3 (not pyenv's python3 on PATH).
/usr/bin/python3 "$HERE/pykcs11_sign.py" "$MODULE" 01 data.txt sig.bin >py.txt 2>&1 \
    || fail "pykcs11_sign.py exited $?: $(cat py.txt)"
cat py.txt
grep -qx "library: MeSign / MeSign Token PKCS#11 module" py.txt || fail "library info: $(cat py.txt)"
grep -qx "slot [0-9]*: MeSign Test VPCD 00 00 token=$TOKEN_LABEL" py.txt || fail "slot/token list: $(cat py.txt)"
grep -qx "key: PIV AUTH key" py.txt || fail "key lookup: $(cat py.txt)"
grep -qx "signature: 256 bytes" py.txt || fail "signature size: $(cat py.txt)"
grep -qx "wrong PIN: CKR_PIN_INCORRECT" py.txt || fail "wrong PIN: $(cat py.txt)"

step "openssl verifies PyKCS11's signature with the 9A public key"
openssl dgst -sha256 -verify 9a.pub -signature sig.bin data.txt >verify.txt 2>&1 \
    || fail "openssl dgst -verify exited $?: $(cat verify.txt)"
grep -qx "Verified OK" verify.txt || fail "signature: $(cat verify.txt)"

echo "ALL PASSED"
