"""The runner never reports a speed-up for answers that differ, pools samples honestly and
checks targets from measured ratios only."""

from __future__ import annotations

import gc
import time

import pytest

from bridgebench import workloads
from bridgebench.runners import agreement, python_side, stats, timing, worker
from bridgebench.runners.profiles import PROFILES
from bridgebench.runners.results import Metric


def _square_all(values):
    return [v * v for v in values]


def _wrong_at_item_3(values):
    out = [v * v for v in values]
    if len(out) > 3:
        out[3] += 1
    return out


def _fails(values):
    raise RuntimeError("boom")


FAKE = workloads.Workload(
    name="fake",
    description="squares",
    cases=[
        workloads.Case(
            "squares",
            "number",
            lambda size, seed, fixture: list(range(size)),
            [
                workloads.Implementation("baseline", "baseline", _square_all, max_items=5),
                workloads.Implementation("good", "native", _square_all),
                workloads.Implementation("wrong", "native", _wrong_at_item_3),
                workloads.Implementation("broken", "peer", _fails),
                workloads.Implementation("absent", "peer", _square_all, requires="no_such_module_for_sure"),
            ],
            {"quick": [10]},
            targets=[
                workloads.Target("good faster than baseline", "good", "baseline", 1.0, 10),
                workloads.Target("wrong vs baseline", "wrong", "baseline", 1.0, 10),
                workloads.Target("at another size", "good", "baseline", 1.0, 999),
            ],
        )
    ],
)


@pytest.fixture
def fake_registry(monkeypatch):
    monkeypatch.setattr(workloads, "get", lambda name: FAKE)


def _job(size=10):
    return {
        "workload": "fake",
        "case": "squares",
        "size": size,
        "seed": 1,
        "fixture": None,
        "samples": 3,
        "warmups": 0,
        "min_time": 0.001,
    }


def test_worker_checks_answers_before_timing(fake_registry):
    result = worker.run_job(_job())
    impls = result["implementations"]
    assert result["reference"] == "baseline"
    assert impls["good"]["status"] == "ok" and len(impls["good"]["per_call"]) == 3
    assert impls["wrong"]["status"] == "disagree"
    assert "item 3" in impls["wrong"]["reason"] and "per_call" not in impls["wrong"]
    assert impls["broken"]["status"] == "error" and "boom" in impls["broken"]["reason"]
    assert impls["absent"]["status"] == "skipped" and "no_such_module_for_sure" in impls["absent"]["reason"]
    assert impls["baseline"]["items"] == 5  # timed on a prefix, per-item figures stay comparable
    assert impls["good"]["items"] == 10


def test_wrong_answer_beyond_slow_baseline_prefix_is_still_caught(fake_registry):
    # The baseline only answers 5 items; "wrong" differs at item 3 and would also be caught by
    # the comparison with the first native implementation on the full input.
    result = worker.run_job(_job(size=50))
    assert result["implementations"]["wrong"]["status"] == "disagree"


def test_merge_reports_speedups_only_for_agreeing_implementations(fake_registry):
    runs = [worker.run_job(_job()) for _ in range(2)]
    merged = python_side.merge(FAKE.cases[0], 10, runs)
    by_name = {m.name: m for m in merged.implementations}
    good = by_name["good"]
    assert good.speedup.value > 0 and good.speedup.low <= good.speedup.value <= good.speedup.high
    assert good.samples.n == 6 and len(good.samples.per_process) == 2  # kept per process, pooled for figures
    assert good.samples.unit == "s/item"
    assert by_name["wrong"].speedup is None and by_name["wrong"].samples is None
    assert by_name["broken"].speedup is None
    targets = {t.description: t for t in python_side.evaluate_targets(FAKE.cases[0], [merged])}
    assert targets["good faster than baseline"].ratio is not None
    assert targets["wrong vs baseline"].met is None and "wrong (disagree" in targets["wrong vs baseline"].why
    assert targets["at another size"].met is None and "not measured" in targets["at another size"].why


def test_agreement_first_mismatch_names_the_item():
    assert agreement.first_mismatch([1, 2, 3], [1, 2, 3, 4], lambda a, b: a == b) is None
    assert agreement.first_mismatch([1, 9, 3], [1, 2, 3], lambda a, b: a == b) == "item 1: 9 != 2"


def test_stats_summary():
    s = stats.summarize([3.0, 1.0, 2.0, 4.0])
    assert s.median == 2.5 and s.min == 1.0 and s.max == 4.0 and s.n == 4
    assert s.q1 == 1.75 and s.q3 == 3.25


def test_calibration_targets_min_time():
    assert timing.calibrate(0.001, 0.05) == 50
    assert timing.calibrate(1.0, 0.05) == 1
    assert timing.calibrate(0.0, 0.05) == timing.MAX_LOOPS


