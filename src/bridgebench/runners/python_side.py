"""Times every implementation of every case at every size in worker processes and pools the
results: per implementation, seconds per call and per item (median and quartiles), agreement,
and speed-ups that are reported only when the answers were checked equal."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bridgebench import workloads
from bridgebench.runners import stats
from bridgebench.runners.profiles import Profile

ProgressCallback = Callable[[str], None]


class WorkerFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Job:
    workload: str
    case: str
    size: int
    seed: int
    fixture: Any
    profile: Profile

    def payload(self) -> dict[str, Any]:
        return {
            "workload": self.workload,
            "case": self.case,
            "size": self.size,
            "seed": self.seed,
            "fixture": self.fixture,
            "samples": self.profile.samples,
            "warmups": self.profile.warmups,
            "min_time": self.profile.min_time,
            "max_time": self.profile.max_time,
        }


def run_worker(job: Job) -> dict[str, Any]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(
        [sys.executable, "-m", "bridgebench.runners.worker"],
        input=json.dumps(job.payload()),
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0:
        raise WorkerFailed(
            f"worker for {job.workload}/{job.case}/{job.size} exited {proc.returncode}:\n{proc.stderr[-3000:]}"
        )
    result = json.loads(proc.stdout)
    if "error" in result:
        raise WorkerFailed(
            f"worker for {job.workload}/{job.case}/{job.size} failed: {result['error']}\n{result.get('traceback', '')}"
        )
    return result


def _merge(case: workloads.Case, size: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Pools the samples of all processes for one (case, size)."""
    implementations = []
    for impl in case.implementations:
        per_process = [run["implementations"].get(impl.name) for run in runs]
        per_process = [p for p in per_process if p is not None]
        if not per_process:
            continue
        entry: dict[str, Any] = {"name": impl.name, "kind": impl.kind, "note": impl.note}
        bad = next((p for p in per_process if p["status"] != "ok"), None)
        if bad is not None:
            entry.update(status=bad["status"], reason=bad.get("reason", ""))
            implementations.append(entry)
            continue
        values = [v for p in per_process for v in p["per_call"]]
        items = per_process[0]["items"]
        per_call = stats.summarize(values)
        entry.update(
            status="ok",
            items=items,
            loops=per_process[0]["loops"],
            per_call=per_call,
            per_item=stats.summarize([v / max(items, 1) for v in values]),
            spread=stats.relative_spread(per_call),
        )
        implementations.append(entry)

    by_name = {e["name"]: e for e in implementations}
    reference = runs[0].get("reference")
    base = by_name.get(reference) if reference else None
    for entry in implementations:
        entry["speedup_vs_baseline"] = None
        if base is not None and base["status"] == "ok" and entry["status"] == "ok":
            entry["speedup_vs_baseline"] = base["per_item"]["median"] / entry["per_item"]["median"]
    return {"size": size, "reference": reference, "processes": len(runs), "implementations": implementations}


def evaluate_targets(case: workloads.Case, sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for target in case.targets:
        row: dict[str, Any] = {
            "description": target.description,
            "subject": target.subject,
            "reference": target.reference,
            "max_ratio": target.max_ratio,
            "size": target.size,
            "ratio": None,
            "met": None,
            "why": "",
        }
        measured = next((s for s in sizes if s["size"] == target.size), None)
        if measured is None:
            row["why"] = f"size {target.size:,} not measured in this run (try --full or --sizes)"
        else:
            by_name = {e["name"]: e for e in measured["implementations"]}
            subject, reference = by_name.get(target.subject), by_name.get(target.reference)
            if subject is None or reference is None or subject["status"] != "ok" or reference["status"] != "ok":
                missing = [
                    n
                    for n, e in ((target.subject, subject), (target.reference, reference))
                    if e is None or e["status"] != "ok"
                ]
                row["why"] = "not measured: " + ", ".join(
                    f"{n} ({by_name[n]['status']}: {by_name[n].get('reason', '')})" if n in by_name else n
                    for n in missing
                )
            else:
                ratio = subject["per_item"]["median"] / reference["per_item"]["median"]
                row.update(ratio=ratio, met=ratio <= target.max_ratio)
        out.append(row)
    return out


@contextlib.contextmanager
def _fixture(workload: workloads.Workload) -> Iterator[Any]:
    if workload.fixture is None:
        yield None
    else:
        with workload.fixture() as value:
            yield value


def plan(
    selected: dict[str, workloads.Workload],
    profile: Profile,
    sizes_override: list[int] | None,
    cases_filter: set[str] | None,
) -> list[tuple[workloads.Workload, workloads.Case, list[int]]]:
    out = []
    for workload in selected.values():
        for case in workload.cases:
            if cases_filter and case.name not in cases_filter and f"{workload.name}.{case.name}" not in cases_filter:
                continue
            sizes = sizes_override or case.sizes.get(profile.name) or case.sizes["quick"]
            out.append((workload, case, sizes))
    return out


def run(
    selected: dict[str, workloads.Workload],
    profile: Profile,
    *,
    seed: int = 20261125,
    sizes_override: list[int] | None = None,
    cases_filter: set[str] | None = None,
    on_job: ProgressCallback | None = None,
) -> list[dict[str, Any]]:
    """Runs the plan and returns one result dict per workload."""
    results = []
    work = plan(selected, profile, sizes_override, cases_filter)
    for workload in selected.values():
        cases = [(case, sizes) for w, case, sizes in work if w is workload]
        if not cases:
            continue
        entry: dict[str, Any] = {
            "name": workload.name,
            "description": workload.description,
            "cases": [],
            "facts": workload.facts() if workload.facts else {},
        }
        with _fixture(workload) as fixture:
            for case, sizes in cases:
                measured = []
                for size in sizes:
                    runs = []
                    for process in range(profile.processes):
                        if on_job:
                            on_job(f"{workload.name}.{case.name} n={size:,} process {process + 1}/{profile.processes}")
                        runs.append(run_worker(Job(workload.name, case.name, size, seed, fixture, profile)))
                    measured.append(_merge(case, size, runs))
                entry["cases"].append(
                    {
                        "name": case.name,
                        "unit": case.unit,
                        "description": case.description,
                        "sizes": measured,
                        "targets": evaluate_targets(case, measured),
                    }
                )
        if workload.sections is not None:
            entry["sections"] = [dataclasses.asdict(section) for section in workload.sections(entry)]
        results.append(entry)
    return results


def count_jobs(
    selected: dict[str, workloads.Workload],
    profile: Profile,
    sizes_override: list[int] | None,
    cases_filter: set[str] | None,
) -> int:
    return sum(len(sizes) for _, _, sizes in plan(selected, profile, sizes_override, cases_filter)) * profile.processes
