"""Array round trips plain ctypes: ctypes only, one ctypes object per element.

Each function builds a native (ctypes) array element by element from the Python list and reads
it back element by element into a new list; that is what a plain-ctypes helper library pays on
every call. The defects are fixed where they changed answers (64-bit ints, overflow and type
errors raised, not wrapped), but the NUL-terminated ``char*`` string arrays are kept:
a string with an embedded NUL cannot cross them, so it is refused with ValueError instead of
being silently cut.

Which items are accepted and the error messages are the workload's shared rules
(``bridgebench_rules.arrays``), the same as the two native implementations'.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable

from bridgebench_rules import arrays as rules


def roundtrip_ints(values: Iterable[int]) -> list[int]:
    items = rules.snapshot(values)
    native = (ctypes.c_int64 * len(items))()
    for i, v in enumerate(items):
        native[i] = rules.int64_item(v, i)
    return [ctypes.c_int64(native[i]).value for i in range(len(native))]


def roundtrip_floats(values: Iterable[float]) -> list[float]:
    items = rules.snapshot(values)
    native = (ctypes.c_double * len(items))()
    for i, v in enumerate(items):
        native[i] = rules.double_item(v, i)
    return [ctypes.c_double(native[i]).value for i in range(len(native))]


def roundtrip_float32(values: Iterable[float]) -> list[float]:
    items = rules.snapshot(values)
    native = (ctypes.c_float * len(items))()
    for i, v in enumerate(items):
        native[i] = rules.float32_item(v, i)
    return [ctypes.c_float(native[i]).value for i in range(len(native))]


def roundtrip_strings(values: Iterable[str]) -> list[str]:
    items = rules.snapshot(values)
    native = (ctypes.c_char_p * len(items))()
    for i, s in enumerate(items):
        encoded = rules.utf8_item(s, i)
        if b"\0" in encoded:
            raise ValueError(f"values[{i}] contains a NUL character, which a char* array cannot carry")
        native[i] = ctypes.c_char_p(encoded).value
    return [(native[i] or b"").decode("utf-8") for i in range(len(native))]


__all__ = ["roundtrip_ints", "roundtrip_floats", "roundtrip_float32", "roundtrip_strings"]
