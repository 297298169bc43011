"""Runs scenarios in a process of its own, against whichever bridgebench build is first on
PYTHONPATH (the audit builds in build/audit or build/asan), and writes what it saw as JSON.

    python -m bridgebench.leakcheck.worker --mode ledger|growth|exercise --out FILE
        [--quick-set] [--only PREFIX,...] [--after NAME] [--unit T] [--doublings R]
        [--repeat R] [--in-thread] [--mark-stderr]

Modes:
- ledger: every site must be balanced after each scenario (allocations == frees, 0 bytes
  outstanding); records each scenario's per-site activity;
- growth: runs each scenario T times (warm-up), then doubles the number of calls R times
  (after 2T, 4T, ..., 2^R T calls in all), measuring after each: native heap in use
  (bridgebench.leakcheck.heap), Python objects alive (sys.getallocatedblocks), objects the
  garbage collector tracks, resident memory, open file descriptors, threads, and ledger bytes
  outstanding per site;
- exercise: runs each scenario a few times and exits, for an exit-time checker (LSan, Valgrind)
  watching the process.
Each scenario's result is also appended to FILE.partial as it completes, and the scenario about
to run is written to FILE.progress: when a scenario crashes the process, the layer reads both
and starts a new worker with --after that scenario.
Canaries are switched on by the caller with BRIDGEBENCH_CANARY.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable

from bridgebench import ledger, project
from bridgebench.leakcheck import heap
from bridgebench.leakcheck.scenarios import THREADED_SLACK, Scenario, all_scenarios, quick_set, select

# Marks each scenario on stderr, for layers whose tools report there (ASan, UBSan): a report is
# then pinned on the scenario that printed the last marker before it.
STDERR_MARK = "leakcheck-scenario: "

_progress_path: str | None = None
_partial_path: str | None = None
_progress_last: str | None = None
_mark_stderr = False
# Objects the garbage collector tracks are counted for a project's scenarios and the pytest
# plugin. Not for bridgebench's own audit: listing every tracked object makes a list of about a
# megabyte, whose release moves glibc's mmap threshold and with it the heap figure of scenarios
# that build large native buffers (the speller's index); allocated blocks already count every
# Python object there.
_track_gc_objects = True


def _mark(scenario: Scenario) -> None:
    """Records the scenario about to run, so a crash (a segfault, an ASan abort) can be pinned
    on it: the parent reads <out>.progress when no result was written."""
    global _progress_last
    if _progress_last == scenario.name:
        return
    if _mark_stderr:
        sys.stderr.write(f"{STDERR_MARK}{scenario.name}\n")
        sys.stderr.flush()
    if _progress_path is not None:
        with open(_progress_path, "w") as f:
            f.write(scenario.name)
    _progress_last = scenario.name


def _record(kind: str, value: dict) -> dict:
    """Appends one scenario result or error to <out>.partial (what survives a crash)."""
    if _partial_path is not None:
        with open(_partial_path, "a") as f:
            f.write(json.dumps({"kind": kind, "value": value}) + "\n")
    return value


def _run_checked(scenario: Scenario, errors: list[dict]) -> bool:
    _mark(scenario)
    try:
        scenario()
        return True
    except BaseException as e:  # noqa: BLE001 - every failure is a finding, KeyboardInterrupt aside
        if isinstance(e, KeyboardInterrupt):
            raise
        errors.append(
            _record(
                "error",
                {
                    "scenario": scenario.name,
                    "error": f"{type(e).__name__}: {e}",
                    "traceback": traceback.format_exc(limit=6),
                },
            )
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
        results.append(
            _record("scenario", {"scenario": s.name, "sites": {n: _site_dict(site) for n, site in activity.items()}})
        )
    return {"scenarios": results, "errors": errors}


def _count_entries(folder: str) -> int | None:
    try:
        return len(os.listdir(folder))
    except OSError:
        return None  # not Linux: this figure is not tracked


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None  # not Linux: this figure is not tracked


# The growth curve's series (growth.RULES judges each); the ledger's per-site bytes come apart.
METRICS = ("heap", "python_blocks", "gc_objects", "rss", "fds", "threads")


def _measure() -> dict:
    """One point of the growth curve, after a full collection."""
    gc.collect()
    blocks = sys.getallocatedblocks()  # before gc.get_objects() makes its list
    return {
        "heap": heap.in_use(),
        "python_blocks": blocks,
        "gc_objects": len(gc.get_objects()) if _track_gc_objects else None,
        "rss": _resident_bytes(),
        "fds": _count_entries("/proc/self/fd"),
        "threads": _count_entries("/proc/self/task"),
        "ledger": {n: site.bytes_outstanding for n, site in ledger.snapshot().items()},
    }


def run_growth(scenarios: list[Scenario], unit: int, doublings: int, *, isolate: bool = False) -> dict:
    """isolate: each scenario in a child forked from this process (_can_fork says why); the
    audit's worker isolates, a single check inside a test run (the pytest plugin) need not."""
    errors: list[dict] = []
    results = []
    isolated, threaded = False, set()
    if isolate:
        threaded = _warm_up_interpreter(scenarios)
        isolated = _can_fork()
    for s in scenarios:
        if s.name in threaded:
            s = dataclasses.replace(s, growth_slack_factor=max(s.growth_slack_factor, THREADED_SLACK))
        forked = isolated and _measured_in_a_child(s, threaded)
        measure = functools.partial(_growth_of, s, unit, doublings, forked)
        outcome = _in_forked_child(measure) if forked else measure()
        results.append(outcome["record"])
        errors += outcome["errors"]
    return {"scenarios": results, "errors": errors, "heap_metric": heap.metric(), "isolated": isolated}


