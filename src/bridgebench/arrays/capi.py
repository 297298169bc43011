"""Array round trips through the C ABI (libbridgebench.so) with ctypes: the plain-ctypes way of
crossing the boundary, with its defects fixed (64-bit ints, explicit string lengths, and every
result struct freed exactly once, in ``finally``, after it has been read).

Same functions and answers as ``bridgebench.arrays``.
"""

from __future__ import annotations

import array
import ctypes
import itertools
from collections.abc import Sequence

from bridgebench import _clib


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


def _as_list(values: Sequence, argument: str = "values") -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{argument} must be a list or other sequence, not {type(values).__name__}")
    return values if isinstance(values, list) else list(values)


def _check_int_items(values: list) -> None:
    """Finds the first item that array('q') would reject or silently accept (bool)."""
    for i, v in enumerate(values):
        if type(v) is bool or not isinstance(v, int):
            raise TypeError(f"values[{i}] must be int, not {type(v).__name__}")
        if not -(2**63) <= v < 2**63:
            raise OverflowError(f"values[{i}] = {v!r} does not fit in int64")


def _check_float_items(values: list) -> None:
    for i, v in enumerate(values):
        if type(v) is bool or not isinstance(v, (int, float)):
            raise TypeError(f"values[{i}] must be float or int, not {type(v).__name__}")
        try:
            float(v)
        except OverflowError:
            raise OverflowError(f"values[{i}] = {v!r} is too large for a double") from None


def _native_ints(values: Sequence) -> array.array:
    values = _as_list(values)
    # array('q') validates and packs at C speed; bool would slip through it, so look for it.
    if bool in set(map(type, values)):
        _check_int_items(values)
    try:
        return array.array("q", values)
    except (TypeError, OverflowError):
        _check_int_items(values)
        raise


def _native_doubles(values: Sequence) -> array.array:
    values = _as_list(values)
    kinds = set(map(type, values))
    if not kinds <= {float, int}:
        _check_float_items(values)
    try:
        return array.array("d", values)
    except (TypeError, OverflowError):
        _check_float_items(values)
        raise


def _address(buffer: array.array) -> int:
    return buffer.buffer_info()[0]


_RESULT_TYPES = {"int64": bb_int64_array, "double": bb_double_array, "float32": bb_float32_array}
_LIMITS = {"float32": "float32 (max 3.4028234663852886e+38)"}


def _roundtrip_numeric(kind: str, data: array.array, function: str) -> list:
    """Calls bb_roundtrip_<kind> on `data`, reads the result struct and frees it in finally."""
    out = ctypes.POINTER(_RESULT_TYPES[kind])()
    status = getattr(_lib, f"bb_roundtrip_{kind}")(_address(data), len(data), ctypes.byref(out))
    if status == _clib.BB_ERR_OVERFLOW:
        index = _lib.bb_last_error_index()
        raise OverflowError(f"values[{index}] = {data[index]!r} is too large for {_LIMITS.get(kind, kind)}")
    _clib.raise_for_status(status, function)
    try:
        result = out.contents
        return result.data[: result.count]
    finally:
        getattr(_lib, f"bb_free_{kind}_array")(out)


def roundtrip_ints(values: Sequence[int]) -> list[int]:
    return _roundtrip_numeric("int64", _native_ints(values), "roundtrip_ints")


def roundtrip_floats(values: Sequence[float]) -> list[float]:
    return _roundtrip_numeric("double", _native_doubles(values), "roundtrip_floats")


def roundtrip_float32(values: Sequence[float]) -> list[float]:
    return _roundtrip_numeric("float32", _native_doubles(values), "roundtrip_float32")


def _encode_all(values: list) -> list[bytes]:
    encoded = []
    for i, s in enumerate(values):
        if not isinstance(s, str):
            raise TypeError(f"values[{i}] must be str, not {type(s).__name__}")
        try:
            encoded.append(s.encode("utf-8"))
        except UnicodeEncodeError as e:
            raise UnicodeEncodeError(
                "utf-8", s, e.start, e.end, f"values[{i}] cannot be encoded as UTF-8 (lone surrogate)"
            ) from None
    return encoded


def roundtrip_strings(values: Sequence[str]) -> list[str]:
    encoded = _encode_all(_as_list(values))
    offsets = array.array("Q", [0])
    offsets.extend(itertools.accumulate(map(len, encoded)))
    blob = b"".join(encoded)
    out = ctypes.POINTER(bb_string_array)()
    status = _lib.bb_roundtrip_strings(_address(offsets), blob, len(encoded), ctypes.byref(out))
    _clib.raise_for_status(status, "roundtrip_strings")
    try:
        result = out.contents
        count = result.count
        bounds = result.offsets[: count + 1]
        data = ctypes.string_at(result.bytes, bounds[count]) if count else b""
        return [data[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(count)]
    finally:
        _lib.bb_free_string_array(out)


__all__ = ["roundtrip_ints", "roundtrip_floats", "roundtrip_float32", "roundtrip_strings"]
