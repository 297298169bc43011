// The cheap first stage of every search: a pass over a run of 64-bit character signatures
// that keeps only the entries whose signature lower bound leaves them a chance. It is the
// hot loop (it sees every word in the length band), so it lives alone, in builds picked at
// run time: AVX-512 with its popcount instruction (eight signatures at a time), AVX2 (four),
// POPCNT, and plain x86-64.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bb::spell {

// Writes to `out` the indices e in [begin, end) with
//   popcount(query & ~sig[e]) <= query_only  and  popcount(sig[e] & ~query) <= word_only,
// and returns how many. `out` must have room for end - begin entries.
std::size_t filter_sides(const std::uint64_t* signatures, std::uint32_t begin, std::uint32_t end, std::uint64_t query,
                         int query_only, int word_only, std::uint32_t* out) noexcept;

// The builds of filter_sides, to compare them in tests (filter_sides picks the fastest the
// CPU runs; portable is the POPCNT or plain x86-64 loop, whichever the CPU runs).
enum class FilterBuild { portable, avx2, avx512 };
bool filter_build_runs(FilterBuild build) noexcept;
std::size_t filter_sides_with(FilterBuild build, const std::uint64_t* signatures, std::uint32_t begin,
                              std::uint32_t end, std::uint64_t query, int query_only, int word_only,
                              std::uint32_t* out) noexcept;

// The same with popcount(query ^ sig[e]) <= differing.
std::size_t filter_xor(const std::uint64_t* signatures, std::uint32_t begin, std::uint32_t end, std::uint64_t query,
                       int differing, std::uint32_t* out) noexcept;

// A query's side of the two-level bound below (repeats: the low 32 bits, as indexes keep them).
struct TwoLevelQuery {
    std::uint64_t signature, repeats;
    int query_extra, word_extra;  // added to the query-only and the word-only counts
};

// Keeps, in place and in order, the `count` entries whose two-level bound (below, with the
// repeat signatures' low halves) is at most `bound`; returns how many. One call per chunk of
// candidates, so the hot loop is built with POPCNT when the CPU has it.
std::size_t filter_two_level(const std::uint64_t* signatures, const std::uint32_t* repeat_signatures,
                             const TwoLevelQuery& query, int bound, std::uint32_t* entries, std::size_t count) noexcept;

// The two-level bound for one word, with POPCNT when the CPU has it:
// max(popcount(q & ~w) + popcount(q2 & ~w2) + query_extra,
//     popcount(w & ~q) + popcount(w2 & ~q2) + word_extra).
int signature_lower_bound(std::uint64_t query, std::uint64_t query_twice, std::uint64_t word, std::uint64_t word_twice,
                          int query_extra, int word_extra) noexcept;

}  // namespace bb::spell
