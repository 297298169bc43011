"""Array round trips across the Python/native boundary (bridgebench.arrays).

Checked against the compiled module by tests/python/test_types.py (mypy's stubtest).
"""

from collections.abc import Iterable
from typing import SupportsFloat, SupportsIndex, final

from typing_extensions import Buffer

@final
class NativeBuffer:
    """Native memory owned by a capsule; read it through a memoryview. Made only by
    roundtrip_ints_buffer and roundtrip_floats_buffer: it cannot be constructed, subclassed,
    copied or pickled."""

    @property
    def nbytes(self) -> int: ...

def roundtrip_ints(values: Iterable[SupportsIndex]) -> list[int]: ...
def roundtrip_floats(values: Iterable[SupportsFloat]) -> list[float]: ...
def roundtrip_float32(values: Iterable[SupportsFloat]) -> list[float]: ...
def roundtrip_strings(values: Iterable[str]) -> list[str]: ...
def roundtrip_ints_buffer(values: Buffer) -> memoryview: ...
def roundtrip_floats_buffer(values: Buffer) -> memoryview: ...
