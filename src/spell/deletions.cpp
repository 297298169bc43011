#include "deletions.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <span>

#include "filter.hpp"
#include "metrics.hpp"

namespace bb::spell {

namespace {

// Words per bucket on average: fewer buckets save memory, more save reading other
// deletions' words (measured: see docs/spell.md).
constexpr std::size_t postings_per_bucket = 8;

std::uint32_t hash_of(std::span<const Symbol> s) noexcept {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
    for (const Symbol c : s) h = (h ^ c) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return static_cast<std::uint32_t>(h);
}

// Calls visit(hash) once for every distinct string left after deleting `fewest` to 2 of the
// characters of `s`. A string can be left by several sets of deletions (deleting either "l"
// of "ball"); each is made only by the set that keeps its leftmost occurrence in `s`, the
// set in which no deleted character equals the next character kept after it.
template <class Visit>
void each_deletion(std::span<const Symbol> s, int fewest, Visit visit) {
    std::array<Symbol, Deletions::prefix> kept{};
    const std::size_t n = s.size();
    // Whether deleting position x (and those up to `last`) still keeps the leftmost occurrence:
    // the character kept next, at last + 1, differs from s[x].
    auto leftmost = [&](std::size_t x, std::size_t last) { return last + 1 == n || s[x] != s[last + 1]; };
    if (fewest == 0) visit(hash_of(s));
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t m = 0;
        for (std::size_t x = 0; x < n; ++x) {
            if (x != i) kept[m++] = s[x];
        }
        if (fewest <= 1 && leftmost(i, i)) visit(hash_of({kept.data(), m}));
        for (std::size_t j = i + 1; j < n; ++j) {
            const bool canonical = j == i + 1 ? leftmost(i, j) && leftmost(j, j) : leftmost(i, i) && leftmost(j, j);
            if (!canonical) continue;
            m = 0;
            for (std::size_t x = 0; x < n; ++x) {
                if (x != i && x != j) kept[m++] = s[x];
            }
            visit(hash_of({kept.data(), m}));
        }
    }
}

// A word is filed only under the strings of the length a match can be brought to: two
// prefixes within 2 deletions each of a common string also share one of length
// max(lengths) - 2 (delete more of the common string), so a word whose prefix has the
// full 7 characters needs only its 2-deletions, one of 6 its 1- and 2-deletions. A query
// therefore always reads its 0-, 1- and 2-deletions, whatever its limit.
int fewest_deletions(std::size_t length) noexcept {
    const std::size_t longest_filed_whole = Deletions::prefix - Deletions::max_edits;
    return length > longest_filed_whole ? static_cast<int>(length - longest_filed_whole) : 0;
}

std::span<const Symbol> prefix_of(std::span<const Symbol> s) noexcept {
    return s.first(std::min(s.size(), Deletions::prefix));
}

void sort_unique(std::vector<std::uint32_t>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

void Deletions::keep_records(const Index& index) {
    records_.resize(index.size());
    for (std::size_t e = 0; e < index.size(); ++e) {
        records_[e] = {index.entry_signature(e), index.entry_repeat_signature(e), index.entry_offset(e)};
    }
}

// Two passes over the words' deletion hashes: count per bucket, then file (a counting sort,
// so each bucket lists its entries in order). Both passes touch the buckets at random, so
// they fetch a few places ahead.
void Deletions::file_words(const Index& index, const std::vector<bool>& marks) {
    const std::size_t n = index.size();
    std::vector<std::uint32_t> slots;  // every word's deletion hashes, then buckets, back to back
    std::vector<std::uint32_t> ends(n);
    slots.reserve(n * 16);
    for (std::size_t e = 0; e < n; ++e) {
        const auto word = prefix_of(index.entry_symbols(e));
        each_deletion(word, fewest_deletions(word.size()), [&](std::uint32_t h) { slots.push_back(h); });
        ends[e] = static_cast<std::uint32_t>(slots.size());
    }
    const std::size_t buckets = std::bit_ceil(std::max<std::size_t>(16, slots.size() / postings_per_bucket));
    bucket_starts_.assign(buckets + 1, 0);
    for (std::uint32_t& slot : slots) slot = static_cast<std::uint32_t>(bucket_of(slot));
    constexpr std::size_t ahead = 16;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        if (i + ahead < slots.size()) __builtin_prefetch(&bucket_starts_[slots[i + ahead] + 1]);
        ++bucket_starts_[slots[i] + 1];
    }
    for (std::size_t b = 1; b <= buckets; ++b) bucket_starts_[b] += bucket_starts_[b - 1];
    // Writing each posting straight to its bucket would wait on memory for nearly every one
    // (the postings are 25 MB for the default dictionary). So they go first to partitions of
    // 2^11 buckets, in order (a few hundred write streams), and then from each partition to
    // its buckets, whose counters and postings stay in the CPU's cache meanwhile. Both steps
    // keep the entry order, so every bucket lists its entries in order.
    constexpr unsigned partition_shift = 11;
    std::vector<std::size_t> cursor(std::max<std::size_t>(1, buckets >> partition_shift));
    for (std::size_t p = 0; p < cursor.size(); ++p) cursor[p] = bucket_starts_[p << partition_shift];
    std::vector<std::uint64_t> staged(slots.size());  // bucket << 32 | posting
    std::size_t from = 0;
    for (std::size_t e = 0; e < n; ++e) {
        const auto length = static_cast<std::uint32_t>(std::min<std::size_t>(index.entry_symbols(e).size(), long_word));
        const std::uint64_t posting =
            static_cast<std::uint32_t>(e) | (marks[e] ? mark_bit : 0) | length << length_shift;
        for (std::size_t i = from; i < ends[e]; ++i)
            staged[cursor[slots[i] >> partition_shift]++] = std::uint64_t{slots[i]} << 32 | posting;
        from = ends[e];
    }
    postings_.resize(slots.size());
    std::vector<std::uint32_t> next(bucket_starts_.begin(), bucket_starts_.end() - 1);
    for (const std::uint64_t item : staged) postings_[next[item >> 32]++] = static_cast<std::uint32_t>(item);
}

std::size_t Deletions::memory_bytes() const noexcept {
    return sizeof(*this) + bucket_starts_.capacity() * sizeof(std::uint32_t) +
           postings_.capacity() * sizeof(std::uint32_t) + records_.capacity() * sizeof(Record);
}

void Deletions::gather(const Index& index, int limit, int marked_limit, bool transpositions, Scratch& scratch,
                       std::vector<Hit>& out) const {
    limit = std::min(limit, max_edits);
    marked_limit = std::min(marked_limit, max_edits);
    if (!usable() || std::max(limit, marked_limit) < 0) return;
    const std::span<const Symbol> query(scratch.query);
    auto& buckets = scratch.buckets;
    buckets.clear();
    each_deletion(prefix_of(query), 0,
                  [&](std::uint32_t h) { buckets.push_back(static_cast<std::uint32_t>(bucket_of(h))); });
    sort_unique(buckets);
    for (const std::uint32_t b : buckets) __builtin_prefetch(&bucket_starts_[b]);
    // (data() + offset: an empty last bucket starts at the end, which operator[] may not name)
    for (const std::uint32_t b : buckets) __builtin_prefetch(postings_.data() + bucket_starts_[b]);
    // The postings within the length band, each entry once.
    auto& seen = scratch.seen;
    if (seen.size() < index.size()) seen.resize(index.size(), 0);
    if (++scratch.stamp == 0) {  // wrapped: forget every mark
        std::fill(seen.begin(), seen.end(), std::uint8_t{0});
        scratch.stamp = 1;
    }
    const std::uint8_t stamp = scratch.stamp;
    const std::size_t lq = query.size();
    auto bound_of = [=](std::uint32_t posting) { return (posting & mark_bit) != 0 ? marked_limit : limit; };
    auto& candidates = scratch.candidates;  // postings
    candidates.clear();
    for (const std::uint32_t b : buckets) {
        for (std::uint32_t i = bucket_starts_[b]; i < bucket_starts_[b + 1]; ++i) {
            const std::uint32_t posting = postings_[i];
            const std::size_t length = posting >> length_shift;
            const std::size_t gap = length > lq ? length - lq : lq - length;
            if (length >= long_word || static_cast<int>(gap) <= bound_of(posting)) candidates.push_back(posting);
        }
    }
    constexpr std::size_t ahead = 16;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {  // each entry once
        if (i + ahead < candidates.size()) __builtin_prefetch(&seen[candidates[i + ahead] & entry_mask]);
        const std::uint32_t e = candidates[i] & entry_mask;
        if (seen[e] == stamp) continue;
        seen[e] = stamp;
        candidates[kept++] = candidates[i];
    }
    std::size_t checked = 0;
    for (std::size_t i = 0; i < kept; ++i) {  // signatures
        if (i + ahead < kept) __builtin_prefetch(&records_[candidates[i + ahead] & entry_mask]);
        const Record& r = records_[candidates[i] & entry_mask];
        const std::size_t length = length_of(index, candidates[i]);
        const int gap = static_cast<int>(length > lq ? length - lq : lq - length);
        const int lower = signature_lower_bound(scratch.signature, scratch.repeat_signature & UINT32_MAX, r.signature,
                                                r.repeat_signature, length > lq ? gap : 0, length > lq ? 0 : gap);
        if (lower <= bound_of(candidates[i])) candidates[checked++] = candidates[i];
    }
    const Symbol* symbols = index.symbol_data();
    for (std::size_t i = 0; i < checked; ++i) {  // distances
        if (i + ahead < checked) __builtin_prefetch(symbols + records_[candidates[i + ahead] & entry_mask].offset);
        const std::uint32_t e = candidates[i] & entry_mask;
        const std::span<const Symbol> text(symbols + records_[e].offset, length_of(index, candidates[i]));
        const int bound = bound_of(candidates[i]);
        const int d = transpositions ? osa(scratch.pattern, text, bound) : levenshtein(scratch.pattern, text, bound);
        if (d <= bound) out.push_back({index.entry_word(e), d, 0.0});
    }
}

}  // namespace bb::spell
