#!/usr/bin/env bash
# sign_test.sh MESIGN_TOKEN VCARD MODULE — the CLI's signatures checked by tools no one here wrote, inside
# tests/integration/pcsc-sandbox.sh: PDF signatures (sign-doc --pdf, PoDoFo + OpenSSL CMS) verified by poppler's
# pdfsig through NSS; RFC 3161 timestamps (--tsa) from a throwaway TSA on 127.0.0.1 (tsa_server.py running
# `openssl ts -reply`), the embedded token checked by `openssl ts -verify` against the signature value; the
# S/MIME output decoded and verified by NSS cmsutil; bad input refused with clear messages and exit codes.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh" sign "$@"
PIN=123456

step "a virtual PIV card with an RSA key in 9A and an EC P-256 key in 9E, certificates from a throwaway CA"
start_card piv
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj "/CN=Sign Test CA" -days 2 \
    -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
printf 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\nsubjectAltName=email:signer@example.test\n' >user.ext
for slot in 9a 9e; do
    kt=rsa2048; [ $slot = 9e ] && kt=ec256
    expect 0 "generated" "$MT" enroll --slot $slot --key-type $kt --subject "/CN=PDF Signer $slot" \
        --out req-$slot.pem --pin-value $PIN
    openssl x509 -req -in req-$slot.pem -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile user.ext \
        -out user-$slot.crt 2>/dev/null || fail "CA: certificate for $slot"
    expect 0 "written to slot $slot" "$MT" import-cert --slot $slot user-$slot.crt
done

# NSS databases: one that trusts the test CA (pdfsig, cmsutil), as the demo does.
mkdir trust
certutil -N -d sql:trust --empty-password
certutil -A -d sql:trust -n "Sign Test CA" -t "CT,C,C" -i ca.crt

step "sign-doc --pdf: pdfsig calls the signature valid, the signer trusted, and names the signer"
$PY "$HERE/../../scripts/demo/make-sample-pdf.py" doc.pdf "MeSign CLI test" "A PDF signed on a token." \
    || fail "sample PDF"
expect 0 "" "$MT" sign-doc --pdf --in doc.pdf --out doc.signed.pdf --reason "CLI test" --pin-value $PIN
cmp -s doc.pdf <(head -c "$(stat -c %s doc.pdf)" doc.signed.pdf) || fail "the original bytes are not kept (incremental update)"
pdfsig -nssdir sql:trust doc.signed.pdf >pdfsig.txt 2>&1 || true   # pdfsig's exit code is not its verdict
grep -q "Signature is Valid" pdfsig.txt || fail "pdfsig: $(cat pdfsig.txt)"
grep -q "Certificate is Trusted" pdfsig.txt || fail "pdfsig trust: $(cat pdfsig.txt)"
grep -q "Signer Certificate Common Name: PDF Signer 9a" pdfsig.txt || fail "pdfsig signer: $(cat pdfsig.txt)"
grep -q "Signing Hash Algorithm: SHA-256" pdfsig.txt || fail "pdfsig hash: $(cat pdfsig.txt)"
grep -q "Signature Type: adbe.pkcs7.detached" pdfsig.txt || fail "pdfsig type: $(cat pdfsig.txt)"
grep -q "Signature Field Name: MeSign-Signature-" pdfsig.txt || fail "pdfsig field: $(cat pdfsig.txt)"
grep -q "^  - Total document signed" pdfsig.txt || fail "the signature does not cover the whole file: $(cat pdfsig.txt)"
# Auto-detected by the .pdf names, with the EC key in 9E; the second signature keeps the first valid.
expect 0 "" "$MT" sign-doc --slot 9e --in doc.signed.pdf --out doc.signed2.pdf --pin-value $PIN
pdfsig -nssdir sql:trust doc.signed2.pdf >pdfsig2.txt 2>&1 || true
[ "$(grep -c "Signature is Valid" pdfsig2.txt)" = 2 ] || fail "two valid signatures expected: $(cat pdfsig2.txt)"
grep -q "Signer Certificate Common Name: PDF Signer 9e" pdfsig2.txt || fail "EC signer: $(cat pdfsig2.txt)"
# The first signature now covers a prefix (the original revision), the second the whole file.
[ "$(grep -c "^  - Total document signed" pdfsig2.txt)" = 1 ] || fail "the second signature must cover all: $(cat pdfsig2.txt)"
# The CMS itself: signing-certificate-v2 (CAdES-B), SHA-256, verified by openssl against the covered bytes.
pdfsig -dump doc.signed.pdf >/dev/null 2>&1 || true
[ -s doc.signed.pdf.sig0 ] || fail "pdfsig -dump wrote no doc.signed.pdf.sig0: $(ls)"
openssl cms -cmsout -inform DER -in doc.signed.pdf.sig0 -print >pdfcms.txt 2>&1 || fail "cms -print: $(cat pdfcms.txt)"
grep -q "id-smime-aa-signingCertificateV2" pdfcms.txt || fail "no signing-certificate-v2 attribute"
# A changed byte inside the signed range makes pdfsig reject it.
$PY - doc.signed.pdf doc.tampered.pdf <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
i = data.index(b"A PDF signed on a token.")
data[i] = ord("B")
open(sys.argv[2], "wb").write(data)
PY
pdfsig -nssdir sql:trust doc.tampered.pdf >tampered.txt 2>&1 || true
grep -q "Signature is Valid" tampered.txt && fail "pdfsig accepts a changed document: $(cat tampered.txt)"
grep -q "Digest Mismatch" tampered.txt || fail "tampered: $(cat tampered.txt)"

