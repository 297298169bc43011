"""`bridgebench history`: the runs saved under reports/ (oldest first) with their commit,
machine fingerprint, profile and verdict, so you can pick two for `compare` (by folder, commit,
`latest` or `previous`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich import box
from rich.table import Table

from bridgebench.commands import _common
from bridgebench.reporters import console as console_report
from bridgebench.reporters import verdict as verdict_mod
from bridgebench.runners import history

ORDER = 55


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("history", help="list the saved runs", description=__doc__)
    parser.add_argument("--root", type=Path, default=None, help="where saved runs are (default: ./reports)")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    root = args.root or _common.default_reports_root()
    runs = history.saved_runs(root)
    console = console_report.make_console()
    if not runs:
        console.print(f"no saved runs in {root}")
        return 0
    table = Table(title=f"saved runs in {root}", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for header in ("run", "created", "commit", "machine", "profile", "answers", "targets", "leaks"):
        table.add_column(header, overflow="fold")
    for saved in runs:
        run = saved.run
        v = verdict_mod.of(run)
        table.add_row(
            saved.folder.name,
            run.created,
            run.commit or "?",
            str(run.machine.get("fingerprint", "?")),
            str(run.settings.get("profile", "?")),
            f"{v.answers_agreed}/{v.answers_checked}",
            f"{v.targets_met}/{v.targets_checked}",
            v.leak_audit,
        )
    console.print(table)
    return 0
