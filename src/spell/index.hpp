// One searchable word list: the engine under Speller (which keeps two of them, one as
// written and one case-folded, see speller.hpp).
//
// Chosen by measurement (see docs/spell.md): words are deduplicated (first position wins),
// their characters mapped to dense symbol ids (most frequent first), and grouped in buckets
// by length, inside each bucket in runs by the number of distinct signature bits. Each word
// carries two 64-bit character signatures; a search visits only the buckets and runs its
// bound allows and rejects a word when a lower bound on its distance (length difference,
// signature difference) already exceeds the cut-off, so only a small fraction of the words
// reach the bit-parallel kernel. Exact matches are found first through a hash table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger.hpp"
#include "metrics.hpp"
#include "pattern.hpp"

namespace bb::spell {

// Many strings of code points packed back to back: string i is chars[offsets[i], offsets[i+1]).
struct PackedText {
    std::span<const char32_t> chars;
    std::span<const std::uint64_t> offsets;  // count + 1 entries, offsets[0] == 0
    std::size_t size() const noexcept { return offsets.empty() ? 0 : offsets.size() - 1; }
    std::u32string_view operator[](std::size_t i) const noexcept {
        return {chars.data() + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i])};
    }
};

// The default metric is the Python API's (bridgebench_rules.spell.DEFAULT_METRIC).
struct SearchOptions {
    Metric metric = Metric::damerau;
    std::size_t k = 1;
    std::optional<int> max_distance;       // levenshtein and damerau only
    std::optional<double> min_similarity;  // indel and jaro only
};

// One suggestion: the word's position among the unique words (dictionary order of first
// occurrence), its distance (levenshtein and damerau; for indel the indel distance; for jaro
// -1), its similarity, and how to write it (damerau answers follow the query's capitals).
struct Hit {
    std::uint32_t word;
    int distance;
    double similarity;
    std::uint8_t casing = 0;  // a Casing (casing.hpp)
};
inline constexpr std::uint32_t no_word = UINT32_MAX;

// The order of hits by distance: smaller first, ties to the earlier word.
inline bool closer(const Hit& a, const Hit& b) noexcept {
    return a.distance != b.distance ? a.distance < b.distance : a.word < b.word;
}

// Per-thread reusable buffers for searches.
struct Scratch {
    Pattern pattern;
    std::vector<Symbol> query;
    std::vector<Hit> heap;
    std::vector<std::uint32_t> candidates;
    std::u32string text;  // the case-folded query, for the damerau ranking
    // The prepared query's two character signatures (see Index).
    std::uint64_t signature = 0, repeat_signature = 0;
    // For searches through Deletions: the buckets to read, the entries already seen (seen[e]
    // == stamp; a byte, so the marks of a large dictionary stay in the CPU's cache), and the
    // hits within its reach.
    std::vector<std::uint32_t> buckets;
    std::vector<std::uint8_t> seen;
    std::uint8_t stamp = 0;
    std::vector<Hit> near;
    std::u32string word;    // a candidate's text, for the damerau ranking
    std::vector<int> rows;  // typing_cost's dynamic program
};

// A distance search over an Index: the kernel, the bound and whether to stop at the nearest.
struct DistanceSearch {
    bool transpositions = false;  // optimal string alignment instead of Levenshtein
    int limit = 0;                // no word farther than this
    // Every word within (nearest distance + near) instead of the k best, unordered; -1: off.
    int near = -1;
    // Every word at exactly this distance (one pass), unordered; -1: off.
    int exactly = -1;
    // No word is nearer than this (the caller has looked): the passes start here.
    int at_least = 0;
};

class Index {
public:
    // Copies the words (the input is borrowed only during the call). Memory is counted
    // against `site`. `word_of_input`, when given, receives each input word's unique index.
    // Throws std::length_error past 65,535 distinct characters or 2^32 - 1 characters in all.
    Index(const PackedText& words, ledger::Site& site, std::vector<std::uint32_t>* word_of_input = nullptr);

