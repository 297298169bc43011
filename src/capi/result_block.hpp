// How the C ABI hands out results: each result struct and its payload live in one ledger
// allocation, preceded by a hidden header that remembers the ledger site and size, so the
// matching free function releases exactly what was counted, and a double free or a pointer
// that did not come from us is caught (abort with a message) instead of corrupting the heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "ledger.hpp"

namespace bb::capi {

struct alignas(std::max_align_t) BlockHeader {
    static constexpr std::uint64_t live_magic = 0xB81D6EB3C4A11FEDull;
    static constexpr std::uint64_t freed_magic = 0xDEADB10CF4EEDull;
    std::uint64_t magic;
    ledger::Site* site;
    ledger::Site* results;  // see results_site
    std::size_t bytes;      // the whole block, header included
};

// Results handed to the caller are also counted (count only, no second allocation) against
// "<site> results": when that site is unbalanced, the blocks were handed out and the free path
// (a bb_free_* function, or a caller that never called it) is what lost them, not the function
// that allocated them. The last lookup is cached per thread: one map lookup per site change.
inline ledger::Site& results_site(ledger::Site& site) {
    thread_local ledger::Site* last_site = nullptr;
    thread_local ledger::Site* last_results = nullptr;
    if (last_site != &site) {
        last_results = &ledger::site(site.name + " results");
        last_site = &site;
    }
    return *last_results;
}

inline constexpr std::size_t round_up(std::size_t n, std::size_t align) {
    return (n + align - 1) / align * align;
}

// Allocates a zeroed block holding a `Result` followed by `payload_bytes` bytes. Returns the
// Result; its payload starts at payload_of(result). Throws std::bad_alloc.
template <class Result>
Result* new_result(ledger::Site& site, std::size_t payload_bytes) {
    constexpr std::size_t head = round_up(sizeof(BlockHeader) + sizeof(Result), alignof(std::max_align_t));
    if (payload_bytes > SIZE_MAX - head) throw std::bad_alloc();
    const std::size_t bytes = head + payload_bytes;
    auto* header = static_cast<BlockHeader*>(ledger::allocate(site, bytes));
    header->magic = BlockHeader::live_magic;
    header->site = &site;
    header->results = &results_site(site);
    header->bytes = bytes;
    ledger::record_allocation(*header->results, bytes);
    return new (header + 1) Result{};
}

template <class Result>
void* payload_of(Result* result) {
    constexpr std::size_t head = round_up(sizeof(BlockHeader) + sizeof(Result), alignof(std::max_align_t));
    return reinterpret_cast<char*>(result) - sizeof(BlockHeader) + head;
}

template <class Result>
void free_result(Result* result, const char* free_function) noexcept {
    if (result == nullptr) return;
    auto* header = reinterpret_cast<BlockHeader*>(result) - 1;
    if (header->magic != BlockHeader::live_magic) {
        std::fprintf(
            stderr, "bridgebench: %s: %s\n", free_function,
            header->magic == BlockHeader::freed_magic ? "double free" : "pointer was not allocated by bridgebench");
        std::abort();
    }
    header->magic = BlockHeader::freed_magic;
    ledger::record_free(*header->results, header->bytes);
    ledger::release(*header->site, header, header->bytes);
}

}  // namespace bb::capi
