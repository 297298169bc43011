"""Google Benchmark's JSON as the results model: one row per benchmark instance (median ± stddev
over repetitions, allocations per iteration from the ledger memory manager) and the fitted
complexities, kept apart from the timing rows (a "BigO" or "RMS" row has no time)."""

from __future__ import annotations

from typing import Any

from bridgebench.runners.results import NativeBench, NativeBenchRow

_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def _seconds(row: dict[str, Any]) -> float:
    return float(row.get("real_time") or 0.0) * _UNITS.get(row.get("time_unit") or "ns", 1e-9)


def parse(name: str, data: dict[str, Any]) -> NativeBench:
    """Google Benchmark JSON -> one row per benchmark instance (median ± stddev over repetitions,
    allocations per iteration from the ledger memory manager) and the fitted complexities."""
    by_run: dict[str, dict[str, Any]] = {}
    complexity: dict[str, list[Any]] = {}
    for b in data.get("benchmarks", []):
        run = b.get("run_name") or b.get("name", "?")
        aggregate = b.get("aggregate_name")
        if aggregate == "BigO":
            complexity.setdefault(run, [None, None])[0] = (
                f"{b.get('real_coefficient', 0):.3g} {b.get('time_unit', 'ns')} × O({b.get('big_o', '?')})"
            )
            continue
        if aggregate == "RMS":
            complexity.setdefault(run, [None, None])[1] = b.get("rms")
            continue
        entry = by_run.setdefault(run, {"iterations": []})
        if aggregate in ("median", "stddev"):
            entry[aggregate] = b
        elif b.get("run_type", "iteration") == "iteration" and aggregate is None:
            entry["iterations"].append(b)
    rows = []
    for run, entry in by_run.items():
        reps = entry["iterations"]
        median = entry.get("median") or (reps[len(reps) // 2] if reps else None)
        if median is None:
            continue
        allocs = sorted(r["allocs_per_iter"] for r in reps if r.get("allocs_per_iter") is not None)
        rows.append(
            NativeBenchRow(
                name=run,
                median_s=_seconds(median),
                stddev_s=_seconds(entry["stddev"]) if "stddev" in entry else None,
                items_per_second=median.get("items_per_second"),
                bytes_per_second=median.get("bytes_per_second"),
                allocs_per_iter=allocs[len(allocs) // 2] if allocs else None,
            )
        )
    return NativeBench(
        executable=name,
        rows=tuple(rows),
        complexity=tuple((family, big_o or "?", rms) for family, (big_o, rms) in complexity.items()),
        context=data.get("context", {}),
    )


def bench_from_dict(data: dict[str, Any]) -> NativeBench:
    return NativeBench(
        executable=data["executable"],
        rows=tuple(NativeBenchRow(**r) for r in data.get("rows", ())),
        complexity=tuple(tuple(c) for c in data.get("complexity", ())),
        skipped=data.get("skipped", ""),
        context=data.get("context") or {},
    )


def migrate_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-1 native_bench entry (aggregate rows as Google Benchmark wrote them) in schema 2."""
    if "skipped" in data:
        return {"executable": data.get("executable", "?"), "skipped": data["skipped"]}
    bench = parse(
        data.get("executable", "?"), {"benchmarks": data.get("benchmarks", []), "context": data.get("context", {})}
    )
    return {
        "executable": bench.executable,
        "rows": [vars(r) for r in bench.rows],
        "complexity": [list(c) for c in bench.complexity],
        "context": dict(bench.context),
    }
