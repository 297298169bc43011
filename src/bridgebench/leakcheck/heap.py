"""Native heap in use, for the growth layer.

On glibc, ``mallinfo2()`` (through ctypes): ``uordblks`` (bytes in use in the malloc arenas) +
``hblkhd`` (bytes in mmapped chunks). Python objects live in pymalloc arenas that CPython maps
itself, so this counts the native heap, not the interpreter's object churn. Elsewhere, resident
set size (much coarser; the growth threshold then only catches big leaks).
"""

from __future__ import annotations

import ctypes
import functools
import os

# glibc's per-thread cache (tcache) keeps freed small chunks, and mallinfo2 counts them as in
# use: a vector reallocated from 512 B to 1 KiB, served from a cached chunk, moves the figure by
# nothing, and chunks freed by a collection show as growth. A process measured by the growth
# layer runs with the cache off, so the figure is what is allocated and not yet freed.
EXACT_HEAP_TUNABLE = "glibc.malloc.tcache_count=0"


def exact_heap_env(environ: dict[str, str]) -> dict[str, str]:
    """The GLIBC_TUNABLES a measured process needs (EXACT_HEAP_TUNABLE added to the caller's)."""
    tunables = [t for t in environ.get("GLIBC_TUNABLES", "").split(":") if t]
    return {"GLIBC_TUNABLES": ":".join([*tunables, EXACT_HEAP_TUNABLE])}


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


@functools.cache
def _mallinfo2():
    try:
        fn = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return None
    fn.restype = _Mallinfo2
    fn.argtypes = []
    return fn


def metric() -> str:
    return "mallinfo2" if _mallinfo2() is not None else "rss"


def in_use() -> int:
    """Bytes of native heap in use now."""
    fn = _mallinfo2()
    if fn is not None:
        info = fn()
        return int(info.uordblks + info.hblkhd)
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
