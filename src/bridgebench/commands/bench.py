"""`bridgebench bench`: the timing part of `run` alone (Python side, optionally the C++
benches), printed as a table and optionally saved as results.json; no leak audit, no charts."""

from __future__ import annotations

import argparse
from pathlib import Path

from bridgebench.commands import _common
from bridgebench.commands.run import measure, problems
from bridgebench.reporters import console as console_report
from bridgebench.reporters import json_report

ORDER = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help="time the workloads and print the table", description=__doc__)
    _common.add_measurement_options(parser)
    parser.add_argument(
        "--native", dest="no_native", action="store_false", help="also run the Google Benchmark (C++) side"
    )
    parser.add_argument("--json", type=Path, metavar="FOLDER", help="write FOLDER/results.json")
    parser.set_defaults(func=main, no_native=True)


def main(args: argparse.Namespace) -> int:
    console = console_report.make_console()
    results = measure(args, console)
    console_report.print_summary(results, console)
    if args.json:
        args.json.mkdir(parents=True, exist_ok=True)
        console.print(f"wrote {json_report.write(results, args.json)}")
    failures = problems(results)
    for failure in failures:
        console.print(f"[red]{failure}[/red]")
    return 1 if failures else 0
