"""`bridgebench bench`: the timing part of `run` alone (Python side, optionally the C++
benches), printed as a table and optionally saved as results.json; no leak audit, no charts."""

from __future__ import annotations

import argparse
from pathlib import Path

from bridgebench.commands import _common
from bridgebench.commands.run import exit_code, measure
from bridgebench.reporters import console as console_report
from bridgebench.reporters import pyperf_export
from bridgebench.runners import results_json

ORDER = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help="time the workloads and print the table", description=__doc__)
    _common.add_measurement_options(parser)
    parser.add_argument(
        "--native", dest="no_native", action="store_false", help="also run the Google Benchmark (C++) side"
    )
    parser.add_argument("--json", type=Path, metavar="FOLDER", help="write FOLDER/results.json")
    parser.add_argument(
        "--json-format",
        choices=("bridgebench", "pyperf"),
        default="bridgebench",
        help="with --json: bridgebench's results.json (default) or a pyperf benchmark suite (FOLDER/pyperf.json)",
    )
    parser.set_defaults(func=main, no_native=True)


def main(args: argparse.Namespace) -> int:
    console = console_report.make_console()
    results = measure(args, console)
    path = None
    if args.json:
        args.json.mkdir(parents=True, exist_ok=True)
        if args.json_format == "pyperf":
            path = pyperf_export.write(results, args.json / "pyperf.json")
        else:
            path = results_json.write(results, args.json)
    console_report.print_report(results, console, report_path=path)
    return exit_code(results, console)
