// Input checks for the packed string layout the C ABI takes (offsets[count + 1] + bytes, as in
// bb_string_array): shared by every function that accepts a list of strings.
#pragma once

#include <cstddef>
#include <cstdint>

#include "errors.hpp"

namespace bb::capi {

// Throws Error(BB_ERR_INVALID_ARGUMENT) naming the offending offset; returns the byte total.
inline std::uint64_t check_packed_strings(const std::uint64_t* offsets, const char* bytes, std::size_t count) {
    if (offsets == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "offsets is NULL");
    if (offsets[0] != 0) throw Error(BB_ERR_INVALID_ARGUMENT, "offsets[0] is not 0", 0);
    for (std::size_t i = 0; i < count; ++i) {
        if (offsets[i + 1] < offsets[i]) throw Error(BB_ERR_INVALID_ARGUMENT, "offsets decrease", i);
    }
    const std::uint64_t total = offsets[count];
    if (bytes == nullptr && total != 0) throw Error(BB_ERR_INVALID_ARGUMENT, "bytes is NULL but offsets say otherwise");
    return total;
}

}  // namespace bb::capi
