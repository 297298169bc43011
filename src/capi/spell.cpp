// extern "C" spell checker: an opaque index handle, suggestion structs (word +
// likelihood, explicit lengths), exactly one free function per result.
#include "bridgebench/spell.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <stdexcept>
#include <string>

#include "canary.hpp"
#include "errors.hpp"
#include "packed_strings.hpp"
#include "result_block.hpp"
#include "speller.hpp"
#include "utf8.hpp"

namespace spell = bb::spell;
using bb::capi::Error;

// The handle: a magic number (so a stray pointer is caught, not followed), a reference count
// and the index. The count is 1 for the owner until bb_speller_free, plus 1 for each call
// running on the handle; the index is destroyed when it drops to zero, so bb_speller_free from
// one thread never frees the index under a search running on another.
struct bb_speller {
    static constexpr std::uint64_t live_magic = 0x5BE11E55A11CEull;
    static constexpr std::uint64_t freed_magic = 0xF5EEDDEADull;
    bb_speller(const spell::PackedText& words, std::span<const std::uint32_t> frequencies, bb::ledger::Site& site)
        : core(words, frequencies, site) {}
    mutable std::atomic<std::uint64_t> magic{live_magic};
    mutable std::atomic<std::uint32_t> references{1};
    spell::Speller core;
};

