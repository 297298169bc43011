#include "speller.hpp"

#include <algorithm>
#include <atomic>
#include <climits>
#include <exception>
#include <mutex>
#include <thread>

#include "canary.hpp"

namespace bb::spell {

Speller::Speller(const PackedText& words, std::span<const std::uint32_t> frequencies, ledger::Site& site)
    : spelling_offsets_(ledger::Allocator<std::uint32_t>(site)),
      spellings_(ledger::Allocator<std::uint32_t>(site)),
      frequency_(ledger::Allocator<std::uint32_t>(site)),
      frequent_key_(ledger::Allocator<std::uint32_t>(site)) {
    if (!frequencies.empty() && frequencies.size() != words.size())
        throw std::invalid_argument("frequencies must have one entry per word");
    std::vector<std::uint32_t> word_of_input;
    written_.emplace(words, site, &word_of_input);
    std::vector<std::uint32_t> key_of_word;
    build_folded(site, key_of_word);
    gather_spellings(key_of_word);
    gather_frequencies(word_of_input, key_of_word, frequencies);
    build_frequent(site);
    if (bb::canary::enabled("spell_index")) bb::canary::plant_leak(site.name.c_str(), 64);
}

// The unique words case-folded, in dictionary order, as a second index: its unique entries
// are the keys a damerau search ranks.
void Speller::build_folded(ledger::Site& site, std::vector<std::uint32_t>& key_of_word) {
    std::vector<char32_t> chars;
    std::vector<std::uint64_t> offsets{0};
    offsets.reserve(size() + 1);
    for (std::size_t w = 0; w < size(); ++w) {
        for (const char32_t c : written_->word(w)) chars.push_back(fold_case(c));
        offsets.push_back(chars.size());
    }
    folded_.emplace(PackedText{chars, offsets}, site, &key_of_word);
}

// Every key's spellings (unique words), in dictionary order: a counting sort by key.
void Speller::gather_spellings(const std::vector<std::uint32_t>& key_of_word) {
    spelling_offsets_.assign(folded_->size() + 1, 0);
    for (const std::uint32_t key : key_of_word) ++spelling_offsets_[key + 1];
    for (std::size_t i = 1; i < spelling_offsets_.size(); ++i) spelling_offsets_[i] += spelling_offsets_[i - 1];
    spellings_.resize(key_of_word.size());
    std::vector<std::uint32_t> next(spelling_offsets_.begin(), spelling_offsets_.end() - 1);
    for (std::size_t w = 0; w < key_of_word.size(); ++w)
        spellings_[next[key_of_word[w]]++] = static_cast<std::uint32_t>(w);
}

void Speller::gather_frequencies(const std::vector<std::uint32_t>& word_of_input,
                                 const std::vector<std::uint32_t>& key_of_word,
                                 std::span<const std::uint32_t> frequencies) {
    frequency_.assign(folded_->size(), 0);
    for (std::size_t i = 0; i < frequencies.size(); ++i) {
        std::uint32_t& f = frequency_[key_of_word[word_of_input[i]]];
        f = std::max(f, frequencies[i]);
    }
}

void Speller::build_frequent(ledger::Site& site) {
    std::vector<char32_t> chars;
    std::vector<std::uint64_t> offsets{0};
    for (std::uint32_t key = 0; key < folded_->size(); ++key) {
        if (frequency_[key] <= frequent_floor) continue;
        const std::u32string text = folded_->word(key);
        chars.insert(chars.end(), text.begin(), text.end());
        offsets.push_back(chars.size());
        frequent_key_.push_back(key);
    }
    frequent_.emplace(PackedText{chars, offsets}, site);
}

std::size_t Speller::memory_bytes() const noexcept {
    auto bytes = [](const auto& v) { return v.capacity() * sizeof(typename std::decay_t<decltype(v)>::value_type); };
    return sizeof(*this) + written_->memory_bytes() + folded_->memory_bytes() + frequent_->memory_bytes() +
           bytes(spelling_offsets_) + bytes(spellings_) + bytes(frequency_) + bytes(frequent_key_);
}

std::u32string Speller::presented(const Hit& hit) const {
    return apply_casing(word(hit.word), static_cast<Casing>(hit.casing));
}

void Speller::search(std::u32string_view query, const SearchOptions& options, Scratch& scratch,
                     ledger::vector<Hit>& out) const {
    out.clear();
    if (options.k == 0 || size() == 0) return;
    switch (options.metric) {
        case Metric::damerau:
            search_damerau(query, options, scratch, out);
            return;
        case Metric::levenshtein:
            written_->prepare(query, scratch);
            written_->search_distance({false, options.max_distance.value_or(INT_MAX), -1}, options.k, scratch, out);
            return;
        case Metric::indel:
        case Metric::jaro:
            written_->prepare(query, scratch);
            written_->search_similarity(options.metric, options.k,
                                        options.min_similarity.value_or(-std::numeric_limits<double>::infinity()),
                                        scratch, out);
            return;
    }
}

// See speller.hpp for the ranking. The candidates come in two passes: every key at the nearest
// distance d over all keys, then the frequent keys at d + 1, from their own small index.
void Speller::search_damerau(std::u32string_view query, const SearchOptions& options, Scratch& scratch,
                             ledger::vector<Hit>& out) const {
    if (!has_letter(query)) return;  // nothing to correct: "", "123", "--"
    scratch.text = folded(query);
    folded_->prepare(scratch.text, scratch);
    const auto exact = folded_->exact(scratch);
    const int limit = options.max_distance.value_or(INT_MAX);
    if (exact && options.k == 1) {
        out.push_back(present(query, Hit{*exact, 0, 1.0}));
        return;
    }
    folded_->search_distance({true, limit, 0, -1}, SIZE_MAX, scratch, out);
    if (out.empty()) return;
    std::vector<Ranked> ranked;
    rank_into(ranked, out, exact, scratch);
    const int next = out.front().distance + near_tie_edits;
    if (next <= limit && frequent_->size() != 0) {
        frequent_->prepare(scratch.text, scratch);
        frequent_->search_distance({true, limit, -1, next}, SIZE_MAX, scratch, out);
        for (Hit& hit : out) hit.word = frequent_key_[hit.word];
        rank_into(ranked, out, exact, scratch);
    }
    const std::size_t best = std::min(options.k, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(best), ranked.end(),
                      [](const Ranked& a, const Ranked& b) {
                          if (a.exact != b.exact) return a.exact;
                          if (a.score != b.score) return a.score < b.score;
                          return a.hit.word < b.hit.word;
                      });
    out.clear();
    for (std::size_t i = 0; i < best; ++i) out.push_back(present(query, ranked[i].hit));
}

// Appends the hits (on folded keys) with their scores: typing cost against frequency.
void Speller::rank_into(std::vector<Ranked>& ranked, std::span<const Hit> hits, std::optional<std::uint32_t> exact,
                        const Scratch& scratch) const {
    for (const Hit& hit : hits) {
        const bool is_exact = exact && hit.word == *exact;
        const std::int64_t cost = is_exact ? 0 : typing_cost(scratch.text, folded_->word(hit.word));
        ranked.push_back({is_exact, cost * cost_weight - static_cast<std::int64_t>(frequency_[hit.word]), hit});
    }
}

Hit Speller::present(std::u32string_view query, const Hit& key_hit) const {
    const Shape want = shape_of(query);
    const std::uint32_t first = spelling_offsets_[key_hit.word], last = spelling_offsets_[key_hit.word + 1];
    // The spelling written exactly like the query, else the first of the query's shape,
    // else the first in lower case, else the first.
    std::uint32_t chosen = spellings_[first], same_shape = no_word, lower = no_word;
    bool found = false;
    for (std::uint32_t i = first; i < last && !found; ++i) {
        const std::uint32_t w = spellings_[i];
        const std::u32string text = word(w);
        if (text == query) {
            chosen = w;
            found = true;
        }
        const Shape shape = shape_of(text);
        if (shape == want && same_shape == no_word) same_shape = w;
        if (shape == Shape::lower && lower == no_word) lower = w;
    }
    if (!found) chosen = same_shape != no_word ? same_shape : lower != no_word ? lower : chosen;
    Casing casing = Casing::as_written;
    if (!found) {
        const Shape got = shape_of(word(chosen));
        if (want == Shape::upper && got != Shape::upper) casing = Casing::upper;
        if (want == Shape::title && got == Shape::lower) casing = Casing::title;
    }
    Hit hit = key_hit;
    hit.word = chosen;
    hit.casing = static_cast<std::uint8_t>(casing);
    hit.similarity = levenshtein_similarity(hit.distance, query.size(), written_->word_length(chosen));
    return hit;
}

void Speller::search(std::u32string_view query, const SearchOptions& options, ledger::vector<Hit>& out) const {
    thread_local Scratch scratch;
    search(query, options, scratch, out);
}

void Speller::search_many(const PackedText& queries, const SearchOptions& options, unsigned threads, std::span<Hit> out,
                          ledger::Site& site, std::stop_token stop) const {
    const std::size_t n = queries.size();
    SearchOptions one = options;
    one.k = 1;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    constexpr std::size_t chunk = 16;
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, (n + chunk - 1) / chunk));
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
        try {
            Scratch scratch;
            ledger::vector<Hit> hits{ledger::Allocator<Hit>(site)};
            for (std::size_t begin; !stop.stop_requested() && (begin = next.fetch_add(chunk)) < n;) {
                for (std::size_t i = begin; i < std::min(n, begin + chunk) && !stop.stop_requested(); ++i) {
                    search(queries[i], one, scratch, hits);
                    out[i] = hits.empty() ? Hit{no_word, -1, 0.0} : hits.front();
                }
            }
        } catch (...) {
            std::lock_guard lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            next.store(n);
        }
    };
    if (threads <= 1) {
        work();
    } else {
        std::vector<std::jthread> pool;
        pool.reserve(threads - 1);
        for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
        work();
    }
    if (failure) std::rethrow_exception(failure);
}

}  // namespace bb::spell
