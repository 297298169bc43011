"""Fuzz layer: coverage-guided fuzzing under ASan + UBSan, on generated inputs rather than
scenarios.

- libFuzzer targets of the C ABI (tests/fuzz/fuzz_*.cpp), built by clang in build/fuzz
  (-Dfuzzing=true -Db_sanitize=address,undefined): each runs its regression inputs once, then
  fuzzes for a few seconds from its seed corpus (tests/fuzz/corpus/<target>/).
- atheris targets of the pybind11 modules (tests/fuzz/python/fuzz_*.py), run by the normal
  interpreter over build/fuzz's modules with atheris's ASan+libFuzzer runtime preloaded (so
  the modules' coverage counters guide it), PYTHONMALLOC=malloc.

A crash, a sanitizer report, a failed invariant, a timeout or an out-of-memory stop is a
finding; the input that caused it is copied into tests/fuzz/regressions/<target>/, which
tests/python/test_fuzz_regressions.py replays, so it stays fixed once fixed. Leaks are the
other layers' job: LeakSanitizer runs per input for the C targets only (the interpreter's own
allocations would drown the Python targets' reports).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bridgebench.errors import SetupError
from bridgebench.leakcheck.builds import COMPILERS
from bridgebench.leakcheck.layers import Context
from bridgebench.leakcheck.layers.asan import RUNTIME_WORKAROUNDS, STACK_FORMAT, Report, parse, runtime_library
from bridgebench.leakcheck.model import Finding, LayerResult
from bridgebench.leakcheck.stacks import blamed_function, our_frames

# Seconds of fuzzing per target: quick audit, full audit (a long campaign passes its own).
QUICK_SECONDS = 3.0
FULL_SECONDS = 20.0
_EXECUTED = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
_DONE = re.compile(r"^Done (\d+) runs in", re.MULTILINE)
_PYTHON_ERROR = re.compile(r"=== Uncaught Python exception: ===\n(.+)")
_ARTIFACT = re.compile(r"Test unit written to (\S+)")
# "deadly signal", "timeout after 30 seconds", "out-of-memory (...)", "fuzz target exited"
_DEADLY = re.compile(r"ERROR: libFuzzer: ([a-z -]+)")


@dataclass(frozen=True)
class Target:
    name: str  # "arrays_numeric" (C ABI) or "py_arrays" (pybind11 module)
    kind: str  # "libfuzzer" or "atheris"
    program: Path  # the executable, or the Python script

    def corpus(self, root: Path) -> Path:
        return fuzz_dir(root) / "corpus" / self.name

    def regressions(self, root: Path) -> Path:
        return fuzz_dir(root) / "regressions" / self.name


@dataclass
class Outcome:
    target: str
    executions: int
    seconds: float
    findings: list[Finding]
    new_regressions: list[str]


def fuzz_dir(root: Path) -> Path:
    return root / "tests" / "fuzz"


def targets(root: Path, build: Path) -> list[Target]:
    """Every target, found from its source file (a new fuzz_*.cpp or fuzz_*.py joins in)."""
    native = [
        Target(p.stem.removeprefix("fuzz_"), "libfuzzer", build / "tests" / "fuzz" / p.stem)
        for p in sorted(fuzz_dir(root).glob("fuzz_*.cpp"))
    ]
    python = [
        Target("py_" + p.stem.removeprefix("fuzz_"), "atheris", p)
        for p in sorted((fuzz_dir(root) / "python").glob("fuzz_*.py"))
    ]
    return native + python


@functools.cache
def atheris_runtime() -> Path | None:
    """atheris's ASan runtime with libFuzzer in it, preloaded into Python for native coverage."""
    try:
        import atheris
    except ImportError:
        return None
    path = Path(atheris.path()) / "asan_with_fuzzer.so"
    return path if path.is_file() else None


