"""`bridgebench run`: the main job. Times every registered workload (native through the
boundary vs the pure-Python baseline vs peers, answers checked equal first), runs the C++
benches and the quick leak audit, and writes results.json, summary.md, summary.html and charts
into reports/<timestamp>/ (reports/latest points at it)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bridgebench.commands import _common
from bridgebench.errors import SetupError
from bridgebench.reporters import console as console_report
from bridgebench.reporters import json_report, report_folder
from bridgebench.runners import machine, native_side, python_side

ORDER = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="benchmarks + leak audit + report (the main job)", description=__doc__)
    _common.add_measurement_options(parser)
    parser.add_argument("--output-root", type=Path, default=None, help="where run folders go (default: ./reports)")
    parser.add_argument("--no-native", action="store_true", help="skip the Google Benchmark (C++) side")
    parser.add_argument("--no-leakcheck", action="store_true", help="skip the quick leak audit")
    parser.set_defaults(func=main)


def measure(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    """Runs the timing (and C++ benches) and returns the results dict (no files written)."""
    profile = _common.profile_from(args)
    selected = _common.selected_workloads(args)
    cases = set(args.cases) if args.cases else None
    total = python_side.count_jobs(selected, profile, args.sizes, cases)
    # A live bar on a terminal; one line per job in a CI log, where a bar would print nothing.
    live = console.is_terminal
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not live,
    ) as progress:
        task = progress.add_task("timing", total=total)
        done = [0]

        def on_job(label: str) -> None:
            done[0] += 1
            progress.update(task, description=label)
            progress.advance(task)
            if not live:
                console.print(f"[{done[0]}/{total}] {label}", highlight=False)

        workload_results = python_side.run(
            selected, profile, seed=args.seed, sizes_override=args.sizes, cases_filter=cases, on_job=on_job
        )
        if not getattr(args, "no_native", True):
            for entry in workload_results:
                bench = selected[entry["name"]].native_bench
                if bench:
                    progress.update(task, description=f"{entry['name']}: C++ benches ({bench})")
                    entry["native_bench"] = native_side.run_benchmark(bench, profile)
    return {
        "schema": json_report.SCHEMA,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "settings": {
            "profile": profile.name,
            "processes": profile.processes,
            "samples": profile.samples,
            "warmups": profile.warmups,
            "min_time": profile.min_time,
            "max_time": profile.max_time,
            "seed": args.seed,
            "sizes_override": args.sizes,
            "cases": args.cases,
        },
        "machine": machine.describe(),
        "workloads": workload_results,
    }


def problems(results: dict[str, Any]) -> list[str]:
    """Implementations whose answers differed or that failed: a run with any of these fails."""
    out = []
    for w in results["workloads"]:
        for c in w["cases"]:
            for s in c["sizes"]:
                for e in s["implementations"]:
                    if e["status"] in ("disagree", "error"):
                        out.append(
                            f"{w['name']}.{c['name']} n={s['size']:,} {e['name']}: {e['status']}: {e.get('reason', '')}"
                        )
    return out


def leak_audit(folder: Path, console: Console) -> dict[str, Any]:
    """The quick audit's verdict; a set-up problem (no source tree, no compiler) makes it
    "skipped" with the reason, never a finding: the timings of this run still stand."""
    from bridgebench import leakcheck

    console.print("[bold]Quick leak audit[/bold]")
    try:
        audit = leakcheck.run_audit(quick=True, output_dir=folder, console=console)
    except SetupError as e:
        reason = f"skipped: {e}"
        console.print(f"leak audit {reason}")
        return {"ok": True, "skipped": reason, "summary": reason}
    return {"ok": audit.ok, "markdown": audit.to_markdown(), "summary": audit.summary()}


def main(args: argparse.Namespace) -> int:
    console = console_report.make_console()
    results = measure(args, console)
    folder = report_folder.new_folder(args.output_root or _common.default_reports_root())
    if not args.no_leakcheck:
        results["leakcheck"] = leak_audit(folder, console)
    paths = report_folder.write(results, folder)
    report_folder.point_latest(folder)
    console_report.print_summary(results, console)
    console.print(f"Report: {paths['markdown']}  (also {paths['html'].name}, {paths['json'].name}, charts)")
    failures = problems(results)
    for failure in failures:
        console.print(f"[red]{failure}[/red]")
    leak = results.get("leakcheck")
    if leak is not None and not leak["ok"]:
        console.print("[red]The leak audit found problems; see the report.[/red]")
        return 1
    return 1 if failures else 0
