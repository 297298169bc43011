"""Valgrind memcheck layer: the scenarios once each under
``valgrind --leak-check=full --xml=yes`` with PYTHONMALLOC=malloc (pymalloc's arenas would hide
Python objects from memcheck and make it report pymalloc's deliberate uninitialised reads),
against the canary-enabled audit build (build/audit, -O2 -g). Quick mode runs the quick set
(scenarios.quick_set: the reduced scenarios plus at least one per export, and every misuse
scenario), full mode every scenario. A worker that crashes is restarted after the scenario it
crashed in, each with its own XML report.

Definite and indirect leaks, invalid reads/writes/frees and uses of uninitialised values fail
when their stacks include our binaries, and so do uses of uninitialised values that our code
created (--track-origins=yes), even when CPython is the one to use them. "Possibly lost" and
"still reachable" blocks are CPython's own at exit (interned strings, static types) and are not
reported.
"""

from __future__ import annotations

import gzip
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from bridgebench.errors import SetupError
from bridgebench.leakcheck.layers import Context, run_resumable, worker_command, worker_env
from bridgebench.leakcheck.model import Finding, LayerResult
from bridgebench.leakcheck.stacks import OURS, Frame, Owner, blamed_function, concerns_us, our_frames

LEAK_KINDS = {"Leak_DefinitelyLost": "leak", "Leak_IndirectlyLost": "indirect-leak"}
IGNORED_KINDS = {"Leak_PossiblyLost", "Leak_StillReachable"}


def _frames(stack) -> list[Frame]:
    frames = []
    for frame in stack.iter("frame"):
        source = ""
        if frame.findtext("file"):
            source = f"{frame.findtext('dir') or ''}/{frame.findtext('file')}:{frame.findtext('line') or ''}"
        frames.append(Frame(frame.findtext("fn") or "???", source, frame.findtext("obj") or ""))
    return frames


def parse(xml_path: Path, owner: Owner = OURS) -> list[Finding]:
    root = ET.parse(xml_path).getroot()
    findings = []
    for error in root.iter("error"):
        kind = error.findtext("kind") or "?"
        if kind in IGNORED_KINDS:
            continue
        stacks = [_frames(stack) for stack in error.findall("stack")]
        frames = stacks[0] if stacks else []
        # With --track-origins=yes the second stack is where an uninitialised value was created:
        # a value our code allocated and never set is ours even when CPython is the one to use it.
        origin = stacks[1] if len(stacks) > 1 else []
        if concerns_us(frames, owner):
            blamed, ours = blamed_function(frames, owner), our_frames(frames, owner)
        elif concerns_us(origin, owner):
            blamed, ours = blamed_function(origin, owner), our_frames(origin, owner)
        else:
            continue
        what = error.findtext("xwhat/text") or error.findtext("what") or kind
        if origin and error.findtext("auxwhat"):
            what += f" ({error.findtext('auxwhat')})"
        leaked = error.findtext("xwhat/leakedbytes")
        findings.append(
            Finding(
                "valgrind",
                LEAK_KINDS.get(kind, kind),
                blamed,
                what,
                bytes=int(leaked) if leaked else None,
                stack=[str(f) for f in ours],
                stack_functions=[f.base_name for f in ours if owner.source(f)],
            )
        )
    return findings


def find_valgrind() -> str | None:
    """valgrind beside the running Python (a venv's tools) or on PATH."""
    beside = Path(sys.executable).parent / "valgrind"
    return str(beside) if beside.exists() else shutil.which("valgrind")


def memcheck_command(valgrind: str, xml: Path, suppressions: Path) -> list[str]:
    """valgrind and its options, to be followed by the command to check."""
    return [
        valgrind,
        "--tool=memcheck",
        "--leak-check=full",
        "--show-leak-kinds=definite,indirect",
        "--errors-for-leak-kinds=definite,indirect",
        "--num-callers=40",
        "--error-limit=no",
        "--track-origins=yes",
        f"--suppressions={suppressions}",
        "--xml=yes",
        f"--xml-file={xml}",
    ]


def run(ctx: Context) -> LayerResult:
    started = time.perf_counter()
    valgrind = find_valgrind()
    if valgrind is None:
        raise SetupError("valgrind is not installed (scripts/bootstrap.sh installs it)")
    out = ctx.work_dir / "valgrind.json"
    xml_of = lambda attempt: ctx.work_dir / f"valgrind.{attempt}.xml"  # noqa: E731
    for old in ctx.work_dir.glob("valgrind.*.xml*"):
        old.unlink()

    def command(attempt: int, after: str | None) -> list[str]:
        return memcheck_command(valgrind, xml_of(attempt), ctx.leakcheck_dir / "valgrind.supp") + worker_command(
            "exercise", out, quick_set=ctx.quick, only=ctx.only, after=after, extra=("--repeat", "1")
        )

    runs = run_resumable(
        "valgrind", command, out, worker_env(ctx, ctx.sites.get("audit"), PYTHONMALLOC="malloc"), ctx.work_dir, 2400
    )
    result = LayerResult(
        "valgrind", runs.findings, details={"quick_set": ctx.quick, "returncodes": [p.returncode for p in runs.procs]}
    )
    if runs.data is not None:
        result.scenarios = [s["scenario"] for s in runs.data["scenarios"]]
    for attempt in range(len(runs.procs)):
        xml = xml_of(attempt)
        if not xml.is_file():
            result.findings.append(Finding("valgrind", "crash", "?", f"no XML report: {runs.stderr[-1500:]}"))
            continue
        result.findings += parse(xml, ctx.owner)
        # Mostly CPython's own noise (about 1 MB): keep it as evidence, compressed.
        with open(xml, "rb") as raw, gzip.open(xml.with_suffix(".xml.gz"), "wb") as packed:
            shutil.copyfileobj(raw, packed)
        xml.unlink()
    result.seconds = time.perf_counter() - started
    return result
