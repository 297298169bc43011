"""The `bridgebench` command line: `bridgebench run | bench | leakcheck | report | compare | ...`.

Subcommands live in bridgebench.commands, one module each, and are discovered here.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from bridgebench import __version__, commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bridgebench",
        description="How much faster did the native extension get, and does anything leak at the boundary?",
    )
    parser.add_argument("--version", action="version", version=f"bridgebench {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = [
        importlib.import_module(f"{commands.__name__}.{m.name}")
        for m in pkgutil.iter_modules(commands.__path__)
        if not m.name.startswith("_")
    ]
    for module in sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__)):
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
