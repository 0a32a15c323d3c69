#!/usr/bin/env bash
# mail_test.sh MESIGN_TOKEN VCARD MODULE — signed-and-encrypted mail, several recipients and progress output of
# mesign-token against a virtual PIV card (9A signing key, 9D key-management key) inside
# tests/integration/pcsc-sandbox.sh. Software recipients (RSA and EC P-256, keys in files) read what the token
# user sent with `openssl cms -decrypt`; the inner signature is checked by `openssl cms -verify`, NSS `cmsutil`
# and our `verify`; the token reads its own copy with decrypt-mail / decrypt-doc. Progress: a `slow` fault of
# the card makes key generation take over a second, seen on a pseudo-terminal, in a pipe and under --quiet.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh" mail "$@"
PIN=123456

step "a PIV card: RSA keys in 9A (signing) and 9D (key management), certificates from a throwaway CA"
start_card piv --fault-control "$W/faults"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj "/CN=Mail Test CA" -days 2 \
    -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
printf 'keyUsage=critical,digitalSignature,keyEncipherment,keyAgreement\nextendedKeyUsage=emailProtection\n' >user.ext
expect 0 "generated" "$MT" enroll --slot 9a --subject "/CN=Mail Signer" --out req.pem --pin-value $PIN
openssl x509 -req -in req.pem -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile user.ext -out sig.crt \
    2>/dev/null || fail "CA: 9A certificate"
expect 0 "written to slot 9a" "$MT" import-cert --slot 9a sig.crt
expect 0 "generated" "$MT" enroll --slot 9d --pubkey-out pub9d.pem
openssl x509 -new -force_pubkey pub9d.pem -subj "/CN=Mail Signer (encryption)" -CA ca.crt -CAkey ca.key \
    -days 2 -extfile user.ext -out enc.crt 2>/dev/null || fail "CA: 9D certificate"
expect 0 "written to slot 9d" "$MT" import-cert --slot 9d enc.crt
# Two software recipients: RSA (key transport) and EC P-256 (ECDH key agreement).
openssl req -new -newkey rsa:2048 -nodes -keyout bob.key -subj "/CN=Bob RSA" -out bob.csr 2>/dev/null
openssl x509 -req -in bob.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile user.ext -out bob.crt 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout carol.key -subj "/CN=Carol EC" \
    -out carol.csr 2>/dev/null
openssl x509 -req -in carol.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile user.ext \
    -out carol.crt 2>/dev/null

step "sign-mail --encrypt-to-self --encrypt-to bob --encrypt-to carol: signed, then enveloped for three"
printf 'From: signer@example.test\nTo: bob@example.test\nSubject: secret\n\nSigned on the token, then encrypted.\nLine two.\n' >mail.txt
expect 0 "" "$MT" sign-mail --in mail.txt --out mail.eml --encrypt-to-self --encrypt-to bob.crt \
    --encrypt-to carol.crt --pin-value $PIN
has -i "^Content-Type: application/pkcs7-mime; smime-type=enveloped-data" mail.eml || fail "not enveloped: $(head -5 mail.eml)"
openssl cms -cmsout -print -in mail.eml >env.txt 2>&1 || fail "openssl cannot read the envelope: $(cat env.txt)"
has "aes-256-cbc" env.txt || fail "content encryption is not AES-256-CBC: $(grep -i algorithm env.txt)"
[ "$(grep -c "d.ktri:" env.txt)" = 2 ] || fail "expected two RSA key-transport recipients: $(cat env.txt)"
[ "$(grep -c "d.kari:" env.txt)" = 1 ] || fail "expected one ECDH key-agreement recipient: $(cat env.txt)"
has "rsaEncryption" env.txt || fail "RSA recipients not PKCS#1 v1.5: $(cat env.txt)"
for who in bob carol; do
    openssl cms -decrypt -in mail.eml -recip $who.crt -inkey $who.key -out inner-$who.eml >dec.txt 2>&1 \
        || fail "openssl cms -decrypt as $who: $(cat dec.txt)"
    openssl cms -verify -CAfile ca.crt -in inner-$who.eml -out content-$who.txt >ver.txt 2>&1 \
        || fail "openssl cms -verify of the inner mail ($who): $(cat ver.txt)"
    diff <(tr -d '\r' <content-$who.txt) mail.txt >/dev/null || fail "the signed content differs ($who)"
