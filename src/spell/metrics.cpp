#include "metrics.hpp"

#include "casing.hpp"

#include <algorithm>
#include <bit>
#include <optional>
#include <unordered_map>
#include <vector>

namespace bb::spell {

namespace {

constexpr std::uint64_t top_bit = std::uint64_t{1} << 63;

// One text column of Myers' algorithm for a pattern that fits one word.
int levenshtein_single(const Pattern& pattern, std::span<const Symbol> text, int bound) {
    const std::uint64_t last = pattern.last_bit();
    std::uint64_t vp = ~std::uint64_t{0}, vn = 0;
    int score = static_cast<int>(pattern.length());
    const int n = static_cast<int>(text.size());
    for (int j = 0; j < n; ++j) {
        const std::uint64_t eq = pattern.row(text[static_cast<std::size_t>(j)])[0];
        const std::uint64_t xv = eq | vn;
        const std::uint64_t xh = (((eq & vp) + vp) ^ vp) | eq;
        std::uint64_t ph = vn | ~(xh | vp);
        std::uint64_t mh = vp & xh;
        score += (ph & last) ? 1 : 0;
        score -= (mh & last) ? 1 : 0;
        // The last row can fall by at most one per remaining column.
        if (score - (n - 1 - j) > bound) return bound + 1;
        ph = (ph << 1) | 1;  // row 0 of the global DP is 0, 1, 2, ...: +1 per column
        mh <<= 1;
        vp = mh | ~(xv | ph);
        vn = ph & xv;
    }
    return score <= bound ? score : bound + 1;
}

// The blocked variant: each 64-row block hands its bottom row's horizontal delta (+1, 0,
// -1) to the block below, as edlib's calculateBlock does.
int levenshtein_blocked(const Pattern& pattern, std::span<const Symbol> text, int bound) {
    const std::size_t blocks = pattern.blocks();
    std::vector<std::uint64_t> pv(blocks, ~std::uint64_t{0}), mv(blocks, 0);
    const std::uint64_t last = pattern.last_bit();
    int score = static_cast<int>(pattern.length());
    const int n = static_cast<int>(text.size());
    for (int j = 0; j < n; ++j) {
        const std::uint64_t* row = pattern.row(text[static_cast<std::size_t>(j)]);
        int hin = 1;
        for (std::size_t b = 0; b < blocks; ++b) {
            std::uint64_t eq = row[b];
            const std::uint64_t p = pv[b], m = mv[b];
            const std::uint64_t xv = eq | m;
            const std::uint64_t hin_neg = hin < 0 ? 1 : 0;
            eq |= hin_neg;
            const std::uint64_t xh = (((eq & p) + p) ^ p) | eq;
            std::uint64_t ph = m | ~(xh | p);
            std::uint64_t mh = p & xh;
            const std::uint64_t out_bit = b + 1 == blocks ? last : top_bit;
            const int hout = (ph & out_bit) ? 1 : (mh & out_bit) ? -1 : 0;
            ph = (ph << 1) | (hin > 0 ? 1 : 0);
            mh = (mh << 1) | hin_neg;
            pv[b] = mh | ~(xv | ph);
            mv[b] = ph & xv;
            hin = hout;
        }
        score += hin;
        if (score - (n - 1 - j) > bound) return bound + 1;
    }
    return score <= bound ? score : bound + 1;
}

// Hyyrö 2003: Myers' recurrence plus a transposition term TR that marks where the text's
// current and previous symbols match the pattern crosswise.
int osa_single(const Pattern& pattern, std::span<const Symbol> text, int bound) {
    const std::uint64_t last = pattern.last_bit();
    std::uint64_t vp = ~std::uint64_t{0}, vn = 0, d0 = 0, previous_eq = 0;
    int score = static_cast<int>(pattern.length());
    const int n = static_cast<int>(text.size());
    for (int j = 0; j < n; ++j) {
        const std::uint64_t eq = pattern.row(text[static_cast<std::size_t>(j)])[0];
        const std::uint64_t tr = (((~d0) & eq) << 1) & previous_eq;
        d0 = (((eq & vp) + vp) ^ vp) | eq | vn | tr;
        std::uint64_t hp = vn | ~(d0 | vp);
        std::uint64_t hn = d0 & vp;
        score += (hp & last) ? 1 : 0;
        score -= (hn & last) ? 1 : 0;
        // Neighbouring cells differ by at most one, as for Levenshtein.
        if (score - (n - 1 - j) > bound) return bound + 1;
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        previous_eq = eq;
    }
    return score <= bound ? score : bound + 1;
}

// The textbook three-row recurrence, for patterns over 64 symbols.
template <class T>
int osa_plain(std::span<const T> a, std::span<const T> b) {
    const std::size_t n = b.size();
    std::vector<int> before(n + 1), previous(n + 1), current(n + 1);
    for (std::size_t j = 0; j <= n; ++j) previous[j] = static_cast<int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = static_cast<int>(i);
        for (std::size_t j = 1; j <= n; ++j) {
            int v = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, before[j - 2] + 1);
            current[j] = v;
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[n];
}

// The textbook two-row recurrences, for the dictionary-free measures of strings with more
// distinct characters than a Symbol can name.
template <class T>
int levenshtein_plain(std::span<const T> a, std::span<const T> b) {
    std::vector<int> previous(b.size() + 1), current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = static_cast<int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = static_cast<int>(i);
        for (std::size_t j = 1; j <= b.size(); ++j)
            current[j] =
                std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(previous, current);
    }
    return previous[b.size()];
}

template <class T>
int lcs_plain(std::span<const T> a, std::span<const T> b) {
    std::vector<int> previous(b.size() + 1, 0), current(b.size() + 1, 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j)
            current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : std::max(previous[j], current[j - 1]);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

bool is_vowel(char32_t c) noexcept {
    return c == U'a' || c == U'e' || c == U'i' || c == U'o' || c == U'u';
}

// Whether position i of s repeats a neighbour (a doubled letter).
bool doubles_neighbour(std::u32string_view s, std::size_t i) noexcept {
    return (i > 0 && s[i] == s[i - 1]) || (i + 1 < s.size() && s[i] == s[i + 1]);
}

std::uint64_t low_mask(std::size_t bits) noexcept {
    return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

std::size_t jaro_window(std::size_t a, std::size_t b) noexcept {
    const std::size_t longer = std::max(a, b);
    return longer / 2 >= 1 ? longer / 2 - 1 : 0;
}

// Jaro by the textbook double loop (text outer, first free pattern position in the window);
// used for patterns over 64 symbols. Greedy Jaro matching is symmetric, so the text-outer
// order gives the same counts as the pattern-outer order the baseline uses.
template <class T>
double jaro_plain(std::span<const T> p, std::span<const T> t) {
    const std::size_t lp = p.size(), lt = t.size();
    if (lp == 0 && lt == 0) return 1.0;
    if (lp == 0 || lt == 0) return 0.0;
    const std::size_t window = jaro_window(lp, lt);
    std::vector<char> p_used(lp, 0);
    std::vector<T> t_matched;
    std::size_t matches = 0;
    for (std::size_t j = 0; j < lt; ++j) {
        const std::size_t lo = j >= window ? j - window : 0;
        const std::size_t hi = std::min(lp, j + window + 1);
        for (std::size_t i = lo; i < hi; ++i) {
            if (!p_used[i] && p[i] == t[j]) {
                p_used[i] = 1;
                t_matched.push_back(t[j]);
                ++matches;
                break;
            }
        }
    }
    if (matches == 0) return 0.0;
    std::size_t transposed = 0, k = 0;
    for (std::size_t i = 0; i < lp; ++i) {
        if (p_used[i]) transposed += p[i] != t_matched[k++] ? 1 : 0;
    }
    return jaro_formula(matches, transposed / 2, lp, lt);
}

// Dense ids for the characters of `a` (the pattern side); the characters of `b` that `a`
// lacks match nothing, so they share one last id (an empty row of the pattern). Empty when `a` has more
// distinct characters than a Symbol can name: the callers then use plain dynamic programming.
struct PairSymbols {
    std::vector<Symbol> a, b;
    std::size_t alphabet = 0;
};

std::optional<PairSymbols> symbols_of(std::u32string_view a, std::u32string_view b) {
    PairSymbols out;
    std::unordered_map<char32_t, Symbol> ids;
    out.a.reserve(a.size());
    out.b.reserve(b.size());
    for (const char32_t c : a) {
        const auto [it, inserted] = ids.try_emplace(c, static_cast<Symbol>(ids.size()));
        if (ids.size() > max_alphabet - 1) return std::nullopt;
        out.a.push_back(it->second);
    }
    const auto elsewhere = static_cast<Symbol>(ids.size());
    out.alphabet = ids.size() + 1;
    for (const char32_t c : b) {
        const auto it = ids.find(c);
        out.b.push_back(it == ids.end() ? elsewhere : it->second);
    }
    return out;
}

// Runs kernel(pattern, text symbols) on the pair, or plain(a, b) over code points.
template <class Kernel, class Plain>
auto on_pair(std::u32string_view a, std::u32string_view b, Kernel kernel, Plain plain) {
    const auto s = symbols_of(a, b);
    if (!s) return plain(std::span<const char32_t>(a), std::span<const char32_t>(b));
    Pattern pattern;
    pattern.assign(s->a, s->alphabet);
    return kernel(pattern, std::span<const Symbol>(s->b));
}

}  // namespace

int levenshtein(const Pattern& pattern, std::span<const Symbol> text, int bound) {
    if (pattern.length() == 0)
        return static_cast<int>(text.size()) <= bound ? static_cast<int>(text.size()) : bound + 1;
    if (text.empty())
        return static_cast<int>(pattern.length()) <= bound ? static_cast<int>(pattern.length()) : bound + 1;
    return pattern.blocks() == 1 ? levenshtein_single(pattern, text, bound) : levenshtein_blocked(pattern, text, bound);
}

int osa(const Pattern& pattern, std::span<const Symbol> text, int bound) {
    if (pattern.length() == 0)
        return static_cast<int>(text.size()) <= bound ? static_cast<int>(text.size()) : bound + 1;
    if (text.empty())
        return static_cast<int>(pattern.length()) <= bound ? static_cast<int>(pattern.length()) : bound + 1;
    if (pattern.blocks() == 1) return osa_single(pattern, text, bound);
    const int d = osa_plain(pattern.symbols(), text);
    return d <= bound ? d : bound + 1;
}

int typing_cost(std::u32string_view query, std::u32string_view word) {
    std::vector<int> rows;
    return typing_cost(query, word, rows);
}

int typing_cost(std::u32string_view query, std::u32string_view word, std::vector<int>& rows) {
    constexpr int dropped = 7, dropped_double = cheapest_typing_edit, extra = 9, extra_double = 5, swapped = 7,
                  wrong_vowel = 8, wrong = 10;
    const std::size_t n = word.size();
    rows.assign(3 * (n + 1), 0);
    std::span<int> before(rows.data(), n + 1), previous(rows.data() + n + 1, n + 1),
        current(rows.data() + 2 * (n + 1), n + 1);
    previous[0] = 0;
    for (std::size_t j = 1; j <= n; ++j)
        previous[j] = previous[j - 1] + (doubles_neighbour(word, j - 1) ? dropped_double : dropped);
    for (std::size_t i = 1; i <= query.size(); ++i) {
        const char32_t q = query[i - 1];
        const int remove = doubles_neighbour(query, i - 1) ? extra_double : extra;
        current[0] = previous[0] + remove;
        for (std::size_t j = 1; j <= n; ++j) {
            const char32_t w = word[j - 1];
            const int add = doubles_neighbour(word, j - 1) ? dropped_double : dropped;
            const int replace = q == w ? 0 : (is_vowel(q) && is_vowel(w)) ? wrong_vowel : wrong;
            int v = std::min({previous[j] + remove, current[j - 1] + add, previous[j - 1] + replace});
            if (i > 1 && j > 1 && q == word[j - 2] && query[i - 2] == w) v = std::min(v, before[j - 2] + swapped);
            current[j] = v;
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[n];
}

int lcs(const Pattern& pattern, std::span<const Symbol> text) {
    if (pattern.length() == 0 || text.empty()) return 0;
    const std::size_t blocks = pattern.blocks();
    if (blocks == 1) {
        std::uint64_t v = ~std::uint64_t{0};
        for (const Symbol s : text) {
            const std::uint64_t u = v & pattern.row(s)[0];
            v = (v + u) | (v - u);
        }
        return std::popcount(~v & low_mask(pattern.length()));
    }
    std::vector<std::uint64_t> v(blocks, ~std::uint64_t{0});
    for (const Symbol s : text) {
        const std::uint64_t* row = pattern.row(s);
        std::uint64_t carry = 0;
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::uint64_t u = v[b] & row[b];
            const std::uint64_t sum1 = v[b] + u;
            const std::uint64_t sum = sum1 + carry;
            carry = (sum1 < v[b] || sum < sum1) ? 1 : 0;
            v[b] = sum | (v[b] - u);
        }
    }
    int count = 0;
    for (std::size_t b = 0; b < blocks; ++b) {
        const std::size_t bits = b + 1 == blocks ? pattern.length() - 64 * b : 64;
        count += std::popcount(~v[b] & low_mask(bits));
    }
    return count;
}

double jaro(const Pattern& pattern, std::span<const Symbol> text) {
    const std::size_t lp = pattern.length(), lt = text.size();
    if (lp > 64) return jaro_plain(pattern.symbols(), text);
    if (lp == 0 && lt == 0) return 1.0;
    if (lp == 0 || lt == 0) return 0.0;
    const std::size_t window = jaro_window(lp, lt);
    std::uint64_t p_used = 0;
    // Matched text symbols in text order; a Jaro match needs |i - j| <= window, so at most
    // 64 text positions can match a 64-symbol pattern.
    Symbol t_matched[64];
    std::size_t matches = 0;
    const std::size_t t_end = std::min(lt, lp + window);
    for (std::size_t j = 0; j < t_end; ++j) {
        const std::size_t lo = j >= window ? j - window : 0;
        const std::size_t hi = std::min(lp, j + window + 1);  // exclusive
        const std::uint64_t in_window = low_mask(hi) & ~low_mask(lo);
        const std::uint64_t candidates = pattern.row(text[j])[0] & in_window & ~p_used;
        if (candidates != 0) {
            p_used |= candidates & (~candidates + 1);  // lowest free position
            t_matched[matches++] = text[j];
        }
    }
    if (matches == 0) return 0.0;
    std::size_t transposed = 0, k = 0;
    const auto p = pattern.symbols();
    for (std::uint64_t used = p_used; used != 0; used &= used - 1) {
        transposed += p[static_cast<std::size_t>(std::countr_zero(used))] != t_matched[k++] ? 1 : 0;
    }
    return jaro_formula(matches, transposed / 2, lp, lt);
}

double levenshtein_similarity(int distance, std::size_t a_length, std::size_t b_length) noexcept {
    const std::size_t longer = std::max(a_length, b_length);
    if (longer == 0) return 1.0;
    return 1.0 - static_cast<double>(distance) / static_cast<double>(longer);
}

double indel_similarity(int indel_distance, std::size_t a_length, std::size_t b_length) noexcept {
    const std::size_t total = a_length + b_length;
    if (total == 0) return 1.0;
    return 1.0 - static_cast<double>(indel_distance) / static_cast<double>(total);
}

double jaro_formula(std::size_t matches, std::size_t half_transpositions, std::size_t a_length,
                    std::size_t b_length) noexcept {
    const double m = static_cast<double>(matches);
    return (m / static_cast<double>(a_length) + m / static_cast<double>(b_length) +
            static_cast<double>(matches - half_transpositions) / m) /
           3.0;
}

int levenshtein(std::u32string_view a, std::u32string_view b) {
    return on_pair(
        a, b,
        [&](const Pattern& p, std::span<const Symbol> t) {
            return levenshtein(p, t, static_cast<int>(std::max(a.size(), b.size())));
        },
        [](auto x, auto y) { return levenshtein_plain(x, y); });
}

int indel_distance(std::u32string_view a, std::u32string_view b) {
    const int common = on_pair(
        a, b, [](const Pattern& p, std::span<const Symbol> t) { return lcs(p, t); },
        [](auto x, auto y) { return lcs_plain(x, y); });
    return static_cast<int>(a.size() + b.size()) - 2 * common;
}

int osa_distance(std::u32string_view a, std::u32string_view b) {
    return osa_plain(std::span<const char32_t>(a), std::span<const char32_t>(b));
}

double similarity(std::u32string_view a, std::u32string_view b, Metric metric) {
    switch (metric) {
        case Metric::damerau:
            return levenshtein_similarity(osa_distance(folded(a), folded(b)), a.size(), b.size());
        case Metric::levenshtein:
            return levenshtein_similarity(levenshtein(a, b), a.size(), b.size());
        case Metric::indel:
            return indel_similarity(indel_distance(a, b), a.size(), b.size());
        case Metric::jaro:
            return on_pair(
                a, b, [](const Pattern& p, std::span<const Symbol> t) { return jaro(p, t); },
                [](auto x, auto y) { return jaro_plain(x, y); });
    }
    return 0.0;
}

}  // namespace bb::spell
