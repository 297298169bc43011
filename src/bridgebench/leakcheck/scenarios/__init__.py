"""The scenario registry: what the leak audit runs, one module per workload.

A workload contributes ``bridgebench/leakcheck/scenarios/<workload>.py`` defining

- ``SCENARIOS``: a list of :class:`Scenario`, each a small callable that crosses the boundary
  once (normal path, bad input, exception mid-conversion, zero-copy buffer released in some
  order, cancelled scrape, ...) and drops every object it got back before returning;
- ``CANARIES`` (optional): a list of :class:`Canary`, the planted leaks of that workload and
  where each layer must see them;
- ``FIXTURE`` (optional): a context manager factory (a local HTTP server, say) that the audit
  enters once in the parent process before the layers run; its value must be JSON-serialisable
  and reaches the scenarios, in every worker process, through ``fixture("<workload>")``.

Modules are discovered, not listed. Coverage (bridgebench.leakcheck.coverage) is computed from
the native modules' contents and fails for any exported function no scenario ``covers``.
See leakcheck/README.md for the guide.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

# Layer names, in the order they run.
LAYERS = ("ledger", "growth", "asan", "valgrind")

# growth_slack_factor for scenarios whose calls start threads. A native thread (the scraper's
# libcurl loop) moves glibc's per-thread arenas by up to ~3 KiB per batch with no leak, and
# the scraper's scenarios move Python objects by 10 to 60 per step whatever the calls, now and
# then in a leak-like shape ([14, 23, 37, 60] over 2 to 32 calls of scrape.pybind.scrape.ctrl_c
# in one run, [20, 7, 9, 22] in the next; flat over 6 to 192 calls in the full profile).
# 8x the default slack keeps the gate from flaking on that; a leaked record still fails
# through the ledger's bytes outstanding, which growth checks unscaled, and the ledger layer
# is exact. The growth worker applies it by itself to scenarios it sees start Python threads.
THREADED_SLACK = 8.0

# Kinds of misuse a scenario can exercise (Scenario.misuse), and what each means:
MISUSE_KINDS = {
    "mutation": "the input changes while native code converts or uses it (from a callback such as "
    "__float__/__index__/__iter__, or from another thread)",
    "concurrency": "the same object or handle used from several threads at once, closed while busy",
    "reentrancy": "a callback (iterator step, __float__, a generator) calls back into the same object or function",
    "uninitialised": "an object made with __new__ and never initialised, then used",
    "interrupts": "a long call interrupted (Ctrl-C, KeyboardInterrupt from a callback, cancellation)",
}


@dataclass(frozen=True)
class Scenario:
    # "<workload>.<api>.<function>.<case>", e.g. "arrays.pybind.roundtrip_ints.bad_item_last".
    name: str
    run: Callable[[], object]
    # Exported names this scenario calls (see cover_* below); coverage is checked against them.
    covers: tuple[str, ...]
    # The exception the call must raise (error paths); a scenario that raises anything else,
    # or nothing when it should, is reported as a finding of its own.
    raises: type[BaseException] | tuple[type[BaseException], ...] | None = None
    # In the reduced set that Valgrind runs in quick mode (keep one or two per function).
    reduced: bool = False
    # Calls per growth measurement are scaled by this (expensive scenarios use < 1).
    growth_weight: float = 1.0
    # Scales the growth layer's heap and object slack for scenarios whose calls start native
    # threads (the scraper's loop thread): glibc's per-thread arenas and caches move the heap
    # by a few KiB per batch with no leak. The ledger stays exact for them.
    growth_slack_factor: float = 1.0
    # The scenario zeroes the ledger (bb_ledger_reset): the ledger layer compares its end state
    # with zero instead of with the state before it.
    resets_ledger: bool = False
    # The kinds of misuse this scenario exercises (keys of MISUSE_KINDS), e.g. ("mutation",):
    # the coverage check requires, for each export, scenarios of the kinds that apply to it.
    misuse: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [k for k in self.misuse if k not in MISUSE_KINDS]
        if isinstance(self.misuse, str) or unknown:
            raise ValueError(
                f"scenario {self.name}: misuse must be a tuple of {sorted(MISUSE_KINDS)}, not {self.misuse!r}"
            )

    def __call__(self) -> None:
        if self.raises is None:
            self.run()
            return
        try:
            self.run()
        except self.raises:
            return
        raise AssertionError(f"scenario {self.name}: expected {self.raises} to be raised")


@dataclass(frozen=True)
class Canary:
    """A planted leak (src/ledger/canary.hpp) and how each layer must name it when it is on."""

    name: str
    # Ledger sites (exact names) that must show the leak; used by the ledger and growth layers.
    sites: tuple[str, ...]
    # Function names (without namespace or arguments) of which at least one must appear among
    # our frames of the leak's stack; used by the asan and valgrind layers.
    functions: tuple[str, ...]
    # Layers expected to catch it.
    layers: tuple[str, ...] = LAYERS
    # Scenarios (name prefixes) that reach the planting code; the self-test runs only these.
    scenarios: tuple[str, ...] = ()
    description: str = ""


# ---- how scenarios name what they cover -----------------------------------------------------


def cover_module(module: str, *functions: str) -> tuple[str, ...]:
    """Names in a Python-visible module: cover_module("bridgebench._arrays", "roundtrip_ints")."""
    return tuple(f"{module}.{f}" for f in functions)


def cover_symbols(*symbols: str) -> tuple[str, ...]:
    """Exported C symbols of libbridgebench.so: cover_symbols("bb_roundtrip_int64", ...)."""
    return tuple(f"libbridgebench.so:{s}" for s in symbols)


# ---- fixtures ---------------------------------------------------------------------------------

FIXTURES_ENV = "BRIDGEBENCH_LEAKCHECK_FIXTURES"


def fixture(workload: str):
    """The value of a workload's FIXTURE, as the audit started it (in a scenario)."""
    values = json.loads(os.environ.get(FIXTURES_ENV, "{}"))
    if workload not in values:
        raise RuntimeError(f"the {workload} fixture is not running (scenarios run under the leak audit)")
    return values[workload]


