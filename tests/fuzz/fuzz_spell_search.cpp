// libFuzzer target: bb_spell_suggest, bb_spell_suggest_k, bb_spell_distance,
// bb_spell_similarity and the suggestion free functions, with any query and any options
// (metric values outside the enum, negative and huge limits, NaN and infinite similarities)
// against a small fixed index. Checked: the status agrees with the documented option rules,
// results are ordered and consistent with the distance functions, and the single best
// suggestion is the first of the k best.
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "bridgebench/spell.h"
#include "fuzz_support.hpp"
#include "utf8_oracle.hpp"

namespace {

using namespace std::string_view_literals;

// Duplicates, an embedded NUL, multi-byte and astral characters, near neighbours.
const std::string_view words[] = {
    ""sv,
    "a"sv,
    "ab"sv,
    "abc"sv,
    "spelling"sv,
    "speling"sv,
    "spell"sv,
    "hello"sv,
    "help"sv,
    "world"sv,
    "word"sv,
    "caf\u00e9"sv,
    "cafe"sv,
    "na\u00efve"sv,
    "stra\u00dfe"sv,
    "strasse"sv,
    "\u65e5\u672c\u8a9e"sv,
    "\u65e5\u672c"sv,
    "\U0001F600"sv,
    "\U0001F600\U0001F603"sv,
    "ma\0\u00f1ana"sv,
    "ma\u00f1ana"sv,
    "kitten"sv,
    "sitting"sv,
    "flaw"sv,
    "lawn"sv,
    "aaaaaaaa"sv,
    "aaaaaaab"sv,
    "ababababab"sv,
    "zzz"sv,
    "hello"sv,
    "omega"sv,
    "x\x7fy"sv,
    "tab\there"sv,
};

bb_speller* index_of_words() {
    bb::fuzz::Packed p;
    for (const std::string_view w : words) p.add(std::string(w));
    bb_speller* speller = nullptr;
    BB_FUZZ_CHECK(bb_speller_create(p.offsets.data(), p.bytes.data(), p.count(), &speller) == BB_OK);
    return speller;
}

bb_speller* the_index() {
    static bb_speller* const speller = index_of_words();
    return speller;
}

struct Query {
    std::string word;
    int metric;
    int64_t max_distance;
    double min_similarity;
    size_t k;
};

double any_similarity(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
        case 0:
            return NAN;
        case 1:
            return in.ConsumeFloatingPointInRange<double>(-0.1, 1.1);
        case 2:
            return in.ConsumeFloatingPoint<double>();
        default:
            return in.ConsumeBool() ? INFINITY : -INFINITY;
    }
}

Query query_of(FuzzedDataProvider& in) {
    Query q;
    q.metric = in.ConsumeIntegralInRange<int>(-1, 3);
    q.max_distance = in.ConsumeBool() ? -1 : in.ConsumeIntegral<int64_t>();
    q.min_similarity = any_similarity(in);
    q.k = in.ConsumeBool() ? in.ConsumeIntegralInRange<size_t>(0, 50) : in.ConsumeIntegral<size_t>();
    q.word = in.ConsumeRandomLengthString(64);
    return q;
}

// The status the documented rules call for (BB_OK when the call should succeed).
bb_status expected_status(const Query& q) {
    if (!bb::fuzz::valid_utf8(q.word)) return BB_ERR_INVALID_ARGUMENT;
    if (q.metric < 0 || q.metric > 2) return BB_ERR_INVALID_ARGUMENT;
    if (q.max_distance >= 0 && q.metric != BB_SPELL_LEVENSHTEIN) return BB_ERR_INVALID_ARGUMENT;
    if (!std::isnan(q.min_similarity) && q.metric == BB_SPELL_LEVENSHTEIN) return BB_ERR_INVALID_ARGUMENT;
    return BB_OK;
}

void check_suggestion(const Query& q, const bb_spell_suggestion& s) {
    BB_FUZZ_CHECK(s.word != nullptr && s.word[s.word_length] == '\0');
    BB_FUZZ_CHECK(s.index < sizeof(words) / sizeof(words[0]));
    BB_FUZZ_CHECK(s.likelihood >= 0.0 && s.likelihood <= 1.0);
    if (q.metric == BB_SPELL_LEVENSHTEIN) {
        int64_t distance = -1;
        BB_FUZZ_CHECK(bb_spell_distance(q.word.data(), q.word.size(), s.word, s.word_length, &distance) == BB_OK);
        BB_FUZZ_CHECK(distance == s.distance);
        BB_FUZZ_CHECK(q.max_distance < 0 || s.distance <= q.max_distance);
    } else if (!std::isnan(q.min_similarity)) {
        BB_FUZZ_CHECK(s.likelihood >= q.min_similarity);
    }
}

