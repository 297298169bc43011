"""atheris target: the nanobind and Cython peers of the array converters (bridgebench._arrays_nanobind,
bridgebench._arrays_cython) on arbitrary values. They raise their binding's own exceptions, so
what is held is ours: a call returns or raises (an argument error, or IndexError when a hostile
item shrank the list under Cython's bounds-checked loop), never crashes, and a plain list of
the right type comes back equal. A build without either peer fuzzes nothing here."""

from __future__ import annotations

import importlib
import math
import sys

import atheris
import values

PEER_MODULES = ("bridgebench._arrays_nanobind", "bridgebench._arrays_cython")


def _built() -> list:
    out = []
    for name in PEER_MODULES:
        try:
            with atheris.instrument_imports():
                out.append(importlib.import_module(name))
        except ImportError:
            continue
    return out


PEERS = _built()
FUNCTIONS = ("roundtrip_ints", "roundtrip_floats", "roundtrip_strings")
KIND = {"roundtrip_ints": int, "roundtrip_floats": float, "roundtrip_strings": str}
ERRORS = values.ARGUMENT_ERRORS + (IndexError,)


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def test_one_input(data: bytes) -> None:
    if not PEERS:
        return
    fdp = atheris.FuzzedDataProvider(data)
    peer = PEERS[fdp.ConsumeIntInRange(0, len(PEERS) - 1)]
    name = FUNCTIONS[fdp.ConsumeIntInRange(0, len(FUNCTIONS) - 1)]
    given = values.sequence(fdp)
    before = list(given) if isinstance(given, list) else None  # a hostile item may change `given`
    try:
        result = getattr(peer, name)(given)
    except ERRORS:
        return
    if before is not None and all(type(v) is KIND[name] for v in before):
        if not all(same(a, b) for a, b in zip(before, result, strict=True)):
            raise AssertionError(f"{peer.__name__}.{name} changed {before!r} into {result!r}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
