"""Times every implementation of every case at every size in worker processes and pools the
results into the typed model (runners.results): per implementation every raw sample in seconds
per item, agreement, and speed-ups with 95 % intervals that are reported only when the answers
were checked equal."""

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

from bridgebench import project, workloads
from bridgebench.runners import stats
from bridgebench.runners.profiles import Profile
from bridgebench.runners.results import (
    OK,
    CaseResult,
    Estimate,
    Measurement,
    Metric,
    Samples,
    SizeResult,
    TargetResult,
    WorkloadResult,
)

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
    implementations: tuple[str, ...] = ()  # only these (all when empty)

    def payload(self) -> dict[str, Any]:
        return {
            "implementations": list(self.implementations),
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
    env = dict(os.environ, PYTHONHASHSEED="0", **project.worker_env())
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


def _measurement(impl: workloads.Implementation, per_process: list[dict[str, Any]]) -> Measurement:
    """Pools one implementation's samples of all processes (raw, seconds per item)."""
    bad = next((p for p in per_process if p["status"] != "ok"), None)
    if bad is not None:
        return Measurement(impl.name, impl.kind, bad["status"], bad.get("reason", ""), impl.note)
    items = per_process[0]["items"]
    samples = Samples(tuple(tuple(v / max(items, 1) for v in p["per_call"]) for p in per_process))
    metrics = {k: Metric(**v) for k, v in (per_process[0].get("metrics") or {}).items()}
    return Measurement(
        impl.name, impl.kind, OK, "", impl.note, items, per_process[0]["loops"], samples, metrics=metrics
    )


def with_speedups(measurements: list[Measurement], reference: str | None) -> tuple[Measurement, ...]:
    """Speed-up over the reference (baseline) with its 95 % interval, only for checked answers."""
    base = next((m for m in measurements if m.name == reference), None)
    if base is None or not base.ok:
        return tuple(measurements)
    out = []
    for m in measurements:
        if m.ok and m is not base:
            point, low, high = stats.ratio_of_medians_interval(base.values(), m.values())
            m = dataclasses.replace(m, speedup=Estimate(point, low, high))
        out.append(m)
    return tuple(out)


def merge(case: workloads.Case, size: int, runs: list[dict[str, Any]]) -> SizeResult:
    """Pools the samples of all processes for one (case, size)."""
    measurements = []
    for impl in case.implementations:
        per_process = [run["implementations"][impl.name] for run in runs if impl.name in run["implementations"]]
        if per_process:
            measurements.append(_measurement(impl, per_process))
    reference = runs[0].get("reference")
    return SizeResult(size, reference, len(runs), with_speedups(measurements, reference))


def evaluate_targets(case: workloads.Case, sizes: list[SizeResult]) -> tuple[TargetResult, ...]:
    # A target without a size is checked at the largest size this run measured.
    largest = max((s.size for s in sizes), default=0)
    out = []
    for target in case.targets:
        size = largest if target.size is None else target.size
        out.append(_evaluate(target, size, next((s for s in sizes if s.size == size), None)))
    return tuple(out)


def _evaluate(target: workloads.Target, size: int, measured: SizeResult | None) -> TargetResult:
    result = TargetResult(target.description, target.subject, target.reference, target.max_ratio, size)
    if measured is None:
        return dataclasses.replace(result, why=f"size {size:,} not measured in this run (try --full or --sizes)")
    subject, reference = measured.get(target.subject), measured.get(target.reference)
    pair = [(target.subject, subject), (target.reference, reference)]
    missing = [(name, m) for name, m in pair if m is None or not m.ok]
    if subject is None or reference is None or missing:
        return dataclasses.replace(
            result,
            why="not measured: "
            + ", ".join(f"{name} ({m.status}: {m.reason})" if m is not None else name for name, m in missing),
        )
    ratio = subject.per_item / reference.per_item
    return dataclasses.replace(result, ratio=ratio, met=ratio <= target.max_ratio)


@contextlib.contextmanager
def fixture_of(workload: workloads.Workload) -> Iterator[Any]:
    if workload.fixture is None:
        yield None
    else:
        with workload.fixture() as value:
            yield value


def sizes_in(case: workloads.Case, profile_name: str, *, named: bool) -> list[int]:
    """The sizes a case runs at in a profile: the profile's own list, else the quick one. An
    empty list keeps a costly case out of that profile (the scrape concurrency sweep runs only
    with --full) unless the user named the case with --cases: then it runs at its largest list."""
    sizes = case.sizes.get(profile_name, case.sizes["quick"])
    if sizes or not named:
        return list(sizes)
    return max(case.sizes.values(), key=len)


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
            declared = sizes_in(case, profile.name, named=bool(cases_filter))
            if declared:  # --sizes changes the sizes of the cases a profile runs, not which ones
                out.append((workload, case, sizes_override or declared))
    return out


def run(
    selected: dict[str, workloads.Workload],
    profile: Profile,
    *,
    seed: int = 20261125,
    sizes_override: list[int] | None = None,
    cases_filter: set[str] | None = None,
    on_job: ProgressCallback | None = None,
) -> list[WorkloadResult]:
    """Runs the plan and returns one result per workload."""
    results = []
    work = plan(selected, profile, sizes_override, cases_filter)
    for workload in selected.values():
        cases = [(case, sizes) for w, case, sizes in work if w is workload]
        if not cases:
            continue
        measured_cases = []
        with fixture_of(workload) as fixture:
            for case, sizes in cases:
                measured = []
                for size in sizes:
                    runs = []
                    for process in range(profile.processes):
                        if on_job:
                            on_job(f"{workload.name}.{case.name} n={size:,} process {process + 1}/{profile.processes}")
                        runs.append(run_worker(Job(workload.name, case.name, size, seed, fixture, profile)))
                    measured.append(merge(case, size, runs))
                measured_cases.append(
                    CaseResult(
                        case.name, case.unit, case.description, tuple(measured), evaluate_targets(case, measured)
                    )
                )
        facts = workload.facts() if workload.facts else {}
        results.append(WorkloadResult(workload.name, workload.description, tuple(measured_cases), facts))
    return results


def count_jobs(
    selected: dict[str, workloads.Workload],
    profile: Profile,
    sizes_override: list[int] | None,
    cases_filter: set[str] | None,
) -> int:
    return sum(len(sizes) for _, _, sizes in plan(selected, profile, sizes_override, cases_filter)) * profile.processes
