#!/usr/bin/env bash
# cli_test.sh MESIGN_TOKEN VCARD MODULE — mesign-token's subcommands against a fresh virtual PIV card (PIN 123456,
# PUK 12345678, default management key), inside tests/integration/pcsc-sandbox.sh. Checks outputs, exit codes
# (0 ok, 1 failed, 2 usage, 3 no token, 4 PIN) and messages; interop with openssl (req -verify, cms -verify) and
# pkcs11-tool (the token's public key).
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh" cli "$@"
mkdir -p "$W/run" "$W/state" "$W/config"
export XDG_RUNTIME_DIR=$W/run XDG_STATE_HOME=$W/state XDG_CONFIG_HOME=$W/config

json() {  # json FILE PYTHON-EXPR (on d)
    $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

step "usage errors: exit 2"
expect 2 "unknown command 'frobnicate'" "$MT" frobnicate
expect 2 "unknown option '--bogus'" "$MT" list --bogus
expect 2 "needs --subject" "$MT" enroll
expect 2 "unknown key slot '9z'" "$MT" enroll --slot 9z --subject /CN=x
expect 2 "is not a pkcs11 URI" "$MT" info token-without-scheme
expect 2 "unknown pkcs11 URI attribute 'colour'" "$MT" info "pkcs11:colour=blue"
expect 0 "" "$MT" sign-mail --help
grep -q "usage: mesign-token sign-mail" out.txt || fail "sign-mail --help: $(cat out.txt)"

step "no token: reader without a card → exit 3"
expect 0 "" "$MT" list
grep -q "Reader \"$MESIGN_TEST_READER\": no card" out.txt || fail "list without card: $(cat out.txt)"
expect 3 "no token found" "$MT" info
expect 3 "no token found" "$MT" change-pin --pin-value 123456 --new-pin-value 654321

start_card piv

step "doctor with a fresh card: pcscd, reader, token, module ok; no certificates is a warning"
expect 0 "" "$MT" doctor
grep -q "^\[ok\]   pcscd is running" out.txt || fail "doctor: $(cat out.txt)"
grep -q "^\[ok\]   token \".*\" (PIV, serial " out.txt || fail "doctor token: $(cat out.txt)"
grep -q "^\[ok\]   PKCS#11 module .* shows 1 token(s)" out.txt || fail "doctor module: $(cat out.txt)"
grep -q "^\[warn\] token .*: no certificates" out.txt || fail "doctor certificates: $(cat out.txt)"
expect 1 "" "$MT" doctor --module /nonexistent/module.so
grep -q "^\[FAIL\] PKCS#11 module /nonexistent/module.so not found" out.txt || fail "doctor bad module: $(cat out.txt)"

step "list and list --json"
expect 0 "" "$MT" list
grep -q "Token \".*\" (PIV, serial " out.txt || fail "list: $(cat out.txt)"
expect 0 "" "$MT" list --json
cp out.txt list.json
[ "$(json list.json 'd["readers"][0]["name"]')" = "$MESIGN_TEST_READER" ] || fail "list --json reader: $(cat list.json)"
[ "$(json list.json 'd["readers"][0]["tokens"][0]["application"]')" = PIV ] || fail "list --json: $(cat list.json)"
URI=$(json list.json 'd["readers"][0]["tokens"][0]["uri"]')
SERIAL=$(json list.json 'd["readers"][0]["tokens"][0]["serial"]')
[[ $URI == pkcs11:*serial=* ]] || fail "token URI: $URI"

step "info by URI (text, --json); unknown token URI → exit 3"
expect 0 "" "$MT" info "$URI"
grep -Eq "PIN: +3 tries left" out.txt || fail "info PIN status: $(cat out.txt)"
expect 0 "" "$MT" info --json "pkcs11:serial=$SERIAL"
cp out.txt info0.json
[ "$(json info0.json 'd["tokens"][0]["pin"]["retriesLeft"]')" = 3 ] || fail "info --json pin: $(cat info0.json)"
expect 3 "no token matches pkcs11:token=No%20Such%20Token" "$MT" info "pkcs11:token=No%20Such%20Token"

step "enroll: RSA-2048 key in 9A, CSR signed by the token key"
expect 0 "generated a RSA-2048 key in slot 9a" "$MT" enroll "$URI" --slot 9a --key-type rsa2048 \
    --subject "/CN=CLI Test/O=MeSign" --email cli@example.test --out req.pem --pin-fd 3 3<<<123456
openssl req -in req.pem -noout -verify >verify.txt 2>&1 || fail "openssl req -verify: $(cat verify.txt)"
grep -Eqx "(Certificate request self-signature )?verify OK" verify.txt || fail "CSR signature: $(cat verify.txt)"
openssl req -in req.pem -noout -subject | grep -q "CN = CLI Test" || fail "CSR subject: $(openssl req -in req.pem -noout -subject)"
pkcs11-tool --module "$MESIGN_PKCS11_MODULE" --read-object --type pubkey --id 01 -o pub.der >/dev/null 2>&1 \
    || fail "pkcs11-tool cannot read the 9A public key"
cmp -s <(openssl req -in req.pem -noout -pubkey) <(openssl pkey -pubin -inform DER -in pub.der) \
    || fail "the CSR's public key is not the token's"
expect 0 "" "$MT" enroll --slot 9e --key-type ec256 --subject /CN=EC --out req-ec.pem --pin-value 123456
openssl req -in req-ec.pem -noout -verify >/dev/null 2>&1 || fail "EC CSR does not verify"

step "a throwaway CA issues the certificate; import-cert; info shows it"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
    -subj "/CN=CLI Test CA" -days 2 2>/dev/null || fail "openssl: CA"
printf 'subjectAltName=email:cli@example.test\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\n' >ext.cnf
openssl x509 -req -in req.pem -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out user.crt \
    2>/dev/null || fail "openssl x509 -req"
expect 0 "certificate .*CLI Test.* written to slot 9a" "$MT" import-cert --slot 9a "$URI" user.crt
expect 0 "" "$MT" info --json
cp out.txt info1.json
[ "$(json info1.json '[k["certificate"]["subject"] for k in d["tokens"][0]["keys"] if k["slot"]=="9a"][0]')" \
    = "O=MeSign,CN=CLI Test" ] || fail "info --json after import: $(cat info1.json)"
[ "$(json info1.json '[k["id"] for k in d["tokens"][0]["keys"] if k["slot"]=="9a"][0]')" = 01 ] || fail "9a id"
expect 0 "" "$MT" info
grep -q "Issuer: *CN=CLI Test CA" out.txt || fail "info text after import: $(cat out.txt)"

step "import-cert: mismatching certificate, missing and bad files → exit 1"
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -subj /CN=Other -days 1 2>/dev/null
expect 1 "does not match the key in slot 9a" "$MT" import-cert --slot 9a other.crt
expect 1 "cannot read no-such.crt" "$MT" import-cert no-such.crt
echo "not a certificate" >garbage.crt
expect 1 "garbage.crt: no certificate found" "$MT" import-cert garbage.crt
openssl x509 -in user.crt -outform DER -out user.der
openssl crl2pkcs7 -nocrl -certfile user.crt -certfile ca.crt -out chain.p7b
expect 0 "written to slot 9a" "$MT" import-cert user.der
expect 0 "written to slot 9a" "$MT" import-cert chain.p7b

step "sign-mail → openssl cms -verify and mesign-token verify"
printf 'To: someone@example.test\nSubject: CLI\n\nSigned by mesign-token.\n' >mail.txt
"$MT" sign-mail --in mail.txt --out signed.eml --pin-fd 3 3<<<123456 2>err.txt || fail "sign-mail: $(cat err.txt)"
grep -q '^Content-Type: multipart/signed; protocol="application/pkcs7-signature"' signed.eml || fail "not S/MIME"
openssl cms -verify -CAfile ca.crt -in signed.eml -out verified.txt >cms.txt 2>&1 || fail "cms -verify: $(cat cms.txt)"
cmp -s <(tr -d '\r' <mail.txt) <(tr -d '\r' <verified.txt) || fail "verified content differs"
expect 0 "verification successful, signed by .*CN=CLI Test" "$MT" verify --ca ca.crt --in signed.eml --out content.txt
cmp -s <(tr -d '\r' <mail.txt) <(tr -d '\r' <content.txt) || fail "verify --out content differs"
sed 's/Signed by mesign-token/Signed by someone else/' signed.eml >tampered.eml
expect 1 "verification failed" "$MT" verify --ca ca.crt --in tampered.eml
expect 1 "verification failed" "$MT" verify --ca other.crt --in signed.eml
"$MT" sign-mail <mail.txt --pin-fd 3 3<<<123456 >signed2.eml 2>err.txt || fail "sign-mail stdin: $(cat err.txt)"
expect 0 "verification successful" "$MT" verify --ca ca.crt <signed2.eml

step "sign-doc (detached CMS) → openssl cms -verify -binary, mesign-token verify --signature"
head -c 3000 /dev/urandom >doc.bin
"$MT" sign-doc --in doc.bin --out doc.p7s --pin-value 123456 2>err.txt || fail "sign-doc: $(cat err.txt)"
openssl cms -verify -binary -inform DER -in doc.p7s -content doc.bin -CAfile ca.crt -out /dev/null >cms.txt 2>&1 \
    || fail "cms -verify of the detached signature: $(cat cms.txt)"
expect 0 "verification successful, signed by .*CN=CLI Test" "$MT" verify --ca ca.crt --signature doc.p7s --in doc.bin
{ cat doc.bin; printf x; } >doc-changed.bin
expect 1 "verification failed" "$MT" verify --ca ca.crt --signature doc.p7s --in doc-changed.bin
expect 1 "garbage.crt: not a CMS signature" "$MT" verify --ca ca.crt --signature garbage.crt --in doc.bin
"$MT" sign-doc --pem --pin-value 123456 <doc.bin >doc.pem 2>err.txt || fail "sign-doc --pem: $(cat err.txt)"
expect 0 "verification successful" "$MT" verify --ca ca.crt --signature doc.pem --in doc.bin

step "decrypt-mail with a 9D key (enroll --pubkey-out only: our module lets 9D decrypt, not sign a CSR)"
expect 0 "generated a RSA-2048 key in slot 9d" "$MT" enroll --slot 9d --pubkey-out 9d.pub
printf 'keyUsage=keyEncipherment\nextendedKeyUsage=emailProtection\n' >ext9d.cnf
openssl x509 -new -force_pubkey 9d.pub -subj "/CN=CLI Encryption" -extfile ext9d.cnf -CA ca.crt -CAkey ca.key \
    -days 2 -out enc.crt 2>/dev/null || fail "openssl x509 -new (9d)"
expect 0 "written to slot 9d" "$MT" import-cert --slot 9d enc.crt
printf 'For the 9D key only.\n' >secret.txt
openssl cms -encrypt -binary -aes256 -in secret.txt -out enc.eml enc.crt 2>/dev/null || fail "cms -encrypt"
"$MT" decrypt-mail --in enc.eml --out dec.txt --pin-value 123456 2>err.txt || fail "decrypt-mail: $(cat err.txt)"
cmp -s secret.txt dec.txt || fail "decrypted text differs: $(cat dec.txt)"
openssl cms -encrypt -binary -aes256 -in secret.txt -out other.eml other.crt 2>/dev/null || fail "cms -encrypt other"
expect 1 "decryption failed" "$MT" decrypt-mail --in other.eml --pin-value 123456
expect 1 "not an S/MIME encrypted message" "$MT" decrypt-mail --in garbage.crt --pin-value 123456

step "encrypt-doc to the 9D certificate (token or file), decrypt-doc with the 9D key"
"$MT" encrypt-doc --in doc.bin --out doc.p7m 2>err.txt || fail "encrypt-doc: $(cat err.txt)"
openssl cms -cmsout -inform DER -in doc.p7m -print 2>/dev/null | grep -q "envelopedData" || fail "not EnvelopedData"
"$MT" decrypt-doc --in doc.p7m --out doc.dec --pin-value 123456 2>err.txt || fail "decrypt-doc: $(cat err.txt)"
cmp -s doc.bin doc.dec || fail "decrypt-doc: the document differs"
"$MT" encrypt-doc --recipient enc.crt --pem <doc.bin >doc.pem.p7m 2>err.txt || fail "encrypt-doc --recipient: $(cat err.txt)"
"$MT" decrypt-doc --pin-value 123456 <doc.pem.p7m >doc.dec2 2>err.txt || fail "decrypt-doc PEM: $(cat err.txt)"
cmp -s doc.bin doc.dec2 || fail "decrypt-doc (PEM): the document differs"
"$MT" encrypt-doc --recipient other.crt --in doc.bin --out other.p7m 2>err.txt || fail "encrypt-doc other: $(cat err.txt)"
expect 1 "decryption failed" "$MT" decrypt-doc --in other.p7m --pin-value 123456
expect 1 "garbage.crt: not a certificate" "$MT" encrypt-doc --recipient garbage.crt --in doc.bin
expect 1 "not a CMS encrypted document" "$MT" decrypt-doc --in garbage.crt --pin-value 123456

step "wrong PIN → exit 4 with the tries left; a PIN of a bad length costs no try"
expect 4 "wrong PIN \(2 tries left\)" "$MT" sign-mail --in mail.txt --pin-value 000000
expect 4 "new PIN must be 6 to 8 characters" "$MT" change-pin --pin-value 123456 --new-pin-value 12
expect 0 "" "$MT" info --json
[ "$(json out.txt 'd["tokens"][0]["pin"]["retriesLeft"]')" = 2 ] || fail "retries after a wrong PIN: $(cat out.txt)"

step "change-pin (PINs on a file descriptor), then the new PIN works and the old one does not"
printf '123456\n24682468\n' >pins.txt
expect 0 "PIN changed" "$MT" change-pin "$URI" --pin-fd 3 --new-pin-fd 3 3<pins.txt
expect 4 "wrong PIN \(2 tries left\)" "$MT" sign-mail --in mail.txt --pin-value 123456
"$MT" sign-mail --in mail.txt --out signed3.eml --pin-value 24682468 2>err.txt || fail "new PIN: $(cat err.txt)"
openssl cms -verify -CAfile ca.crt -in signed3.eml -out /dev/null >/dev/null 2>&1 || fail "cms -verify with new PIN"

step "block the PIN, unblock it with the PUK"
expect 4 "wrong PIN \(2 tries left\)" "$MT" change-pin --pin-value 111111 --new-pin-value 222222
expect 4 "wrong PIN \(1 try left\)" "$MT" change-pin --pin-value 111111 --new-pin-value 222222
expect 4 "wrong PIN \(0 tries left\)|PIN is blocked" "$MT" change-pin --pin-value 111111 --new-pin-value 222222
expect 4 "PIN is blocked; unblock it with the PUK" "$MT" change-pin --pin-value 24682468 --new-pin-value 222222
expect 1 "" "$MT" doctor
grep -q "^\[FAIL\] token .*: PIN blocked — mesign-token unblock-pin" out.txt || fail "doctor blocked PIN: $(cat out.txt)"
expect 0 "" "$MT" info --json
[ "$(json out.txt 'd["tokens"][0]["pin"]["blocked"]')" = True ] || fail "PIN not reported blocked: $(cat out.txt)"
expect 4 "wrong PUK \(2 tries left\)" "$MT" unblock-pin --puk-value 00000000 --new-pin-value 123456
expect 0 "PIN unblocked" "$MT" unblock-pin --puk-fd 3 --new-pin-fd 3 3< <(printf '12345678\n123456\n')
"$MT" sign-mail --in mail.txt --out /dev/null --pin-value 123456 2>err.txt || fail "PIN after unblock: $(cat err.txt)"
expect 2 "no terminal to ask for the PIN" setsid -w "$MT" sign-mail --in mail.txt </dev/null
# The prompts on a terminal (a pty as controlling tty): no echo, the new PIN asked twice.
HERE=$(cd "$(dirname "$0")" && pwd)
printf 'current PIN: =123456\nnew PIN: =87654321\nRepeat the new PIN: =87654321\n' \
    | /usr/bin/python3 "$HERE/pty_prompt.py" "$MT" change-pin >pty.txt 2>&1 || fail "change-pin on a tty: $(cat pty.txt)"
printf 'current PIN: =87654321\nnew PIN: =123456\nRepeat the new PIN: =654321\n' \
    | /usr/bin/python3 "$HERE/pty_prompt.py" "$MT" change-pin >pty.txt 2>&1 && fail "differing new PINs accepted"
grep -q "the two entries of the new PIN differ" pty.txt || fail "differing entries: $(cat pty.txt)"
printf 'current PIN: =87654321\nnew PIN: =123456\nRepeat the new PIN: =123456\n' \
    | /usr/bin/python3 "$HERE/pty_prompt.py" "$MT" change-pin >pty.txt 2>&1 || fail "change-pin back: $(cat pty.txt)"

step "card gone → exit 3"
stop_card
for _ in $(seq 50); do "$MT" list 2>/dev/null | grep -q "no card" && break; sleep 0.1; done
expect 3 "no token found" "$MT" info
expect 3 "no token found" "$MT" sign-mail --in mail.txt --pin-value 123456

step "vcard create / start / list / stop (state under \$XDG_STATE_HOME, pid file under \$XDG_RUNTIME_DIR)"
expect 2 "bad virtual card name" "$MT" vcard create ../escape
expect 0 "virtual card 'demo' \(piv\) created" "$MT" vcard create demo
[ -f "$XDG_STATE_HOME/mesign/vcards/demo.type" ] || fail "no card under XDG_STATE_HOME"
expect 1 "already exists" "$MT" vcard create demo
expect 1 "no virtual card 'nope'" "$MT" vcard start nope
expect 0 "virtual card 'demo' inserted" "$MT" vcard start demo --port "$MESIGN_VPCD_PORT" --vcard-bin "$VCARD"
[ -f "$XDG_RUNTIME_DIR/mesign/vcard-demo.pid" ] || fail "no pid file under XDG_RUNTIME_DIR"
expect 1 "runs already" "$MT" vcard start demo --port "$MESIGN_VPCD_PORT" --vcard-bin "$VCARD"
expect 0 "" "$MT" vcard list
grep -Eq "^demo	piv	running \(pid [0-9]+\)$" out.txt || fail "vcard list: $(cat out.txt)"
for _ in $(seq 50); do "$MT" list 2>/dev/null | grep -q "Token " && break; sleep 0.1; done
expect 0 "" "$MT" info --json
[ "$(json out.txt 'd["tokens"][0]["pin"]["retriesLeft"]')" = 3 ] || fail "fresh vcard: $(cat out.txt)"
expect 0 "virtual card 'demo' removed" "$MT" vcard stop demo
expect 0 "" "$MT" vcard list
grep -Eq "^demo	piv	stopped$" out.txt || fail "vcard list after stop: $(cat out.txt)"
expect 1 "is not running" "$MT" vcard stop demo
for _ in $(seq 50); do "$MT" list 2>/dev/null | grep -q "no card" && break; sleep 0.1; done
expect 3 "no token found" "$MT" info

echo "ALL PASSED"
