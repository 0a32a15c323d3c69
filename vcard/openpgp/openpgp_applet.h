// The OpenPGP card application 3.4, card side. Implementation split by topic:
// openpgp_applet.cpp (dispatch, SELECT, life cycle, MSE, GET CHALLENGE), openpgp_data.cpp (GET DATA,
// PUT DATA, SELECT DATA), openpgp_pin.cpp (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER),
// openpgp_keys.cpp (GENERATE, PSO, INTERNAL AUTHENTICATE, key import).
#pragma once

#include "vcard/applet.h"
#include "vcard/openpgp/openpgp_algo.h"

namespace vcard::openpgp {

using apdu::Command;
using apdu::Response;

class OpenPgpApplet final : public Applet {
  public:
    OpenPgpApplet(OpenPgpState state, Persistence& persistence);

    std::string_view name() const override { return "OpenPGP"; }
    bool matchesAid(ByteView aid) const override;
    bool acceptsSelectWithoutFci() const override { return true; }
    Response select() override;
    void deselect() override;
    void resetVolatile() override;
    bool allowsChaining(uint8_t ins) const override;
    Response process(const Command& cmd) override;
    uint32_t stateTag() const override;
    core::Result<core::SecureBytes> encodeState() const override;

    const OpenPgpState& state() const { return m_state; }
    // The 16-byte AID with this card's serial.
    Bytes aid() const;

  private:
    // Security status and selections: lost on SELECT, deselect and power.
    struct Volatile {
        bool pw1Sign = false;   // PW1 verified in mode 81 (PSO:CDS)
        bool pw1Other = false;  // PW1 verified in mode 82
        bool pw3 = false;
        Slot certSlot = Slot::Aut;  // 7F21 occurrence chosen by SELECT DATA (0 = AUT)
        Slot decKey = Slot::Dec;    // MSE: key used by PSO:DECIPHER
        Slot autKey = Slot::Aut;    // MSE: key used by INTERNAL AUTHENTICATE
    };

    // Applies `next` if the card file could be written; else 6581 and the old state stays.
    uint16_t commit(OpenPgpState next);

    // openpgp_data.cpp
    Response getData(const Command& cmd);
    Response putData(const Command& cmd);
    Response selectData(const Command& cmd);
    std::optional<Bytes> dataObject(uint32_t tag) const;
    Bytes applicationRelatedData() const;
    Bytes discretionaryData() const;
    Bytes pwStatus() const;

    // openpgp_pin.cpp
    Response verify(const Command& cmd);
    Response changeReference(const Command& cmd);
    Response resetRetryCounter(const Command& cmd);
    Response putResettingCode(ByteView value);

    // openpgp_keys.cpp
    Response generate(const Command& cmd);
    Response pso(const Command& cmd);
    Response computeSignature(const Command& cmd);
    Response decipher(const Command& cmd);
    Response internalAuthenticate(const Command& cmd);
    Response importKey(const Command& cmd);
    Response putAttributes(Slot slot, ByteView value);

    // openpgp_applet.cpp
    Response manageSecurityEnvironment(const Command& cmd);
    Response getChallenge(const Command& cmd);
    Response terminate(const Command& cmd);
    Response activate(const Command& cmd);

    AlgoSpec specOf(Slot s) const;

    OpenPgpState m_state;
    Persistence& m_persist;
    Volatile m_vol;
};

}  // namespace vcard::openpgp
