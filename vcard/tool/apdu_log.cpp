#include "vcard/tool/apdu_log.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "vcard/tool/tool_log.h"

namespace vcardtool {

ApduLog::~ApduLog() {
    if (m_fd >= 0) close(m_fd);
}

bool ApduLog::open(const std::filesystem::path& file, std::string& error) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = "cannot open APDU log '" + file.string() + "': " + std::strerror(errno);
        return false;
    }
    if (m_fd >= 0) close(m_fd);
    m_fd = fd;
    return true;
}

void ApduLog::record(core::ByteView command, core::ByteView response) {
    if (m_fd < 0 || command.size() < 2) return;
    const unsigned sw = response.size() >= 2
                            ? unsigned(response[response.size() - 2]) << 8 | response[response.size() - 1]
                            : 0;
    char line[64];
    const int n = std::snprintf(line, sizeof line, "ins=%02X cmd=%zu rsp=%zu sw=%04X\n", command[1],
                                command.size(), response.size(), sw);
    if (n <= 0) return;
    // One write per line (O_APPEND): a concurrent reader never sees half a line of ours.
    if (write(m_fd, line, static_cast<std::size_t>(n)) != n) {
        note(std::string("writing the APDU log failed (logging stopped): ") + std::strerror(errno));
        close(m_fd);
        m_fd = -1;
    }
}

}  // namespace vcardtool
