#!/usr/bin/env python3
"""Writes the seed corpora in corpus/<target>/ (committed; re-run only to change them).
Uses the openssl CLI for one EC certificate and key. Input layouts are described in each target."""
import gzip, hashlib, os, struct, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
h = bytes.fromhex


def seeds(target, items):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in items.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def chunk(b):  # fuzz::Input::chunk
    return bytes([len(b)]) + b if len(b) < 255 else b"\xff" + struct.pack(">H", len(b)) + b


def apdus(*cmds):
    return b"".join(chunk(h(c) if isinstance(c, str) else c) for c in cmds)


def tlv(tag, value):
    t = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    n = len(value)
    ln = bytes([n]) if n < 128 else (b"\x81" + bytes([n]) if n < 256 else b"\x82" + struct.pack(">H", n))
    return t + ln + value


tmp = tempfile.mkdtemp()
subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", f"{tmp}/k.pem", "-out", f"{tmp}/c.pem", "-subj", "/CN=fuzz", "-days", "1"],
               check=True, capture_output=True)
cert_pem = open(f"{tmp}/c.pem", "rb").read()
cert = subprocess.run(["openssl", "x509", "-in", f"{tmp}/c.pem", "-outform", "DER"], check=True,
                      capture_output=True).stdout
spki = subprocess.run(["openssl", "pkey", "-in", f"{tmp}/k.pem", "-pubout", "-outform", "DER"], check=True,
                      capture_output=True).stdout
point = spki[-65:]
sig = h("3044022011223344556677889900aabbccddeeff00112233445566778899aabbccddeeff0220"
        "7f223344556677889900aabbccddeeff00112233445566778899aabbccddeeff00")

select_rsp = h("61114F06000010000100790 74F05A0000003 08".replace(" ", ""))
seeds("tlv_reader", {
    "select": b"\x00\x4f" + select_rsp,
    "nested": b"\x7f\x49" + tlv(0x7F49, tlv(0x86, point)),
    "long": b"\x00\x53" + tlv(0x53, tlv(0x70, cert) + h("710100FE00")),
    "padding": b"\x00\x01" + h("0101AA00FFFF"),
})
seeds("command_parse", {
    "select": h("00A4040009A000000308000010 0000".replace(" ", "")),
    "verify-query": h("00200080"),
    "verify": h("002000800831323334353" + "6FFFF"),
    "extended": h("00CB3FFF000005" + "5C035FC105" + "0000"),
    "response": h("7C0A80081 99FA374705A69EB9000".replace(" ", "")),
})
seeds("channel_responses", {
    "ok": h("000010") + apdus("6A829000"[:0] + "019000"),
    "61xx": h("000010") + apdus("0102610 2".replace(" ", ""), "03049000"),
    "6cxx": h("000001") + apdus("6C04", "AABBCCDD9000"),
    "chain": h("0240 00".replace(" ", "")) + apdus(*["9000"] * 20),
})
disc = tlv(0x4F, h("A0000003080000100001 00".replace(" ", ""))) + tlv(0x5F2F, h("4000"))
chuid = tlv(0x30, bytes(25)) + tlv(0x34, bytes(range(16))) + tlv(0x35, b"20300101") + tlv(0x3E, b"") + h("FE00")
seeds("piv_containers", {
    "select": b"\x00" + select_rsp[2:],
    "chuid": b"\x01" + chuid,
    "discovery": b"\x02" + disc,
    "keyhistory": b"\x03" + tlv(0xC1, b"\x01") + tlv(0xC2, b"\x00") + h("FE00"),
    "cert": b"\x04" + tlv(0x70, cert) + h("710100FE00"),
    "cert-gzip": b"\x04" + tlv(0x70, gzip.compress(cert)) + h("710101FE00"),
    "metadata": b"\x05" + tlv(0x01, b"\x11") + tlv(0x02, h("0201")) + tlv(0x03, b"\x01") + tlv(0x04, tlv(0x86, point)),
    "inflate": b"\x86" + gzip.compress(b"A" * 200),
    "pin": b"\x07" + b"123456",
    "roundtrip": b"\x89" + cert[:100],
})
seeds("piv_public_key", {
    "ec": b"\x04" + tlv(0x86, point),
    "rsa": b"\x01" + tlv(0x81, b"\xc1" + bytes(255)) + tlv(0x82, h("010001")),
    "cert": b"\x80" + cert,
    "spki": b"\xc0" + spki,
})
aid = h("D27600012401030400050000A8B00000")
ext_caps = h("7D000BFE080000FF0000")
attrs_ec = h("132A8648CE3D030107")
app_data = tlv(0x6E, tlv(0x4F, aid) + tlv(0x5F52, h("0031C573C00140059000")) + tlv(0x7F66, h("0202080002020800"))
               + tlv(0x73, tlv(0xC0, ext_caps) + tlv(0xC1, attrs_ec) + tlv(0xC2, h("120A2B060104019755010501"))
                     + tlv(0xC3, h("162B06010401DA470F01")) + tlv(0xC4, h("00202020030003")) + tlv(0xC5, bytes(60))
                     + tlv(0xC6, bytes(60)) + tlv(0xCD, bytes(12)) + tlv(0xDE, h("010002000300"))))
