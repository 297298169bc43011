// One scraped site: what every front end (pybind11, C ABI, CLI) hands to its caller.
// The body lives in ledger-counted memory, so a record that outlives its call shows up.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ledger.hpp"
#include "url.hpp"

namespace bb::scrape {

// The short error messages a record can carry. src/bridgebench_rules/scrape.py holds the same
// table for the Python side (the baseline uses it); a test compares the two.
namespace errors {
inline constexpr std::string_view invalid_url = "invalid URL";
inline constexpr std::string_view unsupported_scheme = "unsupported scheme";
inline constexpr std::string_view timeout = "timeout";
inline constexpr std::string_view connection_refused = "connection refused";
inline constexpr std::string_view could_not_resolve = "could not resolve host";
inline constexpr std::string_view too_many_redirects = "too many redirects";
inline constexpr std::string_view body_too_large = "body too large";
inline constexpr std::string_view incomplete_body = "incomplete body";
inline constexpr std::string_view empty_reply = "empty reply";
inline constexpr std::string_view connection_reset = "connection reset";
inline constexpr std::string_view invalid_response = "invalid response";
inline constexpr std::string_view tls_error = "TLS error";
inline constexpr std::string_view too_many_open_files = "too many open files";
inline constexpr std::string_view all[] = {
    invalid_url,         unsupported_scheme, timeout,     connection_refused, could_not_resolve, too_many_redirects,
    body_too_large,      incomplete_body,    empty_reply, connection_reset,   invalid_response,  tls_error,
    too_many_open_files,
};
}  // namespace errors

struct Record {
    explicit Record(ledger::Site& site) : body(ledger::Allocator<char>(site)) {}

    std::string url;           // as given
    std::string final_url;     // the last URL requested (after redirects); "" if none was
    std::string domain;        // host of `url`, lower case
    long port = 0;             // port of `url`, explicit or the scheme's default
    std::string protocol;      // scheme of `url`: "http" / "https" ("" when invalid)
    long status = 0;           // last HTTP status received, 0 when no response
    std::string server;        // Server header of the last response, "" when absent
    std::string content_type;  // Content-Type header of the last response, "" when absent
    ledger::vector<char> body;
    bool truncated = false;  // body stopped at max_body_bytes
    double elapsed = 0.0;    // seconds from start of the first request to the end
    std::string error;       // "" when the fetch succeeded (any HTTP status counts)

    bool ok() const noexcept { return error.empty(); }
    std::string_view body_view() const noexcept { return {body.data(), body.size()}; }
};

// A record for a URL that is never fetched (invalid URL, unsupported scheme).
Record unfetched_record(ledger::Site& site, std::string url, const ParsedUrl& parsed);

// Fills url/domain/port/protocol from a parse of `url`.
void describe_url(Record& record, const ParsedUrl& parsed);

}  // namespace bb::scrape
