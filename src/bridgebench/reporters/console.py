"""What `bridgebench run`, `bench` and `report` print: the verdict first, then one table per
workload (rows: case, size and implementation; columns: per item, spread, speed-up with its
95 % interval, status). Built to be read at 80 columns: numbers never wrap or get cut; only
names and statuses may wrap."""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from bridgebench.reporters import format as fmt
from bridgebench.reporters import verdict as verdict_mod
from bridgebench.runners.results import Measurement, RunResult, WorkloadResult

LEGEND = (
    "per item: median time; spread: ± half the IQR; speed-up over the baseline (95 % interval); "
    "instr.: instructions per item; blank: the baseline itself; -: not measured (skipped, failed "
    "or answers differ)"
)
STATUS = {"ok": "ok", "skipped": "[dim]skipped[/dim]", "disagree": "[red]DIFFERS[/red]", "error": "[red]ERROR[/red]"}


def _number_column(table: Table, header: str) -> None:
    table.add_column(header, justify="right", no_wrap=True, overflow="ignore")


def _speedup(m: Measurement) -> str:
    if not m.ok:
        return "-"
    if m.speedup is None:
        return ""
    text = fmt.ratio(m.speedup.value)
    ci = fmt.interval(m.speedup.low, m.speedup.high)
    return f"{text}\n[dim]{ci}[/dim]" if ci else text


def workload_table(workload: WorkloadResult) -> Table:
    instructions = any(r.measurement.instructions is not None for r in workload.rows())
    metrics = sorted({k for r in workload.rows() for k in r.measurement.metrics})
    table = Table(title=workload.name, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
    # Wide enough for "n=10,000,000": the size heads each group of rows and must never fold.
    table.add_column("case, n, impl.", overflow="fold", min_width=14)
    _number_column(table, "per item")
    _number_column(table, "spread")
    _number_column(table, "speed-up")
    if instructions:
        _number_column(table, "instr.")
    for name in metrics:
        _number_column(table, name)
    table.add_column("status", overflow="fold")
    blank = [""] * (len(table.columns) - 1)
    for case in workload.cases:
        table.add_row(f"[bold]{case.name}[/bold]", *blank)
        for size in case.sizes:
            table.add_row(f"n={fmt.size(size.size)}", *blank)
            for i, m in enumerate(size.implementations):
                cells = [
                    f"  {m.name}",
                    fmt.seconds(m.per_item) if m.ok else "-",
                    fmt.percent(m.spread()) if m.ok else "-",
                    _speedup(m),
                ]
                if instructions:
                    cells.append(fmt.count(m.instructions))
                cells += [_metric(m, name) for name in metrics]
                cells.append(STATUS.get(m.status, m.status))
                table.add_row(*cells, end_section=i == len(size.implementations) - 1)
    return table


def _metric(m: Measurement, name: str) -> str:
    metric = m.metrics.get(name)
    return "-" if metric is None else f"{metric.value:.4g}{(' ' + metric.unit) if metric.unit else ''}"


def print_verdict(
    run: RunResult, console: Console, report_path: Path | None, regression_gate: str | None = None
) -> None:
    v = verdict_mod.of(run, regression_gate)
    console.print("[bold]Verdict[/bold]")
    for label, value, bad in v.lines():
        console.print(f"  {label:<16} " + (f"[red]{value}[/red]" if bad else value), highlight=False)
    if report_path is not None:
        console.print(f"  {'report':<16} {report_path}", highlight=False, soft_wrap=True)
    for t in v.targets:
        mark = {"met": "[green]met[/green]", "NOT MET": "[red]NOT MET[/red]"}.get(t.status, "[dim]not checked[/dim]")
        console.print(f"  {mark} {t.case}: {t.description}: {t.claim}", highlight=False)
    for warning in v.warnings:
        console.print(f"  [yellow]warning:[/yellow] {warning}", highlight=False)
    console.print()


def print_report(
    run: RunResult,
    console: Console | None = None,
    *,
    report_path: Path | None = None,
    regression_gate: str | None = None,
) -> None:
    console = console or make_console()
    print_verdict(run, console, report_path, regression_gate)
    for workload in run.workloads:
        console.print(workload_table(workload))
    console.print(f"[dim]{LEGEND}[/dim]", highlight=False)


def make_console(width: int | None = None) -> Console:
    """A console that keeps a terminal's width, and 100 columns when output is piped."""
    if width is not None:
        return Console(width=width)
    console = Console()
    return console if console.is_terminal else Console(width=100)
