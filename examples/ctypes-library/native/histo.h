/* Histogram of doubles: a plain C shared library used from Python with ctypes.
 *
 * Every result is an owning struct with exactly one free function; the caller frees it once,
 * after copying what it needs. Errors are status codes, never exceptions or exits. */
#ifndef HISTO_H
#define HISTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { HISTO_OK = 0, HISTO_BAD_ARGUMENT = 1, HISTO_NO_MEMORY = 2 } histo_status;

typedef struct {
    size_t bins;
    uint64_t* counts; /* bins entries */
    double* edges;    /* bins + 1 entries, from the smallest value to the largest */
} histo_result;

/* Counts `count` values into `bins` equal-width bins between their minimum and maximum (the
 * last bin includes the maximum). NaN values are rejected. On success *out owns a result that
 * histo_free releases. */
histo_status histo_compute(const double* values, size_t count, size_t bins, histo_result** out);

/* Releases a result of histo_compute; NULL is allowed. */
void histo_free(histo_result* result);

#ifdef __cplusplus
}
#endif

#endif
