"""The `bridgebench` command line: `bridgebench run | bench | leakcheck | report | compare | ...`.

Subcommands live in bridgebench.commands, one module each, and are discovered here.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from bridgebench import __version__, commands
from bridgebench.errors import USAGE_ERROR, UsageError

EXIT_CODES = """exit codes (every command):
  0  success
  1  a gate failed: leak found, answers differ, slowdown, target missed, word not found
  2  usage or set-up error: bad option, unknown workload or case, missing or unreadable file"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bridgebench",
        description="How much faster did the native extension get, and does anything leak at the boundary?",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"bridgebench {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for usage and set-up errors")
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
        code = int(args.func(args) or 0)
        sys.stdout.flush()
        return code
    except UsageError as e:
        if args.debug:
            raise
        print(f"bridgebench {args.command}: {e}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:
        # `bridgebench ... | head`: the reader left; that is not an error of ours. Point stdout at
        # /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
