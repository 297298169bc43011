#include "index.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "best.hpp"
#include "filter.hpp"

namespace bb::spell {

namespace {

std::uint64_t hash_symbols(std::span<const Symbol> s) noexcept {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
    for (const Symbol c : s) h = (h ^ c) * 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 29);
}

// Open addressing with linear probing, filled to between 40 % and 80 %: one lookup per
// search, so memory matters more than the odd extra probe.
std::size_t table_size_for(std::size_t count) {
    return std::bit_ceil(std::max<std::size_t>(16, count + count / 4));
}

std::uint64_t signature_bit(Symbol s) noexcept {
    return std::uint64_t{1} << std::min<Symbol>(s, 63);
}

std::uint64_t signature_of(std::span<const Symbol> s) noexcept {
    std::uint64_t sig = 0;
    for (const Symbol c : s) sig |= signature_bit(c);
    return sig;
}

// The buckets that occur at least twice: with signature_of, a two-level character count.
std::uint64_t repeat_signature_of(std::span<const Symbol> s) noexcept {
    std::uint64_t once = 0, twice = 0;
    for (const Symbol c : s) {
        twice |= once & signature_bit(c);
        once |= signature_bit(c);
    }
    return twice;
}

// Ordering of hits by similarity (by distance: `closer`, index.hpp): larger is better, ties
// go to the earlier word.
bool more_similar(const Hit& a, const Hit& b) noexcept {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.word < b.word;
}

constexpr std::uint32_t first_chunk = 16;
constexpr std::uint32_t max_chunk = 1024;

// The largest value in [lo, hi] for which `ok` holds, given ok is true up to some point and
// false after it; lo - 1 when it holds nowhere.
template <class Ok>
long long last_true(long long lo, long long hi, Ok ok) {
    long long answer = lo - 1;
    while (lo <= hi) {
        const long long mid = lo + (hi - lo) / 2;
        if (ok(mid)) {
            answer = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return answer;
}

// The input position of each unique word, in dictionary order (the first position wins),
// and, when asked, the unique word of every input position. `table` is left holding the
// hash table used to find duplicates (unique index + 1 per slot, 0 = empty).
std::vector<std::uint32_t> unique_words(const std::vector<Symbol>& all, std::span<const std::uint64_t> offsets,
                                        std::vector<std::uint32_t>* word_of_input, std::vector<std::uint32_t>& table) {
    const std::size_t n = offsets.size() - 1;
    auto symbols = [&](std::size_t i) {
        return std::span<const Symbol>(all.data() + offsets[i], all.data() + offsets[i + 1]);
    };
    std::vector<std::uint32_t> unique;
    unique.reserve(n);
    if (word_of_input != nullptr) word_of_input->assign(n, 0);
    table.assign(table_size_for(n), 0);
    const std::size_t mask = table.size() - 1;
    for (std::size_t i = 0; i < n; ++i) {
        const auto s = symbols(i);
        std::size_t slot = hash_symbols(s) & mask;
        while (table[slot] != 0) {
            const auto other = symbols(unique[table[slot] - 1]);
            if (std::equal(s.begin(), s.end(), other.begin(), other.end())) break;
            slot = (slot + 1) & mask;
        }
        if (table[slot] == 0) {
            unique.push_back(static_cast<std::uint32_t>(i));
            table[slot] = static_cast<std::uint32_t>(unique.size());
        }
        if (word_of_input != nullptr) (*word_of_input)[i] = table[slot] - 1;
    }
    return unique;
}

}  // namespace

Index::Index(const PackedText& words, ledger::Site& site, std::vector<std::uint32_t>* word_of_input)
    : alphabet_(ledger::Allocator<char32_t>(site)),
      latin1_ids_(ledger::Allocator<Symbol>(site)),
      other_ids_(ledger::Allocator<std::pair<char32_t, Symbol>>(site)),
      symbols_(ledger::Allocator<Symbol>(site)),
      entry_offsets_(ledger::Allocator<std::uint32_t>(site)),
      signatures_(ledger::Allocator<std::uint64_t>(site)),
      repeat_signatures_(ledger::Allocator<std::uint32_t>(site)),
      entry_word_(ledger::Allocator<std::uint32_t>(site)),
      word_entry_(ledger::Allocator<std::uint32_t>(site)),
      buckets_(ledger::Allocator<Bucket>(site)),
      bucket_of_length_(ledger::Allocator<std::uint32_t>(site)),
      run_starts_(ledger::Allocator<std::uint32_t>(site)),
      hash_slots_(ledger::Allocator<std::uint32_t>(site)) {
    if (words.size() >= no_word) throw std::length_error("more than 2^32 - 2 words");
    if (words.chars.size() > UINT32_MAX) throw std::length_error("more than 2^32 - 1 characters");
    build_alphabet(words.chars);
    const std::vector<Symbol> all = to_symbols(words.chars);
    std::vector<std::uint32_t> table;
    const std::vector<std::uint32_t> unique = unique_words(all, words.offsets, word_of_input, table);
    word_count_ = unique.size();
    bucket_and_order(all, words.offsets, unique);
    pack_entries(all, words.offsets, unique);
    build_exact_table(table);
}

// Most frequent characters first, so the signature's 63 single-character bits go to the
// characters that discriminate most often.
void Index::build_alphabet(std::span<const char32_t> chars) {
    std::vector<std::uint64_t> latin1_count(256, 0);
    std::unordered_map<char32_t, std::uint64_t> other_count;
    for (const char32_t c : chars) {
        if (c < 256)
            ++latin1_count[c];
        else
            ++other_count[c];
    }
    std::vector<std::pair<std::uint64_t, char32_t>> by_frequency;
    for (char32_t c = 0; c < 256; ++c) {
        if (latin1_count[c] != 0) by_frequency.emplace_back(latin1_count[c], c);
    }
    for (const auto& [c, count] : other_count) by_frequency.emplace_back(count, c);
    std::sort(by_frequency.begin(), by_frequency.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (by_frequency.size() > max_alphabet) throw std::length_error("more than 65,535 distinct characters");
    alphabet_size_ = by_frequency.size();
    latin1_ids_.assign(256, static_cast<Symbol>(alphabet_size_));
    for (std::size_t id = 0; id < by_frequency.size(); ++id) {
        const char32_t c = by_frequency[id].second;
        alphabet_.push_back(c);
        if (c < 256)
            latin1_ids_[c] = static_cast<Symbol>(id);
        else
            other_ids_.emplace_back(c, static_cast<Symbol>(id));
    }
    std::sort(other_ids_.begin(), other_ids_.end());
}

std::vector<Symbol> Index::to_symbols(std::span<const char32_t> chars) const {
    std::vector<Symbol> out(chars.size());
    const auto unknown = static_cast<Symbol>(alphabet_size_);
    for (std::size_t i = 0; i < chars.size(); ++i) {
        const char32_t c = chars[i];
        if (c < 256) {
            out[i] = latin1_ids_.empty() ? unknown : latin1_ids_[c];
        } else {
            auto it = std::lower_bound(other_ids_.begin(), other_ids_.end(), std::make_pair(c, Symbol{0}));
            out[i] = (it != other_ids_.end() && it->first == c) ? it->second : unknown;
        }
    }
    return out;
}

// Length buckets, and inside each, runs by the number of distinct signature bits
// (dictionary order inside a run): a counting sort on (length, bits). A word within
// distance t of the query has between bits(query) - t and bits(query) + t bits, so a pass
// reads only those runs. Ties never depend on this order: hits carry their word index.
void Index::bucket_and_order(const std::vector<Symbol>& all, std::span<const std::uint64_t> offsets,
                             const std::vector<std::uint32_t>& unique) {
    constexpr std::size_t runs = 65;  // popcount 0..64
    std::size_t max_length = 0;
    std::vector<std::uint32_t> lengths(word_count_);
    std::vector<std::uint8_t> bits(word_count_);
    for (std::size_t w = 0; w < word_count_; ++w) {
        const std::size_t i = unique[w];
        const auto s = std::span<const Symbol>(all.data() + offsets[i], all.data() + offsets[i + 1]);
        lengths[w] = static_cast<std::uint32_t>(s.size());
        bits[w] = static_cast<std::uint8_t>(std::popcount(signature_of(s)));
        max_length = std::max<std::size_t>(max_length, lengths[w]);
    }
    auto key = [&](std::size_t w) { return lengths[w] * runs + bits[w]; };
    std::vector<std::uint32_t> start((max_length + 1) * runs + 1, 0);
    for (std::size_t w = 0; w < word_count_; ++w) ++start[key(w) + 1];
    for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
    bucket_of_length_.assign(max_length + 1, UINT32_MAX);
    for (std::size_t L = 0; L <= max_length; ++L) {
        const std::uint32_t begin = start[L * runs], end = start[(L + 1) * runs];
        if (end > begin) {
            bucket_of_length_[L] = static_cast<std::uint32_t>(buckets_.size());
            buckets_.push_back({static_cast<std::uint32_t>(L), begin, end});
            for (std::size_t p = 0; p <= runs; ++p) run_starts_.push_back(start[L * runs + p]);
        }
    }
    entry_word_.resize(word_count_);
    word_entry_.resize(word_count_);
    std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
    for (std::size_t w = 0; w < word_count_; ++w) {
        const std::uint32_t e = next[key(w)]++;
        entry_word_[e] = static_cast<std::uint32_t>(w);
        word_entry_[w] = e;
    }
}

// The entries' symbols back to back, in bucket order, with both signatures.
void Index::pack_entries(const std::vector<Symbol>& all, std::span<const std::uint64_t> offsets,
                         const std::vector<std::uint32_t>& unique) {
    // Where each unique word lies in `all`, in dictionary order (a sequential pass), so the
    // pass in entry order below, which reads the words at random, waits for one load, not three.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> range(word_count_);
    std::size_t total_symbols = 0;
    for (std::size_t w = 0; w < word_count_; ++w) {
        range[w] = {offsets[unique[w]], offsets[unique[w] + 1]};
        total_symbols += range[w].second - range[w].first;
    }
    symbols_.reserve(total_symbols);
    entry_offsets_.reserve(word_count_ + 1);
    signatures_.reserve(word_count_);
    repeat_signatures_.reserve(word_count_);
    entry_offsets_.push_back(0);
    constexpr std::size_t ahead = 8;
    for (std::size_t e = 0; e < word_count_; ++e) {
        if (e + 2 * ahead < word_count_) __builtin_prefetch(&range[entry_word_[e + 2 * ahead]]);
        if (e + ahead < word_count_) __builtin_prefetch(all.data() + range[entry_word_[e + ahead]].first);
        const auto [first, last] = range[entry_word_[e]];
        const auto s = std::span<const Symbol>(all.data() + first, all.data() + last);
        symbols_.insert(symbols_.end(), s.begin(), s.end());
        entry_offsets_.push_back(static_cast<std::uint32_t>(symbols_.size()));
        signatures_.push_back(signature_of(s));
        repeat_signatures_.push_back(static_cast<std::uint32_t>(repeat_signature_of(s)));
    }
}

// The table that found the duplicates already holds every unique word under the same hash:
// renumbered to entries, it is the exact-match table, unless the duplicates were so many
// that a smaller table fits.
void Index::build_exact_table(const std::vector<std::uint32_t>& unique_table) {
    if (unique_table.size() == table_size_for(word_count_)) {
        hash_slots_.resize(unique_table.size());
        for (std::size_t slot = 0; slot < unique_table.size(); ++slot) {
            const std::uint32_t w = unique_table[slot];
            hash_slots_[slot] = w == 0 ? 0 : word_entry_[w - 1] + 1;
        }
        return;
    }
    hash_slots_.assign(table_size_for(word_count_), 0);
    const std::size_t mask = hash_slots_.size() - 1;
    for (std::size_t e = 0; e < word_count_; ++e) {
        std::size_t slot = hash_symbols(entry_symbols(e)) & mask;
        while (hash_slots_[slot] != 0) slot = (slot + 1) & mask;
        hash_slots_[slot] = static_cast<std::uint32_t>(e + 1);
    }
}

std::u32string Index::word(std::size_t i) const {
    std::u32string out;
    word_into(i, out);
    return out;
}

void Index::word_into(std::size_t i, std::u32string& out) const {
    const auto s = entry_symbols(word_entry_[i]);
    out.resize(s.size());
    for (std::size_t j = 0; j < s.size(); ++j) out[j] = alphabet_[s[j]];
}

std::size_t Index::memory_bytes() const noexcept {
    auto bytes = [](const auto& v) { return v.capacity() * sizeof(typename std::decay_t<decltype(v)>::value_type); };
    return sizeof(*this) + bytes(alphabet_) + bytes(latin1_ids_) + bytes(other_ids_) + bytes(symbols_) +
           bytes(entry_offsets_) + bytes(signatures_) + bytes(repeat_signatures_) + bytes(entry_word_) +
           bytes(word_entry_) + bytes(buckets_) + bytes(bucket_of_length_) + bytes(run_starts_) + bytes(hash_slots_);
}

void Index::prepare(std::u32string_view query, Scratch& scratch) const {
    scratch.query.resize(query.size());
    const auto unknown = static_cast<Symbol>(alphabet_size_);
    for (std::size_t i = 0; i < query.size(); ++i) {
        const char32_t c = query[i];
        if (c < 256) {
            scratch.query[i] = latin1_ids_.empty() ? unknown : latin1_ids_[c];
        } else {
            auto it = std::lower_bound(other_ids_.begin(), other_ids_.end(), std::make_pair(c, Symbol{0}));
            scratch.query[i] = (it != other_ids_.end() && it->first == c) ? it->second : unknown;
        }
    }
    scratch.pattern.assign(scratch.query, alphabet_size_);
    scratch.signature = signature_of(scratch.query);
    scratch.repeat_signature = repeat_signature_of(scratch.query);
}

int Index::distance_to(std::uint32_t word, bool transpositions, int bound, const Scratch& scratch) const {
    const std::uint32_t e = word_entry_[word];
    const std::size_t lq = scratch.query.size(), lw = entry_offsets_[e + 1] - entry_offsets_[e];
    const std::size_t gap = lq > lw ? lq - lw : lw - lq;
    if (bound < 0 || gap > static_cast<std::size_t>(bound)) return bound + 1;
    const int extra = static_cast<int>(gap);  // the shorter side gets gap less slack (search_distance)
    const int lower = signature_lower_bound(scratch.signature, scratch.repeat_signature & UINT32_MAX, signatures_[e],
                                            repeat_signatures_[e], lw > lq ? extra : 0, lw > lq ? 0 : extra);
    if (lower > bound) return bound + 1;
    const auto text = entry_symbols(e);
    return transpositions ? osa(scratch.pattern, text, bound) : levenshtein(scratch.pattern, text, bound);
}

std::optional<std::uint32_t> Index::exact(const Scratch& scratch) const {
    const std::span<const Symbol> query(scratch.query);
    if (hash_slots_.empty()) return std::nullopt;
    for (const Symbol s : query) {
        if (s >= alphabet_size_) return std::nullopt;
    }
    const std::size_t mask = hash_slots_.size() - 1;
    for (std::size_t slot = hash_symbols(query) & mask; hash_slots_[slot] != 0; slot = (slot + 1) & mask) {
        const auto s = entry_symbols(hash_slots_[slot] - 1);
        if (std::equal(query.begin(), query.end(), s.begin(), s.end())) return entry_word_[hash_slots_[slot] - 1];
    }
    return std::nullopt;
}

void Index::search_distance(const DistanceSearch& search, std::size_t k, Scratch& scratch,
                            ledger::vector<Hit>& out) const {
    out.clear();
    const auto query = std::span<const Symbol>(scratch.query);
    const std::size_t lq = query.size();
    // No distance exceeds the longer length, so that is the natural "no limit".
    const int ceiling = static_cast<int>(std::max(lq, max_length()));
    const int limit = std::min(search.limit, ceiling);
    if (k == 0 || word_count_ == 0 || limit < 0) return;
    const bool collect = search.near >= 0 || search.exactly >= 0;
    if (k == 1 && !collect) {  // an exact match is the unique best
        if (auto w = exact(scratch)) {
            out.push_back({*w, 0, 1.0});
            return;
        }
    }
    const std::uint64_t qs = signature_of(query);
    const std::uint64_t qs2 = repeat_signature_of(query) & UINT32_MAX;  // as stored
    auto& heap = scratch.heap;  // max-heap: the worst kept hit on top (all hits when collecting)
    heap.clear();
    int cutoff = limit;                // a new hit must have distance <= cutoff ...
    std::uint32_t tie_word = no_word;  // ... and, at distance == cutoff, come before tie_word
    int fresh_from = 0;                // distances below this were all found by an earlier pass
    auto& candidates = scratch.candidates;
    candidates.resize(max_chunk);
    const int query_bits = std::popcount(qs);
    auto kernel = [&](std::span<const Symbol> text, int bound) {
        return search.transpositions ? osa(scratch.pattern, text, bound) : levenshtein(scratch.pattern, text, bound);
    };
    auto keep = [&](const Hit& hit) {
        if (collect) {
            heap.push_back(hit);
        } else if (keep_best(heap, hit, k, closer) && heap.size() == k) {
            cutoff = heap.front().distance;
            tie_word = heap.front().word;
        }
    };
    // A word longer than the query by g needs g insertions more than deletions, so every
    // query character it lacks costs a deletion or substitution on top of those g edits:
    // d >= g + (query-only characters), while d >= (word-only characters) as usual; the
    // mirror image holds for shorter words. So the shorter side gets g less slack. A swap of
    // neighbours changes no character count, so the same bounds hold with transpositions.
    auto scan = [&](std::uint32_t b, int length_gap, bool word_longer) {
        if (length_gap > cutoff) return;
        const int query_extra = word_longer ? length_gap : 0;
        const int word_extra = word_longer ? 0 : length_gap;
        const TwoLevelQuery two_level{qs, qs2, query_extra, word_extra};
        const std::uint64_t* sig = signatures_.data();
        const std::uint32_t* sig2 = repeat_signatures_.data();
        const std::uint32_t* run = run_starts_.data() + static_cast<std::size_t>(b) * 66;
        // bits(word) = bits(query) - (query-only bits) + (word-only bits).
        const std::uint32_t begin = run[std::clamp(query_bits - (cutoff - query_extra), 0, 65)];
        const std::uint32_t end = run[std::clamp(query_bits + (cutoff - word_extra) + 1, 0, 65)];
        // Small chunks first: the cut-off falls fast once the first close words are seen.
        std::uint32_t chunk = first_chunk;
        for (std::uint32_t from = begin; from < end; from += chunk, chunk = std::min(chunk * 2, max_chunk)) {
            if (length_gap > cutoff) return;
            const std::uint32_t to = std::min(end, from + chunk);
            std::size_t count =
                filter_sides(sig, from, to, qs, cutoff - query_extra, cutoff - word_extra, candidates.data());
            // Characters the word lacks (or has once where the query has two), and back.
            count = filter_two_level(sig, sig2, two_level, cutoff, candidates.data(), count);
            for (std::size_t c = 0; c < count; ++c) {
                const std::uint32_t e = candidates[c];
                const std::uint32_t w = entry_word_[e];
                const int bound = w < tie_word ? cutoff : cutoff - 1;
                if (bound < cutoff && signature_lower_bound(qs, qs2, sig[e], sig2[e], query_extra, word_extra) > bound)
                    continue;
                const int d = kernel(entry_symbols(e), bound);
                if (d > bound || d < fresh_from) continue;
                keep(Hit{w, d, 0.0});
            }
        }
    };
    auto scan_band = [&] {
        for (std::size_t gap = 0; static_cast<int>(gap) <= cutoff; ++gap) {
            const bool below = gap <= lq, above = lq + gap <= max_length();
            if (!below && !above) break;
            if (below && bucket_of_length_.size() > lq - gap && bucket_of_length_[lq - gap] != UINT32_MAX) {
                scan(bucket_of_length_[lq - gap], static_cast<int>(gap), false);
            }
            if (gap != 0 && above && bucket_of_length_[lq + gap] != UINT32_MAX) {
                scan(bucket_of_length_[lq + gap], static_cast<int>(gap), true);
            }
        }
    };
    // Iterative deepening: a pass that only admits distance <= t rejects almost every word
    // by its signature and stops each kernel run early, so passes at t = 0, 1, 2, 3 together
    // cost less than one pass whose cut-off must first fall from "anything". Typos are
    // mostly within 3 edits; beyond that, one running cut-off pass finishes the job.
    constexpr int deepest_pass = 3;
    // With k == 1, the exact lookup above has already ruled out distance 0.
    const int first_pass = std::max(k == 1 && !collect ? 1 : 0, search.at_least);
    int nearest = -1;  // the distance of the first pass that found anything
    auto pass = [&](int t) {
        cutoff = t;
        scan_band();
        fresh_from = t + 1;
        if (nearest < 0 && !heap.empty()) nearest = heap.front().distance;
    };
    if (search.exactly >= 0) {  // one pass: the words at exactly this distance
        if (search.exactly <= limit) {
            fresh_from = search.exactly;
            cutoff = search.exactly;
            scan_band();
        }
        for (Hit hit : heap) {
            hit.similarity = levenshtein_similarity(hit.distance, lq, word_length(hit.word));
            out.push_back(hit);
        }
        return;
    }
    for (int t = first_pass; t <= std::min(limit, deepest_pass); ++t) {
        if (!collect && heap.size() >= k) break;
        if (collect && nearest >= 0 && t > nearest + search.near) break;
        pass(t);
    }
    if (limit > deepest_pass && fresh_from <= limit) {
        if (!collect && heap.size() < k) {
            cutoff = limit;
            scan_band();
        } else if (collect && (nearest < 0 || nearest + search.near >= fresh_from)) {
            if (nearest < 0) {  // the nearest word is past the deepening: find it first
                const DistanceSearch first{search.transpositions, limit, -1, -1, search.at_least};
                search_distance(first, 1, scratch, out);
                if (out.empty()) return;
                nearest = out.front().distance;
                out.clear();
                heap.clear();
            }
            cutoff = std::min(limit, nearest + search.near);
            tie_word = no_word;
            scan_band();
        }
    }
    if (!collect) std::sort_heap(heap.begin(), heap.end(), closer);
    for (Hit hit : heap) {
        hit.similarity = levenshtein_similarity(hit.distance, lq, word_length(hit.word));
        out.push_back(hit);
    }
}

void Index::search_similarity(Metric metric, std::size_t k, double floor, Scratch& scratch,
                              ledger::vector<Hit>& out) const {
    out.clear();
    if (k == 0 || word_count_ == 0) return;
    if (k == 1 && floor <= 1.0) {  // an exact match is the unique best
        if (auto w = exact(scratch)) {
            out.push_back({*w, 0, 1.0});
            return;
        }
    }
    const std::size_t lq = scratch.query.size();
    if (metric == Metric::indel) {
        rank_by_similarity(
            k, floor, scratch,
            [&](std::span<const Symbol> s, Hit& hit) {
                hit.distance = static_cast<int>(lq + s.size()) - 2 * lcs(scratch.pattern, s);
                hit.similarity = indel_similarity(hit.distance, lq, s.size());
            },
            [lq](std::size_t L, std::uint64_t qs, std::uint64_t ws) {
                // Every character bucket on one side only needs an insertion or deletion,
                // and indel distance has the parity of the total length.
                std::size_t lower =
                    std::max<std::size_t>(lq > L ? lq - L : L - lq, static_cast<std::size_t>(std::popcount(qs ^ ws)));
                if ((lower ^ (lq + L)) & 1) ++lower;
                return indel_similarity(static_cast<int>(lower), lq, L);
            },
            [lq, sig = signatures_.data()](std::size_t L, std::uint64_t qs, double cutoff, std::uint32_t from,
                                           std::uint32_t to, std::uint32_t* found) {
                // The largest indel distance that can still reach the cut-off at this length.
                const long long total = static_cast<long long>(lq) + static_cast<long long>(L);
                const long long most = last_true(
                    0, total, [&](long long d) { return indel_similarity(static_cast<int>(d), lq, L) >= cutoff; });
                if (most < 0) return std::size_t{0};
                return filter_xor(sig, from, to, qs, static_cast<int>(std::min<long long>(most, 64)), found);
            },
            out);
        return;
    }
    rank_by_similarity(
        k, floor, scratch,
        [&](std::span<const Symbol> s, Hit& hit) {
            hit.distance = -1;
            hit.similarity = jaro(scratch.pattern, s);
        },
        [lq](std::size_t L, std::uint64_t qs, std::uint64_t ws) {
            if (lq == 0 && L == 0) return 1.0;
            // A character of a bucket the other side lacks can never be matched.
            const std::size_t q_only = static_cast<std::size_t>(std::popcount(qs & ~ws));
            const std::size_t w_only = static_cast<std::size_t>(std::popcount(ws & ~qs));
            const std::size_t m = std::min(lq - std::min(lq, q_only), L - std::min(L, w_only));
            return m == 0 ? 0.0 : jaro_formula(m, 0, lq, L);
        },
        [lq, sig = signatures_.data()](std::size_t L, std::uint64_t qs, double cutoff, std::uint32_t from,
                                       std::uint32_t to, std::uint32_t* found) {
            if (lq == 0 || L == 0 || cutoff <= 0.0) return filter_sides(sig, from, to, qs, 64, 64, found);
            // The fewest matches that can still reach the cut-off at this length.
            const long long shortest = static_cast<long long>(std::min(lq, L));
            const long long fewest =
                shortest + 1 - (last_true(1, shortest, [&](long long m) {
                    return jaro_formula(static_cast<std::size_t>(shortest + 1 - m), 0, lq, L) >= cutoff;
                }));
            if (fewest > shortest) return std::size_t{0};
            return filter_sides(sig, from, to, qs, static_cast<int>(static_cast<long long>(lq) - fewest),
                                static_cast<int>(static_cast<long long>(L) - fewest), found);
        },
        out);
}

template <class Score, class Bound, class Filter>
void Index::rank_by_similarity(std::size_t k, double floor, Scratch& scratch, Score score, Bound bound, Filter filter,
                               ledger::vector<Hit>& out) const {
    const std::uint64_t qs = signature_of(scratch.query);
    // Buckets by their best possible score (from lengths alone), best first.
    std::vector<std::pair<double, std::uint32_t>> order;
    order.reserve(buckets_.size());
    for (std::uint32_t b = 0; b < buckets_.size(); ++b) {
        // A signature equal to the query's is the most favourable one.
        order.emplace_back(bound(buckets_[b].length, qs, qs), b);
    }
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    auto& heap = scratch.heap;  // min-heap on similarity: the worst kept hit on top
    heap.clear();
    double cutoff = floor;
    std::uint32_t tie_word = no_word;
    auto& candidates = scratch.candidates;
    candidates.resize(max_chunk);
    for (const auto& [best_possible, b] : order) {
        if (best_possible < cutoff) break;
        const Bucket& bucket = buckets_[b];
        std::uint32_t chunk = first_chunk;
        for (std::uint32_t from = bucket.begin; from < bucket.end;
             from += chunk, chunk = std::min(chunk * 2, max_chunk)) {
            const std::uint32_t to = std::min(bucket.end, from + chunk);
            const std::size_t count = filter(bucket.length, qs, cutoff, from, to, candidates.data());
            for (std::size_t c = 0; c < count; ++c) {
                const std::uint32_t e = candidates[c];
                const std::uint32_t w = entry_word_[e];
                const double upper = bound(bucket.length, qs, signatures_[e]);
                if (upper < cutoff || (upper == cutoff && w > tie_word && heap.size() == k)) continue;
                Hit hit{w, 0, 0.0};
                score(entry_symbols(e), hit);
                if (hit.similarity < floor) continue;
                if (keep_best(heap, hit, k, more_similar) && heap.size() == k) {
                    cutoff = std::max(floor, heap.front().similarity);
                    tie_word = heap.front().word;
                }
            }
        }
    }
    std::sort_heap(heap.begin(), heap.end(), more_similar);
    out.assign(heap.begin(), heap.end());
}

}  // namespace bb::spell