done
cmp -s inner-bob.eml inner-carol.eml || fail "bob and carol decrypted different mails"
has -i "^Content-Type: multipart/signed" inner-bob.eml || fail "the inner part is not multipart/signed"

step "NSS cmsutil verifies the decrypted inner signature"
mkdir trust
certutil -N -d sql:trust --empty-password
certutil -A -d sql:trust -n "Mail Test CA" -t "CT,C,C" -i ca.crt
openssl cms -cmsout -in inner-bob.eml -outform DER -out inner.cms.der 2>/dev/null || fail "no CMS in the inner mail"
sed 's/$/\r/' mail.txt >mail.crlf
cmsutil -D -d sql:trust -i inner.cms.der -c mail.crlf -u 4 -n -h 1 >cmsutil.txt 2>&1 || fail "cmsutil -D: $(cat cmsutil.txt)"
has 'signer0.id="Mail Signer"; signer0.status=GoodSignature;' cmsutil.txt || fail "cmsutil: $(cat cmsutil.txt)"

step "decrypt-mail with the token's 9D key: the signed mail, and a note to verify it"
expect 0 "the decrypted mail is signed; check its signature with 'mesign-token verify" \
    "$MT" decrypt-mail --in mail.eml --out inner-token.eml --pin-value $PIN
cmp -s inner-token.eml inner-bob.eml || fail "decrypt-mail gives another mail than openssl"
expect 0 "verification successful, signed by /CN=Mail Signer" "$MT" verify --ca ca.crt --in inner-token.eml --out c.txt
diff <(tr -d '\r' <c.txt) mail.txt >/dev/null || fail "verify: content differs"
# Encrypted only to others: the token cannot read it.
expect 0 "" "$MT" sign-mail --in mail.txt --out others.eml --encrypt-to bob.crt --pin-value $PIN
expect 1 "decryption failed" "$MT" decrypt-mail --in others.eml --out x.eml --pin-value $PIN
# A plain (unsigned) mail encrypted by openssl decrypts without the note.
openssl cms -encrypt -aes256 -in mail.txt -out plain.eml enc.crt 2>/dev/null
expect 0 "" "$MT" decrypt-mail --in plain.eml --out plain.txt --pin-value $PIN
has "is signed" err.txt && fail "a note for an unsigned mail: $(cat err.txt)"
diff <(tr -d '\r' <plain.txt) mail.txt >/dev/null || fail "decrypt-mail of an unsigned mail: content differs"

step "sign-mail --encrypt-to errors: a missing or bad certificate file fails before the PIN; a wrong PIN"
expect 1 "cannot read nonexistent.crt" "$MT" sign-mail --in mail.txt --encrypt-to nonexistent.crt
expect 1 "mail.txt: not a certificate" "$MT" sign-mail --in mail.txt --encrypt-to mail.txt
rm -f x.eml
expect 4 "wrong PIN \(2 tries left\)" "$MT" sign-mail --in mail.txt --out x.eml --encrypt-to bob.crt --pin-value 000000
[ ! -e x.eml ] || fail "a mail was written although the PIN was wrong"
expect 0 "" "$MT" info  # (a correct PIN below resets the counter)
expect 0 "" "$MT" sign-mail --in mail.txt --out x.eml --pin-value $PIN

step "encrypt-doc to several recipients: --slot 9d and two --recipient files; each decrypts alone"
head -c 70000 /dev/urandom >doc.bin
expect 0 "" "$MT" encrypt-doc --slot 9d --recipient bob.crt --recipient carol.crt --in doc.bin --out doc.p7m
openssl cms -cmsout -print -inform DER -in doc.p7m >doc-env.txt
if [ "$(grep -c "d.ktri:" doc-env.txt)" != 2 ] || [ "$(grep -c "d.kari:" doc-env.txt)" != 1 ]; then
    fail "encrypt-doc: expected 2 ktri + 1 kari recipients: $(cat doc-env.txt)"
fi
for who in bob carol; do
    openssl cms -decrypt -binary -inform DER -in doc.p7m -recip $who.crt -inkey $who.key -out doc-$who.bin \
        >dec.txt 2>&1 || fail "openssl decrypt ($who): $(cat dec.txt)"
    cmp -s doc.bin doc-$who.bin || fail "encrypt-doc: $who reads another document"
