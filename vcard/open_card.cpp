#include "vcard/open_card.h"

#include <system_error>

#include "core/apdu/tlv.h"
#include "core/base/log.h"
#include "vcard/card.h"
#include "vcard/card_file.h"
#include "vcard/other_aid_applet.h"
#include "vcard/piv/piv_applet.h"
#include "vcard/piv/piv_state.h"

namespace vcard {

using core::Errc;
using core::fail;

namespace {

core::Status checkApps(const std::string& initApps) {
    if (initApps.empty() || initApps == "piv") return {};
    return fail(Errc::InvalidArgument, "unknown card applications '" + initApps + "' (supported: piv)");
}

std::unique_ptr<Card> assemble(std::filesystem::path file, piv::PivState state) {
    auto card = std::make_unique<Card>(std::move(file));
    card->addApplet(std::make_unique<piv::PivApplet>(std::move(state), *card), /*implicit=*/true);
    card->addApplet(OtherAidApplet::yubicoManagement());
    card->addApplet(OtherAidApplet::yubicoOtp());
    return card;
}

core::Result<std::unique_ptr<VirtualCard>> loadCard(const std::filesystem::path& path) {
    auto body = readCardFile(path);
    if (!body) return fail(body.error());
    const std::string where = "card state file " + path.string() + ": ";
    auto sections = apdu::parseAll(view(*body));
    if (!sections) return fail(Errc::Malformed, where + "corrupt body: " + sections.error().message);
    std::optional<piv::PivState> pivState;
    for (const auto& s : *sections) {
        if (s.tag != piv::kStateSectionTag || pivState)
            return fail(Errc::Malformed,
                        where + "unexpected application section " + core::toHex(s.raw.first(1)));
        auto st = piv::decodePivState(s.value);
        if (!st) return fail(Errc::Malformed, where + st.error().message);
        pivState = std::move(*st);
    }
    if (!pivState) return fail(Errc::Malformed, where + "contains no card application");
    MESIGN_LOG("vcard", Info, "opened virtual card " + path.string());
    return std::unique_ptr<VirtualCard>(assemble(path, std::move(*pivState)));
}

core::Result<std::unique_ptr<VirtualCard>> createMemoryCardImpl(const std::string& initApps) {
    MESIGN_TRY(checkApps(initApps));
    if (initApps.empty()) return fail(Errc::InvalidArgument, "a new card needs at least one application");
    auto state = piv::newPivState();
    if (!state) return fail(state.error());
    return std::unique_ptr<VirtualCard>(assemble({}, std::move(*state)));
}

core::Result<std::unique_ptr<VirtualCard>> openCardImpl(const std::filesystem::path& stateFile,
                                                        const std::string& initApps) {
    MESIGN_TRY(checkApps(initApps));
    if (stateFile.empty()) return fail(Errc::InvalidArgument, "no card state file given");
    std::error_code ec;
    const auto fileStatus = std::filesystem::symlink_status(stateFile, ec);
    // Anything but a clear "does not exist" (including stat errors) goes to the loader, which reports it.
    if (fileStatus.type() != std::filesystem::file_type::not_found) return loadCard(stateFile);
    if (initApps.empty()) return fail(Errc::Io, "no such card: " + stateFile.string() + " does not exist");

    auto state = piv::newPivState();
    if (!state) return fail(state.error());
    auto card = assemble(stateFile, std::move(*state));
    if (auto st = card->save(); !st) return fail(st.error());
    MESIGN_LOG("vcard", Info, "created virtual PIV card " + stateFile.string());
    return std::unique_ptr<VirtualCard>(std::move(card));
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
