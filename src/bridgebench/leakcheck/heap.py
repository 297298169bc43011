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
