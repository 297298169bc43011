"""The regression gate: is a (workload, case, size, implementation) slower in a new run than in
an old one, beyond noise and beyond a threshold?

Wall time: a Mann-Whitney U test on the raw per-item samples of both runs, with a Bonferroni
correction for the number of gated rows (so 30 rows of noise do not produce one "significant"
row by chance), and a 95 % bootstrap interval of the ratio of medians. A row is a regression
only when the test is significant **and** the change is larger than the threshold; a
significant change below the threshold is "no change", too few samples or a non-significant
change is "inconclusive" or "no change": neither fails the gate.

Machine drift: on a shared or throttling machine a whole run can be 10-15 % slower than the
one before, every implementation alike (measured on unchanged code: 5 of 10 back-to-back
compares failed a 5 % gate on absolute times, 1 of 10 on normalised ones). So by default (`normalize="reference"`) each
sample is first divided by the sample the case's reference took in the same round of the same
worker process: the case's baseline at that size, else its first peer, neither of them our code
(the implementations of a case take their samples in turns, so the two were seconds apart). The
test then compares those ratios: a change of our code moves them, a slower machine does not. A
row falls back to absolute times when either run lacks the reference or has fewer than
stats.MIN_SAMPLES_FOR_TEST pairs; the reference's own row is always compared absolutely.

Instructions (when both runs counted them): a deterministic figure, so no test: a regression
when the count grew by more than its own threshold (default 1 %).

Only our own implementations are gated by default: a peer or the baseline getting slower on a
busy machine says nothing about our change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bridgebench.runners import stats
from bridgebench.runners.results import Row, RunResult

ALPHA = 0.01
NORMALIZE = ("reference", "none")
REFERENCE_KINDS = ("baseline", "peer")  # in this order: what a case's samples are divided by
GATED_KINDS = {"native": frozenset({"native"}), "all": frozenset({"native", "peer", "baseline"})}

SLOWER, FASTER, NO_CHANGE, INCONCLUSIVE = "slower", "faster", "no change", "inconclusive"


@dataclass(frozen=True)
class Thresholds:
    wall: float | None = None  # fraction (0.05 for 5 %); None: wall time does not gate
    instructions: float = 0.01
    alpha: float = ALPHA
    gate: str = "native"  # which kinds of implementation can fail the gate
    normalize: str = "reference"  # or "none": absolute per-item times (see the module docstring)


@dataclass(frozen=True)
class RowChange:
    old: Row
    new: Row
    change: float  # new / old - 1 of the per-item medians
    low: float  # 95 % interval of that change
    high: float
    p: float  # corrected for the number of rows
    verdict: str  # slower / faster / no change / inconclusive
    instructions_change: float | None = None
    gated: bool = False
    breaks_wall: bool = False
    breaks_instructions: bool = False
    reference: str | None = None  # the implementation the samples were divided by, if any

    @property
    def breaks(self) -> bool:
        return self.breaks_wall or self.breaks_instructions

    @property
    def label(self) -> str:
        return self.new.label

    def reason(self, thresholds: Thresholds) -> str:
        parts = []
        if self.breaks_wall:
            relative = f" relative to {self.reference}" if self.reference else ""
            parts.append(
                f"wall {self.change * 100:+.1f}%{relative} "
                f"(95 % interval {self.low * 100:+.1f}% to {self.high * 100:+.1f}%, "
                f"p={self.p:.2g}) > {thresholds.wall * 100:g}%"  # type: ignore[operator]
            )
        if self.breaks_instructions:
            parts.append(
                f"instructions {self.instructions_change * 100:+.2f}% > {thresholds.instructions * 100:g}%"  # type: ignore[operator]
            )
        return "; ".join(parts)


@dataclass(frozen=True)
class Comparison:
    rows: tuple[RowChange, ...]
    thresholds: Thresholds
    both_counted_instructions: bool

    @property
    def failures(self) -> tuple[RowChange, ...]:
        return tuple(r for r in self.rows if r.breaks)

    def summary(self) -> str:
        if not self.rows:
            return "nothing in common"
        if self.failures:
            return f"FAIL: {len(self.failures)} of {len(self.rows)} rows slower"
        return f"PASS: {len(self.rows)} rows, none slower beyond noise and threshold"


def common_rows(old: RunResult, new: RunResult) -> list[tuple[Row, Row]]:
    before = {r.key: r for r in old.rows() if r.measurement.ok}
    return [(before[r.key], r) for r in new.rows() if r.measurement.ok and r.key in before]


def compare(old: RunResult, new: RunResult, thresholds: Thresholds) -> Comparison:
    pairs = common_rows(old, new)
    both_counted = old.has_instructions and new.has_instructions
    gated_kinds = GATED_KINDS[thresholds.gate]
    # The family of tests is the rows that can fail the gate: peers shown for context do not
    # make the correction stricter for our own rows.
    tests = max(1, sum(b.measurement.kind in gated_kinds for _, b in pairs))
    references = _references(old, new) if thresholds.normalize == "reference" else {}
    rows = tuple(
        _row(a, b, tests, thresholds, both_counted, b.measurement.kind in gated_kinds, references.get(b.key[:3]))
        for a, b in pairs
    )
    return Comparison(rows, thresholds, both_counted)


def _references(old: RunResult, new: RunResult) -> dict[tuple[str, str, int], tuple[Row, Row]]:
    """Per (workload, case, size): the reference's row in both runs, the same implementation."""
    out: dict[tuple[str, str, int], tuple[Row, Row]] = {}
    for old_row, new_row in common_rows(old, new):
        kind, chosen = new_row.measurement.kind, out.get(new_row.key[:3])
        if kind in REFERENCE_KINDS and (
            chosen is None or REFERENCE_KINDS.index(kind) < REFERENCE_KINDS.index(chosen[1].measurement.kind)
        ):
            out[new_row.key[:3]] = (old_row, new_row)  # the first row of the most preferred kind
    return out


