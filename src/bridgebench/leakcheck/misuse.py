"""Which kinds of misuse apply to each export, and which of them no scenario exercises yet.

A scenario says what misuse it exercises with ``Scenario(..., misuse=("mutation",))`` (kinds:
scenarios.MISUSE_KINDS). What applies to an export comes from two places:

- derived from the modules, for every pybind11 class: "uninitialised" (``Type.__new__(Type)``
  and then a method must raise, never crash); for every class with methods (not only
  properties), also "concurrency" on the class (one object shared by threads, closed while busy);
- declared by the workload's scenario module, for what introspection cannot tell:
  ``MISUSE_APPLIES = {"bridgebench._arrays.roundtrip_floats": ("mutation", "reentrancy"), ...}``
  (an export name as in ``covers``; a class name stands for the class and its methods).

The check: for each export and each kind that applies to it, some scenario that covers the
export (or one of the class's methods, for a class) is tagged with that kind.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from bridgebench.leakcheck.scenarios import MISUSE_KINDS, Scenario, scenario_modules


@dataclass(frozen=True)
class MissingMisuse:
    export: str
    kind: str

    def __str__(self) -> str:
        return f"{self.export}: no {self.kind} scenario ({MISUSE_KINDS[self.kind]})"


def derived(exports: set[str]) -> dict[str, set[str]]:
    """Kinds every pybind11 class needs, whatever its module declares."""
    out: dict[str, set[str]] = {}
    for export in exports:
        module_name, _, name = export.rpartition(".")
        if not module_name.startswith("bridgebench._"):
            continue  # C symbols and the ctypes wrappers' functions: declared, not derived
        try:
            obj = getattr(importlib.import_module(module_name), name, None)
        except ImportError:
            continue
        if not isinstance(obj, type) or hasattr(obj, "__members__"):
            continue  # functions, enums
        kinds = out.setdefault(export, set())
        kinds.add("uninitialised")
        if _has_methods(obj):
            kinds.add("concurrency")
    return out


def _has_methods(cls: type) -> bool:
    """Methods (not just properties; private ones count, a facade may call them): a handle that
    does work, which threads can share. pybind11's own helpers and dunders do not count."""
    return any(
        callable(value) and not isinstance(value, (property, cls))
        for name, value in vars(cls).items()
        if not name.startswith(("__", "_pybind11"))
    )


def declared() -> dict[str, set[str]]:
    """MISUSE_APPLIES of every scenario module, merged."""
    out: dict[str, set[str]] = {}
    for workload, module in scenario_modules().items():
        for export, kinds in getattr(module, "MISUSE_APPLIES", {}).items():
            unknown = [k for k in kinds if k not in MISUSE_KINDS]
            if isinstance(kinds, str) or unknown:
                raise ValueError(f"scenarios/{workload}.py MISUSE_APPLIES[{export!r}]: unknown kinds {kinds!r}")
            out.setdefault(export, set()).update(kinds)
    return out


def required(exports: set[str]) -> dict[str, set[str]]:
    out = derived(exports)
    for export, kinds in declared().items():
        out.setdefault(export, set()).update(kinds)
    return out


def missing(scenarios: list[Scenario], exports: set[str]) -> list[MissingMisuse]:
    """(export, kind) pairs that apply and that no covering scenario exercises."""
    tagged: dict[str, set[str]] = {}
    for s in scenarios:
        for name in s.covers:
            tagged.setdefault(name, set()).update(s.misuse)
    out = []
    for export, kinds in sorted(required(exports).items()):
        # A class is exercised through its constructor and its methods.
        have = set(tagged.get(export, set()))
        for name, kinds_seen in tagged.items():
            if name.startswith(export + "."):
                have |= kinds_seen
        out += [MissingMisuse(export, kind) for kind in sorted(kinds - have)]
    return out
