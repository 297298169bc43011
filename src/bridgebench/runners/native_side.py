"""Runs a workload's Google Benchmark executable (C++ side, no Python) with JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bridgebench.runners.profiles import Profile


def build_dir() -> Path:
    """The Meson build dir that holds bench/cpp and tests/cpp (scripts/ set it)."""
    configured = os.environ.get("BRIDGEBENCH_BUILD_DIR")
    if configured:
        return Path(configured)
    return Path.cwd() / "build" / "release"


def find_executable(name: str) -> Path | None:
    path = build_dir() / "bench" / "cpp" / name
    return path if path.is_file() and os.access(path, os.X_OK) else None


def run_benchmark(name: str, profile: Profile, benchmark_filter: str | None = None) -> dict[str, Any]:
    """Google Benchmark's JSON (context + aggregate rows), or {"skipped": reason}."""
    executable = find_executable(name)
    if executable is None:
        return {"skipped": f"{name} not built in {build_dir() / 'bench' / 'cpp'} (needs libbenchmark-dev)"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.json"
        cmd = [
            str(executable),
            f"--benchmark_out={out}",
            "--benchmark_out_format=json",
            f"--benchmark_min_time={profile.native_min_time}",
            f"--benchmark_repetitions={profile.native_repetitions}",
            "--benchmark_report_aggregates_only=true",
        ]
        if benchmark_filter:
            cmd.append(f"--benchmark_filter={benchmark_filter}")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0 or not out.exists():
            return {"skipped": f"{name} failed ({proc.returncode}): {proc.stderr[-2000:]}"}
        data = json.loads(out.read_text())
    rows = [
        {
            key: b.get(key)
            for key in (
                "name",
                "run_name",
                "aggregate_name",
                "real_time",
                "cpu_time",
                "time_unit",
                "iterations",
                "bytes_per_second",
                "items_per_second",
                "allocs_per_iter",
                "max_bytes_used",
            )
        }
        for b in data.get("benchmarks", [])
        if b.get("aggregate_name") in (None, "median", "stddev", "cv") or b.get("run_type") == "aggregate"
    ]
    return {"executable": name, "context": data.get("context", {}), "benchmarks": rows}
