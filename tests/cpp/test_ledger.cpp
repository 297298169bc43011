#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "ledger.hpp"

namespace {

const bb::ledger::SiteSnapshot* find(const std::vector<bb::ledger::SiteSnapshot>& all, const std::string& name) {
    for (const auto& s : all) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

TEST(Ledger, CountsAllocateAndRelease) {
    auto& site = bb::ledger::site("test.ledger.counts");
    void* p = bb::ledger::allocate(site, 100);
    auto snap = bb::ledger::snapshot();
    const auto* s = find(snap, "test.ledger.counts");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->allocations, 1u);
    EXPECT_EQ(s->frees, 0u);
    EXPECT_EQ(s->bytes_outstanding, 100);
    bb::ledger::release(site, p, 100);
    snap = bb::ledger::snapshot();
    s = find(snap, "test.ledger.counts");
    EXPECT_EQ(s->frees, 1u);
    EXPECT_EQ(s->bytes_outstanding, 0);
    EXPECT_EQ(s->bytes_allocated, 100u);
}

TEST(Ledger, SameNameIsSameSite) {
    EXPECT_EQ(&bb::ledger::site("test.ledger.same"), &bb::ledger::site("test.ledger.same"));
    EXPECT_NE(&bb::ledger::site("test.ledger.same"), &bb::ledger::site("test.ledger.other"));
}

TEST(Ledger, AllocatorCountsVectorStorage) {
    auto& site = bb::ledger::site("test.ledger.vector");
    {
        bb::ledger::vector<int> v{bb::ledger::Allocator<int>(site)};
        for (int i = 0; i < 1000; ++i) v.push_back(i);
        const auto snap = bb::ledger::snapshot();
        EXPECT_GT(find(snap, "test.ledger.vector")->bytes_outstanding, 0);
    }
    const auto snap = bb::ledger::snapshot();
    const auto* s = find(snap, "test.ledger.vector");
    EXPECT_EQ(s->allocations, s->frees);
    EXPECT_EQ(s->bytes_outstanding, 0);
}

TEST(Ledger, ConcurrentUpdatesAreExact) {
    auto& site = bb::ledger::site("test.ledger.threads");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&site] {
            for (int i = 0; i < 10000; ++i) bb::ledger::release(site, bb::ledger::allocate(site, 8), 8);
        });
    }
    for (auto& t : threads) t.join();
    const auto snap = bb::ledger::snapshot();
    const auto* s = find(snap, "test.ledger.threads");
    EXPECT_EQ(s->allocations, 40000u);
    EXPECT_EQ(s->frees, 40000u);
    EXPECT_EQ(s->bytes_outstanding, 0);
}

TEST(Ledger, ReleaseOfNullIsNoop) {
    auto& site = bb::ledger::site("test.ledger.null");
    bb::ledger::release(site, nullptr, 10);
    const auto snap = bb::ledger::snapshot();
    EXPECT_EQ(find(snap, "test.ledger.null")->frees, 0u);
}

}  // namespace
