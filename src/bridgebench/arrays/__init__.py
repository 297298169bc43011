"""Array round trips through pybind11 (the copy path and the zero-copy buffer path).

``roundtrip_ints/floats/float32/strings(values)`` take a list (or other sequence) and return a
new list; ``roundtrip_ints_buffer/floats_buffer(values)`` take any C-contiguous buffer of int64
or double (``array.array('q'/'d')``, numpy arrays, ...) without copying it into Python objects
and return a memoryview onto native memory that a capsule frees when the view is gone.
The same four list functions through the C ABI are in ``bridgebench.arrays.capi``.
"""

from bridgebench._arrays import (
    NativeBuffer,
    roundtrip_float32,
    roundtrip_floats,
    roundtrip_floats_buffer,
    roundtrip_ints,
    roundtrip_ints_buffer,
    roundtrip_strings,
)

__all__ = [
    "NativeBuffer",
    "roundtrip_ints",
    "roundtrip_floats",
    "roundtrip_float32",
    "roundtrip_strings",
    "roundtrip_ints_buffer",
    "roundtrip_floats_buffer",
]
