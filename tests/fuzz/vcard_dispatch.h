// Shared body of the virtual-card dispatcher targets. The input is a sequence of APDUs (fuzz::Input
// chunks; an empty chunk is a warm reset) sent to a file-backed card that starts from a fresh state file
// each run. Invariants: every answer has a status word; afterwards the card still answers SELECT of its
// application, and the state file it left behind opens again and answers too ("never corrupted").
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "fuzz_input.h"
#include "vcard/virtual_card.h"

namespace fuzz {

struct CardFiles {
    std::filesystem::path pristine;
    std::filesystem::path work;
};

// A fresh card file created once per process; each run copies it.
inline const CardFiles& cardFiles(const std::string& apps) {
    static const CardFiles files = [&] {
        std::string tmpl = (std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp") + std::string("/mesign-fuzz-XXXXXX");
        FUZZ_CHECK(mkdtemp(tmpl.data()) != nullptr);
        CardFiles f{std::filesystem::path(tmpl) / "pristine.card", std::filesystem::path(tmpl) / "work.card"};
        FUZZ_CHECK(vcard::openCard(f.pristine, apps).has_value());
        static const std::filesystem::path dir = tmpl;
        std::atexit([] { std::filesystem::remove_all(dir); });
        return f;
    }();
    return files;
}

// SW of SELECT by AID on `card`; the card must answer with at least a status word.
inline uint16_t selectSw(vcard::VirtualCard& card, ByteView aid) {
    core::Bytes select{0x00, 0xA4, 0x04, 0x00, static_cast<uint8_t>(aid.size())};
    select.insert(select.end(), aid.begin(), aid.end());
    select.push_back(0x00);
    const auto rsp = card.process(select);
    FUZZ_CHECK(rsp.size() >= 2);
    return static_cast<uint16_t>(rsp[rsp.size() - 2] << 8 | rsp[rsp.size() - 1]);
}

// `okSws`: the SELECT answers that count as "still works" (OpenPGP: 6285 once terminated).
inline void runDispatcher(const uint8_t* data, size_t size, const std::string& apps, ByteView aid,
                          std::initializer_list<uint16_t> okSws) {
    const auto& files = cardFiles(apps);
    std::filesystem::copy_file(files.pristine, files.work, std::filesystem::copy_options::overwrite_existing);
    {
        auto card = vcard::openCard(files.work, "");
        FUZZ_CHECK(card.has_value());
        Input in(data, size);
        for (int n = 0; n < 64 && !in.empty(); ++n) {
            const auto apdu = in.chunk();
            if (apdu.empty()) {
                (*card)->reset();
                continue;
            }
            FUZZ_CHECK((*card)->process(apdu).size() >= 2);
        }
        const uint16_t sw = selectSw(**card, aid);
        FUZZ_CHECK(std::ranges::find(okSws, sw) != okSws.end());
    }
    auto again = vcard::openCard(files.work, "");
    FUZZ_CHECK(again.has_value());
    const uint16_t sw = selectSw(**again, aid);
    FUZZ_CHECK(std::ranges::find(okSws, sw) != okSws.end());
}

}  // namespace fuzz
