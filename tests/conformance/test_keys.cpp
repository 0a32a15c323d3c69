#include "test_keys.h"

#include <sstream>

namespace p11test {

const Bytes kP256Params{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

namespace {

const char* labelFor(CK_KEY_TYPE keyType) {
    return keyType == CKK_RSA ? "conformance-rsa" : "conformance-ec";
}

bool findExisting(CK_SESSION_HANDLE s, CK_KEY_TYPE keyType, CK_ATTRIBUTE_TYPE usage, KeyPair* out) {
    const CK_OBJECT_CLASS privClass = CKO_PRIVATE_KEY;
    const auto privs =
        findObjects(s, {attr(CKA_CLASS, privClass), attr(CKA_KEY_TYPE, keyType), attr(usage, kTrue)});
    const CK_OBJECT_CLASS pubClass = CKO_PUBLIC_KEY;
    for (CK_OBJECT_HANDLE priv : privs) {
        const Bytes id = attributeBytes(s, priv, CKA_ID);
        const auto pubs =
            findObjects(s, {attr(CKA_CLASS, pubClass), attr(CKA_KEY_TYPE, keyType), attr(CKA_ID, id)});
        if (!pubs.empty()) {
            *out = KeyPair{priv, pubs.front()};
            return true;
        }
    }
    return false;
}

}  // namespace

CK_RV generateRsaPair(CK_SESSION_HANDLE s, CK_ULONG bits, bool token, const std::string& label,
                      KeyPair* out) {
    CK_MECHANISM mech{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
    const Bytes exponent{0x01, 0x00, 0x01};
    const Bytes id(label.begin(), label.end());
    const CK_BBOOL isToken = token ? CK_TRUE : CK_FALSE;
    std::vector<CK_ATTRIBUTE> pub{attr(CKA_TOKEN, isToken),
                                  attr(CKA_PRIVATE, kFalse),
                                  attr(CKA_MODULUS_BITS, bits),
                                  attr(CKA_PUBLIC_EXPONENT, exponent),
                                  attr(CKA_VERIFY, kTrue),
                                  attr(CKA_ENCRYPT, kTrue),
                                  attr(CKA_ID, id)};
    std::vector<CK_ATTRIBUTE> priv{attr(CKA_TOKEN, isToken),   attr(CKA_PRIVATE, kTrue),
                                   attr(CKA_SENSITIVE, kTrue), attr(CKA_SIGN, kTrue),
                                   attr(CKA_DECRYPT, kTrue),   attr(CKA_ID, id)};
    Bytes labelBytes(label.begin(), label.end());
    pub.push_back(attr(CKA_LABEL, labelBytes));
    priv.push_back(attr(CKA_LABEL, labelBytes));
    return p11()->C_GenerateKeyPair(s, &mech, pub.data(), pub.size(), priv.data(), priv.size(),
                                    &out->publicKey, &out->privateKey);
}

CK_RV generateEcPair(CK_SESSION_HANDLE s, const Bytes& ecParams, bool token, const std::string& label,
                     KeyPair* out) {
    CK_MECHANISM mech{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    const Bytes id(label.begin(), label.end());
    const CK_BBOOL isToken = token ? CK_TRUE : CK_FALSE;
    Bytes labelBytes(label.begin(), label.end());
    std::vector<CK_ATTRIBUTE> pub{
        attr(CKA_TOKEN, isToken), attr(CKA_PRIVATE, kFalse), attr(CKA_EC_PARAMS, ecParams),
        attr(CKA_VERIFY, kTrue),  attr(CKA_ID, id),          attr(CKA_LABEL, labelBytes)};
    std::vector<CK_ATTRIBUTE> priv{
        attr(CKA_TOKEN, isToken), attr(CKA_PRIVATE, kTrue), attr(CKA_SENSITIVE, kTrue), attr(CKA_SIGN, kTrue),
        attr(CKA_DERIVE, kTrue),  attr(CKA_ID, id),         attr(CKA_LABEL, labelBytes)};
    return p11()->C_GenerateKeyPair(s, &mech, pub.data(), pub.size(), priv.data(), priv.size(),
                                    &out->publicKey, &out->privateKey);
}

bool findTestKey(CK_SESSION_HANDLE s, CK_KEY_TYPE keyType, CK_ATTRIBUTE_TYPE usage, KeyPair* out,
                 std::string* why) {
    if (findExisting(s, keyType, usage, out)) return true;
    if (!profile().userKeyGeneration) {
        std::ostringstream text;
        text << "no suitable key on the token (key type 0x" << std::hex << keyType << ", usage attribute 0x"
             << usage << ") and profile '" << profile().name
             << "' does not let the suite generate one: provision it";
        *why = text.str();
        return false;
    }
    // Token objects, so they survive C_Finalize and are generated once per fresh token.
    const CK_RV rv = keyType == CKK_RSA ? generateRsaPair(s, 2048, true, labelFor(keyType), out)
                                        : generateEcPair(s, kP256Params, true, labelFor(keyType), out);
    if (rv != CKR_OK) {
        *why = "C_GenerateKeyPair for the suite's test key: " + ckrName(rv);
        return false;
    }
    return true;
}

Pkey openSslPublicKey(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE publicKey, std::string* why) {
    const CK_KEY_TYPE type = attributeUlong(s, publicKey, CKA_KEY_TYPE);
    if (type == CKK_RSA)
        return rsaPublicKey(attributeBytes(s, publicKey, CKA_MODULUS),
                            attributeBytes(s, publicKey, CKA_PUBLIC_EXPONENT), why);
    if (type == CKK_EC)
        return ecPublicKey(attributeBytes(s, publicKey, CKA_EC_PARAMS),
                           attributeBytes(s, publicKey, CKA_EC_POINT), why);
    *why = "unsupported key type " + std::to_string(type);
    return nullptr;
}

void KeyTest::useKey(CK_KEY_TYPE keyType, CK_ATTRIBUTE_TYPE usage) {
    std::string why;
    ASSERT_TRUE(findTestKey(session(), keyType, usage, &m_key, &why)) << why;
    m_publicKey = openSslPublicKey(session(), m_key.publicKey, &why);
    ASSERT_NE(m_publicKey, nullptr) << why;
}

}  // namespace p11test
