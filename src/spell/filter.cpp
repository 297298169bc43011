#include "filter.hpp"

#include <bit>

// x86-64 CPUs before 2008 lack POPCNT; everything since has it. target_clones builds both
// versions and lets the dynamic loader pick one (GCC and Clang, glibc ifunc).
#if defined(__x86_64__) && defined(__gnu_linux__)
#define BB_SPELL_HOT __attribute__((target_clones("popcnt", "default")))
#else
#define BB_SPELL_HOT
#endif

namespace bb::spell {

BB_SPELL_HOT
std::size_t filter_sides(const std::uint64_t* signatures, std::uint32_t begin, std::uint32_t end,
                         std::uint64_t query, int query_only, int word_only, std::uint32_t* out) noexcept {
    std::size_t n = 0;
    for (std::uint32_t e = begin; e < end; ++e) {
        const std::uint64_t w = signatures[e];
        const bool keep = std::popcount(query & ~w) <= query_only && std::popcount(w & ~query) <= word_only;
        out[n] = e;  // written unconditionally, kept conditionally: no branch to mispredict
        n += keep ? 1 : 0;
    }
    return n;
}

BB_SPELL_HOT
std::size_t filter_xor(const std::uint64_t* signatures, std::uint32_t begin, std::uint32_t end,
                       std::uint64_t query, int differing, std::uint32_t* out) noexcept {
    std::size_t n = 0;
    for (std::uint32_t e = begin; e < end; ++e) {
        out[n] = e;
        n += std::popcount(query ^ signatures[e]) <= differing ? 1 : 0;
    }
    return n;
}

}  // namespace bb::spell