done
expect 0 "" "$MT" decrypt-doc --in doc.p7m --out doc-token.bin --pin-value $PIN
cmp -s doc.bin doc-token.bin || fail "decrypt-doc: the token reads another document"
# --oaep: RSAES-OAEP (SHA-256) for the RSA recipients (the token's 9D and bob); both decrypt, the token through libp11.
expect 0 "" "$MT" encrypt-doc --slot 9d --recipient bob.crt --oaep --in doc.bin --out doc-oaep.p7m
[ "$(openssl cms -cmsout -print -inform DER -in doc-oaep.p7m | grep -c "algorithm: rsaesOaep")" = 2 ] ||
    fail "encrypt-doc --oaep: RSA recipients not OAEP"
[ "$(openssl cms -cmsout -print -inform DER -in doc-oaep.p7m | grep -c ":sha256")" = 4 ] ||
    fail "encrypt-doc --oaep: OAEP and MGF1 hashes not SHA-256 for both RSA recipients"
openssl cms -decrypt -binary -inform DER -in doc-oaep.p7m -recip bob.crt -inkey bob.key -out doc-oaep-bob.bin \
    >dec.txt 2>&1 || fail "openssl decrypt (OAEP): $(cat dec.txt)"
cmp -s doc.bin doc-oaep-bob.bin || fail "encrypt-doc --oaep: bob reads another document"
expect 0 "" "$MT" decrypt-doc --in doc-oaep.p7m --out doc-oaep-token.bin --pin-value $PIN
cmp -s doc.bin doc-oaep-token.bin || fail "decrypt-doc (OAEP): the token reads another document"
# --recipient only: the token is not a recipient; PEM output.
expect 0 "" "$MT" encrypt-doc --recipient bob.crt --recipient carol.crt --in doc.bin --out doc2.pem --pem
[ "$(openssl cms -cmsout -print -inform PEM -in doc2.pem | grep -c "d.k[at]ri:")" = 2 ] || fail "encrypt-doc: 2 recipients expected"
expect 1 "decryption failed" "$MT" decrypt-doc --in doc2.pem --out x.bin --pin-value $PIN
expect 1 "bob.key: not a certificate" "$MT" encrypt-doc --recipient bob.crt --recipient bob.key --in doc.bin --out x.p7m
expect 2 "a token URI needs --slot when --recipient is given" \
    "$MT" encrypt-doc "pkcs11:token=x" --recipient bob.crt --in doc.bin --out x.p7m
expect 1 "slot 9c has no certificate to encrypt to" "$MT" encrypt-doc --slot 9c --recipient bob.crt --in doc.bin

step "keys named by the token URI's id= (RFC 7512): %03 is 9D, %01 is 9A; --slot must agree"
TOKEN_URI=$("$MT" list | sed -n 's/.*\(pkcs11:[^ ]*\).*/\1/p' | head -1)
[ -n "$TOKEN_URI" ] || fail "no token URI in: $("$MT" list 2>&1)"
expect 0 "" "$MT" encrypt-doc "$TOKEN_URI;id=%03" --in doc.bin --out doc-id.p7m
expect 0 "" "$MT" decrypt-doc "$TOKEN_URI;id=%03" --in doc-id.p7m --out doc-id.bin --pin-value $PIN
cmp -s doc.bin doc-id.bin || fail "decrypt-doc by URI id: another document"
expect 1 "decryption failed" "$MT" decrypt-doc "$TOKEN_URI;id=%01" --in doc-id.p7m --out x.bin --pin-value $PIN
expect 0 "" "$MT" sign-doc "$TOKEN_URI;id=%01" --in doc.bin --out doc-id.sig --pin-value $PIN
openssl cms -verify -binary -inform DER -in doc-id.sig -content doc.bin -CAfile ca.crt -purpose any \
    -out /dev/null 2>verify.txt || fail "sign-doc by URI id: $(cat verify.txt)"
openssl cms -cmsout -print -inform DER -in doc-id.sig | has "CN=Mail Signer$" || fail "sign-doc by URI id: not the 9A key"
expect 2 "name different keys" "$MT" sign-doc "$TOKEN_URI;id=%01" --slot 9d --in doc.bin --out x.sig --pin-value $PIN
expect 2 "names no key slot" "$MT" sign-doc "$TOKEN_URI;id=%19" --in doc.bin --out x.sig --pin-value $PIN

step "progress: key generation made slow (1.5 s) by the card: elapsed seconds on a terminal, one line otherwise"
echo "slow 1500 ins=47" >>"$W/faults"
$PY "$HERE/pty_prompt.py" "$MT" enroll --slot 9c --key-type ec256 --pubkey-out p9c.pem </dev/null >pty.txt 2>&1 \
    || fail "enroll on a terminal: $(cat pty.txt)"
