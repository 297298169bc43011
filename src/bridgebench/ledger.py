"""The allocation ledger, seen from Python.

Every native allocation that crosses the boundary is counted against the exported function
("site") that made it: ``arrays.roundtrip_ints`` for the pybind11 module,
``capi.bb_roundtrip_int64`` for the C ABI, and so on. Once Python has dropped every object
a call returned, each site must be balanced: allocations == frees, 0 bytes outstanding.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass

from bridgebench import _clib


@dataclass(frozen=True)
class Site:
    name: str
    allocations: int
    frees: int
    bytes_allocated: int
    bytes_outstanding: int

    @property
    def balanced(self) -> bool:
        return self.allocations == self.frees and self.bytes_outstanding == 0


def snapshot() -> dict[str, Site]:
    """Every site the ledger knows, by name."""
    lib = _clib.library()
    capacity = 64
    while True:
        buffer = (_clib.bb_ledger_site * capacity)()
        count = lib.bb_ledger_snapshot(buffer, capacity)
        if count <= capacity:
            break
        capacity = count
    return {
        s.name.decode(): Site(s.name.decode(), s.allocations, s.frees, s.bytes_allocated, s.bytes_outstanding)
        for s in buffer[:count]
    }


def outstanding() -> int:
    """Bytes allocated across the boundary and not yet freed, over all sites."""
    return sum(site.bytes_outstanding for site in snapshot().values())


def reset() -> None:
    """Zeroes every counter. Only call it when nothing native is still alive."""
    _clib.library().bb_ledger_reset()


def delta(before: dict[str, Site], after: dict[str, Site]) -> dict[str, Site]:
    """What happened between two snapshots, per site (sites with no activity left out)."""
    out = {}
    for name, now in after.items():
        was = before.get(name, Site(name, 0, 0, 0, 0))
        d = Site(
            name,
            now.allocations - was.allocations,
            now.frees - was.frees,
            now.bytes_allocated - was.bytes_allocated,
            now.bytes_outstanding - was.bytes_outstanding,
        )
        if d.allocations or d.frees or d.bytes_outstanding:
            out[name] = d
    return out


class LedgerImbalance(AssertionError):
    def __init__(self, sites: dict[str, Site]):
        self.sites = sites
        rows = ", ".join(
            f"{s.name}: {s.allocations} allocs / {s.frees} frees / {s.bytes_outstanding} B outstanding"
            for s in sites.values()
        )
        super().__init__(f"ledger not balanced: {rows}")


@contextlib.contextmanager
def balanced(*, collect: bool = True) -> Iterator[dict[str, Site]]:
    """Asserts that everything allocated inside the block was freed by its end.

    Yields a dict that is filled with the per-site activity when the block exits, so a test
    can also check that the block did allocate through the sites it expected.
    ``collect=False`` skips the garbage collections around the block (tens of milliseconds in a
    big process), for blocks run thousands of times whose results hold no reference cycles.
    """
    if collect:
        gc.collect()
    before = snapshot()
    activity: dict[str, Site] = {}
    try:
        yield activity
    finally:
        if collect:
            gc.collect()
        activity.update(delta(before, snapshot()))
    unbalanced = {n: s for n, s in activity.items() if not s.balanced}
    if unbalanced:
        raise LedgerImbalance(unbalanced)


def canaries_compiled_in() -> bool:
    return bool(_clib.library().bb_canaries_compiled_in())


def set_canaries(names: str) -> None:
    """Switches planted leaks on (audit builds only): comma-separated names, 'all' or ''."""
    _clib.library().bb_canary_set(names.encode())


__all__ = [
    "Site",
    "snapshot",
    "outstanding",
    "reset",
    "delta",
    "balanced",
    "LedgerImbalance",
    "canaries_compiled_in",
    "set_canaries",
]