namespace {

bb::ledger::Site& speller_site() {
    static bb::ledger::Site& site = bb::ledger::site("capi.bb_speller_create");
    return site;
}

void drop_reference(const bb_speller* speller) noexcept {
    if (speller->references.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    auto* owned = const_cast<bb_speller*>(speller);
    owned->~bb_speller();
    bb::ledger::release(speller_site(), owned, sizeof(bb_speller));
}

// A call's hold on a handle: taken before the index is read, dropped when the call returns.
class SpellerUse {
public:
    explicit SpellerUse(const bb_speller* speller) : speller_(speller) {
        if (speller == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "speller is NULL");
        std::uint32_t count = speller->references.load(std::memory_order_relaxed);
        do {
            if (count == 0 || speller->magic.load(std::memory_order_acquire) != bb_speller::live_magic) {
                throw Error(BB_ERR_INVALID_ARGUMENT, speller->magic.load() == bb_speller::freed_magic
                                                         ? "speller was already freed"
                                                         : "speller was not created by bb_speller_create");
            }
        } while (!speller->references.compare_exchange_weak(count, count + 1, std::memory_order_acquire));
    }
    SpellerUse(const SpellerUse&) = delete;
    SpellerUse& operator=(const SpellerUse&) = delete;
    ~SpellerUse() { drop_reference(speller_); }
    const spell::Speller& core() const noexcept { return speller_->core; }

private:
    const bb_speller* speller_;
};

std::u32string decode(const char* bytes, std::size_t length, const char* argument) {
    if (bytes == nullptr && length != 0) throw Error(BB_ERR_INVALID_ARGUMENT, std::string(argument) + " is NULL");
    std::size_t bad = 0;
    auto text = spell::decode_utf8(std::string_view(bytes == nullptr ? "" : bytes, length), &bad);
    if (!text) throw Error(BB_ERR_INVALID_ARGUMENT, std::string(argument) + " is not valid UTF-8", bad);
    return std::move(*text);
}

spell::SearchOptions options_of(bb_spell_metric metric, std::int64_t max_distance, double min_similarity) {
    spell::SearchOptions options;
    switch (metric) {
        case BB_SPELL_LEVENSHTEIN:
            options.metric = spell::Metric::levenshtein;
            break;
        case BB_SPELL_INDEL:
            options.metric = spell::Metric::indel;
            break;
        case BB_SPELL_JARO:
            options.metric = spell::Metric::jaro;
            break;
        case BB_SPELL_DAMERAU:
            options.metric = spell::Metric::damerau;
            break;
        default:
            throw Error(BB_ERR_INVALID_ARGUMENT, "metric is not a bb_spell_metric");
    }
    const bool by_distance = options.metric == spell::Metric::levenshtein || options.metric == spell::Metric::damerau;
    if (max_distance >= 0) {
        if (!by_distance) {
            throw Error(BB_ERR_INVALID_ARGUMENT,
                        "max_distance applies to BB_SPELL_DAMERAU and BB_SPELL_LEVENSHTEIN only");
        }
        options.max_distance = static_cast<int>(std::min<std::int64_t>(max_distance, INT32_MAX));
    }
    if (!std::isnan(min_similarity)) {
        if (by_distance) {
            throw Error(BB_ERR_INVALID_ARGUMENT, "min_similarity applies to BB_SPELL_INDEL and BB_SPELL_JARO only");
        }
        options.min_similarity = min_similarity;
    }
    return options;
}

// Fills `s` from a hit; the word's bytes go to `storage` (room for the word and a NUL).
char* fill(bb_spell_suggestion& s, const spell::Speller& core, const spell::Hit& hit, spell::Metric metric,
           char* storage) {
    const std::string utf8 = spell::encode_utf8(core.presented(hit));
    std::memcpy(storage, utf8.data(), utf8.size());
    storage[utf8.size()] = '\0';
    s.word = storage;
    s.word_length = utf8.size();
    s.likelihood = hit.similarity;
    s.distance = metric == spell::Metric::jaro ? -1 : hit.distance;
    s.index = core.source_position(hit.word);
    return storage + utf8.size() + 1;
}

std::size_t utf8_bytes(const spell::Speller& core, const spell::Hit& hit) {
    return spell::encode_utf8(core.presented(hit)).size() + 1;
}

}  // namespace

extern "C" {

bb_status bb_speller_create(const uint64_t* offsets, const char* bytes, size_t count, bb_speller** out) {
    return bb_speller_create_ranked(offsets, bytes, count, nullptr, out);
}

bb_status bb_speller_create_ranked(const uint64_t* offsets, const char* bytes, size_t count,
                                   const uint32_t* frequencies, bb_speller** out) {
    return bb::capi::guarded([&] {
        if (out == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "out is NULL");
        *out = nullptr;
        bb::capi::check_packed_strings(offsets, bytes, count);
        bb::ledger::Site& site = speller_site();
        // Decode every word (reporting the first invalid one by index), packed as code points.
        bb::ledger::vector<char32_t> chars{bb::ledger::Allocator<char32_t>(site)};
        bb::ledger::vector<std::uint64_t> starts(1, 0, bb::ledger::Allocator<std::uint64_t>(site));
        chars.reserve(offsets[count]);
        starts.reserve(count + 1);
        for (size_t i = 0; i < count; ++i) {
            std::size_t bad = 0;
            const auto word = spell::decode_utf8(
                std::string_view(bytes + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i])), &bad);
            if (!word) throw Error(BB_ERR_INVALID_ARGUMENT, "word is not valid UTF-8", i);
            chars.insert(chars.end(), word->begin(), word->end());
            starts.push_back(chars.size());
        }
        void* memory = bb::ledger::allocate(site, sizeof(bb_speller));
        try {
            const std::span<const std::uint32_t> counts(frequencies, frequencies == nullptr ? 0 : count);
            *out = new (memory) bb_speller(spell::PackedText{chars, starts}, counts, site);
        } catch (const std::length_error& e) {  // a dictionary past the index's limits
            bb::ledger::release(site, memory, sizeof(bb_speller));
            throw Error(BB_ERR_INVALID_ARGUMENT, e.what());
        } catch (...) {
            bb::ledger::release(site, memory, sizeof(bb_speller));
            throw;
        }
        return BB_OK;
    });
}

void bb_speller_free(bb_speller* speller) {
    if (speller == nullptr) return;
    std::uint64_t expected = bb_speller::live_magic;
    if (!speller->magic.compare_exchange_strong(expected, bb_speller::freed_magic)) {
        std::fprintf(stderr, "bridgebench: bb_speller_free: %s\n",
                     expected == bb_speller::freed_magic ? "double free" : "pointer was not a bb_speller");
        std::abort();
    }
    // Marked freed first, so new calls are refused; calls already running keep the index
    // alive, and the last one to return destroys it.
    drop_reference(speller);
}

size_t bb_speller_size(const bb_speller* speller) {
    try {
        return SpellerUse(speller).core().size();
    } catch (const Error&) {
        return 0;
    }
}

size_t bb_speller_memory_bytes(const bb_speller* speller) {
    try {
        return SpellerUse(speller).core().memory_bytes();
    } catch (const Error&) {
        return 0;
    }
}

