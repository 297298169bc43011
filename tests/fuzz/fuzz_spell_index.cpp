// libFuzzer target: bb_speller_create, bb_speller_size, bb_speller_memory_bytes,
// bb_speller_free, over any packed word list. Invalid UTF-8 must be refused naming the first
// bad word; a valid list gives an index of its distinct words, in which every word finds
// itself at distance 0 at its first position.
#include <cmath>
#include <set>
#include <string>

#include "bridgebench/spell.h"
#include "fuzz_support.hpp"
#include "utf8_oracle.hpp"

namespace {

std::size_t first_invalid(const bb::fuzz::Packed& p) {
    for (std::size_t i = 0; i < p.count(); ++i) {
        if (!bb::fuzz::valid_utf8(p.items[i])) return i;
    }
    return SIZE_MAX;
}

std::size_t first_position(const bb::fuzz::Packed& p, const std::string& word) {
    for (std::size_t i = 0; i < p.count(); ++i) {
        if (p.items[i] == word) return i;
    }
    return SIZE_MAX;
}

// Every word of the list, looked up in the index, is itself (distance 0) at its first position.
void lookups(FuzzedDataProvider& in, const bb_speller* speller, const bb::fuzz::Packed& p) {
    for (int n = 0; n < 4 && p.count() > 0; ++n) {
        const std::string& word = p.items[in.ConsumeIntegralInRange<std::size_t>(0, p.count() - 1)];
        bb_spell_suggestion* s = nullptr;
        BB_FUZZ_CHECK(bb_spell_suggest(speller, word.data(), word.size(), BB_SPELL_LEVENSHTEIN, 0, NAN, &s) == BB_OK);
        BB_FUZZ_CHECK(s->word != nullptr && s->distance == 0);
        BB_FUZZ_CHECK(std::string(s->word, s->word_length) == word);
        BB_FUZZ_CHECK(s->word[s->word_length] == '\0');
        BB_FUZZ_CHECK(s->index == first_position(p, word));
        bb_free_spell_suggestion(s);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    bb::fuzz::LedgerBalance balance;
    const bb::fuzz::Packed p = bb::fuzz::packed_strings(in, 48, 40);
    bb_speller* speller = nullptr;
    const char* bytes = p.bytes.empty() ? nullptr : p.bytes.data();
    const bb_status status = bb_speller_create(p.offsets.data(), bytes, p.count(), &speller);
    const std::size_t bad = first_invalid(p);
    if (bad != SIZE_MAX) {
        BB_FUZZ_CHECK(status == BB_ERR_INVALID_ARGUMENT && speller == nullptr);
        BB_FUZZ_CHECK(bb_last_error_index() == bad);
        return 0;
    }
    BB_FUZZ_CHECK(status == BB_OK && speller != nullptr);
    const std::set<std::string> distinct(p.items.begin(), p.items.end());
    BB_FUZZ_CHECK(bb_speller_size(speller) == distinct.size());
    BB_FUZZ_CHECK(bb_speller_memory_bytes(speller) > 0 || distinct.empty());
    lookups(in, speller, p);
    bb_speller_free(speller);
    bb_speller_free(nullptr);
    BB_FUZZ_CHECK(bb_speller_size(nullptr) == 0 && bb_speller_memory_bytes(nullptr) == 0);
    return 0;
}