def _growth_of(s: Scenario, unit: int, doublings: int, forked: bool) -> dict:
    """One scenario's growth curve: a warm-up, a calibration, then the doubling steps."""
    errors: list[dict] = []
    calls = max(2, round(unit * s.growth_weight))

    def batch(count: int) -> None:
        for _ in range(count):
            if not _run_checked(s, errors):
                break

    started = time.perf_counter()
    batch(calls)  # warm-up: first-use caches, interned names, new ledger sites
    _measure()  # and measuring's own first-use caches
    # Two measurements with no call in between: what measuring itself keeps alive (the
    # earlier points' numbers and site names), subtracted from every later step.
    calibration = [_measure(), _measure()]
    points, totals = [calibration[1]], [calls]
    for _ in range(doublings):
        batch(totals[-1])  # as many calls again: the total doubles
        totals.append(2 * totals[-1])
        points.append(_measure())
    names = set().union(*(p["ledger"] for p in points))
    moved = {n: [p["ledger"].get(n, 0) for p in points] for n in sorted(names)}
    moved = {n: v for n, v in moved.items() if len(set(v)) > 1}
    record = _record(
        "scenario",
        {
            "scenario": s.name,
            "calls": totals,
            **{metric: [p[metric] for p in points] for metric in METRICS},
            "slack_factor": s.growth_slack_factor,
            "forked": forked,
            "measuring_overhead": {
                metric: (calibration[1][metric] or 0) - (calibration[0][metric] or 0)
                for metric in ("heap", "python_blocks", "gc_objects")
            },
            "ledger_outstanding": [sum(p["ledger"].values()) for p in points],
            "sites_moved": moved,
            "seconds": round(time.perf_counter() - started, 4),
        },
    )
    return {"record": record, "errors": errors}


def _warm_up_interpreter(scenarios: list[Scenario]) -> set[str]:
    """Runs each scenario once before any is measured, and returns the names of those that
    start threads. The interpreter's own first-use caches (interned names, type caches, the
    source lines a traceback reads) then start warm in every forked child, as they did for the
    later scenarios of a shared worker, and do not read as growth. Once per scenario keeps a
    process-wide cache far below the calls a child makes, so its doubling still falls inside
    the child's steps. Failures here are the child's to report.

    Scenarios that start threads (Python ones, seen through threading.setprofile, or native
    ones, marked by growth_slack_factor) are measured in the worker itself, after the ones
    before them: CPython keeps a few objects for threads that have called into it, which level
    off only after some hundreds of calls (thread ids are recycled), and in a fresh child the
    few calls of each step would read that as growth (_measured_in_a_child)."""
    threaded: set[str] = set()
    current: list[str] = []

    def note_thread_start(frame: object, event: str, arg: object) -> None:
        threaded.update(current)
        sys.setprofile(None)  # only the thread's first event matters

    threading.setprofile(note_thread_start)
    try:
        for s in scenarios:
            current[:] = [s.name]
            _call_once(s)
            _wait_for_threads_to_end()  # a thread's first event may come after the call returned
    finally:
        threading.setprofile(None)
    threaded |= {s.name for s in scenarios if s.growth_slack_factor != 1.0}
    _settle_per_thread_leftovers([s for s in scenarios if s.name in threaded])
    gc.collect()
    return threaded


# What CPython keeps per thread that called into it levels off after some hundreds of thread
# starts (thread ids are recycled): that many calls of the thread-starting scenarios, round
# robin, before any is measured, within a time bound.
THREAD_SETTLING_CALLS = 400
THREAD_SETTLING_SECONDS = 60.0


def _settle_per_thread_leftovers(threaded: list[Scenario]) -> None:
    deadline = time.monotonic() + THREAD_SETTLING_SECONDS
    calls = 0
    while threaded and calls < THREAD_SETTLING_CALLS and time.monotonic() < deadline:
        for s in threaded:
            _call_once(s)
            calls += 1
    _wait_for_threads_to_end()


def _call_once(s: Scenario) -> None:
    """One call before measuring; its failures are reported by the measurement itself."""
    _mark(s)  # a crash here is pinned on the scenario, as in its measurement
    try:
        s()
    except BaseException as e:  # noqa: BLE001 - reported when the scenario is measured
        if isinstance(e, KeyboardInterrupt):
            raise


