// Array round trips: the native half of moving lists of numbers and strings across the
// boundary. No Python here; the bindings convert and call these.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ledger.hpp"

namespace bb::arrays {

// UTF-8 strings with explicit lengths, packed back to back: string i is
// bytes[offsets[i], offsets[i + 1]). Embedded NUL bytes are ordinary bytes.
struct StringArray {
    // Room for `count` strings of `bytes` bytes in all, so that filling it up to there allocates
    // nothing more: one allocation per vector instead of one per doubling.
    explicit StringArray(ledger::Site& site, std::size_t count = 0, std::size_t bytes = 0);
    ledger::vector<char> bytes;
    ledger::vector<std::uint64_t> offsets;  // size() == count + 1, offsets[0] == 0

    std::size_t size() const noexcept { return offsets.size() - 1; }
    std::string_view operator[](std::size_t i) const noexcept {
        return {bytes.data() + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i])};
    }
    void push_back(std::string_view s);
};

// The plain round trip: a native copy of the input, owned by the caller.
ledger::vector<std::int64_t> copy_int64(std::span<const std::int64_t> in, ledger::Site& site);
ledger::vector<double> copy_double(std::span<const double> in, ledger::Site& site);
StringArray copy_strings(const StringArray& in, ledger::Site& site);

// float32 is kept on purpose: it shows the precision a 32-bit float loses
// (-790.5207366698761 becomes -790.520751953125). A finite double too large for float32
// is an error, never a silent infinity; NaN and +-inf pass through.
bool fits_float32(double value) noexcept;
// Index of the first element that does not fit, if any.
std::optional<std::size_t> first_float32_overflow(std::span<const double> in) noexcept;
// Precondition: first_float32_overflow(in) is empty.
ledger::vector<float> narrow_to_float32(std::span<const double> in, ledger::Site& site);

}  // namespace bb::arrays
