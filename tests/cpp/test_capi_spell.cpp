// The spell checker's C ABI: handles, results, errors, and the ledger.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bridgebench/spell.h"
#include "ledger.hpp"

namespace {

std::int64_t outstanding(const std::string& name) {
    for (const auto& s : bb::ledger::snapshot()) {
        if (s.name == name) return s.bytes_outstanding;
    }
    return 0;
}

bb_speller* make(const std::vector<std::string>& words) {
    std::vector<std::uint64_t> offsets{0};
    std::string bytes;
    for (const auto& w : words) {
        bytes += w;
        offsets.push_back(bytes.size());
    }
    bb_speller* speller = nullptr;
    EXPECT_EQ(bb_speller_create(offsets.data(), bytes.data(), words.size(), &speller), BB_OK) << bb_last_error();
    return speller;
}

TEST(CapiSpell, SuggestReturnsWordLikelihoodAndIndex) {
    bb_speller* speller = make({"init", "install", "status", "init"});
    ASSERT_NE(speller, nullptr);
    EXPECT_EQ(bb_speller_size(speller), 3u);
    bb_spell_suggestion* s = nullptr;
    ASSERT_EQ(bb_spell_suggest(speller, "inyt", 4, BB_SPELL_LEVENSHTEIN, -1, std::nan(""), &s), BB_OK);
    ASSERT_NE(s->word, nullptr);
    EXPECT_EQ(std::string(s->word, s->word_length), "init");
    EXPECT_EQ(s->distance, 1);
    EXPECT_DOUBLE_EQ(s->likelihood, 0.75);
    EXPECT_EQ(s->index, 0u);
    bb_free_spell_suggestion(s);
    EXPECT_EQ(outstanding("capi.bb_spell_suggest"), 0);
    bb_speller_free(speller);
    EXPECT_EQ(outstanding("capi.bb_speller_create"), 0);
}

TEST(CapiSpell, NothingWithinMaxDistanceGivesAnEmptySuggestion) {
    bb_speller* speller = make({"alpha"});
    bb_spell_suggestion* s = nullptr;
    ASSERT_EQ(bb_spell_suggest(speller, "zzz", 3, BB_SPELL_LEVENSHTEIN, 1, std::nan(""), &s), BB_OK);
    EXPECT_EQ(s->word, nullptr);
    EXPECT_EQ(s->index, SIZE_MAX);
    bb_free_spell_suggestion(s);
    bb_speller_free(speller);
}

TEST(CapiSpell, SuggestKBestFirstAndFreedOnce) {
    bb_speller* speller = make({"hat", "cat", "bat", "h\xC3\xA9t"});
    bb_spell_suggestions* list = nullptr;
    ASSERT_EQ(bb_spell_suggest_k(speller, "xat", 3, 10, BB_SPELL_LEVENSHTEIN, -1, std::nan(""), &list), BB_OK);
    ASSERT_EQ(list->count, 4u);
    EXPECT_STREQ(list->items[0].word, "hat");
    EXPECT_STREQ(list->items[2].word, "bat");
    EXPECT_EQ(std::string(list->items[3].word, list->items[3].word_length), "h\xC3\xA9t");
    EXPECT_EQ(list->items[3].distance, 2);
    EXPECT_GT(outstanding("capi.bb_spell_suggest_k"), 0);
    bb_free_spell_suggestions(list);
    EXPECT_EQ(outstanding("capi.bb_spell_suggest_k"), 0);
    bb_speller_free(speller);
}

TEST(CapiSpell, ErrorsAllocateNothing) {
    const std::vector<std::uint64_t> offsets{0, 2, 4};
    bb_speller* speller = reinterpret_cast<bb_speller*>(0x1);
    EXPECT_EQ(bb_speller_create(offsets.data(), "ok\xFF\xFE", 2, &speller), BB_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(speller, nullptr);
    EXPECT_EQ(bb_last_error_index(), 1u);
    EXPECT_EQ(outstanding("capi.bb_speller_create"), 0);

    speller = make({"alpha"});
    bb_spell_suggestion* s = reinterpret_cast<bb_spell_suggestion*>(0x1);
    EXPECT_EQ(bb_spell_suggest(speller, "\xC3", 1, BB_SPELL_LEVENSHTEIN, -1, std::nan(""), &s),
              BB_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(s, nullptr);
    EXPECT_NE(std::string(bb_last_error()).find("word"), std::string::npos);
    EXPECT_EQ(bb_spell_suggest(speller, "a", 1, BB_SPELL_INDEL, 2, std::nan(""), &s), BB_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(bb_spell_suggest(nullptr, "a", 1, BB_SPELL_LEVENSHTEIN, -1, std::nan(""), &s), BB_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(bb_spell_suggest(speller, "a", 1, static_cast<bb_spell_metric>(7), -1, std::nan(""), &s),
              BB_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(outstanding("capi.bb_spell_suggest"), 0);
    bb_speller_free(speller);
}

TEST(CapiSpell, DistanceAndSimilarity) {
    std::int64_t d = -1;
    ASSERT_EQ(bb_spell_distance("kitten", 6, "sitting", 7, &d), BB_OK);
    EXPECT_EQ(d, 3);
    double similarity = 0;
    ASSERT_EQ(bb_spell_similarity("abc", 3, "abd", 3, BB_SPELL_INDEL, &similarity), BB_OK);
    EXPECT_DOUBLE_EQ(similarity, 1.0 - 2.0 / 6.0);
    EXPECT_EQ(bb_spell_distance(nullptr, 2, "a", 1, &d), BB_ERR_INVALID_ARGUMENT);
}

// bb_speller_free from one thread while another is inside a search: the index is freed only when
// the running search returns, and that search completes normally. The search is seen to be
// running by its own allocations in the ledger.
TEST(CapiSpell, FreeWhileAnotherThreadSearchesWaitsForTheSearch) {
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> letter('a', 'z'), length(3, 12);
    std::vector<std::string> words(60'000);
    for (auto& w : words) {
        w.resize(static_cast<std::size_t>(length(rng)));
        for (auto& c : w) c = static_cast<char>(letter(rng));
    }
    bb_speller* speller = make(words);
    ASSERT_NE(speller, nullptr);
    const std::string query = "qwertyuiopasdfghjklzxcvbnm";
    std::atomic<bool> finished{false};
    bb_status status = BB_ERR_INTERNAL;
    bb_spell_suggestions* list = nullptr;
    std::thread search([&] {
        status = bb_spell_suggest_k(speller, query.data(), query.size(), words.size(), BB_SPELL_JARO, -1, std::nan(""),
                                    &list);
        finished = true;
    });
    while (outstanding("capi.bb_spell_suggest_k") == 0 && !finished) std::this_thread::yield();
    const bool freed_during_search = !finished;
    bb_speller_free(speller);
    const bool still_searching = !finished;
    if (still_searching) {
        EXPECT_GT(outstanding("capi.bb_speller_create"), 0);  // held by the search
    }
    search.join();
    ASSERT_EQ(status, BB_OK) << bb_last_error();
    EXPECT_GT(list->count, 0u);
    bb_free_spell_suggestions(list);
    EXPECT_EQ(outstanding("capi.bb_speller_create"), 0);  // the search, the last user, freed it
    EXPECT_TRUE(freed_during_search) << "the search ended before the free: make it longer";
}

}  // namespace
