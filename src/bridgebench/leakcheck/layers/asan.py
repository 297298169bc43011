"""ASan + LSan + UBSan layer: the extension modules and libbridgebench.so built instrumented
(build/asan: -Db_sanitize=address,undefined -Db_lundef=false -Dcanaries=true), the scenarios run
once or twice under the normal, uninstrumented interpreter with

- LD_PRELOAD=libasan.so:libstdc++.so: the ASan runtime must come first, and libstdc++ must be
  loaded before ASan resolves its __cxa_throw interceptor, or C++ exceptions abort;
- PYTHONMALLOC=malloc: every Python allocation goes through ASan's malloc (no pymalloc arenas
  hiding use-after-free, and LSan sees real blocks);
- ASAN_OPTIONS detect_leaks=1 (LSan at exit), allocator_may_return_null=1 (huge-size scenarios
  get NULL, hence MemoryError, instead of an abort), fast_unwind_on_malloc=0 and
  fast_unwind_on_fatal=0: stacks are unwound from the unwind tables, not by following frame
  pointers, which stops after a frame or two inside the uninstrumented libpython and libcurl (a
  Python object our binding never releases, or a curl handle never cleaned up, would be
  allocated "from" CPython or libcurl alone and look like someone else's leak; the full stacks
  cost about ten times the layer's time); halt_on_error=0 with the build's
  -fsanitize-recover=address: an invalid access is reported and the scenarios go on;
  LSAN_OPTIONS suppressions=leakcheck/lsan.supp (CPython internals only); UBSAN_OPTIONS
  print_stacktrace=1. Reports go to stderr, where the worker prints each scenario's name
  before running it (--mark-stderr): every report is pinned on the scenario that caused it.
  A worker that dies anyway (a segfault) is restarted after the scenario it died in.

Only reports whose stacks include our binaries count (UBSan: also when the source is ours).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bridgebench.errors import SetupError
from bridgebench.leakcheck.layers import Context, WorkerRuns, run_resumable, worker_command, worker_env
from bridgebench.leakcheck.model import Finding, LayerResult
from bridgebench.leakcheck.stacks import OURS, Frame, Owner, blamed_function, concerns_us, our_frames
from bridgebench.leakcheck.worker import STDERR_MARK

# Frames in a form we can split without guessing: number, function, source, module.
STACK_FORMAT = '"    #%n @@%f@@%S@@%m@@"'

# GCC 12's (and LLVM 16's and older) __tls_get_addr interceptor takes a dynamic TLS block that
# happens to start 16 bytes into a page for a pre-2.25 glibc block with a header, reads a
# start and size from the two words before it, and LSan's thread scan at exit then follows that
# range and segfaults ("Tracer caught signal 11", "LeakSanitizer has encountered a fatal error").
# Where blocks land depends on the process's allocation history (paths, environment size), so
# it came and went with the folder a clone sits in. Without the interceptor, glibc's malloc'd
# dynamic TLS blocks are heap blocks like any other and pointers from them are still found.
RUNTIME_WORKAROUNDS = ("intercept_tls_get_addr=0",)
_FRAME = re.compile(r"^\s*#(\d+) @@(.*?)@@(.*?)@@(.*?)@@")
_LEAK = re.compile(r"^(Direct|Indirect) leak of (\d+) byte\(s\) in (\d+) object\(s\) allocated from:")
_ASAN_ERROR = re.compile(r"ERROR: AddressSanitizer: ([\w-]+)(.*)")
_UBSAN = re.compile(r"^(.*?):(\d+):(\d+): runtime error: (.*)")


@functools.cache
def runtime_library(name: str) -> str:
    """Path of a GCC runtime library (libasan.so, libstdc++.so) for the compiler Meson used."""
    compiler = shutil.which(os.environ.get("CXX", "c++")) or shutil.which("g++")
    if compiler is None:
        raise SetupError("no C++ compiler found to locate " + name)
    path = subprocess.run(
        [compiler, f"-print-file-name={name}"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if not os.path.isabs(path):
        raise SetupError(f"{compiler} does not know {name} (install the sanitizer runtime)")
    return os.path.realpath(path)


@dataclass
class Report:
    kind: str  # "leak", an ASan error kind, or "undefined-behaviour"
    message: str
    bytes: int | None = None
    frames: list[Frame] = field(default_factory=list)
    source: str = ""  # UBSan: where the undefined behaviour happened
    scenario: str | None = None  # the scenario running when it was reported (None: at exit)


def parse(text: str) -> list[Report]:
    reports: list[Report] = []
    current: Report | None = None
    collecting = False  # inside the first stack of `current`
    scenario: str | None = None
    for line in text.splitlines():
        if line.startswith(STDERR_MARK):
            scenario = line[len(STDERR_MARK) :].strip()
            scenario = None if scenario == "-" else scenario
            current, collecting = None, False
            continue
        if m := _LEAK.match(line.strip()):
            kind = "leak" if m.group(1) == "Direct" else "indirect-leak"
            current = Report(kind, line.strip(), bytes=int(m.group(2)))  # at exit: no scenario
            reports.append(current)
            collecting = True
        elif m := _ASAN_ERROR.search(line):
            if m.group(1) == "LeakSanitizer":
                current = None
                continue
            current = Report(m.group(1), line.strip(), scenario=scenario)
            reports.append(current)
            collecting = True
        elif m := _UBSAN.match(line.strip()):
            current = Report("undefined-behaviour", m.group(4), source=f"{m.group(1)}:{m.group(2)}", scenario=scenario)
            reports.append(current)
            collecting = True
        elif m := _FRAME.match(line):
            if current is not None and collecting:
                current.frames.append(Frame(m.group(2), m.group(3), m.group(4)))
        elif current is not None and current.frames:
            collecting = False  # the first stack is over (later ones: "freed by", "allocated by")
    return reports


def _is_our_source(path: str) -> bool:
    return "src/" in path and "site-packages" not in path and not path.startswith("/usr/")


def findings_from(reports: list[Report], owner: Owner = OURS) -> list[Finding]:
    out = []
    for r in reports:
        ours = concerns_us(r.frames, owner) or (r.kind == "undefined-behaviour" and _is_our_source(r.source))
        if not ours and r.kind in ("leak", "indirect-leak"):
            continue  # CPython's own (not suppressed) leaks: not ours to fix
        frames = our_frames(r.frames, owner) or r.frames[:8]
        out.append(
            Finding(
                "asan",
                "leak" if r.kind in ("leak", "indirect-leak") else r.kind,
                blamed_function(r.frames, owner) if r.frames else r.source,
                r.message,
                scenario=r.scenario,
                bytes=r.bytes,
                stack=[str(f) for f in frames],
                stack_functions=[f.base_name for f in frames if owner.source(f)],
            )
        )
    return out


def sanitizer_env(lsan_suppressions: Path) -> dict[str, str]:
    """The environment that runs uninstrumented Python over instrumented modules."""
    return {
        "LD_PRELOAD": ":".join([runtime_library("libasan.so"), runtime_library("libstdc++.so")]),
        "PYTHONMALLOC": "malloc",
        "ASAN_OPTIONS": ":".join(
            [
                "detect_leaks=1",
                "allocator_may_return_null=1",
                "fast_unwind_on_malloc=0",
                "fast_unwind_on_fatal=0",
                "malloc_context_size=64",
                "halt_on_error=0",
                f"stack_trace_format={STACK_FORMAT}",
                *RUNTIME_WORKAROUNDS,
            ]
        ),
        "LSAN_OPTIONS": f"suppressions={lsan_suppressions}:print_suppressions=0",
        "UBSAN_OPTIONS": ":".join(["print_stacktrace=1", "halt_on_error=0", f"stack_trace_format={STACK_FORMAT}"]),
    }


# What LSan prints when it cannot stop the process's threads to scan them (ptrace refused, as
# under some sandboxes and debuggers): it then checks nothing, and silence would read as a pass.
_LSAN_CANNOT_RUN = re.compile(r"LeakSanitizer has encountered a fatal error|LeakSanitizer does not work under ptrace")


def _why_leak_checker_gave_up(procs: list[subprocess.CompletedProcess]) -> str | None:
    """None when LSan ran in every process; else the warning that says its check is missing."""
    found = next((m for p in procs if (m := _LSAN_CANNOT_RUN.search(p.stderr or ""))), None)
    if found is None:
        return None
    first_line = found.string[found.start() :].splitlines()[0]
    return (
        f"LeakSanitizer gave up at exit in two runs ({first_line}): its leak check is missing from"
        " this audit; the ledger, growth and Valgrind layers still checked for leaks"
    )


def run(ctx: Context) -> LayerResult:
    started = time.perf_counter()
    logs = ctx.work_dir / "asan-logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    out = ctx.work_dir / "asan.json"
    env = worker_env(ctx, ctx.sites["asan"], **sanitizer_env(ctx.leakcheck_dir / "lsan.supp"))
    # Twice in full mode: a second call finds state the first one left broken (a freed cache
    # entry, a half-reset handle); once in quick mode, where the full stacks' cost counts.
    repeat = "1" if ctx.quick else "2"

    def exercise() -> WorkerRuns:
        return run_resumable(
            "asan",
            lambda attempt, after: worker_command(
                "exercise", out, only=ctx.only, after=after, extra=("--repeat", repeat, "--in-thread", "--mark-stderr")
            ),
            out,
            env,
            ctx.work_dir,
            timeout=1800,
        )

    runs = exercise()
    if _why_leak_checker_gave_up(runs.procs):
        # LSan's stop-the-world at exit can still fail in ways RUNTIME_WORKAROUNDS does not
        # cover (a ptrace-refusing sandbox, a thread exiting as it attaches): one more run; a
        # second failure is reported as a warning (leak_check_missing).
        for leftover in (out, Path(f"{out}.partial"), Path(f"{out}.progress")):
            leftover.unlink(missing_ok=True)
        runs = exercise()
    for i, proc in enumerate(runs.procs):
        (logs / f"stderr.{i}.txt").write_text(proc.stderr or "")
    result = LayerResult("asan", runs.findings, details={"returncodes": [p.returncode for p in runs.procs]})
    if runs.data is not None:
        result.scenarios = [s["scenario"] for s in runs.data["scenarios"]]
    if missing := _why_leak_checker_gave_up(runs.procs):
        # Not a pass in disguise: the report and leaks.json say that this run's leaks were not
        # checked by LSan (ASan's and UBSan's memory errors were), and the canary self-test,
        # which needs LSan's reports, fails when it cannot run.
        result.details["leak_check_missing"] = missing
    reports = [r for proc in runs.procs for r in parse(proc.stderr or "")]
    result.details["reports_total"] = len(reports)
    # Kept for the canary self-test's diagnosis of a silent checker (LSan that could not run).
    result.details["output_tail"] = (runs.procs[-1].stderr or "")[-1500:] if runs.procs else ""
    found = findings_from(reports, ctx.owner)
    explained = {f.scenario for f in found if f.scenario}
    # A crash explained by the reports (ASan stopped at an error it cannot recover from): the
    # reports are the findings, not a separate "worker crashed".
    result.findings = [f for f in result.findings if not (f.kind == "crash" and f.scenario in explained)]
    result.findings += found
    last = runs.procs[-1] if runs.procs else None
    if runs.data is not None and last is not None and last.returncode not in (0, 1, 23) and not result.findings:
        result.findings.append(Finding("asan", "crash", "?", f"exit status {last.returncode}: {last.stderr[-1500:]}"))
    result.seconds = time.perf_counter() - started
    return result
