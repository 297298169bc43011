#include "ledger.hpp"

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

namespace bb::ledger {
namespace {

struct Registry {
    std::mutex mutex;
    // std::map keeps snapshot() sorted by name and never moves the Site objects.
    std::map<std::string, std::unique_ptr<Site>, std::less<>> sites;
};

Registry& registry() {
    // Leaked on purpose: sites must outlive every static destructor that might still free
    // through them at interpreter shutdown. It is one map, reachable until exit.
    static Registry* instance = new Registry();
    return *instance;
}

}  // namespace

Site& site(const std::string& name) {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.sites.find(name);
    if (it == r.sites.end()) it = r.sites.emplace(name, std::make_unique<Site>(name)).first;
    return *it->second;
}

void record_allocation(Site& s, std::size_t bytes) noexcept {
    s.allocations.fetch_add(1, std::memory_order_relaxed);
    s.bytes_allocated.fetch_add(bytes, std::memory_order_relaxed);
    s.bytes_outstanding.fetch_add(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
}

void record_free(Site& s, std::size_t bytes) noexcept {
    s.frees.fetch_add(1, std::memory_order_relaxed);
    s.bytes_outstanding.fetch_sub(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
}

void* allocate_nothrow(Site& s, std::size_t bytes) noexcept {
    // malloc(0) may return null; one byte keeps "null means failure" unambiguous.
    void* p = std::malloc(bytes == 0 ? 1 : bytes);
    if (p != nullptr) record_allocation(s, bytes);
    return p;
}

void* allocate(Site& s, std::size_t bytes) {
    void* p = allocate_nothrow(s, bytes);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

void release(Site& s, void* p, std::size_t bytes) noexcept {
    if (p == nullptr) return;
    std::free(p);
    record_free(s, bytes);
}

std::vector<SiteSnapshot> snapshot() {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    std::vector<SiteSnapshot> out;
    out.reserve(r.sites.size());
    for (const auto& [name, s] : r.sites) {
        out.push_back(
            {name, s->allocations.load(), s->frees.load(), s->bytes_allocated.load(), s->bytes_outstanding.load()});
    }
    return out;
}

void reset() noexcept {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    for (auto& [name, s] : r.sites) {
        s->allocations = 0;
        s->frees = 0;
        s->bytes_allocated = 0;
        s->bytes_outstanding = 0;
    }
}

}  // namespace bb::ledger
