// The spell checker's native side, without Python: index build, single searches per metric
// against the default dictionary, batches on 1 and 2 threads, and the raw kernels. What the
// boundary adds is the difference between these figures and the Python-side runner's.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ledger.hpp"
#include "metrics.hpp"
#include "speller.hpp"
#include "utf8.hpp"

#ifndef BB_SPELL_DICTIONARY
#error "BB_SPELL_DICTIONARY must name the default dictionary file"
#endif

namespace {

namespace spell = bb::spell;

bb::ledger::Site& bench_site() {
    return bb::ledger::site("bench.spell");
}

struct Packed {
    std::vector<char32_t> chars;
    std::vector<std::uint64_t> offsets{0};
    void add(const std::u32string& w) {
        chars.insert(chars.end(), w.begin(), w.end());
        offsets.push_back(chars.size());
    }
    spell::PackedText view() const { return {chars, offsets}; }
    std::u32string operator[](std::size_t i) const { return std::u32string(view()[i]); }
    std::size_t size() const { return offsets.size() - 1; }
};

const Packed& dictionary() {
    static const Packed words = [] {
        Packed out;
        // The source tree's copy unless BRIDGEBENCH_DICTIONARY names another word list.
        const char* path = std::getenv("BRIDGEBENCH_DICTIONARY");
        std::ifstream in(path != nullptr ? path : BB_SPELL_DICTIONARY);
        std::string line;
        while (std::getline(in, line)) out.add(spell::decode_utf8(line).value_or(U""));
        return out;
    }();
    return words;
}

const spell::Speller& speller() {
    static const spell::Speller index(dictionary().view(), bench_site());
    return index;
}

// Typos as the Python workload makes them: 1-3 random edits of random dictionary words.
const Packed& queries() {
    static const Packed out = [] {
        Packed q;
        std::mt19937 rng(20261125);
        const auto& words = dictionary();
        std::uniform_int_distribution<std::size_t> pick(0, words.size() - 1);
        std::uniform_int_distribution<int> edits(1, 3), op(0, 2), letter('a', 'z');
        for (int i = 0; i < 1000; ++i) {
            std::u32string w = words[pick(rng)];
            for (int e = edits(rng); e > 0; --e) {
                const std::size_t at = std::uniform_int_distribution<std::size_t>(0, w.size())(rng);
                const int kind = w.empty() ? 0 : op(rng);
                const std::size_t in = std::min(at, w.size() - (w.empty() ? 0 : 1));
                if (kind == 0)
                    w.insert(w.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char32_t>(letter(rng)));
                else if (kind == 1)
                    w.erase(in, 1);
                else
                    w[in] = static_cast<char32_t>(letter(rng));
            }
            q.add(w);
        }
        return q;
    }();
    return out;
}

void BM_BuildIndex(benchmark::State& state) {
    const auto& words = dictionary();
    for (auto _ : state) {
        spell::Speller index(words.view(), bench_site());
        benchmark::DoNotOptimize(index.size());
    }
    state.counters["words"] = static_cast<double>(words.size());
    state.counters["index_MiB"] = static_cast<double>(speller().memory_bytes()) / (1 << 20);
}

void BM_Suggest(benchmark::State& state) {
    const auto& index = speller();
    const auto& q = queries();
    spell::SearchOptions options;
    options.metric = static_cast<spell::Metric>(state.range(0));
    spell::Scratch scratch;
    bb::ledger::vector<spell::Hit> hits{bb::ledger::Allocator<spell::Hit>(bench_site())};
    std::size_t i = 0;
    for (auto _ : state) {
        index.search(q.view()[i], options, scratch, hits);
        benchmark::DoNotOptimize(hits.data());
        i = (i + 1) % q.size();
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(options.metric == spell::Metric::levenshtein ? "levenshtein"
                   : options.metric == spell::Metric::indel     ? "indel"
                   : options.metric == spell::Metric::damerau   ? "damerau"
                                                                : "jaro");
}

void BM_SuggestMany(benchmark::State& state) {
    const auto& index = speller();
    const auto& q = queries();
    std::vector<spell::Hit> out(q.size());
    spell::SearchOptions options;
    options.metric = spell::Metric::levenshtein;  // as the Python batch case
    for (auto _ : state) {
        index.search_many(q.view(), options, static_cast<unsigned>(state.range(0)), out, bench_site());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(q.size()));
}

// The kernels alone: one pattern against one text of the same length (8 = one short word,
// 64 = a full block, 256 = the blocked variant with 4 blocks).
template <class Kernel>
void kernel_bench(benchmark::State& state, Kernel kernel) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::mt19937 rng(3);
    std::uniform_int_distribution<spell::Symbol> symbol(0, 25);
    std::vector<spell::Symbol> a(n), b(n);
    for (auto& s : a) s = symbol(rng);
    for (auto& s : b) s = symbol(rng);
    spell::Pattern pattern;
    pattern.assign(a, 26);
    for (auto _ : state) benchmark::DoNotOptimize(kernel(pattern, std::span<const spell::Symbol>(b)));
    state.SetItemsProcessed(state.iterations());
    state.SetComplexityN(state.range(0));
}

void BM_KernelLevenshtein(benchmark::State& state) {
    kernel_bench(state, [](const spell::Pattern& p, std::span<const spell::Symbol> t) {
        return spell::levenshtein(p, t, 1 << 20);
    });
}
void BM_KernelLcs(benchmark::State& state) {
    kernel_bench(state, spell::lcs);
}
void BM_KernelJaro(benchmark::State& state) {
    kernel_bench(state, spell::jaro);
}

}  // namespace

BENCHMARK(BM_BuildIndex)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Suggest)->ArgName("metric")->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SuggestMany)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_KernelLevenshtein)->RangeMultiplier(2)->Range(8, 256)->Complexity();
BENCHMARK(BM_KernelLcs)->RangeMultiplier(2)->Range(8, 256)->Complexity();
BENCHMARK(BM_KernelJaro)->RangeMultiplier(2)->Range(8, 256)->Complexity();
