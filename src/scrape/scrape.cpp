#include "scrape.hpp"

#include <optional>
#include <stdexcept>

namespace bb::scrape {

ledger::vector<Record> scrape_batch(const std::vector<std::string>& urls, const Options& options, ledger::Site& site,
                                    const volatile int* external_cancel) {
    ledger::vector<std::optional<Record>> slots(urls.size(), ledger::Allocator<std::optional<Record>>(site));
    {
        Session session(options, site, external_cancel);
        std::vector<Session::Request> requests;
        requests.reserve(urls.size());
        for (std::size_t i = 0; i < urls.size(); ++i) requests.push_back({i, urls[i]});
        session.submit(std::move(requests));
        session.close_input();
        std::vector<Completed> batch;
        std::size_t received = 0;
        while (received < urls.size()) {
            batch.clear();
            if (session.wait_for(batch, std::chrono::milliseconds(100)) == Session::State::finished && batch.empty()) {
                break;
            }
            for (auto& c : batch) {
                slots[c.id].emplace(std::move(c.record));
                ++received;
            }
        }
        if (session.cancelled()) throw CancelledError();
        if (received < urls.size()) throw std::runtime_error("scrape loop failed: " + session.failure());
    }
    ledger::vector<Record> out{ledger::Allocator<Record>(site)};
    out.reserve(urls.size());
    for (auto& slot : slots) out.push_back(std::move(*slot));
    return out;
}

}  // namespace bb::scrape
