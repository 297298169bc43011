"""Text the user hands the command line (word lists, URL files, arguments): UTF-8 with or
without a byte-order mark, LF or CRLF line ends. Anything else is a usage error naming the file
and line (or the argument), never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from bridgebench.errors import UsageError

BOM = b"\xef\xbb\xbf"


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{where} is not valid UTF-8") from None


def iter_lines(path: Path | str, what: str) -> Iterator[str]:
    """The file's lines without line ends, read as they are needed ('-' reads standard input)."""
    name = str(path)
    try:
        stream = sys.stdin.buffer if name == "-" else open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as e:
        raise UsageError(f"cannot read {what} {name!r}: {e.strerror or e}") from None
    try:
        for number, raw in enumerate(stream, 1):
            if number == 1 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
            yield _decode(raw, f"{what} {name!r}: line {number}").rstrip("\r\n")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def read_lines(path: Path | str, what: str) -> list[str]:
    """All of the file's lines (see iter_lines)."""
    return list(iter_lines(path, what))


def check_arguments(values: Iterable[str], what: str) -> None:
    """Command-line arguments that were not valid UTF-8 arrive as lone surrogates: say which."""
    for number, value in enumerate(values, 1):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(f"{what} {number} ({ascii(value)}) is not valid UTF-8") from None
