"""`bridgebench report RESULTS`: re-renders summary.md, summary.html and the charts from a
results.json (or the folder holding it), e.g. after upgrading bridgebench."""

from __future__ import annotations

import argparse
from pathlib import Path

from bridgebench.reporters import console as console_report
from bridgebench.reporters import report_folder
from bridgebench.runners import history, results_json

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
    parser.add_argument("--markdown-summary", type=Path, metavar="FILE", help="also write the short Markdown verdict")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    results = results_json.load(args.results)
    folder = args.results if args.results.is_dir() else args.results.parent
    earlier = history.earlier_on_this_machine(folder.resolve().parent, results)
    paths = report_folder.write(results, folder, markdown_summary=args.markdown_summary, history=earlier)
    console_report.print_report(results, report_path=paths["markdown"])
    return 0
