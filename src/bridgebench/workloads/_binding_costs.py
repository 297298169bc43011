"""What a binding costs: the arrays workload's report sections comparing pybind11, nanobind,
Cython, the C ABI through ctypes and CPython's array.array on the same round trips.

A call that converts n elements takes about t(n) = overhead + n · per_element while the elements
stay in the CPU caches; beyond that the cost per element grows with n (a list of a million ints
is 40 MB of objects), so no single line fits every size. The overhead and the in-cache cost per
element therefore come from a line through the sizes up to FIT_UP_TO (weighted least squares on
the median time per call, each weighted by its standard error from the raw samples), and the
larger sizes are reported as the time per element measured there.

Errors are one standard error: from the samples' spread, scaled up by the scatter of the points
about the line when that is larger than the samples explain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bridgebench.api import LineChart, ReportSection
from bridgebench.runners import stats
from bridgebench.runners.results import CaseResult, Measurement, WorkloadResult

# The implementations compared: every way of binding the round trip, and CPython's own.
BINDINGS = ("pybind11", "nanobind", "cython", "capi", "array.array", "pybind11-buffer")
# The other bindings that convert a list element by element, as ours does.
PEERS = ("nanobind", "cython")
OURS = "pybind11"
# Sizes whose elements stay in the caches: the line through them separates the cost of a call
# from the cost of an element. Larger sizes measure the per-element cost out of cache.
FIT_UP_TO = 1_000
# Sizes below this are dominated by the fixed cost of a call, not by the per-element one.
PER_ELEMENT_FROM = 1_000
# A sample spread of zero (identical samples) would give a point infinite weight.
SMALLEST_RELATIVE_ERROR = 1e-3


@dataclass(frozen=True)
class Point:
    """One size: the median time per call and the standard error of that median."""

    n: int
    seconds: float
    error: float


@dataclass(frozen=True)
class LineFit:
    """t(n) = overhead + n · per_element, in seconds, with standard errors."""

    overhead: float
    overhead_error: float
    per_element: float
    per_element_error: float
    points: int


def point_of(m: Measurement) -> Point:
    """Per-call median and its standard error (1.2533 σ / √k, σ from the interquartile range)."""
    values = sorted(v * m.items for v in m.values())
    median = m.per_item * m.items
    sigma = (stats.quantile(values, 0.75) - stats.quantile(values, 0.25)) / 1.349
    error = 1.2533 * sigma / math.sqrt(len(values)) if values else math.nan
    return Point(m.items, median, max(error, SMALLEST_RELATIVE_ERROR * median))


def fit_line(points: Sequence[Point]) -> LineFit | None:
    """Weighted least squares (weights 1/error²) through the points; None below two sizes."""
    points = [p for p in points if p.n > 0 and p.seconds > 0 and p.error > 0]
    if len({p.n for p in points}) < 2:
        return None
    w = [1.0 / (p.error * p.error) for p in points]
    s = sum(w)
    sx = sum(wi * p.n for wi, p in zip(w, points, strict=True))
    sy = sum(wi * p.seconds for wi, p in zip(w, points, strict=True))
    sxx = sum(wi * p.n * p.n for wi, p in zip(w, points, strict=True))
    sxy = sum(wi * p.n * p.seconds for wi, p in zip(w, points, strict=True))
    determinant = s * sxx - sx * sx
    per_element = (s * sxy - sx * sy) / determinant
    overhead = (sxx * sy - sx * sxy) / determinant
    residuals = [p.seconds - overhead - per_element * p.n for p in points]
    # More scatter about the line than the samples explain: the errors grow with it.
    dof = len(points) - 2
    chi2 = sum(wi * r * r for wi, r in zip(w, residuals, strict=True)) / dof if dof > 0 else 1.0
    scale = max(1.0, chi2)
    return LineFit(
        overhead,
        math.sqrt(scale * sxx / determinant),
        per_element,
        math.sqrt(scale * s / determinant),
        len(points),
    )


def _measured(case: CaseResult, name: str) -> list[Measurement]:
    return [m for s in case.sizes if (m := s.get(name)) is not None and m.ok and m.items > 0]


def _ns(seconds: float) -> str:
    return f"{seconds * 1e9:,.1f}" if math.isfinite(seconds) else "-"


def _plus_minus(value: float, error: float) -> str:
    return f"{_ns(value)} ± {_ns(error)}" if math.isfinite(error) else _ns(value)


def _skipped(case: CaseResult, name: str) -> str | None:
    reasons = {m.reason for s in case.sizes if (m := s.get(name)) is not None and not m.ok}
    return "; ".join(sorted(reasons)) or None


def _large_sizes(cases: Sequence[CaseResult]) -> list[int]:
    return sorted({s.size for c in cases for s in c.sizes if s.size > FIT_UP_TO})


def _cost_rows(cases: Sequence[CaseResult]) -> list[list[str]]:
    rows = []
    large = _large_sizes(cases)
    for case in cases:
        for name in BINDINGS:
            measured = _measured(case, name)
            fit = fit_line([point_of(m) for m in measured if m.items <= FIT_UP_TO])
            if fit is None:
                reason = _skipped(case, name)
                if reason is not None:
                    rows.append([case.name, name, "-", "-", *("-" for _ in large), f"not measured: {reason}"])
                continue
            at_size = {m.items: m.per_item for m in measured}
            rows.append(
                [
                    case.name,
                    name,
                    _plus_minus(fit.overhead, fit.overhead_error),
                    _plus_minus(fit.per_element, fit.per_element_error),
                    *(_ns(at_size.get(n, math.nan)) for n in large),
                    "ok",
                ]
            )
    return rows


def _gap_rows(cases: Sequence[CaseResult]) -> list[list[str]]:
    """Per size: ours against the fastest of the list-converting bindings (ours included)."""
    rows = []
    for case in cases:
        for size in case.sizes:
            ours = size.get(OURS)
            rivals = [m for name in (OURS, *PEERS) if (m := size.get(name)) is not None and m.ok]
            if ours is None or not ours.ok or len(rivals) < 2:
                continue
            fastest = min(rivals, key=lambda m: m.per_item)
            ratio = ours.per_item / fastest.per_item
            rows.append(
                [
                    case.name,
                    f"{size.size:,}",
                    *(
                        _ns(m.per_item) if (m := size.get(name)) is not None and m.ok else "-"
                        for name in (OURS, *PEERS)
                    ),
                    fastest.name,
                    f"{ratio:.2f}",
                ]
            )
    return rows


def _chart(cases: Sequence[CaseResult]) -> LineChart:
    series: dict[str, list[tuple[float, float]]] = {}
    for case in cases:
        for name in (OURS, *PEERS):
            for m in _measured(case, name):
                series.setdefault(f"{case.name}: {name}", []).append((m.items, m.per_item * 1e9))
    return LineChart(
        name="arrays-binding-costs",
        title="arrays: time per element by size, pybind11 / nanobind / Cython (median)",
        x_label="elements per call",
        y_label="nanoseconds per element",
        series=series,
        log_y=True,
    )


def sections(result: WorkloadResult) -> list[ReportSection]:
    """The per-call and per-element cost of each binding, and ours against the fastest by size."""
    cases = [c for c in result.cases if any(s.get(name) is not None for s in c.sizes for name in PEERS)]
    cost_rows = _cost_rows(cases)
    if not cost_rows:
        return []
    costs = ReportSection(
        "what each binding costs per call and per element",
        f"Overhead and in-cache cost per element: a line t(n) = overhead + n · per element through the "
        f"median time per call at the sizes up to {FIT_UP_TO:,} elements (weighted least squares, ± one "
        "standard error from the raw samples, scaled up by the points' scatter about the line when that "
        "is larger). Larger lists no longer fit the CPU caches and cost more per element: those columns "
        "are the median time per element measured at that size. nanobind and Cython call the same native "
        "copy as pybind11 (src/peers); capi is the C ABI through ctypes; array.array is CPython's own "
        "round trip, and pybind11-buffer takes an array.array without converting its elements.",
        [
            "case",
            "binding",
            "overhead per call (ns)",
            f"per element, n ≤ {FIT_UP_TO:,} (ns)",
            *(f"per element at {n:,} (ns)" for n in _large_sizes(cases)),
            "status",
        ],
        cost_rows,
        _chart(cases),
    )
    gaps = ReportSection(
        "pybind11 against the fastest list-converting binding",
        f"Median nanoseconds per element; the ratio is pybind11's time over the fastest of {OURS}, "
        f"{', '.join(PEERS)} at that size (1.00: pybind11 is the fastest). Sizes from {PER_ELEMENT_FROM:,} "
        "elements measure the per-element cost, smaller ones mostly the cost of a call.",
        ["case", "size", f"{OURS} (ns/element)", *(f"{p} (ns/element)" for p in PEERS), "fastest", "ratio"],
        _gap_rows(cases),
    )
    return [costs, gaps]
