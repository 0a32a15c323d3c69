#include "vcard/tool/fault_injector.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vcardtool {

namespace {

constexpr unsigned kMaxDelayMs = 600000;

bool parseHexByte(std::string_view text, uint8_t& out) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || v > 0xFF) return false;
    out = static_cast<uint8_t>(v);
    return true;
}

std::optional<FaultKind> kindOf(std::string_view word) {
    if (word == "drop") return FaultKind::Drop;
    if (word == "garbage") return FaultKind::Garbage;
    if (word == "truncate") return FaultKind::Truncate;
    if (word == "slow") return FaultKind::Slow;
    if (word == "sw6f00") return FaultKind::Sw6F00;
    if (word == "sw") return FaultKind::Sw;
    if (word == "reset") return FaultKind::Reset;
    return std::nullopt;
}

bool parseMillis(std::string_view w, unsigned& ms) {
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), ms);
    return !w.empty() && ec == std::errc() && end == w.data() + w.size() && ms <= kMaxDelayMs;
}

}  // namespace

const char* faultName(FaultKind kind) {
    switch (kind) {
        case FaultKind::Drop:
            return "drop";
        case FaultKind::Garbage:
            return "garbage";
        case FaultKind::Truncate:
            return "truncate";
        case FaultKind::Slow:
            return "slow";
        case FaultKind::Sw6F00:
            return "sw6f00";
        case FaultKind::Sw:
            return "sw";
        case FaultKind::Reset:
            return "reset";
    }
    return "?";
}

ParsedFaultLine parseFaultLine(std::string_view line) {
    ParsedFaultLine r;
    std::istringstream in{std::string(line)};
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    if (words.empty() || words[0][0] == '#') return r;
    if (words[0] == "clear") {
        if (words.size() != 1) r.error = "'clear' takes no arguments";
        r.clear = true;
        return r;
    }
    auto kind = kindOf(words[0]);
    if (!kind) {
        r.error = "unknown fault '" + words[0] + "'";
        return r;
    }
    Fault f;
    f.kind = *kind;
    std::size_t i = 1;
    if (f.kind == FaultKind::Slow) {
        unsigned ms = 0;
        const std::string& w = i < words.size() ? words[i] : std::string();
        if (!parseMillis(w, ms)) {
            r.error = "'slow' needs a delay in milliseconds (0-600000)";
            return r;
        }
        f.delayMs = ms;
        ++i;
    } else if (f.kind == FaultKind::Sw) {
        const std::string& w = i < words.size() ? words[i] : std::string();
        unsigned v = 0;
        auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v, 16);
        if (w.size() != 4 || ec != std::errc() || end != w.data() + w.size()) {
            r.error = "'sw' needs a status word of four hex digits (sw 6D00)";
            return r;
        }
        f.sw = static_cast<uint16_t>(v);
        ++i;
    } else if (f.kind == FaultKind::Drop) {
        // Optional time off the reader; a word that starts with a digit must be one.
        f.delayMs = kDefaultDropAwayMs;
        if (i < words.size() && !words[i].empty() && words[i][0] >= '0' && words[i][0] <= '9') {
            if (!parseMillis(words[i], f.delayMs)) {
                r.error = "'drop' takes the time off the reader in milliseconds (0-600000)";
                return r;
            }
            ++i;
        }
    }
    for (; i < words.size(); ++i) {
        std::string_view w = words[i];
        uint8_t ins = 0;
        if (w == "always") {
            f.always = true;
        } else if (w.starts_with("ins=") && parseHexByte(w.substr(4), ins)) {
            f.ins = ins;
        } else {
            r.error = "unexpected '" + words[i] + "' (scope is ins=XX and/or always)";
            return r;
        }
    }
    r.fault = f;
    return r;
}

bool FaultInjector::open(const std::filesystem::path& file, std::string& error) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = "cannot open fault control file '" + file.string() + "': " + std::strerror(errno);
        return false;
    }
    ::close(fd);
    m_file = file;
    m_offset = 0;
    return true;
}

void FaultInjector::readNewLines() {
    std::ifstream in(m_file, std::ios::binary);
    if (!in) return;  // removed by the test: keep what is armed
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::uintmax_t>(in.tellg());
    if (size < m_offset) {  // truncated by the test: start over from its new content
        m_offset = 0;
        m_partial.clear();
    }
    if (size == m_offset) return;
    in.seekg(static_cast<std::streamoff>(m_offset));
    std::string chunk(size - m_offset, '\0');
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    chunk.resize(static_cast<std::size_t>(in.gcount()));
    m_offset += chunk.size();
    m_partial += chunk;
    std::size_t start = 0;
    for (std::size_t nl; (nl = m_partial.find('\n', start)) != std::string::npos; start = nl + 1) {
        ParsedFaultLine p = parseFaultLine(std::string_view(m_partial).substr(start, nl - start));
        if (!p.error.empty()) {
            std::fprintf(stderr, "mesign-vcard: fault control: %s (line ignored)\n", p.error.c_str());
        } else if (p.clear) {
            m_armed.clear();
        } else if (p.fault) {
            m_armed.push_back(*p.fault);
        }
    }
    m_partial.erase(0, start);
}

std::optional<Fault> FaultInjector::take(core::ByteView command) {
    if (!enabled() || command.size() < 2) return std::nullopt;
    readNewLines();
    const uint8_t ins = command[1];
    const bool chainedPiece = (command[0] & 0x10) != 0;  // more pieces of this command follow
    struct ChainTracker {  // remembers whether this APDU continues a chain the previous one started
        bool& flag;
        bool next;
        ~ChainTracker() { flag = next; }
    } tracker{m_inChain, chainedPiece};
    for (auto it = m_armed.begin(); it != m_armed.end(); ++it) {
        // An instruction's fault waits for the piece the card answers with the command's result; a reset
        // hits the command's first piece (before it starts), as a reset by another process would.
        if (it->ins && *it->ins != ins) continue;
        if (it->ins && chainedPiece && it->kind != FaultKind::Reset) continue;
        if (it->ins && it->kind == FaultKind::Reset && m_inChain) continue;
        Fault f = *it;
        if (!f.always) m_armed.erase(it);
        if (f.kind == FaultKind::Drop) m_dropAwayMs = f.delayMs;
        std::fprintf(stderr, "mesign-vcard: fault: %s on INS %02X\n", faultName(f.kind), ins);
        std::fflush(stderr);
        return f;
    }
    return std::nullopt;
}

core::Bytes garbageResponse() {
    // Not a valid ISO 7816 status word (SW1 must be 6x or 9x) and no structure a parser could accept.
    return {0xDE, 0xAD, 0xBE, 0xEF, 0x13, 0x37};
}

core::Bytes truncatedResponse(core::ByteView response) {
    if (response.size() < 2) return {0x7C, 0x82, 0x90, 0x00};
    const std::size_t dataLen = response.size() - 2;
    core::Bytes out;
    if (dataLen == 0) {
        // Nothing to cut: a TLV header promising 256 bytes that never come.
        out = {0x7C, 0x82, 0x01, 0x00};
    } else {
        // Keep the first half (at least one byte), so any outer TLV length now overruns the data.
        out.assign(response.begin(), response.begin() + std::max<std::size_t>(1, dataLen / 2));
    }
    out.push_back(0x90);
    out.push_back(0x00);
    return out;
}

}  // namespace vcardtool
