// The allocation ledger: counts every allocation that crosses the Python/native boundary,
// per exported function ("call site"). The leak audit checks that every site is balanced
// (allocations == frees, zero bytes outstanding) once Python has dropped its objects.
//
// The ledger lives in libbridgebench.so only, so the C ABI and every pybind11 module share
// one set of counters.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

namespace bb::ledger {

// One exported function's counters. Sites are created once and never destroyed, so a
// `Site&` can be cached in a function-local static.
struct Site {
    explicit Site(std::string site_name) : name(std::move(site_name)) {}
    const std::string name;
    std::atomic<std::uint64_t> allocations{0};
    std::atomic<std::uint64_t> frees{0};
    std::atomic<std::uint64_t> bytes_allocated{0};
    std::atomic<std::int64_t> bytes_outstanding{0};
};

struct SiteSnapshot {
    std::string name;
    std::uint64_t allocations;
    std::uint64_t frees;
    std::uint64_t bytes_allocated;
    std::int64_t bytes_outstanding;
};

// Finds or creates the site called `name` (thread-safe; intended to be cached in a static).
Site& site(const std::string& name);

// Counts without allocating: for memory whose allocation another allocator does.
void record_allocation(Site& s, std::size_t bytes) noexcept;
void record_free(Site& s, std::size_t bytes) noexcept;

// malloc/free that count. `allocate` throws std::bad_alloc on failure (never returns null
// for bytes > 0); `allocate_nothrow` returns null instead, for the C ABI.
void* allocate(Site& s, std::size_t bytes);
void* allocate_nothrow(Site& s, std::size_t bytes) noexcept;
void release(Site& s, void* p, std::size_t bytes) noexcept;

std::vector<SiteSnapshot> snapshot();
// Zeroes every counter (sites stay registered). Only safe when nothing is outstanding that
// will later be freed, or the counts go negative; tests call it between cases.
void reset() noexcept;

// A standard allocator that counts against a site, so native temporaries (std::vector and
// friends) that live through a boundary call show up in the ledger.
template <class T>
class Allocator {
public:
    using value_type = T;
    // Memory moves with its site: a moved-into container frees against the site that counted
    // the allocation, and moving never copies (so a move cannot allocate or throw).
    using propagate_on_container_move_assignment = std::true_type;
    using propagate_on_container_swap = std::true_type;
    explicit Allocator(Site& s) noexcept : site_(&s) {}
    template <class U>
    Allocator(const Allocator<U>& other) noexcept : site_(other.site()) {}

    T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
        return static_cast<T*>(ledger::allocate(*site_, n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept { ledger::release(*site_, p, n * sizeof(T)); }

    Site* site() const noexcept { return site_; }
    template <class U>
    bool operator==(const Allocator<U>& other) const noexcept {
        return site_ == other.site();
    }

private:
    Site* site_;
};

template <class T>
using vector = std::vector<T, Allocator<T>>;

}  // namespace bb::ledger
