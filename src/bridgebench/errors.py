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


def read_text_lines(path, what: str) -> list[str]:
    """Lines of a UTF-8 text file given by the user (BOM and CRLF accepted), without line ends.

    Raises UsageError naming the file (and the line, for invalid UTF-8) instead of a traceback.
    """
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as e:
        raise UsageError(f"cannot read {what} {str(path)!r}: {e.strerror or e}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UsageError(f"{what} {str(path)!r}: line {line} is not valid UTF-8") from None
    return text.splitlines()
