"""Instruction counts per item under Valgrind's Callgrind (cache and branch simulation off, so
it costs tens of times the native speed, not hundreds).

One worker per workload runs under Callgrind; for each (case, size) it makes the same inputs as
the timing run and checks the answers again; then, for each implementation, it zeroes the counters, makes one
warm call and dumps them (runners.client_requests), so each dump holds exactly one call. An empty
segment at the end measures the requests' own cost, which is subtracted.

What instruction counts miss: cache misses, branch mispredictions, memory bandwidth, and every
moment spent waiting (I/O, locks, sleeping). Two versions with the same count can differ in wall
time; a count is a steady signal for CPU work, not a replacement for wall time. Workloads that
mostly wait (the scraper: sockets and a local server whose work Valgrind does not see) declare
``count_instructions=False`` and keep wall time only.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bridgebench import project, workloads
from bridgebench.errors import UsageError
from bridgebench.runners.results import SizeResult, WorkloadResult

CALLGRIND = ["--tool=callgrind", "--cache-sim=no", "--branch-sim=no", "--dump-instr=no", "--compress-strings=no"]
_SUMMARY = re.compile(rb"^summary:\s+(\d+)", re.MULTILINE)


def valgrind() -> str:
    found = shutil.which("valgrind") or ("/usr/bin/valgrind" if os.access("/usr/bin/valgrind", os.X_OK) else None)
    if found is None:
        raise UsageError("--instructions needs Valgrind (apt-get install valgrind)")
    return found


# Counted on a prefix of the input: instructions per item are compared run against run, and a
# prefix keeps a native spell query (about 1 ms) from costing minutes under Valgrind.
MAX_ITEMS = 100
# An implementation whose counted call takes longer than this natively (the wall run says) is
# not counted: under Valgrind it would take minutes (the pure-Python spell checker, peers run
# on whole dictionaries). The gate is about our own code.
MAX_NATIVE_SECONDS = 0.5


def worth_counting(size: SizeResult) -> list[str]:
    return [m.name for m in size.implementations if m.ok and m.per_item * min(m.items, MAX_ITEMS) <= MAX_NATIVE_SECONDS]


@dataclass(frozen=True)
class CountJob:
    case: str
    size: int
    implementations: tuple[str, ...] = ()  # all when empty


def count_case(
    workload: str, case: str, size: int, seed: int, fixture: Any = None, implementations: list[str] | None = None
) -> dict[str, Any]:
    """{implementation: instructions per call} plus the worker's statuses, for one (case, size)."""
    return count_workload(workload, [CountJob(case, size, tuple(implementations or ()))], seed, fixture)[0]


def count_workload(workload: str, jobs: list[CountJob], seed: int, fixture: Any = None) -> list[dict[str, Any]]:
    """One Callgrind process for all of a workload's (case, size) jobs: Python's start-up and the
    imports, the slowest part under Valgrind, are paid once. One result per job, in order."""
    payload = [
        {"workload": workload, "case": j.case, "size": j.size, "seed": seed, "fixture": fixture}
        | {"count_instructions": True, "calls": 1, "max_items": MAX_ITEMS, "implementations": list(j.implementations)}
        for j in jobs
    ]
    with tempfile.TemporaryDirectory(prefix="bridgebench-callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out"
        proc = subprocess.run(
            [valgrind(), *CALLGRIND, f"--callgrind-out-file={out}", sys.executable, "-m", "bridgebench.runners.worker"],
            input=json.dumps({"jobs": payload}),
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONHASHSEED="0", **project.worker_env()),
        )
        results = json.loads(proc.stdout) if proc.stdout.strip() else {"error": proc.stderr[-2000:]}
        if isinstance(results, dict):
            raise RuntimeError(f"instruction count of {workload} failed: {results.get('error')}")
        dumps = sum(len(r.get("segments", ())) for r in results)
        counts = iter([_summary(Path(f"{out}.{i}")) for i in range(1, dumps + 1)])
    return [_per_call(job, result, counts) for job, result in zip(jobs, results, strict=True)]


def _per_call(job: CountJob, result: dict[str, Any], counts: Iterator[int]) -> dict[str, Any]:
    if "error" in result:
        raise RuntimeError(f"instruction count of {job.case} n={job.size:,} failed: {result['error']}")
    mine = [next(counts) for _ in result["segments"]]
    overhead = mine[-1]  # the empty segment: the client requests' own cost
    per_call = {name: max(0, n - overhead) for name, n in zip(result["segments"], mine, strict=True) if name}
    return {"per_call": per_call, "implementations": result["implementations"]}


def _summary(path: Path) -> int:
    match = _SUMMARY.search(path.read_bytes())
    if match is None:
        raise RuntimeError(f"no instruction summary in {path}")
    return int(match.group(1))


def add_counts(
    results: list[WorkloadResult],
    selected: dict[str, workloads.Workload],
    *,
    seed: int,
    on_job: Callable[[str], None] | None = None,
) -> list[WorkloadResult]:
    """The same results with instructions per item filled in where they can be counted."""
    valgrind()
    out = []
    for result in results:
        workload = selected[result.name]
        if not workload.count_instructions:
            out.append(result)
            continue
        if on_job:
            on_job(f"{result.name}: instructions under Valgrind ({sum(len(c.sizes) for c in result.cases)} jobs)")
        jobs = [CountJob(c.name, s.size, tuple(worth_counting(s))) for c in result.cases for s in c.sizes]
        counted = iter(count_workload(result.name, jobs, seed))
        cases = [
            dataclasses.replace(c, sizes=tuple(with_counts(s, next(counted)) for s in c.sizes)) for c in result.cases
        ]
        out.append(dataclasses.replace(result, cases=tuple(cases)))
    return out


def with_counts(size: SizeResult, counted: dict[str, Any]) -> SizeResult:
    implementations = []
    for m in size.implementations:
        calls = counted["per_call"].get(m.name)
        items = counted["implementations"].get(m.name, {}).get("items") or 0
        if calls is not None and items:
            m = dataclasses.replace(m, instructions=calls / items)
        implementations.append(m)
    return dataclasses.replace(size, implementations=tuple(implementations))
