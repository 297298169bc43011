// The dictionary and its searches: what the bindings and the C ABI call.
//
// A Speller keeps three indexes: the unique words as written (for the levenshtein, indel and
// jaro metrics, which are case-sensitive and break ties by dictionary order), the case-folded
// words ("keys", for damerau, the default) and the frequent keys (for damerau's near ties).
// The folded keys also have a deletion index (deletions.hpp), which answers every search
// within 2 edits, and the first two distances of any other.
// A damerau search ranks the way a person expects:
//  1. matching ignores case (casing.hpp); an exact match, in any case, is always first;
//  2. the candidates are the words at the nearest optimal-string-alignment distance d, plus
//     the frequent words (frequency > frequent_floor) at d + 1 ("near ties": a common word
//     one edit farther is often what was meant), never past max_distance;
//  3. they are ordered by  typing_cost(query, word) * cost_weight - frequency(word),  then by
//     dictionary order. Frequencies are Zipf values x 100 (0 when unknown; 0-800 for
//     English), so one unit of typing cost weighs as much as a factor of 2 in frequency;
//  4. the answer is one of the word's spellings in the dictionary (the one written like the
//     query when there is one), in capitals when the query is, with a capital first letter
//     when the query has one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "casing.hpp"
#include "deletions.hpp"
#include "index.hpp"
#include "ledger.hpp"

namespace bb::spell {

inline constexpr std::int64_t cost_weight = 30;
inline constexpr int near_tie_edits = 1;
// Only words more frequent than this (Zipf 3: about once per million words) are near ties;
// they also go into a small third index, so the near-tie pass reads ~8 % of the words.
inline constexpr std::uint32_t frequent_floor = 300;

class Speller {
public:
    // Copies the words; `frequencies` is empty or has one entry per word (duplicates and
    // spellings that differ only in case take the largest). Memory is counted against `site`.
    Speller(const PackedText& words, std::span<const std::uint32_t> frequencies, ledger::Site& site);
    Speller(const PackedText& words, ledger::Site& site) : Speller(words, {}, site) {}

    std::size_t size() const noexcept { return written_->size(); }
    // The i-th unique word, as code points, and as a hit presents it (capitals applied).
    std::u32string word(std::size_t i) const { return written_->word(i); }
    std::u32string presented(const Hit& hit) const;
    std::size_t memory_bytes() const noexcept;
    // Where the i-th unique word first occurs in the input.
    std::size_t source_position(std::size_t i) const noexcept { return source_[i]; }

    // The k best words for `query`, best first, into `out`.
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
    template <class T>
    using vec = ledger::vector<T>;

    void build_folded(ledger::Site& site, std::vector<std::uint32_t>& key_of_word);
    void gather_spellings(const std::vector<std::uint32_t>& key_of_word);
    void gather_frequencies(const std::vector<std::uint32_t>& word_of_input,
                            const std::vector<std::uint32_t>& key_of_word, std::span<const std::uint32_t> frequencies);
    void build_frequent(ledger::Site& site);

    // A levenshtein search from the deletion index (the words within 2 edits). Returns
    // nothing when `out` is the answer, else the distance the full search can start from.
    std::optional<int> search_levenshtein_near(std::u32string_view query, const SearchOptions& options,
                                               Scratch& scratch, ledger::vector<Hit>& out) const;

    void search_damerau(std::u32string_view query, const SearchOptions& options, Scratch& scratch,
                        ledger::vector<Hit>& out) const;
    struct Ranked {
        bool exact;
        std::int64_t score;
        Hit hit;  // on a folded key
    };
    void gather_candidates(int limit, Scratch& scratch, ledger::vector<Hit>& hits) const;
    void add_frequent_at(int distance, Scratch& scratch, ledger::vector<Hit>& hits) const;
    void rank_best(std::size_t k, std::optional<std::uint32_t> exact, Scratch& scratch,
                   std::vector<Ranked>& ranked) const;
    // Turns a hit on a folded key into a hit on the spelling to answer with.
    Hit present(std::u32string_view query, const Hit& key_hit) const;

    // Built step by step in the constructor's body, hence optional; always present after.
    std::optional<Index> written_;
    std::optional<Index> folded_;
    std::optional<Index> frequent_;        // the keys above frequent_floor
    std::optional<Deletions> deletions_;   // over folded_
    vec<std::uint32_t> source_;            // unique word -> its first position in the input
    vec<std::uint32_t> spelling_offsets_;  // folded key -> range in spellings_
    vec<std::uint32_t> spellings_;         // unique word indices, dictionary order per key
    vec<std::uint32_t> frequency_;         // folded key -> frequency
    vec<std::uint32_t> frequent_key_;      // frequent_'s words -> folded keys
};

}  // namespace bb::spell
