// The native half of the array round trips, without Python: what the boundary adds is the
// difference between these figures and the Python-side runner's.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "arrays.hpp"
#include "bridgebench/arrays.h"

namespace {

bb::ledger::Site& bench_site() {
    return bb::ledger::site("bench.arrays");
}

template <class T>
void set_throughput(benchmark::State& state) {
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * static_cast<std::int64_t>(sizeof(T)));
    state.SetComplexityN(state.range(0));
}

void BM_CopyInt64(benchmark::State& state) {
    std::vector<std::int64_t> in(static_cast<std::size_t>(state.range(0)));
    std::iota(in.begin(), in.end(), -1000);
    for (auto _ : state) {
        auto out = bb::arrays::copy_int64(in, bench_site());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_throughput<std::int64_t>(state);
}

void BM_CopyDouble(benchmark::State& state) {
    std::vector<double> in(static_cast<std::size_t>(state.range(0)), -790.5207366698761);
    for (auto _ : state) {
        auto out = bb::arrays::copy_double(in, bench_site());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_throughput<double>(state);
}

void BM_NarrowToFloat32(benchmark::State& state) {
    std::vector<double> in(static_cast<std::size_t>(state.range(0)), -790.5207366698761);
    for (auto _ : state) {
        if (bb::arrays::first_float32_overflow(in)) state.SkipWithError("unexpected overflow");
        auto out = bb::arrays::narrow_to_float32(in, bench_site());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_throughput<double>(state);
}

bb::arrays::StringArray make_words(std::size_t count) {
    bb::arrays::StringArray words(bench_site());
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> length(1, 16), letter('a', 'z');
    std::string word;
    for (std::size_t i = 0; i < count; ++i) {
        word.assign(static_cast<std::size_t>(length(rng)), 'x');
        for (char& c : word) c = static_cast<char>(letter(rng));
        words.push_back(word);
    }
    return words;
}

void BM_CopyStrings(benchmark::State& state) {
    const auto in = make_words(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        auto out = bb::arrays::copy_strings(in, bench_site());
        benchmark::DoNotOptimize(out.bytes.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(in.bytes.size()));
    state.SetComplexityN(state.range(0));
}

// The C ABI adds one allocation and the result struct; everything else is the same copy.
void BM_CapiRoundtripInt64(benchmark::State& state) {
    std::vector<std::int64_t> in(static_cast<std::size_t>(state.range(0)), 7);
    for (auto _ : state) {
        bb_int64_array* out = nullptr;
        if (bb_roundtrip_int64(in.data(), in.size(), &out) != BB_OK) state.SkipWithError(bb_last_error());
        benchmark::DoNotOptimize(out);
        bb_free_int64_array(out);
    }
    set_throughput<std::int64_t>(state);
}

constexpr std::int64_t smallest = 10;
constexpr std::int64_t largest = 10'000'000;

}  // namespace

BENCHMARK(BM_CopyInt64)->RangeMultiplier(10)->Range(smallest, largest)->Complexity(benchmark::oN);
BENCHMARK(BM_CopyDouble)->RangeMultiplier(10)->Range(smallest, largest)->Complexity(benchmark::oN);
BENCHMARK(BM_NarrowToFloat32)->RangeMultiplier(10)->Range(smallest, largest)->Complexity(benchmark::oN);
BENCHMARK(BM_CopyStrings)->RangeMultiplier(10)->Range(smallest, 1'000'000)->Complexity(benchmark::oN);
BENCHMARK(BM_CapiRoundtripInt64)->RangeMultiplier(10)->Range(smallest, largest)->Complexity(benchmark::oN);
