// The PIV card application (SP 800-73-4 + Yubico extensions), card side. Implementation split by topic:
// piv_applet.cpp (dispatch, SELECT, GET/PUT DATA), piv_auth.cpp (PIN, PUK, management key),
// piv_keys.cpp (GENERAL AUTHENTICATE with key pairs, GENERATE, IMPORT, METADATA, ATTEST),
// piv_yubico.cpp (version, serial, set management key, set retries, reset).
#pragma once

#include "vcard/applet.h"
#include "vcard/piv/piv_types.h"

namespace vcard::piv {

using apdu::Command;
using apdu::Response;

// PIX with version, as YubiKeys put it in 4F of the SELECT answer.
extern const uint8_t kPivAid[11];

class PivApplet final : public Applet {
  public:
    PivApplet(PivState state, Persistence& persistence);

    std::string_view name() const override { return "PIV"; }
    bool matchesAid(ByteView aid) const override;
    Response select() override;
    void deselect() override;
    void resetVolatile() override;
    bool allowsChaining(uint8_t ins) const override;
    Response process(const Command& cmd) override;
    uint32_t stateTag() const override;
    core::Result<core::SecureBytes> encodeState() const override;

    const PivState& state() const { return m_state; }

  private:
    // Application security status and pending management-key challenge: lost on deselect and power.
    struct Volatile {
        bool pinVerified = false;
        bool pinFresh = false;  // PIN-always keys: set by VERIFY, consumed by one GENERAL AUTHENTICATE
        bool admin = false;     // 9B authenticated
        enum class MgmtStep { None, Witness, Challenge } mgmtStep = MgmtStep::None;
        SecureBytes mgmtExpect;  // R1 (mutual) or the challenge (external)
    };

    // Applies `next` as the new persistent state if the card file could be written (else 6581 and the
    // old state stays).
    uint16_t commit(PivState next);

    Response getData(const Command& cmd);
    Response putData(const Command& cmd);

    Response verify(const Command& cmd);
    Response changeReference(const Command& cmd);
    Response resetRetryCounter(const Command& cmd);
    Response generalAuthenticate(const Command& cmd);
    Response mgmtAuthenticate(const Command& cmd);

    Response asymmetricAuthenticate(const Command& cmd);
    Response generate(const Command& cmd);
    Response importKey(const Command& cmd);
    Response metadata(const Command& cmd);
    Response attest(const Command& cmd);

    Response version(const Command& cmd);
    Response serial(const Command& cmd);
    Response setManagementKey(const Command& cmd);
    Response setPinRetries(const Command& cmd);
    Response moveOrDeleteKey(const Command& cmd);
    Response resetApplet(const Command& cmd);

    bool keyUsable(const KeySlot& k) const;

    PivState m_state;
    Persistence& m_persist;
    Volatile m_vol;
};

}  // namespace vcard::piv
