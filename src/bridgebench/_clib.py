"""Loads libbridgebench.so (the C ABI) once and declares the functions every wrapper shares.

Each ``bridgebench.<workload>.capi`` module declares its own functions on the same handle.
"""

from __future__ import annotations

import ctypes
import functools
from pathlib import Path

LIBRARY_NAME = "libbridgebench.so"


class bb_ledger_site(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("allocations", ctypes.c_uint64),
        ("frees", ctypes.c_uint64),
        ("bytes_allocated", ctypes.c_uint64),
        ("bytes_outstanding", ctypes.c_int64),
    ]


# bb_status values (src/capi/include/bridgebench/common.h)
BB_OK = 0
BB_ERR_NO_MEMORY = 1
BB_ERR_INVALID_ARGUMENT = 2
BB_ERR_OVERFLOW = 3
BB_ERR_CANCELLED = 4
BB_ERR_INTERNAL = 5
SIZE_MAX = ctypes.c_size_t(-1).value


@functools.cache
def library() -> ctypes.CDLL:
    lib = ctypes.CDLL(str(Path(__file__).with_name(LIBRARY_NAME)))
    lib.bb_last_error.restype = ctypes.c_char_p
    lib.bb_last_error.argtypes = []
    lib.bb_last_error_index.restype = ctypes.c_size_t
    lib.bb_last_error_index.argtypes = []
    lib.bb_ledger_snapshot.restype = ctypes.c_size_t
    lib.bb_ledger_snapshot.argtypes = [ctypes.POINTER(bb_ledger_site), ctypes.c_size_t]
    lib.bb_ledger_reset.restype = None
    lib.bb_ledger_reset.argtypes = []
    lib.bb_canaries_compiled_in.restype = ctypes.c_int
    lib.bb_canaries_compiled_in.argtypes = []
    lib.bb_canary_set.restype = None
    lib.bb_canary_set.argtypes = [ctypes.c_char_p]
    return lib


def raise_for_status(status: int, function: str, argument: str = "values") -> None:
    """Turns a bb_status into the Python exception a caller of ``function`` expects."""
    if status == BB_OK:
        return
    lib = library()
    message = lib.bb_last_error().decode("utf-8", "replace")
    index = lib.bb_last_error_index()
    where = f"{argument}[{index}]" if index != SIZE_MAX else argument
    if status == BB_ERR_NO_MEMORY:
        raise MemoryError(f"{function}: {message}")
    if status == BB_ERR_OVERFLOW:
        raise OverflowError(f"{where}: {message}")
    if status == BB_ERR_INVALID_ARGUMENT:
        raise ValueError(f"{where}: {message}")
    if status == BB_ERR_CANCELLED:
        raise KeyboardInterrupt(f"{function}: {message}")
    raise RuntimeError(f"{function} failed ({status}): {message}")
