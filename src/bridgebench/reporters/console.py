"""The table `bridgebench run` prints: one row per case and size, the checked speed-ups."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from bridgebench.reporters import format as fmt


def speedup_table(results: dict[str, Any]) -> Table:
    table = Table(title="Speed-up over the pure-Python baseline (per item; answers checked equal first)")
    table.add_column("case", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("baseline / item", justify="right")
    names: list[str] = []
    for workload in results["workloads"]:
        for case in workload["cases"]:
            for measured in case["sizes"]:
                for e in measured["implementations"]:
                    if e["kind"] != "baseline" and e["name"] not in names:
                        names.append(e["name"])
    for name in names:
        table.add_column(name, justify="right")
    for workload in results["workloads"]:
        for case in workload["cases"]:
            for measured in case["sizes"]:
                by_name = {e["name"]: e for e in measured["implementations"]}
                base = by_name.get(measured.get("reference") or "")
                cells = [
                    f"{workload['name']}.{case['name']}",
                    fmt.size(measured["size"]),
                    fmt.seconds(base["per_item"]["median"]) if base and base["status"] == "ok" else "-",
                ]
                for name in names:
                    e = by_name.get(name)
                    if e is None:
                        cells.append("")
                    elif e["status"] == "disagree":
                        cells.append("[red]differs[/red]")
                    elif e["status"] != "ok":
                        cells.append(f"[dim]{e['status']}[/dim]")
                    else:
                        cells.append(fmt.ratio(e.get("speedup_vs_baseline")))
                table.add_row(*cells)
    return table


def targets_table(results: dict[str, Any]) -> Table | None:
    rows = [(w["name"], c["name"], t) for w in results["workloads"] for c in w["cases"] for t in c["targets"]]
    if not rows:
        return None
    table = Table(title="Targets")
    for column in ("case", "target", "ratio", "limit", "result"):
        table.add_column(column)
    for workload, case, t in rows:
        result = (
            "[green]met[/green]"
            if t["met"]
            else "[red]NOT MET[/red]"
            if t["met"] is False
            else f"[dim]{t['why']}[/dim]"
        )
        table.add_row(
            f"{workload}.{case}",
            t["description"],
            f"{t['ratio']:.3g}" if t["ratio"] is not None else "-",
            f"≤ {t['max_ratio']:.3g}",
            result,
        )
    return table


def make_console() -> Console:
    """A console that does not squeeze the tables into 80 columns when output is piped."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


def print_summary(results: dict[str, Any], console: Console | None = None) -> None:
    console = console or make_console()
    console.print(speedup_table(results))
    targets = targets_table(results)
    if targets is not None:
        console.print(targets)
