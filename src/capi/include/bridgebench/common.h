/* bridgebench C ABI: what every exported function shares.
 *
 * Ownership rules (README.md, "Ownership across the boundary"):
 *  - Inputs are borrowed for the duration of the call; nothing keeps a pointer to them.
 *  - Every result a function hands out through an out-parameter is owned by the caller and
 *    has exactly one free function, named in the function's comment. Free functions accept
 *    NULL. On any error nothing is handed out (*out is set to NULL) and nothing leaks.
 *  - No C++ exception crosses this boundary: failures become a bb_status and a message that
 *    bb_last_error() returns (thread-local, valid until the next call on the same thread).
 */
#ifndef BRIDGEBENCH_COMMON_H
#define BRIDGEBENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Enums a caller passes in get int as their fixed underlying type in C++: the library reads
 * whatever int a C or ctypes caller passes (and refuses values outside the enum); without a
 * fixed type, reading a value outside the enum's range would be undefined behaviour. */
#ifdef __cplusplus
#define BB_ENUM_BASE : int
#else
#define BB_ENUM_BASE
#endif

typedef enum bb_status {
    BB_OK = 0,
    BB_ERR_NO_MEMORY = 1,
    BB_ERR_INVALID_ARGUMENT = 2, /* a NULL pointer where data was required, bad UTF-8, ... */
    BB_ERR_OVERFLOW = 3,         /* a value does not fit the target type */
    BB_ERR_CANCELLED = 4,
    BB_ERR_INTERNAL = 5
} bb_status;

/* The message for the last failed call on this thread ("" if none). */
const char* bb_last_error(void);
/* For errors tied to an element: its index (or SIZE_MAX when not element-specific). */
size_t bb_last_error_index(void);

/* ---- Allocation ledger ------------------------------------------------------------------ */
typedef struct bb_ledger_site {
    const char* name; /* valid until the next bb_ledger_snapshot call */
    uint64_t allocations;
    uint64_t frees;
    uint64_t bytes_allocated;
    int64_t bytes_outstanding;
} bb_ledger_site;

/* Copies up to `capacity` sites into `out` and returns how many sites exist. */
size_t bb_ledger_snapshot(bb_ledger_site* out, size_t capacity);
void bb_ledger_reset(void);

/* ---- Canaries (audit builds only) -------------------------------------------------------- */
/* 1 when this library was built with -Dcanaries=true. */
int bb_canaries_compiled_in(void);
/* Replaces the active canaries: comma-separated names, "all", or "" for none. */
void bb_canary_set(const char* names);

#ifdef __cplusplus
}
#endif
#endif
