#include "curl_global.hpp"

#include <curl/curl.h>

#include <mutex>
#include <stdexcept>

namespace bb::scrape {

void ensure_curl_global_init() {
    // Never paired with curl_global_cleanup: other code in the process (or a later batch)
    // may still use libcurl, and the OS reclaims the global state at exit.
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (result != CURLE_OK) throw std::runtime_error("curl_global_init failed");
}

}  // namespace bb::scrape
