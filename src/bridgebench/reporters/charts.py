"""PNG charts (matplotlib, Agg): speed-up over the pure-Python baseline by input size with 95 %
error bars (bars when a case has one size), reference clocks as reference lines, and the
per-item time of our own implementations over saved runs (the trend)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from bridgebench.reporters import format as fmt  # noqa: E402
from bridgebench.runners.results import REFERENCE, CaseResult, Measurement, RunResult, WorkloadResult  # noqa: E402
from bridgebench.workloads import LineChart, sections_of  # noqa: E402

STYLE = {"native": "-", "peer": "--"}
LOG_NOTE = "(log scale)"


def _colours(workload: WorkloadResult) -> dict[str, str]:
    """One colour per implementation across all of a workload's panels."""
    names = sorted({r.measurement.name for r in workload.rows()})
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return {name: palette[i % len(palette)] for i, name in enumerate(names)}


def _series(case: CaseResult) -> dict[str, list[tuple[int, Measurement]]]:
    """Implementation -> (size, measurement) points that have a checked speed-up."""
    series: dict[str, list[tuple[int, Measurement]]] = {}
    for size in case.sizes:
        for m in size.implementations:
            if m.kind != "baseline" and m.speedup is not None:
                series.setdefault(m.name, []).append((size.size, m))
    return series


def _error(ms: Sequence[Measurement]) -> list[list[float]]:
    """Error bar lengths below and above each point (0 where the interval is unknown)."""
    below = [m.speedup.value - m.speedup.low if not math.isnan(m.speedup.low) else 0.0 for m in ms]  # type: ignore[union-attr]
    above = [m.speedup.high - m.speedup.value if not math.isnan(m.speedup.high) else 0.0 for m in ms]  # type: ignore[union-attr]
    return [below, above]


def _lines_panel(ax, case: CaseResult, colours: dict[str, str]) -> None:
    for name, points in sorted(_series(case).items()):
        points.sort(key=lambda p: p[0])
        xs = [size for size, _ in points]
        ms = [m for _, m in points]
        ys = [m.speedup.value for m in ms]  # type: ignore[union-attr]
        if ms[0].kind == REFERENCE:
            ax.plot(xs, ys, ":", color="black", linewidth=1.2, label=f"{name} (reference)")
            continue
        ax.errorbar(
            xs,
            ys,
            yerr=_error(ms),
            fmt=STYLE.get(ms[0].kind, "-"),
            marker="o",
            capsize=3,
            label=name,
            color=colours[name],
        )
    ax.set_xscale("log")
    ax.set_xlabel(f"input size ({fmt.plural(case.unit)}) {LOG_NOTE}")


def _bars_panel(ax, case: CaseResult, colours: dict[str, str]) -> None:
    """One size: a bar per implementation (a lone dot on a log axis says nothing)."""
    ms = [points[0][1] for _, points in sorted(_series(case).items())]
    bars = [m for m in ms if m.kind != REFERENCE]
    ax.bar(
        range(len(bars)),
        [m.speedup.value for m in bars],  # type: ignore[union-attr]
        yerr=_error(bars),
        capsize=4,
        color=[colours[m.name] for m in bars],
    )
    ax.set_xticks(range(len(bars)), [m.name for m in bars], rotation=20, fontsize="small")
    for m in ms:
        if m.kind == REFERENCE:
            ax.axhline(m.speedup.value, color="black", linestyle=":", label=f"{m.name} (reference)")  # type: ignore[union-attr]
    ax.set_xlabel(f"n = {case.sizes[0].size:,} {fmt.plural(case.unit)}")