bb_status bb_spell_suggest(const bb_speller* speller, const char* word, size_t length, bb_spell_metric metric,
                           int64_t max_distance, double min_similarity, bb_spell_suggestion** out) {
    return bb::capi::guarded([&] {
        if (out == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "out is NULL");
        *out = nullptr;
        const SpellerUse use(speller);
        const spell::Speller& core = use.core();
        const std::u32string query = decode(word, length, "word");
        const spell::SearchOptions options = options_of(metric, max_distance, min_similarity);
        static bb::ledger::Site& site = bb::ledger::site("capi.bb_spell_suggest");
        bb::ledger::vector<spell::Hit> hits{bb::ledger::Allocator<spell::Hit>(site)};
        core.search(query, options, hits);
        const std::size_t payload = hits.empty() ? 0 : utf8_bytes(core, hits.front());
        auto* result = bb::capi::new_result<bb_spell_suggestion>(site, payload);
        if (hits.empty()) {
            result->index = SIZE_MAX;
            result->distance = -1;
        } else {
            fill(*result, core, hits.front(), options.metric, static_cast<char*>(bb::capi::payload_of(result)));
        }
        *out = result;
        if (bb::canary::enabled("capi_result")) bb::canary::plant_leak("capi.bb_spell_suggest", payload + 1);
        return BB_OK;
    });
}

bb_status bb_spell_suggest_k(const bb_speller* speller, const char* word, size_t length, size_t k,
                             bb_spell_metric metric, int64_t max_distance, double min_similarity,
                             bb_spell_suggestions** out) {
    return bb::capi::guarded([&] {
        if (out == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "out is NULL");
        *out = nullptr;
        const SpellerUse use(speller);
        const spell::Speller& core = use.core();
        const std::u32string query = decode(word, length, "word");
        spell::SearchOptions options = options_of(metric, max_distance, min_similarity);
        options.k = std::min(k, core.size());
        static bb::ledger::Site& site = bb::ledger::site("capi.bb_spell_suggest_k");
        bb::ledger::vector<spell::Hit> hits{bb::ledger::Allocator<spell::Hit>(site)};
        core.search(query, options, hits);
        std::size_t text_bytes = 0;
        for (const auto& hit : hits) text_bytes += utf8_bytes(core, hit);
        const std::size_t items_bytes = hits.size() * sizeof(bb_spell_suggestion);
        auto* result = bb::capi::new_result<bb_spell_suggestions>(site, items_bytes + text_bytes);
        result->count = hits.size();
        result->items = static_cast<bb_spell_suggestion*>(bb::capi::payload_of(result));
        char* text = reinterpret_cast<char*>(result->items) + items_bytes;
        for (std::size_t i = 0; i < hits.size(); ++i) {
            new (&result->items[i]) bb_spell_suggestion{};
            text = fill(result->items[i], core, hits[i], options.metric, text);
        }
        *out = result;
        if (bb::canary::enabled("capi_result")) bb::canary::plant_leak("capi.bb_spell_suggest_k", text_bytes + 1);
        return BB_OK;
    });
}

bb_status bb_spell_distance(const char* a, size_t a_length, const char* b, size_t b_length, int64_t* out) {
    return bb::capi::guarded([&] {
        if (out == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "out is NULL");
        *out = spell::levenshtein(decode(a, a_length, "a"), decode(b, b_length, "b"));
        return BB_OK;
    });
}

bb_status bb_spell_similarity(const char* a, size_t a_length, const char* b, size_t b_length, bb_spell_metric metric,
                              double* out) {
    return bb::capi::guarded([&] {
        if (out == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "out is NULL");
        const auto options = options_of(metric, -1, std::nan(""));
        *out = spell::similarity(decode(a, a_length, "a"), decode(b, b_length, "b"), options.metric);
        return BB_OK;
    });
}

void bb_free_spell_suggestion(bb_spell_suggestion* suggestion) {
    bb::capi::free_result(suggestion, "bb_free_spell_suggestion");
}

void bb_free_spell_suggestions(bb_spell_suggestions* suggestions) {
    bb::capi::free_result(suggestions, "bb_free_spell_suggestions");
}

}  // extern "C"
