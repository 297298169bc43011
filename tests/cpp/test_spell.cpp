// The spell-checker core without Python: kernels against a textbook DP, the blocked variant,
// UTF-8, and the Speller's semantics (ties, duplicates, limits, k, threads).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "deletions.hpp"
#include "filter.hpp"
#include "index.hpp"
#include "ledger.hpp"
#include "metrics.hpp"
#include "speller.hpp"
#include "utf8.hpp"

namespace {

namespace spell = bb::spell;

int reference_levenshtein(const std::u32string& a, const std::u32string& b) {
    std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
    std::iota(prev.begin(), prev.end(), 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = static_cast<int>(i);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1] ? 1 : 0)});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

int reference_lcs(const std::u32string& a, const std::u32string& b) {
    std::vector<int> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::u32string random_word(std::mt19937& rng, std::size_t max_length, const std::u32string& alphabet) {
    std::uniform_int_distribution<std::size_t> length(0, max_length), pick(0, alphabet.size() - 1);
    std::u32string out(length(rng), U'a');
    for (auto& c : out) c = alphabet[pick(rng)];
    return out;
}

struct Dictionary {
    std::vector<char32_t> chars;
    std::vector<std::uint64_t> offsets{0};
    explicit Dictionary(const std::vector<std::u32string>& words) {
        for (const auto& w : words) {
            chars.insert(chars.end(), w.begin(), w.end());
            offsets.push_back(chars.size());
        }
    }
    spell::PackedText view() const { return {chars, offsets}; }
};

bb::ledger::Site& test_site() {
    return bb::ledger::site("test.spell");
}

// The plain metric (the default is damerau, the Python API's default).
spell::SearchOptions plain(std::size_t k = 1) {
    spell::SearchOptions o;
    o.metric = spell::Metric::levenshtein;
    o.k = k;
    return o;
}

std::vector<spell::Hit> search(const spell::Speller& s, const std::u32string& q, spell::SearchOptions o) {
    bb::ledger::vector<spell::Hit> out{bb::ledger::Allocator<spell::Hit>(test_site())};
    s.search(q, o, out);
    return {out.begin(), out.end()};
}

TEST(SpellKernels, LevenshteinAndLcsMatchTheTextbookDp) {
    std::mt19937 rng(5);
    const std::u32string alphabet = U"abcdé€😀";
    for (int i = 0; i < 3000; ++i) {
        // Lengths up to 150 cover one, two and three 64-bit blocks.
        const std::size_t max_length = i % 10 == 0 ? 150 : 12;
        const auto a = random_word(rng, max_length, alphabet), b = random_word(rng, max_length, alphabet);
        ASSERT_EQ(spell::levenshtein(a, b), reference_levenshtein(a, b)) << i;
        ASSERT_EQ(spell::indel_distance(a, b), static_cast<int>(a.size() + b.size()) - 2 * reference_lcs(a, b)) << i;
    }
}

TEST(SpellKernels, BitParallelOsaMatchesTheTextbookDp) {
    // The bit-parallel kernel (patterns up to 64 symbols) against the plain recurrence.
    std::mt19937 rng(13);
    const std::u32string alphabet = U"abcd";
    for (int i = 0; i < 3000; ++i) {
        const std::size_t max_length = i % 10 == 0 ? 64 : 10;
        const auto a = random_word(rng, max_length, alphabet), b = random_word(rng, max_length, alphabet);
        std::vector<spell::Symbol> pa, pb;
        for (const char32_t c : a) pa.push_back(static_cast<spell::Symbol>(c - U'a'));
        for (const char32_t c : b) pb.push_back(static_cast<spell::Symbol>(c - U'a'));
        spell::Pattern p;
        p.assign(pa, 4);
        const int expected = spell::osa_distance(a, b);
        ASSERT_EQ(spell::osa(p, pb, 1000), expected) << i;
        if (expected > 0) {
            ASSERT_EQ(spell::osa(p, pb, expected - 1), expected) << i;  // "more than bound"
        }
    }
    EXPECT_EQ(spell::osa_distance(U"ca", U"abc"), 3);  // no symbol edited twice
    EXPECT_EQ(spell::osa_distance(U"recieve", U"receive"), 1);
}

TEST(SpellKernels, BoundedLevenshteinStopsAboveTheBound) {
    spell::Pattern p;
    const std::vector<spell::Symbol> q{0, 1, 2, 3, 4, 5};
    const std::vector<spell::Symbol> t{5, 4, 3, 2, 1, 0};
    p.assign(q, 6);
    const int exact = spell::levenshtein(p, t, 100);
    EXPECT_EQ(spell::levenshtein(p, t, exact), exact);
    EXPECT_EQ(spell::levenshtein(p, t, exact - 1), exact);  // "bound + 1" means "more than bound"
}

TEST(SpellKernels, JaroKnownValuesAndSymmetry) {
    EXPECT_DOUBLE_EQ(spell::similarity(U"martha", U"marhta", spell::Metric::jaro), 17.0 / 18.0);
    EXPECT_DOUBLE_EQ(spell::similarity(U"", U"", spell::Metric::jaro), 1.0);
    EXPECT_DOUBLE_EQ(spell::similarity(U"a", U"", spell::Metric::jaro), 0.0);
    std::mt19937 rng(9);
    for (int i = 0; i < 2000; ++i) {
        const std::size_t max_length = i % 10 == 0 ? 100 : 10;  // > 64: the plain fallback
        const auto a = random_word(rng, max_length, U"abc"), b = random_word(rng, max_length, U"abc");
        ASSERT_EQ(spell::similarity(a, b, spell::Metric::jaro), spell::similarity(b, a, spell::Metric::jaro));
    }
}

TEST(SpellKernels, PairsWithMoreDistinctCharactersThanSymbolsUsePlainDp) {
    // 65,600 distinct characters on one side: more than a 16-bit symbol can name.
    std::u32string many;
    for (char32_t c = 0x4E00; many.size() < 65600; ++c) many.push_back(c);
    const std::u32string few = many.substr(0, 2) + U"x" + many.substr(70, 1);
    for (const auto& [a, b] : {std::pair{many, few}, std::pair{few, many}}) {
        EXPECT_EQ(spell::levenshtein(a, b), reference_levenshtein(a, b));
        EXPECT_EQ(spell::indel_distance(a, b), static_cast<int>(a.size() + b.size()) - 2 * reference_lcs(a, b));
    }
    EXPECT_DOUBLE_EQ(spell::similarity(many, few, spell::Metric::jaro),
                     spell::similarity(few, many, spell::Metric::jaro));
    EXPECT_GT(spell::similarity(many, few, spell::Metric::jaro), 0.0);
}

TEST(SpellSpeller, RefusesMoreDistinctCharactersThanSymbols) {
    std::vector<std::u32string> words;
    for (char32_t c = 0x4E00; words.size() < 65536; ++c) words.emplace_back(1, c);
    const Dictionary too_many(words);
    EXPECT_THROW(spell::Speller(too_many.view(), test_site()), std::length_error);
    words.pop_back();  // 65,535 distinct characters still fit
    const Dictionary fits(words);
    const spell::Speller s(fits.view(), test_site());
    EXPECT_EQ(s.word(search(s, U"\U00014DFE", plain()).at(0).word).size(), 1u);
}

TEST(SpellFilter, EveryBuildTheCpuRunsKeepsExactlyTheEntriesWithinBothLimits) {
    std::mt19937_64 rng(21);
    std::vector<std::uint64_t> signatures(300);
    for (auto& sig : signatures) sig = rng() & rng() & rng();  // sparse, like words' letters
    std::vector<std::uint32_t> out(signatures.size()), expected;
    for (const auto build : {spell::FilterBuild::portable, spell::FilterBuild::avx2, spell::FilterBuild::avx512}) {
        if (!spell::filter_build_runs(build)) continue;
        for (int trial = 0; trial < 200; ++trial) {
            const std::uint64_t query = rng() & rng();
            const auto begin = static_cast<std::uint32_t>(rng() % 40),
                       end = static_cast<std::uint32_t>(begin + rng() % 250);
            const int query_only = static_cast<int>(rng() % 12) - 1, word_only = static_cast<int>(rng() % 12) - 1;
            expected.clear();
            for (std::uint32_t e = begin; e < end; ++e) {
                if (std::popcount(query & ~signatures[e]) <= query_only &&
                    std::popcount(signatures[e] & ~query) <= word_only)
                    expected.push_back(e);
            }
            const std::size_t n = spell::filter_sides_with(build, signatures.data(), begin, end, query, query_only,
                                                           word_only, out.data());
            ASSERT_EQ(std::vector<std::uint32_t>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)), expected)
                << static_cast<int>(build) << " " << trial;
        }
    }
}

