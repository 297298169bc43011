"""`bridgebench report RESULTS`: re-renders summary.md, summary.html and the charts from a
results.json (or the folder holding it), e.g. after upgrading bridgebench."""

from __future__ import annotations

import argparse
from pathlib import Path

from bridgebench.reporters import console as console_report
from bridgebench.reporters import json_report, report_folder

ORDER = 40


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="re-render a run's report from its results.json", description=__doc__)
    parser.add_argument(
        "results",
        type=Path,
        nargs="?",
        default=Path("reports/latest"),
        help="results.json or its folder (default: reports/latest)",
    )
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    results = json_report.load(args.results)
    folder = args.results if args.results.is_dir() else args.results.parent
    paths = report_folder.write(results, folder)
    console = console_report.make_console()
    console_report.print_summary(results, console)
    console.print(f"wrote {paths['markdown']} and {paths['html']}")
    return 0