def test_registry_discovers_arrays_with_all_ways_across_the_boundary():
    arrays = workloads.discover()["arrays"]
    names = {impl.name for impl in arrays.case("ints").implementations}
    assert {"baseline", "capi", "pybind11", "pybind11-buffer", "array.array"} <= names
    for case in arrays.cases:
        assert case.sizes["quick"] and all(s > 0 for s in case.sizes["full"])


def test_every_case_runs_in_some_profile_at_positive_sizes():
    for workload in workloads.discover().values():
        for case in workload.cases:
            assert any(case.sizes.values()), f"{workload.name}.{case.name} runs in no profile"
            assert all(s > 0 for sizes in case.sizes.values() for s in sizes)


def test_time_budget_trims_samples_of_slow_implementations_but_keeps_a_minimum():
    calls = []

    def slow(_):
        calls.append(1)
        time.sleep(0.02)

    measured = timing.measure(slow, None, first_call_seconds=0.02, min_time=0.01, samples=10, warmups=2, max_time=0.05)
    assert measured.loops == 1 and len(measured.per_call) == timing.MIN_SAMPLES
    assert len(calls) == timing.MIN_SAMPLES  # no warm-ups past the budget
    assert all(v >= 0.02 for v in measured.per_call)

    fast = timing.measure(
        lambda _: None, None, first_call_seconds=1e-6, min_time=0.001, samples=4, warmups=1, max_time=10.0
    )
    assert len(fast.per_call) == 4 and fast.loops > 1


def test_samples_start_from_a_frozen_heap_and_leave_it_unfrozen():
    seen = []

    def probe(_):
        seen.append((gc.get_freeze_count(), gc.isenabled()))

    big_index = [[i] for i in range(10_000)]  # alive before sampling: frozen, never traversed
    timing.measure(probe, big_index, first_call_seconds=1e-6, min_time=1e-4, samples=3, warmups=1)
    assert seen and all(frozen >= len(big_index) and not enabled for frozen, enabled in seen)
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_profiles_are_sane():
    assert PROFILES["full"].processes >= PROFILES["quick"].processes


def _even_share(items, answers):
    return {"even share": Metric(sum(a % 2 == 0 for a in answers) / len(answers), "", True)}


WITH_METRICS = workloads.Workload(
    name="fake-metrics",
    description="squares with an extra figure",
    cases=[
        workloads.Case(
            "squares",
            "number",
            lambda size, seed, fixture: list(range(size)),
            [
                workloads.Implementation("baseline", "baseline", _square_all),
                workloads.Implementation("good", "native", _square_all),
                workloads.Implementation("clock", "reference", _square_all),
            ],
            {"quick": [10]},
            metrics=_even_share,
        )
    ],
)


def test_a_case_declares_extra_metrics_that_reach_the_results(monkeypatch):
    monkeypatch.setattr(workloads, "get", lambda name: WITH_METRICS)
    job = dict(_job(), workload="fake-metrics")
    merged = python_side.merge(WITH_METRICS.cases[0], 10, [worker.run_job(job)])
    by_name = {m.name: m for m in merged.implementations}
    assert by_name["good"].metrics == {"even share": Metric(0.5, "", True)}
    assert by_name["clock"].kind == "reference" and by_name["clock"].ok


def test_implementations_take_their_samples_in_turns():
    """Round r holds sample r of every implementation, so a drift of the process's state over the
    run is shared by all of them instead of favouring whichever is timed last."""
    order: list[str] = []

    def recorder(name: str):
        def run(_):
            order.append(name)
            time.sleep(0.002)

        return run

    timed = [timing.Timed(n, recorder(n), None, first_call_seconds=0.002) for n in ("a", "b", "c")]
    measured = timing.measure_in_turns(timed, min_time=0.001, samples=3, warmups=1)
    assert all(len(measured[n].per_call) == 3 and measured[n].loops == 1 for n in "abc")
    assert order == ["a", "b", "c"] * 4  # one warm-up round, then three measured rounds


def test_a_slow_implementation_drops_out_of_later_turns():
    order: list[str] = []

    def fast(_):
        order.append("fast")

    def slow(_):
        order.append("slow")
        time.sleep(0.02)

    timed = [timing.Timed("slow", slow, None, 0.02), timing.Timed("fast", fast, None, 1e-6)]
    measured = timing.measure_in_turns(timed, min_time=0.01, samples=5, warmups=0, max_time=0.07)
    assert len(measured["slow"].per_call) == timing.MIN_SAMPLES and len(measured["fast"].per_call) == 5
    measured_calls = [name for name in order if name == "slow"]
    assert len(measured_calls) == timing.MIN_SAMPLES
