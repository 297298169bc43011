"""Growth layer: each scenario runs many times in a process of its own (a child forked from the
worker: leakcheck.worker.run_growth), and what it leaves behind must not grow with the number
of calls: native heap in use (mallinfo2 on glibc), Python objects alive,
open file descriptors, threads, and ledger bytes outstanding. It catches what exit-time
checkers miss (memory still referenced: a per-call cache, a kept reference) and what the
ledger cannot see (allocations that bypass it, lost Python references).

The curve is sampled on a doubling scale: after a warm-up of T calls (T = unit times the
scenario's growth_weight), measurements (each after gc.collect()) follow 2T, 4T, ..., 2^R T
calls in all; what measuring itself keeps alive is subtracted. Doubling is what makes
staircases visible: a cache kept in a vector that doubles its capacity reallocates exactly once
in every interval [c, 2c), so it grows in every step, like a per-call leak, while a cache that
fills once and stops grows in one step only. The rule is CPython regrtest's ("every delta
≥ 1"), applied to these steps, with a floor per step and a slack for the total that absorb
malloc bookkeeping and interpreter caches:

- ledger bytes outstanding: any growth at all;
- native heap: every step ≥ HEAP_STEP_FLOOR bytes and the total > HEAP_SLACK_BYTES;
- Python objects (allocated blocks; for a project's scenarios also the objects the garbage
  collector tracks, leakcheck.worker): every step ≥ BLOCK_STEP_FLOOR and the total >
  BLOCK_SLACK;
- resident memory: every step ≥ RSS_STEP_FLOOR and the total > RSS_SLACK_BYTES;
- for all of these: the later half of the steps grows at least twice as much as the earlier
  half (keeps_up_with_calls: a leak scales with the calls, bounded noise, such as malloc's
  caches settling after the previous scenario, does not);
- file descriptors and threads: every step ≥ 1.

Quick mode runs the quick set (scenarios.quick_set: at least one scenario per export, the
reduced set and the misuse scenarios), full mode every scenario; the ledger layer runs every
scenario in both modes. Scenarios whose calls start native threads scale the floors and slacks by
Scenario.growth_slack_factor (the scraper: glibc's per-thread caches move the heap by a few KiB).
The smallest leaks each mode catches are in leakcheck/README.md ("What growth can see").
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from bridgebench.leakcheck import heap
from bridgebench.leakcheck.layers import Context, run_resumable, worker_command, worker_env
from bridgebench.leakcheck.model import Finding, LayerResult

HEAP_STEP_FLOOR = 256
HEAP_SLACK_BYTES = 2048
# Python objects (pymalloc blocks, sys.getallocatedblocks): a reference the bindings forget to
# drop leaks an object per call, which mallinfo2 cannot see (pymalloc maps its own arenas).
BLOCK_STEP_FLOOR = 2
BLOCK_SLACK = 32
# Resident memory moves in pages and with every allocator's caching: only a large, steady
# growth is a finding (mmap-backed leaks the heap figure might miss).
RSS_STEP_FLOOR = 64 * 1024
RSS_SLACK_BYTES = 1024 * 1024
QUICK = {"unit": 64, "doublings": 4}
FULL = {"unit": 128, "doublings": 5}


@dataclass(frozen=True)
class Rule:
    metric: str  # the worker's name for the series
    kind: str  # the finding's kind
    what: str  # words for the message
    step_floor: float
    slack: float
    unit: str = ""
    scaled: bool = True  # multiplied by the scenario's growth_slack_factor


RULES = (
    Rule("heap", "heap-growth", "native heap", HEAP_STEP_FLOOR, HEAP_SLACK_BYTES, " B"),
    Rule("python_blocks", "object-growth", "Python objects alive", BLOCK_STEP_FLOOR, BLOCK_SLACK),
    Rule("gc_objects", "gc-object-growth", "objects the garbage collector tracks", BLOCK_STEP_FLOOR, BLOCK_SLACK),
    Rule("rss", "rss-growth", "resident memory", RSS_STEP_FLOOR, RSS_SLACK_BYTES, " B"),
    Rule("fds", "fd-growth", "open file descriptors", 1, 0, scaled=False),
    Rule("threads", "thread-growth", "threads", 1, 0, scaled=False),
)


def run(ctx: Context) -> LayerResult:
    started = time.perf_counter()
    params = QUICK if ctx.quick else FULL
    out = ctx.work_dir / "growth.json"
    extra = ("--unit", str(params["unit"]), "--doublings", str(params["doublings"]))
    runs = run_resumable(
        "growth",
        lambda attempt, after: worker_command(
            "growth", out, quick_set=ctx.quick, only=ctx.only, extra=extra, after=after
        ),
        out,
        worker_env(ctx, ctx.sites.get("audit"), **heap.exact_heap_env(dict(os.environ))),
        ctx.work_dir,
        timeout=1800,
    )
    result = LayerResult(
        "growth",
        runs.findings,
        details={
            **params,
            "heap_step_floor": HEAP_STEP_FLOOR,
            "heap_slack_bytes": HEAP_SLACK_BYTES,
            "block_step_floor": BLOCK_STEP_FLOOR,
            "block_slack": BLOCK_SLACK,
        },
    )
    if runs.data is not None:
        result.details["isolated"] = runs.data.get("isolated", False)
        evaluate(runs.data, result)
    result.seconds = time.perf_counter() - started
    return result


def steps(values: list[int], overhead: int = 0) -> list[int]:
    """Growth over each interval of the doubling scale, less what measuring keeps alive."""
    return [b - a - overhead for a, b in zip(values, values[1:], strict=False)]


def grows(deltas: list[int], step_floor: float, slack: float) -> bool:
    """A leak or a growing cache: every step grows (regrtest's rule, with a floor), the total is
    above the slack, and the growth keeps up with the calls. A cache that fills once grows in
    one step only; noise that does not scale with the calls (what the interpreter keeps around
    a native thread's call, say) grows by about as much in the later steps as in the earlier."""
    return (
        bool(deltas)
        and all(d >= step_floor for d in deltas)
        and sum(deltas) > slack
        and keeps_up_with_calls(deltas)
        and never_falls_back(deltas)
        and last_step_holds_its_share(deltas)
    )


def last_step_holds_its_share(deltas: list[int]) -> bool:
    """The last step makes as many calls as all the steps before it together, so a per-call
    leak or a doubling cache grows there by about half of its total; at least a quarter leaves
    room for noise. Flat noise of about ten Python objects per step, whatever the calls
    ([8, 5, 15, 14, 9], a clean scenario in the full profile), puts a fifth there."""
    return 4 * deltas[-1] >= sum(deltas)


def never_falls_back(deltas: list[int]) -> bool:
    """Each step grows by at least half as much as the one before it. A leak's steps double with
    the calls; the interpreter's own noise (tens of Python objects, now and then about a
    hundred, in whichever step) lands in one step and not the next, e.g. [17, 2, 2, 5, 56]
    and [13, 4, 18, 20, 69] measured on clean scenarios in the full profile."""
    return all(later >= earlier / 2 for earlier, later in zip(deltas, deltas[1:], strict=False))


def keeps_up_with_calls(deltas: list[int]) -> bool:
    """On the doubling scale the later half of the steps makes 4 (R = 4, quick) to about 9
    (R = 5, full: 4T + 8T + 16T against T + 2T) times as many calls as the earlier half, so a
    per-call leak or a doubling cache grows 4-9 times as much there; at least twice as much
    leaves room for noise."""
    half = len(deltas) // 2
    return half == 0 or sum(deltas[half:]) >= 2 * sum(deltas[:half])


def evaluate(data: dict, result: LayerResult) -> None:
    """Turns a growth worker's measurements into findings on ``result``."""
    result.details["heap_metric"] = data.get("heap_metric")
    smallest: dict[str, int] = {}
    # Per scenario, which tracked figures grew at all between the first and the last point
    # (a finding needs more: growth in every step, above the floors).
    moved: dict[str, list[str]] = {}
    for s in data["scenarios"]:
        result.scenarios.append(s["scenario"])
        calls = s["calls"]
        counts = ", ".join(map(str, calls))
        grown = {site: v for site, v in s["sites_moved"].items() if any(b > a for a, b in zip(v, v[1:], strict=False))}
        for site, values in sorted(grown.items()):
            result.findings.append(
                Finding(
                    "growth",
                    "ledger-growth",
                    site,
                    f"bytes outstanding {' -> '.join(map(str, values))} after {counts} calls",
                    scenario=s["scenario"],
                    bytes=values[-1] - values[0],
                )
            )
        factor = s.get("slack_factor", 1.0)
        overhead = s.get("measuring_overhead", {})
        for rule in RULES:
            values = s.get(rule.metric)
            if not values or None in values:
                continue  # not tracked on this platform
            deltas = steps(values, overhead.get(rule.metric, 0))
            if sum(deltas) > 0:
                moved.setdefault(s["scenario"], []).append(rule.metric)
            smallest[rule.metric] = max(smallest.get(rule.metric, min(deltas)), min(deltas))
            scale = factor if rule.scaled else 1.0
            floor, slack = rule.step_floor * scale, rule.slack * scale
            if not grows(deltas, floor, slack):
                continue
            per_call = sum(deltas) / (calls[-1] - calls[0])
            blamed = min(grown) if grown and rule.metric == "heap" else s["scenario"].rsplit(".", 1)[0]
            result.findings.append(
                Finding(
                    "growth",
                    rule.kind,
                    blamed,
                    f"{rule.what} grew in every step: {', '.join(map(str, deltas))}{rule.unit} after {counts} "
                    f"calls ({per_call:.2f}{rule.unit} per call; each step ≥ {floor:g}, total > {slack:g})",
                    scenario=s["scenario"],
                    bytes=sum(deltas) if rule.metric == "heap" else None,
                )
            )
    # The largest "smallest step" seen per metric: how close the cleanest run came to a finding.
    result.details["largest_smallest_step"] = smallest
    result.details["moved"] = moved
