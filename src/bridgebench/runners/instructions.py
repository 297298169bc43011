"""Instruction counts per item under Valgrind's Callgrind (cache and branch simulation off, so
it costs tens of times the native speed, not hundreds).

For each (case, size) one worker runs under Callgrind with the same inputs as the timing run
and checks the answers again; then, for each implementation, it zeroes the counters, makes one
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bridgebench import workloads
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


def count_case(
    workload: str, case: str, size: int, seed: int, fixture: Any = None, implementations: list[str] | None = None
) -> dict[str, Any]:
    """{implementation: instructions per call} plus the worker's statuses, for one (case, size)."""
    job = {"workload": workload, "case": case, "size": size, "seed": seed, "fixture": fixture}
    job |= {"count_instructions": True, "calls": 1, "max_items": MAX_ITEMS, "implementations": implementations or []}
    with tempfile.TemporaryDirectory(prefix="bridgebench-callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out"
        proc = subprocess.run(
            [valgrind(), *CALLGRIND, f"--callgrind-out-file={out}", sys.executable, "-m", "bridgebench.runners.worker"],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONHASHSEED="0"),
        )
        result = json.loads(proc.stdout) if proc.stdout.strip() else {"error": proc.stderr[-2000:]}
        if "error" in result:
            raise RuntimeError(f"instruction count of {workload}.{case} n={size:,} failed: {result['error']}")
        counts = [_summary(Path(f"{out}.{i}")) for i in range(1, len(result["segments"]) + 1)]
    overhead = counts[-1]
    per_call = {name: max(0, count - overhead) for name, count in zip(result["segments"], counts, strict=True) if name}
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
        cases = []
        for case in result.cases:
            sizes = []
            for size in case.sizes:
                if on_job:
                    on_job(f"{result.name}.{case.name} n={size.size:,}: instructions (Valgrind)")
                counted = count_case(result.name, case.name, size.size, seed, implementations=worth_counting(size))
                sizes.append(with_counts(size, counted))
            cases.append(dataclasses.replace(case, sizes=tuple(sizes)))
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
