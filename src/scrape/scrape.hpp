// The batch call: every URL fetched through one Session, one record per URL, in input order.
// Front ends that need to stay responsive while waiting (Python signals) drive a Session
// themselves; this is the plain C++ (and C ABI) entry point.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ledger.hpp"
#include "options.hpp"
#include "record.hpp"
#include "session.hpp"

namespace bb::scrape {

struct CancelledError : std::runtime_error {
    CancelledError() : std::runtime_error("scrape cancelled") {}
};

// Throws CancelledError when `external_cancel` becomes non-zero before the batch is done,
// std::invalid_argument for unusable options; either way everything is freed first.
ledger::vector<Record> scrape_batch(const std::vector<std::string>& urls, const Options& options, ledger::Site& site,
                                    const volatile int* external_cancel = nullptr);

}  // namespace bb::scrape
