// Shared main for the C++ benches: Google Benchmark's own, plus the ledger memory manager.
#include <benchmark/benchmark.h>

#include "ledger_memory_manager.hpp"

int main(int argc, char** argv) {
    static bb::bench::LedgerMemoryManager memory_manager;
    benchmark::RegisterMemoryManager(&memory_manager);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