def speedup_chart(workload: WorkloadResult, folder: Path) -> Path | None:
    """One panel per case; None when nothing had a checked speed-up to draw."""
    cases = [c for c in workload.cases if _series(c)]
    if not cases:
        return None
    columns = min(2, len(cases))
    rows = math.ceil(len(cases) / columns)
    colours = _colours(workload)
    fig, axes = plt.subplots(rows, columns, figsize=(6.4 * columns, 4.2 * rows), squeeze=False)
    for ax, case in zip(axes.flat, cases, strict=False):  # spare panels stay empty
        (_bars_panel if len(case.sizes) == 1 else _lines_panel)(ax, case, colours)
        ax.axhline(1.0, color="grey", linewidth=0.8)
        ax.set_yscale("log")
        ax.set_title(f"{workload.name}: {case.name}")
        ax.set_ylabel(f"speed-up over baseline {LOG_NOTE}")
        ax.grid(True, which="both", alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small")
    for ax in list(axes.flat)[len(cases) :]:
        ax.set_visible(False)
    fig.suptitle(
        "Higher is faster; error bars: 95 % intervals; only implementations whose answers matched the baseline",
        fontsize="small",
    )
    fig.tight_layout()
    path = folder / f"speedup-{workload.name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def overview_chart(run: RunResult, folder: Path) -> Path | None:
    """Speed-up of every native/peer implementation at each case's largest measured size."""
    labels, entries = [], []
    for workload in run.workloads:
        for case in workload.cases:
            if not case.sizes:
                continue
            largest = max(case.sizes, key=lambda s: s.size)
            for m in largest.implementations:
                if m.kind in ("baseline", REFERENCE) or m.speedup is None:
                    continue
                labels.append(f"{workload.name}.{case.name} {m.name}\n(n={largest.size:,})")
                entries.append(m)
    if not entries:
        return None
    values = [m.speedup.value for m in entries]  # type: ignore[union-attr]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(values) + 1.2))
    ax.barh(
        range(len(values)),
        values,
        xerr=_error(entries),
        capsize=3,
        color=["tab:blue" if m.kind == "native" else "tab:orange" for m in entries],
    )
    ax.set_yticks(range(len(values)), labels, fontsize="x-small")
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.axvline(1.0, color="grey", linewidth=0.8)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:,.1f}x", va="center", fontsize="x-small")
    ax.set_xlabel(f"speed-up over the pure-Python baseline {LOG_NOTE} (blue: native, orange: peers)")
    fig.tight_layout()
    path = folder / "speedup-overview.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def trend_chart(name: str, history: Sequence[RunResult], folder: Path) -> Path | None:
    """Per-item median of our own implementations at each case's largest size, run after run."""
    series: dict[str, list[tuple[int, float]]] = {}
    for index, run in enumerate(history):
        for row in run.rows():
            if row.workload != name or row.measurement.kind != "native" or not row.measurement.ok:
                continue
            series.setdefault(f"{row.case} n={row.size:,} {row.measurement.name}", []).append(
                (index, row.measurement.per_item)
            )
    series = {k: v for k, v in series.items() if len(v) >= 2}
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for label, points in sorted(series.items()):
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", label=label)
    ax.set_yscale("log")
    ax.set_xticks(
        range(len(history)), [run.commit or run.created[:16] for run in history], rotation=30, fontsize="x-small"
    )
    ax.set_ylabel(f"seconds per item {LOG_NOTE}")
    ax.set_title(f"{name}: our implementations over saved runs (lower is faster)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="xx-small", ncol=2)
    fig.tight_layout()
    path = folder / f"trend-{name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def line_chart(chart: LineChart, folder: Path) -> Path | None:
    """A chart a workload asked for in one of its report sections (workloads.LineChart)."""
    series = {name: sorted(points) for name, points in chart.series.items() if points}
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    for name, points in sorted(series.items()):
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", label=name)
    if chart.log_x:
        ax.set_xscale("log")
    if chart.log_y:
        ax.set_yscale("log")
    ax.set_title(chart.title)
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    path = folder / f"{chart.name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_all(run: RunResult, folder: Path, history: Sequence[RunResult] = ()) -> list[Path]:
    paths = [overview_chart(run, folder)]
    paths += [speedup_chart(w, folder) for w in run.workloads]
    paths += [trend_chart(w.name, [*history, run], folder) for w in run.workloads]
    paths += [line_chart(s.chart, folder) for w in run.workloads for s in sections_of(w) if s.chart is not None]
    return [p for p in paths if p is not None]
