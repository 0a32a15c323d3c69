#!/usr/bin/env bash
# The main job on the embedded default, for a fresh Debian 12 machine (run as root): installs the
# Debian packages, builds, then in a private pcscd sandbox starts a virtual token, enrols certificates
# for keys generated on it, signs and verifies a mail and a document, encrypts and decrypts them.
# Prints each step and a summary; results are kept in build/demo/ (or $MESIGN_DEMO_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "demo.sh: run as root (it installs packages and starts a private pcscd in its own namespaces)" >&2
  exit 1
fi
bash scripts/install-deps.sh >/dev/null
echo "== dependencies installed"

cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target mesign-vcard mesign-pkcs11 mesign-token >/dev/null
echo "== built mesign-vcard, libmesign-pkcs11.so and mesign-token (build/release)"

OUT=${MESIGN_DEMO_DIR:-$ROOT/build/demo}
rm -rf "$OUT"
mkdir -p "$OUT"
exec tests/integration/pcsc-sandbox.sh scripts/demo/steps.sh "$ROOT/build/release/vcard/tool/mesign-vcard" \
  "$ROOT/build/release/pkcs11/libmesign-pkcs11.so" "$OUT" "$ROOT/build/release/cli/mesign-token"
