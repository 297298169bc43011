// libFuzzer target: bb_scrape_options_init, bb_scrape, bb_site_array_take, bb_free_site and
// bb_free_site_array, with any URL list, any options and any reply from the server. Nothing
// leaves the machine: every request goes to a loopback proxy (loopback_proxy.hpp) that sends
// the fuzzer's reply. Checked: options are accepted or refused as documented, one site per
// URL in input order, every string NUL-terminated with its length, bodies within the cap, and
// sites taken out of the array freed on their own.
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bridgebench/scrape.h"
#include "fuzz_support.hpp"
#include "loopback_proxy.hpp"

namespace {

bb::fuzz::LoopbackProxy& proxy() {
    static bb::fuzz::LoopbackProxy server;
    return server;
}

std::string url_of(FuzzedDataProvider& in) {
    static const char* const prefixes[] = {"http://", "https://", "HTTP://", "", "ftp://", "http:/", "http://[::1]:"};
    const char* prefix = prefixes[in.ConsumeIntegralInRange<std::size_t>(0, std::size(prefixes) - 1)];
    return prefix + in.ConsumeRandomLengthString(80);
}

// A reply: raw bytes, or a status line, headers and a body the fuzzer fills in.
std::string reply_of(FuzzedDataProvider& in) {
    if (in.ConsumeBool()) return in.ConsumeRandomLengthString(512);
    std::string reply = "HTTP/1." + std::to_string(in.ConsumeIntegralInRange<int>(0, 1)) + " " +
                        std::to_string(in.ConsumeIntegralInRange<int>(100, 999)) + " X\r\n";
    const int headers = in.ConsumeIntegralInRange<int>(0, 4);
    static const char* const names[] = {"Content-Length", "Content-Type", "Server", "Location", "Transfer-Encoding"};
    for (int i = 0; i < headers; ++i) {
        reply += names[in.ConsumeIntegralInRange<std::size_t>(0, std::size(names) - 1)];
        reply += ": " + in.ConsumeRandomLengthString(40) + "\r\n";
    }
    return reply + "\r\n" + in.ConsumeRandomLengthString(256);
}

// Options within bounds that keep one input short (timeouts under a second, few redirects),
// or outside what is valid to exercise the refusals.
struct Options {
    bb_scrape_options c{};
    std::string user_agent;
    int32_t cancel = 0;
    bool valid = true;
};

void fill_options(FuzzedDataProvider& in, Options& o) {
    bb_scrape_options_init(&o.c);
    o.c.concurrency = in.ConsumeIntegralInRange<size_t>(0, 8);
    o.c.timeout =
        in.ConsumeBool() ? in.ConsumeFloatingPointInRange<double>(0.001, 0.5) : in.ConsumeFloatingPoint<double>();
    o.c.connect_timeout = in.ConsumeBool() ? 0.5 : in.ConsumeFloatingPoint<double>();
    o.c.max_body_bytes =
        in.ConsumeBool() ? in.ConsumeIntegralInRange<uint64_t>(0, 300) : in.ConsumeIntegral<uint64_t>();
    o.c.follow_redirects = in.ConsumeBool() ? in.ConsumeIntegralInRange<int32_t>(0, 1) : in.ConsumeIntegral<int32_t>();
    o.c.max_redirects = in.ConsumeIntegralInRange<int32_t>(-2, 3);
    o.user_agent = in.ConsumeRandomLengthString(40);  // may hold CR, LF or NUL (refused)
    o.c.user_agent = in.ConsumeBool() ? nullptr : o.user_agent.c_str();
    o.cancel = in.ConsumeIntegralInRange<int32_t>(0, 20) == 0 ? 1 : 0;
    o.c.cancel = &o.cancel;
    const bool timeouts_ok =
        std::isfinite(o.c.timeout) && o.c.timeout > 0 && std::isfinite(o.c.connect_timeout) && o.c.connect_timeout > 0;
    // Beyond the bounds above a single input could wait for minutes; those values are still
    // refused or accepted, but not fetched with.
    const bool agent_ok =
        o.c.user_agent == nullptr || std::string_view(o.c.user_agent).find_first_of("\r\n") == std::string_view::npos;
    o.valid = o.c.concurrency >= 1 && timeouts_ok && (o.c.follow_redirects == 0 || o.c.follow_redirects == 1) &&
              o.c.max_redirects >= 0 && agent_ok;
}

bool quick(const bb_scrape_options& o) {
    return o.timeout <= 0.5 && o.connect_timeout <= 0.5;
}

void check_string(const char* text, size_t length) {
    BB_FUZZ_CHECK(text != nullptr && text[length] == '\0');
}

void check_site(const bb_site* s, const std::string& url, const bb_scrape_options& o) {
    BB_FUZZ_CHECK(s != nullptr);
    check_string(s->url, s->url_len);
    BB_FUZZ_CHECK(std::string_view(s->url, s->url_len) == url);
    check_string(s->final_url, s->final_url_len);
    check_string(s->domain, s->domain_len);
    check_string(s->protocol, s->protocol_len);
    check_string(s->server, s->server_len);
    check_string(s->content_type, s->content_type_len);
    if (s->error != nullptr) check_string(s->error, s->error_len);
    BB_FUZZ_CHECK(s->body != nullptr || s->body_len == 0);
    BB_FUZZ_CHECK(s->body_len <= o.max_body_bytes);
    BB_FUZZ_CHECK(s->elapsed >= 0.0);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    proxy().install_environment();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    bb::fuzz::LedgerBalance balance;
    Options o;
    fill_options(in, o);
    if (!quick(o.c) && o.valid) return 0;
    std::vector<std::string> urls(in.ConsumeIntegralInRange<size_t>(0, 4));
    for (auto& url : urls) url = url_of(in);
    proxy().set_response(reply_of(in));
    std::vector<const char*> pointers;
    std::vector<size_t> lengths;
    for (const auto& url : urls) {
        pointers.push_back(url.data());
        lengths.push_back(url.size());
    }
    bb_site_array* out = nullptr;
    const bb_status status = bb_scrape(pointers.data(), lengths.data(), urls.size(), &o.c, &out);
    if (!o.valid) {
        BB_FUZZ_CHECK(status == BB_ERR_INVALID_ARGUMENT && out == nullptr);
        return 0;
    }
    if (o.cancel != 0 && status == BB_ERR_CANCELLED) {
        BB_FUZZ_CHECK(out == nullptr);
        return 0;
    }
    BB_FUZZ_CHECK(status == BB_OK && out != nullptr && out->count == urls.size());
    for (size_t i = 0; i < urls.size(); ++i) check_site(out->sites[i], urls[i], o.c);
    // Take some sites out and free them on their own; the array frees the rest.
    for (size_t i = 0; i < urls.size(); ++i) {
        if (!in.ConsumeBool()) continue;
        bb_site* taken = bb_site_array_take(out, i);
        BB_FUZZ_CHECK(taken != nullptr && bb_site_array_take(out, i) == nullptr);
        bb_free_site(taken);
    }
    BB_FUZZ_CHECK(bb_site_array_take(out, urls.size()) == nullptr);
    bb_free_site_array(out);
    bb_free_site_array(nullptr);
    bb_free_site(nullptr);
    return 0;
}
