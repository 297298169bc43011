// libcurl's process-wide initialisation, done once before the first handle is made.
#pragma once

namespace bb::scrape {

// Thread-safe; throws std::runtime_error if libcurl cannot initialise.
void ensure_curl_global_init();

}  // namespace bb::scrape