step "PDF: bad input → clear message, exit code, no output file left"
expect 1 "cannot read missing.pdf" "$MT" sign-doc --pdf --in missing.pdf --out x.pdf --pin-value $PIN
printf 'plain text\n' >notpdf.pdf
expect 1 "notpdf.pdf: not a PDF file" "$MT" sign-doc --in notpdf.pdf --out x.pdf --pin-value $PIN
printf '%%PDF-1.4\nbroken\n' >broken.pdf
expect 1 "broken.pdf: cannot sign the PDF" "$MT" sign-doc --in broken.pdf --out x.pdf --pin-value $PIN
[ ! -e x.pdf ] || fail "a failed PDF signature left x.pdf behind"
expect 2 "needs --in FILE and --out FILE" "$MT" sign-doc --pdf --in doc.pdf --pin-value $PIN
expect 2 "must go to a new file" "$MT" sign-doc --in doc.pdf --out ./doc.pdf --pin-value $PIN
expect 2 "exclude each other" "$MT" sign-doc --pdf --cms --in doc.pdf --out y.pdf
expect 4 "wrong PIN \(2 tries left\)" "$MT" sign-doc --in doc.pdf --out y.pdf --pin-value 000000
[ ! -e y.pdf ] || fail "a wrong PIN left y.pdf behind"
expect 0 "" "$MT" sign-doc --cms --in doc.pdf --out doc.pdf.p7s --pin-value $PIN   # detached, not a PDF signature
openssl cms -verify -binary -inform DER -in doc.pdf.p7s -content doc.pdf -CAfile ca.crt -out /dev/null 2>/dev/null \
    || fail "sign-doc --cms of a .pdf is not a detached signature"

step "9C (PIN for every signature, CKA_ALWAYS_AUTHENTICATE): enroll, sign-doc, sign-mail, --pdf without a second prompt"
expect 0 "generated" "$MT" enroll --slot 9c --key-type rsa2048 --subject "/CN=Signer 9c" --out req-9c.pem --pin-value $PIN
openssl req -in req-9c.pem -noout -verify >/dev/null 2>&1 || fail "the 9C request does not verify"
openssl x509 -req -in req-9c.pem -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile user.ext \
    -out user-9c.crt 2>/dev/null || fail "CA: certificate for 9c"
expect 0 "written to slot 9c" "$MT" import-cert --slot 9c user-9c.crt
head -c 2000 /dev/urandom >doc9c.bin
expect 0 "" "$MT" sign-doc --slot 9c --in doc9c.bin --out doc9c.p7s --pin-fd 3 3<<<$PIN
openssl cms -verify -binary -inform DER -in doc9c.p7s -content doc9c.bin -CAfile ca.crt -out /dev/null >cms.txt 2>&1 \
    || fail "9C detached signature: $(cat cms.txt)"
openssl cms -cmsout -inform DER -in doc9c.p7s -print | has "CN=Signer 9c" || fail "not signed by the 9C certificate"
printf 'Subject: 9c\n\nSigned with the 9C key.\n' >mail9c.txt
expect 0 "" "$MT" sign-mail --slot 9c --in mail9c.txt --out mail9c.eml --pin-value $PIN
openssl cms -verify -CAfile ca.crt -in mail9c.eml -out /dev/null >cms.txt 2>&1 || fail "9C mail: $(cat cms.txt)"
expect 0 "" "$MT" sign-doc --slot 9c --in doc.pdf --out doc9c.pdf --pin-value $PIN
pdfsig -nssdir sql:trust doc9c.pdf >pdfsig9c.txt 2>&1 || true
grep -q "Signer Certificate Common Name: Signer 9c" pdfsig9c.txt && grep -q "Signature is Valid" pdfsig9c.txt \
    || fail "9C PDF: $(cat pdfsig9c.txt)"

