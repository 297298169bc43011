// The scraper core without a web server: URL parsing, error words, and a Session's
// bookkeeping (invalid URLs, refused connections, cancellation, cleanup).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "curl_errors.hpp"
#include "ledger.hpp"
#include "scrape.hpp"
#include "session.hpp"
#include "url.hpp"

namespace scrape = bb::scrape;

namespace {

bb::ledger::Site& test_site() {
    return bb::ledger::site("test.scrape");
}

std::int64_t outstanding() {
    for (const auto& s : bb::ledger::snapshot()) {
        if (s.name == "test.scrape") return s.bytes_outstanding;
    }
    return 0;
}

// A loopback socket that listens but never accepts: connections succeed (the kernel queues
// them), requests are never answered.
struct SilentServer {
    int fd = -1;
    int port = 0;
    SilentServer() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::listen(fd, 64);
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
    }
    ~SilentServer() { ::close(fd); }
    std::string url(const std::string& path = "/") const {
        // Appended piecewise: GCC 12's -Wrestrict misfires on chained operator+ at -O3.
        std::string out("http://127.0.0.1:");
        out.append(std::to_string(port));
        out.append(path);
        return out;
    }
};

}  // namespace

TEST(ScrapeUrl, HttpAndHttpsWithDefaultPorts) {
    auto a = scrape::parse_url("http://Example.COM/path?q=1");
    ASSERT_TRUE(a.ok()) << a.error;
    EXPECT_EQ(a.scheme, "http");
    EXPECT_EQ(a.host, "example.com");
    EXPECT_EQ(a.port, 80);
    auto b = scrape::parse_url("HTTPS://127.0.0.1:8443");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b.scheme, "https");
    EXPECT_EQ(b.port, 8443);
    EXPECT_EQ(b.normalized, "https://127.0.0.1:8443/");
}

TEST(ScrapeUrl, Ipv6LiteralKeepsBrackets) {
    auto u = scrape::parse_url("http://[::1]:8080/x");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u.host, "[::1]");
    EXPECT_EQ(u.port, 8080);
}

TEST(ScrapeUrl, UnsupportedSchemes) {
    for (const char* url : {"ftp://127.0.0.1/", "file:///etc/passwd", "mailto:a@b.c", "gopher://x/", "ws://x/"}) {
        EXPECT_EQ(scrape::parse_url(url).error, "unsupported scheme") << url;
    }
}

TEST(ScrapeUrl, InvalidUrls) {
    for (const char* url : {"", "nonsense", "http://", "http:///path", "http:/x/", "https:x", "://x", "http://x:99999/",
                            "http://a b/", "http://x/\n", "1http://x/"}) {
        EXPECT_EQ(scrape::parse_url(url).error, "invalid URL") << url;
    }
    EXPECT_EQ(scrape::parse_url(std::string_view("http://x/\0y", 11)).error, "invalid URL");
}

TEST(ScrapeErrors, CurlCodesBecomeShortWords) {
    EXPECT_EQ(scrape::error_message(CURLE_OK, false), "");
    EXPECT_EQ(scrape::error_message(CURLE_OPERATION_TIMEDOUT, false), "timeout");
    EXPECT_EQ(scrape::error_message(CURLE_COULDNT_CONNECT, false), "connection refused");
    EXPECT_EQ(scrape::error_message(CURLE_WRITE_ERROR, true), "body too large");
    EXPECT_NE(scrape::error_message(CURLE_WRITE_ERROR, false), "body too large");
    EXPECT_EQ(scrape::error_message(CURLE_PARTIAL_FILE, false), "incomplete body");
    EXPECT_EQ(scrape::error_message(CURLE_GOT_NOTHING, false), "empty reply");
    EXPECT_EQ(scrape::error_message(CURLE_TOO_MANY_REDIRECTS, false), "too many redirects");
    // A reply without a status line (HTTP/0.9): libcurl calls it an unsupported protocol, but
    // the URL's scheme was fine; the reply was not HTTP.
    EXPECT_EQ(scrape::error_message(CURLE_UNSUPPORTED_PROTOCOL, false), "invalid response");
}

