#!/usr/bin/python3
"""pykcs11_sign.py MODULE KEY_ID_HEX DATA_FILE SIG_FILE — PyKCS11 (Debian's python3-pykcs11, /usr/bin/python3).

Loads MODULE, lists its slots and tokens, logs in with PIN 123456, finds the private key whose CKA_ID is
KEY_ID_HEX, signs DATA_FILE with CKM_SHA256_RSA_PKCS and writes the signature to SIG_FILE. Prints one line per
step ("slot N: <description> token=<label>", "logged in", "key: <label>", "signature: N bytes").
Exit status: 0 on success, 1 with "FAIL: ..." on stderr otherwise.
"""
import sys

import PyKCS11


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 5:
        fail("usage: pykcs11_sign.py MODULE KEY_ID_HEX DATA_FILE SIG_FILE")
    module, key_id, data_file, sig_file = sys.argv[1:]
    lib = PyKCS11.PyKCS11Lib()
    lib.load(module)
    info = lib.getInfo()
    print(f"library: {info.manufacturerID.strip()} / {info.libraryDescription.strip()}")
    slots = lib.getSlotList(tokenPresent=True)
    if len(slots) != 1:
        fail(f"expected one slot with a token, got {slots}")
    for slot in lib.getSlotList():
        slot_info = lib.getSlotInfo(slot)
        label = lib.getTokenInfo(slot).label.strip() if slot in slots else "-"
        print(f"slot {slot}: {slot_info.slotDescription.strip()} token={label}")
    session = lib.openSession(slots[0], PyKCS11.CKF_SERIAL_SESSION)
    session.login("123456")
    print("logged in")
    keys = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY),
                                (PyKCS11.CKA_ID, bytes.fromhex(key_id))])
    if len(keys) != 1:
        fail(f"expected one private key with CKA_ID {key_id}, found {len(keys)}")
    print(f"key: {session.getAttributeValue(keys[0], [PyKCS11.CKA_LABEL])[0]}")
    with open(data_file, "rb") as f:
        data = f.read()
    signature = bytes(session.sign(keys[0], data, PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS, None)))
    with open(sig_file, "wb") as f:
        f.write(signature)
    print(f"signature: {len(signature)} bytes")
    session.logout()
    session.closeSession()
    # A wrong PIN is reported as the PKCS#11 error, not swallowed.
    session = lib.openSession(slots[0], PyKCS11.CKF_SERIAL_SESSION)
    try:
        session.login("000000")
        fail("wrong PIN accepted")
    except PyKCS11.PyKCS11Error as e:
        if e.value != PyKCS11.CKR_PIN_INCORRECT:
            fail(f"wrong PIN: {e}")
        print("wrong PIN: CKR_PIN_INCORRECT")
    session.login("123456")  # the retry counter is reset again
    session.closeSession()


if __name__ == "__main__":
    try:
        main()
    except PyKCS11.PyKCS11Error as e:
        fail(f"PyKCS11: {e}")