    std::size_t size() const noexcept { return word_count_; }
    std::u32string word(std::size_t i) const;  // the i-th unique word, as code points
    std::size_t word_length(std::size_t i) const noexcept { return entry_symbols(word_entry_[i]).size(); }
    // Entries are the words in the index's own order (by length, then signature bits); an
    // entry's symbols and its word.
    std::span<const Symbol> entry_symbols(std::size_t entry) const noexcept {
        return {symbols_.data() + entry_offsets_[entry], symbols_.data() + entry_offsets_[entry + 1]};
    }
    std::uint32_t entry_word(std::size_t entry) const noexcept { return entry_word_[entry]; }
    std::uint32_t entry_offset(std::size_t entry) const noexcept { return entry_offsets_[entry]; }
    std::uint64_t entry_signature(std::size_t entry) const noexcept { return signatures_[entry]; }
    std::uint32_t entry_repeat_signature(std::size_t entry) const noexcept { return repeat_signatures_[entry]; }
    // Every entry's symbols, back to back (entry_offset(e) is where entry e starts).
    const Symbol* symbol_data() const noexcept { return symbols_.data(); }
    std::size_t symbol_count() const noexcept { return symbols_.size(); }
    // word(i) into `out`, reusing its memory.
    void word_into(std::size_t i, std::u32string& out) const;
    std::size_t memory_bytes() const noexcept;
    std::size_t max_length() const noexcept { return bucket_of_length_.empty() ? 0 : bucket_of_length_.size() - 1; }

    // Maps `query` to this index's symbols, into scratch.query (and its pattern).
    void prepare(std::u32string_view query, Scratch& scratch) const;
    // The unique word spelt exactly like the prepared query.
    std::optional<std::uint32_t> exact(const Scratch& scratch) const;
    // The distance of the prepared query to one word, or `bound` + 1 when it is larger
    // (checked by length and signatures first, so most far words cost no kernel run).
    int distance_to(std::uint32_t word, bool transpositions, int bound, const Scratch& scratch) const;
    // The k best words under a distance for the prepared query, best first (ties: dictionary
    // order), or, with `near`, every word within the nearest distance + near.
    void search_distance(const DistanceSearch& search, std::size_t k, Scratch& scratch, ledger::vector<Hit>& out) const;
    // The k best by indel or Jaro similarity, at least `floor`.
    void search_similarity(Metric metric, std::size_t k, double floor, Scratch& scratch,
                           ledger::vector<Hit>& out) const;

private:
    struct Bucket {
        std::uint32_t length;
        std::uint32_t begin, end;  // entry range
    };
    template <class T>
    using vec = ledger::vector<T>;

    // The build, step by step.
    void build_alphabet(std::span<const char32_t> chars);
    std::vector<Symbol> to_symbols(std::span<const char32_t> chars) const;
    void bucket_and_order(const std::vector<Symbol>& all, std::span<const std::uint64_t> offsets,
                          const std::vector<std::uint32_t>& unique);
    void pack_entries(const std::vector<Symbol>& all, std::span<const std::uint64_t> offsets,
                      const std::vector<std::uint32_t>& unique);
    void build_exact_table(const std::vector<std::uint32_t>& unique_table);

    template <class Score, class Bound, class Filter>
    void rank_by_similarity(std::size_t k, double floor, Scratch& scratch, Score score, Bound bound, Filter filter,
                            ledger::vector<Hit>& out) const;

    std::size_t word_count_ = 0;
    std::size_t alphabet_size_ = 0;
    vec<char32_t> alphabet_;                      // symbol id -> code point
    vec<Symbol> latin1_ids_;                      // code point < 256 -> id (or alphabet_size_)
    vec<std::pair<char32_t, Symbol>> other_ids_;  // sorted by code point
    // Entries are the unique words in bucket order.
    vec<Symbol> symbols_;
    vec<std::uint32_t> entry_offsets_;  // entries + 1
    vec<std::uint64_t> signatures_;     // bit min(id, 63) for each character
    // The low half of the same bits for characters seen twice or more (the 32 most frequent
    // characters: repeats of rarer ones seldom decide a bound, and a subset is still a bound).
    vec<std::uint32_t> repeat_signatures_;
    vec<std::uint32_t> entry_word_;        // entry -> word index
    vec<std::uint32_t> word_entry_;        // word index -> entry
    vec<Bucket> buckets_;                  // by length, ascending
    vec<std::uint32_t> bucket_of_length_;  // length -> bucket index or UINT32_MAX
    vec<std::uint32_t> run_starts_;        // per bucket, 66 entries: first entry with >= p signature bits
    vec<std::uint32_t> hash_slots_;        // open addressing: entry + 1, 0 = empty
};

}  // namespace bb::spell
