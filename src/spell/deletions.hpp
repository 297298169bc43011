// Symmetric deletions (the idea behind SymSpell) over an Index: the bounded search, so that
// a search within 2 edits reads a few hundred candidate words instead of the whole band of
// word lengths.
//
// Two strings within k edits (Levenshtein, or optimal string alignment: a substitution or a
// swap of neighbours removes one character from each side, an insertion one from one side)
// share a common subsequence left after at most k deletions from each. The same holds for
// their first `prefix` characters (when a common character falls past one prefix, that
// prefix is full and lost at most k characters to deletions, so the other prefix, no longer,
// lost at most k to reach the shared part). So every word is filed under each string left
// after deleting up to 2 of its first 7 characters, and a query reads the buckets of its own
// such deletions: every word within k <= 2 edits is among them. The candidates are then
// checked by length, signature and the distance kernel (Index::distance_to).
//
// Buckets are hashes of the deleted strings (no strings are stored; a collision only adds a
// candidate that the check rejects). A posting packs the index entry with its length (24 + 8
// bits), so most candidates are rejected by length without touching the word.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "index.hpp"
#include "ledger.hpp"

namespace bb::spell {

class Deletions {
public:
    static constexpr int max_edits = 2;
    static constexpr std::size_t prefix = 7;

    // Files every word of `index`; stays empty (usable() false) when the index has too many
    // words to pack into a posting. Memory is counted against `site`.
    Deletions(const Index& index, ledger::Site& site);

    bool usable() const noexcept { return !bucket_starts_.empty(); }
    std::size_t memory_bytes() const noexcept;

    // Appends to `out` (unordered) every word of `index` within `limit` (0..max_edits) of the
    // query prepared in `scratch` by index.prepare, with its distance.
    void gather(const Index& index, int limit, bool transpositions, Scratch& scratch, std::vector<Hit>& out) const;

private:
    static constexpr std::uint32_t entry_bits = 24;
    static constexpr std::uint32_t entry_mask = (std::uint32_t{1} << entry_bits) - 1;
    static constexpr std::uint32_t long_word = 255;  // the length field of words this long or longer

    std::size_t bucket_of(std::uint64_t hash) const noexcept { return hash & (bucket_starts_.size() - 2); }
    void file_words(const Index& index);

    template <class T>
    using vec = ledger::vector<T>;
    vec<std::uint32_t> bucket_starts_;  // bucket -> first posting; a power of two + 1 entries
    vec<std::uint32_t> postings_;       // entry | min(length, long_word) << entry_bits, by bucket
};

}  // namespace bb::spell
