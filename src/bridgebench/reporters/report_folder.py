"""Writes every report file for one run into its folder and points reports/latest at it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from bridgebench.reporters import charts, html, json_report, markdown


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


def write(results: dict[str, Any], folder: Path) -> dict[str, Path]:
    paths = {"json": json_report.write(results, folder)}
    chart_names: dict[str, str] = {}
    for path in charts.write_all(results, folder):
        key = path.stem.removeprefix("speedup-")
        chart_names[key] = path.name
        paths[f"chart:{key}"] = path
    paths["markdown"] = markdown.write(results, chart_names, folder)
    paths["html"] = html.write(results, chart_names, folder)
    return paths