seeds("openpgp_parsers", {
    "6e": b"\x00" + app_data,
    "65": b"\x01" + tlv(0x65, tlv(0x5B, b"Doe<<Jane") + tlv(0x5F2D, b"en") + tlv(0x5F35, b"9")),
    "7a": b"\x02" + tlv(0x7A, tlv(0x93, h("000005"))),
    "kdf": b"\x03" + tlv(0xF9, tlv(0x81, b"\x00")),
    "extcaps": b"\x04\x03\x04" + ext_caps,
    "pwstatus": b"\x05" + h("00202020030003"),
    "historical": b"\x06" + h("0031C573C00140059000"),
    "extlen": b"\x07" + tlv(0x02, h("0800")) + tlv(0x02, h("0800")),
    "key-ec": b"\x08" + chunk(attrs_ec) + tlv(0x7F49, tlv(0x86, point)),
    "key-rsa": b"\x08" + chunk(h("010800002000")) + tlv(0x7F49, tlv(0x81, b"\xc1" + bytes(255)) + tlv(0x82, h("010001"))),
    "spki": b"\x09" + spki,
})
seeds("crypto_parsers", {
    "ecdsa": b"\x00" + sig,
    "spki": b"\x01" + spki,
    "pem": b"\x02" + cert_pem,
    "der": b"\x03" + cert,
    "raw": b"\x04" + bytes(range(1, 65)),
})
piv_aid = "00A4040009A00000030800001000"
seeds("vcard_piv_dispatcher", {
    "select-verify": apdus(piv_aid, "00200080", "002000800831323334353" + "6FFFF", "00200080"),
    "getdata": apdus(piv_aid, "00CB3FFF055C035FC10200", "00CB3FFF035C017E00", "00FD000000"),
    "mgmt-witness": apdus(piv_aid, "0087039B047C028000", "00F70000" + "00", "00FD000000"),
    "sign": apdus(piv_aid, "002000800831323334353" + "6FFFF",
                  "0087119A267C24820081 20".replace(" ", "") + "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD00"),
    "reset": apdus(piv_aid, "002000800831323334353" + "6FFFF", "") + chunk(b"") + apdus("00200080"),
})
pgp_aid = "00A4040006D2760001240100"
seeds("vcard_openpgp_dispatcher", {
    "select-get": apdus(pgp_aid, "00CA006E00", "00CA006500", "00CA007A00", "00CA5F5000"),
    "verify": apdus(pgp_aid, "00200081063132333435 36".replace(" ", ""), "002000830831323334353637 38".replace(" ", ""),
                    "00200082"),
    "read-key": apdus(pgp_aid, "0047810002B60000", "0047810002B80000", "0047810002A40000"),
    "put-name": apdus(pgp_aid, "002000830831323334353637 38".replace(" ", ""), "00DA005B09446F653C3C4A616E65",
                      "00CA006500"),
    "challenge": apdus(pgp_aid, "0084000008", "00CA00C400"),
})


def card_file(body):
    head = b"MESIGNVC" + struct.pack(">HI", 1, len(body)) + body
    return head + hashlib.sha256(head).digest()


seeds("card_file_reader", {
    "empty-body": b"\x00" + card_file(b""),
    "short": b"\x00MESIGNVC\x00\x01",
    "unknown-section": b"\x01" + tlv(0xE9, b"\x01"),
    "piv-empty": b"\x01" + tlv(0xE1, b""),
})

# corpus/card_file_reader/piv-state-file (00 + file) and piv-state-body (01 + body) are a real state file
# of a new PIV card (default credentials, no keys): `mesign-vcard --init piv --once --port 1 FILE`.

# p11_attributes: app, key ref, usage, on-card, SPKI, certificate, then (selector, length + 1 | 0 + length).
tmpl = bytes([0, 0, 1, 255, 2, 0, 0, 3, 41, 0x81, 0x02, 0, 5, 0x80, 0x00, 2])
seeds("p11_attributes", {
    "piv-9a": b"\x00\x9a\x01\x01" + chunk(spki) + chunk(cert) + tmpl,
    "openpgp-sig": b"\x01\x01\x01\x00" + chunk(spki) + chunk(b"") + tmpl,
    "profile": b"\x00\x00\x00\x00\x00\x00" + bytes([0, 0, 1, 9]),
})


# md_file_system: name, cmapfile bytes, then the card's answers (SELECT, GET VERSION, CHUID, certificates).
md_select = h("61114F0600001000010079074F05A000000308") + h("9000")
md_chuid = tlv(0x53, tlv(0x30, h("D4E739DA739CED39CE739D836858210842108421C84210C3EB")) + tlv(0x34, bytes(range(16)))
               + tlv(0x35, b"20301231") + tlv(0x3E, b"") + tlv(0xFE, b"")) + h("9000")
md_cert = tlv(0x53, tlv(0x70, cert) + tlv(0x71, b"\x00") + tlv(0xFE, b""))
md_cert_answers = ([md_cert[:256] + bytes([0x61, len(md_cert) - 256]), md_cert[256:] + h("9000")]
                   if len(md_cert) > 256 else [md_cert + h("9000")])
md_head = apdus(md_select, h("0504039000"), md_chuid)
seeds("md_file_system", {
    "select-only": chunk(b"cardid") + chunk(b"") + apdus(md_select),
    "chuid": chunk(b"cardcf") + chunk(bytes(86)) + md_head,
    "chuid-cert": chunk(b"ksc00") + chunk(bytes(86)) + md_head + apdus(*md_cert_answers) * 4,
    "bad-name": chunk(b"../mscp/cmapfile") + chunk(b"\x01" * 87) + md_head,
})