void suggest(const Query& q, bb_status expected) {
    const auto metric = static_cast<bb_spell_metric>(q.metric);
    bb_spell_suggestion* one = nullptr;
    const bb_status status =
        bb_spell_suggest(the_index(), q.word.data(), q.word.size(), metric, q.max_distance, q.min_similarity, &one);
    BB_FUZZ_CHECK(status == expected);
    bb_spell_suggestions* best = nullptr;
    BB_FUZZ_CHECK(bb_spell_suggest_k(the_index(), q.word.data(), q.word.size(), q.k, metric, q.max_distance,
                                     q.min_similarity, &best) == expected);
    if (expected != BB_OK) {
        BB_FUZZ_CHECK(one == nullptr && best == nullptr);
        return;
    }
    BB_FUZZ_CHECK(best->count <= q.k && best->count <= bb_speller_size(the_index()));
    for (size_t i = 0; i < best->count; ++i) {
        check_suggestion(q, best->items[i]);
        if (i == 0) continue;
        const auto& before = best->items[i - 1];
        const auto& item = best->items[i];
        if (q.metric == BB_SPELL_LEVENSHTEIN) {
            BB_FUZZ_CHECK(before.distance <= item.distance);
        } else {
            BB_FUZZ_CHECK(before.likelihood >= item.likelihood);
        }
    }
    if (one->word == nullptr) {
        BB_FUZZ_CHECK(one->index == SIZE_MAX && (best->count == 0 || q.k == 0));
    } else {
        check_suggestion(q, *one);
        BB_FUZZ_CHECK(q.k == 0 || (best->count > 0 && best->items[0].index == one->index));
    }
    bb_free_spell_suggestion(one);
    bb_free_spell_suggestions(best);
}

// Distance and similarity of two strings: symmetric, zero (one) for a string and itself.
void pairwise(FuzzedDataProvider& in, const Query& q) {
    const std::string other = in.ConsumeRandomLengthString(64);
    const bool valid = bb::fuzz::valid_utf8(q.word) && bb::fuzz::valid_utf8(other);
    int64_t ab = -1, ba = -1, self = -1;
    const bb_status status = bb_spell_distance(q.word.data(), q.word.size(), other.data(), other.size(), &ab);
    BB_FUZZ_CHECK(status == (valid ? BB_OK : BB_ERR_INVALID_ARGUMENT));
    if (valid) {
        BB_FUZZ_CHECK(bb_spell_distance(other.data(), other.size(), q.word.data(), q.word.size(), &ba) == BB_OK);
        BB_FUZZ_CHECK(bb_spell_distance(q.word.data(), q.word.size(), q.word.data(), q.word.size(), &self) == BB_OK);
        BB_FUZZ_CHECK(ab == ba && ab >= 0 && self == 0);
    }
    double similarity = -1;
    const auto metric = static_cast<bb_spell_metric>(q.metric);
    const bool metric_ok = q.metric >= 0 && q.metric <= 2;
    const bb_status sim =
        bb_spell_similarity(q.word.data(), q.word.size(), other.data(), other.size(), metric, &similarity);
    BB_FUZZ_CHECK(sim == (valid && metric_ok ? BB_OK : BB_ERR_INVALID_ARGUMENT));
    if (sim == BB_OK) BB_FUZZ_CHECK(similarity >= 0.0 && similarity <= 1.0);
    BB_FUZZ_CHECK(bb_spell_distance(q.word.data(), q.word.size(), other.data(), other.size(), nullptr) ==
                  BB_ERR_INVALID_ARGUMENT);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    the_index();  // built once, outside the balance below
    bb::fuzz::LedgerBalance balance;
    const Query q = query_of(in);
    suggest(q, expected_status(q));
    pairwise(in, q);
    bb_free_spell_suggestion(nullptr);
    bb_free_spell_suggestions(nullptr);
    return 0;
}
