"""`compare --confirm`: measure the rows that failed the gate once more, in fresh processes with
the new run's settings, and judge them on the new samples (the confirming re-run CI systems use
against one-off disturbances). Rows that did not fail are left as they were."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from bridgebench import workloads
from bridgebench.runners import gate, instructions, python_side
from bridgebench.runners.profiles import PROFILES
from bridgebench.runners.results import Measurement, RunResult


def recheck(old: RunResult, new: RunResult, comparison: gate.Comparison) -> gate.Comparison:
    wanted: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    for row in comparison.failures:
        names = wanted[(row.new.workload, row.new.case, row.new.size)]
        names.add(row.new.measurement.name)
        if row.reference:  # its samples are divided by the reference's of the same rounds
            names.add(row.reference)
    replacements: dict[tuple[str, str, int, str], Measurement] = {}
    for (workload_name, case_name, size), names in wanted.items():
        replacements |= _remeasure(new, workload_name, case_name, size, names, comparison.both_counted_instructions)
    return gate.compare(old, replace_measurements(new, replacements), comparison.thresholds)


def _remeasure(
    run: RunResult, workload_name: str, case_name: str, size: int, names: set[str], count: bool
) -> dict[tuple[str, str, int, str], Measurement]:
    workload = workloads.get(workload_name)
    case = workload.case(case_name)
    settings = run.settings
    profile = dataclasses.replace(
        PROFILES.get(settings.get("profile", "quick"), PROFILES["quick"]),
        **{k: settings[k] for k in ("processes", "samples", "warmups", "min_time", "max_time") if k in settings},
    )
    seed = settings.get("seed", 20261125)
    with python_side.fixture_of(workload) as fixture:
        runs = [
            python_side.run_worker(
                python_side.Job(workload_name, case_name, size, seed, fixture, profile, tuple(names))
            )
            for _ in range(profile.processes)
        ]
        counted = instructions.count_case(workload_name, case_name, size, seed, fixture) if count else None
    merged = python_side.merge(case, size, runs)
    if counted is not None:
        merged = instructions.with_counts(merged, counted)
    return {(workload_name, case_name, size, m.name): m for m in merged.implementations if m.name in names}


def replace_measurements(run: RunResult, new: dict[tuple[str, str, int, str], Measurement]) -> RunResult:
    def size_of(w, c, s):
        ms = tuple(new.get((w.name, c.name, s.size, m.name), m) for m in s.implementations)
        return dataclasses.replace(s, implementations=ms)

    return dataclasses.replace(
        run,
        workloads=tuple(
            dataclasses.replace(
                w,
                cases=tuple(dataclasses.replace(c, sizes=tuple(size_of(w, c, s) for s in c.sizes)) for c in w.cases),
            )
            for w in run.workloads
        ),
    )
