"""`bridgebench compare OLD NEW`: per case, size and implementation, how the per-item time (and
the instruction count, when both runs have one) changed, with a 95 % interval and a verdict:
slower / faster (Mann-Whitney U, p < 0.01 after correcting for the number of rows, and beyond
the threshold), no change, or inconclusive (too few samples). OLD and NEW are results.json
files, their folders, or `latest`, `previous` or a commit among the runs saved under --root.

With --fail-on-slowdown PCT, exit 1 when one of our own implementations (--gate native, the
default) got slower beyond noise and PCT; each breaking row is printed. When both runs counted
instructions, a count that grew more than --instructions-threshold (1 %) fails too."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from bridgebench.commands import _common
from bridgebench.errors import GATE_FAILED, SUCCESS, UsageError
from bridgebench.reporters import console as console_report
from bridgebench.reporters import format as fmt
from bridgebench.runners import confirm, gate, history, results_json

ORDER = 50
COLOUR = {gate.SLOWER: "red", gate.FASTER: "green", gate.NO_CHANGE: "dim", gate.INCONCLUSIVE: "yellow"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("compare", help="compare two runs' results", description=__doc__)
    parser.add_argument("old", help="results.json, its folder, latest, previous or a commit")
    parser.add_argument("new", help="results.json, its folder, latest, previous or a commit")
    parser.add_argument(
        "--fail-on-slowdown",
        type=float,
        metavar="PCT",
        help="exit 1 if one of the gated implementations got significantly slower by more than PCT percent",
    )
    parser.add_argument(
        "--instructions-threshold",
        type=float,
        default=1.0,
        metavar="PCT",
        help="when both runs counted instructions: exit 1 if a count grew by more than PCT percent (default 1)",
    )
    parser.add_argument(
        "--gate",
        choices=sorted(gate.GATED_KINDS),
        default="native",
        help="which implementations can fail the gate: our own (native, the default) or all",
    )
    parser.add_argument(
        "--normalize",
        choices=gate.NORMALIZE,
        default="reference",
        help="reference (the default): divide each sample by the same round's sample of the case's baseline "
        "(else its first peer) so that a slower machine is not a slower extension; none: absolute times",
    )
    parser.add_argument("--alpha", type=float, default=gate.ALPHA, help="significance level (default 0.01)")
    parser.add_argument("--confirm", action="store_true", help="re-run the failing rows once before failing")
    parser.add_argument("--root", type=Path, default=None, help="where saved runs are (default: ./reports)")
    parser.set_defaults(func=main)


def thresholds_from(args: argparse.Namespace) -> gate.Thresholds:
    for option in ("fail_on_slowdown", "instructions_threshold"):
        value = getattr(args, option)
        if value is not None and value < 0:
            raise UsageError(f"--{option.replace('_', '-')} must not be negative")
    if not 0 < args.alpha < 1:
        raise UsageError("--alpha must be between 0 and 1")
    wall = args.fail_on_slowdown / 100 if args.fail_on_slowdown is not None else None
    return gate.Thresholds(wall, args.instructions_threshold / 100, args.alpha, args.gate, args.normalize)


NOT_GATED = "°"
RELATIVE = "ʳ"
LEGEND = (
    f"{NOT_GATED}: not gated (peers and the baseline; --gate all gates them); change: new over old per-item "
    f"median with its 95 % interval, {RELATIVE}: of the time relative to the case's reference (baseline, else "
    "a peer) in the same rounds, which a slower machine does not move; instr.: change of instructions per item"
)


def table(comparison: gate.Comparison, title: str) -> Table:
    """One row per implementation under a heading row per case and size; numbers never wrap."""
    out = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
    out.add_column("case, n, impl.", overflow="fold", min_width=14)
    for header in ("old", "new", "change", "95 % interval"):
        out.add_column(header, justify="right", no_wrap=True, overflow="ignore")
    if comparison.both_counted_instructions:
        out.add_column("instr.", justify="right", no_wrap=True, overflow="ignore")
    out.add_column("verdict", overflow="fold")
    blank = [""] * (len(out.columns) - 1)
    heading = None
    for r in comparison.rows:
        if (r.new.workload, r.new.case, r.new.size) != heading:
            heading = (r.new.workload, r.new.case, r.new.size)
            out.add_row(f"[bold]{r.new.workload}.{r.new.case}[/bold]\nn={fmt.size(r.new.size)}", *blank)
        cells = [
            f"  {r.new.measurement.name}",
            fmt.seconds(r.old.measurement.per_item),
            fmt.seconds(r.new.measurement.per_item),
            fmt.change(r.change) + (RELATIVE if r.reference else ""),
            f"{fmt.change(r.low)}…{fmt.change(r.high)}",
        ]
        if comparison.both_counted_instructions:
            cells.append(fmt.change(r.instructions_change) if r.instructions_change is not None else "-")
        verdict = f"[{COLOUR[r.verdict]}]{r.verdict}[/{COLOUR[r.verdict]}]"
        cells.append(verdict + ("" if r.gated else NOT_GATED) + (" [red bold]GATE[/red bold]" if r.breaks else ""))
        out.add_row(*cells)
    return out


def print_comparison(comparison: gate.Comparison, title: str, console: Console) -> None:
    console.print(table(comparison, title))
    console.print(f"[dim]{LEGEND}[/dim]", highlight=False)


def main(args: argparse.Namespace) -> int:
    root = args.root or _common.default_reports_root()
    old_path, new_path = history.resolve(args.old, root), history.resolve(args.new, root)
    old, new = results_json.load(old_path), results_json.load(new_path)
    thresholds = thresholds_from(args)
    comparison = gate.compare(old, new, thresholds)
    if not comparison.rows:
        raise UsageError(f"nothing in common to compare between {old_path} and {new_path}")
    console = console_report.make_console()
    print_comparison(comparison, f"{old_path} → {new_path} (per item, median)", console)
    if comparison.failures and args.confirm:
        console.print(f"confirming {len(comparison.failures)} failing row(s) by measuring them again...")
        comparison = confirm.recheck(old, new, comparison)
        print_comparison(comparison, "after the confirming re-run", console)
    return report_gate(comparison, console)


def report_gate(comparison: gate.Comparison, console: Console) -> int:
    console.print(comparison.summary(), highlight=False)
    for row in comparison.failures:
        console.print(f"[red]slower: {row.label}: {row.reason(comparison.thresholds)}[/red]", highlight=False)
    return GATE_FAILED if comparison.failures else SUCCESS
