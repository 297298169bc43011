// The three measures, as bit-parallel kernels over a Pattern (the query) and a text (a
// dictionary word), both as symbol ids, and as the formulas that turn counts into the
// similarities callers see. The formulas are written exactly as python_baseline/spell.py
// writes them, so both produce bit-identical doubles and therefore identical rankings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "pattern.hpp"

namespace bb::spell {

// damerau: optimal string alignment (a swap of two neighbours is one edit), case-insensitive,
// ranked by typing cost and word frequency (see speller.hpp); the other three keep their
// plain, case-sensitive semantics with dictionary-order ties.
enum class Metric { levenshtein, indel, jaro, damerau };

// Levenshtein distance (Myers 1999 / Hyyrö 2003; blocked for patterns over 64 symbols).
// Returns `bound + 1` as soon as the distance is known to exceed `bound`.
int levenshtein(const Pattern& pattern, std::span<const Symbol> text, int bound);
// Optimal string alignment distance (Hyyrö 2003's bit-parallel form for patterns up to 64
// symbols, plain dynamic programming above): Levenshtein plus the swap of two adjacent
// symbols as one edit, no symbol edited twice. Same `bound` contract as levenshtein.
int osa(const Pattern& pattern, std::span<const Symbol> text, int bound);
// Length of the longest common subsequence (Hyyrö 2004, bit-parallel, blocked).
int lcs(const Pattern& pattern, std::span<const Symbol> text);
// Jaro similarity (window max(len) / 2 - 1, transpositions halved and floored as rapidfuzz
// and jellyfish do). Bit-parallel over the pattern for patterns up to 64 symbols.
double jaro(const Pattern& pattern, std::span<const Symbol> text);

// Counts -> similarity. Both empty -> 1.0.
double levenshtein_similarity(int distance, std::size_t a_length, std::size_t b_length) noexcept;
double indel_similarity(int indel_distance, std::size_t a_length, std::size_t b_length) noexcept;
double jaro_formula(std::size_t matches, std::size_t half_transpositions, std::size_t a_length,
                    std::size_t b_length) noexcept;

// The weighted edit cost of typing `query` for `word` (both already case-folded), which
// orders candidates the way people mistype: a dropped letter costs 7 (4 when it was one of
// a doubled pair), an extra letter 9 (5 when it doubles its neighbour), a swap of
// neighbours 7, a wrong vowel for a vowel 8, any other wrong letter 10.
int typing_cost(std::u32string_view query, std::u32string_view word);
// The same with the caller's buffer for the dynamic program's rows (reused across candidates).
int typing_cost(std::u32string_view query, std::u32string_view word, std::vector<int>& rows);
// The cheapest of those edits: typing_cost is at least this times the optimal string
// alignment distance (it weighs the same edits).
inline constexpr int cheapest_typing_edit = 4;

// The same measures for two arbitrary strings of code points (no dictionary).
int levenshtein(std::u32string_view a, std::u32string_view b);
int indel_distance(std::u32string_view a, std::u32string_view b);
int osa_distance(std::u32string_view a, std::u32string_view b);
double similarity(std::u32string_view a, std::u32string_view b, Metric metric);

}  // namespace bb::spell
