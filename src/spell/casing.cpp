#include "casing.hpp"

namespace bb::spell {

namespace {

// Latin Extended-A: which of a pair is the capital depends on the sub-range.
bool latin_a_capital(char32_t c) noexcept {
    if (c >= 0x100 && c <= 0x12F) return c % 2 == 0;
    if (c >= 0x132 && c <= 0x137) return c % 2 == 0;
    if (c >= 0x139 && c <= 0x148) return c % 2 == 1;
    if (c >= 0x14A && c <= 0x177) return c % 2 == 0;
    if (c >= 0x179 && c <= 0x17E) return c % 2 == 1;
    return false;
}

bool latin_a_small(char32_t c) noexcept {
    return c >= 0x101 && c <= 0x17E && c != 0x178 && latin_a_capital(c - 1) && !latin_a_capital(c);
}

}  // namespace

char32_t fold_case(char32_t c) noexcept {
    if (c >= U'A' && c <= U'Z') return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    if (c >= 0x100 && c <= 0x17F) {
        if (c == 0x178) return 0xFF;
        return latin_a_capital(c) ? c + 1 : c;
    }
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    return c;
}

char32_t upper_case(char32_t c) noexcept {
    if (c >= U'a' && c <= U'z') return c - 32;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
    if (c == 0xFF) return 0x178;
    if (latin_a_small(c)) return c - 1;
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
    if (c >= 0x430 && c <= 0x44F) return c - 32;
    if (c >= 0x450 && c <= 0x45F) return c - 80;
    return c;
}

bool is_letter(char32_t c) noexcept {
    if ((c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z')) return true;
    if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
    return c >= 0x370;
}

bool has_letter(std::u32string_view text) noexcept {
    for (const char32_t c : text) {
        if (is_letter(c)) return true;
    }
    return false;
}

std::u32string folded(std::u32string_view text) {
    std::u32string out(text);
    for (char32_t& c : out) c = fold_case(c);
    return out;
}

Shape shape_of(std::u32string_view text) noexcept {
    std::size_t capitals = 0, smalls = 0;
    bool first_capital = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        if (fold_case(c) != c) {
            ++capitals;
            if (i == 0) first_capital = true;
        } else if (upper_case(c) != c) {
            ++smalls;
        }
    }
    if (capitals == 0) return Shape::lower;
    if (first_capital && capitals == 1) return Shape::title;
    if (capitals >= 2 && smalls == 0) return Shape::upper;
    return Shape::mixed;
}

std::u32string apply_casing(std::u32string_view word, Casing casing) {
    std::u32string out(word);
    if (casing == Casing::upper) {
        for (char32_t& c : out) c = upper_case(c);
    } else if (casing == Casing::title && !out.empty()) {
        out[0] = upper_case(out[0]);
    }
    return out;
}

}  // namespace bb::spell
