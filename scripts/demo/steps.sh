#!/usr/bin/env bash
# The main job, run inside a private pcscd sandbox (scripts/demo.sh sets it up): a virtual PIV token,
# keys generated on it, certificates from a throwaway local CA, then an S/MIME mail and a PDF signed,
# a mail and a document encrypted to the token and decrypted by it, each result checked by tools no one
# here wrote (openssl cms -verify, pdfsig).
#
# OpenSSL (libp11's engine) and NSS reach the token through MeSign's PKCS#11 module; the card, its keys
# and every private-key operation are MeSign's virtual card behind the real pcscd.
#
# The PDF is signed by MeSign's own CLI, mesign-token (PoDoFo for the PDF structure, OpenSSL's CMS with the
# token key through libp11 and the module).
#
# Usage: steps.sh MESIGN_VCARD_BINARY MESIGN_PKCS11_MODULE OUTPUT_DIR MESIGN_TOKEN_BINARY
#        (MESIGN_VPCD_PORT set by the sandbox)
set -euo pipefail

VCARD_BIN=$1
MODULE=$2
OUT=$3
MT=$4
PORT=${MESIGN_VPCD_PORT:?run me through scripts/demo.sh}
HERE=$(cd "$(dirname "$0")" && pwd)
PIN=123456
READER=MeSign
PYTHON=/usr/bin/python3

mkdir -p "$OUT"
cd "$OUT"
# Nothing here may wait for a person: a tool that prompts gets end-of-file, not a hang.
exec </dev/null
# A previous run's files would change what the tools do (certutil -N on an existing database prompts
# for its password): start from an empty folder.
[ "$(pwd)" != / ] && find . -mindepth 1 -delete
declare -a SUMMARY=()
step_no=0
step() { step_no=$((step_no + 1)); printf '\n[%d] %s\n' "$step_no" "$*"; }
ok() { SUMMARY+=("ok    $*"); printf '    ok: %s\n' "$*"; }
die() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }
run() { "$@" >>"$OUT/demo.log" 2>&1 || die "$* (see $OUT/demo.log)"; }

VCARD_PID=
cleanup() { [ -n "$VCARD_PID" ] && kill "$VCARD_PID" 2>/dev/null && wait "$VCARD_PID" 2>/dev/null; true; }
trap cleanup EXIT

step "Start the virtual token (mesign-vcard, PIV, default PIN $PIN) on pcscd's vpcd reader"
"$VCARD_BIN" --init piv --port "$PORT" "$OUT/token.state" >>"$OUT/vcard.log" 2>&1 &
VCARD_PID=$!
for _ in $(seq 100); do
  opensc-tool -r 0 -a >/dev/null 2>&1 && break
  kill -0 "$VCARD_PID" 2>/dev/null || die "mesign-vcard exited (see $OUT/vcard.log)"
  sleep 0.1
done
ATR=$(opensc-tool -r 0 -a 2>/dev/null) || die "no card in the vpcd reader after 10 s"
ok "token present, ATR $ATR"

step "Generate keys on the token: 9A (signing) and 9D (encryption), RSA-2048"
run yubico-piv-tool -r "$READER" -a generate -s 9a -A RSA2048 -o sign.pub.pem
run yubico-piv-tool -r "$READER" -a generate -s 9d -A RSA2048 -o enc.pub.pem
ok "keys generated on the token; public keys in sign.pub.pem, enc.pub.pem"

step "Enrol: a throwaway local CA issues certificates for the token's public keys"
run openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
  -subj "/CN=MeSign Demo CA" -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
cat >sign.ext <<'X'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection
subjectAltName=email:alice@example.org
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
X
sed 's/digitalSignature,nonRepudiation/keyEncipherment,dataEncipherment/' sign.ext >enc.ext
for k in sign enc; do
  run openssl x509 -new -force_pubkey "$k.pub.pem" -subj "/CN=Alice Demo/emailAddress=alice@example.org" \
    -CA ca.pem -CAkey ca.key -days 365 -extfile "$k.ext" -out "$k.pem"
done
run yubico-piv-tool -r "$READER" -a import-certificate -s 9a -i sign.pem
run yubico-piv-tool -r "$READER" -a import-certificate -s 9d -i enc.pem
run yubico-piv-tool -r "$READER" -a read-certificate -s 9a -o sign.read.pem
cmp -s sign.pem sign.read.pem || die "certificate read back from the token differs"
ok "certificates written to the token and read back"

