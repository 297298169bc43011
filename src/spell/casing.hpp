// Letter case for the default ranking: matching ignores case, answers keep the dictionary's
// spelling, and a query typed in capitals (or with a capital first letter) is answered the
// same way. The rules are small tables, not a Unicode database, so the pure-Python baseline
// can state them identically (python_baseline/spell.py mirrors every function here):
// - case pairs: ASCII, Latin-1 (except ÿ's capital, which lives in Latin Extended-A),
//   Latin Extended-A (except İ, ı, ĸ, ŉ, ſ, which have no one-to-one pair), basic Greek
//   (Α-Ω) and basic Cyrillic (Ѐ-Я);
// - letters: A-Z, a-z, U+00C0-U+024F except × and ÷, and every code point from U+0370 up
//   (scripts past Latin are taken as letters; digits, punctuation and symbols of ASCII and
//   Latin-1 are not).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bb::spell {

char32_t fold_case(char32_t c) noexcept;   // the lower-case partner, or c
char32_t upper_case(char32_t c) noexcept;  // the upper-case partner, or c
bool is_letter(char32_t c) noexcept;
bool has_letter(std::u32string_view text) noexcept;
std::u32string folded(std::u32string_view text);

// The shape of a word's capitals, which decides how an answer is written.
enum class Shape : std::uint8_t {
    lower,  // no capitals
    title,  // a capital first letter and no other capital
    upper,  // two or more capitals and no lower-case letter
    mixed,  // anything else
};
Shape shape_of(std::u32string_view text) noexcept;

// How an answer is written back: as the dictionary spells it, with its first letter in
// capitals, or all in capitals.
enum class Casing : std::uint8_t { as_written, title, upper };
std::u32string apply_casing(std::u32string_view word, Casing casing);

}  // namespace bb::spell
