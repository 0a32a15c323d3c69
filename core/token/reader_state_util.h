// Helpers over ReaderState lists shared by the backends and the TokenManager (and the test fake).
#pragma once

#include <vector>

#include "core/token/reader_backend.h"

namespace token {

// Same readers (by name, any order) with the same card presence and event counters. ATRs are not compared:
// a change of card always changes presence or the counter.
bool sameReaderStates(const std::vector<ReaderState>& a, const std::vector<ReaderState>& b);

}  // namespace token
