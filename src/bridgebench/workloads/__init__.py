"""The workload registry: what `bridgebench run` measures.

A workload is one module in this package that defines ``WORKLOAD = Workload(...)``. It says
how to make inputs at each size, which implementations to compare on them (the pure-Python
baseline, the native module through pybind11, the native module through the C ABI, and
peers such as CPython's array.array or rapidfuzz), and how to tell whether two answers agree.
Modules are discovered, not listed: adding a workload means adding a module here. They are
written with the public API (bridgebench.api), as a user's project writes its own; which
workloads a command runs is decided by ``discover`` (bridgebench.project).

Conventions the runner relies on:
- ``make_input(size, seed, fixture)`` is deterministic for a given (size, seed, fixture) and
  returns a sequence of ``size`` items (numbers, queries, URLs, ...).
- Every implementation's canonical output (``to_canonical(run(prepare(input)))``) is a
  sequence with one entry per input item, so outputs can be compared item by item and on a
  prefix when a slow implementation only runs on the first ``max_items`` items.
- ``fixture`` (optional) is a context manager factory started once per workload in the parent
  process (a local HTTP server, say); its value must be JSON-serialisable because it is handed
  to the timing worker processes.
"""

from __future__ import annotations

import importlib
import operator
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

from bridgebench.runners.results import Metric

# "reference": a clock or physical ceiling (an ideal sleep, a load generator against the same
# server), timed and checked like the others but drawn as a reference line and never gated.
Kind = Literal["baseline", "native", "peer", "reference"]


def _identity(value: Any) -> Any:
    return value


def _prefix(items: Sequence, count: int) -> Sequence:
    return items[:count]


@dataclass(frozen=True)
class Implementation:
    name: str
    kind: Kind
    # The timed call. It receives prepare(input) and returns the implementation's answer.
    run: Callable[[Any], Any]
    # Untimed: the canonical input -> what this implementation takes (array.array, say).
    prepare: Callable[[Any], Any] = _identity
    # Untimed: the implementation's answer -> the canonical form that `agree` compares.
    to_canonical: Callable[[Any], Any] = _identity
    # Slow implementations (pure-Python spell check) are timed on this many items only;
    # per-item figures are still comparable.
    max_items: int | None = None
    # A module that must import for this implementation to run (peers installed with pip).
    requires: str | None = None
    # One line for the report: how it is configured, so the comparison can be judged fair.
    note: str = ""
    # Untimed, in the worker, given the fixture value: None when this implementation can run
    # here, else why not (a missing program, a fixture without TLS); reported as skipped.
    available: Callable[[Any], str | None] | None = None


@dataclass(frozen=True)
class Target:
    """A speed target from an issue, checked in the report (never in a unit test).

    Satisfied when time(subject) / time(reference) <= max_ratio (per item, medians, the same
    run) at ``size`` (None: the largest size the run measured); ``max_ratio`` < 1 means
    "subject must be faster".
    """

    description: str
    subject: str
    reference: str
    max_ratio: float
    size: int | None = None


@dataclass(frozen=True)
class Case:
    name: str
    unit: str  # what one input item is: "element", "query", "URL"
    make_input: Callable[[int, int, Any], Sequence]
    implementations: Sequence[Implementation]
    sizes: dict[str, list[int]]  # profile ("quick", "full") -> sizes
    agree: Callable[[Any, Any], bool] = operator.eq
    take: Callable[[Sequence, int], Sequence] = _prefix
    targets: Sequence[Target] = ()
    description: str = ""
    # Extra figures per implementation beside the timings, e.g. accuracy or requests/s:
    # (the input prefix it answered, its canonical answers) -> {name: Metric}. Computed in the
    # worker (untimed); reporters show every metric without knowing the workload.
    metrics: Callable[[Sequence, Sequence], Mapping[str, Metric]] | None = None

    def implementation(self, name: str) -> Implementation:
        for impl in self.implementations:
            if impl.name == name:
                return impl
        raise KeyError(f"case {self.name!r} has no implementation {name!r}")


@dataclass(frozen=True)
class LineChart:
    """A chart a workload asks the report for: one line per series of (x, y) points."""

    name: str  # file name stem, unique within the run
    title: str
    x_label: str
    y_label: str
    series: dict[str, list[tuple[float, float]]]
    log_x: bool = True
    log_y: bool = False


@dataclass(frozen=True)
class ReportSection:
    """A workload's own table (and chart) derived from its measured cases: a ceiling, a
    comparison across cases. Computed by the reporters from the results (see sections_of)."""

    title: str
    text: str
    header: list[str]
    rows: list[list[str]]
    chart: LineChart | None = None


@dataclass(frozen=True)
class Workload:
    name: str
    description: str
    cases: Sequence[Case]
    fixture: Callable[[], AbstractContextManager[Any]] | None = None
    # Google Benchmark executable (in the build dir's bench/cpp) for the C++ side.
    native_bench: str | None = None
    # Extra facts for the report (e.g. index build time and memory), computed once per run.
    facts: Callable[[], dict[str, Any]] | None = field(default=None)
    # Extra report sections computed from the measured cases (a runners.results.WorkloadResult)
    # when the report is written: a ceiling table, a chart across cases.
    sections: Callable[[Any], list[ReportSection]] | None = field(default=None)
    # Instruction counts (--instructions) say little about work that mostly waits (sockets, a
    # server Valgrind does not see): such workloads keep wall time only.
    count_instructions: bool = True

    def case(self, name: str) -> Case:
        for case in self.cases:
            if case.name == name:
                return case
        raise KeyError(f"workload {self.name!r} has no case {name!r}")


def discover() -> dict[str, Workload]:
    """The workloads the commands run: the current project's and installed plugins'
    (bridgebench.project), or, with neither, bridgebench's own."""
    from bridgebench import project

    found = project.workloads(project.find())
    return found if found is not None else builtin()


def builtin() -> dict[str, Workload]:
    """Every workload module in this package, by name, in name order."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        workload = getattr(module, "WORKLOAD", None)
        if isinstance(workload, Workload):
            found[workload.name] = workload
    return found


def sections_of(result: Any) -> list[ReportSection]:
    """The report sections a measured workload (runners.results.WorkloadResult) asks for; none
    when its definition is not installed here (a results file from another project)."""
    workload = discover().get(result.name)
    if workload is None or workload.sections is None:
        return []
    return list(workload.sections(result))


def get(name: str) -> Workload:
    workloads = discover()
    if name not in workloads:
        raise KeyError(f"unknown workload {name!r} (known: {', '.join(workloads) or 'none'})")
    return workloads[name]
