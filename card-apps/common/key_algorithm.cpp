// Names and sizes of the key algorithms every card application reports (card_application.h).
#include "card-apps/common/card_application.h"

namespace cardapp {

const char* keyAlgorithmName(KeyAlgorithm a) {
    switch (a) {
        case KeyAlgorithm::Rsa1024:
            return "RSA-1024";
        case KeyAlgorithm::Rsa2048:
            return "RSA-2048";
        case KeyAlgorithm::Rsa3072:
            return "RSA-3072";
        case KeyAlgorithm::Rsa4096:
            return "RSA-4096";
        case KeyAlgorithm::EcP256:
            return "EC P-256";
        case KeyAlgorithm::EcP384:
            return "EC P-384";
        case KeyAlgorithm::Ed25519:
            return "Ed25519";
        case KeyAlgorithm::X25519:
            return "X25519";
    }
    return "unknown";
}

std::size_t rsaModulusBytes(KeyAlgorithm a) {
    switch (a) {
        case KeyAlgorithm::Rsa1024:
            return 128;
        case KeyAlgorithm::Rsa2048:
            return 256;
        case KeyAlgorithm::Rsa3072:
            return 384;
        case KeyAlgorithm::Rsa4096:
            return 512;
        default:
            return 0;
    }
}

bool isRsa(KeyAlgorithm a) {
    return rsaModulusBytes(a) != 0;
}

bool isEc(KeyAlgorithm a) {
    return a == KeyAlgorithm::EcP256 || a == KeyAlgorithm::EcP384;
}

}  // namespace cardapp
