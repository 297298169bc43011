"""The array round trips bound with nanobind's converters, a peer of bridgebench._arrays for the binding
comparison (src/peers; built only when its build dependency is installed).

Checked against the compiled module by tests/python/test_types.py (mypy's stubtest).
"""

from collections.abc import Iterable
from typing import SupportsFloat, SupportsIndex

def roundtrip_ints(values: Iterable[SupportsIndex]) -> list[int]: ...
def roundtrip_floats(values: Iterable[SupportsFloat | SupportsIndex]) -> list[float]: ...
def roundtrip_strings(values: Iterable[str]) -> list[str]: ...
