// A one-thread HTTP "proxy" on 127.0.0.1 for the scraper's fuzz target: libcurl sends every
// request to it (through the http_proxy/https_proxy environment variables, set before the
// first transfer), so no request leaves the machine and no host name is resolved, whatever
// URL the fuzzer writes. It answers every connection with the same bytes (the fuzzer's
// response for the current input) and closes it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace bb::fuzz {

class LoopbackProxy {
public:
    LoopbackProxy() {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof addr;
        if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listener_, 64) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length)) {
            std::abort();
        }
        port_ = ntohs(addr.sin_port);
        std::thread([this] { serve(); }).detach();  // lives as long as the fuzzing process
    }

    int port() const { return port_; }

    // Points libcurl at this proxy for every scheme the scraper fetches.
    void install_environment() const {
        const std::string url = "http://127.0.0.1:" + std::to_string(port_);
        for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
            ::setenv(name, url.c_str(), 1);
        }
        ::unsetenv("no_proxy");
        ::unsetenv("NO_PROXY");
    }

    void set_response(std::string response) {
        std::lock_guard lock(mutex_);
        response_ = std::move(response);
    }

private:
    std::string response() {
        std::lock_guard lock(mutex_);
        return response_;
    }

    // Reads what the client sends (until the end of its headers or a short pause), answers,
    // closes.
    void answer(int client) {
        char buffer[4096];
        std::string request;
        pollfd p{client, POLLIN, 0};
        while (request.find("\r\n\r\n") == std::string::npos && ::poll(&p, 1, 50) > 0) {
            const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            request.append(buffer, static_cast<std::size_t>(n));
        }
        const std::string reply = response();
        std::size_t sent = 0;
        while (sent < reply.size()) {
            const ssize_t n = ::send(client, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        ::shutdown(client, SHUT_RDWR);
        ::close(client);
    }

    void serve() {
        for (;;) {
            const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) answer(client);
        }
    }

    int listener_ = -1;
    int port_ = 0;
    std::mutex mutex_;
    std::string response_ = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
};

}  // namespace bb::fuzz
