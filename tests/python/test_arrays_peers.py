"""The nanobind and Cython peers of the array converters (src/peers) and the binding-cost report
(bridgebench.workloads._binding_costs): same answers as pybind11, clean exceptions on bad and
changing input, skipped when not built, and a fit that recovers a known line."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import math
import re
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bridgebench import _arrays
from bridgebench.leakcheck.scenarios import _arrays_peers
from bridgebench.runners import worker
from bridgebench.runners.results import CaseResult, Measurement, Samples, SizeResult, WorkloadResult
from bridgebench.workloads import _binding_costs as binding_costs
from bridgebench.workloads import arrays as arrays_workload

PEER_MODULES = {"nanobind": "bridgebench._arrays_nanobind", "cython": "bridgebench._arrays_cython"}
# The build dependency of each peer, as a Python package: when it is installed, the peer is built.
BUILD_DEPENDENCY = {"nanobind": "nanobind", "cython": "Cython"}


def _built() -> list:
    return [importlib.import_module(m) for m in PEER_MODULES.values() if importlib.util.find_spec(m) is not None]


PEERS = _built()
needs_peers = pytest.mark.skipif(not PEERS, reason="neither nanobind nor Cython was installed at build time")


@pytest.mark.parametrize("binding", sorted(PEER_MODULES))
def test_a_peer_is_built_whenever_its_build_dependency_is_installed(binding):
    if importlib.util.find_spec(BUILD_DEPENDENCY[binding]) is None:
        pytest.skip(f"{BUILD_DEPENDENCY[binding]} is not installed")
    assert importlib.util.find_spec(PEER_MODULES[binding]) is not None, (
        f"{BUILD_DEPENDENCY[binding]} is installed but {PEER_MODULES[binding]} was not built"
    )


def test_nanobind_functions_match_their_stub():
    """stubtest does not recognise nanobind's function objects (see stubtest-allowlist.txt):
    names, parameter names and return types are compared with the signatures nanobind records."""
    module = pytest.importorskip("bridgebench._arrays_nanobind")
    stub = ast.parse(Path(module.__file__).with_name("_arrays_nanobind.pyi").read_text())
    stubbed = {node.name: node for node in stub.body if isinstance(node, ast.FunctionDef)}
    assert set(stubbed) == {name for name in dir(module) if not name.startswith("_")}
    for name, node in stubbed.items():
        signature = getattr(module, name).__nb_signature__[0][0]
        match = re.fullmatch(rf"def {name}\((.*)\) -> (.*)", signature)
        assert match is not None, signature
        parameters = [p.split(":")[0].strip() for p in match.group(1).split(",")]
        assert parameters == [a.arg for a in node.args.args]
        assert node.returns is not None and match.group(2) == ast.unparse(node.returns)


def _bits(values: list[float]) -> bytes:
    return struct.pack(f"{len(values)}d", *values)


int64s = st.lists(st.integers(-(2**63), 2**63 - 1), max_size=300)
doubles = st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=300)
texts = st.lists(st.text(st.characters(blacklist_categories=("Cs",))), max_size=100)


@needs_peers
@given(int64s, doubles, texts)
def test_peers_answer_as_pybind11_does(ints, floats, words):
    for peer in PEERS:
        assert peer.roundtrip_ints(ints) == _arrays.roundtrip_ints(ints)
        assert _bits(peer.roundtrip_floats(floats)) == _bits(_arrays.roundtrip_floats(floats))
        assert peer.roundtrip_strings(words) == _arrays.roundtrip_strings(words)
        assert peer.roundtrip_ints(iter(ints)) == ints and peer.roundtrip_ints(tuple(ints)) == ints


@needs_peers
@pytest.mark.parametrize(
    "function, values, errors",
    [
        ("roundtrip_ints", [1, 2.5], TypeError),  # never truncated to 2
        ("roundtrip_ints", [1, "2"], TypeError),
        ("roundtrip_ints", [2**63], (OverflowError, TypeError)),
        ("roundtrip_floats", [1.0, "x"], TypeError),
        ("roundtrip_floats", [10**400], (OverflowError, TypeError)),
        ("roundtrip_strings", ["a", b"b"], TypeError),
        ("roundtrip_strings", ["\ud800"], (UnicodeEncodeError, TypeError)),
        ("roundtrip_ints", 12, TypeError),
        ("roundtrip_ints", None, TypeError),
        ("roundtrip_strings", "abc", TypeError),
    ],
)
def test_bad_input_is_a_python_exception(function, values, errors):
    for peer in PEERS:
        with pytest.raises(errors):
            getattr(peer, function)(values)


@needs_peers
def test_every_peer_scenario_holds_and_none_is_missing():
    """The leak audit's peer scenarios (changing lists, interrupts, error paths) as plain calls."""
    scenarios = _arrays_peers.peer_scenarios()
    built = {name for name, module in _arrays_peers.available().items()}
    assert {s.name.split(".")[1] for s in scenarios} == built
    for scenario in scenarios:
        scenario()


