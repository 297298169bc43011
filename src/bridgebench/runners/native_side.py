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

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def bench_dir() -> Path:
    """Where the Google Benchmark executables are: $BRIDGEBENCH_BUILD_DIR/bench/cpp when set (a
    Meson build dir), else the copies installed inside the package. Never the working directory."""
    configured = os.environ.get("BRIDGEBENCH_BUILD_DIR")
    if configured:
        return Path(configured) / "bench" / "cpp"
    return PACKAGE_DIR / "bench"


def find_executable(name: str) -> Path | None:
    path = bench_dir() / name
    return path if path.is_file() and os.access(path, os.X_OK) else None


def bench_environment() -> dict[str, str]:
    """The benches read the installed default dictionary, wherever the source tree is."""
    env = dict(os.environ)
    dictionary = PACKAGE_DIR / "data" / "american-english-huge.txt"
    if dictionary.is_file():
        env.setdefault("BRIDGEBENCH_DICTIONARY", str(dictionary))
    return env


def run_benchmark(name: str, profile: Profile, benchmark_filter: str | None = None) -> NativeBench:
    """Google Benchmark's results as a NativeBench (``skipped`` says why when it could not run)."""
    executable = find_executable(name)
    if executable is None:
        return NativeBench(
            name,
            skipped=f"{name} not found in {bench_dir()} (built only when libbenchmark-dev is installed; "
            "BRIDGEBENCH_BUILD_DIR may name a Meson build dir that has it)",
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
        proc = subprocess.run(cmd, capture_output=True, text=True, env=bench_environment())
        if proc.returncode != 0 or not out.exists():
            return NativeBench(name, skipped=f"{name} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        data = json.loads(out.read_text())
    return parse(name, data)
