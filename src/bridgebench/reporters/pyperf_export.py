"""`bench --json FOLDER --json-format pyperf`: the raw samples as a pyperf benchmark suite, so
`python -m pyperf stats|compare_to|hist` and any pyperf-reading tool can use them.

One pyperf benchmark per (workload, case, size, implementation), named
"workload.case n=size implementation", unit seconds, one pyperf run per worker process, each
value one sample in seconds per item."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bridgebench.runners.results import RunResult

PYPERF_FORMAT = "1.0"


def suite(run: RunResult) -> dict[str, Any]:
    benchmarks = []
    for row in run.rows():
        m = row.measurement
        if not m.ok or m.samples is None:
            continue
        runs = [
            {"metadata": {"date": run.created, "loops": max(m.loops, 1)}, "values": list(process)}
            for process in m.samples.per_process
            if process
        ]
        benchmarks.append(
            {
                "metadata": {
                    "name": f"{row.workload}.{row.case} n={row.size} {m.name}",
                    "unit": "second",
                    "description": f"seconds per {m.kind} item",
                },
                "runs": runs,
            }
        )
    metadata = {"hostname": run.machine.get("hostname", ""), "python_version": run.machine.get("python", "")}
    if run.commit:
        metadata["commit_id"] = run.commit
    return {"version": PYPERF_FORMAT, "metadata": metadata, "benchmarks": benchmarks}


def write(run: RunResult, path: Path) -> Path:
    path.write_text(json.dumps(suite(run), indent=1) + "\n")
    return path