step "See the token and its objects through MeSign's PKCS#11 module"
pkcs11-tool --module "$MODULE" -O >objects.txt 2>>demo.log || die "pkcs11-tool could not list the token's objects"
grep -q "Certificate Object" objects.txt || die "no certificate object listed (see objects.txt)"
ok "$(grep -c 'Object;' objects.txt) objects listed by pkcs11-tool through libmesign-pkcs11.so"

cat >openssl.cnf <<X
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
MODULE_PATH = $MODULE
init = 0
X
export OPENSSL_CONF=$OUT/openssl.cnf
SIGN_KEY="pkcs11:id=%01;type=private;pin-value=$PIN"
ENC_KEY="pkcs11:id=%03;type=private;pin-value=$PIN"
ENGINE=(-engine pkcs11 -keyform engine)

step "Sign a mail as S/MIME with the token's key, verify with openssl cms -verify"
printf 'Hello Bob,\r\n\r\nthis mail is signed with a key that never left the token.\r\n\r\nAlice\r\n' >mail.txt
run openssl cms -sign "${ENGINE[@]}" -inkey "$SIGN_KEY" -signer sign.pem -md sha256 \
  -from alice@example.org -to bob@example.org -subject "Signed with MeSign" -in mail.txt -out mail.signed.eml
openssl cms -verify -CAfile ca.pem -in mail.signed.eml -out mail.verified.txt 2>verify.out ||
  die "openssl cms -verify rejected the signed mail: $(cat verify.out)"
grep -q "Verification successful" verify.out || die "no 'Verification successful' from openssl"
cmp -s <(tr -d '\r' <mail.txt) <(tr -d '\r' <mail.verified.txt) || die "verified mail text differs"
ok "mail.signed.eml: CMS Verification successful"

step "Encrypt a mail to the token's certificate, decrypt it with the token"
run openssl cms -encrypt -aes256 -from bob@example.org -to alice@example.org -subject "For Alice only" \
  -in mail.txt -out mail.encrypted.eml enc.pem
run openssl cms -decrypt "${ENGINE[@]}" -inkey "$ENC_KEY" -recip enc.pem -in mail.encrypted.eml -out mail.decrypted.txt
cmp -s mail.txt mail.decrypted.txt || die "decrypted mail differs from the original"
ok "mail.encrypted.eml decrypted on the token"

step "Sign a document (detached CMS), verify with openssl"
"$PYTHON" "$HERE/make-sample-pdf.py" document.pdf "MeSign Token sample document" "Signed on a token." ||
  die "could not write the sample PDF"
run openssl cms -sign -binary "${ENGINE[@]}" -inkey "$SIGN_KEY" -signer sign.pem -md sha256 \
  -outform DER -in document.pdf -out document.pdf.p7s
run openssl cms -verify -binary -inform DER -in document.pdf.p7s -content document.pdf -CAfile ca.pem -out /dev/null
ok "document.pdf.p7s: detached signature verified"

step "Encrypt a document to the token's certificate, decrypt it with the token"
run openssl cms -encrypt -binary -aes256 -outform DER -in document.pdf -out document.pdf.p7m enc.pem
run openssl cms -decrypt -binary "${ENGINE[@]}" -inform DER -inkey "$ENC_KEY" -recip enc.pem \
  -in document.pdf.p7m -out document.decrypted.pdf
cmp -s document.pdf document.decrypted.pdf || die "decrypted document differs"
ok "document.pdf.p7m decrypted on the token"

step "Sign the PDF itself with mesign-token (signature field, key on the token), verify with pdfsig"
"$MT" sign-doc --pdf --in document.pdf --out document.signed.pdf --reason "MeSign demo" --pin-fd 3 \
  3<<<"$PIN" >>demo.log 2>&1 || die "mesign-token sign-doc --pdf failed (see demo.log)"
mkdir trust
run certutil -N -d sql:trust --empty-password
run certutil -A -d sql:trust -n "MeSign Demo CA" -t "CT,C,C" -i ca.pem
pdfsig -nssdir sql:trust document.signed.pdf >pdfsig.out 2>&1 || true   # its exit code is not its verdict
grep -q "Signature is Valid" pdfsig.out || die "pdfsig does not call the signature valid: $(cat pdfsig.out)"
grep -q "Certificate is Trusted" pdfsig.out || die "pdfsig does not trust the signer: $(cat pdfsig.out)"
grep -q "Signer Certificate Common Name: Alice Demo" pdfsig.out || die "pdfsig names another signer: $(cat pdfsig.out)"
ok "document.signed.pdf: pdfsig says Signature is Valid, Certificate is Trusted (signer Alice Demo)"

printf '\nSummary (files in %s):\n' "$OUT"
printf '  %s\n' "${SUMMARY[@]}"
printf 'All %d steps passed.\n' "$step_no"
