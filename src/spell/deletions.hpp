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
// candidate that the check rejects). A posting packs the index entry, a mark and the word's
// length (24 + 1 + 7 bits), so most candidates are rejected by length without touching the
// word (and a search can read marked words farther than the others); the rest are
// checked by signatures from one 16-byte record per entry, then by the distance kernel. The
// candidates lie scattered over memory, so waiting for it, not computing, is their cost: each
// stage fetches the data of the candidates a few places ahead.
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

    // Files every word of `index`, marking those with `marked(word)`; stays empty (usable()
    // false) when the index has too many words or characters to pack into a posting or a
    // record. Memory is counted against `site`.
    template <class Marked>
    Deletions(const Index& index, Marked marked, ledger::Site& site)
        : bucket_starts_(ledger::Allocator<std::uint32_t>(site)),
          postings_(ledger::Allocator<std::uint32_t>(site)),
          records_(ledger::Allocator<Record>(site)) {
        if (index.size() == 0 || index.size() > entry_mask || index.symbol_count() > UINT32_MAX) return;
        std::vector<bool> marks(index.size());
        for (std::size_t e = 0; e < index.size(); ++e) marks[e] = marked(index.entry_word(e));
        file_words(index, marks);
        keep_records(index);
    }

    bool usable() const noexcept { return !bucket_starts_.empty(); }
    std::size_t memory_bytes() const noexcept;

    // Appends to `out` (unordered) every word of `index` within `limit`, and every marked word
    // within `marked_limit` (both 0..max_edits), of the query prepared in `scratch` by
    // index.prepare, with its distance.
    void gather(const Index& index, int limit, int marked_limit, bool transpositions, Scratch& scratch,
                std::vector<Hit>& out) const;

private:
    static constexpr std::uint32_t entry_bits = 24;
    static constexpr std::uint32_t entry_mask = (std::uint32_t{1} << entry_bits) - 1;
    static constexpr std::uint32_t mark_bit = std::uint32_t{1} << entry_bits;
    static constexpr std::uint32_t length_shift = entry_bits + 1;
    static constexpr std::uint32_t long_word = 127;  // the length field of words this long or longer

    std::size_t bucket_of(std::uint64_t hash) const noexcept { return hash & (bucket_starts_.size() - 2); }
    void file_words(const Index& index, const std::vector<bool>& marks);
    void keep_records(const Index& index);
    // A posting's word length (read from the index only for very long words).
    static std::size_t length_of(const Index& index, std::uint32_t posting) noexcept {
        const std::size_t length = posting >> length_shift;
        return length < long_word ? length : index.entry_symbols(posting & entry_mask).size();
    }

    // What the signature check of one entry needs, in one cache line's quarter.
    struct Record {
        std::uint64_t signature;
        std::uint32_t repeat_signature;  // the low half (a subset of the bits is still a bound)
        std::uint32_t offset;            // of its symbols in the index
    };

    template <class T>
    using vec = ledger::vector<T>;
    vec<std::uint32_t> bucket_starts_;  // bucket -> first posting; a power of two + 1 entries
    vec<std::uint32_t> postings_;       // entry | mark | min(length, long_word) << length_shift, by bucket
    vec<Record> records_;               // by entry
};

}  // namespace bb::spell
