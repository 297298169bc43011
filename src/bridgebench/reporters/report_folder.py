"""Writes every report file for one run into its folder and points reports/latest at it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from bridgebench.reporters import charts, html, markdown
from bridgebench.runners import results_json
from bridgebench.runners.results import RunResult


def new_folder(root: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = root / stamp
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = root / f"{stamp}-{suffix}"
    folder.mkdir(parents=True)
    return folder


def point_latest(folder: Path) -> None:
    latest = folder.parent / "latest"
    tmp = folder.parent / f".latest-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(folder.name)
    os.replace(tmp, latest)  # atomic: readers never see a missing link


def write(
    run: RunResult,
    folder: Path,
    *,
    markdown_summary: Path | None = None,
    history: Sequence[RunResult] = (),
    regression_gate: str | None = None,
) -> dict[str, Path]:
    paths = {"json": results_json.write(run, folder)}
    chart_names: dict[str, str] = {}
    for path in charts.write_all(run, folder, history):
        key = path.stem.removeprefix("speedup-")
        chart_names[key] = path.name
        paths[f"chart:{key}"] = path
    paths["markdown"] = markdown.write(run, chart_names, folder, regression_gate)
    paths["html"] = html.write(run, chart_names, folder, regression_gate)
    if markdown_summary is not None:
        markdown_summary.write_text(markdown.short_summary(run, paths["markdown"], regression_gate))
        paths["markdown_summary"] = markdown_summary
    return paths
