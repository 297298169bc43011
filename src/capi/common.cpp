// Error reporting, ledger access and canary switches for C callers (ctypes).
#include <string>
#include <vector>

#include "bridgebench/common.h"
#include "canary.hpp"
#include "errors.hpp"
#include "ledger.hpp"

namespace bb::capi {
namespace {
thread_local std::string last_message;
thread_local std::size_t last_index = SIZE_MAX;
}  // namespace

void set_error(bb_status, const char* message, std::size_t index) noexcept {
    try {
        last_message = message;
    } catch (...) {
        last_message.clear();
    }
    last_index = index;
}

void clear_error() noexcept {
    last_message.clear();
    last_index = SIZE_MAX;
}

}  // namespace bb::capi

extern "C" {

const char* bb_last_error(void) {
    return bb::capi::last_message.c_str();
}
size_t bb_last_error_index(void) {
    return bb::capi::last_index;
}

size_t bb_ledger_snapshot(bb_ledger_site* out, size_t capacity) {
    // Names must outlive the call: keep the last snapshot alive until the next one.
    static thread_local std::vector<bb::ledger::SiteSnapshot> kept;
    try {
        kept = bb::ledger::snapshot();
    } catch (...) {
        return 0;
    }
    for (size_t i = 0; i < kept.size() && i < capacity; ++i) {
        out[i] = {kept[i].name.c_str(), kept[i].allocations, kept[i].frees, kept[i].bytes_allocated,
                  kept[i].bytes_outstanding};
    }
    return kept.size();
}

void bb_ledger_reset(void) {
    bb::ledger::reset();
}

int bb_canaries_compiled_in(void) {
    return bb::canary::compiled_in ? 1 : 0;
}

void bb_canary_set(const char* names) {
    try {
        bb::canary::set(names != nullptr ? names : "");
    } catch (...) {}
}

}  // extern "C"
