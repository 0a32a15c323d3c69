#!/usr/bin/env bash
# data_objects_interop.sh MODULE VCARD — PIV data objects (CKO_DATA) through OpenSC's pkcs11-tool: the card's
# public objects listed before login and the PIN-protected ones (printed information) only after; a data
# object written with --write-object --type data (SO = management key), read back byte for byte by label
# and by application, listed in a new process, refused for a standard object and without the SO login,
# deleted with --delete-object, and gone afterwards. Yubico's minidriver objects (5FFF10 MSCMAP, 5FFF11 MSROOTS)
# stay untouched and unlisted. Inside tests/integration/pcsc-sandbox.sh.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$1
# shellcheck source=card_fixture.sh
. "$HERE/card_fixture.sh"
card_fixture_start data-objects "$2"

P11="pkcs11-tool --module $MODULE"
YPT="yubico-piv-tool -r MeSign"
MGMT=010203040506070801020304050607080102030405060708

step "Yubico's minidriver objects (MSCMAP 5FFF10, MSROOTS 5FFF11) as its Windows minidriver leaves them"
printf 'container map of the Yubico minidriver' >mscmap.bin
printf 'roots of the Yubico minidriver' >msroots.bin
$YPT -a write-object --id 0x5fff10 -i mscmap.bin --format binary >/dev/null 2>&1 || fail "write MSCMAP"
$YPT -a write-object --id 0x5fff11 -i msroots.bin --format binary >/dev/null 2>&1 || fail "write MSROOTS1"

step "a printed-information object (PIN-protected) written by yubico-piv-tool"
printf 'MeSign printed info' >printed.bin
$YPT -a write-object --id 0x5fc109 -i printed.bin --format binary >/dev/null 2>&1 || fail "write printed info"

step "list before login: public data objects, no printed information"
$P11 -O >list.txt
grep -q "Data object" list.txt || fail "no data object listed"
grep -q "'Card Holder Unique Identifier'" list.txt || fail "CHUID not listed"
grep -q "'Card Capability Container'" list.txt || fail "CCC not listed"
# CKA_OBJECT_ID is the DER of the OID (PKCS#11); pkcs11-tool 0.23 decodes it without skipping the DER header
# (prints "0.6.10.96.840...") and encodes --application-id without one, so objects are named by label here.
grep -A3 "Card Holder Unique Identifier" list.txt | grep -q "840.1.101.3.7.2.48.0" || { cat list.txt; fail "CHUID app_id"; }
if grep -q "Printed Information" list.txt; then fail "printed information listed before login"; fi
if grep -q "'Data object 1'" list.txt; then fail "a vendor object listed before it was written"; fi

step "list after login: printed information appears (private), its value readable"
$P11 --login --pin 123456 -O >list-login.txt
grep -q "Printed Information" list-login.txt || fail "printed information not listed after login"
grep -A6 "Printed Information" list-login.txt | grep -q "private" || fail "printed information not private"
$P11 --login --pin 123456 --read-object --type data --label "Printed Information" -o printed.out
cmp printed.bin printed.out || fail "printed information read back differs"

step "CHUID read without login equals yubico-piv-tool's"
$P11 --read-object --type data --label "Card Holder Unique Identifier" -o chuid.p11
$YPT -a read-object --id 0x5fc102 --format binary -o chuid.ypt >/dev/null 2>&1 || fail "yubico-piv-tool read CHUID"
cmp chuid.p11 chuid.ypt || fail "CHUID differs between pkcs11-tool and yubico-piv-tool"

step "write a data object (SO = management key), read it back, list it in a new process"
head -c 1500 /dev/urandom >blob.bin
if $P11 --login --pin 123456 --write-object blob.bin --type data --label "Data object 1" >wr-user.txt 2>&1; then
    fail "data object written with the user login"
fi
$P11 --login --login-type so --so-pin $MGMT --write-object blob.bin --type data --label "Data object 1" \
    --application-label PIV >wr.txt 2>&1 || { cat wr.txt; fail "write-object --type data"; }
$P11 -O >list2.txt
grep -q "'Data object 1'" list2.txt || fail "written data object not listed by a new process"
$P11 --read-object --type data --label "Data object 1" -o blob.out
cmp blob.bin blob.out || fail "data object read back differs"
$YPT -a read-object --id 0x5fff20 --format binary -o blob.ypt >/dev/null 2>&1 || fail "yubico-piv-tool read 5FFF20"
cmp blob.bin blob.ypt || fail "the card holds other bytes than written"

step "Yubico's minidriver objects untouched by the write, and not listed"
for id in 5fff10:mscmap 5fff11:msroots; do
    $YPT -a read-object --id 0x${id%%:*} --format binary -o "${id#*:}.out" >/dev/null 2>&1 || fail "read 0x${id%%:*}"
    cmp "${id#*:}.bin" "${id#*:}.out" || fail "0x${id%%:*} changed by writing a PKCS#11 data object"
done
[ "$(grep -c "^Data object" list2.txt)" = "$(grep -c "^Data object" list.txt | awk '{print $1 + 1}')" ] \
    || fail "the write added other than one data object to the listing"

step "refused: a standard object (by OID or label)"
if $P11 --login --login-type so --so-pin $MGMT --write-object blob.bin --type data \
    --application-id 2.16.840.1.101.3.7.2.48.0 >wr-oid.txt 2>&1; then
    fail "a standard object was written by OID"
fi
grep -q "CKR_ATTRIBUTE_VALUE_INVALID" wr-oid.txt || { cat wr-oid.txt; fail "expected CKR_ATTRIBUTE_VALUE_INVALID (OID)"; }
if $P11 --login --login-type so --so-pin $MGMT --write-object blob.bin --type data \
    --label "Card Holder Unique Identifier" >wr-bad.txt 2>&1; then
    fail "a standard object was written"
fi
grep -q "CKR_ATTRIBUTE_VALUE_INVALID" wr-bad.txt || { cat wr-bad.txt; fail "expected CKR_ATTRIBUTE_VALUE_INVALID"; }

step "delete it (SO), gone in a new process and on the card"
$P11 --login --login-type so --so-pin $MGMT --delete-object --type data --label "Data object 1" >del.txt 2>&1 \
    || { cat del.txt; fail "delete-object --type data"; }
$P11 -O >list3.txt
if grep -q "'Data object 1'" list3.txt; then fail "deleted data object still listed"; fi
rm -f gone.ypt
if $YPT -a read-object --id 0x5fff20 --format binary -o gone.ypt >/dev/null 2>&1 && [ -s gone.ypt ]; then
    fail "the card still holds the deleted object"
fi
step "OK"
