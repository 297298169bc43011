#include "session.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <utility>

#include "canary.hpp"
#include "curl_errors.hpp"
#include "curl_global.hpp"
#include "url.hpp"

namespace bb::scrape {

namespace {

using Clock = std::chrono::steady_clock;

// See Session::wait_for: a collector that finds fewer than `linger_batch` records waits this
// long for more before taking them.
constexpr std::size_t linger_batch = 32;
constexpr std::chrono::microseconds linger{500};

// Longest time the loop sleeps in curl_multi_poll before looking at the external cancel
// flag (which cannot wake it). Our own cancel() wakes it at once.
constexpr int poll_slice_ms = 50;

bool is_redirect(long status) noexcept {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

long milliseconds(double seconds) noexcept {
    const double ms = std::ceil(seconds * 1000.0);
    return ms >= 2e9 ? 2'000'000'000L : static_cast<long>(ms);
}

// One URL being fetched, possibly across several redirect hops.
struct Transfer {
    Transfer(ledger::Site& site, std::uint64_t request_id) : id(request_id), record(site) {}
    std::uint64_t id;
    Record record;
    CURL* easy = nullptr;
    std::size_t slot = 0;  // index in Loop::active
    std::size_t max_body = 0;
    int redirects = 0;
    bool overflowed = false;    // the body cap stopped the transfer
    bool write_failed = false;  // out of memory while storing the body
    int socket_errno = 0;       // why opening a socket failed (see open_socket_noting_errno)
    Clock::time_point start{};
};

// libcurl write callback: appends to the body up to the cap. Returning less than it was
// given makes libcurl stop the transfer with CURLE_WRITE_ERROR. Never throws into C.
extern "C" std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    auto& body = t->record.body;
    try {
        if (body.empty()) {
            curl_off_t expected = -1;
            if (curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected) == CURLE_OK && expected > 0) {
                body.reserve(std::min(static_cast<std::size_t>(expected), t->max_body));
            }
        }
        const std::size_t room = t->max_body - body.size();
        if (bytes > room) {
            body.insert(body.end(), data, data + room);
            t->overflowed = true;
            t->record.truncated = true;
            return 0;
        }
        body.insert(body.end(), data, data + bytes);
        return bytes;
    } catch (...) {
        t->write_failed = true;
        return 0;
    }
}

std::string header_value(CURL* easy, const char* name) {
    struct curl_header* header = nullptr;
    if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK || header == nullptr) return {};
    return header->value != nullptr ? std::string(header->value) : std::string();
}

}  // namespace

// The event loop: everything libcurl, owned by the Session and used by the loop thread only
// (destroyed after it has been joined). curl_multi_wakeup is the one call other threads make
// on `multi`. A nested type, so it reads the Session's queues under the Session's mutex.
class Session::Loop {
public:
    explicit Loop(Session& session) : s_(session), options_(session.options_) {
        ensure_curl_global_init();
        multi_ = curl_multi_init();
        if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
        // Keep one idle connection per concurrent transfer: reuse instead of reconnecting.
        curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS,
                          static_cast<long>(std::min<std::size_t>(options_.concurrency, 100000)));
        curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    }
    ~Loop() {
        for (auto& t : active_) {
            curl_multi_remove_handle(multi_, t->easy);
            curl_easy_cleanup(t->easy);
        }
        for (CURL* easy : spare_) curl_easy_cleanup(easy);
        curl_multi_cleanup(multi_);
    }
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    void wakeup() noexcept { curl_multi_wakeup(multi_); }

    // Admit, transfer, hand over what finished, sleep until something happens; until the
    // input is closed and everything delivered, or the session is cancelled.
    void run() {
        while (!s_.cancelled()) {
            admit();
            int running = 0;
            curl_multi_perform(multi_, &running);
            if (collect_finished()) continue;  // slots freed: admit more before sleeping
            if (all_delivered()) return;
            sleep_until_activity();
        }
    }

