"""The canary self-test: every planted leak is caught by every layer expected to see it, and
named by its site (ledger, growth) or function (ASan, Valgrind); a suppression that hides our
own code makes it fail. Needs the audit builds (build/audit, build/asan; incremental)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bridgebench.leakcheck import LAYERS
from bridgebench.leakcheck.scenarios import all_canaries
from bridgebench.leakcheck.selftest import check_canary

REPO = Path(__file__).resolve().parents[2]
CANARIES = all_canaries()


@pytest.fixture(autouse=True)
def _root(monkeypatch):
    monkeypatch.setenv("BRIDGEBENCH_ROOT", str(REPO))


@pytest.mark.timeout(600)
@pytest.mark.parametrize("canary", CANARIES, ids=[c.name for c in CANARIES])
def test_each_layer_catches_and_names_the_canary(canary):
    checks = check_canary(canary, list(LAYERS), quick=True)
    assert {c.layer for c in checks} == set(LAYERS) & set(canary.layers)
    for check in checks:
        assert check.caught, f"{canary.name}: layer {check.layer} did not see the planted leak"
        assert not check.problems, f"{canary.name}/{check.layer}: {check.problems}"
        expected = set(canary.sites) if check.layer in ("ledger", "growth") else set(canary.functions)
        assert set(check.named) <= expected, (check.layer, check.named)


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
