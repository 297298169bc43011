// What every libFuzzer target of the C ABI shares: a failed invariant stops the run (libFuzzer
// saves the input as a crash), the ledger must be back where it was after each input, and
// lists of strings are packed the way the C ABI takes them.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bridgebench/common.h"

namespace bb::fuzz {

// Stops the run with a message: libFuzzer reports a deadly signal and writes the crash input.
[[noreturn]] inline void fail(const char* what, const char* file, int line) {
    std::fprintf(stderr, "fuzz invariant failed at %s:%d: %s (last error: %s)\n", file, line, what, bb_last_error());
    std::abort();
}

#define BB_FUZZ_CHECK(condition) ((condition) ? static_cast<void>(0) : ::bb::fuzz::fail(#condition, __FILE__, __LINE__))

// Bytes the ledger says are still handed out, over every site.
inline std::int64_t ledger_outstanding() {
    std::vector<bb_ledger_site> sites(bb_ledger_snapshot(nullptr, 0) + 16);
    const std::size_t count = bb_ledger_snapshot(sites.data(), sites.size());
    std::int64_t total = 0;
    for (std::size_t i = 0; i < count && i < sites.size(); ++i) total += sites[i].bytes_outstanding;
    return total;
}

// Checks, when it goes out of scope, that one input left the ledger where it found it (a lost
// result shows here at once, before LeakSanitizer looks at the end of the run).
class LedgerBalance {
public:
    LedgerBalance() : before_(ledger_outstanding()) {}
    ~LedgerBalance() { BB_FUZZ_CHECK(ledger_outstanding() == before_); }
    LedgerBalance(const LedgerBalance&) = delete;
    LedgerBalance& operator=(const LedgerBalance&) = delete;

private:
    std::int64_t before_;
};

// A list of strings in the packed layout (offsets has count + 1 entries).
struct Packed {
    std::vector<std::string> items;
    std::vector<std::uint64_t> offsets{0};
    std::string bytes;

    void add(const std::string& item) {
        items.push_back(item);
        bytes += item;
        offsets.push_back(bytes.size());
    }
    std::size_t count() const { return items.size(); }
};

inline Packed packed_strings(FuzzedDataProvider& in, std::size_t max_items, std::size_t max_length) {
    Packed p;
    const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, max_items);
    for (std::size_t i = 0; i < n && in.remaining_bytes() > 0; ++i) p.add(in.ConsumeRandomLengthString(max_length));
    return p;
}

}  // namespace bb::fuzz