def test_a_peer_that_was_not_built_is_reported_as_skipped(monkeypatch):
    monkeypatch.setitem(arrays_workload.PEER_BINDINGS, "nanobind", ("bridgebench._no_such_binding", "missing"))
    peers = {i.name: i for i in arrays_workload._peer_bindings("ints")}
    reason = worker._available(peers["nanobind"], None)
    assert reason is not None and "bridgebench._no_such_binding is not installed" in reason
    with pytest.raises(RuntimeError, match="not built"):
        peers["nanobind"].run([1])


# ---- the fit and the report sections --------------------------------------------------------------


def _points(line, sizes, relative_error=0.01):
    return [binding_costs.Point(n, line(n), relative_error * line(n)) for n in sizes]


def test_the_fit_recovers_a_known_line_exactly():
    overhead, per_element = 250e-9, 12e-9
    fit = binding_costs.fit_line(_points(lambda n: overhead + per_element * n, (10, 100, 1_000)))
    assert fit is not None and fit.points == 3
    assert fit.overhead == pytest.approx(overhead, rel=1e-6) and fit.per_element == pytest.approx(per_element, rel=1e-9)
    # With no scatter, the errors are those of the samples: about 1 % of the point nearest each.
    assert 0 < fit.overhead_error < 0.02 * overhead and 0 < fit.per_element_error < 0.02 * per_element


def test_scatter_about_the_line_widens_the_errors():
    exact = _points(lambda n: 300e-9 + 10e-9 * n, (10, 100, 1_000))
    bent = _points(lambda n: 300e-9 + 10e-9 * n * (1.3 if n == 100 else 1.0), (10, 100, 1_000))
    a, b = binding_costs.fit_line(exact), binding_costs.fit_line(bent)
    assert a is not None and b is not None
    assert b.per_element_error > 5 * a.per_element_error and b.overhead_error > 5 * a.overhead_error


def test_two_sizes_give_a_line_with_sample_errors_and_one_gives_none():
    fit = binding_costs.fit_line([binding_costs.Point(10, 1e-6, 1e-8), binding_costs.Point(1000, 2e-5, 1e-7)])
    assert fit is not None and fit.per_element == pytest.approx((2e-5 - 1e-6) / 990)
    assert math.isfinite(fit.overhead_error) and fit.overhead_error > 0
    assert binding_costs.fit_line([binding_costs.Point(10, 1e-6, 1e-8)]) is None
    assert binding_costs.fit_line([]) is None


def test_a_point_carries_the_standard_error_of_its_median():
    m = Measurement("x", "peer", items=100, loops=1, samples=Samples(((1e-9, 2e-9, 3e-9, 4e-9, 5e-9),)))
    point = binding_costs.point_of(m)
    assert point.n == 100 and point.seconds == pytest.approx(3e-7)
    assert point.error == pytest.approx(1.2533 * (4e-7 - 2e-7) / 1.349 / math.sqrt(5))


def _measured(name: str, n: int, seconds_per_call: float) -> Measurement:
    per_item = seconds_per_call / n
    return Measurement(name, "peer", items=n, loops=1, samples=Samples(((per_item,) * 5,)))


def test_sections_fit_every_binding_and_compare_ours_with_the_fastest():
    sizes = (10, 100, 1_000, 100_000)
    cost = {"pybind11": (200e-9, 10e-9), "nanobind": (150e-9, 9e-9), "cython": (300e-9, 12e-9)}
    size_results = tuple(
        SizeResult(
            n,
            None,
            1,
            (
                *(_measured(name, n, a + b * n) for name, (a, b) in cost.items()),
                Measurement("array.array", "peer", status="skipped", reason="not here"),
            ),
        )
        for n in sizes
    )
    result = WorkloadResult("arrays", "", (CaseResult("ints", "element", "", size_results),))
    costs, gaps = binding_costs.sections(result)
    rows = {row[1]: row for row in costs.rows}
    assert costs.header[4] == "per element at 100,000 (ns)"
    assert rows["nanobind"][2].startswith("150.0") and rows["nanobind"][3].startswith("9.0")
    assert rows["nanobind"][4] == f"{(150e-9 + 0.9e-3) / 100_000 * 1e9:,.1f}"
    assert rows["array.array"][-1] == "not measured: not here"
    assert costs.chart is not None and set(costs.chart.series) == {f"ints: {name}" for name in cost}
    by_size = {row[1]: row for row in gaps.rows}
    assert by_size["100,000"][-2] == "nanobind"
    assert float(by_size["100,000"][-1]) == pytest.approx((200e-9 + 1e-3) / (150e-9 + 0.9e-3), abs=0.01)


def test_no_binding_section_without_peers_in_the_run():
    result = WorkloadResult("arrays", "", (CaseResult("float32", "element", "", ()),))
    assert binding_costs.sections(result) == []
