// Reports ledger activity (allocations and bytes that would cross the boundary) in Google
// Benchmark's memory columns, so allocation counts per iteration sit next to the timings.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

#include "ledger.hpp"

namespace bb::bench {

class LedgerMemoryManager final : public benchmark::MemoryManager {
public:
    void Start() override { start_ = totals(); }

// Google Benchmark 1.7 (Debian 12) still declares Stop(Result*) pure virtual and deprecated;
// implementing it is the only way to provide Stop(Result&) there.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    void Stop(Result* result) override {
        Stop(*result);
    }
#pragma GCC diagnostic pop

    void Stop(Result& result) override {
        const Totals end = totals();
        result.num_allocs = static_cast<std::int64_t>(end.allocations - start_.allocations);
        result.total_allocated_bytes = static_cast<std::int64_t>(end.bytes_allocated - start_.bytes_allocated);
        result.net_heap_growth = end.bytes_outstanding - start_.bytes_outstanding;
        result.max_bytes_used = result.total_allocated_bytes;  // the ledger keeps no peak; an upper bound
    }

private:
    struct Totals {
        std::uint64_t allocations = 0;
        std::uint64_t bytes_allocated = 0;
        std::int64_t bytes_outstanding = 0;
    };
    static Totals totals() {
        Totals t;
        for (const auto& s : ledger::snapshot()) {
            t.allocations += s.allocations;
            t.bytes_allocated += s.bytes_allocated;
            t.bytes_outstanding += s.bytes_outstanding;
        }
        return t;
    }
    Totals start_;
};

}  // namespace bb::bench
