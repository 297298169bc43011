"""Options and helpers that several commands share."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from bridgebench import workloads
from bridgebench.errors import UsageError
from bridgebench.runners.profiles import PROFILES, Profile


def csv_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def int_list(text: str) -> list[int]:
    try:
        values = [int(part.replace("_", "")) for part in csv_list(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes comma-separated whole numbers, not {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("--sizes must be positive")
    return values


def add_measurement_options(parser: argparse.ArgumentParser) -> None:
    profile = parser.add_mutually_exclusive_group()
    profile.add_argument(
        "--quick",
        dest="full",
        action="store_false",
        help="the quick profile: a few sizes, 2 processes × 5 samples (the default)",
    )
    profile.add_argument(
        "--full", dest="full", action="store_true", help="more sizes (up to 10M elements), 5 processes × 10 samples"
    )
    # store_false would make "full" the default: quick must be.
    parser.set_defaults(full=False)
    parser.add_argument("--workloads", type=csv_list, metavar="A,B", help="workloads to run (default: all registered)")
    parser.add_argument("--cases", type=csv_list, metavar="A,B", help="only these cases (name or workload.name)")
    parser.add_argument("--sizes", type=int_list, metavar="N,M", help="override the profile's input sizes")
    parser.add_argument("--processes", type=int, help="worker processes per case and size")
    parser.add_argument("--samples", type=int, help="measured samples per process")
    parser.add_argument("--min-time", type=float, help="seconds one sample lasts at least")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions per item under Valgrind (deterministic; compare gates on them)",
    )
    parser.add_argument("--seed", type=int, default=20261125, help="input generator seed (default: %(default)s)")


def profile_from(args: argparse.Namespace) -> Profile:
    profile = PROFILES["full" if args.full else "quick"]
    overrides = {
        k: v
        for k, v in (("processes", args.processes), ("samples", args.samples), ("min_time", args.min_time))
        if v is not None
    }
    for key, value in overrides.items():
        if value <= 0:
            raise UsageError(f"--{key.replace('_', '-')} must be positive")
    return dataclasses.replace(profile, **overrides)


def selected_workloads(args: argparse.Namespace) -> dict[str, workloads.Workload]:
    available = workloads.discover()
    if not args.workloads:
        check_cases(args, available)
        return available
    unknown = [w for w in args.workloads if w not in available]
    if unknown:
        raise UsageError(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(available)}")
    chosen = {name: available[name] for name in args.workloads}
    check_cases(args, chosen)
    return chosen


def check_cases(args: argparse.Namespace, chosen: dict[str, workloads.Workload]) -> None:
    """Every name in --cases must match a case (``name`` or ``workload.name``) of the chosen
    workloads: a typo is a usage error, not an empty table."""
    known = {name for w in chosen.values() for c in w.cases for name in (c.name, f"{w.name}.{c.name}")}
    unknown = [name for name in args.cases or () if name not in known]
    if unknown:
        listed = ", ".join(sorted(f"{w.name}.{c.name}" for w in chosen.values() for c in w.cases))
        raise UsageError(f"unknown case(s) {', '.join(unknown)}; known: {listed}")


def default_reports_root() -> Path:
    return Path.cwd() / "reports"
