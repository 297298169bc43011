// UTF-8 <-> code points for the C ABI and the C++ tests (the pybind11 module reads code
// points straight out of Python str objects and never needs these).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bb::spell {

// Decodes strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). On bad input
// returns nothing and sets `bad_offset` to the byte offset of the first bad sequence.
std::optional<std::u32string> decode_utf8(std::string_view bytes, std::size_t* bad_offset = nullptr);

// Appends the UTF-8 form of `text` (which must hold valid scalar values) to `out`.
void append_utf8(std::u32string_view text, std::string& out);
std::string encode_utf8(std::u32string_view text);

}  // namespace bb::spell