def _measured_in_a_child(s: Scenario, threaded: set[str]) -> bool:
    """Light scenarios are measured in a child forked from this worker, which has called each
    scenario only once: a process-wide cache (a static vector a function appends to) then
    starts from the same state for every scenario, and its doubling reallocations fall inside
    the scenario's steps. In one shared process the scenarios before it may have grown its
    capacity far past the calls one scenario makes, and the cache would never show.
    Scenarios that start threads stay in the worker (_warm_up_interpreter says why), and so
    do heavy ones (growth_weight < 1: a few calls per step): the interpreter's caches that
    fill over the first tens of calls (about one Python object per call, up to ~50, for a
    ctypes call on a big buffer) would read as growth in their few calls, where the
    scenarios before them have already filled them. A process-wide cache in a function is
    still seen through its light scenarios, which every export has."""
    return s.name not in threaded and s.growth_weight >= 1.0


def _can_fork() -> bool:
    """Forking copies only the calling thread, so a worker that already has others measures
    every scenario in-process."""
    return hasattr(os, "fork") and threading.active_count() == 1 and (_count_entries("/proc/self/task") or 1) == 1


def _in_forked_child(work: Callable[[], dict]) -> dict:
    """work() in a forked child, its JSON result read back through a pipe. A child killed by a
    signal (a segfault in a scenario) kills this worker the same way: the layer then pins the
    crash on the scenario named in <out>.progress and resumes after it, as it does unforked."""
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's loop
        os.close(read_end)
        status = 0
        try:
            with os.fdopen(write_end, "w") as pipe:
                json.dump(work(), pipe)
        except BaseException:  # noqa: BLE001 - told to the parent by the exit status
            traceback.print_exc()
            status = 70
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            # Not exit(): the inherited coverage counters would be written once per child; the
            # parent's warm-up pass has already run every scenario for the coverage report.
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    if status != 0 or not payload:
        raise RuntimeError(f"growth: the forked child ended with exit status {os.waitstatus_to_exitcode(status)}")
    return json.loads(payload)


def run_exercise(scenarios: list[Scenario], repeat: int, in_thread: bool) -> dict:
    errors: list[dict] = []

    def exercise() -> None:
        for s in scenarios:
            for _ in range(repeat):
                _run_checked(s, errors)
            _record("scenario", {"scenario": s.name})
        gc.collect()
        if _mark_stderr:  # what the tools print from here on (LSan at exit) is no scenario's
            sys.stderr.write(f"{STDERR_MARK}-\n")
            sys.stderr.flush()

    if in_thread:
        # LSan scans the stacks of live threads only: once this thread has finished, no stale
        # stack slot of a scenario can keep a lost block looking reachable at exit.
        worker = threading.Thread(target=exercise, name="leakcheck-scenarios")
        worker.start()
        worker.join()
    else:
        exercise()
    _wait_for_threads_to_end()
    return {"scenarios": [{"scenario": s.name} for s in scenarios], "errors": errors}


def _wait_for_threads_to_end(seconds: float = 5.0) -> None:
    """Lets the threads the scenarios started (native ones included: a transfer loop, a search
    pool) finish before the process exits: LeakSanitizer stops every thread at exit to scan
    it, and a thread that is exiting just then can make it give up ("LeakSanitizer has
    encountered a fatal error"). Bounded: a thread meant to outlive its call is a finding of
    the growth layer, not a reason to hang here."""
    deadline = time.monotonic() + seconds
    while (_count_entries("/proc/self/task") or 1) > 1 and time.monotonic() < deadline:
        time.sleep(0.02)


def _registered() -> list[Scenario]:
    """The project's scenarios (handed down in BRIDGEBENCH_PROJECT) or plugins', else ours."""
    global _track_gc_objects
    found = project.scenarios(project.find())
    _track_gc_objects = found is not None
    return found if found is not None else all_scenarios()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bridgebench.leakcheck.worker")
    parser.add_argument("--mode", choices=["ledger", "growth", "exercise"], required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--quick-set", action="store_true", help="only the quick set (scenarios.quick_set)")
    parser.add_argument("--only", default="", help="comma-separated scenario name prefixes")
    parser.add_argument("--after", default="", help="skip the scenarios up to and including this one")
    parser.add_argument("--unit", type=int, default=64, help="growth: calls in the warm-up, the first step")
    parser.add_argument("--doublings", type=int, default=4, help="growth: how many times the calls double")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--in-thread", action="store_true", help="exercise: run the scenarios in a thread")
    parser.add_argument("--mark-stderr", action="store_true", help="print each scenario's name to stderr first")
    args = parser.parse_args(argv)

    global _progress_path, _partial_path, _mark_stderr
    _progress_path, _partial_path, _mark_stderr = args.out + ".progress", args.out + ".partial", args.mark_stderr
    prefixes = [p for p in args.only.split(",") if p]
    scenarios = select(_registered(), prefixes=prefixes)
    if args.quick_set:
        scenarios = quick_set(scenarios)
    if args.after:
        names = [s.name for s in scenarios]
        scenarios = scenarios[names.index(args.after) + 1 :] if args.after in names else scenarios
    started = time.perf_counter()
    if args.mode == "ledger":
        result = run_ledger(scenarios)
    elif args.mode == "growth":
        result = run_growth(scenarios, args.unit, args.doublings, isolate=True)
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