step "a throwaway TSA on 127.0.0.1 (openssl ts -reply), certificate with critical extendedKeyUsage timeStamping"
openssl req -x509 -newkey rsa:2048 -nodes -keyout tsaca.key -out tsaca.crt -subj "/CN=Test TSA Root" -days 2 \
    -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout tsa.key -out tsa.csr -subj "/CN=Test TSA" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n' >tsa.ext
openssl x509 -req -in tsa.csr -CA tsaca.crt -CAkey tsaca.key -CAcreateserial -days 2 -extfile tsa.ext \
    -out tsa.crt 2>/dev/null
echo 01 >tsaserial
cat >ts.cnf <<X
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = $W/tsaserial
crypto_device = builtin
signer_cert = $W/tsa.crt
signer_key = $W/tsa.key
certs = $W/tsa.crt
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
X
$PY "$HERE/tsa_server.py" "$W/ts.cnf" "$W/tsa.port" 2>"$W/tsa.log" &
CLEANUP_PIDS+=($!)
for _ in $(seq 100); do [ -s tsa.port ] && break; sleep 0.05; done
[ -s tsa.port ] || fail "the TSA did not start: $(cat tsa.log)"
TSA="http://127.0.0.1:$(cat tsa.port)/tsa"

# check_timestamp CMS_DER: the id-aa-timeStampToken in the signer's unsigned attributes verifies with
# `openssl ts -verify` for the SHA-256 of the signature value, against the TSA's root.
check_timestamp() {
    openssl asn1parse -inform DER -in "$1" >asn1.txt || fail "asn1parse $1"
    local line off hl len sighex
    line=$(grep -A2 ":id-smime-aa-timeStampToken" asn1.txt | tail -n1)
    [[ $line =~ ^\ *([0-9]+):d=[0-9]+\ +hl=([0-9]+)\ +l=\ *([0-9]+)\ +cons:\ SEQUENCE ]] \
        || fail "$1: no timestamp token in the unsigned attributes: $(grep -n timeStamp asn1.txt)"
    off=${BASH_REMATCH[1]} hl=${BASH_REMATCH[2]} len=${BASH_REMATCH[3]}
    tail -c +$((off + 1)) "$1" | head -c $((hl + len)) >token.der
    # The signature value: the signer info's (depth 5) only OCTET STRING.
    sighex=$(grep -E "d=5 .*prim: OCTET STRING +\[HEX DUMP\]:" asn1.txt | tail -n1 | sed 's/.*\[HEX DUMP\]://')
    [ -n "$sighex" ] || fail "$1: no signature value found"
    local digest
    digest=$($PY -c 'import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest())' "$sighex")
    openssl ts -verify -token_in -in token.der -digest "$digest" -CAfile tsaca.crt >tsverify.txt 2>&1 \
        || fail "openssl ts -verify: $(cat tsverify.txt)"
    grep -q "^Verification: OK" tsverify.txt || fail "ts -verify: $(cat tsverify.txt)"
    # And not for another value: the check above means something.
    openssl ts -verify -token_in -in token.der -digest "$(printf x | sha256sum | cut -d' ' -f1)" -CAfile tsaca.crt \
        >/dev/null 2>&1 && fail "openssl ts -verify accepts the token for other data"
    true
}

step "sign-doc --tsa: CAdES-T detached signature, openssl cms -verify and openssl ts -verify"
head -c 5000 /dev/urandom >doc.bin
expect 0 "" "$MT" sign-doc --in doc.bin --out doc.p7s --tsa "$TSA" --tsa-ca tsaca.crt --pin-value $PIN
openssl cms -verify -binary -inform DER -in doc.p7s -content doc.bin -CAfile ca.crt -out /dev/null >cms.txt 2>&1 \
    || fail "cms -verify with a timestamp: $(cat cms.txt)"
check_timestamp doc.p7s
grep -q "POST /tsa" tsa.log || fail "the TSA saw no request: $(cat tsa.log)"

