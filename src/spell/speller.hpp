// The dictionary index and its searches.
//
// Index (chosen by measurement, see docs/spell.md): words are deduplicated (first position
// wins), their characters mapped to dense symbol ids (most frequent first), and grouped in
// buckets by length, dictionary order inside each bucket. Each word carries a 64-bit
// character signature (bit min(id, 63)); the search visits buckets nearest the query's
// length first and rejects a word when a lower bound on its distance (length difference,
// signature difference) already exceeds the running cut-off, so only a few percent of the
// words reach the bit-parallel kernel. Exact matches are found first through a hash table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
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

struct SearchOptions {
    Metric metric = Metric::levenshtein;
    std::size_t k = 1;
    std::optional<int> max_distance;       // levenshtein only
    std::optional<double> min_similarity;  // indel and jaro only
};

// One suggestion: the word's position among the unique words (dictionary order of first
// occurrence), its distance (levenshtein; for the other metrics the indel distance or -1)
// and its similarity.
struct Hit {
    std::uint32_t word;
    int distance;
    double similarity;
};
inline constexpr std::uint32_t no_word = UINT32_MAX;

// Per-thread reusable buffers for searches.
struct Scratch {
    Pattern pattern;
    std::vector<Symbol> query;
    std::vector<Hit> heap;
    std::vector<std::uint32_t> candidates;
};

class Speller {
public:
    // Copies the words (the input is borrowed only during the call). Memory is counted
    // against `site`.
    Speller(const PackedText& words, ledger::Site& site);

    std::size_t size() const noexcept { return word_count_; }
    // The i-th unique word, as code points.
    std::u32string word(std::size_t i) const;
    std::size_t word_length(std::size_t i) const noexcept { return lengths_[i]; }
    // Bytes held by the index (counted in the ledger too).
    std::size_t memory_bytes() const noexcept;

    // Where the i-th unique word first occurs in the input.
    std::size_t source_position(std::size_t i) const noexcept { return source_[i]; }

    // The k best words for `query`, best first (ties: dictionary order), into `out`.
    void search(std::u32string_view query, const SearchOptions& options, Scratch& scratch,
                ledger::vector<Hit>& out) const;
    // The same with this thread's own reusable Scratch.
    void search(std::u32string_view query, const SearchOptions& options, ledger::vector<Hit>& out) const;

    // One best word per query (Hit::word == no_word when none), on `threads` threads
    // (0 = all cores). Results go to `out[i]`; the threads' temporaries count against `site`.
    // When `stop` is requested the threads return after their current query (out is then only
    // partly filled): a caller on another thread can cancel a long batch.
    void search_many(const PackedText& queries, const SearchOptions& options, unsigned threads, std::span<Hit> out,
                     ledger::Site& site, std::stop_token stop = {}) const;

private:
    struct Bucket {
        std::uint32_t length;
        std::uint32_t begin, end;  // entry range
    };
    template <class T>
    using vec = ledger::vector<T>;

    void map_query(std::u32string_view query, Scratch& scratch) const;
    std::optional<std::uint32_t> exact(std::span<const Symbol> query) const;
    std::span<const Symbol> entry_symbols(std::size_t entry) const noexcept {
        return {symbols_.data() + entry_offsets_[entry], symbols_.data() + entry_offsets_[entry + 1]};
    }
    void search_levenshtein(const SearchOptions& options, Scratch& scratch, ledger::vector<Hit>& out) const;
    template <class Score, class Bound, class Filter>
    void search_similarity(const SearchOptions& options, Scratch& scratch, Score score, Bound bound, Filter filter,
                           ledger::vector<Hit>& out) const;

    std::size_t word_count_ = 0;
    std::size_t alphabet_size_ = 0;
    vec<char32_t> alphabet_;                      // symbol id -> code point
    vec<Symbol> latin1_ids_;                      // code point < 256 -> id (or alphabet_size_)
    vec<std::pair<char32_t, Symbol>> other_ids_;  // sorted by code point
    // Entries are the unique words in bucket order.
    vec<Symbol> symbols_;
    vec<std::uint64_t> entry_offsets_;      // entries + 1
    vec<std::uint64_t> signatures_;         // bit min(id, 63) for each character
    vec<std::uint64_t> repeat_signatures_;  // the same bits, for characters seen twice or more
    vec<std::uint32_t> entry_word_;         // entry -> word index
    vec<std::uint32_t> word_entry_;         // word index -> entry
    vec<std::uint32_t> lengths_;            // word index -> length
    vec<std::uint32_t> source_;             // word index -> first position in the input
    vec<Bucket> buckets_;                   // by length, ascending
    vec<std::uint32_t> bucket_of_length_;   // length -> bucket index or UINT32_MAX
    vec<std::uint32_t> run_starts_;         // per bucket, 66 entries: first entry with >= p signature bits
    vec<std::uint32_t> hash_slots_;         // open addressing: entry + 1, 0 = empty
};

}  // namespace bb::spell
