"""Histograms through a C shared library loaded with ctypes (``histo.histogram``) and its
pure-Python twin (``histo.pure.histogram``): same answers, same errors.

Each native result is an owning struct with one free function (``histo_free``); the wrapper
copies what it needs and frees the result in ``finally``, also when copying fails."""

from __future__ import annotations

import ctypes
import math
from collections.abc import Sequence
from pathlib import Path
from typing import SupportsFloat

from histo.pure import Histogram, check_bins


class _Result(ctypes.Structure):
    _fields_ = [
        ("bins", ctypes.c_size_t),
        ("counts", ctypes.POINTER(ctypes.c_uint64)),
        ("edges", ctypes.POINTER(ctypes.c_double)),
    ]


_lib = ctypes.CDLL(str(Path(__file__).with_name("libhisto.so")))
_lib.histo_compute.argtypes = [
    ctypes.POINTER(ctypes.c_double),
    ctypes.c_size_t,
    ctypes.c_size_t,
    ctypes.POINTER(ctypes.POINTER(_Result)),
]
_lib.histo_compute.restype = ctypes.c_int
_lib.histo_free.argtypes = [ctypes.POINTER(_Result)]
_lib.histo_free.restype = None
_OK, _BAD_ARGUMENT, _NO_MEMORY = 0, 1, 2


def _as_doubles(values: Sequence[SupportsFloat]) -> ctypes.Array[ctypes.c_double]:
    copied = (ctypes.c_double * len(values))()
    for i, value in enumerate(values):
        try:
            copied[i] = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"values[{i}] must be a number") from None
        if math.isnan(copied[i]):
            raise ValueError(f"values[{i}] is NaN")
    return copied


def histogram(values: Sequence[SupportsFloat], bins: int) -> Histogram:
    """Counts of ``values`` in ``bins`` equal-width bins between their minimum and maximum."""
    check_bins(bins)
    data = _as_doubles(list(values))
    result = ctypes.POINTER(_Result)()
    status = _lib.histo_compute(data, len(data), bins, ctypes.byref(result))
    if status == _NO_MEMORY:
        raise MemoryError("histo_compute: out of memory")
    if status != _OK:
        raise ValueError(f"histo_compute rejected its arguments (status {status})")
    try:
        native = result.contents
        return Histogram(counts=native.counts[: native.bins], edges=native.edges[: native.bins + 1])
    finally:
        _lib.histo_free(result)


__all__ = ["Histogram", "histogram"]
