#include "arrays.hpp"

#include <cmath>

namespace bb::arrays {

StringArray::StringArray(ledger::Site& site, std::size_t count, std::size_t byte_count)
    : bytes(ledger::Allocator<char>(site)), offsets(ledger::Allocator<std::uint64_t>(site)) {
    if (byte_count != 0) bytes.reserve(byte_count);
    offsets.reserve(count + 1);
    offsets.push_back(0);
}

void StringArray::push_back(std::string_view s) {
    bytes.insert(bytes.end(), s.begin(), s.end());
    offsets.push_back(bytes.size());
}

ledger::vector<std::int64_t> copy_int64(std::span<const std::int64_t> in, ledger::Site& site) {
    return ledger::vector<std::int64_t>(in.begin(), in.end(), ledger::Allocator<std::int64_t>(site));
}

ledger::vector<double> copy_double(std::span<const double> in, ledger::Site& site) {
    return ledger::vector<double>(in.begin(), in.end(), ledger::Allocator<double>(site));
}

StringArray copy_strings(const StringArray& in, ledger::Site& site) {
    StringArray out(site, in.size(), in.bytes.size());
    out.bytes.assign(in.bytes.begin(), in.bytes.end());
    out.offsets.assign(in.offsets.begin(), in.offsets.end());
    return out;
}

bool fits_float32(double value) noexcept {
    // Round-to-nearest-even sends every finite double below 2^128 - 2^103 (halfway between
    // FLT_MAX and 2^128) to a finite float; from there up it would round to infinity.
    constexpr double overflow_threshold = 0x1.ffffffp+127;
    return !std::isfinite(value) || std::fabs(value) < overflow_threshold;
}

std::optional<std::size_t> first_float32_overflow(std::span<const double> in) noexcept {
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (!fits_float32(in[i])) return i;
    }
    return std::nullopt;
}

ledger::vector<float> narrow_to_float32(std::span<const double> in, ledger::Site& site) {
    ledger::vector<float> out{ledger::Allocator<float>(site)};
    out.resize(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = static_cast<float>(in[i]);
    return out;
}

}  // namespace bb::arrays