TEST(SpellUtf8, RoundTripAndStrictDecoding) {
    const std::u32string text = U"a\u00e9\u20ac\U0001F600";
    const std::string utf8 = spell::encode_utf8(text);
    EXPECT_EQ(utf8, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    EXPECT_EQ(spell::decode_utf8(utf8).value(), text);
    std::size_t bad = 0;
    EXPECT_FALSE(spell::decode_utf8("ab\xC0\xAF", &bad));  // overlong
    EXPECT_EQ(bad, 2u);
    EXPECT_FALSE(spell::decode_utf8("\xED\xA0\x80", &bad));  // surrogate
    EXPECT_FALSE(spell::decode_utf8("\xE2\x82", &bad));      // truncated
}

TEST(SpellSpeller, TiesDuplicatesAndLimits) {
    const std::vector<std::u32string> words{U"hat", U"cat", U"hat", U"bat", U"ca", U""};
    const Dictionary dict(words);
    const spell::Speller s(dict.view(), test_site());
    EXPECT_EQ(s.size(), 5u);
    EXPECT_EQ(s.source_position(2), 3u);  // "bat" is the 3rd unique word, 4th in the input
    auto hits = search(s, U"xat", plain());
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(s.word(hits[0].word), U"hat");
    hits = search(s, U"xat", plain(10));
    ASSERT_EQ(hits.size(), 5u);
    std::vector<std::u32string> ranked;
    for (const auto& h : hits) ranked.push_back(s.word(h.word));
    EXPECT_EQ(ranked, (std::vector<std::u32string>{U"hat", U"cat", U"bat", U"ca", U""}));
    spell::SearchOptions exact_only = plain();
    exact_only.max_distance = 0;
    EXPECT_TRUE(search(s, U"xat", exact_only).empty());
    EXPECT_EQ(s.word(search(s, U"cat", exact_only).at(0).word), U"cat");
}

TEST(SpellSpeller, AgreesWithBruteForceOnRandomQueries) {
    std::mt19937 rng(17);
    const std::u32string alphabet = U"abcdefghé😀";
    std::vector<std::u32string> words;
    for (int i = 0; i < 2000; ++i) words.push_back(random_word(rng, 10, alphabet));
    words.push_back(std::u32string(90, U'a'));  // a word over 64 code points
    const Dictionary dict(words);
    const spell::Speller s(dict.view(), test_site());
    for (int i = 0; i < 300; ++i) {
        const auto q = random_word(rng, i % 50 == 0 ? 80 : 10, alphabet);
        int best = INT32_MAX;
        std::u32string best_word;
        for (const auto& w : words) {  // first best in dictionary order
            const int d = reference_levenshtein(q, w);
            if (d < best) best = d, best_word = w;
        }
        const auto hits = search(s, q, plain());
        ASSERT_EQ(hits.size(), 1u);
        ASSERT_EQ(hits[0].distance, best) << i;
        ASSERT_EQ(s.word(hits[0].word), best_word) << i;
    }
}

TEST(SpellSpeller, SearchManyMatchesSearchOnEveryThreadCount) {
    std::mt19937 rng(23);
    std::vector<std::u32string> words, queries;
    for (int i = 0; i < 3000; ++i) words.push_back(random_word(rng, 9, U"abcdefgh"));
    for (int i = 0; i < 500; ++i) queries.push_back(random_word(rng, 9, U"abcdefghij"));
    const Dictionary dict(words), packed(queries);
    const spell::Speller s(dict.view(), test_site());
    for (unsigned threads : {1u, 2u, 4u, 0u}) {
        std::vector<spell::Hit> out(queries.size());
        s.search_many(packed.view(), plain(), threads, out, test_site());
        for (std::size_t i = 0; i < queries.size(); ++i) {
            ASSERT_EQ(out[i].word, search(s, queries[i], plain()).at(0).word) << threads << " " << i;
        }
    }
}

// The deletion index must find every word within its reach, whatever the lengths on either
// side of its 7-character prefix: a small alphabet puts many words within 2 edits of each
// query; marked words are read with their own limit.
TEST(SpellDeletions, GatherFindsExactlyTheWordsWithinReach) {
    std::mt19937 rng(29);
    const std::u32string alphabet = U"abcé";
    std::vector<std::u32string> words, queries;
    for (int i = 0; i < 1500; ++i) words.push_back(random_word(rng, 11, alphabet));
    words.push_back(std::u32string(130, U'a'));  // longer than a posting's length field
    words.push_back(std::u32string(129, U'a') + U"b");
    for (int i = 0; i < 200; ++i) queries.push_back(random_word(rng, 11, alphabet + U"x"));
    queries.push_back(std::u32string(131, U'a'));
    const Dictionary dict(words);
    const spell::Index index(dict.view(), test_site());
    auto marked = [](std::uint32_t word) { return word % 3 == 0; };
    const spell::Deletions deletions(index, marked, test_site());
    ASSERT_TRUE(deletions.usable());
    spell::Scratch scratch;
    for (const bool transpositions : {false, true}) {
        for (int limit = 0; limit <= spell::Deletions::max_edits; ++limit) {
            for (const int marked_limit : {limit, spell::Deletions::max_edits}) {
                for (const auto& q : queries) {
                    index.prepare(q, scratch);
                    std::vector<spell::Hit> found;
                    deletions.gather(index, limit, marked_limit, transpositions, scratch, found);
                    std::vector<std::pair<std::uint32_t, int>> got, want;
                    for (const auto& hit : found) got.emplace_back(hit.word, hit.distance);
                    for (std::uint32_t w = 0; w < index.size(); ++w) {
                        const std::u32string text = index.word(w);
                        const int d = transpositions ? spell::osa_distance(q, text) : reference_levenshtein(q, text);
                        if (d <= (marked(w) ? marked_limit : limit)) want.emplace_back(w, d);
                    }
                    std::sort(got.begin(), got.end());
                    ASSERT_EQ(got, want) << "limit " << limit << " marked " << marked_limit << " osa " << transpositions
                                         << " query length " << q.size();
                }
            }
        }
    }
}

TEST(SpellSpeller, EmptyDictionaryAndLedgerBalance) {
    const auto before = [] {
        for (const auto& site : bb::ledger::snapshot()) {
            if (site.name == "test.spell") return site.bytes_outstanding;
        }
        return std::int64_t{0};
    };
    const std::int64_t start = before();
    {
        const Dictionary dict(std::vector<std::u32string>{});
        const spell::Speller s(dict.view(), test_site());
        EXPECT_EQ(s.size(), 0u);
        EXPECT_TRUE(search(s, U"abc", {}).empty());
        EXPECT_GT(before(), start);
    }
    EXPECT_EQ(before(), start);
}

}  // namespace
