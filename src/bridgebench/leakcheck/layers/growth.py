"""Growth layer: each scenario runs N times and then k*N times in one process; native heap in
use (mallinfo2 on glibc), Python objects alive and ledger bytes outstanding must not grow with
the count. It catches what exit-time checkers miss (memory still referenced, e.g. a cache that
grows per call) and what the ledger cannot see (allocations that bypass it, lost references).

Threshold: the ledger must not grow at all. The heap may move by at most HEAP_SLACK_BYTES
between the N-call and the k*N-call measurement (each taken after gc.collect()); with no leak
it moves by less than 400 B on this machine (malloc bookkeeping, Python's own caches), while a
leak of L bytes per call moves it by about (k-1)*N*L: quick mode (N=200, k=3) catches leaks of
6 B per call and up, full mode (N=1000, k=4) of 1 B per call. Scenarios with big inputs run
fewer calls (Scenario.growth_weight); the ledger still sees a single lost byte there.
"""

from __future__ import annotations

import time

from bridgebench.leakcheck.layers import Context, read_worker_output, run_worker, worker_command, worker_env
from bridgebench.leakcheck.model import Finding, LayerResult

HEAP_SLACK_BYTES = 2048
# Python objects (pymalloc blocks, sys.getallocatedblocks): a reference the bindings forget to
# drop leaks an object per call, which mallinfo2 cannot see (pymalloc maps its own arenas).
# Caches of the interpreter and ctypes fill up over the first few thousand calls of some
# scenarios (up to 60 blocks measured, then flat), so the slack is BLOCK_SLACK objects or one
# object per BLOCK_CALLS_PER_OBJECT extra calls, whichever is larger: a leak on one call in ten
# or more fails.
BLOCK_SLACK = 32
BLOCK_CALLS_PER_OBJECT = 10
QUICK = {"n": 200, "k": 3}
FULL = {"n": 1000, "k": 4}


def run(ctx: Context) -> LayerResult:
    started = time.perf_counter()
    params = QUICK if ctx.quick else FULL
    out = ctx.work_dir / "growth.json"
    cmd = worker_command("growth", out, only=ctx.only, extra=("--n", str(params["n"]), "--k", str(params["k"])))
    proc = run_worker(cmd, worker_env(ctx, ctx.sites["audit"]), ctx.work_dir, timeout=900)
    data, findings = read_worker_output(out, proc, "growth")
    result = LayerResult("growth", findings, details={**params, "heap_slack_bytes": HEAP_SLACK_BYTES,
                                                      "block_slack": BLOCK_SLACK})
    if data is not None:
        evaluate(data, result)
    result.seconds = time.perf_counter() - started
    return result


def evaluate(data: dict, result: LayerResult) -> None:
    """Turns a growth worker's measurements into findings on ``result``."""
    result.details["heap_metric"] = data.get("heap_metric")
    worst = worst_blocks = 0
    for s in data["scenarios"]:
        result.scenarios.append(s["scenario"])
        heap0, heap1, heap2 = s["heap"]
        extra_calls = (s["k"] - 1) * s["calls"]
        worst = max(worst, heap2 - heap1)
        grown = {site: v for site, v in s["sites_moved"].items() if v[2] > v[1] or v[1] > v[0]}
        for site, (o0, o1, o2) in sorted(grown.items()):
            result.findings.append(Finding(
                "growth", "ledger-growth", site,
                f"bytes outstanding {o0} -> {o1} -> {o2} after 0, {s['calls']} and {s['k'] * s['calls']} calls",
                scenario=s["scenario"], bytes=o2 - o0))
        blocks0, blocks1, blocks2 = s["python_blocks"]
        worst_blocks = max(worst_blocks, blocks2 - blocks1)
        block_slack = max(BLOCK_SLACK, extra_calls // BLOCK_CALLS_PER_OBJECT)
        if blocks2 - blocks1 > block_slack:
            result.findings.append(Finding(
                "growth", "object-growth", s["scenario"].rsplit(".", 1)[0],
                f"{blocks2 - blocks1} more Python objects alive after {extra_calls} more calls "
                f"(slack {block_slack}): a reference is never dropped", scenario=s["scenario"],
                bytes=None))
        if heap2 - heap1 > HEAP_SLACK_BYTES:
            blamed = min(grown) if grown else s["scenario"].rsplit(".", 1)[0]
            result.findings.append(Finding(
                "growth", "heap-growth", blamed,
                f"native heap grew by {heap2 - heap1} B over {extra_calls} more calls "
                f"({(heap2 - heap1) / extra_calls:.1f} B/call; slack {HEAP_SLACK_BYTES} B)",
                scenario=s["scenario"], bytes=heap2 - heap1))
    result.details["largest_heap_move_bytes"] = worst
    result.details["largest_block_move"] = worst_blocks
