"""The public API (bridgebench.api): targets, the one-call workload and scenario constructors,
and that our own workloads and scenarios are written with it."""

from __future__ import annotations

import ast
import operator
from pathlib import Path

import pytest

from bridgebench import api
from bridgebench.runners import python_side
from bridgebench.runners.results import OK, Estimate, Measurement, Samples, SizeResult

SRC = Path(__file__).resolve().parents[2] / "src" / "bridgebench"


def _twice(values: list[int]) -> list[int]:
    return [2 * v for v in values]


def test_faster_is_a_ratio_ceiling_and_at_most_a_slowdown_ceiling() -> None:
    target = api.faster("native", at_least=10, size=1000)
    assert (target.subject, target.reference, target.max_ratio, target.size) == ("native", "baseline", 0.1, 1000)
    assert "at least 10x faster than baseline" in target.description
    assert api.at_most("copy", than="array.array", times=1.2).max_ratio == 1.2
    with pytest.raises(ValueError, match="at_least"):
        api.faster("native", at_least=0)


def _measured(size: int, base: float, native: float) -> SizeResult:
    def m(name: str, kind: str, per_item: float) -> Measurement:
        samples = Samples(((per_item,) * 5,))
        return Measurement(name, kind, OK, "", "", 1, 1, samples, speedup=Estimate(1, 1, 1))

    return SizeResult(size, "baseline", 1, (m("baseline", "baseline", base), m("native", "native", native)))


def test_a_target_without_a_size_is_checked_at_the_largest_size_measured() -> None:
    case = api.workload(
        "w",
        inputs=lambda size, seed: list(range(size)),
        sizes=[10, 100],
        baseline=_twice,
        implementations={"native": _twice},
        targets=[api.faster("native", at_least=5)],
    ).cases[0]
    # 10x faster at the largest size, slower at the small one: only the largest counts.
    (result,) = python_side.evaluate_targets(case, [_measured(10, 1.0, 2.0), _measured(100, 1.0, 0.1)])
    assert result.size == 100 and result.met is True


def test_workload_makes_one_case_with_baseline_and_native_implementations() -> None:
    workload = api.workload(
        "double",
        inputs=lambda size, seed: list(range(seed, seed + size)),
        sizes={"quick": [10], "full": [10, 1000]},
        baseline=_twice,
        implementations={"fast": _twice},
        peers={"other": _twice},
        agree=operator.eq,
    )
    (case,) = workload.cases
    assert [(i.name, i.kind) for i in case.implementations] == [
        ("baseline", "baseline"),
        ("fast", "native"),
        ("other", "peer"),
    ]
    assert case.make_input(3, 5, None) == [5, 6, 7]
    assert case.sizes == {"quick": [10], "full": [10, 1000]}


def test_answers_that_are_not_sequences_are_compared_whole() -> None:
    workload = api.workload(
        "sum", inputs=lambda size, seed: [1] * size, sizes=[3], baseline=sum, implementations={"n": sum}
    )
    impl = workload.cases[0].implementation("n")
    assert impl.to_canonical(3) == [3]
    assert impl.to_canonical([1, 2]) == [1, 2]
    assert impl.to_canonical("ab") == ["ab"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"implementations": {}}, "at least one callable"),
        ({"sizes": []}, "at least one size"),
        ({"targets": [api.faster("nope", at_least=2)]}, "names unknown nope"),
    ],
)
def test_workload_rejects_what_cannot_run(kwargs: dict, message: str) -> None:
    arguments = {
        "inputs": lambda size, seed: [],
        "sizes": [1],
        "baseline": _twice,
        "implementations": {"fast": _twice},
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        api.workload("w", **arguments)


def test_scenario_covers_the_callable_and_checks_the_exception() -> None:
    ok = api.scenario(_twice, [1, 2])
    assert ok.covers == (f"{__name__}._twice",) and ok.name == f"{__name__}._twice.ok"
    ok()
    bad = api.scenario(int, "x", raises=ValueError)
    assert bad.name == "builtins.int.raises-ValueError"
    bad()
    wrong = api.scenario(int, "1", raises=ValueError)
    with pytest.raises(AssertionError, match="expected"):
        wrong()
    named = api.scenario(_twice, [1], name="double.small", covers=["mine.double"])
    assert (named.name, named.covers) == ("double.small", ("mine.double",))


def _imported(path: Path) -> set[tuple[str, str]]:
    """(module, name) of every ``from module import name``."""
    tree = ast.parse(path.read_text())
    return {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


@pytest.mark.parametrize(
    "path",
    sorted((SRC / "workloads").glob("[!_]*.py")) + sorted((SRC / "leakcheck" / "scenarios").glob("[!_]*.py")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_our_workloads_and_scenarios_use_the_public_api(path: Path) -> None:
    """Definitions come from bridgebench.api, never from the registries' modules (a workload's
    own helper modules, named with a leading underscore, are its own business)."""
    registries = {"bridgebench.workloads", "bridgebench.leakcheck.scenarios"}
    private = [(m, n) for m, n in _imported(path) if m in registries and not n.startswith("_")]
    assert not private
    assert any(m == "bridgebench.api" for m, _ in _imported(path))
