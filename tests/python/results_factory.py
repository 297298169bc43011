"""Hand-made RunResults for reporter, gate and JSON tests (no timing needed)."""

from __future__ import annotations

import random

from bridgebench.runners import python_side
from bridgebench.runners.results import (
    CaseResult,
    LeakAudit,
    Measurement,
    Metric,
    RunResult,
    Samples,
    SizeResult,
    TargetResult,
    WorkloadResult,
)


def samples(
    per_item: float, *, processes: int = 2, per_process: int = 5, noise: float = 0.01, seed: int = 1
) -> Samples:
    rng = random.Random(seed)
    return Samples(
        tuple(tuple(per_item * (1 + rng.uniform(-noise, noise)) for _ in range(per_process)) for _ in range(processes))
    )


def measurement(name: str, kind: str, per_item: float, seed: int = 1, **kw) -> Measurement:
    return Measurement(name, kind, items=1000, loops=10, samples=samples(per_item, seed=seed), **kw)


def run(
    *, scale: dict[str, float] | None = None, seed: int = 1, leak_ok: bool | None = True, instructions: bool = False
) -> RunResult:
    """Two workloads; `scale` multiplies the named implementations' per-item times."""
    scale = scale or {}
    base_times = {
        "baseline": 2.5e-5,
        "capi": 4.1e-9,
        "pybind11-buffer-with-a-long-name": 1.234e-9,
        "array.array": 8e-9,
        "ideal": 5e-7,
    }
    kinds = {"baseline": "baseline", "array.array": "peer", "ideal": "reference"}

    def size(n: int, offset: int) -> SizeResult:
        ms = []
        for i, (name, t) in enumerate(base_times.items()):
            extra = {"instructions": t * 4e10} if instructions else {}
            if name == "capi":
                extra["metrics"] = {"accuracy": Metric(0.9876, "", True)}
            ms.append(
                measurement(name, kinds.get(name, "native"), t * scale.get(name, 1.0), seed * 100 + i + offset, **extra)
            )
        ms.append(Measurement("rapidfuzz", "peer", status="skipped", reason="rapidfuzz is not installed"))
        return SizeResult(n, "baseline", 2, python_side.with_speedups(ms, "baseline"))

    target_met = TargetResult("at least 3,000x faster than the baseline", "capi", "baseline", 1 / 3000, 1000)
    ratio = base_times["capi"] / base_times["baseline"]
    cases = (
        CaseResult(
            "ints",
            "element",
            "int64 round trip",
            (size(1000, 0), size(10_000_000, 50)),
            (
                TargetResult(**{**vars(target_met), "ratio": ratio, "met": True}),
                TargetResult(
                    "buffer at least 20x faster than capi", "capi", "array.array", 1 / 1e6, 1000, ratio=0.5, met=False
                ),
                TargetResult("at another size", "capi", "baseline", 1.0, 999, why="size 999 not measured"),
            ),
        ),
    )
    workloads = (
        WorkloadResult("arrays", "lists through the boundary", cases),
        WorkloadResult("spell", "did-you-mean", (CaseResult("lookup", "query", "one size", (size(1000, 7),)),)),
    )
    return RunResult(
        created=f"2026-11-28T00:00:{seed:02d}+00:00",
        settings={"profile": "quick", "processes": 2, "samples": 5, "seed": 1},
        machine={"git_commit": f"abc{seed:04d}", "fingerprint": "f00d", "python": "3.11"},
        workloads=workloads,
        leakcheck=None if leak_ok is None else LeakAudit(leak_ok, "summary", ""),
    )
