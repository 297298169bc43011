"""`bridgebench run`: the main job. Times every registered workload (native through the
boundary vs the pure-Python baseline vs peers, answers checked equal first), runs the C++
benches and the quick leak audit, and writes results.json, summary.md, summary.html and charts
into reports/<timestamp>/ (reports/latest points at it)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bridgebench.commands import _common
from bridgebench.commands import compare as compare_command
from bridgebench.errors import GATE_FAILED, SUCCESS, SetupError
from bridgebench.reporters import console as console_report
from bridgebench.reporters import report_folder
from bridgebench.runners import advice, gate, history, instructions, machine, native_side, python_side, results_json
from bridgebench.runners.profiles import Profile
from bridgebench.runners.results import LeakAudit, RunResult, WorkloadResult
from bridgebench.workloads import Workload

ORDER = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="benchmarks + leak audit + report (the main job)", description=__doc__)
    _common.add_measurement_options(parser)
    parser.add_argument("--output-root", type=Path, default=None, help="where run folders go (default: ./reports)")
    parser.add_argument("--no-native", action="store_true", help="skip the Google Benchmark (C++) side")
    parser.add_argument("--no-leakcheck", action="store_true", help="skip the quick leak audit")
    parser.add_argument("--gate", action="store_true", help="exit 1 when a declared speed target is missed")
    parser.add_argument(
        "--compare-to",
        metavar="RUN",
        help="a saved run (folder, results.json, latest, previous or a commit) to gate regressions against",
    )
    parser.add_argument(
        "--fail-on-slowdown",
        type=float,
        metavar="PCT",
        help="with --compare-to: exit 1 if one of ours got significantly slower by more than PCT percent",
    )
    parser.add_argument(
        "--markdown-summary",
        type=Path,
        metavar="FILE",
        help="also write a short Markdown verdict (for a pull-request comment or $GITHUB_STEP_SUMMARY)",
    )
    parser.set_defaults(func=main)


def measure(args: argparse.Namespace, console: Console) -> RunResult:
    """Runs the timing (instructions, C++ benches when asked) and returns the results (no files written)."""
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

        def on_step(label: str) -> None:
            progress.update(task, description=label)
            if not live:
                console.print(label, highlight=False)

        workload_results = python_side.run(
            selected, profile, seed=args.seed, sizes_override=args.sizes, cases_filter=cases, on_job=on_job
        )
        if getattr(args, "instructions", False):
            workload_results = instructions.add_counts(workload_results, selected, seed=args.seed, on_job=on_step)
        if not getattr(args, "no_native", True):
            workload_results = [_with_native_bench(w, selected[w.name], profile, on_step) for w in workload_results]
    return RunResult(
        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        settings={
            "profile": profile.name,
            "processes": profile.processes,
            "samples": profile.samples,
            "warmups": profile.warmups,
            "min_time": profile.min_time,
            "max_time": profile.max_time,
            "seed": args.seed,
            "sizes_override": args.sizes,
            "cases": args.cases,
            "instructions": bool(getattr(args, "instructions", False)),
        },
        machine=machine.describe(),
        workloads=tuple(workload_results),
        warnings=advice.warnings(row for w in workload_results for row in w.rows()),
    )


def _with_native_bench(
    result: WorkloadResult, workload: Workload, profile: Profile, on_step: Callable[[str], None]
) -> WorkloadResult:
    if not workload.native_bench:
        return result
    on_step(f"{result.name}: C++ benches ({workload.native_bench})")
    return dataclasses.replace(result, native_bench=native_side.run_benchmark(workload.native_bench, profile))


def leak_audit(folder: Path, console: Console) -> LeakAudit:
    """The quick audit's verdict; a set-up problem (no source tree, no compiler) makes it
    "skipped" with the reason, never a finding: the timings of this run still stand."""
    from bridgebench import leakcheck

    console.print("[bold]Quick leak audit[/bold]")
    try:
        audit = leakcheck.run_audit(quick=True, output_dir=folder, console=console)
    except SetupError as e:
        reason = f"skipped: {e}"
        console.print(f"leak audit {reason}")
        return LeakAudit(ok=None, summary=reason)
    return LeakAudit(ok=audit.ok, summary=audit.summary(), markdown=audit.to_markdown())


def main(args: argparse.Namespace) -> int:
    console = console_report.make_console()
    root = args.output_root or _common.default_reports_root()
    # Resolved before this run is saved, so "latest" means the run before this one.
    baseline = results_json.load(history.resolve(args.compare_to, root)) if args.compare_to else None
    results = measure(args, console)
    folder = report_folder.new_folder(root)
    if not args.no_leakcheck:
        results = dataclasses.replace(results, leakcheck=leak_audit(folder, console))
    comparison = None
    if baseline is not None:
        wall = args.fail_on_slowdown / 100 if args.fail_on_slowdown is not None else None
        comparison = gate.compare(baseline, results, gate.Thresholds(wall=wall))
    summary = comparison.summary() if comparison is not None else None
    earlier = history.earlier_on_this_machine(folder.parent, results)
    paths = report_folder.write(
        results, folder, markdown_summary=args.markdown_summary, history=earlier, regression_gate=summary
    )
    report_folder.point_latest(folder)
    console_report.print_report(results, console, report_path=paths["markdown"], regression_gate=summary)
    code = exit_code(results, console, gate_targets=args.gate)
    if comparison is not None and compare_command.report_gate(comparison, console) != SUCCESS:
        code = GATE_FAILED
    return code


def exit_code(results: RunResult, console: Console, *, gate_targets: bool = False) -> int:
    """1 when answers differed, an implementation failed, a leak was found, or (with --gate) a
    declared target was missed; else 0."""
    failures = results.problems()
    for failure in failures:
        console.print(f"[red]{failure}[/red]", highlight=False)
    if results.leakcheck is not None and results.leakcheck.ok is False:
        console.print("[red]The leak audit found problems; see the report.[/red]")
        failures.append("leak audit")
    if gate_targets:
        missed = [f"{w.name}.{c.name}: {t.description}" for w, c, t in results.targets() if t.met is False]
        for line in missed:
            console.print(f"[red]target missed: {line}[/red]", highlight=False)
        failures += missed
    return GATE_FAILED if failures else SUCCESS
