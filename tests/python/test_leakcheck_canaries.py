"""The canary self-test: every planted leak is caught by every layer expected to see it, and
named by its site (ledger, growth) or function (ASan, Valgrind); a suppression that hides our
own code makes it fail. Needs the audit builds (build/audit, build/asan; incremental)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bridgebench.leakcheck import LAYERS
from bridgebench.leakcheck.scenarios import all_canaries
from bridgebench.leakcheck.selftest import check_canaries, check_canary, compatible, groups

REPO = Path(__file__).resolve().parents[2]
CANARIES = all_canaries()
# Canaries that share no site or function run together: one audit per group, not per canary.
GROUPS = groups(CANARIES)


@pytest.fixture(autouse=True)
def _root(monkeypatch):
    monkeypatch.setenv("BRIDGEBENCH_ROOT", str(REPO))


def test_every_canary_is_in_exactly_one_group_of_compatible_canaries():
    names = [c.name for g in GROUPS for c in g]
    assert sorted(names) == sorted(c.name for c in CANARIES)
    assert all(compatible(g) for g in GROUPS)
    assert len(GROUPS) < len(CANARIES)  # the grouping saves runs


@pytest.mark.timeout(900)
@pytest.mark.parametrize("group", GROUPS, ids=["+".join(c.name for c in g) for g in GROUPS])
def test_each_layer_catches_and_names_each_canary(group):
    checks = check_canaries(group, list(LAYERS), quick=True)
    for canary in group:
        mine = [c for c in checks if c.canary == canary.name]
        assert {c.layer for c in mine} == set(LAYERS) & set(canary.layers)
        for check in mine:
            assert check.caught, f"{canary.name}: layer {check.layer} did not see the planted leak; {check.evidence}"
            assert not check.problems, f"{canary.name}/{check.layer}: {check.problems}"
            expected = set(canary.sites) if check.layer in ("ledger", "growth") else set(canary.functions)
            assert set(check.named) <= expected, (canary.name, check.layer, check.named)


@pytest.mark.timeout(600)
def test_a_suppression_hiding_our_code_fails_the_selftest(tmp_path):
    canary = next(c for c in CANARIES if c.name == "pybind_copy")
    bad = tmp_path / "leakcheck"
    shutil.copytree(REPO / "leakcheck", bad)
    with open(bad / "lsan.supp", "a") as f:
        f.write("# A bad entry: it names one of our functions.\nleak:roundtrip_ints\n")
    with open(bad / "valgrind.supp", "a") as f:
        f.write(
            "# A bad entry: it hides every definite leak allocated through the ledger.\n"
            "{\n   hide-our-ledger\n   Memcheck:Leak\n   match-leak-kinds: definite\n   fun:malloc\n"
            "   fun:*allocate_nothrow*\n}\n"
        )
    checks = {c.layer: c for c in check_canary(canary, ["asan", "valgrind"], quick=True, leakcheck_dir=bad)}
    # The suppressions really hide the canary from both exit-time checkers...
    assert not checks["asan"].caught and not checks["valgrind"].caught
    # ...and the validation names the bad entries, so the self-test fails either way.
    assert any("lsan.supp" in p and "our own code" in p for p in checks["asan"].problems)
    assert any("valgrind.supp" in p for p in checks["valgrind"].problems)
