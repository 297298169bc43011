// libFuzzer target: bb_roundtrip_strings and bb_free_string_array. Any bytes (embedded NUL,
// invalid UTF-8) must come back unchanged; a broken offsets table (offsets[0] != 0, a
// decreasing offset, NULL) must be refused naming the first bad offset, with nothing handed out.
#include <string_view>

#include "bridgebench/arrays.h"
#include "fuzz_support.hpp"

namespace {

void roundtrip(const bb::fuzz::Packed& p) {
    bb_string_array* out = nullptr;
    const char* bytes = p.bytes.empty() ? nullptr : p.bytes.data();  // NULL is allowed for no bytes
    BB_FUZZ_CHECK(bb_roundtrip_strings(p.offsets.data(), bytes, p.count(), &out) == BB_OK);
    BB_FUZZ_CHECK(out->count == p.count());
    for (std::size_t i = 0; i < p.count(); ++i) {
        BB_FUZZ_CHECK(out->offsets[i + 1] >= out->offsets[i]);
        const std::string_view got(out->bytes + out->offsets[i], out->offsets[i + 1] - out->offsets[i]);
        BB_FUZZ_CHECK(got == p.items[i]);
    }
    bb_free_string_array(out);
}

// Breaks the offsets table in one of the ways the C ABI promises to detect.
void broken_offsets(FuzzedDataProvider& in, bb::fuzz::Packed p) {
    bb_string_array* out = nullptr;
    auto& offsets = p.offsets;
    switch (in.ConsumeIntegralInRange<int>(0, 2)) {
        case 0: {
            BB_FUZZ_CHECK(bb_roundtrip_strings(nullptr, p.bytes.data(), p.count(), &out) == BB_ERR_INVALID_ARGUMENT);
            break;
        }
        case 1: {
            if (p.bytes.empty()) return;
            offsets[0] = in.ConsumeIntegralInRange<std::uint64_t>(1, offsets.back());
            BB_FUZZ_CHECK(bb_roundtrip_strings(offsets.data(), p.bytes.data(), p.count(), &out) ==
                          BB_ERR_INVALID_ARGUMENT);
            BB_FUZZ_CHECK(bb_last_error_index() == 0);
            break;
        }
        default: {
            if (p.count() < 2 || p.bytes.empty()) return;
            const std::size_t i = in.ConsumeIntegralInRange<std::size_t>(1, p.count() - 1);
            if (offsets[i] == 0) return;
            offsets[i] = in.ConsumeIntegralInRange<std::uint64_t>(0, offsets[i] - 1);  // below offsets[i - 1]?
            std::size_t first_bad = SIZE_MAX;
            for (std::size_t j = 0; j < p.count() && first_bad == SIZE_MAX; ++j) {
                if (offsets[j + 1] < offsets[j]) first_bad = j;
            }
            const bb_status status = bb_roundtrip_strings(offsets.data(), p.bytes.data(), p.count(), &out);
            if (first_bad == SIZE_MAX) {
                BB_FUZZ_CHECK(status == BB_OK);
                bb_free_string_array(out);
                out = nullptr;
            } else {
                BB_FUZZ_CHECK(status == BB_ERR_INVALID_ARGUMENT && bb_last_error_index() == first_bad);
            }
        }
    }
    BB_FUZZ_CHECK(out == nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    bb::fuzz::LedgerBalance balance;
    const bool broken = in.ConsumeBool();
    const bb::fuzz::Packed p = bb::fuzz::packed_strings(in, 64, 256);
    if (broken) {
        broken_offsets(in, p);
    } else {
        roundtrip(p);
    }
    bb_free_string_array(nullptr);
    return 0;
}
