#!/usr/bin/env bash
# conformance-card.sh VCARD CMD [ARGS...] — inside pcsc-sandbox.sh: starts mesign-vcard with a fresh PIV card,
# provisions the keys tests/conformance needs (RSA-2048 sign: 9A; RSA-2048 decrypt: 9D; P-256 sign: 9E, no
# PIN-always so no context login is needed; P-256 derive: 82) with yubico-piv-tool, then runs CMD. The retired
# key in 82 is counted in a Key History object (one key with an off-card certificate), as SP 800-73-4 asks of
# a card with retired keys: our module, like OpenSC, looks only at the retired slots Key History counts.
set -euo pipefail

VCARD=$1
shift
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/conformance
mkdir -p "$W"
"$VCARD" --init piv --port "$MESIGN_VPCD_PORT" "$W/card.state" >"$W/vcard.log" 2>&1 &
for _ in $(seq 100); do
    yubico-piv-tool -r MeSign -a status >/dev/null 2>&1 && break
    sleep 0.1
done
for key in 9a:RSA2048 9d:RSA2048 9e:ECCP256 82:ECCP256; do
    yubico-piv-tool -r MeSign -a generate -s "${key%%:*}" -A "${key##*:}" -o "$W/${key%%:*}.pub" >/dev/null 2>&1 \
        || { echo "conformance-card: cannot generate ${key}" >&2; exit 1; }
done
printf '\xC1\x01\x00\xC2\x01\x01\xFE\x00' >"$W/keyhistory.bin"
yubico-piv-tool -r MeSign -a write-object --id 0x5fc10c --format binary -i "$W/keyhistory.bin" >/dev/null 2>&1 \
    || { echo "conformance-card: cannot write the Key History object" >&2; exit 1; }
exec "$@"
