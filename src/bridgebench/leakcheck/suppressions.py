"""The suppression files (leakcheck/lsan.supp, leakcheck/valgrind.supp), and the rule that
they may never hide our own code.

An LSan entry ``leak:<pattern>`` hides a leak when the pattern matches the function or module
of ANY frame of its stack; a Valgrind entry hides an error when its frame patterns match the
top of the stack. Every entry must name CPython or system internals only, with a comment
saying why. ``validate`` rejects entries that could match us: patterns naming our binaries,
namespaces or functions, and patterns so broad (a lone wildcard, "python", "libpython") that
they match the Python frames every call into our code has on its stack.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

# Names of ours that no suppression may match (checked case-insensitively).
OUR_NAMES = (
    "bb_",
    "bb::",
    "bridgebench",
    "libbridgebench",
    "_arrays",
    "_spell",
    "_scrape",
    "roundtrip_",
    "free_capsule_buffer",
    "NativeBuffer",
    "canary",
    "ledger",
    "pybind11",
    "src/",
)
# Matching any of these means matching the interpreter frames under every call into our code.
TOO_BROAD = (
    "*",
    "python",
    "libpython",
    "python3",
    "libpython3",
    "_PyEval_EvalFrameDefault",
    "PyObject_Call",
    "PyObject_Vectorcall",
    "cfunction_vectorcall",
    "method_vectorcall",
    "_PyObject_MakeTpCall",
    "libffi",
    "ffi_call",
    "ctypes",
)


@dataclass(frozen=True)
class Entry:
    file: str
    line: int
    pattern: str
    comment: str


def lsan_entries(path: Path) -> list[Entry]:
    entries, comment = [], []
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if line.startswith("#"):
            comment.append(line.lstrip("# "))
        elif line:
            kind, _, pattern = line.partition(":")
            entries.append(
                Entry(path.name, number, f"{kind}:{pattern}" if kind != "leak" else pattern, " ".join(comment))
            )
            comment = []
        else:
            comment = []
    return entries


def valgrind_entries(path: Path) -> list[Entry]:
    """One Entry per fun:/obj: line of each { ... } block; the comment is the block's."""
    entries, comment, inside = [], [], False
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if line.startswith("#"):
            if not inside:
                comment.append(line.lstrip("# "))
        elif line == "{":
            inside = True
        elif line == "}":
            inside, comment = False, []
        elif inside and (line.startswith("fun:") or line.startswith("obj:")):
            entries.append(Entry(path.name, number, line, " ".join(comment)))
    return entries


def _pattern_matches(pattern: str, name: str) -> bool:
    """Whether the tool would let ``pattern`` match a frame called ``name`` (substring or glob)."""
    glob = pattern.strip("^$").lower()
    name = name.lower()
    if "*" in glob or "?" in glob:
        return fnmatch.fnmatchcase(name, f"*{glob}*")
    return glob in name


def problems(entries: list[Entry], our_functions: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Why entries are not acceptable (empty: all fine)."""
    out = []
    for e in entries:
        where = f"{e.file}:{e.line}: {e.pattern!r}"
        pattern = e.pattern.split(":", 1)[1] if e.pattern.startswith(("fun:", "obj:")) else e.pattern
        if not e.comment:
            out.append(f"{where}: no comment saying why")
        if any(ours.lower() in pattern.lower() for ours in OUR_NAMES):
            out.append(f"{where}: matches our own code")
        elif any(_pattern_matches(pattern, f) for f in our_functions):
            out.append(f"{where}: matches one of our functions")
        if re.fullmatch(r"[*?^$]*", pattern) or pattern.strip("^$*").lower() in {b.lower() for b in TOO_BROAD}:
            out.append(f"{where}: too broad (matches the interpreter frames under every call into our code)")
    return out


def validate(leakcheck_dir: Path, our_functions: frozenset[str] | set[str] = frozenset()) -> list[str]:
    entries = lsan_entries(leakcheck_dir / "lsan.supp") + valgrind_entries(leakcheck_dir / "valgrind.supp")
    return problems(entries, our_functions)
