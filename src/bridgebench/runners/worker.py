"""One timing process: `python -m bridgebench.runners.worker` reads a job (JSON on stdin),
makes the case's input, runs every implementation once to collect answers, checks they agree,
times each one, and writes the result as JSON on stdout.

Running each (case, size) in fresh processes keeps one implementation's heap, caches and
import side effects from colouring another's figures, and lets the parent pool samples from
several processes, as pyperf does."""

from __future__ import annotations

import importlib
import json
import sys
import traceback
from dataclasses import asdict
from typing import Any

from bridgebench import workloads
from bridgebench.runners import agreement, client_requests, timing


def _available(impl: workloads.Implementation, fixture: Any) -> str | None:
    """None when the implementation can run here, else why not."""
    if impl.requires is not None:
        try:
            importlib.import_module(impl.requires)
        except ImportError as e:
            return f"{impl.requires} is not installed ({e.__class__.__name__})"
    return impl.available(fixture) if impl.available is not None else None


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    workload = workloads.get(job["workload"])
    return run_case(workload.case(job["case"]), job)


def run_case(case: workloads.Case, job: dict[str, Any]) -> dict[str, Any]:
    """One (case, size): answers, their agreement, and the timings (runners.python_side.Job
    says what ``job`` holds); also called in-process by the pytest plugin."""
    wanted = set(job.get("implementations") or [impl.name for impl in case.implementations])
    data = case.make_input(job["size"], job["seed"], job.get("fixture"))

    results: dict[str, dict[str, Any]] = {}
    outputs: dict[str, Any] = {}
    prepared: dict[str, Any] = {}
    first_call: dict[str, float] = {}
    for impl in case.implementations:
        if impl.name not in wanted:
            continue
        reason = _available(impl, job.get("fixture"))
        if reason is not None:
            results[impl.name] = {"status": "skipped", "reason": reason}
            continue
        limits = [n for n in (len(data), impl.max_items, job.get("max_items")) if n is not None]
        items = min(limits)
        try:
            arg = impl.prepare(case.take(data, items))
            answer, seconds = timing.timed_call(impl.run, arg)
            outputs[impl.name] = impl.to_canonical(answer)
            metrics = case.metrics(case.take(data, items), outputs[impl.name]) if case.metrics else {}
        except Exception as e:  # an implementation that fails is reported, never timed
            results[impl.name] = {
                "status": "error",
                "reason": f"{type(e).__name__}: {e}",
                "traceback": traceback.format_exc(limit=5),
            }
            continue
        prepared[impl.name] = arg
        first_call[impl.name] = seconds
        results[impl.name] = {"status": "ok", "items": items, "metrics": {k: asdict(v) for k, v in metrics.items()}}

    reference = next((i.name for i in case.implementations if i.kind == "baseline" and i.name in outputs), None)
    native = next((i.name for i in case.implementations if i.kind == "native" and i.name in outputs), None)
    verdicts = agreement.check(outputs, reference, native, case.agree)
    del outputs

    for name, problem in verdicts.items():
        if problem:
            results[name].update(status="disagree", reason=problem)
            prepared.pop(name, None)
    if job.get("count_instructions"):
        segments = _count_instructions(case, prepared, job.get("calls", 1))
        return {"implementations": results, "reference": reference, "native": native, "segments": segments}

    timed = [
        timing.Timed(impl.name, impl.run, prepared[impl.name], first_call[impl.name])
        for impl in case.implementations
        if impl.name in prepared
    ]
    measured = timing.measure_in_turns(
        timed, min_time=job["min_time"], samples=job["samples"], warmups=job["warmups"], max_time=job.get("max_time")
    )
    for name, m in measured.items():
        results[name].update(loops=m.loops, per_call=m.per_call)
    return {"implementations": results, "reference": reference, "native": native}


def _count_instructions(case: workloads.Case, prepared: dict[str, Any], calls: int) -> list[str | None]:
    """Under Callgrind: one dump per implementation holding exactly `calls` warm calls (the answer
    check was the warm-up), then one empty segment (None) that measures the requests' own cost."""
    requests = client_requests.ClientRequests()
    if not requests.running_on_valgrind():
        raise RuntimeError("count_instructions: this worker is not running under Valgrind")
    segments: list[str | None] = []
    for impl in case.implementations:
        if impl.name not in prepared:
            continue
        with timing.gc_paused():
            requests.zero()
            for _ in range(calls):
                impl.run(prepared[impl.name])
            requests.dump()
        segments.append(impl.name)
    with timing.gc_paused():
        requests.zero()
        requests.dump()
    segments.append(None)
    return segments


def _safely(job: dict[str, Any]) -> dict[str, Any]:
    try:
        return run_job(job)
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()}


def main() -> int:
    job = json.load(sys.stdin)
    # {"jobs": [...]}: several jobs in one process (instruction counts pay start-up once).
    result = [_safely(j) for j in job["jobs"]] if "jobs" in job else _safely(job)
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
