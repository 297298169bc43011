/* bridgebench C ABI: array round trips: owning result structs with one free function each.
 * 64-bit integers (no silent overflow), doubles, float32 on purpose (to show precision loss),
 * and UTF-8 strings with explicit lengths (embedded NUL survives).
 * Each result struct is one allocation with exactly one free function.
 */
#ifndef BRIDGEBENCH_ARRAYS_H
#define BRIDGEBENCH_ARRAYS_H

#include "bridgebench/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bb_int64_array {
    size_t count;
    int64_t* data;
} bb_int64_array;

typedef struct bb_double_array {
    size_t count;
    double* data;
} bb_double_array;

typedef struct bb_float32_array {
    size_t count;
    float* data;
} bb_float32_array;

/* String i is bytes[offsets[i], offsets[i + 1]); offsets has count + 1 entries. */
typedef struct bb_string_array {
    size_t count;
    uint64_t* offsets;
    char* bytes;
} bb_string_array;

/* Each copies `count` elements into a new array owned by the caller. `data` may be NULL only
 * when count is 0. Free the result with the free function of its type. */
bb_status bb_roundtrip_int64(const int64_t* data, size_t count, bb_int64_array** out);
bb_status bb_roundtrip_double(const double* data, size_t count, bb_double_array** out);
/* BB_ERR_OVERFLOW (with bb_last_error_index) for a finite value too large for float32. */
bb_status bb_roundtrip_float32(const double* data, size_t count, bb_float32_array** out);
/* Input in the same packed layout as bb_string_array: offsets has count + 1 entries starting
 * at 0 and never decreasing. Bytes are copied as they are (the caller encodes UTF-8). */
bb_status bb_roundtrip_strings(const uint64_t* offsets, const char* bytes, size_t count, bb_string_array** out);

void bb_free_int64_array(bb_int64_array* array);
void bb_free_double_array(bb_double_array* array);
void bb_free_float32_array(bb_float32_array* array);
void bb_free_string_array(bb_string_array* array);

#ifdef __cplusplus
}
#endif
#endif
