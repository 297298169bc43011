"""The scrape entry in the `bridgebench run` registry: inputs, implementations, agreement."""

import json
import re

import pytest

from bridgebench import workloads
from bridgebench.runners import python_side, worker
from bridgebench.runners.profiles import PROFILES
from bridgebench.runners.results import CaseResult, Measurement, Samples, SizeResult, WorkloadResult
from bridgebench.scrape import wrk_ceiling
from bridgebench.workloads import scrape as scrape_workload

CLIENTS = {"baseline", "pybind11", "capi", "aiohttp", "httpx", "pycurl", "requests"}


def test_registry_has_scrape_with_every_client_and_the_ceiling():
    scrape = workloads.discover()["scrape"]
    assert scrape.fixture is not None and scrape.sections is not None
    for case in scrape.cases:
        names = {i.name for i in case.implementations}
        assert CLIENTS <= names, case.name
    throughput = [c for c in scrape.cases if c.name == "small" or c.name.startswith("small-c")]
    assert sorted(scrape_workload._case_concurrency(c.name) for c in throughput) == [1, 8, 64, 256]
    assert all("wrk" in {i.name for i in c.implementations} for c in throughput)
    assert {"pybind11", "pybind11-http1", "ideal"} <= {i.name for i in scrape.case("tls").implementations}
    targets = {(t.subject, t.reference) for c in scrape.cases for t in c.targets}
    assert {("pybind11", r) for r in ("wrk", "httpx", "pycurl", "aiohttp", "baseline", "ideal")} == targets


def _url(item) -> str:
    return item if isinstance(item, str) else item.url


def test_fixture_value_is_json_and_inputs_are_deterministic(scrape_site):
    value = scrape_site.value()
    assert json.loads(json.dumps(value)) == value
    for case in workloads.get("scrape").cases:
        a = case.make_input(50, 7, value)
        assert a == case.make_input(50, 7, value) and len(a) == 50
        origin = value["tls"] if case.name == "tls" else value["base"]
        assert all(_url(u).startswith(origin) for u in a)


def test_a_missing_wrk_is_skipped_with_its_reason(monkeypatch, scrape_site):
    monkeypatch.setattr(wrk_ceiling, "find_wrk", lambda: None)
    impl = workloads.get("scrape").case("small").implementation("wrk")
    assert "wrk is not installed" in worker._available(impl, scrape_site.value())


def test_wrk_checks_every_response(scrape_site):
    if wrk_ceiling.find_wrk() is None:
        pytest.skip("wrk is not installed (scripts/bootstrap.sh installs it)")
    urls = scrape_workload.make_small(200, 0, scrape_site.value())
    answers = scrape_workload._corpus_answers(urls)
    good = wrk_ceiling.prepare(urls, 8, answers, scrape_workload._wrk_answer)
    assert wrk_ceiling.run(good) == answers
    wrong = wrk_ceiling.Answer(200, "nginx", "text/html", 999)
    bad = wrk_ceiling.prepare(urls, 8, answers, lambda _answer: wrong)
    with pytest.raises(RuntimeError, match=re.escape("mismatch 200|nginx|text/html|1024")):
        wrk_ceiling.run(bad)


def _measured(name: str, per_item: float | None) -> Measurement:
    if per_item is None:
        return Measurement(name, "reference", status="skipped", reason="wrk is not installed")
    return Measurement(name, "peer", items=10, loops=1, samples=Samples(((per_item,),)))


def _case(name: str, size: int, *measurements: Measurement) -> CaseResult:
    return CaseResult(name, "URL", "", (SizeResult(size, None, 1, measurements),))


def test_sections_report_every_client_as_a_fraction_of_the_ceiling():
    size = scrape_workload.THROUGHPUT_SIZE
    result = WorkloadResult(
        "scrape",
        "",
        (
            _case("small", size, _measured("wrk", 1e-5), _measured("p", 2e-5)),
            _case("small-c8", size, _measured("wrk", None)),
            _case("delayed", size, _measured("p", 1.0)),
        ),
    )
    (section,) = scrape_workload.sections(result)
    rows = {(r[0], r[1]): r for r in section.rows}
    assert set(rows) == {("64", "wrk"), ("64", "p"), ("8", "wrk")}
    assert rows[("64", "p")][2:4] == ["50,000", "0.50"]
    assert rows[("64", "wrk")][3] == "1.00"
    assert rows[("8", "wrk")][2] == "-" and "wrk is not installed" in rows[("8", "wrk")][4]
    assert section.chart.series == {"wrk": [(64, pytest.approx(100_000))], "p": [(64, pytest.approx(50_000))]}


def test_without_the_concurrency_sweep_the_section_has_the_table_and_says_where_the_chart_is():
    size = scrape_workload.THROUGHPUT_SIZE
    result = WorkloadResult("scrape", "", (_case("small", size, _measured("wrk", 1e-5), _measured("p", 2e-5)),))
    (section,) = scrape_workload.sections(result)
    assert section.chart is None
    assert len(section.rows) == 2 and "--full" in section.text


def test_the_concurrency_sweep_runs_with_full_or_when_named():
    selected = {"scrape": workloads.get("scrape")}
    quick, full = PROFILES["quick"], PROFILES["full"]
    swept = {f"small-c{c}" for c in scrape_workload.CONCURRENCY_LEVELS if c != scrape_workload.SMALL_CONCURRENCY}
    assert not swept & {case.name for _, case, _ in python_side.plan(selected, quick, None, None)}
    assert swept <= {case.name for _, case, _ in python_side.plan(selected, full, None, None)}
    assert not swept & {case.name for _, case, _ in python_side.plan(selected, quick, [100], None)}
    named = python_side.plan(selected, quick, None, {"small-c8"})
    assert [(case.name, sizes) for _, case, sizes in named] == [("small-c8", [scrape_workload.THROUGHPUT_SIZE])]


def test_worker_checks_answers_agree_before_timing(scrape_site, balanced_ledger):
    for case in ("small", "mixed", "tls"):
        result = worker.run_job(
            {
                "workload": "scrape",
                "case": case,
                "size": 40,
                "seed": 1,
                "fixture": scrape_site.value(),
                "samples": 1,
                "warmups": 0,
                "min_time": 0.0,
            }
        )
        statuses = {name: r["status"] for name, r in result["implementations"].items()}
        assert statuses["baseline"] == statuses["pybind11"] == statuses["capi"] == "ok", result
        assert {statuses[p] for p in ("aiohttp", "httpx", "pycurl", "requests")} <= {"ok", "skipped"}, result
        if case == "small":
            assert statuses["wrk"] in ("ok", "skipped"), result
