#include "canary.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "ledger.hpp"

namespace bb::canary {

#ifdef BRIDGEBENCH_CANARIES
namespace {
std::mutex active_mutex;
std::string& active() {
    static std::string* names = [] {
        const char* env = std::getenv("BRIDGEBENCH_CANARY");
        return new std::string(env != nullptr ? env : "");
    }();
    return *names;
}
}  // namespace

bool enabled(std::string_view name) noexcept {
    std::lock_guard lock(active_mutex);
    std::string_view rest = active();
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        if (rest.substr(0, comma) == name || rest.substr(0, comma) == "all") return true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return false;
}

void set(std::string_view comma_separated_names) {
    std::lock_guard lock(active_mutex);
    active().assign(comma_separated_names);
}
#endif

// The pointer goes through a volatile store that is then overwritten, so the compiler must
// perform the malloc (its result escapes) and no live pointer to the block remains anywhere
// a leak checker scans: the block is "definitely lost".
void plant_leak(const char* site_name, std::size_t bytes) noexcept {
    [[maybe_unused]] static void* volatile sink = nullptr;
    void* p = ledger::allocate_nothrow(ledger::site(site_name), bytes);
    if (p != nullptr) std::memset(p, 0xAB, bytes);
    sink = p;
    sink = nullptr;
}

void lose(void* block) noexcept {
    [[maybe_unused]] static void* volatile sink = nullptr;
    sink = block;
    sink = nullptr;
}

void remember_call() noexcept {
    // Never destroyed: a cache that lives as long as the process, like the fault it stands for.
    using Entry = std::array<std::uint64_t, 8>;
    static auto* calls = new (std::nothrow) std::vector<Entry>();
    if (calls == nullptr) return;
    static std::mutex calls_mutex;
    std::lock_guard lock(calls_mutex);
    try {
        calls->push_back(Entry{calls->size()});
    } catch (...) {
        // Out of memory: the canary simply stops growing.
    }
}

}  // namespace bb::canary
