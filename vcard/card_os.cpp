#include "vcard/card_os.h"

#include <algorithm>

#include "core/apdu/status_words.h"

namespace vcard {

namespace sw = apdu::sw;

namespace {
constexpr uint8_t kInsSelect = 0xA4;
constexpr uint8_t kInsGetResponse = 0xC0;

bool sameHeader(uint8_t ins, uint8_t p1, uint8_t p2, const apdu::Command& c) {
    return c.ins == ins && c.p1 == p1 && c.p2 == p2;
}
}  // namespace

void CardOs::addApplet(std::unique_ptr<Applet> applet, bool implicit) {
    if (implicit && !m_default) {
        m_default = applet.get();
        if (!m_current) m_current = m_default;
    }
    m_applets.push_back(std::move(applet));
}

void CardOs::resetVolatile() {
    for (auto& a : m_applets) a->resetVolatile();
    m_current = m_default;
    m_chain.reset();
    discardPending();
}

void CardOs::discardPending() {
    core::secureWipe(m_pending.data(), m_pending.size());
    m_pending.clear();
    m_pendingPos = 0;
}

apdu::Response CardOs::process(core::ByteView raw) {
    auto parsed = apdu::Command::parse(raw);
    // A malformed APDU is not a command: no state (chain, pending response) is touched.
    if (!parsed) return swOnly(sw::kWrongLength);
    apdu::Command cmd = std::move(*parsed);
    struct Wipe {
        core::Bytes& b;
        ~Wipe() { core::secureWipe(b.data(), b.size()); }
    } wipe{cmd.data};

    // Only interindustry CLA 00, with or without the chaining bit: no secure messaging, no logical channels.
    if ((cmd.cla & ~apdu::kClaChaining) != 0x00) return swOnly(sw::kClaNotSupported);
    const bool chained = (cmd.cla & apdu::kClaChaining) != 0;

    if (cmd.ins == kInsGetResponse && !chained) {
        m_chain.reset();
        return getResponse(cmd);
    }
    discardPending();  // any other command discards an unread response

    if (m_chain) {
        if (!sameHeader(m_chain->ins, m_chain->p1, m_chain->p2, cmd)) {
            const bool continuation = chained || cmd.ins == m_chain->ins;
            m_chain.reset();  // an interrupted chain has no effect (nothing was executed yet)
            if (continuation) return swOnly(sw::kLastCommandExpected);
            // A foreign command: the chain is abandoned and the command is processed normally.
        }
    }

    if (chained) {
        if (cmd.ins == kInsGetResponse || cmd.ins == kInsSelect || !m_current ||
            !m_current->allowsChaining(cmd.ins)) {
            m_chain.reset();
            return swOnly(sw::kChainingNotSupported);
        }
        if (!m_chain) m_chain = Chain{cmd.ins, cmd.p1, cmd.p2, {}};
        if (m_chain->data.size() + cmd.data.size() > kMaxChain) {
            m_chain.reset();
            return swOnly(sw::kNoSpace);
        }
        m_chain->data.insert(m_chain->data.end(), cmd.data.begin(), cmd.data.end());
        return swOnly(sw::kOk);
    }

    if (m_chain) {  // last piece of the chain: join
        if (m_chain->data.size() + cmd.data.size() > kMaxChain) {
            m_chain.reset();
            return swOnly(sw::kNoSpace);
        }
        core::Bytes joined(m_chain->data.begin(), m_chain->data.end());
        joined.insert(joined.end(), cmd.data.begin(), cmd.data.end());
        core::secureWipe(cmd.data.data(), cmd.data.size());
        cmd.data = std::move(joined);
        m_chain.reset();
    }
    const std::size_t ne = cmd.ne;
    return deliver(dispatch(cmd), ne);
}

apdu::Response CardOs::dispatch(const apdu::Command& cmd) {
    if (cmd.ins == kInsSelect) return select(cmd);
    if (!m_current) return swOnly(sw::kInsNotSupported);
    return m_current->process(cmd);
}

apdu::Response CardOs::select(const apdu::Command& cmd) {
    if (cmd.p1 != 0x04) return swOnly(sw::kIncorrectP1P2);  // no file system: only selection by DF name
    // P2 = 0C ("no response data", what OpenSC and some GnuPG paths send) only for applets that take it.
    const bool noFci = cmd.p2 == 0x0C;
    if (cmd.p2 != 0x00 && !noFci) return swOnly(sw::kIncorrectP1P2);
    if (cmd.data.empty()) return swOnly(noFci ? sw::kIncorrectP1P2 : sw::kFileNotFound);
    for (auto& a : m_applets) {
        if (!a->matchesAid(cmd.data)) continue;
        if (noFci && !a->acceptsSelectWithoutFci()) return swOnly(sw::kIncorrectP1P2);
        if (m_current && m_current != a.get()) m_current->deselect();
        m_current = a.get();
        apdu::Response r = a->select();
        if (noFci) r.data.clear();
        return r;
    }
    // Unknown AID: current selection and its status unchanged.
    return swOnly(noFci ? sw::kIncorrectP1P2 : sw::kFileNotFound);
}

apdu::Response CardOs::getResponse(const apdu::Command& cmd) {
    if (cmd.p1 != 0x00 || cmd.p2 != 0x00) {
        discardPending();
        return swOnly(sw::kIncorrectP1P2);
    }
    if (m_pendingPos >= m_pending.size()) {
        discardPending();
        return swOnly(sw::kConditionsNotSatisfied);  // nothing to get
    }
    const std::size_t want = cmd.ne == 0 ? apdu::kMaxShortLe : cmd.ne;
    const std::size_t n = std::min(want, m_pending.size() - m_pendingPos);
    core::Bytes out(m_pending.begin() + static_cast<std::ptrdiff_t>(m_pendingPos),
                    m_pending.begin() + static_cast<std::ptrdiff_t>(m_pendingPos + n));
    m_pendingPos += n;
    const std::size_t left = m_pending.size() - m_pendingPos;
    if (left == 0) {
        discardPending();
        return withData(std::move(out));
    }
    return withData(std::move(out), static_cast<uint16_t>(0x6100 | (left >= 256 ? 0 : left)));
}

apdu::Response CardOs::deliver(apdu::Response r, std::size_t ne) {
    // Lenient: a command without Le still gets up to 256 bytes (hosts often omit Le under T=1).
    const std::size_t limit = ne == 0 ? apdu::kMaxShortLe : ne;
    if (r.sw != sw::kOk || r.data.size() <= limit) return r;
    m_pending.assign(r.data.begin() + static_cast<std::ptrdiff_t>(limit), r.data.end());
    m_pendingPos = 0;
    core::secureWipe(r.data.data() + limit, r.data.size() - limit);
    r.data.resize(limit);
    const std::size_t left = m_pending.size();
    r.sw = static_cast<uint16_t>(0x6100 | (left >= 256 ? 0 : left));
    return r;
}

}  // namespace vcard
