#!/usr/bin/env bash
# pkcs11_tool_interop.sh MODULE VCARD ATEXIT_CLIENT — real clients against libmesign-pkcs11.so and a virtual PIV card.
# Runs inside tests/integration/pcsc-sandbox.sh (needs MESIGN_VPCD_PORT, MESIGN_SANDBOX_DIR).
# Keys are put on the card with yubico-piv-tool, certificates made with openssl; then OpenSC's
# pkcs11-tool lists, signs (checked with openssl), decrypts and runs its own --test.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$1
VCARD=$2
ATEXIT_CLIENT=$3
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/p11
mkdir -p "$W"
cd "$W"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "== $*"; }

"$VCARD" --init piv --port "$MESIGN_VPCD_PORT" "$W/card.state" >"$W/vcard.log" 2>&1 &
VCARD_PID=$!
trap 'kill $VCARD_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    pkcs11-tool --module "$MODULE" -L 2>/dev/null | grep -q "token label" && break
    sleep 0.1
done

P11="pkcs11-tool --module $MODULE"
YPT="yubico-piv-tool -r MeSign"

step "keys and certificates (yubico-piv-tool, openssl)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
    -subj "/CN=MeSign Interop CA" -days 2 2>/dev/null
enrol() {  # slot algorithm
    $YPT -a generate -s "$1" -A "$2" -o "$1.pub" >/dev/null 2>&1 || fail "yubico-piv-tool generate $1"
    openssl x509 -new -force_pubkey "$1.pub" -subj "/CN=MeSign interop $1" -CA ca.crt -CAkey ca.key \
        -days 2 -out "$1.crt" 2>/dev/null || fail "openssl x509 -new for $1"
    $YPT -a import-certificate -s "$1" -i "$1.crt" >/dev/null 2>&1 || fail "import-certificate $1"
}
enrol 9a RSA2048
enrol 9c ECCP256
enrol 9d RSA2048
enrol 9e ECCP256

step "pkcs11-tool -L / -M / -O"
$P11 -L | tee list.txt
grep -q "token label" list.txt || fail "no token in -L"
grep -q "PIN initialized" list.txt || fail "token flags"
$P11 -M >mechs.txt
grep -q "SHA256-RSA-PKCS" mechs.txt || fail "SHA256-RSA-PKCS not listed"
grep -q "ECDSA-SHA256" mechs.txt || fail "ECDSA-SHA256 not listed"
$P11 -O | tee objects.txt
[ "$(grep -c "Certificate Object" objects.txt)" -eq 4 ] || fail "expected 4 certificates before login"
$P11 --login --pin 123456 -O >objects-login.txt
[ "$(grep -c "Private Key Object" objects-login.txt)" -eq 4 ] || fail "expected 4 private keys after login"

printf 'MeSign interop data\n' >data.txt

step "sign SHA256-RSA-PKCS with 9A, verify with openssl"
$P11 --login --pin 123456 --sign --id 01 -m SHA256-RSA-PKCS -i data.txt -o sig.rsa
openssl dgst -sha256 -verify 9a.pub -signature sig.rsa data.txt | grep -q "Verified OK" || fail "RSA signature"

step "sign SHA256-RSA-PKCS-PSS with 9A"
$P11 --login --pin 123456 --sign --id 01 -m SHA256-RSA-PKCS-PSS -i data.txt -o sig.pss
openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:-1 -verify 9a.pub \
    -signature sig.pss data.txt | grep -q "Verified OK" || fail "PSS signature"

step "sign ECDSA with 9C (PIN always: context-specific login), verify with openssl"
openssl dgst -sha256 -binary data.txt >data.sha256
$P11 --login --pin 123456 --sign --id 02 -m ECDSA --signature-format openssl -i data.sha256 -o sig.ec
openssl pkeyutl -verify -pubin -inkey 9c.pub -in data.sha256 -sigfile sig.ec | grep -q "Success" \
    || fail "ECDSA signature"
$P11 --login --pin 123456 --sign --id 02 -m ECDSA-SHA256 --signature-format openssl -i data.txt -o sig.ec2
openssl dgst -sha256 -verify 9c.pub -signature sig.ec2 data.txt | grep -q "Verified OK" || fail "ECDSA-SHA256"

step "decrypt RSA-PKCS with 9D"
printf 'secret for 9D' >plain.txt
openssl pkeyutl -encrypt -pubin -inkey 9d.pub -in plain.txt -out enc.bin
$P11 --login --pin 123456 --decrypt --id 03 -m RSA-PKCS -i enc.bin -o dec.txt
cmp -s plain.txt dec.txt || fail "RSA-PKCS decryption"

step "decrypt RSA-PKCS-OAEP with 9D"
openssl pkeyutl -encrypt -pubin -inkey 9d.pub -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \
    -pkeyopt rsa_mgf1_md:sha256 -in plain.txt -out enc.oaep
$P11 --login --pin 123456 --decrypt --id 03 -m RSA-PKCS-OAEP --hash-algorithm SHA256 --mgf MGF1-SHA256 \
    -i enc.oaep -o dec.oaep
cmp -s plain.txt dec.oaep || fail "RSA-PKCS-OAEP decryption"

step "key generation and certificate import with the management key as SO PIN"
SO="--login --login-type so --so-pin 010203040506070801020304050607080102030405060708"
$P11 $SO --keypairgen --key-type EC:prime256v1 --id 05 >keygen.txt 2>&1 || fail "keypairgen: $(cat keygen.txt)"
$P11 --read-object --type pubkey --id 05 -o 82.pub.der
openssl pkey -pubin -inform DER -in 82.pub.der -out 82.pub
openssl x509 -new -force_pubkey 82.pub -subj "/CN=MeSign interop 82" -CA ca.crt -CAkey ca.key -days 2 \
    -outform DER -out 82.der 2>/dev/null || fail "certificate for 82"
