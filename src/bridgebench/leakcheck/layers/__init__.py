"""The layers. Each runs the scenarios in worker processes (bridgebench.leakcheck.worker)
against an audit build and turns what it sees into findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bridgebench.leakcheck.model import Finding
from bridgebench.leakcheck.scenarios import FIXTURES_ENV, Canary


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

    @property
    def canary_names(self) -> str:
        return ",".join(c.name for c in self.canaries)

    @property
    def leakcheck_dir(self) -> Path:
        return self.suppressions_dir or self.root / "leakcheck"


def worker_command(
    mode: str, out: Path, *, reduced: bool = False, only: tuple[str, ...] = (), extra: tuple[str, ...] = ()
) -> list[str]:
    # A result or progress file left by an earlier run in the same folder must not be mistaken
    # for this run's.
    out.unlink(missing_ok=True)
    Path(str(out) + ".progress").unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "bridgebench.leakcheck.worker", "--mode", mode, "--out", str(out)]
    if reduced:
        cmd.append("--reduced")
    if only:
        cmd += ["--only", ",".join(only)]
    return cmd + list(extra)


def worker_env(ctx: Context, site: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
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
    findings = [
        Finding(
            layer,
            "scenario-error",
            e["scenario"],
            e["error"],
            scenario=e["scenario"],
            stack=e.get("traceback", "").splitlines()[-6:],
        )
        for e in data.get("errors", [])
    ]
    return data, findings


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
