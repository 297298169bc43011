"""Machine advice, as pyperf gives it: warnings printed in the report when the figures were
probably disturbed (a loaded machine, a CPU clock that moves, too few samples for a test)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from bridgebench.runners.results import Row
from bridgebench.runners.stats import MIN_SAMPLES_FOR_TEST

GOVERNOR = Path("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")


def load_warning(load: float | None = None, cores: int | None = None) -> str | None:
    load = os.getloadavg()[0] if load is None else load
    cores = cores or os.cpu_count() or 1
    if load > cores:
        return (
            f"the machine was busy: load average {load:.1f} on {cores} CPUs; wall times are noisy "
            "(prefer --instructions, or re-run on a quiet machine)"
        )
    return None


def frequency_warning(governor_file: Path = GOVERNOR) -> str | None:
    try:
        governor = governor_file.read_text().strip()
    except OSError:
        return None  # no cpufreq (virtual machines): nothing to judge
    if governor != "performance":
        return f"CPU frequency scaling is on (governor {governor!r}); set it to 'performance' for stable figures"
    return None


def samples_warning(rows: Iterable[Row]) -> str | None:
    few = [
        r.label
        for r in rows
        if r.measurement.samples is not None and 0 < r.measurement.samples.n < MIN_SAMPLES_FOR_TEST
    ]
    if few:
        return (
            f"{len(few)} row(s) have fewer than {MIN_SAMPLES_FOR_TEST} samples, too few for compare's test "
            f"(e.g. {few[0]}); raise --samples or --processes"
        )
    return None


def warnings(rows: Iterable[Row]) -> tuple[str, ...]:
    found = (load_warning(), frequency_warning(), samples_warning(rows))
    return tuple(w for w in found if w)
