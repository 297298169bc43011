"""Arbitrary Python values from a fuzzer's bytes, for the Python-level fuzz targets: plain
values (huge ints, NaN, lone surrogates, bytes, None), containers, one-shot iterators and the
hostile objects a native binding must survive (conversions that raise, or that mutate the
list being converted, iterators that fail half-way)."""

from __future__ import annotations

import math
import os

import atheris

# What a call may raise: an argument error, or KeyError, which the hostile inputs below raise
# themselves (a binding must pass it on). Anything else (SystemError, RuntimeError, a crash)
# is a finding.
ARGUMENT_ERRORS = (TypeError, ValueError, OverflowError, KeyError)

# Families of misuse a run can leave out (BRIDGEBENCH_FUZZ_SKIP=mutation,uninitialised), to
# look past a known crash while its fix is on the way: "mutation" (conversions that mutate the
# list being converted), "uninitialised" (objects made with __new__ and no __init__).
SKIPPED = frozenset(filter(None, os.environ.get("BRIDGEBENCH_FUZZ_SKIP", "").split(",")))


def enabled(family: str) -> bool:
    return family not in SKIPPED


INTS = (0, 1, -1, 2**31, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**400)
FLOATS = (0.0, -0.0, 1.5, math.nan, math.inf, -math.inf, 1e39, -1e39, 3.4028235e38, 5e-324)


class Hostile:
    """Conversions that run Python code in the middle of a native loop."""

    def __init__(self, container: list, action: int):
        self.container = container
        self.action = action

    def _act(self):
        if self.action == 0:
            self.container.clear()
        elif self.action == 1:
            self.container[:] = [1.5] * 3
        elif self.action == 2:
            self.container.extend([7] * 50)
        else:
            raise KeyError("conversion failed")

    def __float__(self):
        self._act()
        return 1.0

    def __index__(self):
        self._act()
        return 1

    def __int__(self):
        self._act()
        return 1


def _failing(items: list, at: int):
    for i, item in enumerate(items):
        if i == at:
            raise KeyError("iterator failed")
        yield item


def scalar(fdp: atheris.FuzzedDataProvider):
    kind = fdp.ConsumeIntInRange(0, 9)
    if kind == 0:
        return fdp.ConsumeInt(fdp.ConsumeIntInRange(1, 9))
    if kind == 1:
        return INTS[fdp.ConsumeIntInRange(0, len(INTS) - 1)]
    if kind == 2:
        return fdp.ConsumeRegularFloat()
    if kind == 3:
        return FLOATS[fdp.ConsumeIntInRange(0, len(FLOATS) - 1)]
    if kind == 4:
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 12))  # may hold lone surrogates
    if kind == 5:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 12))
    if kind == 6:
        return None
    if kind == 7:
        return fdp.ConsumeBool()
    if kind == 8:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 12))
    return object()


def items(fdp: atheris.FuzzedDataProvider, make, limit: int = 12) -> list:
    return [make(fdp) for _ in range(fdp.ConsumeIntInRange(0, limit))]


def sequence(fdp: atheris.FuzzedDataProvider, make=scalar):
    """A list, tuple, one-shot iterator, failing generator or non-sequence, holding values from
    `make`, sometimes with a hostile item that mutates the list while it is converted."""
    values = items(fdp, make)
    kind = fdp.ConsumeIntInRange(0, 5)
    if kind == 0 and values and enabled("mutation"):
        values.insert(fdp.ConsumeIntInRange(0, len(values)), Hostile(values, fdp.ConsumeIntInRange(0, 3)))
        return values
    if kind == 1:
        return tuple(values)
    if kind == 2:
        return iter(values)
    if kind == 3:
        return _failing(values, fdp.ConsumeIntInRange(0, len(values)))
    if kind == 4:
        return scalar(fdp)
    return values


def consume_all(fdp: atheris.FuzzedDataProvider) -> None:
    fdp.ConsumeBytes(fdp.remaining_bytes())
