// The scraper's native overheads without a network: URL parsing (libcurl's CURLU plus our
// checks) and a Session's per-record cost (queue, loop thread, delivery) on URLs that are
// answered without a transfer. Fetching itself is measured against nginx by `bridgebench run`.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "scrape.hpp"
#include "url.hpp"

namespace {

bb::ledger::Site& bench_site() {
    return bb::ledger::site("bench.scrape");
}

void BM_ParseUrl(benchmark::State& state) {
    const std::string url = "https://Example.COM:8443/some/path/page.html?query=1&x=2";
    for (auto _ : state) {
        auto parsed = bb::scrape::parse_url(url);
        benchmark::DoNotOptimize(parsed.port);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_SessionRecordsWithoutTransfers(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::vector<std::string> urls;
    for (std::size_t i = 0; i < n; ++i) urls.push_back(i % 2 ? "ftp://127.0.0.1/" + std::to_string(i) : "nonsense");
    for (auto _ : state) {
        auto records = bb::scrape::scrape_batch(urls, {}, bench_site());
        benchmark::DoNotOptimize(records.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetComplexityN(state.range(0));
}

}  // namespace

BENCHMARK(BM_ParseUrl);
BENCHMARK(BM_SessionRecordsWithoutTransfers)->RangeMultiplier(10)->Range(10, 10'000)->Complexity(benchmark::oN);
