"""Array round trips through the C ABI (libbridgebench.so) with ctypes: the plain-ctypes way of
crossing the boundary, with its defects fixed (64-bit ints, explicit string lengths, and every
result struct freed exactly once, in ``finally``, after it has been read).

Same functions, answers and errors as ``bridgebench.arrays``: which items are accepted and the
messages are the workload's shared rules (``bridgebench_rules.arrays``). The items are taken
once (a snapshot) before anything is converted, so an item's ``__float__`` that changes the
caller's list cannot change what crosses the boundary.
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import itertools
from collections.abc import Iterable
from typing import Any

from bridgebench import _clib
from bridgebench_rules import arrays as rules


class bb_int64_array(ctypes.Structure):
    _fields_ = [("count", ctypes.c_size_t), ("data", ctypes.POINTER(ctypes.c_int64))]


class bb_double_array(ctypes.Structure):
    _fields_ = [("count", ctypes.c_size_t), ("data", ctypes.POINTER(ctypes.c_double))]


class bb_float32_array(ctypes.Structure):
    _fields_ = [("count", ctypes.c_size_t), ("data", ctypes.POINTER(ctypes.c_float))]


class bb_string_array(ctypes.Structure):
    _fields_ = [
        ("count", ctypes.c_size_t),
        ("offsets", ctypes.POINTER(ctypes.c_uint64)),
        ("bytes", ctypes.c_void_p),
    ]


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    for name, result in [
        ("int64", bb_int64_array),
        ("double", bb_double_array),
        ("float32", bb_float32_array),
    ]:
        fn = getattr(lib, f"bb_roundtrip_{name}")
        fn.restype = ctypes.c_int
        fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.POINTER(result))]
        free = getattr(lib, f"bb_free_{name}_array")
        free.restype = None
        free.argtypes = [ctypes.POINTER(result)]
    lib.bb_roundtrip_strings.restype = ctypes.c_int
    lib.bb_roundtrip_strings.argtypes = [
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.POINTER(ctypes.POINTER(bb_string_array)),
    ]
    lib.bb_free_string_array.restype = None
    lib.bb_free_string_array.argtypes = [ctypes.POINTER(bb_string_array)]
    return lib


_lib = _declare(_clib.library())


def _all_plain(items: tuple, plain: frozenset) -> bool:
    return set(map(type, items)) <= plain


def _native_ints(items: tuple) -> array.array:
    if _all_plain(items, rules.PLAIN_INT_TYPES):
        # array('q') checks and packs plain ints at C speed; an int beyond int64 falls through
        # to the item-by-item checks, which name the first one.
        with contextlib.suppress(OverflowError):
            return array.array("q", items)
    return array.array("q", [rules.int64_item(v, i) for i, v in enumerate(items)])


def _native_doubles(items: tuple, item: Any = rules.double_item) -> array.array:
    if _all_plain(items, rules.PLAIN_DOUBLE_TYPES):
        with contextlib.suppress(OverflowError):
            return array.array("d", items)
    # Anything else is converted once, in order, by the rules (an item's __float__ runs once).
    return array.array("d", [item(v, i) for i, v in enumerate(items)])


def _address(buffer: array.array) -> int:
    return buffer.buffer_info()[0]


_RESULT_TYPES = {"int64": bb_int64_array, "double": bb_double_array, "float32": bb_float32_array}


def _roundtrip_numeric(kind: str, items: tuple, data: array.array, function: str) -> list:
    """Calls bb_roundtrip_<kind> on `data` (converted from `items`), reads the result struct and
    frees it in finally."""
    out = ctypes.POINTER(_RESULT_TYPES[kind])()
    free = getattr(_lib, f"bb_free_{kind}_array")
    # The call is inside the try: an exception (Ctrl-C) arriving as it returns must not lose the
    # result. bb_free_* takes NULL, which is what `out` holds when the call failed. The free
    # function is looked up before: Python delivers Ctrl-C after a call returns, so the finally
    # block must make no call (getattr included) before the free.
    try:
        status = getattr(_lib, f"bb_roundtrip_{kind}")(_address(data), len(data), ctypes.byref(out))
        if status == _clib.BB_ERR_OVERFLOW:
            # Only float32 overflows here, and every item converted: this is the first bad one.
            index = _lib.bb_last_error_index()
            raise rules.float32_too_large(items[index], index)
        _clib.raise_for_status(status, function)
        result = out.contents
        return result.data[: result.count]
    finally:
        free(out)


def roundtrip_ints(values: Iterable[int]) -> list[int]:
    items = rules.snapshot(values)
    return _roundtrip_numeric("int64", items, _native_ints(items), "roundtrip_ints")


def roundtrip_floats(values: Iterable[float]) -> list[float]:
    items = rules.snapshot(values)
    return _roundtrip_numeric("double", items, _native_doubles(items), "roundtrip_floats")


def roundtrip_float32(values: Iterable[float]) -> list[float]:
    items = rules.snapshot(values)
    # Plain items that overflow float32 are found by the C ABI (first index); any other item
    # is checked in order here, so an overflow before a bad type is reported first.
    return _roundtrip_numeric("float32", items, _native_doubles(items, rules.float32_item), "roundtrip_float32")


def roundtrip_strings(values: Iterable[str]) -> list[str]:
    encoded = [rules.utf8_item(s, i) for i, s in enumerate(rules.snapshot(values))]
    offsets = array.array("Q", [0])
    offsets.extend(itertools.accumulate(map(len, encoded)))
    blob = b"".join(encoded)
    out = ctypes.POINTER(bb_string_array)()
    try:  # as in _roundtrip_numeric: the call inside, a NULL result is a no-op to free
        status = _lib.bb_roundtrip_strings(_address(offsets), blob, len(encoded), ctypes.byref(out))
        _clib.raise_for_status(status, "roundtrip_strings")
        result = out.contents
        count = result.count
        bounds = result.offsets[: count + 1]
        data = ctypes.string_at(result.bytes, bounds[count]) if count else b""
        return [data[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(count)]
    finally:
        _lib.bb_free_string_array(out)


__all__ = ["roundtrip_ints", "roundtrip_floats", "roundtrip_float32", "roundtrip_strings"]
