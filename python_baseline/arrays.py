"""Array round trips plain ctypes: ctypes only, one ctypes object per element.

Each function builds a native (ctypes) array element by element from the Python list and reads
it back element by element into a new list; that is what a plain-ctypes helper library pays on
every call. The defects are fixed where they changed answers (64-bit ints, overflow and type
errors raised, not wrapped), but the NUL-terminated ``char*`` string arrays are kept:
a string with an embedded NUL cannot cross them, so it is refused with ValueError instead of
being silently cut.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# Halfway between FLT_MAX and 2**128: from here on a double rounds to float32 infinity.
_FLOAT32_OVERFLOW = 2.0**128 - 2.0**103


def _as_list(values: Sequence) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"values must be a list or other sequence, not {type(values).__name__}")
    return list(values)


def _as_double(v: object, i: int) -> float:
    if type(v) is bool or not isinstance(v, (int, float)):
        raise TypeError(f"values[{i}] must be float or int, not {type(v).__name__}")
    try:
        return float(v)
    except OverflowError:
        raise OverflowError(f"values[{i}] = {v!r} is too large for a double") from None


def roundtrip_ints(values: Sequence[int]) -> list[int]:
    values = _as_list(values)
    native = (ctypes.c_int64 * len(values))()
    for i, v in enumerate(values):
        if type(v) is bool or not isinstance(v, int):
            raise TypeError(f"values[{i}] must be int, not {type(v).__name__}")
        if not _INT64_MIN <= v <= _INT64_MAX:
            raise OverflowError(f"values[{i}] = {v!r} does not fit in int64")
        native[i] = ctypes.c_int64(v).value
    return [ctypes.c_int64(native[i]).value for i in range(len(native))]


def roundtrip_floats(values: Sequence[float]) -> list[float]:
    values = _as_list(values)
    native = (ctypes.c_double * len(values))()
    for i, v in enumerate(values):
        native[i] = ctypes.c_double(_as_double(v, i)).value
    return [ctypes.c_double(native[i]).value for i in range(len(native))]


def roundtrip_float32(values: Sequence[float]) -> list[float]:
    values = _as_list(values)
    native = (ctypes.c_float * len(values))()
    for i, v in enumerate(values):
        d = _as_double(v, i)
        if abs(d) >= _FLOAT32_OVERFLOW and d == d and abs(d) != float("inf"):
            raise OverflowError(f"values[{i}] = {v!r} is too large for float32 (max 3.4028234663852886e+38)")
        native[i] = ctypes.c_float(d).value
    return [ctypes.c_float(native[i]).value for i in range(len(native))]


def roundtrip_strings(values: Sequence[str]) -> list[str]:
    values = _as_list(values)
    native = (ctypes.c_char_p * len(values))()
    for i, s in enumerate(values):
        if not isinstance(s, str):
            raise TypeError(f"values[{i}] must be str, not {type(s).__name__}")
        try:
            encoded = s.encode("utf-8")
        except UnicodeEncodeError as e:
            raise UnicodeEncodeError(
                "utf-8", s, e.start, e.end, f"values[{i}] cannot be encoded as UTF-8 (lone surrogate)"
            ) from None
        if b"\0" in encoded:
            raise ValueError(f"values[{i}] contains a NUL character, which a char* array cannot carry")
        native[i] = ctypes.c_char_p(encoded).value
    return [native[i].decode("utf-8") for i in range(len(native))]


__all__ = ["roundtrip_ints", "roundtrip_floats", "roundtrip_float32", "roundtrip_strings"]
