#!/usr/bin/env bash
# pin_change_interop.sh MODULE VCARD — PIN management with OpenSC's pkcs11-tool against libmesign-pkcs11.so on a
# provisioned virtual PIV card (inside tests/integration/pcsc-sandbox.sh): C_SetPIN (--change-pin), the new PIN
# works and the old one gets CKR_PIN_INCORRECT; after the PIN is blocked, the SO logged in with the PUK
# (8 characters, pkcs11/README.md) sets a new PIN with C_InitPIN (--init-pin), which then signs.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$1
# shellcheck source=card_fixture.sh
source "$HERE/card_fixture.sh"
card_fixture_start pin "$2"
P11="pkcs11-tool --module $MODULE"
printf 'signed after a PIN change\n' >data.txt

login_works() {  # pin
    $P11 --login --pin "$1" -O >"login-$1.txt" 2>&1 || fail "login with PIN $1 exited $?: $(cat "login-$1.txt")"
    [ "$(grep -c "Private Key Object" "login-$1.txt")" -eq 4 ] || fail "PIN $1: no private keys: $(cat "login-$1.txt")"
}
N_FAILS=0
login_fails() {  # pin expected-CKR: pkcs11-tool exits 1 with "C_Login failed: rv = CKR_... (0x..)"
    local out=fail-$((N_FAILS += 1)).txt
    if $P11 --login --pin "$1" -O >"$out" 2>&1; then fail "PIN $1 accepted: $(cat "$out")"; fi
    grep -q "error: PKCS11 function C_Login failed: rv = $2 (0x" "$out" || fail "PIN $1: expected $2: $(cat "$out")"
}
token_flags() { $P11 -L 2>&1 | sed -n 's/^ *token flags *: //p'; }
sign_verifies() {  # pin
    $P11 --login --pin "$1" --sign --id 01 -m SHA256-RSA-PKCS -i data.txt -o "sig-$1" >"sign-$1.txt" 2>&1 \
        || fail "sign with PIN $1 exited $?: $(cat "sign-$1.txt")"
    openssl dgst -sha256 -verify 9a.pub -signature "sig-$1" data.txt | grep -qx "Verified OK" \
        || fail "signature made with PIN $1"
}

step "pkcs11-tool --change-pin 123456 -> 654321"
$P11 --login --pin 123456 --change-pin --new-pin 654321 >change.txt 2>&1 \
    || fail "--change-pin exited $?: $(cat change.txt)"
grep -qx "PIN successfully changed" change.txt || fail "--change-pin: $(cat change.txt)"
login_works 654321
login_fails 123456 CKR_PIN_INCORRECT
sign_verifies 654321

step "block the PIN (3 wrong tries), then --init-pin with the PUK as SO PIN"
login_fails 000001 CKR_PIN_INCORRECT
login_fails 000002 CKR_PIN_INCORRECT
flags=$(token_flags)
[[ $flags == *"user PIN count low, final user PIN try"* ]] || fail "after 2 wrong PINs, token flags: $flags"
login_fails 000003 CKR_PIN_INCORRECT
login_fails 654321 CKR_PIN_LOCKED
flags=$(token_flags)
[[ $flags == *"user PIN locked"* ]] || fail "token flags do not show the locked PIN: $flags"
$P11 --login --login-type so --so-pin 12345678 --init-pin --new-pin 112233 >init.txt 2>&1 \
    || fail "--init-pin exited $?: $(cat init.txt)"
grep -qx "User PIN successfully initialized" init.txt || fail "--init-pin: $(cat init.txt)"
flags=$(token_flags)
[ "$flags" = "login required, token initialized, PIN initialized" ] || fail "after --init-pin, token flags: $flags"
login_works 112233
login_fails 654321 CKR_PIN_INCORRECT
sign_verifies 112233

step "a wrong PUK is refused"
if $P11 --login --login-type so --so-pin 87654321 --init-pin --new-pin 223344 >badpuk.txt 2>&1; then
    fail "--init-pin with a wrong PUK succeeded: $(cat badpuk.txt)"
fi
grep -q "CKR_PIN_INCORRECT" badpuk.txt || fail "wrong PUK: $(cat badpuk.txt)"
login_works 112233

echo "ALL PASSED"
