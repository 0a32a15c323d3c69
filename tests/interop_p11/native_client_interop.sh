#!/usr/bin/env bash
# native_client_interop.sh MODULE VCARD hotplug|fork CLIENT — runs one of the native clients (hotplug_client.cpp,
# fork_client.cpp) against libmesign-pkcs11.so and a provisioned virtual PIV card inside
# tests/integration/pcsc-sandbox.sh, then verifies the signatures they made with openssl and the 9A public key.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$1
MODE=$3
CLIENT=$4
# shellcheck source=card_fixture.sh
source "$HERE/card_fixture.sh"
card_fixture_start "$MODE" "$2"
printf 'Signed by the %s client.\n' "$MODE" >data.txt

verify() {  # signature-file
    openssl dgst -sha256 -verify 9a.pub -signature "$1" data.txt >"$1.verify" 2>&1 \
        || fail "openssl: the $MODE client's signature $1 does not verify: $(cat "$1.verify")"
    grep -qx "Verified OK" "$1.verify" || fail "openssl dgst -verify $1: $(cat "$1.verify")"
}

case $MODE in
hotplug)
    step "C_WaitForSlotEvent while mesign-vcard stops and starts; idle logged-in session; C_Finalize wake-up"
    card_stop  # the client starts and stops the card itself, with the same state file
    # Until pcscd itself reports the reader empty (it polls vpcd every 0.4 s; before that our module already
    # finds no token, as the card does not answer), else the client's baseline would still hold the card.
    for _ in $(seq 50); do
        opensc-tool -l 2>/dev/null | grep -Eq "^[0-9]+ +No +.*$MESIGN_TEST_READER$" && break
        sleep 0.1
    done
    opensc-tool -l 2>/dev/null | grep -Eq "^[0-9]+ +No +.*$MESIGN_TEST_READER$" \
        || fail "pcscd still reports a card: $(opensc-tool -l 2>&1)"
    "$CLIENT" "$MODULE" "$VCARD_BIN" "$W/card.state" "$MESIGN_VPCD_PORT" data.txt idle.sig \
        || fail "p11_hotplug_client exited $?"
    verify idle.sig
    ;;
fork)
    step "fork after C_Initialize: child re-initialises, parent keeps working"
    "$CLIENT" "$MODULE" data.txt parent.sig child.sig || fail "p11_fork_client exited $?"
    verify parent.sig
    verify parent.sig.relogin
    verify child.sig
    ;;
*) fail "unknown mode $MODE" ;;
esac

echo "ALL PASSED"