def start_fixtures(stack: contextlib.ExitStack) -> dict:
    """Enters every scenario module's FIXTURE on ``stack``; returns {workload: value}."""
    values = {}
    for workload, module in scenario_modules().items():
        factory = getattr(module, "FIXTURE", None)
        if factory is not None:
            values[workload] = stack.enter_context(factory())
    json.dumps(values)  # fails early if a value cannot reach the workers
    return values


# ---- discovery --------------------------------------------------------------------------------


def scenario_modules() -> dict:
    """Every scenario module, by workload name (the module's basename)."""
    out = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            out[info.name] = importlib.import_module(f"{__name__}.{info.name}")
    return out


def all_scenarios() -> list[Scenario]:
    scenarios = [s for m in scenario_modules().values() for s in getattr(m, "SCENARIOS", [])]
    names = [s.name for s in scenarios]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"duplicate scenario names: {duplicates}")
    return scenarios


def all_canaries() -> list[Canary]:
    """Every canary, by name. A canary planted on several workloads' paths (capi_result is in
    every C ABI) may be declared by each of their modules: the declarations are merged."""
    merged: dict[str, Canary] = {}
    for module in scenario_modules().values():
        for c in getattr(module, "CANARIES", []):
            was = merged.get(c.name)
            if was is None:
                merged[c.name] = c
                continue
            merged[c.name] = Canary(
                c.name,
                sites=was.sites + c.sites,
                functions=was.functions + c.functions,
                layers=tuple(layer for layer in LAYERS if layer in was.layers or layer in c.layers),
                scenarios=was.scenarios + c.scenarios,
                description="; ".join(d for d in (was.description, c.description) if d),
            )
    return list(merged.values())


def select(
    scenarios: list[Scenario], *, reduced: bool = False, prefixes: tuple[str, ...] | list[str] = ()
) -> list[Scenario]:
    """The reduced set and/or the scenarios whose names start with one of ``prefixes``."""
    out = [s for s in scenarios if s.reduced or not reduced]
    if prefixes:
        out = [s for s in out if any(s.name.startswith(p) for p in prefixes)]
    return out


def quick_set(scenarios: list[Scenario]) -> list[Scenario]:
    """The set Valgrind runs in quick mode: the reduced scenarios, plus, for every name some
    scenario covers that no reduced one does, the cheapest scenario covering it (highest
    growth_weight, then the first), and every misuse scenario. Every export is thus exercised
    by every layer, even in quick mode. Order is kept."""
    chosen = {s.name for s in scenarios if s.reduced or s.misuse}
    covered = {name for s in scenarios if s.name in chosen for name in s.covers}
    for s in sorted(scenarios, key=lambda s: -s.growth_weight):  # stable: first of equals wins
        if any(name not in covered for name in s.covers):
            chosen.add(s.name)
            covered.update(s.covers)
    return [s for s in scenarios if s.name in chosen]


__all__ = [
    "LAYERS",
    "Scenario",
    "Canary",
    "cover_module",
    "cover_symbols",
    "fixture",
    "start_fixtures",
    "scenario_modules",
    "all_scenarios",
    "all_canaries",
    "select",
    "quick_set",
    "MISUSE_KINDS",
]


def failing_iterable(items: list, fail_after: int):
    """A generator that raises RuntimeError after `fail_after` items: the native conversion
    sees a half-read input and must free what it built so far."""
    for i, item in enumerate(items):
        if i == fail_after:
            raise RuntimeError("input source failed mid-iteration")
        yield item
