// What one scrape batch (or stream) is configured with. Validation of user input happens at
// the boundary (bindings, C ABI); `validate` is the last line of defence for C++ callers.
#pragma once

#include <cstddef>
#include <string>

namespace bb::scrape {

inline constexpr const char* default_user_agent = "bridgebench-scrape/0.1";

struct Options {
    std::size_t concurrency = 64;             // transfers in flight at once
    double timeout = 10.0;                    // seconds per transfer (each redirect hop)
    double connect_timeout = 5.0;             // seconds to establish a connection
    std::size_t max_body_bytes = 10'485'760;  // body cap; beyond it: truncated + "body too large"
    bool follow_redirects = true;
    long max_redirects = 5;
    std::string user_agent = default_user_agent;
    std::string ca_file;  // PEM file of CAs to trust for https ("": the system's store)
    bool verify = true;   // false: accept any certificate and host name (testing only)
};

// Returns "" when the options are usable, else "<field> <reason>".
std::string validate(const Options& options);

}  // namespace bb::scrape
