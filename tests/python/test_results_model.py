"""The typed results model: JSON round trip with every raw sample, the schema-1 migration,
clear errors for unreadable files, statistics against known values, and the regression gate."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest
import results_factory as factory

from bridgebench.errors import UsageError
from bridgebench.runners import advice, gate, gbench, history, results_json, stats
from bridgebench.runners.results import Samples


def test_json_round_trip_keeps_every_raw_sample(tmp_path: Path):
    run = factory.run(instructions=True)
    results_json.write(run, tmp_path)
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["schema"] == results_json.SCHEMA
    entry = data["workloads"][0]["cases"][0]["sizes"][0]["implementations"][1]
    assert entry["samples"]["unit"] == "s/item" and len(entry["samples"]["per_process"]) == 2
    assert len(entry["samples"]["per_process"][0]) == 5
    assert results_json.load(tmp_path) == run


def test_rows_walk_every_workload_case_size_and_implementation():
    run = factory.run()
    rows = list(run.rows())
    assert len(rows) == 3 * 6  # three sizes in all, six implementations each
    assert rows[0].key == ("arrays", "ints", 1000, "baseline")
    assert {r.workload for r in rows} == {"arrays", "spell"}


V1 = {
    "schema": "bridgebench.results/1",
    "created": "2026-11-25T10:00:00+00:00",
    "settings": {"profile": "quick", "processes": 2, "samples": 5},
    "machine": {"git_commit": "1234abc"},
    "workloads": [
        {
            "name": "arrays",
            "description": "d",
            "facts": {},
            "cases": [
                {
                    "name": "ints",
                    "unit": "element",
                    "description": "",
                    "targets": [
                        {
                            "description": "t",
                            "subject": "capi",
                            "reference": "baseline",
                            "max_ratio": 0.5,
                            "size": 10,
                            "ratio": 0.01,
                            "met": True,
                            "why": "",
                        }
                    ],
                    "sizes": [
                        {
                            "size": 10,
                            "reference": "baseline",
                            "processes": 2,
                            "implementations": [
                                {
                                    "name": "baseline",
                                    "kind": "baseline",
                                    "note": "",
                                    "status": "ok",
                                    "items": 10,
                                    "loops": 3,
                                    "per_call": {"median": 1e-5},
                                    "per_item": {"median": 1e-6, "q1": 9e-7, "q3": 2e-6, "n": 10},
                                    "spread": 0.1,
                                    "speedup_vs_baseline": None,
                                },
                                {
                                    "name": "capi",
                                    "kind": "native",
                                    "note": "",
                                    "status": "ok",
                                    "items": 10,
                                    "loops": 3,
                                    "per_item": {"median": 1e-8, "q1": 9e-9, "q3": 2e-8, "n": 10},
                                    "speedup_vs_baseline": 100.0,
                                },
                                {"name": "rf", "kind": "peer", "note": "", "status": "skipped", "reason": "absent"},
                            ],
                        }
                    ],
                }
            ],
            "native_bench": {
                "executable": "bench_arrays",
                "context": {},
                "benchmarks": [
                    {
                        "name": "BM/10_median",
                        "run_name": "BM/10",
                        "aggregate_name": "median",
                        "real_time": 5.0,
                        "time_unit": "ns",
                    },
                    {
                        "name": "BM/10_cv",
                        "run_name": "BM/10",
                        "aggregate_name": "cv",
                        "real_time": 0.03,
                        "time_unit": "ns",
                    },
                ],
            },
        }
    ],
    "leakcheck": {"ok": True, "markdown": "all clean", "summary": "ok"},
}


def test_schema_1_results_migrate(tmp_path: Path):
    (tmp_path / "results.json").write_text(json.dumps(V1))
    run = results_json.load(tmp_path)
    capi = next(r.measurement for r in run.rows() if r.measurement.name == "capi")
    assert capi.samples.values() == [1e-8] and capi.per_item == 1e-8  # the median survives as one sample
    assert capi.speedup.value == 100.0 and math.isnan(capi.speedup.low)
    assert next(r for r in run.rows() if r.measurement.name == "rf").measurement.status == "skipped"
    native = run.workloads[0].native_bench
    assert [r.name for r in native.rows] == ["BM/10"] and native.rows[0].median_s == pytest.approx(5e-9)
    assert run.leakcheck.verdict() == "PASS" and run.commit == "1234abc"
    # A migrated row has one sample: compare calls it inconclusive, never slower.
    comparison = gate.compare(run, run, gate.Thresholds(wall=0.05))
    assert {r.verdict for r in comparison.rows} == {gate.INCONCLUSIVE} and not comparison.failures


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no results file"), ("{not json", "is not valid JSON"), ('{"schema": "other/9"}', "schema 'other/9'")],
)
def test_unreadable_results_are_usage_errors_naming_the_file(tmp_path: Path, content, message):
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError, match=message) as error:
        results_json.load(path)
    assert str(path) in str(error.value)


def test_mann_whitney_matches_known_values():
    # Two separated groups of five: the exact two-sided p is 2 / C(10, 5) = 2 / 252.
    assert stats.mann_whitney_p([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]) == pytest.approx(2 / 252)
    # Interleaved groups: no evidence (U = 12 where 12.5 is the middle).
    assert stats.mann_whitney_p([1, 4, 5, 8, 9], [2, 3, 6, 7, 10]) > 0.8
    assert stats.mann_whitney_p([3.0] * 5, [3.0] * 5) == 1.0


def test_mann_whitney_is_exact_for_ten_against_ten():
    # The normal approximation cannot go below ~2e-4 here; the exact p is 2 / C(20, 10).
    assert stats.mann_whitney_p(list(range(10)), list(range(10, 20))) == pytest.approx(2 / 184_756)


def test_ratio_interval_brackets_the_point_and_is_reproducible():
    a = factory.samples(2.0, noise=0.05).values()
    b = factory.samples(1.0, noise=0.05, seed=2).values()
    point, low, high = stats.ratio_of_medians_interval(a, b)
    assert low < point < high and 1.8 < low and high < 2.2
    assert stats.ratio_of_medians_interval(a, b) == (point, low, high)


def _verdicts(comparison: gate.Comparison) -> dict[str, str]:
    return {r.label: r.verdict for r in comparison.rows}


def test_gate_ignores_noise_and_flags_a_real_slowdown_of_our_code_only():
    old = factory.run(seed=1)
    same = gate.compare(old, factory.run(seed=2), gate.Thresholds(wall=0.05))
    assert not same.failures and gate.SLOWER not in _verdicts(same).values()

    slower = factory.run(seed=2, scale={"capi": 1.10, "array.array": 1.5})
    comparison = gate.compare(old, slower, gate.Thresholds(wall=0.05))
    failing = {r.label for r in comparison.failures}
    assert failing == {"arrays.ints n=1,000 capi", "arrays.ints n=10,000,000 capi", "spell.lookup n=1,000 capi"}
    peer = next(r for r in comparison.rows if r.new.measurement.name == "array.array")
    assert peer.verdict == gate.SLOWER and not peer.gated and not peer.breaks  # peers do not fail the gate
    reason = comparison.failures[0].reason(comparison.thresholds)
    assert reason.startswith("wall +") and "95 % interval" in reason and reason.endswith("> 5%")
    everything = gate.compare(old, slower, gate.Thresholds(wall=0.05, gate="all"))
    assert len(everything.failures) == 6


EVERYONE = ("baseline", "capi", "pybind11-buffer-with-a-long-name", "array.array", "ideal")


def test_a_slower_machine_is_not_a_slower_extension():
    old = factory.run(seed=1)
    drifted = factory.run(seed=2, scale=dict.fromkeys(EVERYONE, 1.15))  # the whole run 15 % slower
    normalized = gate.compare(old, drifted, gate.Thresholds(wall=0.05))
    assert not normalized.failures
    capi = [r for r in normalized.rows if r.new.measurement.name == "capi"]
    assert capi and all(r.reference == "baseline" and abs(r.change) < 0.05 for r in capi)
    absolute = gate.compare(old, drifted, gate.Thresholds(wall=0.05, normalize="none"))
    assert {r.new.measurement.name for r in absolute.failures} == {"capi", "pybind11-buffer-with-a-long-name"}
    assert all(r.reference is None for r in absolute.rows)


def test_a_slower_extension_on_a_slower_machine_still_fails_relative_to_its_baseline():
    old = factory.run(seed=1)
    new = factory.run(seed=2, scale=dict.fromkeys(EVERYONE, 1.15) | {"capi": 1.15 * 1.10})
    failures = gate.compare(old, new, gate.Thresholds(wall=0.05)).failures
    assert {r.new.measurement.name for r in failures} == {"capi"}
    assert "relative to baseline" in failures[0].reason(gate.Thresholds(wall=0.05))


def test_the_reference_is_the_baseline_else_the_first_peer_and_is_itself_compared_absolutely():
    old = factory.run(seed=1)
    rows = {r.new.key: r for r in gate.compare(old, factory.run(seed=2), gate.Thresholds(wall=0.05)).rows}
    assert {r.reference for k, r in rows.items() if k[0] == "arrays" and k[3] != "baseline"} == {"baseline"}
    assert all(r.reference is None for k, r in rows.items() if k[3] == "baseline")

    def without_baseline(run):
        def size(s):
            return dataclasses.replace(s, implementations=tuple(m for m in s.implementations if m.kind != "baseline"))

        def case(c):
            return dataclasses.replace(c, sizes=tuple(size(s) for s in c.sizes))

        return dataclasses.replace(
            run, workloads=tuple(dataclasses.replace(w, cases=tuple(case(c) for c in w.cases)) for w in run.workloads)
        )

    peer_rows = gate.compare(without_baseline(old), without_baseline(factory.run(seed=2)), gate.Thresholds()).rows
    capi = [r for r in peer_rows if r.new.measurement.name == "capi"]
    assert capi and {r.reference for r in capi} == {"array.array"}


def test_gate_threshold_keeps_small_significant_changes_as_no_change():
    comparison = gate.compare(
        factory.run(seed=1), factory.run(seed=2, scale={"capi": 1.02}), gate.Thresholds(wall=0.05)
    )
    capi = [r for r in comparison.rows if r.new.measurement.name == "capi"]
    assert capi and all(r.verdict == gate.NO_CHANGE for r in capi) and not comparison.failures


def test_gate_calls_too_few_samples_inconclusive():
    run = factory.run()
    few = dataclasses.replace(
        run.workloads[1].cases[0].sizes[0].implementations[1], samples=Samples(((1e-6,), (2e-6,)))
    )
    from bridgebench.runners.confirm import replace_measurements

    thin = replace_measurements(run, {("spell", "lookup", 1000, few.name): few})
    row = next(r for r in gate.compare(run, thin, gate.Thresholds(wall=0.05)).rows if r.new.measurement is few)
    assert row.verdict == gate.INCONCLUSIVE and not row.breaks


def test_instruction_counts_gate_at_their_own_threshold():
    old = factory.run(instructions=True)
    from bridgebench.runners.confirm import replace_measurements

    def bumped(factor: float):
        row = next(r for r in old.rows() if r.measurement.name == "capi")
        m = dataclasses.replace(row.measurement, instructions=row.measurement.instructions * factor)
        return replace_measurements(old, {row.key: m})

    assert not gate.compare(old, bumped(1.005), gate.Thresholds()).failures
    failures = gate.compare(old, bumped(1.02), gate.Thresholds()).failures
    assert [r.label for r in failures] == ["arrays.ints n=1,000 capi"] and failures[0].breaks_instructions


def test_google_benchmark_rows_keep_allocations_and_fitted_complexity():
    data = {
        "benchmarks": [
            {
                "name": "BM/10",
                "run_name": "BM/10",
                "run_type": "iteration",
                "real_time": 10,
                "time_unit": "ns",
                "allocs_per_iter": 2.0,
            },
            {
                "name": "BM/10",
                "run_name": "BM/10",
                "run_type": "iteration",
                "real_time": 12,
                "time_unit": "ns",
                "allocs_per_iter": 2.0,
            },
            {
                "name": "BM/10_median",
                "run_name": "BM/10",
                "run_type": "aggregate",
                "aggregate_name": "median",
                "real_time": 11,
                "time_unit": "ns",
            },
            {
                "name": "BM/10_stddev",
                "run_name": "BM/10",
                "run_type": "aggregate",
                "aggregate_name": "stddev",
                "real_time": 1,
                "time_unit": "ns",
            },
            {
                "name": "BM/10_cv",
                "run_name": "BM/10",
                "run_type": "aggregate",
                "aggregate_name": "cv",
                "real_time": 0.1,
                "time_unit": "ns",
            },
            {
                "name": "BM_BigO",
                "run_name": "BM",
                "run_type": "aggregate",
                "aggregate_name": "BigO",
                "big_o": "N",
                "real_coefficient": 1.1,
                "time_unit": "ns",
            },
            {"name": "BM_RMS", "run_name": "BM", "run_type": "aggregate", "aggregate_name": "RMS", "rms": 0.02},
        ]
    }
    bench = gbench.parse("bench_x", data)
    (row,) = bench.rows
    assert row.name == "BM/10" and row.median_s == pytest.approx(11e-9) and row.stddev_s == pytest.approx(1e-9)
    assert row.allocs_per_iter == 2.0
    assert bench.complexity == (("BM", "1.1 ns × O(N)", 0.02),)


def test_machine_advice():
    assert "load average 9.0 on 2 CPUs" in advice.load_warning(9.0, 2)
    assert advice.load_warning(0.5, 2) is None


def test_frequency_scaling_advice(tmp_path: Path):
    governor = tmp_path / "scaling_governor"
    governor.write_text("powersave\n")
    assert "powersave" in advice.frequency_warning(governor)
    governor.write_text("performance\n")
    assert advice.frequency_warning(governor) is None
    assert advice.frequency_warning(tmp_path / "absent") is None


def test_history_resolves_latest_previous_and_commits(tmp_path: Path):
    for seed in (1, 2, 3):
        folder = tmp_path / f"2026112{seed}-000000"
        folder.mkdir()
        results_json.write(factory.run(seed=seed), folder)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "results.json").write_text("{")
    assert [s.run.commit for s in history.saved_runs(tmp_path)] == ["abc0001", "abc0002", "abc0003"]
    assert history.resolve("latest", tmp_path).name == "20261123-000000"
    assert history.resolve("previous", tmp_path).name == "20261122-000000"
    assert history.resolve("abc0001", tmp_path).name == "20261121-000000"
    with pytest.raises(UsageError, match="no saved run of commit"):
        history.resolve("fff999", tmp_path)
    with pytest.raises(UsageError, match="no results file or folder"):
        history.resolve("nope/where", tmp_path)
