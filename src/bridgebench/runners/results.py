"""The typed results of a run: what the runner hands to the reporters, `compare` and `history`.

Modelled on pyperf's Run/Benchmark: immutable values that own their JSON form. A run holds
workloads, a workload holds cases, a case holds sizes, a size holds one ``Measurement`` per
implementation. ``RunResult.rows()`` walks (workload, case, size, implementation) once, so no
reader walks nested dicts by string keys.

Every raw sample is kept: ``Samples.per_process[p][s]`` is the time of sample ``s`` of worker
process ``p``, in ``Samples.unit`` (seconds per item). Summaries (medians, intervals) are
computed from them, never stored in their place. The JSON form and its versions live in
``results_json``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bridgebench.runners import stats

SECONDS_PER_ITEM = "s/item"
INSTRUCTIONS_PER_ITEM = "instructions/item"

OK = "ok"
# Implementation kinds: "baseline", "native" (ours), "peer", and "reference": a clock or physical
# ceiling (an ideal sleep, wrk against the same server), drawn as a reference line, never gated.
REFERENCE = "reference"


@dataclass(frozen=True)
class Samples:
    """Raw samples, one tuple per worker process."""

    per_process: tuple[tuple[float, ...], ...]
    unit: str = SECONDS_PER_ITEM

    def values(self) -> list[float]:
        return [v for process in self.per_process for v in process]

    @property
    def n(self) -> int:
        return sum(len(process) for process in self.per_process)

    def summary(self) -> stats.Summary:
        return stats.summarize(self.values())

    @property
    def median(self) -> float:
        return self.summary().median

    def scaled(self, factor: float) -> Samples:
        return Samples(tuple(tuple(v * factor for v in p) for p in self.per_process), self.unit)


@dataclass(frozen=True)
class Estimate:
    """A ratio with its 95 % interval (bootstrap of the ratio of medians)."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Metric:
    """An extra figure a workload reports per implementation (accuracy, requests/s, ...)."""

    value: float
    unit: str = ""
    higher_is_better: bool = True


@dataclass(frozen=True)
class Measurement:
    """One implementation at one size."""

    name: str
    kind: str
    status: str = OK
    reason: str = ""
    note: str = ""
    items: int = 0
    loops: int = 0
    samples: Samples | None = None  # seconds per item
    instructions: float | None = None  # instructions per item (Valgrind), when measured
    speedup: Estimate | None = None  # over the case's baseline, only when answers agreed
    metrics: Mapping[str, Metric] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == OK and self.samples is not None and self.samples.n > 0

    def values(self) -> list[float]:
        """Every raw sample (seconds per item), all processes pooled."""
        return self.samples.values() if self.samples is not None else []

    @property
    def per_item(self) -> float:
        return self.samples.median if self.samples is not None else math.nan

    def spread(self) -> float:
        """Interquartile range relative to the median."""
        return stats.relative_spread(self.samples.summary()) if self.samples is not None else math.nan


@dataclass(frozen=True)
class SizeResult:
    size: int
    reference: str | None  # the baseline speed-ups are relative to
    processes: int
    implementations: tuple[Measurement, ...]

    def get(self, name: str) -> Measurement | None:
        return next((m for m in self.implementations if m.name == name), None)


@dataclass(frozen=True)
class TargetResult:
    description: str
    subject: str
    reference: str
    max_ratio: float  # time(subject) / time(reference) must be <= this
    size: int
    ratio: float | None = None
    met: bool | None = None
    why: str = ""

    def status(self) -> str:
        return "met" if self.met else ("NOT MET" if self.met is False else "not checked")


@dataclass(frozen=True)
class CaseResult:
    name: str
    unit: str
    description: str
    sizes: tuple[SizeResult, ...]
    targets: tuple[TargetResult, ...] = ()


@dataclass(frozen=True)
class NativeBenchRow:
    """One Google Benchmark family/argument: median ± stddev of its repetitions."""

    name: str
    median_s: float
    stddev_s: float | None = None
    items_per_second: float | None = None
    bytes_per_second: float | None = None
    allocs_per_iter: float | None = None
    max_bytes_used: float | None = None


@dataclass(frozen=True)
class NativeBench:
    executable: str
    rows: tuple[NativeBenchRow, ...] = ()
    complexity: tuple[tuple[str, str, float | None], ...] = ()  # (family, fitted O(.), RMS)
    skipped: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkloadResult:
    name: str
    description: str
    cases: tuple[CaseResult, ...]
    facts: Mapping[str, Any] = field(default_factory=dict)
    native_bench: NativeBench | None = None

    def rows(self) -> Iterator[Row]:
        for c in self.cases:
            for s in c.sizes:
                for m in s.implementations:
                    yield Row(self.name, c.name, s.size, m)


@dataclass(frozen=True)
class LeakAudit:
    ok: bool | None  # None: skipped
    summary: str = ""
    markdown: str = ""

    def verdict(self) -> str:
        return "SKIPPED" if self.ok is None else ("PASS" if self.ok else "FAIL")


@dataclass(frozen=True)
class Row:
    """One (workload, case, size, implementation): the unit compare tests and gates."""

    workload: str
    case: str
    size: int
    measurement: Measurement

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.workload, self.case, self.size, self.measurement.name)

    @property
    def label(self) -> str:
        return f"{self.workload}.{self.case} n={self.size:,} {self.measurement.name}"


@dataclass(frozen=True)
class RunResult:
    created: str
    settings: Mapping[str, Any]
    machine: Mapping[str, Any]
    workloads: tuple[WorkloadResult, ...]
    leakcheck: LeakAudit | None = None
    warnings: tuple[str, ...] = ()

    def rows(self) -> Iterator[Row]:
        for w in self.workloads:
            yield from w.rows()

    def targets(self) -> Iterator[tuple[WorkloadResult, CaseResult, TargetResult]]:
        for w in self.workloads:
            for c in w.cases:
                for t in c.targets:
                    yield w, c, t

    def problems(self) -> list[str]:
        """Implementations whose answers differed or that failed: a run with any of these fails."""
        return [
            f"{row.label}: {row.measurement.status}: {row.measurement.reason}"
            for row in self.rows()
            if row.measurement.status in ("disagree", "error")
        ]

    @property
    def commit(self) -> str | None:
        return self.machine.get("git_commit")

    @property
    def has_instructions(self) -> bool:
        return any(r.measurement.instructions is not None for r in self.rows())
