"""The exit-code contract of every `bridgebench` command, in one place.

- 0: success.
- 1: a gate failed: a leak was found, answers differ, a slowdown, a missed target, a word not found.
- 2: usage or set-up error: a bad option, an unknown workload or case, a missing or unreadable
  file, a missing tool. Raise :class:`UsageError` with one line saying what is wrong (naming the
  file or option); the command line prints it without a traceback (``--debug`` shows one).
"""

from __future__ import annotations

SUCCESS = 0
GATE_FAILED = 1
USAGE_ERROR = 2


class UsageError(Exception):
    """A usage or set-up problem (exit 2): never reported as a finding of a gate."""


class SetupError(UsageError):
    """Something the command needs is missing (source tree, compiler, tool, server): exit 2,
    or "skipped" with this reason where the command can go on without it (``bridgebench run``)."""
