// libcurl result codes -> the short error words of a record.
#pragma once

#include <curl/curl.h>

#include <string>

namespace bb::scrape {

// `body_overflowed`: the write callback refused data beyond max_body_bytes, which libcurl
// reports as CURLE_WRITE_ERROR.
std::string error_message(CURLcode code, bool body_overflowed);

}  // namespace bb::scrape
