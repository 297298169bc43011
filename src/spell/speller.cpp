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
           deletions_->memory_bytes() + bytes(spelling_offsets_) + bytes(spellings_) + bytes(frequency_) +
           bytes(frequent_key_);
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
    std::vector<Ranked> ranked;
    rank_candidates(options.max_distance.value_or(INT_MAX), exact, scratch, ranked, out);
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

// The candidates: every key at the nearest distance d, and the frequent keys at d + 1 (near
// ties), never past `limit`. Within 2 edits both come from the deletion index; farther, from
// the signature passes over all keys (which then skip the distances already searched) and
// over the frequent keys.
void Speller::rank_candidates(int limit, std::optional<std::uint32_t> exact, Scratch& scratch,
                              std::vector<Ranked>& ranked, ledger::vector<Hit>& hits) const {
    const int reach = std::min(limit, Deletions::max_edits);
    int at_least = 0;
    if (deletions_->usable() && reach >= 0) {
        auto& near = scratch.near;
        auto nearest_in = [&] {
            return near.empty() ? INT_MAX : std::min_element(near.begin(), near.end(), closer)->distance;
        };
        // First the keys within one edit and the frequent ones within reach: when a key is
        // within one edit, they are all the candidates.
        const int first = std::min(reach, 1);
        near.clear();
        deletions_->gather(*folded_, first, reach, true, scratch, near);
        if (nearest_in() > first && first < reach) {
            near.clear();
            deletions_->gather(*folded_, reach, reach, true, scratch, near);
        }
        if (!near.empty()) {
            const int nearest = nearest_in();
            const int next = nearest + near_tie_edits;
            hits.clear();
            for (const Hit& hit : near) {
                if (hit.distance == nearest || (hit.distance == next && frequency_[hit.word] > frequent_floor))
                    hits.push_back(hit);
            }
            rank_into(ranked, hits, exact, scratch);
            if (next > reach && next <= limit) rank_frequent_at(next, exact, scratch, ranked, hits);
            return;
        }
        if (limit <= reach) return;
        at_least = reach + 1;
    }
    folded_->search_distance({true, limit, 0, -1, at_least}, SIZE_MAX, scratch, hits);
    if (hits.empty()) return;
    rank_into(ranked, hits, exact, scratch);
    const int next = hits.front().distance + near_tie_edits;
    if (next <= limit) rank_frequent_at(next, exact, scratch, ranked, hits);
}

void Speller::rank_frequent_at(int distance, std::optional<std::uint32_t> exact, Scratch& scratch,
                               std::vector<Ranked>& ranked, ledger::vector<Hit>& hits) const {
    if (frequent_->size() == 0) return;
    frequent_->prepare(scratch.text, scratch);
    frequent_->search_distance({true, distance, -1, distance}, SIZE_MAX, scratch, hits);
    for (Hit& hit : hits) hit.word = frequent_key_[hit.word];
    rank_into(ranked, hits, exact, scratch);
}

// Appends the hits (on folded keys) with their scores: typing cost against frequency.
void Speller::rank_into(std::vector<Ranked>& ranked, std::span<const Hit> hits, std::optional<std::uint32_t> exact,
                        Scratch& scratch) const {
    for (const Hit& hit : hits) {
        const bool is_exact = exact && hit.word == *exact;
        if (!is_exact) folded_->word_into(hit.word, scratch.word);
        const std::int64_t cost = is_exact ? 0 : typing_cost(scratch.text, scratch.word);
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
