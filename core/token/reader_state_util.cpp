#include "core/token/reader_state_util.h"

#include <algorithm>

namespace token {

bool sameReaderStates(const std::vector<ReaderState>& a, const std::vector<ReaderState>& b) {
    if (a.size() != b.size()) return false;
    return std::all_of(a.begin(), a.end(), [&](const ReaderState& x) {
        auto it = std::find_if(b.begin(), b.end(), [&](const ReaderState& y) { return y.name == x.name; });
        return it != b.end() && it->present == x.present && it->eventCount == x.eventCount;
    });
}

}  // namespace token
