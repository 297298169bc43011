// Canaries: planted leaks that prove the leak audit can see a leak on each boundary path.
// They exist only in audit builds (-Dcanaries=true) and stay off unless switched on at run
// time, by the BRIDGEBENCH_CANARY environment variable (comma-separated names, read at load)
// or bb_canary_set(). In a normal build `canary::enabled` is a constant false and the planted
// code is compiled out.
#pragma once

#include <string_view>

namespace bb::canary {

#ifdef BRIDGEBENCH_CANARIES
inline constexpr bool compiled_in = true;
bool enabled(std::string_view name) noexcept;
// Replaces the set of active canaries ("" switches all off).
void set(std::string_view comma_separated_names);
#else
inline constexpr bool compiled_in = false;
constexpr bool enabled(std::string_view) noexcept {
    return false;
}
inline void set(std::string_view) {}
#endif

// Leaks `bytes` bytes counted against `site_name` on purpose, in a way an optimiser cannot
// delete and an exit-time checker cannot mistake for reachable memory (see canary.cpp).
void plant_leak(const char* site_name, std::size_t bytes) noexcept;

// Drops the last pointer to a block some other library allocated (a Python object, a curl
// handle) the same way: the leak is then only visible through that library's allocator, as
// when a binding forgets a decref or a cleanup call.
void lose(void* block) noexcept;

// Records one call in a process-wide std::vector of 64-byte entries that is never cleared (a
// memo table that only ever grows): still reachable, and the heap grows in steps when the
// vector doubles its capacity (exit-time checkers call it reachable; only the growth layer can
// see it). 64 bytes, not 8: the first doubling step must stand clear of malloc's own jitter.
void remember_call() noexcept;

}  // namespace bb::canary