def _ratios(row: Row, reference: Row) -> list[float]:
    """Each sample over the reference's sample of the same round in the same process."""
    mine, theirs = row.measurement.samples, reference.measurement.samples
    if mine is None or theirs is None:
        return []
    return [
        m / t
        for own, ref in zip(mine.per_process, theirs.per_process, strict=False)
        for m, t in zip(own, ref, strict=False)
        if t > 0
    ]


def _values(old: Row, new: Row, reference: tuple[Row, Row] | None) -> tuple[list[float], list[float], str | None]:
    if reference is not None and reference[1].key != new.key:
        a, b = _ratios(old, reference[0]), _ratios(new, reference[1])
        if min(len(a), len(b)) >= stats.MIN_SAMPLES_FOR_TEST:
            return a, b, reference[1].measurement.name
    return old.measurement.values(), new.measurement.values(), None


def _row(
    old: Row, new: Row, tests: int, t: Thresholds, both_counted: bool, gated: bool, reference: tuple[Row, Row] | None
) -> RowChange:
    a, b, reference_name = _values(old, new, reference)
    point, low, high = stats.ratio_of_medians_interval(b, a)
    enough = min(len(a), len(b)) >= stats.MIN_SAMPLES_FOR_TEST
    p = min(1.0, stats.mann_whitney_p(a, b) * tests) if enough else math.nan
    change = point - 1
    if not enough:
        verdict = INCONCLUSIVE
    elif p < t.alpha and (t.wall is None or abs(change) > t.wall):
        verdict = SLOWER if change > 0 else FASTER
    else:
        verdict = NO_CHANGE
    instructions_change = None
    if both_counted and old.measurement.instructions and new.measurement.instructions is not None:
        instructions_change = new.measurement.instructions / old.measurement.instructions - 1
    breaks_wall = gated and t.wall is not None and verdict == SLOWER
    breaks_instructions = gated and instructions_change is not None and instructions_change > t.instructions
    return RowChange(
        old,
        new,
        change,
        low - 1,
        high - 1,
        p,
        verdict,
        instructions_change,
        gated,
        breaks_wall,
        breaks_instructions,
        reference_name,
    )
