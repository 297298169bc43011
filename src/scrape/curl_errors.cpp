#include "curl_errors.hpp"

#include <sys/socket.h>

#include <cerrno>

#include "record.hpp"

namespace bb::scrape {

extern "C" curl_socket_t open_socket_noting_errno(void* errno_out, curlsocktype, curl_sockaddr* address) {
    const curl_socket_t s = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (s == CURL_SOCKET_BAD) *static_cast<int*>(errno_out) = errno;
    return s;
}

std::string error_message(CURLcode code, bool body_overflowed, long os_errno) {
    if (code == CURLE_OK) return {};
    if (os_errno == EMFILE || os_errno == ENFILE) return std::string(errors::too_many_open_files);
    switch (code) {
        case CURLE_WRITE_ERROR:
            if (body_overflowed) return std::string(errors::body_too_large);
            break;
        case CURLE_OPERATION_TIMEDOUT:
            return std::string(errors::timeout);
        case CURLE_COULDNT_CONNECT:
            return std::string(errors::connection_refused);
        case CURLE_COULDNT_RESOLVE_HOST:
            return std::string(errors::could_not_resolve);
        case CURLE_TOO_MANY_REDIRECTS:
            return std::string(errors::too_many_redirects);
        case CURLE_PARTIAL_FILE:
            return std::string(errors::incomplete_body);
        case CURLE_GOT_NOTHING:
            return std::string(errors::empty_reply);
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
            return std::string(errors::connection_reset);
        case CURLE_URL_MALFORMAT:
            return std::string(errors::invalid_url);
        // Every URL's scheme (and every redirect target's) is checked before libcurl sees it,
        // so during a transfer this code means the reply itself: a server answering without
        // a status line (HTTP/0.9, which libcurl refuses as an unsupported protocol).
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_BAD_CONTENT_ENCODING:
            return std::string(errors::invalid_response);
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
            return std::string(errors::tls_error);
        default:
            break;
    }
    return curl_easy_strerror(code);
}

}  // namespace bb::scrape
