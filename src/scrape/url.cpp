#include "url.hpp"

#include <curl/curl.h>

#include <charconv>
#include <memory>

#include "curl_global.hpp"

namespace bb::scrape {

namespace {

struct UrlDeleter {
    void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
struct CurlStringDeleter {
    void operator()(char* s) const noexcept { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// Reads one part; "" when the URL does not have it.
std::string get_part(CURLU* url, CURLUPart part, unsigned int flags = 0) {
    char* raw = nullptr;
    if (curl_url_get(url, part, &raw, flags) != CURLUE_OK) return {};
    CurlString owned(raw);
    return std::string(raw);
}

std::string ascii_lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

// "scheme://" followed by an authority. libcurl is lenient here ("http:/x", "http:///x"
// both parse, with a host taken from the path); a list of sites should say what it means.
bool has_authority(std::string_view s) noexcept {
    const auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const std::string_view rest = s.substr(colon);
    return rest.size() > 3 && rest.substr(0, 3) == "://" && rest[3] != '/';
}

// The scheme as RFC 3986 spells it (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"),
// lower case, or "" when the text does not start with one.
std::string leading_scheme(std::string_view s) {
    const auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0) return {};
    std::string scheme;
    for (std::size_t i = 0; i < colon; ++i) {
        const char c = s[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
        if (!alpha && !(i > 0 && other)) return {};
        scheme += alpha && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return scheme;
}

bool has_space_or_control(std::string_view s) noexcept {
    for (unsigned char c : s) {
        if (c <= 0x20 || c == 0x7f) return true;
    }
    return false;
}

}  // namespace

bool is_fetchable_scheme(std::string_view scheme) noexcept {
    return scheme == "http" || scheme == "https";
}

ParsedUrl parse_url(std::string_view url) {
    ensure_curl_global_init();
    ParsedUrl out;
    // CURLU would accept some of these with flags; a URL with a NUL, a space or a control
    // character is a mistake in the input list, so it is refused outright.
    if (url.empty() || has_space_or_control(url)) {
        out.error = "invalid URL";
        return out;
    }
    // Judge the scheme first, so "mailto:x" is an unsupported scheme, not a bad http URL.
    if (const std::string scheme = leading_scheme(url); scheme.empty()) {
        out.error = "invalid URL";
        return out;
    } else if (!is_fetchable_scheme(scheme)) {
        out.error = "unsupported scheme";
        return out;
    }
    std::unique_ptr<CURLU, UrlDeleter> handle(curl_url());
    if (!handle) throw std::bad_alloc();
    const std::string text(url);
    // NON_SUPPORT_SCHEME: parse any scheme, so "ftp://x" reports "unsupported scheme" rather
    // than "invalid URL".
    const CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
    if (rc == CURLUE_OUT_OF_MEMORY) throw std::bad_alloc();
    if (rc != CURLUE_OK) {
        out.error = "invalid URL";
        return out;
    }
    out.scheme = ascii_lower(get_part(handle.get(), CURLUPART_SCHEME));
    if (!is_fetchable_scheme(out.scheme)) {
        out.error = "unsupported scheme";
        return out;
    }
    if (!has_authority(url)) {
        out.error = "invalid URL";
        return out;
    }
    out.host = ascii_lower(get_part(handle.get(), CURLUPART_HOST));
    if (out.host.empty()) {
        out.error = "invalid URL";
        return out;
    }
    const std::string port = get_part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    std::from_chars(port.data(), port.data() + port.size(), out.port);
    out.normalized = get_part(handle.get(), CURLUPART_URL);
    if (out.normalized.empty()) out.error = "invalid URL";
    return out;
}

}  // namespace bb::scrape
