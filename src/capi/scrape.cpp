// extern "C" scraper: each site is one ledger block (struct + its strings and body packed
// behind it), the array is another (its pointer table); bb_free_site_array frees all of them.
#include "bridgebench/scrape.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "canary.hpp"
#include "errors.hpp"
#include "result_block.hpp"
#include "scrape.hpp"

namespace {

using bb::capi::Error;
namespace scrape = bb::scrape;

constexpr const char* site_name = "capi.bb_scrape";

bb::ledger::Site& ledger_site() {
    static bb::ledger::Site& s = bb::ledger::site(site_name);
    return s;
}

scrape::Options options_from(const bb_scrape_options* in) {
    scrape::Options o;
    if (in == nullptr) return o;
    o.concurrency = in->concurrency;
    o.timeout = in->timeout;
    o.connect_timeout = in->connect_timeout;
    if (in->max_body_bytes > SIZE_MAX) throw Error(BB_ERR_OVERFLOW, "max_body_bytes does not fit in size_t");
    o.max_body_bytes = static_cast<std::size_t>(in->max_body_bytes);
    if (in->follow_redirects != 0 && in->follow_redirects != 1) {
        throw Error(BB_ERR_INVALID_ARGUMENT, "follow_redirects must be 0 or 1");
    }
    o.follow_redirects = in->follow_redirects == 1;
    o.max_redirects = in->max_redirects;
    if (in->user_agent != nullptr) o.user_agent = in->user_agent;
    if (in->ca_file != nullptr) o.ca_file = in->ca_file;
    if (in->verify != 0 && in->verify != 1) throw Error(BB_ERR_INVALID_ARGUMENT, "verify must be 0 or 1");
    o.verify = in->verify == 1;
    if (const std::string problem = scrape::validate(o); !problem.empty())
        throw Error(BB_ERR_INVALID_ARGUMENT, problem);
    return o;
}

// Packs one record into a single block: the struct, then every string and the body.
bb_site* site_from(const scrape::Record& r) {
    const std::string_view body = r.body_view();
    const std::string_view texts[] = {r.url, r.final_url, r.domain, r.protocol, r.server, r.content_type, r.error};
    std::size_t payload = body.size();
    for (auto t : texts) payload += t.size() + 1;  // + NUL, for C callers who want one
    auto* s = bb::capi::new_result<bb_site>(ledger_site(), payload);
    char* cursor = static_cast<char*>(bb::capi::payload_of(s));
    auto place = [&cursor](std::string_view t, const char** ptr, std::size_t* len) {
        std::memcpy(cursor, t.data(), t.size());
        cursor[t.size()] = '\0';
        *ptr = cursor;
        *len = t.size();
        cursor += t.size() + 1;
    };
    place(r.url, &s->url, &s->url_len);
    place(r.final_url, &s->final_url, &s->final_url_len);
    place(r.domain, &s->domain, &s->domain_len);
    place(r.protocol, &s->protocol, &s->protocol_len);
    place(r.server, &s->server, &s->server_len);
    place(r.content_type, &s->content_type, &s->content_type_len);
    place(r.error, &s->error, &s->error_len);
    if (r.ok()) s->error = nullptr;
    if (!body.empty()) std::memcpy(cursor, body.data(), body.size());
    s->body = reinterpret_cast<const uint8_t*>(cursor);
    s->body_len = body.size();
    s->port = r.port;
    s->status = r.status;
    s->truncated = r.truncated ? 1 : 0;
    s->elapsed = r.elapsed;
    return s;
}

// Owns a partly built array until it is handed out, so an allocation failure half-way
// frees what was built.
struct ArrayGuard {
    bb_site_array* array = nullptr;
    ~ArrayGuard() { bb_free_site_array(array); }
};

}  // namespace

extern "C" {

void bb_scrape_options_init(bb_scrape_options* options) {
    if (options == nullptr) return;
    const scrape::Options d;
    *options = bb_scrape_options{d.concurrency,
                                 d.timeout,
                                 d.connect_timeout,
                                 d.max_body_bytes,
                                 d.follow_redirects ? 1 : 0,
                                 static_cast<int32_t>(d.max_redirects),
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 d.verify ? 1 : 0};
}

bb_status bb_scrape(const char* const* urls, const size_t* url_lengths, size_t count, const bb_scrape_options* options,
                    bb_site_array** out) {
    return bb::capi::guarded([&] {
        if (out == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "out is NULL");
        *out = nullptr;
        if (count != 0 && (urls == nullptr || url_lengths == nullptr)) {
            throw Error(BB_ERR_INVALID_ARGUMENT, "urls or url_lengths is NULL but count is not 0");
        }
        const scrape::Options o = options_from(options);
        std::vector<std::string> input;
        input.reserve(count);
        for (size_t i = 0; i < count; ++i) {
            if (urls[i] == nullptr && url_lengths[i] != 0) throw Error(BB_ERR_INVALID_ARGUMENT, "urls[i] is NULL", i);
            input.emplace_back(urls[i] == nullptr ? "" : urls[i], url_lengths[i]);
        }
        const volatile int* cancel = options != nullptr ? options->cancel : nullptr;
        bb::ledger::vector<scrape::Record> records{bb::ledger::Allocator<scrape::Record>(ledger_site())};
        try {
            records = scrape::scrape_batch(input, o, ledger_site(), cancel);
        } catch (const scrape::CancelledError&) {
            throw Error(BB_ERR_CANCELLED, "cancelled");
        }
        ArrayGuard guard;
        guard.array = bb::capi::new_result<bb_site_array>(ledger_site(), count * sizeof(bb_site*));
        guard.array->sites = static_cast<bb_site**>(bb::capi::payload_of(guard.array));
        for (size_t i = 0; i < count; ++i) {
            guard.array->sites[i] = site_from(records[i]);
            guard.array->count = i + 1;  // from here the guard frees it on failure
        }
        if (bb::canary::enabled("scrape_record")) bb::canary::plant_leak(site_name, 64);
        *out = guard.array;
        guard.array = nullptr;
        return BB_OK;
    });
}

bb_site* bb_site_array_take(bb_site_array* array, size_t index) {
    if (array == nullptr || index >= array->count) return nullptr;
    bb_site* site = array->sites[index];
    array->sites[index] = nullptr;
    return site;
}

void bb_free_site(bb_site* site) {
    bb::capi::free_result(site, "bb_free_site");
}

void bb_free_site_array(bb_site_array* array) {
    if (array == nullptr) return;
    for (size_t i = 0; i < array->count; ++i) bb::capi::free_result(array->sites[i], "bb_free_site_array");
    bb::capi::free_result(array, "bb_free_site_array");
}

}  // extern "C"