def check_setup() -> None:
    """Set-up problems are usage errors (exit 2), never findings."""
    missing = [c for c in COMPILERS["fuzz"].values() if shutil.which(c) is None]
    if missing:
        raise SetupError(
            f"the fuzz layer needs {' and '.join(missing)} (apt-get install clang libclang-rt-14-dev; "
            "scripts/bootstrap.sh does)"
        )
    if atheris_runtime() is None:
        raise SetupError("the fuzz layer needs atheris in this environment (pip install -r requirements.txt)")


def seconds_per_target(ctx: Context) -> float:
    if ctx.fuzz_seconds is not None:
        return ctx.fuzz_seconds
    return QUICK_SECONDS if ctx.quick else FULL_SECONDS


def sanitizer_options(leaks: bool) -> dict[str, str]:
    # Frames in the form the ASan layer's parser reads (function, source and binary apart).
    frames = f"stack_trace_format={STACK_FORMAT}"
    return {
        "ASAN_OPTIONS": ":".join(
            [f"detect_leaks={int(leaks)}", "allocator_may_return_null=1", "malloc_context_size=30", frames]
            + list(RUNTIME_WORKAROUNDS)
        ),
        "UBSAN_OPTIONS": f"halt_on_error=1:print_stacktrace=1:{frames}",
    }


def environment(ctx: Context, target: Target) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONMALLOC", None)
    if target.kind == "libfuzzer":
        env.update(sanitizer_options(leaks=True))
        return env
    runtime = atheris_runtime()
    env.update(sanitizer_options(leaks=False))
    env["LD_PRELOAD"] = ":".join([str(runtime), runtime_library("libstdc++.so")])
    env["PYTHONMALLOC"] = "malloc"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ctx.sites["fuzz"]), env.get("PYTHONPATH")]))
    return env


def command(target: Target) -> list[str]:
    if target.kind == "libfuzzer":
        return [str(target.program)]
    return [sys.executable, str(target.program)]


def run_libfuzzer(
    target: Target, env: dict[str, str], args: list[str], log: Path, timeout: float
) -> subprocess.CompletedProcess:
    nice = shutil.which("nice")  # the machine is shared: fuzzing takes what is left over
    cmd = [*([nice, "-n", "10"] if nice else []), *command(target), *args]
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as e:
        stderr = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        proc = subprocess.CompletedProcess(cmd, -1, "", stderr + f"\nstopped after {timeout:.0f} s")
    log.write_text((proc.stdout or "") + (proc.stderr or ""))
    return proc


def executions(text: str) -> int:
    if m := _EXECUTED.search(text):
        return int(m.group(1))
    return sum(int(n) for n in _DONE.findall(text))


def describe(target: Target, text: str, returncode: int) -> Finding:
    """One finding for a failed run: the sanitizer report if there is one, else libFuzzer's
    own word (deadly signal, timeout, out of memory) or the failed invariant."""
    reports = [r for r in parse(text) if r.kind not in ("leak", "indirect-leak") or our_frames(r.frames)]
    report: Report | None = reports[0] if reports else None
    if report is not None:
        frames = our_frames(report.frames) or report.frames[:8]
        return Finding(
            "fuzz",
            "leak" if report.kind in ("leak", "indirect-leak") else report.kind,
            blamed_function(report.frames) if report.frames else report.source or target.name,
            report.message,
            scenario=target.name,
            bytes=report.bytes,
            stack=[str(f) for f in frames],
            stack_functions=[f.base_name for f in frames if f.in_our_source],
        )
    invariant = next((line for line in text.splitlines() if "fuzz invariant failed" in line), None)
    python_error = m.group(1) if (m := _PYTHON_ERROR.search(text)) else None
    deadly = _DEADLY.search(text)
    kind = deadly.group(1).strip().removesuffix(" after").replace(" ", "-") if deadly else "crash"
    message = invariant or python_error or (deadly.group(0) if deadly else f"exit status {returncode}")
    return Finding("fuzz", kind, target.name, f"{message}\n{text[-1500:]}", scenario=target.name)


