"""`bridgebench leakcheck`: the leak audit (ledger, growth, ASan/LSan/UBSan, Valgrind, fuzz).

Exit codes: 0 no findings; 1 findings (leaks, unbalanced sites, growth, memory errors, coverage
gaps, bad suppression entries; with --canary, the planted leak is such a finding); 2 usage
error. Writes leaks.json, leaks.md and leaks.junit.xml into the output folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bridgebench import project
from bridgebench.errors import UsageError

ORDER = 30


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "leakcheck",
        help="audit every allocation crossing the boundary (exit 1 on any finding)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="CI mode: fewer growth iterations, Valgrind on the reduced scenario set"
    )
    parser.add_argument(
        "--layers",
        default=None,
        help="comma-separated subset of ledger,growth,asan,valgrind,fuzz (default: all; --quick: all but fuzz)",
    )
    parser.add_argument(
        "--fuzz-time",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds per fuzz target (default 3 with --quick, else 20; a campaign: --layers fuzz --fuzz-time 600)",
    )
    parser.add_argument(
        "--canary",
        default=None,
        help="switch planted leaks on (a name, comma-separated names or 'all'); the audit must then fail",
    )
    parser.add_argument(
        "--build-asan",
        action="store_true",
        help="a project's code: build it with ASan+UBSan into a site folder of its own and run the asan layer on it",
    )
    parser.add_argument(
        "--asan-site",
        type=Path,
        metavar="DIR",
        help="a project's code: a site folder holding an ASan-instrumented build of its package",
    )
    parser.add_argument("--only", default="", help="comma-separated scenario name prefixes")
    parser.add_argument("--output-dir", type=Path, default=None, help="report folder (default reports/<timestamp>/)")
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="run the canary self-test instead: each canary must be caught by every layer",
    )
    parser.add_argument(
        "--coverage",
        action="store_true",
        help="list every exported function and the scenarios covering it (exit 1 if one has none)",
    )
    parser.set_defaults(func=main)


def _print_table(result, console) -> None:
    from rich.table import Table

    table = Table(
        title=f"leak audit ({'quick' if result.quick else 'full'}"
        f"{', canary ' + result.canary if result.canary else ''})"
    )
    for column in ("layer", "result", "findings", "scenarios", "seconds"):
        table.add_column(column)
    cov = result.coverage
    audit_ok = not result.findings
    table.add_row(
        "coverage+suppressions",
        "[green]pass[/]" if audit_ok else "[red]FAIL[/]",
        str(len(result.findings)),
        f"package {', '.join(cov['packages'])}"
        if cov.get("packages")
        else f"{cov.get('covered', 0)}/{cov.get('exports', 0)} exports",
        f"{result.build_seconds:.1f} (build)",
    )
    for layer in result.layers:
        table.add_row(
            layer.layer,
            layer.unavailable or ("[green]pass[/]" if layer.passed else "[red]FAIL[/]"),
            str(len(layer.findings)),
            str(len(layer.scenarios)),
            f"{layer.seconds:.1f}",
        )
    console.print(table)
    findings = result.all_findings
    if findings:
        detail = Table(title=f"{len(findings)} finding(s)")
        for column in ("layer", "kind", "function / site", "scenario", "bytes", "canary", "message"):
            detail.add_column(column)
        for f in findings[:40]:
            detail.add_row(
                f.layer,
                f.kind,
                f.function,
                f.scenario or "",
                "" if f.bytes is None else str(f.bytes),
                f.canary or "",
                f.message[:120],
            )
        console.print(detail)


def _print_coverage(console) -> int:
    from rich.table import Table

    from bridgebench.leakcheck import coverage

    cov = coverage.compute()
    table = Table(title=f"{len(cov.exports) - len(cov.missing)}/{len(cov.exports)} exported functions have a scenario")
    table.add_column("export")
    table.add_column("scenarios", justify="right")
    table.add_column("for example")
    for export, scenarios in cov.covered.items():
        table.add_row(export, str(len(scenarios)) if scenarios else "[red]none[/]", scenarios[0] if scenarios else "")
    console.print(table)
    for name in cov.unknown:
        console.print(f"[red]covered by a scenario but not exported:[/] {name}")
    return 0 if cov.complete else 1


def main(args: argparse.Namespace) -> int:
    from rich.console import Console

    from bridgebench.leakcheck import AUDIT_LAYERS, run_audit

    # Wide enough for site names when the output goes to a CI log rather than a terminal.
    console = Console(width=None if sys.stdout.isatty() else 160)
    layers = [name.strip() for name in (args.layers or "").split(",") if name.strip()]
    bad = [name for name in layers if name not in AUDIT_LAYERS]
    if bad:
        raise UsageError(f"unknown layer(s): {', '.join(bad)} (known: {', '.join(AUDIT_LAYERS)})")
    if (args.coverage or args.selftest) and project.scenarios(project.find()) is not None:
        option = "--coverage" if args.coverage else "--selftest"
        raise UsageError(f"{option} checks bridgebench's own exports and canaries, not a project's scenarios")
    if args.coverage:
        return _print_coverage(console)
    if args.selftest:
        from bridgebench.leakcheck.selftest import run_selftest

        checks = run_selftest(layers, quick=args.quick)
        for c in checks:
            state = "caught" if c.ok else "MISSED" if not c.caught else "PROBLEM"
            console.print(f"{c.canary:16} {c.layer:9} {state:8} {', '.join(c.named)} {'; '.join(c.problems)[:200]}")
        return 0 if checks and all(c.ok for c in checks) else 1
    try:
        result = run_audit(
            quick=args.quick,
            layers=layers,
            canary=args.canary,
            output_dir=args.output_dir,
            only=[p for p in args.only.split(",") if p],
            progress=lambda message: console.print(f"[dim]{message}[/]"),
            fuzz_seconds=args.fuzz_time,
            build_asan=args.build_asan,
            asan_site=args.asan_site,
        )
    except ValueError as e:
        raise UsageError(str(e)) from None
    _print_table(result, console)
    console.print(f"reports: {result.output_dir}/leaks.md, leaks.json, leaks.junit.xml")
    return result.exit_code
