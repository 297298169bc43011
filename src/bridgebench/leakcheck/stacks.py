"""Stack frames from ASan/LSan/UBSan and Valgrind reports, and which of them are ours.

A report concerns us when its stack has a frame in one of our binaries (libbridgebench.so or a
bridgebench/_<workload> extension module). The function a finding names is the outermost frame
of our own source code before the stack leaves our binaries (pybind11 dispatch, libffi, CPython):
the exported function, or the capsule destructor, that did it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Frames of the ledger and canary machinery: never the function a finding is about.
_PLUMBING = re.compile(r"bb::ledger::|bb::canary::|maybe_plant_\w+_canar(y|ies)")


@dataclass(frozen=True)
class Frame:
    function: str
    source: str  # "path:line[:col]" or ""
    module: str  # the binary's path

    @property
    def in_our_binary(self) -> bool:
        name = self.module.rsplit("/", 1)[-1]
        return name.startswith("libbridgebench.so") or ("/bridgebench/_" in self.module and ".so" in name)

    @property
    def in_our_source(self) -> bool:
        path = self.source
        return self.in_our_binary and "src/" in path and "site-packages" not in path and not path.startswith("/usr/")

    @property
    def base_name(self) -> str:
        return base_name(self.function)

    def __str__(self) -> str:
        return f"{self.function} {self.source}".strip()


def base_name(function: str) -> str:
    """'(anonymous namespace)::roundtrip_ints(pybind11::handle)' -> 'roundtrip_ints'. A lambda
    is named after the function it is written in: 'f(int)::{lambda()#1}::operator()() const' -> 'f'
    ("operator()" would name no function a reader can find)."""
    name = re.sub(r"\s+const$", "", function.strip())
    lambda_at = name.find("::{lambda")
    if lambda_at > 0:
        return base_name(name[:lambda_at])
    # Drop a trailing argument list (balanced parentheses), then template arguments.
    if name.endswith(")") and not name.endswith("operator()"):
        depth = 0
        for i in range(len(name) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(name[i], 0)
            if depth == 0:
                name = name[:i]
                break
    while name.endswith(">"):
        depth = 0
        for i in range(len(name) - 1, -1, -1):
            depth += {">": 1, "<": -1}.get(name[i], 0)
            if depth == 0:
                name = name[:i]
                break
        else:
            break
    name = re.sub(r"\(anonymous namespace\)::", "", name)
    return name.rsplit("::", 1)[-1].strip()


@dataclass(frozen=True)
class Owner:
    """Whose frames a report is about: bridgebench's own binaries (no folders), or the native
    binaries inside a user's package folders (the audit of foreign code)."""

    folders: tuple[str, ...] = ()  # real paths of the package folders

    def binary(self, frame: Frame) -> bool:
        if not self.folders:
            return frame.in_our_binary
        return any(frame.module.startswith(folder + "/") for folder in self.folders)

    def source(self, frame: Frame) -> bool:
        """A frame of the owner's own code (not a header or plumbing of ours)."""
        if not self.folders:
            return frame.in_our_source
        return self.binary(frame) and frame.function not in ("", "???")


OURS = Owner()


def concerns_us(frames: list[Frame], owner: Owner = OURS) -> bool:
    return any(owner.binary(f) for f in frames)


def blamed_function(frames: list[Frame], owner: Owner = OURS) -> str:
    """The outermost frame of our source before the stack first leaves our binaries. A lambda
    the checker names only "operator()" (an inlined frame: no enclosing function in its name),
    such as a thread's entry point, names nothing a reader can find: the frame inside it does."""
    blamed = ""
    entered = False
    for frame in frames:
        if owner.binary(frame):
            entered = True
            named = frame.base_name != "operator()"
            if owner.source(frame) and named and not _PLUMBING.search(frame.function):
                blamed = frame.base_name
        elif entered:
            break
    if not blamed:  # only plumbing or headers of ours: name the first frame of ours
        blamed = next((f.base_name for f in frames if owner.binary(f)), "?")
    return blamed


def our_frames(frames: list[Frame], owner: Owner = OURS) -> list[Frame]:
    return [f for f in frames if owner.binary(f)]
