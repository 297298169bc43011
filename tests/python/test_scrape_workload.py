"""The scrape entry in the `bridgebench run` registry: inputs, implementations, agreement."""

import json

from bridgebench import workloads
from bridgebench.runners import worker


def test_registry_has_scrape_with_every_way_across_the_boundary():
    scrape = workloads.discover()["scrape"]
    assert scrape.fixture is not None
    for case in scrape.cases:
        names = {i.name for i in case.implementations}
        assert {"baseline", "pybind11", "capi", "aiohttp"} <= names
    targets = [t for c in scrape.cases for t in c.targets]
    assert {(t.subject, t.reference) for t in targets} == {
        ("pybind11", "aiohttp"),
        ("pybind11", "baseline"),
        ("pybind11", "ideal"),
    }


def test_fixture_value_is_json_and_inputs_are_deterministic(scrape_site):
    value = scrape_site.value()
    assert json.loads(json.dumps(value)) == value
    for case in workloads.get("scrape").cases:
        a = case.make_input(50, 7, value)
        assert a == case.make_input(50, 7, value) and len(a) == 50
        assert all(u.startswith(value["base"]) for u in a)


def test_worker_checks_answers_agree_before_timing(scrape_site, balanced_ledger):
    for case in ("small", "mixed"):
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
        assert statuses["aiohttp"] in ("ok", "skipped")
