#include "vcard/open_card.h"

#include <system_error>

#include "core/apdu/tlv.h"
#include "core/base/log.h"
#include "vcard/card.h"
#include "vcard/card_file.h"
#include "vcard/openpgp/openpgp_applet.h"
#include "vcard/openpgp/openpgp_state.h"
#include "vcard/other_aid_applet.h"
#include "vcard/piv/piv_applet.h"
#include "vcard/piv/piv_state.h"

namespace vcard {

using core::Errc;
using core::fail;

namespace {

struct Apps {
    bool piv = false;
    bool openpgp = false;
};

// "piv", "openpgp" or "piv,openpgp" (one card carrying both; PIV stays the implicit selection).
core::Result<Apps> parseApps(const std::string& initApps) {
    if (initApps.empty()) return Apps{};
    if (initApps == "piv") return Apps{true, false};
    if (initApps == "openpgp") return Apps{false, true};
    if (initApps == "piv,openpgp") return Apps{true, true};
    return fail(Errc::InvalidArgument,
                "unknown card applications '" + initApps + "' (supported: piv, openpgp, piv,openpgp)");
}

std::unique_ptr<Card> assemble(std::filesystem::path file, std::optional<piv::PivState> pivState,
                               std::optional<openpgp::OpenPgpState> pgpState) {
    auto card = std::make_unique<Card>(std::move(file));
    if (pivState) {
        card->addApplet(std::make_unique<piv::PivApplet>(std::move(*pivState), *card), /*implicit=*/true);
        card->addApplet(OtherAidApplet::yubicoManagement());
        card->addApplet(OtherAidApplet::yubicoOtp());
    }
    // Implicitly selected only on a card without PIV.
    if (pgpState)
        card->addApplet(std::make_unique<openpgp::OpenPgpApplet>(std::move(*pgpState), *card),
                        /*implicit=*/!card->hasImplicitApplet());
    return card;
}

core::Result<std::unique_ptr<VirtualCard>> loadCard(const std::filesystem::path& path) {
    auto body = readCardFile(path);
    if (!body) return fail(body.error());
    const std::string where = "card state file " + path.string() + ": ";
    auto sections = apdu::parseAll(view(*body));
    if (!sections) return fail(Errc::Malformed, where + "corrupt body: " + sections.error().message);
    std::optional<piv::PivState> pivState;
    std::optional<openpgp::OpenPgpState> pgpState;
    for (const auto& s : *sections) {
        if (s.tag == piv::kStateSectionTag && !pivState) {
            auto st = piv::decodePivState(s.value);
            if (!st) return fail(Errc::Malformed, where + st.error().message);
            pivState = std::move(*st);
        } else if (s.tag == openpgp::kStateSectionTag && !pgpState) {
            auto st = openpgp::decodeOpenPgpState(s.value);
            if (!st) return fail(Errc::Malformed, where + st.error().message);
            pgpState = std::move(*st);
        } else {
            return fail(Errc::Malformed, where + "unexpected application section " + core::toHex(s.raw.first(1)));
        }
    }
    if (!pivState && !pgpState) return fail(Errc::Malformed, where + "contains no card application");
    MESIGN_LOG("vcard", Info, "opened virtual card " + path.string());
    return std::unique_ptr<VirtualCard>(assemble(path, std::move(pivState), std::move(pgpState)));
}

// A new card with default credentials for the applications in `apps`.
core::Result<std::unique_ptr<Card>> newCard(std::filesystem::path file, const Apps& apps) {
    std::optional<piv::PivState> pivState;
    if (apps.piv) {
        auto st = piv::newPivState();
        if (!st) return fail(st.error());
        pivState = std::move(*st);
    }
    std::optional<openpgp::OpenPgpState> pgpState;
    if (apps.openpgp) pgpState = openpgp::newOpenPgpState();
    return assemble(std::move(file), std::move(pivState), std::move(pgpState));
}

core::Result<std::unique_ptr<VirtualCard>> createMemoryCardImpl(const std::string& initApps) {
    auto apps = parseApps(initApps);
    if (!apps) return fail(apps.error());
    if (!apps->piv && !apps->openpgp)
        return fail(Errc::InvalidArgument, "a new card needs at least one application");
    auto card = newCard({}, *apps);
    if (!card) return fail(card.error());
    return std::unique_ptr<VirtualCard>(std::move(*card));
}

core::Result<std::unique_ptr<VirtualCard>> openCardImpl(const std::filesystem::path& stateFile,
                                                        const std::string& initApps) {
    auto apps = parseApps(initApps);
    if (!apps) return fail(apps.error());
    if (stateFile.empty()) return fail(Errc::InvalidArgument, "no card state file given");
    std::error_code ec;
    const auto fileStatus = std::filesystem::symlink_status(stateFile, ec);
    // Anything but a clear "does not exist" (including stat errors) goes to the loader, which reports it.
    if (fileStatus.type() != std::filesystem::file_type::not_found) return loadCard(stateFile);
    if (initApps.empty()) return fail(Errc::Io, "no such card: " + stateFile.string() + " does not exist");

    auto card = newCard(stateFile, *apps);
    if (!card) return fail(card.error());
    if (auto st = (*card)->save(); !st) return fail(st.error());
    MESIGN_LOG("vcard", Info, "created virtual " + (*card)->describe());
    return std::unique_ptr<VirtualCard>(std::move(*card));
}

}  // namespace

// Exceptions (allocation, an unseedable RNG) never leave the library.
core::Result<std::unique_ptr<VirtualCard>> createMemoryCard(const std::string& initApps) {
    try {
        return createMemoryCardImpl(initApps);
    } catch (const std::exception& e) {
        return fail(Errc::Internal, std::string("creating a virtual card failed: ") + e.what());
    }
}

core::Result<std::unique_ptr<VirtualCard>> openCard(const std::filesystem::path& stateFile,
                                                    const std::string& initApps) {
    try {
        return openCardImpl(stateFile, initApps);
    } catch (const std::exception& e) {
        return fail(Errc::Internal, "opening virtual card " + stateFile.string() + " failed: " + e.what());
    }
}

}  // namespace vcard
