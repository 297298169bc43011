"""Instruction counts under Callgrind: the client requests are harmless outside Valgrind, and a
real count of the arrays workload gives every implementation a positive per-item figure with
the pure-Python baseline costing more per item than our native code."""

from __future__ import annotations

import platform

import pytest

from bridgebench.runners import client_requests, instructions


@pytest.mark.skipif(platform.machine() != "x86_64", reason="client requests are wired for x86-64 only")
def test_client_requests_do_nothing_outside_valgrind():
    requests = client_requests.ClientRequests()
    assert not requests.running_on_valgrind()
    requests.zero()
    requests.dump()


@pytest.mark.timeout(900)
def test_instruction_counts_of_a_small_case():
    counted = instructions.count_case("arrays", "ints", 1000, seed=20261125)
    per_call = counted["per_call"]
    statuses = {name: entry["status"] for name, entry in counted["implementations"].items()}
    assert set(per_call) == {name for name, status in statuses.items() if status == "ok"}
    items = {name: counted["implementations"][name]["items"] for name in per_call}
    per_item = {name: per_call[name] / items[name] for name in per_call}
    assert all(v > 0 for v in per_item.values()), per_item
    assert per_item["baseline"] > per_item["pybind11"], per_item
