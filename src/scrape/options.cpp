#include "options.hpp"

#include <cmath>

namespace bb::scrape {

std::string validate(const Options& o) {
    if (o.concurrency < 1) return "concurrency must be at least 1";
    if (!std::isfinite(o.timeout) || o.timeout <= 0) return "timeout must be a finite number of seconds > 0";
    if (!std::isfinite(o.connect_timeout) || o.connect_timeout <= 0) {
        return "connect_timeout must be a finite number of seconds > 0";
    }
    if (o.max_redirects < 0) return "max_redirects must be at least 0";
    if (o.user_agent.find_first_of("\r\n", 0) != std::string::npos || o.user_agent.find('\0') != std::string::npos) {
        return "user_agent must not contain CR, LF or NUL";
    }
    if (o.ca_file.find('\0') != std::string::npos) return "ca_file must not contain NUL";
    return {};
}

}  // namespace bb::scrape