$P11 $SO --write-object 82.der --type cert --id 05 >write.txt 2>&1 || fail "write-object: $(cat write.txt)"
$P11 -O --type cert --id 05 | grep -q "MeSign interop 82" || fail "imported certificate not listed"
$P11 $SO --delete-object --type cert --id 05 >delete.txt 2>&1 || fail "delete-object: $(cat delete.txt)"
if $P11 -O | grep -q "MeSign interop 82"; then fail "certificate not deleted"; fi

step "wrong PIN"
if $P11 --login --pin 000000 -O >wrong.txt 2>&1; then fail "wrong PIN accepted"; fi
grep -q "CKR_PIN_INCORRECT" wrong.txt || fail "wrong PIN: $(cat wrong.txt)"

step "pkcs11-tool --test"
$P11 --test --login --pin 123456 2>&1 | tee test.txt
grep -q "No errors" test.txt || fail "pkcs11-tool --test reported errors"

step "NSS 3.87 (modutil / certutil; it takes the 3.0 interface): token, certificates, private keys after login"
mkdir -p nss
certutil -N -d "sql:$W/nss" --empty-password
modutil -dbdir "sql:$W/nss" -add mesign -libfile "$MODULE" -force >/dev/null 2>&1 || fail "modutil -add"
# modutil -list exits 1 because of the sandbox's second, empty vpcd slot ("Unable to get information about
# token"): it fails on any slot without a token (CKR_TOKEN_NOT_PRESENT), whatever the module.
modutil -dbdir "sql:$W/nss" -list mesign >nss-list.txt 2>&1 || true
grep -q "Token Name: PIV Card" nss-list.txt || fail "NSS sees no token: $(cat nss-list.txt)"
certutil -d "sql:$W/nss" -L -h all >nss-certs.txt 2>&1 || fail "certutil -L: $(cat nss-certs.txt)"
grep -q "Certificate for PIV Authentication" nss-certs.txt || fail "NSS lists no certificate: $(cat nss-certs.txt)"
echo 123456 >pin.txt
certutil -d "sql:$W/nss" -K -h all -f pin.txt >nss-keys.txt 2>&1 || fail "certutil -K: $(cat nss-keys.txt)"
grep -qi "rsa" nss-keys.txt || fail "NSS lists no private key: $(cat nss-keys.txt)"

step "OpenSSL with libp11's engine: RSA (9A) and ECDSA (9E) signatures through PKCS#11 URIs"
cat >engine.cnf <<CNF
openssl_conf = conf
[conf]
engines = engines
[engines]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = /usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so
MODULE_PATH = $MODULE
init = 0
CNF
OPENSSL_CONF=$W/engine.cnf openssl pkeyutl -engine pkcs11 -keyform engine \
    -inkey "pkcs11:id=%01;type=private?pin-value=123456" -sign -in data.sha256 -pkeyopt digest:sha256 \
    -out sig.engine >engine.txt 2>&1 || fail "libp11 RSA sign: $(cat engine.txt)"
openssl pkeyutl -verify -pubin -inkey 9a.pub -pkeyopt digest:sha256 -in data.sha256 -sigfile sig.engine \
    | grep -q Success || fail "libp11 RSA signature"
OPENSSL_CONF=$W/engine.cnf openssl pkeyutl -engine pkcs11 -keyform engine \
    -inkey "pkcs11:id=%04;type=private?pin-value=123456" -sign -in data.sha256 -out sig.engine-ec \
    >engine-ec.txt 2>&1 || fail "libp11 ECDSA sign: $(cat engine-ec.txt)"
openssl pkeyutl -verify -pubin -inkey 9e.pub -in data.sha256 -sigfile sig.engine-ec | grep -q Success \
    || fail "libp11 ECDSA signature"

step "p11-kit 0.24 (loads modules through C_GetFunctionList only: our 2.40 list) and its proxy"
# Registered only inside this sandbox's mount namespace: a private directory over the system module dir.
mkdir -p modules
sed "s|^module:.*|module: $MODULE|" "$HERE/../../pkcs11/mesign.module" >modules/mesign.module
mount --bind "$W/modules" /usr/share/p11-kit/modules || fail "cannot bind the p11-kit module directory"
p11-kit list-modules >p11kit.txt 2>&1 || fail "p11-kit list-modules: $(cat p11kit.txt)"
grep -q "library-description: MeSign Token" p11kit.txt || fail "p11-kit does not list us: $(cat p11kit.txt)"
grep -q "token: PIV Card" p11kit.txt || fail "p11-kit sees no token: $(cat p11kit.txt)"
pkcs11-tool --module /usr/lib/x86_64-linux-gnu/p11-kit-proxy.so --login --pin 123456 --sign --id 01 \
    -m SHA256-RSA-PKCS -i data.txt -o sig.proxy >proxy.txt 2>&1 || fail "sign through p11-kit-proxy: $(cat proxy.txt)"
openssl dgst -sha256 -verify 9a.pub -signature sig.proxy data.txt | grep -q "Verified OK" || fail "proxy signature"
umount /usr/share/p11-kit/modules

step "C_CloseAllSessions and C_Finalize from an atexit handler (as NSS does at exit)"
"$ATEXIT_CLIENT" "$MODULE" | tee atexit.txt || fail "atexit client exited with $?"
grep -q "C_Finalize 0x0" atexit.txt || fail "atexit-time finalize"

echo "ALL PASSED"
