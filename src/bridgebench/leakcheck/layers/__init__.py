"""The layers. Each runs the scenarios in worker processes (bridgebench.leakcheck.worker)
against an audit build and turns what it sees into findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bridgebench.errors import SetupError
from bridgebench.leakcheck.model import Finding
from bridgebench.leakcheck.scenarios import FIXTURES_ENV, Canary
from bridgebench.leakcheck.stacks import OURS, Owner

# The audit build a worker must import bridgebench from (set by worker_env; none when the
# first PYTHONPATH entry is a user's package built for the audit of foreign code).
AUDIT_SITE_ENV = "BRIDGEBENCH_AUDIT_SITE"


@dataclass
class Context:
    root: Path  # the source tree (meson.build, leakcheck/)
    work_dir: Path  # scratch space for logs and worker output
    quick: bool
    canaries: list[Canary] = field(default_factory=list)  # the active canaries
    only: tuple[str, ...] = ()  # scenario name prefixes ("" = all)
    sites: dict[str, Path] = field(default_factory=dict)  # build kind -> installed site dir
    suppressions_dir: Path | None = None  # default: <root>/leakcheck
    fixtures: dict = field(default_factory=dict)  # workload -> its FIXTURE's value
    fuzz_seconds: float | None = None  # per fuzz target; None: the quick or full default
    # Foreign code (a user's project): the workers load its scenarios (BRIDGEBENCH_PROJECT),
    # and the native layers attribute findings to its package's binaries.
    project_env: dict[str, str] = field(default_factory=dict)
    owner: Owner = OURS

    @property
    def canary_names(self) -> str:
        return ",".join(c.name for c in self.canaries)

    @property
    def leakcheck_dir(self) -> Path:
        return self.suppressions_dir or self.root / "leakcheck"


def worker_command(
    mode: str,
    out: Path,
    *,
    quick_set: bool = False,
    only: tuple[str, ...] = (),
    extra: tuple[str, ...] = (),
    after: str | None = None,
) -> list[str]:
    # A result or progress file left by an earlier run in the same folder must not be mistaken
    # for this run's.
    out.unlink(missing_ok=True)
    Path(str(out) + ".progress").unlink(missing_ok=True)
    Path(str(out) + ".partial").unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "bridgebench.leakcheck.worker", "--mode", mode, "--out", str(out)]
    if quick_set:
        cmd.append("--quick-set")
    if only:
        cmd += ["--only", ",".join(only)]
    if after:
        cmd += ["--after", after]
    return cmd + list(extra)


def worker_env(ctx: Context, site: Path | None, **extra: str) -> dict[str, str]:
    """The environment of a worker: the audit build's site first on PYTHONPATH (none for
    foreign code, which runs as the user installed it)."""
    env = dict(os.environ, **ctx.project_env)
    env.pop(AUDIT_SITE_ENV, None)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(site)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        if not ctx.project_env:
            env[AUDIT_SITE_ENV] = str(site)
    env["BRIDGEBENCH_CANARY"] = ctx.canary_names
    env[FIXTURES_ENV] = json.dumps(ctx.fixtures)
    env.pop("PYTHONMALLOC", None)
    env.update(extra)
    return env


def run_worker(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        stderr = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return subprocess.CompletedProcess(cmd, -1, "", f"{stderr}\ntimed out after {timeout:.0f} s")


def crashed_in(out: Path) -> str | None:
    """The scenario a worker was running when it died (None if it finished)."""
    progress = Path(str(out) + ".progress")
    if out.is_file() or not progress.is_file():
        return None
    return progress.read_text().strip() or None


def read_worker_output(out: Path, proc: subprocess.CompletedProcess, layer: str) -> tuple[dict | None, list[Finding]]:
    """The worker's JSON, plus findings for scenario errors and a crashed worker."""
    if not out.is_file():
        scenario = crashed_in(out)
        return None, [
            Finding(
                layer,
                "crash",
                scenario or "?",
                f"worker exited with {proc.returncode} before writing its result"
                f"{' (in scenario ' + scenario + ')' if scenario else ''}: {(proc.stderr or '')[-1500:]}",
                scenario=scenario,
            )
        ]
    data = json.loads(out.read_text())
    return data, [_error_finding(layer, e) for e in data.get("errors", [])]


