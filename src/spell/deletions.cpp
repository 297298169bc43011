#include "deletions.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <span>

namespace bb::spell {

namespace {

// Words per bucket on average: fewer buckets save memory, more save reading other
// deletions' words (measured: see docs/spell.md).
constexpr std::size_t postings_per_bucket = 4;

std::uint32_t hash_of(std::span<const Symbol> s) noexcept {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
    for (const Symbol c : s) h = (h ^ c) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return static_cast<std::uint32_t>(h);
}

// Calls visit(hash) for `s` and for every string left after deleting 1 to `edits` (at most
// 2) of its characters; a string left by different deletions comes once per deletion.
template <class Visit>
void each_deletion(std::span<const Symbol> s, int edits, Visit visit) {
    std::array<Symbol, Deletions::prefix> kept{};
    const std::size_t n = s.size();
    visit(hash_of(s));
    for (std::size_t i = 0; i < n && edits >= 1; ++i) {
        std::size_t m = 0;
        for (std::size_t x = 0; x < n; ++x) {
            if (x != i) kept[m++] = s[x];
        }
        visit(hash_of({kept.data(), m}));
        for (std::size_t j = i + 1; j < n && edits >= 2; ++j) {
            m = 0;
            for (std::size_t x = 0; x < n; ++x) {
                if (x != i && x != j) kept[m++] = s[x];
            }
            visit(hash_of({kept.data(), m}));
        }
    }
}

std::span<const Symbol> prefix_of(std::span<const Symbol> s) noexcept {
    return s.first(std::min(s.size(), Deletions::prefix));
}

void sort_unique(std::vector<std::uint32_t>& v, std::size_t from) {
    const auto begin = v.begin() + static_cast<std::ptrdiff_t>(from);
    std::sort(begin, v.end());
    v.erase(std::unique(begin, v.end()), v.end());
}

}  // namespace

Deletions::Deletions(const Index& index, ledger::Site& site)
    : bucket_starts_(ledger::Allocator<std::uint32_t>(site)), postings_(ledger::Allocator<std::uint32_t>(site)) {
    if (index.size() != 0 && index.size() <= entry_mask) file_words(index);
}

// Two passes over the words' deletion hashes: count per bucket, then file (a counting sort,
// so each bucket lists its entries in order).
void Deletions::file_words(const Index& index) {
    const std::size_t n = index.size();
    std::vector<std::uint32_t> hashes;  // every word's distinct deletion hashes, back to back
    std::vector<std::uint32_t> ends(n);
    hashes.reserve(n * 16);
    for (std::size_t e = 0; e < n; ++e) {
        const std::size_t from = hashes.size();
        each_deletion(prefix_of(index.entry_symbols(e)), max_edits, [&](std::uint32_t h) { hashes.push_back(h); });
        sort_unique(hashes, from);
        ends[e] = static_cast<std::uint32_t>(hashes.size());
    }
    const std::size_t buckets = std::bit_ceil(std::max<std::size_t>(16, hashes.size() / postings_per_bucket));
    bucket_starts_.assign(buckets + 1, 0);
    for (const std::uint32_t h : hashes) ++bucket_starts_[bucket_of(h) + 1];
    for (std::size_t b = 1; b <= buckets; ++b) bucket_starts_[b] += bucket_starts_[b - 1];
    postings_.resize(hashes.size());
    std::vector<std::uint32_t> next(bucket_starts_.begin(), bucket_starts_.end() - 1);
    std::size_t from = 0;
    for (std::size_t e = 0; e < n; ++e) {
        const auto length = static_cast<std::uint32_t>(std::min<std::size_t>(index.entry_symbols(e).size(), long_word));
        const std::uint32_t posting = static_cast<std::uint32_t>(e) | length << entry_bits;
        for (std::size_t i = from; i < ends[e]; ++i) postings_[next[bucket_of(hashes[i])]++] = posting;
        from = ends[e];
    }
}

std::size_t Deletions::memory_bytes() const noexcept {
    return sizeof(*this) + bucket_starts_.capacity() * sizeof(std::uint32_t) +
           postings_.capacity() * sizeof(std::uint32_t);
}

void Deletions::gather(const Index& index, int limit, bool transpositions, Scratch& scratch,
                       std::vector<Hit>& out) const {
    if (!usable() || limit < 0) return;
    limit = std::min(limit, max_edits);
    const std::span<const Symbol> query(scratch.query);
    auto& buckets = scratch.buckets;
    buckets.clear();
    each_deletion(prefix_of(query), limit,
                  [&](std::uint32_t h) { buckets.push_back(static_cast<std::uint32_t>(bucket_of(h))); });
    sort_unique(buckets, 0);
    for (const std::uint32_t b : buckets) __builtin_prefetch(&bucket_starts_[b]);
    for (const std::uint32_t b : buckets) __builtin_prefetch(&postings_[bucket_starts_[b]]);
    // The postings within the length band, each entry once.
    auto& seen = scratch.seen;
    if (seen.size() < index.size()) seen.resize(index.size(), 0);
    if (++scratch.stamp == 0) {  // wrapped: forget every mark
        std::fill(seen.begin(), seen.end(), 0);
        scratch.stamp = 1;
    }
    const std::uint32_t stamp = scratch.stamp;
    const std::size_t lq = query.size();
    auto& entries = scratch.candidates;
    entries.clear();
    for (const std::uint32_t b : buckets) {
        for (std::uint32_t i = bucket_starts_[b]; i < bucket_starts_[b + 1]; ++i) {
            const std::uint32_t posting = postings_[i];
            const std::size_t length = posting >> entry_bits;
            const std::size_t gap = length > lq ? length - lq : lq - length;
            if (length >= long_word || gap <= static_cast<std::size_t>(limit)) entries.push_back(posting & entry_mask);
        }
    }
    constexpr std::size_t ahead = 16;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i + ahead < entries.size()) __builtin_prefetch(&seen[entries[i + ahead]]);
        const std::uint32_t e = entries[i];
        if (seen[e] == stamp) continue;
        seen[e] = stamp;
        entries[kept++] = e;
    }
    entries.resize(kept);
    index.check_entries(entries, transpositions, limit, scratch, out);
}

}  // namespace bb::spell
