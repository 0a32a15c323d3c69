// Token::importKey: a private key the host hands over goes into a card slot (PIV IMPORT ASYMMETRIC KEY,
// OpenPGP PUT DATA 3FFF), with the same SO rules and cache handling as key generation.
#include "card-apps/common/private_key.h"
#include "core/token/token.h"
#include "core/token/token_impl.h"

namespace token {

core::Status Token::importKey(uint8_t keyRef, const cardapp::PrivateKeyComponents& key) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        MESIGN_TRY(d.takeLostLogin());
        MESIGN_TRY(d.requireSoManagementKey("importing a key"));
        auto k = d.run([&] { return d.app->importKey(keyRef, key); });
        // Whatever the outcome, the slot may have changed: the next listing reads the card.
        d.forgetObjects();
        ++d.generation;
        if (!k) return core::fail(k.error());
        // Known public key: it beats a certificate of the slot's previous key. Unknown (a PIV EC key given
        // without its point): the listing takes it from the card's metadata.
        if (!k->publicKeyInfo.empty())
            d.generatedSpki[keyRef] = k->publicKeyInfo;
        else
            d.generatedSpki.erase(keyRef);
        return {};
    });
}

}  // namespace token