def _error_finding(layer: str, error: dict) -> Finding:
    return Finding(
        layer,
        "scenario-error",
        error["scenario"],
        error["error"],
        scenario=error["scenario"],
        stack=error.get("traceback", "").splitlines()[-6:],
    )


# A worker that crashes is started again after the scenario it crashed in, so one memory error
# does not hide the scenarios after it; this many crashes end the layer.
MAX_CRASHES = 12


@dataclass
class WorkerRuns:
    """Everything one layer's workers produced, across restarts after crashes."""

    data: dict | None  # the workers' JSON merged ("scenarios" and "errors" concatenated)
    findings: list[Finding]  # scenario errors and one "crash" per crashed scenario
    procs: list[subprocess.CompletedProcess]
    crashed: list[str]  # the scenarios the workers died in, in order

    @property
    def stderr(self) -> str:
        return "\n".join(p.stderr or "" for p in self.procs)


def require_audit_build(data: dict, env: dict[str, str]) -> None:
    """A worker must have run the audit build it was given (BRIDGEBENCH_AUDIT_SITE), with
    the canaries compiled in when some are switched on. Another bridgebench found first (an
    editable install's import hook, a stray .pth file) would audit code without the planted
    leaks or the instrumentation, and its silence would read as a pass."""
    site = env.get(AUDIT_SITE_ENV, "")
    imported = data.get("bridgebench")
    if site and imported and not Path(imported).resolve().is_relative_to(Path(site).resolve()):
        raise SetupError(f"the audit worker imported bridgebench from {imported}, not from the audit build {site}")
    if env.get("BRIDGEBENCH_CANARY") and data.get("canaries_compiled_in") is False:
        raise SetupError(f"the audit build in {site} has no canaries compiled in (configure it with -Dcanaries=true)")


def run_resumable(
    layer: str,
    command: Callable[[int, str | None], list[str]],
    out: Path,
    env: dict[str, str],
    cwd: Path,
    timeout: float,
) -> WorkerRuns:
    """Runs ``command(attempt, after)`` until a worker finishes; a worker that dies in a scenario
    is reported ("crash", naming it) and a new one resumes after that scenario."""
    runs = WorkerRuns(None, [], [], [])
    after: str | None = None
    for attempt in range(MAX_CRASHES + 1):
        proc = run_worker(command(attempt, after), env, cwd, timeout)
        runs.procs.append(proc)
        data, findings = read_worker_output(out, proc, layer)
        runs.findings += findings
        if data is not None:
            require_audit_build(data, env)
            if runs.data is None:
                runs.data = data
            else:
                runs.data["scenarios"] += data.get("scenarios", [])
                runs.data["errors"] += data.get("errors", [])
            return runs
        crashed = crashed_in(out)
        if crashed is None or crashed in runs.crashed:
            return runs  # died before its first scenario, or twice in the same place
        runs.crashed.append(crashed)
        seen = read_partial(out)  # what the worker recorded before it died
        if runs.data is None:
            runs.data = seen
        else:
            runs.data["scenarios"] += seen["scenarios"]
            runs.data["errors"] += seen["errors"]
        runs.findings += [_error_finding(layer, e) for e in seen["errors"]]
        after = crashed
    return runs


def read_partial(out: Path) -> dict:
    """The scenarios and errors a worker recorded (one JSON line each) before it died."""
    seen: dict = {"scenarios": [], "errors": []}
    partial = Path(str(out) + ".partial")
    if partial.is_file():
        for line in partial.read_text().splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break  # the line the worker was writing when it died
            seen["scenarios" if entry["kind"] == "scenario" else "errors"].append(entry["value"])
    return seen


def attribute(findings: list[Finding], canaries: list[Canary]) -> None:
    """Tags each finding with the active canary it belongs to, if any."""
    for f in findings:
        for c in canaries:
            if f.layer not in c.layers:
                continue
            by_site = f.layer in ("ledger", "growth") and f.function in c.sites
            by_stack = f.layer in ("asan", "valgrind") and (
                f.function in c.functions or any(s in c.functions for s in f.stack_functions)
            )
            if by_site or by_stack:
                f.canary = c.name
                break