def keep_as_regression(root: Path, target: Target, text: str) -> list[str]:
    """Copies the inputs libFuzzer wrote for a failure into the target's regressions folder
    under `root` (named by kind and content, so the same input is kept once)."""
    kept = []
    for artifact in _ARTIFACT.findall(text):
        source = Path(artifact)
        if not source.is_file():
            continue
        data = source.read_bytes()
        dest = target.regressions(root) / f"{source.name.split('-', 1)[0]}-{hashlib.sha1(data).hexdigest()[:16]}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        kept.append(str(dest))
    return kept


def replay(ctx: Context, target: Target, work: Path) -> subprocess.CompletedProcess | None:
    """Runs the target once over each regression input (no fuzzing)."""
    inputs = sorted(p for p in target.regressions(ctx.root).glob("*") if p.is_file())
    if not inputs:
        return None
    return run_libfuzzer(target, environment(ctx, target), [*map(str, inputs)], work / "replay.log", timeout=300)


def fuzz(ctx: Context, target: Target, seconds: float, keep_in: Path) -> Outcome:
    started = time.perf_counter()
    work = ctx.work_dir / "fuzz" / target.name
    shutil.rmtree(work, ignore_errors=True)
    (work / "corpus").mkdir(parents=True)
    replayed = replay(ctx, target, work)
    if replayed is not None and replayed.returncode != 0:
        text = (replayed.stdout or "") + (replayed.stderr or "")
        finding = describe(target, text, replayed.returncode)
        finding.message = "a regression input fails again: " + finding.message
        return Outcome(target.name, executions(text), time.perf_counter() - started, [finding], [])
    # New inputs go to the scratch corpus; the seed corpus in the repo is only read.
    args = [
        f"-max_total_time={max(1, round(seconds))}",
        "-print_final_stats=1",
        "-timeout=30",
        "-rss_limit_mb=4096",
        f"-artifact_prefix={work}/",
        str(work / "corpus"),
    ]
    if target.corpus(ctx.root).is_dir():
        args.append(str(target.corpus(ctx.root)))
    proc = run_libfuzzer(target, environment(ctx, target), args, work / "fuzz.log", timeout=seconds + 300)
    text = (proc.stdout or "") + (proc.stderr or "")
    findings, kept = [], []
    if proc.returncode != 0:
        findings.append(describe(target, text, proc.returncode))
        kept = keep_as_regression(keep_in, target, text)
        if kept:
            findings[0].message = f"input kept as {', '.join(kept)}: {findings[0].message}"
    return Outcome(target.name, executions(text), time.perf_counter() - started, findings, kept)


def selected(target: Target, only: tuple[str, ...]) -> bool:
    """--only names scenario prefixes ("spell.", "arrays.capi."): a target runs when it
    fuzzes the same workload, or when a prefix names the target itself."""
    workload = target.name.removeprefix("py_").split("_")[0]
    return not only or any(p.split(".")[0] in (workload, target.name) for p in only)


def run(ctx: Context, keep_in: Path | None = None) -> LayerResult:
    """Fuzzes every selected target; failing inputs are kept under `keep_in` (default: the
    source tree, so that the next commit adds them to the regression inputs)."""
    started = time.perf_counter()
    seconds = seconds_per_target(ctx)
    result = LayerResult("fuzz", details={"seconds_per_target": seconds, "targets": {}})
    for target in targets(ctx.root, ctx.sites["fuzz"].parent):
        if not selected(target, ctx.only):
            continue
        outcome = fuzz(ctx, target, seconds, keep_in or ctx.root)
        result.scenarios.append(target.name)
        result.findings += outcome.findings
        result.details["targets"][target.name] = {
            "executions": outcome.executions,
            "seconds": round(outcome.seconds, 1),
            "passed": not outcome.findings,
            "new_regressions": outcome.new_regressions,
        }
    result.seconds = time.perf_counter() - started
    return result
