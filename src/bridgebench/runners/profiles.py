"""How much measuring a run does: `quick` (the default: minutes) and `full` (more sizes,
processes and samples)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    processes: int  # fresh worker processes per (case, size)
    samples: int  # measured samples per process
    warmups: int
    min_time: float  # seconds one sample lasts at least
    max_time: float  # seconds one implementation may take per process (fewer samples past it)
    native_min_time: float  # Google Benchmark --benchmark_min_time
    native_repetitions: int


PROFILES = {
    "quick": Profile(
        "quick",
        processes=2,
        samples=5,
        warmups=1,
        min_time=0.05,
        max_time=3.0,
        native_min_time=0.05,
        native_repetitions=3,
    ),
    "full": Profile(
        "full",
        processes=5,
        samples=10,
        warmups=2,
        min_time=0.1,
        max_time=30.0,
        native_min_time=0.2,
        native_repetitions=10,
    ),
}
