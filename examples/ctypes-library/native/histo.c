/* See histo.h. With EXAMPLE_LEAK=1 in the environment when the library is loaded, histo_free
 * forgets the edges array (a free function that skips a field); nothing else changes. */
#include "histo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int leak_edges = -1;

static int should_leak(void) {
    if (leak_edges < 0) {
        const char* leak = getenv("EXAMPLE_LEAK");
        leak_edges = leak != NULL && strcmp(leak, "1") == 0;
    }
    return leak_edges;
}

static histo_result* new_result(size_t bins) {
    histo_result* result = calloc(1, sizeof *result);
    if (result == NULL) return NULL;
    result->bins = bins;
    result->counts = calloc(bins, sizeof *result->counts);
    result->edges = calloc(bins + 1, sizeof *result->edges);
    if (result->counts == NULL || result->edges == NULL) {
        free(result->counts);
        free(result->edges);
        free(result);
        return NULL;
    }
    return result;
}

static void fill(histo_result* result, const double* values, size_t count, double low, double high) {
    const double width = (high - low) / (double)result->bins;
    for (size_t b = 0; b <= result->bins; b++) result->edges[b] = low + width * (double)b;
    result->edges[result->bins] = high;
    for (size_t i = 0; i < count; i++) {
        size_t b = width > 0 ? (size_t)((values[i] - low) / width) : 0;
        if (b >= result->bins) b = result->bins - 1;
        result->counts[b]++;
    }
}

histo_status histo_compute(const double* values, size_t count, size_t bins, histo_result** out) {
    if (out == NULL) return HISTO_BAD_ARGUMENT;
    *out = NULL;
    if (bins == 0 || bins > 1000000 || (values == NULL && count != 0)) return HISTO_BAD_ARGUMENT;
    double low = count ? values[0] : 0.0, high = low;
    for (size_t i = 0; i < count; i++) {
        if (isnan(values[i])) return HISTO_BAD_ARGUMENT;
        if (values[i] < low) low = values[i];
        if (values[i] > high) high = values[i];
    }
    histo_result* result = new_result(bins);
    if (result == NULL) return HISTO_NO_MEMORY;
    fill(result, values, count, low, high);
    *out = result;
    return HISTO_OK;
}

void histo_free(histo_result* result) {
    if (result == NULL) return;
    free(result->counts);
    if (!should_leak()) free(result->edges);
    free(result);
}
