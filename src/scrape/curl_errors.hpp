// libcurl result codes -> the short error words of a record.
#pragma once

#include <curl/curl.h>

#include <string>

namespace bb::scrape {

// `body_overflowed`: the write callback refused data beyond max_body_bytes, which libcurl
// reports as CURLE_WRITE_ERROR. `os_errno`: the errno libcurl saw when a socket call failed
// (CURLINFO_OS_ERRNO, 0 when none): out of file descriptors is said as such, not as the
// "could not connect" libcurl reports for it.
std::string error_message(CURLcode code, bool body_overflowed, long os_errno = 0);

// CURLOPT_OPENSOCKETFUNCTION that opens the socket as libcurl would and, when that fails, stores
// errno in the int that CURLOPT_OPENSOCKETDATA points to: libcurl reports a failed socket() as
// CURLE_COULDNT_CONNECT and keeps no errno for it, so without this an exhausted descriptor
// table would read "connection refused".
extern "C" curl_socket_t open_socket_noting_errno(void* errno_out, curlsocktype purpose, curl_sockaddr* address);

}  // namespace bb::scrape