step "sign-mail --tsa: S/MIME with a timestamp, openssl cms -verify and openssl ts -verify"
printf 'To: someone@example.test\nSubject: timestamped\n\nSigned and timestamped.\n' >mail.txt
expect 0 "" "$MT" sign-mail --in mail.txt --out mail.eml --tsa "$TSA" --pin-value $PIN
openssl cms -verify -CAfile ca.crt -in mail.eml -out mail.verified >cms.txt 2>&1 || fail "cms -verify mail: $(cat cms.txt)"
cmp -s <(tr -d '\r' <mail.txt) <(tr -d '\r' <mail.verified) || fail "verified mail differs"
openssl cms -cmsout -in mail.eml -outform DER -out mail.p7s 2>/dev/null || fail "cannot extract the mail's CMS"
check_timestamp mail.p7s

step "NSS cmsutil decodes and verifies the CLI's S/MIME signature (the CMS part, content as signed: CRLF)"
expect 0 "" "$MT" sign-mail --in mail.txt --out plain.eml --pin-value $PIN
for m in plain mail; do
    openssl cms -cmsout -in $m.eml -outform DER -out $m.cms.der 2>/dev/null || fail "cannot extract the CMS of $m.eml"
    sed 's/$/\r/' mail.txt >mail.crlf
    # -h 1: the signer's status as a header line; GoodSignature means signature and certificate chain are good.
    cmsutil -D -d sql:trust -i $m.cms.der -c mail.crlf -u 4 -n -h 1 >cmsutil.txt 2>&1 || fail "cmsutil -D $m: $(cat cmsutil.txt)"
    grep -q 'signer0.id="PDF Signer 9a"; signer0.status=GoodSignature;' cmsutil.txt || fail "cmsutil $m: $(cat cmsutil.txt)"
    printf x >>mail.crlf
    cmsutil -D -d sql:trust -i $m.cms.der -c mail.crlf -u 4 -n -h 1 >cmsutil-bad.txt 2>&1 || true
    grep -q "signer0.status=DigestMismatch" cmsutil-bad.txt || fail "cmsutil on changed content: $(cat cmsutil-bad.txt)"
done

step "register-nss: the module in a throwaway NSS database (modutil lists it, certutil sees the token's certificate)"
mkdir nssdb
certutil -N -d sql:nssdb --empty-password
expect 0 "" "$MT" register-nss --db sql:nssdb
grep -q "^sql:nssdb: registered \"MeSign Token\" ($MESIGN_PKCS11_MODULE)" out.txt || fail "register-nss: $(cat out.txt)"
modutil -dbdir sql:nssdb -list >modutil.txt 2>&1 || fail "modutil -list: $(cat modutil.txt)"
grep -A1 "^ *[0-9]*\. MeSign Token$" modutil.txt | has "library name: $MESIGN_PKCS11_MODULE" || fail "modutil: $(cat modutil.txt)"
LABEL=$("$MT" list --json | $PY -c 'import json,sys; print(json.load(sys.stdin)["readers"][0]["tokens"][0]["label"])')
certutil -L -d sql:nssdb -h "$LABEL" >certutil.txt 2>&1 || fail "certutil -L -h: $(cat certutil.txt)"
grep -q "^$LABEL:" certutil.txt || fail "NSS sees no certificate on the token: $(cat certutil.txt)"
expect 0 "" "$MT" register-nss --db sql:nssdb   # idempotent
grep -q "^sql:nssdb: already registered" out.txt || fail "second register-nss: $(cat out.txt)"
[ "$(modutil -dbdir sql:nssdb -list 2>/dev/null | grep -c 'MeSign Token')" = 1 ] || fail "registered twice"
# Default: every database under \$HOME (~/.pki/nssdb, Thunderbird and Firefox profiles).
mkdir -p home/.pki/nssdb home/.thunderbird/a1.default home/.mozilla/firefox/b2.default-release home/.mozilla/firefox/empty
for d in home/.pki/nssdb home/.thunderbird/a1.default home/.mozilla/firefox/b2.default-release; do
    certutil -N -d sql:$d --empty-password
done
HOME=$W/home expect 0 "" "$MT" register-nss
[ "$(grep -c ': registered "MeSign Token"' out.txt)" = 3 ] || fail "register-nss in \$HOME: $(cat out.txt)"
grep -q "firefox/empty" out.txt && fail "a directory without a database was touched: $(cat out.txt)"
HOME=$W/home expect 0 "" "$MT" register-nss --remove
[ "$(grep -c ': removed "MeSign Token"' out.txt)" = 3 ] || fail "register-nss --remove: $(cat out.txt)"
modutil -dbdir sql:home/.pki/nssdb -list 2>/dev/null | has "MeSign Token" && fail "still registered after --remove"
mkdir empty-home
HOME=$W/empty-home expect 1 "no NSS database found" "$MT" register-nss
expect 1 "modutil failed" "$MT" register-nss --db sql:$W/no-such-dir
expect 1 "does not exist" "$MT" register-nss --db sql:nssdb --module /nonexistent/module.so

