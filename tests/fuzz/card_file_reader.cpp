// The virtual card's state file. First byte even: the input is a whole file for readCardFile (header,
// digest). Odd: the input is a body, written as a valid file, so openCard's section and state decoders
// (piv_state, openpgp_state) see it. Invariant: a file that does not open is left untouched.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz_input.h"
#include "vcard/card_file.h"
#include "vcard/virtual_card.h"

namespace {

const std::filesystem::path& tempFile() {
    static const std::filesystem::path p = [] {
        std::string tmpl = (std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp") + std::string("/mesign-fuzz-XXXXXX");
        FUZZ_CHECK(mkdtemp(tmpl.data()) != nullptr);
        static const std::filesystem::path dir = tmpl;
        std::atexit([] { std::filesystem::remove_all(dir); });
        return dir / "state.card";
    }();
    return p;
}

core::Bytes slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return core::Bytes(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    const uint8_t mode = in.byte();
    const auto body = in.rest();
    const auto& path = tempFile();
    if (mode & 1) {
        FUZZ_CHECK(vcard::writeCardFile(path, body).has_value());
    } else {
        std::ofstream(path, std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
        (void)vcard::readCardFile(path);
    }
    const auto before = slurp(path);
    auto card = vcard::openCard(path, "");
    if (!card) {
        FUZZ_CHECK(slurp(path) == before);
    } else {
        const uint8_t getData[] = {0x00, 0xCB, 0x3F, 0xFF, 0x05, 0x5C, 0x03, 0x5F, 0xC1, 0x02, 0x00};
        FUZZ_CHECK((*card)->process(getData).size() >= 2);
    }
    return 0;
}
