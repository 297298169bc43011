// What one scrape batch (or stream) is configured with. Validation of user input happens at
// the boundary (the Python rules module src/bridgebench_rules/scrape.py for the Python API);
// `validate` is the C++ side of the same limits, for C ABI and C++ callers (a test keeps the
// two equal).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace bb::scrape {

inline constexpr const char* default_user_agent = "bridgebench-scrape/0.1";
inline constexpr std::size_t max_concurrency = 10'000;
inline constexpr long max_redirects_limit = 1'000;
inline constexpr std::uint64_t max_body_bytes_limit = INT64_MAX;

struct Options {
    std::size_t concurrency = 64;             // transfers in flight at once
    double timeout = 10.0;                    // seconds per URL, everything included (redirect hops too)
    double connect_timeout = 5.0;             // seconds to establish a connection
    std::size_t max_body_bytes = 10'485'760;  // body cap; beyond it: truncated + "body too large"
    bool follow_redirects = true;
    long max_redirects = 5;
    std::string user_agent = default_user_agent;  // tabs and printable ASCII (an HTTP header value)
    std::string ca_file;                          // PEM file of CAs to trust for https ("": the system's store)
    bool verify = true;                           // false: accept any certificate and host name (testing only)
};

// Returns "" when the options are usable, else "<field> <reason>".
std::string validate(const Options& options);

}  // namespace bb::scrape
