"""Runs a workload's Google Benchmark executable (C++ side, no Python) with JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from bridgebench.runners.gbench import parse
from bridgebench.runners.profiles import Profile
from bridgebench.runners.results import NativeBench


def build_dir() -> Path:
    """The Meson build dir that holds bench/cpp and tests/cpp (scripts/ set it)."""
    configured = os.environ.get("BRIDGEBENCH_BUILD_DIR")
    if configured:
        return Path(configured)
    return Path.cwd() / "build" / "release"


def find_executable(name: str) -> Path | None:
    path = build_dir() / "bench" / "cpp" / name
    return path if path.is_file() and os.access(path, os.X_OK) else None


def run_benchmark(name: str, profile: Profile, benchmark_filter: str | None = None) -> NativeBench:
    """Google Benchmark's results as a NativeBench (``skipped`` says why when it could not run)."""
    executable = find_executable(name)
    if executable is None:
        return NativeBench(
            name, skipped=f"{name} not built in {build_dir() / 'bench' / 'cpp'} (needs libbenchmark-dev)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.json"
        cmd = [
            str(executable),
            f"--benchmark_out={out}",
            "--benchmark_out_format=json",
            f"--benchmark_min_time={profile.native_min_time}",
            f"--benchmark_repetitions={profile.native_repetitions}",
            # Only the display is limited to aggregates: the memory manager's counts
            # (allocs_per_iter) are written on the per-repetition rows alone, so the JSON file
            # must keep those ("report_aggregates_only" dropped them: "-" in every row).
            "--benchmark_display_aggregates_only=true",
        ]
        if benchmark_filter:
            cmd.append(f"--benchmark_filter={benchmark_filter}")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0 or not out.exists():
            return NativeBench(name, skipped=f"{name} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        data = json.loads(out.read_text())
    return parse(name, data)
