#include "speller.hpp"

#include <algorithm>
#include <atomic>
#include <climits>
#include <exception>
#include <mutex>
#include <thread>

#include "best.hpp"
#include "canary.hpp"

namespace bb::spell {

Speller::Speller(const PackedText& words, std::span<const std::uint32_t> frequencies, ledger::Site& site)
    : source_(ledger::Allocator<std::uint32_t>(site)),
      spelling_offsets_(ledger::Allocator<std::uint32_t>(site)),
      spellings_(ledger::Allocator<std::uint32_t>(site)),
      frequency_(ledger::Allocator<std::uint32_t>(site)),
      frequent_key_(ledger::Allocator<std::uint32_t>(site)) {
    if (!frequencies.empty() && frequencies.size() != words.size())
        throw std::invalid_argument("frequencies must have one entry per word");
    std::vector<std::uint32_t> word_of_input;
    written_.emplace(words, site, &word_of_input);
    // Unique words are numbered in the order of their first occurrence.
    source_.reserve(size());
    for (std::size_t i = 0; i < word_of_input.size(); ++i) {
        if (word_of_input[i] == source_.size()) source_.push_back(static_cast<std::uint32_t>(i));
    }
    std::vector<std::uint32_t> key_of_word;
    build_folded(site, key_of_word);
    gather_spellings(key_of_word);
    gather_frequencies(word_of_input, key_of_word, frequencies);
    build_frequent(site);
    deletions_.emplace(
        *folded_, [this](std::uint32_t key) { return frequency_[key] > frequent_floor; }, site);
    if (bb::canary::enabled("spell_index")) bb::canary::plant_leak(site.name.c_str(), 64);
}

// The unique words case-folded, in dictionary order, as a second index: its unique entries
// are the keys a damerau search ranks.
void Speller::build_folded(ledger::Site& site, std::vector<std::uint32_t>& key_of_word) {
    std::vector<char32_t> chars;
    std::vector<std::uint64_t> offsets{0};
    offsets.reserve(size() + 1);
    chars.reserve(written_->symbol_count());
    std::u32string word;
    for (std::size_t w = 0; w < size(); ++w) {
        written_->word_into(w, word);
        for (const char32_t c : word) chars.push_back(fold_case(c));
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
    std::u32string text;
    for (std::uint32_t key = 0; key < folded_->size(); ++key) {
        if (frequency_[key] <= frequent_floor) continue;
        folded_->word_into(key, text);
        chars.insert(chars.end(), text.begin(), text.end());
        offsets.push_back(chars.size());
        frequent_key_.push_back(key);
    }
    frequent_.emplace(PackedText{chars, offsets}, site);
}

std::size_t Speller::memory_bytes() const noexcept {
    auto bytes = [](const auto& v) { return v.capacity() * sizeof(typename std::decay_t<decltype(v)>::value_type); };
    return sizeof(*this) + written_->memory_bytes() + folded_->memory_bytes() + frequent_->memory_bytes() +
           deletions_->memory_bytes() + bytes(source_) + bytes(spelling_offsets_) + bytes(spellings_) +
           bytes(frequency_) + bytes(frequent_key_);
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
        case Metric::levenshtein: {
            const auto at_least = search_levenshtein_near(query, options, scratch, out);
            if (!at_least) return;
            written_->prepare(query, scratch);
            written_->search_distance({false, options.max_distance.value_or(INT_MAX), -1, -1, *at_least}, options.k,
                                      scratch, out);
            return;
        }
        case Metric::indel:
        case Metric::jaro:
            written_->prepare(query, scratch);
            written_->search_similarity(options.metric, options.k,
                                        options.min_similarity.value_or(-std::numeric_limits<double>::infinity()),
                                        scratch, out);
            return;
    }
}

// Every word within 2 edits comes from the deletion index: the folded keys within reach of
// the folded query, then their spellings at the plain distance. Case folding never makes a
// word farther, and a swap of neighbours costs at most two plain edits, so no word within
// reach is missed. The words within one edit come first: when there are k of them, they are
// the answer.
std::optional<int> Speller::search_levenshtein_near(std::u32string_view query, const SearchOptions& options,
                                                    Scratch& scratch, ledger::vector<Hit>& out) const {
    const int limit = options.max_distance.value_or(INT_MAX);
    const int reach = std::min(limit, Deletions::max_edits);
    if (!deletions_->usable() || reach < 0) return 0;
    written_->prepare(query, scratch);
    if (options.k == 1) {  // an exact match is the unique best
        if (const auto w = written_->exact(scratch)) {
            out.push_back({*w, 0, 1.0});
            return std::nullopt;
        }
    }
    auto& found = scratch.heap;
    for (int within = std::min(reach, 1);; within = reach) {
        scratch.text = folded(query);
        folded_->prepare(scratch.text, scratch);
        auto& keys = scratch.near;
        keys.clear();
        deletions_->gather(*folded_, within, within, true, scratch, keys);
        written_->prepare(query, scratch);
        found.clear();
        for (const Hit& key : keys) {
            for (std::uint32_t i = spelling_offsets_[key.word]; i < spelling_offsets_[key.word + 1]; ++i) {
                const std::uint32_t w = spellings_[i];
                const int d = written_->distance_to(w, false, within, scratch);
                if (d <= within) found.push_back({w, d, 0.0});
            }
        }
        if (found.size() >= options.k || within == reach) break;
    }
    if (found.size() < options.k && limit > reach) return found.empty() ? reach + 1 : 0;
    const std::size_t best = std::min(options.k, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(best), found.end(), closer);
    for (std::size_t i = 0; i < best; ++i) {
        Hit hit = found[i];
        hit.similarity = levenshtein_similarity(hit.distance, query.size(), written_->word_length(hit.word));
        out.push_back(hit);
    }
    return std::nullopt;
}

// See speller.hpp for the ranking.
void Speller::search_damerau(std::u32string_view query, const SearchOptions& options, Scratch& scratch,
                             ledger::vector<Hit>& out) const {
    if (!has_letter(query)) return;  // nothing to correct: "", "123", "--"
    scratch.text = folded(query);
    folded_->prepare(scratch.text, scratch);
    const auto exact = folded_->exact(scratch);
    if (exact && options.k == 1) {
        out.push_back(present(query, Hit{*exact, 0, 1.0}));
        return;
    }
    gather_candidates(options.max_distance.value_or(INT_MAX), scratch, out);
    std::vector<Ranked> ranked;
    rank_best(options.k, exact, scratch, ranked);
    out.clear();
    for (const Ranked& r : ranked) out.push_back(present(query, r.hit));
}

// The candidates, into scratch.near: every key at the nearest distance d, and the frequent
// keys at d + 1 (near ties), never past `limit`. Within 2 edits both come from the deletion
// index; farther, from the signature passes over all keys (which then skip the distances
// already searched) and over the frequent keys. `hits` is a buffer.
void Speller::gather_candidates(int limit, Scratch& scratch, ledger::vector<Hit>& hits) const {
    auto& near = scratch.near;
    near.clear();
    const int reach = std::min(limit, Deletions::max_edits);
    int at_least = 0;
    if (deletions_->usable() && reach >= 0) {
        auto nearest_in = [&] {
            return near.empty() ? INT_MAX : std::min_element(near.begin(), near.end(), closer)->distance;
        };
        // First the keys within one edit and the frequent ones within reach: when a key is
        // within one edit, they are all the candidates.
        const int first = std::min(reach, 1);
        deletions_->gather(*folded_, first, reach, true, scratch, near);
        if (nearest_in() > first && first < reach) {
            near.clear();
            deletions_->gather(*folded_, reach, reach, true, scratch, near);
        }
        if (!near.empty()) {
            const int nearest = nearest_in();
            const int next = nearest + near_tie_edits;
            std::erase_if(near, [&](const Hit& hit) {
                return hit.distance != nearest && (hit.distance != next || frequency_[hit.word] <= frequent_floor);
            });
            if (next > reach && next <= limit) add_frequent_at(next, scratch, hits);
            return;
        }
        if (limit <= reach) return;
        at_least = reach + 1;
    }
    folded_->search_distance({true, limit, 0, -1, at_least}, SIZE_MAX, scratch, hits);
    if (hits.empty()) return;
    near.assign(hits.begin(), hits.end());
    const int next = hits.front().distance + near_tie_edits;
    if (next <= limit) add_frequent_at(next, scratch, hits);
}

// Appends the frequent keys at exactly `distance` to scratch.near.
void Speller::add_frequent_at(int distance, Scratch& scratch, ledger::vector<Hit>& hits) const {
    if (frequent_->size() == 0) return;
    frequent_->prepare(scratch.text, scratch);
    frequent_->search_distance({true, distance, -1, distance}, SIZE_MAX, scratch, hits);
    for (const Hit& hit : hits) scratch.near.push_back({frequent_key_[hit.word], hit.distance, hit.similarity});
}

// The k best candidates of scratch.near into `ranked`, best first: the exact match, then by
// score (typing cost against frequency), then dictionary order. Every edit costs at least
// cheapest_typing_edit, so a candidate at distance d scores at least that times d times
// cost_weight minus its frequency: candidates are scored in the order of that bound, and the
// rest are skipped once it is worse than the k-th best score (typing costs are the ranking's
// main cost).
void Speller::rank_best(std::size_t k, std::optional<std::uint32_t> exact, Scratch& scratch,
                        std::vector<Ranked>& ranked) const {
    auto better = [](const Ranked& a, const Ranked& b) {
        if (a.exact != b.exact) return a.exact;
        if (a.score != b.score) return a.score < b.score;
        return a.hit.word < b.hit.word;
    };
    std::vector<Ranked> order;  // the candidates, with their bounds as scores
    order.reserve(scratch.near.size());
    for (const Hit& hit : scratch.near) {
        const bool is_exact = exact && hit.word == *exact;
        const std::int64_t least_cost = is_exact ? 0 : std::int64_t{cheapest_typing_edit} * hit.distance;
        order.push_back({is_exact, least_cost * cost_weight - static_cast<std::int64_t>(frequency_[hit.word]), hit});
    }
    std::sort(order.begin(), order.end(), better);
    ranked.clear();  // a heap: the worst kept on top
    for (const Ranked& candidate : order) {
        if (ranked.size() == k && better(ranked.front(), candidate)) break;  // no better one can follow
        Ranked scored = candidate;
        if (!scored.exact) {
            folded_->word_into(scored.hit.word, scratch.word);
            scored.score = typing_cost(scratch.text, scratch.word, scratch.rows) * cost_weight -
                           static_cast<std::int64_t>(frequency_[scored.hit.word]);
        }
        keep_best(ranked, scored, k, better);
    }
    std::sort_heap(ranked.begin(), ranked.end(), better);
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
