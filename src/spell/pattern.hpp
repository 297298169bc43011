// The query side of the bit-parallel kernels: for every symbol, a bit vector of the
// positions where it occurs in the pattern (Myers' "Peq"), split into 64-bit blocks.
//
// Symbols are dense ids (see index.hpp), so a lookup is one array index for every
// character, ASCII or not: that is this engine's "ASCII fast path", extended to all of
// Unicode. Rows are reset sparsely, so reusing one Pattern across queries costs O(query).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bb::spell {

// 16 bits: every dictionary word is stored as symbols, so their width is most of an index's
// memory. An Index refuses alphabets that do not fit (index.hpp); the dictionary-free
// measures fall back to plain dynamic programming (metrics.cpp).
using Symbol = std::uint16_t;
inline constexpr std::size_t max_alphabet = 65535;  // ids 0..65534, and 65535 for "matches nothing"

class Pattern {
public:
    // `symbols` < alphabet_size mark positions; a symbol >= alphabet_size (a character the
    // text side never contains) occupies a position but matches nothing.
    void assign(std::span<const Symbol> symbols, std::size_t alphabet_size);

    std::size_t length() const noexcept { return symbols_.size(); }
    std::size_t blocks() const noexcept { return blocks_; }
    std::span<const Symbol> symbols() const noexcept { return symbols_; }
    // Bit i of block b is set when pattern[64 * b + i] == symbol. `symbol` < alphabet_size.
    const std::uint64_t* row(Symbol symbol) const noexcept { return peq_.data() + symbol * blocks_; }
    // The bit of the pattern's last position inside its last block.
    std::uint64_t last_bit() const noexcept { return std::uint64_t{1} << ((symbols_.size() - 1) % 64); }

private:
    std::vector<std::uint64_t> peq_;
    std::vector<Symbol> symbols_;
    std::size_t blocks_ = 0;
    std::size_t alphabet_size_ = 0;
};

}  // namespace bb::spell
