"""Runs scenarios in a process of its own, against whichever bridgebench build is first on
PYTHONPATH (the audit builds in build/audit or build/asan), and writes what it saw as JSON.

    python -m bridgebench.leakcheck.worker --mode ledger|growth|exercise --out FILE
        [--reduced] [--only PREFIX,...] [--n N] [--k K] [--repeat R]

Modes:
- ledger: every site must be balanced after each scenario (allocations == frees, 0 bytes
  outstanding); records each scenario's per-site activity;
- growth: runs each scenario N times (warm-up), then measures after 0, N, k*N and (2k-1)*N
  more calls: native heap in use (bridgebench.leakcheck.heap), Python objects alive
  (sys.getallocatedblocks) and ledger bytes outstanding per site;
- exercise: runs each scenario a few times and exits, for an exit-time checker (LSan, Valgrind)
  watching the process.
Canaries are switched on by the caller with BRIDGEBENCH_CANARY.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import threading
import time
import traceback

from bridgebench import ledger
from bridgebench.leakcheck import heap
from bridgebench.leakcheck.scenarios import Scenario, all_scenarios, select

_progress_path: str | None = None
_progress_last: str | None = None


def _mark(scenario: Scenario) -> None:
    """Records the scenario about to run, so a crash (a segfault, an ASan abort) can be pinned
    on it: the parent reads <out>.progress when no result was written."""
    global _progress_last
    if _progress_path is None or _progress_last == scenario.name:
        return
    with open(_progress_path, "w") as f:
        f.write(scenario.name)
    _progress_last = scenario.name


def _run_checked(scenario: Scenario, errors: list[dict]) -> bool:
    _mark(scenario)
    try:
        scenario()
        return True
    except BaseException as e:  # noqa: BLE001 - every failure is a finding, KeyboardInterrupt aside
        if isinstance(e, KeyboardInterrupt):
            raise
        errors.append(
            {"scenario": scenario.name, "error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc(limit=6)}
        )
        return False


def _site_dict(site: ledger.Site) -> dict:
    return {
        "allocations": site.allocations,
        "frees": site.frees,
        "bytes_allocated": site.bytes_allocated,
        "bytes_outstanding": site.bytes_outstanding,
    }


def run_ledger(scenarios: list[Scenario]) -> dict:
    errors: list[dict] = []
    results = []
    for s in scenarios:
        gc.collect()
        before = {} if s.resets_ledger else ledger.snapshot()
        _run_checked(s, errors)
        gc.collect()
        activity = ledger.delta(before, ledger.snapshot())
        results.append({"scenario": s.name, "sites": {n: _site_dict(site) for n, site in activity.items()}})
    return {"scenarios": results, "errors": errors}


def run_growth(scenarios: list[Scenario], n: int, k: int) -> dict:
    errors: list[dict] = []
    results = []
    for s in scenarios:
        calls = max(2, round(n * s.growth_weight))

        def batch(count: int, s: Scenario = s) -> tuple[int, int, dict[str, int]]:
            for _ in range(count):
                if not _run_checked(s, errors):
                    break
            gc.collect()
            return (
                heap.in_use(),
                sys.getallocatedblocks(),
                {n: site.bytes_outstanding for n, site in ledger.snapshot().items()},
            )

        started = time.perf_counter()
        batch(calls)  # warm-up: first-use caches, interned names, new ledger sites
        # Two measurements with no call in between: what measuring itself keeps alive (the
        # earlier points' numbers and site names), subtracted from every later step.
        calibration = [batch(0), batch(0)]
        points = [calibration[1], batch(calls), batch((k - 1) * calls), batch((k - 1) * calls)]
        heaps = [p[0] for p in points]
        blocks = [p[1] for p in points]
        names = set().union(*(p[2] for p in points))
        moved = {n: [p[2].get(n, 0) for p in points] for n in sorted(names)}
        moved = {n: v for n, v in moved.items() if len(set(v)) > 1}
        results.append(
            {
                "scenario": s.name,
                "calls": calls,
                "k": k,
                "heap": heaps,
                "python_blocks": blocks,
                "slack_factor": s.growth_slack_factor,
                "measuring_overhead": {
                    "heap": calibration[1][0] - calibration[0][0],
                    "python_blocks": calibration[1][1] - calibration[0][1],
                },
                "ledger_outstanding": [sum(p[2].values()) for p in points],
                "sites_moved": moved,
                "seconds": round(time.perf_counter() - started, 4),
            }
        )
    return {"scenarios": results, "errors": errors, "heap_metric": heap.metric()}


def run_exercise(scenarios: list[Scenario], repeat: int, in_thread: bool) -> dict:
    errors: list[dict] = []

    def exercise() -> None:
        for s in scenarios:
            for _ in range(repeat):
                _run_checked(s, errors)
        gc.collect()

    if in_thread:
        # LSan scans the stacks of live threads only: once this thread has finished, no stale
        # stack slot of a scenario can keep a lost block looking reachable at exit.
        worker = threading.Thread(target=exercise, name="leakcheck-scenarios")
        worker.start()
        worker.join()
    else:
        exercise()
    return {"scenarios": [{"scenario": s.name} for s in scenarios], "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bridgebench.leakcheck.worker")
    parser.add_argument("--mode", choices=["ledger", "growth", "exercise"], required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--reduced", action="store_true", help="only the reduced scenario set")
    parser.add_argument("--only", default="", help="comma-separated scenario name prefixes")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--in-thread", action="store_true", help="exercise: run the scenarios in a thread")
    args = parser.parse_args(argv)

    global _progress_path
    _progress_path = args.out + ".progress"
    prefixes = [p for p in args.only.split(",") if p]
    scenarios = select(all_scenarios(), reduced=args.reduced, prefixes=prefixes)
    started = time.perf_counter()
    if args.mode == "ledger":
        result = run_ledger(scenarios)
    elif args.mode == "growth":
        result = run_growth(scenarios, args.n, args.k)
    else:
        result = run_exercise(scenarios, args.repeat, args.in_thread)
    result.update(
        mode=args.mode,
        seconds=round(time.perf_counter() - started, 3),
        canaries_compiled_in=ledger.canaries_compiled_in(),
        bridgebench=sys.modules["bridgebench"].__file__,
    )
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