step "sign-doc --pdf --tsa: pdfsig still valid, the embedded CMS timestamped"
expect 0 "" "$MT" sign-doc --pdf --in doc.pdf --out doc.ts.pdf --tsa "$TSA" --pin-value $PIN
pdfsig -nssdir sql:trust doc.ts.pdf >pdfsig3.txt 2>&1 || true
grep -q "Signature is Valid" pdfsig3.txt || fail "pdfsig with a timestamp: $(cat pdfsig3.txt)"
pdfsig -dump doc.ts.pdf >/dev/null 2>&1 || true
# /Contents is zero-padded after the DER: keep the outer SEQUENCE only.
$PY - doc.ts.pdf.sig0 doc.ts.p7s <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
assert d[0] == 0x30, "not a DER SEQUENCE"
n = d[1]
hl, ln = (2, n) if n < 0x80 else (2 + (n & 0x7F), int.from_bytes(d[2:2 + (n & 0x7F)], "big"))
open(sys.argv[2], "wb").write(d[:hl + ln])
PY
check_timestamp doc.ts.p7s

step "timestamps: an unreachable TSA, a TSA that is not trusted, a bad URL → exit 1/2, nothing written"
expect 1 "no timestamp from http://127.0.0.1:9/tsa" "$MT" sign-doc --in doc.bin --out t1.p7s --tsa http://127.0.0.1:9/tsa --pin-value $PIN
[ ! -s t1.p7s ] || fail "a signature was written although the TSA failed"
expect 1 "the TSA's reply does not check out" "$MT" sign-doc --in doc.bin --out t2.p7s --tsa "$TSA" --tsa-ca ca.crt --pin-value $PIN

step "https:// TSA: TLS certificate from a throwaway CA for IP 127.0.0.1; trusted only with --tsa-tls-ca"
openssl req -x509 -newkey rsa:2048 -nodes -keyout tlsca.key -out tlsca.crt -subj "/CN=TLS Test CA" -days 2 \
    -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout tls.key -out tls.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >tls.ext
openssl x509 -req -in tls.csr -CA tlsca.crt -CAkey tlsca.key -CAcreateserial -days 2 -extfile tls.ext -out tls.crt 2>/dev/null
$PY "$HERE/tsa_server.py" "$W/ts.cnf" "$W/tsas.port" "$W/tls.crt" "$W/tls.key" 2>"$W/tsas.log" &
CLEANUP_PIDS+=($!)
for _ in $(seq 100); do [ -s tsas.port ] && break; sleep 0.05; done
[ -s tsas.port ] || fail "the https TSA did not start: $(cat tsas.log)"
TSAS="https://127.0.0.1:$(cat tsas.port)/tsa"
expect 0 "" "$MT" sign-doc --in doc.bin --out tls.p7s --tsa "$TSAS" --tsa-ca tsaca.crt --tsa-tls-ca tlsca.crt --pin-value $PIN
openssl cms -verify -binary -inform DER -in tls.p7s -content doc.bin -CAfile ca.crt -out /dev/null 2>/dev/null \
    || fail "the https-timestamped signature does not verify"
check_timestamp tls.p7s
grep -q "POST /tsa" tsas.log || fail "the https TSA saw no request: $(cat tsas.log)"
expect 0 "" "$MT" sign-mail --in mail.txt --out tls.eml --tsa "$TSAS" --tsa-tls-ca tlsca.crt --pin-value $PIN
# The system trust store does not know the test CA; another CA file is no better. Nothing is written.
expect 1 "no timestamp from https://127.0.0.1:[0-9]+/tsa: its TLS certificate is not trusted \(.*\)" \
    "$MT" sign-doc --in doc.bin --out untrusted.p7s --tsa "$TSAS" --pin-value $PIN
[ ! -e untrusted.p7s ] || fail "a signature was written although the TSA failed"
expect 1 "its TLS certificate is not trusted" "$MT" sign-doc --in doc.bin --out u2.p7s --tsa "$TSAS" --tsa-tls-ca ca.crt --pin-value $PIN
expect 1 "cannot load TLS CA certificates from nonexistent.pem" \
    "$MT" sign-doc --in doc.bin --out u3.p7s --tsa "$TSAS" --tsa-tls-ca nonexistent.pem --pin-value $PIN
expect 2 "not a URL" "$MT" sign-mail --in mail.txt --tsa "::bad" --pin-value $PIN

echo "ALL PASSED"
