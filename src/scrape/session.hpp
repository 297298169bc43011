// A scrape session: one libcurl multi handle driven by one event-loop thread.
//
// The caller submits (id, URL) pairs, closes the input when it has no more, and collects
// completed records (in completion order) with `wait_for`. At most `concurrency` transfers
// are in flight; the rest wait in a queue, so a caller that wants bounded memory bounds
// submitted-minus-collected itself (scrape_iter does). Connections are reused across the
// session's transfers (libcurl's connection cache lives in the multi handle), and HTTP/2 is
// negotiated over TLS when the server offers it, multiplexing transfers on one connection.
//
// Cancellation: `cancel()` (any thread) sets a flag and wakes the loop; the destructor
// cancels, joins the thread and frees every handle and every record not yet collected.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger.hpp"
#include "options.hpp"
#include "record.hpp"

namespace bb::scrape {

struct Completed {
    std::uint64_t id;
    Record record;
};

class Session {
public:
    // Starts the loop thread. `site` counts the record bodies. `external_cancel`, when not
    // null, is polled (at least every 50 ms) as a second cancel flag: the C ABI's way in.
    Session(Options options, ledger::Site& site, const volatile int* external_cancel = nullptr);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    struct Request {
        std::uint64_t id;
        std::string url;
    };
    // Queues requests (one wake-up of the loop per call, so submit in chunks).
    void submit(std::vector<Request> requests);
    // No more submissions; the session finishes once everything queued is delivered.
    void close_input();
    void cancel() noexcept;

    enum class State { progress, timeout, finished };
    // Moves every completed record into `out` (appending); waits up to `wait` for the first.
    // `finished`: input closed and everything delivered, or cancelled; nothing more will come.
    State wait_for(std::vector<Completed>& out, std::chrono::milliseconds wait);

    bool cancelled() const noexcept;
    // Why the loop stopped early ("" unless it failed, e.g. out of memory).
    std::string failure() const;
    ledger::Site& site() const noexcept { return site_; }

private:
    class Loop;  // the event loop (session.cpp): libcurl's handles and the transfers in flight
    void run() noexcept;

    const Options options_;
    ledger::Site& site_;
    const volatile int* external_cancel_;

    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Request> pending_;  // guarded by mutex_
    std::deque<Completed> done_;   // guarded by mutex_
    bool input_closed_ = false;    // guarded by mutex_
    bool finished_ = false;        // guarded by mutex_
    std::string failure_;          // guarded by mutex_
    std::atomic<bool> cancel_{false};

    std::unique_ptr<Loop> loop_;  // multi handle and transfers; touched by the loop thread only
    std::thread thread_;
};

}  // namespace bb::scrape