has -F "mesign-token: generating a " pty.txt || fail "no progress on the terminal: $(cat -A pty.txt)"
grep -aEq "key on the token… 1 s" pty.txt || fail "no elapsed seconds on the terminal: $(cat -A pty.txt)"
grep -aEq "key on the token… done \([0-9]+\.[0-9] s\)" pty.txt || fail "no final line on the terminal: $(cat -A pty.txt)"
echo "slow 1500 ins=47" >>"$W/faults"
expect 0 "" "$MT" enroll --slot 9c --key-type ec256 --pubkey-out p9c.pem
[ "$(grep -c "^mesign-token: generating a .* key on the token…$" err.txt)" = 1 ] || fail "not one progress line: $(cat -A err.txt)"
has -F $'\r' err.txt && fail "carriage returns outside a terminal: $(cat -A err.txt)"
echo "slow 1500 ins=47" >>"$W/faults"
expect 0 "" "$MT" enroll --quiet --slot 9c --key-type ec256 --pubkey-out p9c.pem
has "generating a" err.txt && fail "progress under --quiet: $(cat err.txt)"
# Fast steps stay silent.
expect 0 "" "$MT" encrypt-doc --slot 9d --in doc.bin --out x.p7m
[ ! -s err.txt ] || fail "a fast step printed something: $(cat err.txt)"

step "an EC P-256 key-management key (retired slot 82): ECDH recipients; the token decrypts (C_DeriveKey)"
expect 0 "generated" "$MT" enroll --slot 82 --key-type ec256 --pubkey-out pub82.pem
openssl x509 -new -force_pubkey pub82.pem -subj "/CN=Mail Signer (EC encryption)" -CA ca.crt -CAkey ca.key \
    -days 2 -extfile user.ext -out enc-ec.crt 2>/dev/null || fail "CA: EC certificate"
expect 0 "written to slot 82" "$MT" import-cert --slot 82 enc-ec.crt
expect 0 "" "$MT" encrypt-doc --slot 82 --in doc.bin --out doc-ec.p7m
[ "$(openssl cms -cmsout -print -inform DER -in doc-ec.p7m | grep -c "d.kari:")" = 1 ] || fail "not ECDH (kari)"
expect 0 "" "$MT" decrypt-doc --slot 82 --in doc-ec.p7m --out doc-ec.bin --pin-value $PIN
cmp -s doc.bin doc-ec.bin || fail "decrypt-doc with the EC key: the document differs"
expect 0 "" "$MT" sign-mail --in mail.txt --out mail-ec.eml --encrypt-to enc-ec.crt --encrypt-to bob.crt --pin-value $PIN
expect 0 "the decrypted mail is signed" "$MT" decrypt-mail --slot 82 --in mail-ec.eml --out inner-ec.eml --pin-value $PIN
openssl cms -verify -CAfile ca.crt -in inner-ec.eml -out /dev/null >ver.txt 2>&1 || fail "EC recipient: $(cat ver.txt)"

step "re-enrolling 9D (EC P-256 now): the old key's certificate is removed, the new one imports; ECDH with 9D"
expect 0 "removed the replaced key's certificate from slot 9d" "$MT" enroll --slot 9d --key-type ec256 --pubkey-out pub9d-ec.pem
"$MT" info >info.txt
grep -A1 "^  Key 9d" info.txt | has "^    no certificate" || fail "slot 9d still lists a certificate: $(cat info.txt)"
openssl x509 -new -force_pubkey pub9d-ec.pem -subj "/CN=Mail Signer (EC 9D)" -CA ca.crt -CAkey ca.key \
    -days 2 -extfile user.ext -out enc9d-ec.crt 2>/dev/null || fail "CA: EC 9D certificate"
expect 0 "written to slot 9d" "$MT" import-cert --slot 9d enc9d-ec.crt
expect 0 "" "$MT" sign-mail --in mail.txt --out mail-self-ec.eml --encrypt-to-self --pin-value $PIN
expect 0 "the decrypted mail is signed" "$MT" decrypt-mail --in mail-self-ec.eml --out inner-self-ec.eml --pin-value $PIN
openssl cms -verify -CAfile ca.crt -in inner-self-ec.eml -out /dev/null >ver.txt 2>&1 || fail "EC 9D self copy: $(cat ver.txt)"
echo "ALL PASSED"
