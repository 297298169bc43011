/* bridgebench C ABI: the concurrent scraper (an array of site structs with
 * explicit lengths), done right: every string and the body carry their length (a body may
 * hold NUL bytes), every struct has one owner and one free path, and a failing URL is a
 * site with `error` set rather than a failed call.
 *
 * Ownership: bb_scrape hands out one bb_site_array. Free it with bb_free_site_array, which
 * also frees every site still in it. To keep one site beyond the array, detach it with
 * bb_site_array_take (its slot becomes NULL) and free it later with bb_free_site.
 */
#ifndef BRIDGEBENCH_SCRAPE_H
#define BRIDGEBENCH_SCRAPE_H

#include "bridgebench/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bb_scrape_options {
    size_t concurrency;       /* transfers in flight at once, >= 1 (default 64) */
    double timeout;           /* seconds per transfer (each redirect hop), > 0 (default 10) */
    double connect_timeout;   /* seconds, > 0 (default 5) */
    uint64_t max_body_bytes;  /* body cap (default 10 MiB); beyond it: truncated + "body too large" */
    int32_t follow_redirects; /* 0 or 1 (default 1) */
    int32_t max_redirects;    /* >= 0 (default 5) */
    const char* user_agent;   /* NUL-terminated, or NULL for the default */
    /* Optional: another thread sets *cancel to non-zero to stop the batch; bb_scrape then
     * returns BB_ERR_CANCELLED (within about 50 ms) with nothing handed out. */
    const volatile int32_t* cancel;
    const char* ca_file; /* NUL-terminated path of a PEM file of CAs to trust for https, or NULL
                          * for the system's store (default NULL) */
    int32_t verify;      /* 1: check the server's certificate and host name (default); 0: do not */
} bb_scrape_options;

typedef struct bb_site {
    const char* url;
    size_t url_len;
    const char* final_url;
    size_t final_url_len; /* "" when nothing was requested */
    const char* domain;
    size_t domain_len;
    int64_t port; /* explicit or scheme default; 0 if invalid */
    const char* protocol;
    size_t protocol_len; /* "http" / "https" / "" */
    int64_t status;      /* 0 when no response */
    const char* server;
    size_t server_len; /* "" when absent */
    const char* content_type;
    size_t content_type_len; /* "" when absent */
    const uint8_t* body;
    size_t body_len;
    int32_t truncated; /* 1 when the body stopped at the cap */
    double elapsed;    /* seconds */
    const char* error;
    size_t error_len; /* NULL when the fetch succeeded */
} bb_site;

typedef struct bb_site_array {
    size_t count;
    bb_site** sites; /* count entries, in input order; NULL once taken */
} bb_site_array;

/* Fills `options` with the defaults. */
void bb_scrape_options_init(bb_scrape_options* options);

/* Fetches urls[i] (url_lengths[i] bytes, UTF-8, no NUL needed) for i < count; `options`
 * may be NULL for the defaults. On BB_OK, *out is a new array owned by the caller (free it
 * with bb_free_site_array). On any error *out is NULL and nothing leaks. */
bb_status bb_scrape(const char* const* urls, const size_t* url_lengths, size_t count, const bb_scrape_options* options,
                    bb_site_array** out);

/* Detaches sites[index] (NULL if index is out of range or already taken): the caller owns
 * it now and frees it with bb_free_site. */
bb_site* bb_site_array_take(bb_site_array* array, size_t index);

void bb_free_site_array(bb_site_array* array); /* the array and every site still in it */
void bb_free_site(bb_site* site);              /* one taken site */

#ifdef __cplusplus
}
#endif
#endif
