#include "pattern.hpp"

#include <algorithm>

namespace bb::spell {

void Pattern::assign(std::span<const Symbol> symbols, std::size_t alphabet_size) {
    const std::size_t blocks = std::max<std::size_t>(1, (symbols.size() + 63) / 64);
    if (blocks != blocks_ || alphabet_size != alphabet_size_) {
        peq_.assign(alphabet_size * blocks, 0);
        blocks_ = blocks;
        alphabet_size_ = alphabet_size;
    } else {
        for (const Symbol s : symbols_) {  // clear only the rows the previous pattern set
            if (s < alphabet_size_) std::fill_n(peq_.begin() + static_cast<std::ptrdiff_t>(s * blocks_), blocks_, 0);
        }
    }
    symbols_.assign(symbols.begin(), symbols.end());
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        if (symbols[i] < alphabet_size) peq_[symbols[i] * blocks_ + i / 64] |= std::uint64_t{1} << (i % 64);
    }
}

}  // namespace bb::spell