TEST(ScrapeOptions, ValidateNamesTheField) {
    scrape::Options o;
    EXPECT_EQ(scrape::validate(o), "");
    o.concurrency = 0;
    EXPECT_NE(scrape::validate(o).find("concurrency"), std::string::npos);
    o = {};
    o.timeout = -1;
    EXPECT_NE(scrape::validate(o).find("timeout"), std::string::npos);
    o = {};
    o.user_agent = "a\r\nb";
    EXPECT_NE(scrape::validate(o).find("user_agent[1]"), std::string::npos);
    o.user_agent = "caf\xc3\xa9";  // non-ASCII: clients would send it differently
    EXPECT_NE(scrape::validate(o).find("user_agent[3]"), std::string::npos);
    o.user_agent = "tab\tand spaces ~";
    EXPECT_EQ(scrape::validate(o), "");
    o.concurrency = scrape::max_concurrency + 1;
    EXPECT_NE(scrape::validate(o).find("concurrency must be at most"), std::string::npos);
    o = {};
    o.max_redirects = scrape::max_redirects_limit + 1;
    EXPECT_NE(scrape::validate(o).find("max_redirects must be at most"), std::string::npos);
    o = {};
    o.user_agent = "a\nb";
    EXPECT_THROW(scrape::Session(o, test_site()), std::invalid_argument);
}

TEST(ScrapeBatch, RecordsInInputOrderWithoutANetwork) {
    {
        const std::vector<std::string> urls{"nonsense", "ftp://x/", "http://127.0.0.1:1/", "nonsense"};
        auto records = scrape::scrape_batch(urls, {}, test_site());
        ASSERT_EQ(records.size(), 4u);
        EXPECT_EQ(records[0].url, "nonsense");
        EXPECT_EQ(records[0].error, "invalid URL");
        EXPECT_EQ(records[1].error, "unsupported scheme");
        EXPECT_EQ(records[2].error, "connection refused");
        EXPECT_EQ(records[2].domain, "127.0.0.1");
        EXPECT_EQ(records[2].port, 1);
        EXPECT_EQ(records[2].protocol, "http");
        EXPECT_EQ(records[2].status, 0);
        EXPECT_EQ(records[3].error, "invalid URL");
        EXPECT_TRUE(scrape::scrape_batch({}, {}, test_site()).empty());
    }
    EXPECT_EQ(outstanding(), 0);
}

TEST(ScrapeBatch, TimeoutOnASilentServer) {
    SilentServer server;
    scrape::Options o;
    o.timeout = 0.2;
    auto records = scrape::scrape_batch({server.url()}, o, test_site());
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].error, "timeout");
    EXPECT_GE(records[0].elapsed, 0.15);
}

TEST(ScrapeSession, CancelStopsAtOnceAndFreesEverything) {
    SilentServer server;
    const auto start = std::chrono::steady_clock::now();
    {
        scrape::Session session({}, test_site());
        std::vector<scrape::Session::Request> requests;
        for (std::uint64_t i = 0; i < 100; ++i) requests.push_back({i, server.url()});
        session.submit(std::move(requests));
        session.close_input();
        std::vector<scrape::Completed> out;
        EXPECT_EQ(session.wait_for(out, std::chrono::milliseconds(100)), scrape::Session::State::timeout);
        session.cancel();
        EXPECT_EQ(session.wait_for(out, std::chrono::seconds(5)), scrape::Session::State::finished);
        EXPECT_TRUE(out.empty());
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));  // timeout is 10 s
    EXPECT_EQ(outstanding(), 0);
}

TEST(ScrapeSession, ExternalCancelFlagIsHonoured) {
    SilentServer server;
    volatile int flag = 0;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        flag = 1;
    });
    EXPECT_THROW(scrape::scrape_batch({server.url(), server.url()}, {}, test_site(), &flag), scrape::CancelledError);
    canceller.join();
    EXPECT_EQ(outstanding(), 0);
}

TEST(ScrapeSession, SubmitAfterCloseIsALogicError) {
    scrape::Session session({}, test_site());
    session.close_input();
    EXPECT_THROW(session.submit({{0, "nonsense"}}), std::logic_error);
}

// Regression: URLs answered without a transfer take no slot; the loop used to admit only
// `concurrency` of them and then sleep a full poll interval (1 s) before the next batch.
TEST(ScrapeSession, ManyUnfetchableUrlsDoNotStallTheLoop) {
    std::vector<std::string> urls(1000, "nonsense");
    scrape::Options o;
    o.concurrency = 4;
    const auto start = std::chrono::steady_clock::now();
    auto records = scrape::scrape_batch(urls, o, test_site());
    EXPECT_EQ(records.size(), 1000u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));  // was 250 s
}
