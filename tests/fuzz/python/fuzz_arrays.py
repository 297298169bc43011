"""atheris target: every function of bridgebench._arrays on arbitrary values. A call returns
or raises an argument error (values.ARGUMENT_ERRORS); a plain list of the right type comes
back equal; zero-copy buffers are read and released in either order."""

from __future__ import annotations

import math
import sys

import atheris
import values

with atheris.instrument_imports():
    from bridgebench import _arrays

# Every round trip the module exports, found rather than listed (a new one is fuzzed too).
FUNCTIONS = tuple(sorted(name for name in dir(_arrays) if name.startswith("roundtrip_")))


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def check_plain(name: str, given, result) -> None:
    """A list of exact ints / floats / strs comes back as it went in."""
    if not isinstance(given, list) or name == "roundtrip_float32":
        return
    kind = {"roundtrip_ints": int, "roundtrip_floats": float, "roundtrip_strings": str}.get(name)
    if kind is None or not all(type(v) is kind for v in given):
        return
    if not all(same(a, b) for a, b in zip(given, result, strict=True)):
        raise AssertionError(f"{name} changed {given!r} into {result!r}")


def use_buffer(fdp: atheris.FuzzedDataProvider, result) -> None:
    view = result if isinstance(result, memoryview) else memoryview(result)
    view.tolist()
    if fdp.ConsumeBool():
        second = view[::2] if view.ndim == 1 else view
        view.release()
        second.tolist()
    else:
        del result
        view.tolist()


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    name = FUNCTIONS[fdp.ConsumeIntInRange(0, len(FUNCTIONS) - 1)]
    given = values.sequence(fdp)
    try:
        result = getattr(_arrays, name)(given)
    except values.ARGUMENT_ERRORS:
        return
    if name.endswith("_buffer"):
        use_buffer(fdp, result)
    else:
        check_plain(name, given, result)
    if fdp.ConsumeBool() and values.enabled("uninitialised"):
        try:
            memoryview(_arrays.NativeBuffer.__new__(_arrays.NativeBuffer)).tolist()
        except values.ARGUMENT_ERRORS + (BufferError,):
            pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