private:
    // Starts queued requests until `concurrency` transfers are active or the queue is empty.
    // URLs answered without a transfer (invalid, unsupported) take no slot, so keep taking
    // until the slots are really full; otherwise the loop would sleep with work queued.
    void admit() {
        while (take_pending(free_slots())) {
            for (auto& request : admitted_) start(std::move(request));
        }
    }

    std::size_t free_slots() const noexcept {
        return options_.concurrency - std::min(options_.concurrency, active_.size());
    }

    // Moves up to `room` queued requests into `admitted_`; false when there were none.
    bool take_pending(std::size_t room) {
        admitted_.clear();
        if (room == 0) return false;
        std::lock_guard lock(s_.mutex_);
        while (!s_.pending_.empty() && admitted_.size() < room) {
            admitted_.push_back(std::move(s_.pending_.front()));
            s_.pending_.pop_front();
        }
        return !admitted_.empty();
    }

    void start(Request&& request) {
        const ParsedUrl parsed = parse_url(request.url);
        if (!parsed.ok()) {
            deliver(Completed{request.id, unfetched_record(s_.site_, std::move(request.url), parsed)});
            return;
        }
        auto t = std::make_unique<Transfer>(s_.site_, request.id);
        t->record.url = std::move(request.url);
        describe_url(t->record, parsed);
        t->max_body = options_.max_body_bytes;
        t->start = Clock::now();
        t->slot = active_.size();
        t->easy = take_easy();
        Transfer& ref = *t;
        active_.push_back(std::move(t));
        start_hop(ref, parsed.normalized);
    }

    // A handle from the spare pool (its options from the last transfer still set, see
    // configure) or a new, configured one.
    CURL* take_easy() {
        if (!spare_.empty()) {
            CURL* easy = spare_.back();
            spare_.pop_back();
            return easy;
        }
        CURL* easy = curl_easy_init();
        if (easy == nullptr) throw std::bad_alloc();
        configure(easy);
        // Canary: a second handle per transfer, never cleaned up (lost inside libcurl).
        if (bb::canary::enabled("curl_handle")) bb::canary::lose(curl_easy_init());
        return easy;
    }

    // The options every transfer of this session shares, set once per easy handle. Reused
    // handles keep them (no curl_easy_reset): start_hop overwrites everything that differs
    // between transfers, which saved ~15 setopt calls per page.
    void configure(CURL* easy) const {
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        // Redirects are followed by hand (finish_hop), so each hop's scheme is checked by us
        // and the hop count and final URL are exact; libcurl is told the same rule anyway.
        curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(options_.connect_timeout));
        curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
        curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &open_socket_noting_errno);
        // No proxy, whatever the environment says (as the baseline's ProxyHandler({})): the
        // records must not depend on http_proxy, and libcurl then skips reading the proxy
        // variables for every transfer (getenv showed in the profile).
        curl_easy_setopt(easy, CURLOPT_PROXY, "");
        if (!options_.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_file.c_str());
        if (!options_.verify) {
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
        }
    }

    void start_hop(Transfer& t, const std::string& url) {
        CURL* easy = t.easy;
        curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(easy, CURLOPT_PRIVATE, &t);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &t.socket_errno);
        t.socket_errno = 0;
        // `timeout` is the whole URL's deadline: each redirect hop gets what is left of it.
        const double left = options_.timeout - std::chrono::duration<double>(Clock::now() - t.start).count();
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, std::max(1L, milliseconds(left)));
        // Over TLS, prefer waiting for a multiplexed HTTP/2 stream to opening another
        // connection. Never for plain http: HTTP/2 is only negotiated over TLS here, and
        // PIPEWAIT would queue every transfer behind the first connection's response.
        curl_easy_setopt(easy, CURLOPT_PIPEWAIT, url.starts_with("https:") ? 1L : 0L);
        t.record.final_url = url;
        if (curl_multi_add_handle(multi_, easy) != CURLM_OK) throw std::runtime_error("curl_multi_add_handle failed");
    }

    // Hands every finished hop to finish_hop; true when any finished.
    bool collect_finished() {
        bool any = false;
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
            if (msg->msg != CURLMSG_DONE) continue;
            Transfer* t = nullptr;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
            const CURLcode code = msg->data.result;  // read before the handle is touched again
            finish_hop(*t, code);
            any = true;
        }
        return any;
    }

    // Decides what a finished hop means: follow a redirect (the transfer stays active) or
    // complete the record.
    void finish_hop(Transfer& t, CURLcode code) {
        read_response_headers(t);
        if (code == CURLE_OK && options_.follow_redirects && is_redirect(t.record.status)) {
            char* target = nullptr;
            curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_URL, &target);
            if (target != nullptr) {
                follow_redirect(t, target);
                return;
            }
        }
        complete(t, code);
    }

    void read_response_headers(Transfer& t) {
        Record& r = t.record;
        curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &r.status);
        char* content_type = nullptr;
        curl_easy_getinfo(t.easy, CURLINFO_CONTENT_TYPE, &content_type);
        r.content_type = content_type != nullptr ? content_type : "";
        r.server = header_value(t.easy, "Server");
    }

    // Starts the next hop, or ends the record when the hop limit or the target forbids it.
    void follow_redirect(Transfer& t, const char* target) {
        Record& r = t.record;
        if (t.redirects >= options_.max_redirects) {
            r.error = errors::too_many_redirects;
        } else if (const ParsedUrl next = parse_url(target); !next.ok()) {
            r.error = next.error;
        } else {
            curl_multi_remove_handle(multi_, t.easy);
            r.body.clear();
            r.truncated = false;
            ++t.redirects;
            start_hop(t, next.normalized);
            return;
        }
        r.body.clear();
        retire(t);
    }

    void complete(Transfer& t, CURLcode code) {
        Record& r = t.record;
        r.error = t.write_failed ? std::string("out of memory") : error_message(code, t.overflowed, t.socket_errno);
        // A body is kept when it is the answer (no error), the part under the cap, or what
        // arrived before the server cut the response; after other failures it means nothing.
        if (!r.error.empty() && !t.overflowed && code != CURLE_PARTIAL_FILE) {
            r.body.clear();
            r.body.shrink_to_fit();
        }
        retire(t);
    }

    // Removes the transfer from `active_` (swapping in the last entry), keeps its easy handle
    // for reuse and delivers its record.
    void retire(Transfer& t) {
        std::unique_ptr<Transfer> owned = std::move(active_[t.slot]);
        if (t.slot + 1 != active_.size()) {
            active_[t.slot] = std::move(active_.back());
            active_[t.slot]->slot = t.slot;
        }
        active_.pop_back();
        curl_multi_remove_handle(multi_, owned->easy);
        spare_.push_back(owned->easy);
        owned->easy = nullptr;
        owned->record.elapsed = std::chrono::duration<double>(Clock::now() - owned->start).count();
        deliver(Completed{owned->id, std::move(owned->record)});
    }

    void deliver(Completed completed) {
        std::lock_guard lock(s_.mutex_);
        // The collector takes everything queued when it wakes, so only the first record of
        // a batch needs to wake it: one futex call per batch instead of one per record.
        const bool was_empty = s_.done_.empty();
        s_.done_.push_back(std::move(completed));
        if (was_empty) s_.ready_.notify_one();
    }

    bool all_delivered() {
        std::lock_guard lock(s_.mutex_);
        return s_.input_closed_ && s_.pending_.empty() && active_.empty();
    }

    // Sleeps in curl_multi_poll until a socket is ready, a timer is due or someone calls
    // wakeup(); in slices when an external cancel flag (which cannot wake us) is watched.
    void sleep_until_activity() {
        const int wait_ms = s_.external_cancel_ != nullptr ? poll_slice_ms : 1000;
        curl_multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
    }

    Session& s_;
    const Options& options_;
    CURLM* multi_ = nullptr;
    std::vector<CURL*> spare_;  // easy handles kept for reuse
    std::vector<std::unique_ptr<Transfer>> active_;
    std::vector<Request> admitted_;  // scratch for admit(), kept to reuse its capacity
};

