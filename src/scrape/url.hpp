// URL parsing with libcurl's URL API (CURLU): the same parser that will fetch the URL decides
// whether it is valid, so "invalid URL" never disagrees with what the fetch would do.
#pragma once

#include <string>
#include <string_view>

namespace bb::scrape {

struct ParsedUrl {
    std::string error;       // "" when usable; else "invalid URL" or "unsupported scheme"
    std::string normalized;  // curl's normalised form, what is requested
    std::string scheme;      // lower case ("http" / "https" when usable)
    std::string host;        // lower case; IPv6 literals keep their brackets
    long port = 0;           // explicit, or the scheme's default

    bool ok() const noexcept { return error.empty(); }
};

// Parses an absolute URL. Only http and https are usable; anything else is
// "unsupported scheme" when it parses, "invalid URL" when it does not.
ParsedUrl parse_url(std::string_view url);

// True for the schemes we fetch.
bool is_fetchable_scheme(std::string_view scheme) noexcept;

}  // namespace bb::scrape
