"""`bridgebench compare OLD NEW`: per case, size and implementation, how the per-item median
changed between two runs. A change counts as significant only when the two interquartile
ranges do not overlap (noise on this kind of machine is a few percent)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.table import Table

from bridgebench.errors import UsageError
from bridgebench.reporters import console as console_report
from bridgebench.reporters import format as fmt
from bridgebench.reporters import json_report

ORDER = 50


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("compare", help="compare two runs' results", description=__doc__)
    parser.add_argument("old", type=Path, help="results.json or its folder")
    parser.add_argument("new", type=Path, help="results.json or its folder")
    parser.add_argument(
        "--fail-on-slowdown",
        type=float,
        metavar="PCT",
        help="exit 1 if anything got significantly slower by more than PCT percent",
    )
    parser.set_defaults(func=main)


def _entries(results: dict[str, Any]) -> Iterator[tuple[tuple[str, str, int, str], dict[str, Any]]]:
    for w in results["workloads"]:
        for c in w["cases"]:
            for s in c["sizes"]:
                for e in s["implementations"]:
                    if e["status"] == "ok":
                        yield (w["name"], c["name"], s["size"], e["name"]), e["per_item"]


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    before = dict(_entries(old))
    rows = []
    for key, now in _entries(new):
        was = before.get(key)
        if was is None:
            continue
        change = now["median"] / was["median"] - 1
        significant = now["q1"] > was["q3"] or now["q3"] < was["q1"]
        rows.append(
            {"key": key, "old": was["median"], "new": now["median"], "change": change, "significant": significant}
        )
    return rows


def main(args: argparse.Namespace) -> int:
    old, new = json_report.load(args.old), json_report.load(args.new)
    rows = compare(old, new)
    if not rows:
        raise UsageError(f"{args.old} and {args.new} have no (case, size, implementation) in common")
    table = Table(title=f"{args.old} → {args.new} (per item, median)")
    for column in ("case", "size", "implementation", "old", "new", "change"):
        table.add_column(column, justify="right" if column in ("size", "old", "new", "change") else "left")
    worst = 0.0
    for row in rows:
        workload, case, size, impl = row["key"]
        change = f"{row['change'] * 100:+.1f}%"
        if row["significant"]:
            change = f"[red]{change}[/red]" if row["change"] > 0 else f"[green]{change}[/green]"
            worst = max(worst, row["change"] * 100)
        else:
            change += " [dim](noise)[/dim]"
        table.add_row(
            f"{workload}.{case}", fmt.size(size), impl, fmt.seconds(row["old"]), fmt.seconds(row["new"]), change
        )
    console_report.make_console().print(table)
    if args.fail_on_slowdown is not None and worst > args.fail_on_slowdown:
        return 1
    return 0