Session::Session(Options options, ledger::Site& site, const volatile int* external_cancel)
    : options_(std::move(options)), site_(site), external_cancel_(external_cancel) {
    if (const std::string problem = validate(options_); !problem.empty()) throw std::invalid_argument(problem);
    loop_ = std::make_unique<Loop>(*this);
    thread_ = std::thread([this] { run(); });
}

Session::~Session() {
    cancel();
    if (thread_.joinable()) thread_.join();
    loop_.reset();
}

void Session::submit(std::vector<Request> requests) {
    if (requests.empty()) return;
    {
        std::lock_guard lock(mutex_);
        if (input_closed_) throw std::logic_error("submit after close_input");
        for (auto& r : requests) pending_.push_back(std::move(r));
    }
    loop_->wakeup();
}

void Session::close_input() {
    {
        std::lock_guard lock(mutex_);
        input_closed_ = true;
    }
    loop_->wakeup();
}

void Session::cancel() noexcept {
    cancel_.store(true);
    if (loop_) loop_->wakeup();
}

bool Session::cancelled() const noexcept {
    return cancel_.load() || (external_cancel_ != nullptr && *external_cancel_ != 0);
}

std::string Session::failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
}

Session::State Session::wait_for(std::vector<Completed>& out, std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, wait, [&] { return !done_.empty() || finished_; });
    if (!finished_ && !done_.empty() && done_.size() < linger_batch) {
        // Records are trickling in: linger briefly so they are collected in batches. Waking
        // the collector (and contending for the mutex) once per record cost more than the
        // records themselves on the small-page benchmark.
        lock.unlock();
        std::this_thread::sleep_for(linger);
        lock.lock();
    }
    if (!done_.empty()) {
        out.reserve(out.size() + done_.size());
        for (auto& c : done_) out.push_back(std::move(c));
        done_.clear();
        return State::progress;
    }
    return finished_ ? State::finished : State::timeout;
}

void Session::run() noexcept {
    try {
        loop_->run();
    } catch (const std::exception& e) {
        std::lock_guard lock(mutex_);
        failure_ = e.what();
    } catch (...) {
        std::lock_guard lock(mutex_);
        failure_ = "unknown error in the scrape loop";
    }
    std::lock_guard lock(mutex_);
    finished_ = true;
    ready_.notify_all();
}

}  // namespace bb::scrape
