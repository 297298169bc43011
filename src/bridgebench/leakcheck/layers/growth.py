"""Growth layer: each scenario runs N times and then k*N times in one process; native heap in
use (mallinfo2 on glibc), Python objects alive and ledger bytes outstanding must not grow with
the count. It catches what exit-time checkers miss (memory still referenced, e.g. a cache that
grows per call) and what the ledger cannot see (allocations that bypass it, lost references).

After a warm-up of N calls, measurements (each after gc.collect()) follow batches of N, (k-1)*N
and (k-1)*N calls; what measuring itself keeps alive (two measurements back to back) is
subtracted. Threshold: the ledger must not grow at all. The heap and the object count
must not grow beyond their slack in BOTH of the last two batches: a leak grows in every batch,
while interpreter and ctypes caches fill up once and stop (measured: up to 130 objects in one
batch, then nothing). The heap slack is HEAP_SLACK_BYTES; with no leak it moves by less than
400 B on this machine (malloc bookkeeping), while a leak of L bytes per call moves it by about
(k-1)*N*L per batch: quick mode (N=200, k=3) catches leaks of 6 B per call and up, full mode
(N=1000, k=4) of 1 B per call. Scenarios with big inputs run fewer calls
(Scenario.growth_weight); the ledger still sees a single lost byte there. Scenarios whose calls
start native threads scale both slacks by Scenario.growth_slack_factor (the scraper: 4, see
its scenario module).
"""

from __future__ import annotations

import time

from bridgebench.leakcheck.layers import Context, read_worker_output, run_worker, worker_command, worker_env
from bridgebench.leakcheck.model import Finding, LayerResult

HEAP_SLACK_BYTES = 2048
# Python objects (pymalloc blocks, sys.getallocatedblocks): a reference the bindings forget to
# drop leaks an object per call, which mallinfo2 cannot see (pymalloc maps its own arenas).
# Slack per batch: BLOCK_SLACK objects or one object per BLOCK_CALLS_PER_OBJECT calls,
# whichever is larger: a reference leaked on one call in ten or more fails.
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
    result = LayerResult(
        "growth", findings, details={**params, "heap_slack_bytes": HEAP_SLACK_BYTES, "block_slack": BLOCK_SLACK}
    )
    if data is not None:
        evaluate(data, result)
    result.seconds = time.perf_counter() - started
    return result


def evaluate(data: dict, result: LayerResult) -> None:
    """Turns a growth worker's measurements into findings on ``result``.

    Measurements are taken after 0, N, k*N and (2k-1)*N calls (after a warm-up of N). The
    ledger must not move at all. Heap and Python objects must not grow beyond their slack over
    both of the last two batches ((k-1)*N calls each): a leak grows in every batch, while a
    cache of the interpreter or of ctypes fills up once and stops.
    """
    result.details["heap_metric"] = data.get("heap_metric")
    worst = worst_blocks = 0
    for s in data["scenarios"]:
        result.scenarios.append(s["scenario"])
        calls, k = s["calls"], s["k"]
        extra_calls = (k - 1) * calls
        overhead = s.get("measuring_overhead", {})
        heap, blocks = s["heap"], s["python_blocks"]
        heap_steps = [heap[i + 1] - heap[i] - overhead.get("heap", 0) for i in (1, 2)]
        block_steps = [blocks[i + 1] - blocks[i] - overhead.get("python_blocks", 0) for i in (1, 2)]
        worst, worst_blocks = max(worst, min(heap_steps)), max(worst_blocks, min(block_steps))
        grown = {site: v for site, v in s["sites_moved"].items() if any(b > a for a, b in zip(v, v[1:], strict=False))}
        counts = f"0, {calls}, {k * calls} and {(2 * k - 1) * calls} calls"
        for site, values in sorted(grown.items()):
            result.findings.append(
                Finding(
                    "growth",
                    "ledger-growth",
                    site,
                    f"bytes outstanding {' -> '.join(map(str, values))} after {counts}",
                    scenario=s["scenario"],
                    bytes=values[-1] - values[0],
                )
            )
        factor = s.get("slack_factor", 1.0)
        block_slack = int(max(BLOCK_SLACK, extra_calls // BLOCK_CALLS_PER_OBJECT) * factor)
        heap_slack = int(HEAP_SLACK_BYTES * factor)
        if min(block_steps) > block_slack:
            result.findings.append(
                Finding(
                    "growth",
                    "object-growth",
                    s["scenario"].rsplit(".", 1)[0],
                    f"{block_steps[0]} and then {block_steps[1]} more Python objects alive over two batches of "
                    f"{extra_calls} calls (slack {block_slack}): a reference is never dropped",
                    scenario=s["scenario"],
                )
            )
        if min(heap_steps) > heap_slack:
            blamed = min(grown) if grown else s["scenario"].rsplit(".", 1)[0]
            result.findings.append(
                Finding(
                    "growth",
                    "heap-growth",
                    blamed,
                    f"native heap grew by {heap_steps[0]} B and then {heap_steps[1]} B over two batches of "
                    f"{extra_calls} calls ({min(heap_steps) / extra_calls:.1f} B/call; slack {heap_slack} B)",
                    scenario=s["scenario"],
                    bytes=sum(heap_steps),
                )
            )
    result.details["largest_heap_move_bytes"] = worst
    result.details["largest_block_move"] = worst_blocks
