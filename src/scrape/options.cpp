#include "options.hpp"

#include <cmath>

namespace bb::scrape {

namespace {

bool header_character_ok(char c) {
    return c == '\t' || (c >= ' ' && c <= '~');
}

}  // namespace

std::string validate(const Options& o) {
    if (o.concurrency < 1) return "concurrency must be at least 1";
    if (o.concurrency > max_concurrency) return "concurrency must be at most " + std::to_string(max_concurrency);
    if (!std::isfinite(o.timeout) || o.timeout <= 0) return "timeout must be a finite number of seconds > 0";
    if (!std::isfinite(o.connect_timeout) || o.connect_timeout <= 0) {
        return "connect_timeout must be a finite number of seconds > 0";
    }
    if (o.max_body_bytes > max_body_bytes_limit) {
        return "max_body_bytes must be at most " + std::to_string(max_body_bytes_limit);
    }
    if (o.max_redirects < 0) return "max_redirects must be at least 0";
    if (o.max_redirects > max_redirects_limit) {
        return "max_redirects must be at most " + std::to_string(max_redirects_limit);
    }
    for (std::size_t i = 0; i < o.user_agent.size(); ++i) {
        if (!header_character_ok(o.user_agent[i])) {
            return "user_agent[" + std::to_string(i) +
                   "] must be a printable ASCII character or tab (an HTTP header value)";
        }
    }
    if (o.ca_file.find('\0') != std::string::npos) return "ca_file must not contain NUL";
    return {};
}

}  // namespace bb::scrape
