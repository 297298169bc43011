// The scraper's C ABI without a web server: arguments, ownership and the free functions.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "bridgebench/scrape.h"
#include "ledger.hpp"

namespace {

std::int64_t outstanding() {
    for (const auto& s : bb::ledger::snapshot()) {
        if (s.name == "capi.bb_scrape") return s.bytes_outstanding;
    }
    return 0;
}

std::string text(const char* p, size_t n) {
    return std::string(p, n);
}

}  // namespace

TEST(CapiScrape, OptionsDefaults) {
    bb_scrape_options o;
    bb_scrape_options_init(&o);
    EXPECT_EQ(o.concurrency, 64u);
    EXPECT_EQ(o.max_body_bytes, 10485760u);
    EXPECT_EQ(o.follow_redirects, 1);
    EXPECT_EQ(o.user_agent, nullptr);
    EXPECT_EQ(o.cancel, nullptr);
}

TEST(CapiScrape, RecordsWithExplicitLengthsAndOneFree) {
    const char* urls[] = {"nonsense", "ftp://x/", "http://127.0.0.1:1/"};
    const size_t lengths[] = {8, 8, 19};
    bb_site_array* out = nullptr;
    ASSERT_EQ(bb_scrape(urls, lengths, 3, nullptr, &out), BB_OK) << bb_last_error();
    ASSERT_NE(out, nullptr);
    ASSERT_EQ(out->count, 3u);
    EXPECT_EQ(text(out->sites[0]->url, out->sites[0]->url_len), "nonsense");
    EXPECT_EQ(text(out->sites[0]->error, out->sites[0]->error_len), "invalid URL");
    EXPECT_EQ(text(out->sites[1]->error, out->sites[1]->error_len), "unsupported scheme");
    EXPECT_EQ(text(out->sites[2]->error, out->sites[2]->error_len), "connection refused");
    EXPECT_EQ(out->sites[2]->port, 1);
    EXPECT_EQ(out->sites[2]->status, 0);
    EXPECT_EQ(out->sites[2]->body_len, 0u);
    EXPECT_GT(outstanding(), 0);
    bb_free_site_array(out);
    EXPECT_EQ(outstanding(), 0);
}

TEST(CapiScrape, TakeOneSiteAndFreeItLater) {
    const char* urls[] = {"nonsense", "ftp://x/"};
    const size_t lengths[] = {8, 8};
    bb_site_array* out = nullptr;
    ASSERT_EQ(bb_scrape(urls, lengths, 2, nullptr, &out), BB_OK);
    bb_site* kept = bb_site_array_take(out, 1);
    ASSERT_NE(kept, nullptr);
    EXPECT_EQ(bb_site_array_take(out, 1), nullptr);  // already taken
    EXPECT_EQ(bb_site_array_take(out, 2), nullptr);  // out of range
    bb_free_site_array(out);
    EXPECT_GT(outstanding(), 0);
    EXPECT_EQ(text(kept->url, kept->url_len), "ftp://x/");
    bb_free_site(kept);
    EXPECT_EQ(outstanding(), 0);
}

TEST(CapiScrape, EmptyInputGivesAnEmptyArray) {
    bb_site_array* out = nullptr;
    ASSERT_EQ(bb_scrape(nullptr, nullptr, 0, nullptr, &out), BB_OK);
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(out->count, 0u);
    bb_free_site_array(out);
    bb_free_site_array(nullptr);
    bb_free_site(nullptr);
}

TEST(CapiScrape, BadArgumentsHandOutNothing) {
    bb_site_array* out = reinterpret_cast<bb_site_array*>(0x1);
    EXPECT_EQ(bb_scrape(nullptr, nullptr, 2, nullptr, &out), BB_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(out, nullptr);
    EXPECT_EQ(bb_scrape(nullptr, nullptr, 0, nullptr, nullptr), BB_ERR_INVALID_ARGUMENT);
    bb_scrape_options o;
    bb_scrape_options_init(&o);
    o.concurrency = 0;
    EXPECT_EQ(bb_scrape(nullptr, nullptr, 0, &o, &out), BB_ERR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(bb_last_error()).find("concurrency"), std::string::npos);
    bb_scrape_options_init(&o);
    o.timeout = -1;
    EXPECT_EQ(bb_scrape(nullptr, nullptr, 0, &o, &out), BB_ERR_INVALID_ARGUMENT);
    bb_scrape_options_init(&o);
    o.follow_redirects = 7;
    EXPECT_EQ(bb_scrape(nullptr, nullptr, 0, &o, &out), BB_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(out, nullptr);
    EXPECT_EQ(outstanding(), 0);
}

TEST(CapiScrape, CancelledCallReturnsCancelled) {
    volatile int32_t cancel = 1;  // cancelled before it starts
    bb_scrape_options o;
    bb_scrape_options_init(&o);
    o.cancel = &cancel;
    const char* urls[] = {"http://127.0.0.1:1/"};
    const size_t lengths[] = {19};
    bb_site_array* out = nullptr;
    EXPECT_EQ(bb_scrape(urls, lengths, 1, &o, &out), BB_ERR_CANCELLED);
    EXPECT_EQ(out, nullptr);
    EXPECT_EQ(outstanding(), 0);
}
