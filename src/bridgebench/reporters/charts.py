"""PNG charts of speed-up over the pure-Python baseline by input size (matplotlib, Agg)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

STYLE = {"native": "-", "peer": "--"}


def _colours(workload: dict[str, Any]) -> dict[str, str]:
    """One colour per implementation across all of a workload's panels."""
    names = sorted({e["name"] for c in workload["cases"] for s in c["sizes"] for e in s["implementations"]})
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return {name: palette[i % len(palette)] for i, name in enumerate(names)}


def _series(case: dict[str, Any]) -> dict[str, tuple[str, list[tuple[int, float]]]]:
    series: dict[str, tuple[str, list[tuple[int, float]]]] = {}
    for measured in case["sizes"]:
        for entry in measured["implementations"]:
            speedup = entry.get("speedup_vs_baseline")
            if entry["kind"] == "baseline" or not speedup:
                continue
            series.setdefault(entry["name"], (entry["kind"], []))[1].append((measured["size"], speedup))
    return series


def speedup_chart(workload: dict[str, Any], folder: Path) -> Path | None:
    """One panel per case; None when nothing had a checked speed-up to draw."""
    cases = [c for c in workload["cases"] if _series(c)]
    if not cases:
        return None
    columns = min(2, len(cases))
    rows = math.ceil(len(cases) / columns)
    colours = _colours(workload)
    fig, axes = plt.subplots(rows, columns, figsize=(6.4 * columns, 4.2 * rows), squeeze=False)
    for ax, case in zip(axes.flat, cases, strict=False):  # spare panels stay empty
        for name, (kind, points) in sorted(_series(case).items()):
            points.sort()
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, STYLE.get(kind, "-"), marker="o", label=name, color=colours[name])
        ax.axhline(1.0, color="grey", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{workload['name']}: {case['name']}")
        ax.set_xlabel(f"input size ({case['unit']}s)")
        ax.set_ylabel("speed-up over baseline (per item)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")
    for ax in list(axes.flat)[len(cases) :]:
        ax.set_visible(False)
    fig.suptitle("Higher is faster; only implementations whose answers matched the baseline", fontsize="small")
    fig.tight_layout()
    path = folder / f"speedup-{workload['name']}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def overview_chart(results: dict[str, Any], folder: Path) -> Path | None:
    """Speed-up of every native/peer implementation at each case's largest measured size."""
    labels, values, colours = [], [], []
    for workload in results["workloads"]:
        for case in workload["cases"]:
            if not case["sizes"]:
                continue
            largest = max(case["sizes"], key=lambda s: s["size"])
            for entry in largest["implementations"]:
                if entry["kind"] == "baseline" or not entry.get("speedup_vs_baseline"):
                    continue
                labels.append(f"{workload['name']}.{case['name']} {entry['name']}\n(n={largest['size']:,})")
                values.append(entry["speedup_vs_baseline"])
                colours.append("tab:blue" if entry["kind"] == "native" else "tab:orange")
    if not values:
        return None
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(values) + 1.2))
    ax.barh(range(len(values)), values, color=colours)
    ax.set_yticks(range(len(values)), labels, fontsize="x-small")
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.axvline(1.0, color="grey", linewidth=0.8)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:,.1f}x", va="center", fontsize="x-small")
    ax.set_xlabel("speed-up over the pure-Python baseline (blue: native, orange: peers)")
    fig.tight_layout()
    path = folder / "speedup-overview.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def line_chart(chart: dict[str, Any], folder: Path) -> Path | None:
    """A chart a workload asked for in one of its report sections (workloads.LineChart)."""
    series = {name: sorted(points) for name, points in chart["series"].items() if points}
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    for name, points in sorted(series.items()):
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", label=name)
    if chart.get("log_x", True):
        ax.set_xscale("log")
    ax.set_title(chart["title"])
    ax.set_xlabel(chart["x_label"])
    ax.set_ylabel(chart["y_label"])
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    path = folder / f"{chart['name']}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_all(results: dict[str, Any], folder: Path) -> list[Path]:
    paths = [overview_chart(results, folder)]
    paths += [speedup_chart(w, folder) for w in results["workloads"]]
    paths += [
        line_chart(s["chart"], folder) for w in results["workloads"] for s in w.get("sections", []) if s.get("chart")
    ]
    return [p for p in paths if p is not None]
