#include "record.hpp"

namespace bb::scrape {

void describe_url(Record& record, const ParsedUrl& parsed) {
    record.domain = parsed.host;
    record.port = parsed.port;
    record.protocol = parsed.ok() ? parsed.scheme : std::string();
}

Record unfetched_record(ledger::Site& site, std::string url, const ParsedUrl& parsed) {
    Record record(site);
    record.url = std::move(url);
    describe_url(record, parsed);
    record.error = parsed.ok() ? std::string(errors::invalid_url) : parsed.error;
    return record;
}

}  // namespace bb::scrape
