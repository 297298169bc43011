"""The CI gate: the quick leak audit (ledger and ASan/LSan/UBSan on every scenario, growth and
Valgrind on the quick set, native coverage at or above its floors) must find nothing. The
first run on a machine compiles build/audit and build/asan; later runs are incremental."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bridgebench.leakcheck import run_audit
from bridgebench.leakcheck.scenarios import all_scenarios

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(900)
def test_quick_audit_finds_nothing(tmp_path):
    result = run_audit(quick=True, output_dir=tmp_path, root=REPO)
    assert result.passed, "\n" + result.to_markdown()
    assert [layer.layer for layer in result.layers] == ["ledger", "growth", "asan", "valgrind"]
    assert all(layer.scenarios for layer in result.layers)
    ledger = result.layer("ledger")
    assert ledger.details["canaries_compiled_in"], "the audit build must have the canaries compiled in"
    assert ledger.details["per_function"], "the ledger saw no allocation: the scenarios did not cross"
    # The three report files, consistent with each other.
    data = json.loads((tmp_path / "leaks.json").read_text())
    assert data["passed"] is True and data["coverage"]["missing"] == []
    assert "| ledger | pass |" in (tmp_path / "leaks.md").read_text()
    # Native coverage was measured for every folder with a floor, and lists uncovered lines.
    from bridgebench.leakcheck.native_coverage import FLOORS

    assert set(FLOORS) <= set(data["native_coverage"]["folders"])
    assert all("uncovered_lines" in f for f in data["native_coverage"]["files"])
    # Quick mode still puts every export through every layer (the quick set).
    covered = {name for s in all_scenarios() if s.name in result.layer("valgrind").scenarios for name in s.covers}
    assert covered == {name for s in all_scenarios() for name in s.covers}
    suites = ET.parse(tmp_path / "leaks.junit.xml").getroot()
    assert suites.get("failures") == "0" and int(suites.get("tests")) > 100


@pytest.mark.timeout(300)
def test_command_exit_codes(tmp_path):
    # One export's scenarios: the exit codes are what is tested here (the whole quick audit runs
    # in the test above).
    def run(*args, only=("--only", "arrays.pybind.roundtrip_ints.")):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "bridgebench",
                "leakcheck",
                "--quick",
                "--layers",
                "ledger",
                "--output-dir",
                str(tmp_path),
                *only,
                *args,
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
        )

    clean = run()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert (tmp_path / "leaks.junit.xml").is_file()
    planted = run("--canary", "pybind_copy")
    assert planted.returncode == 1, planted.stdout + planted.stderr
    assert "arrays.roundtrip_ints" in planted.stdout
    assert run("--layers", "nonsense").returncode == 2
    assert run("--canary", "no_such_canary").returncode == 2
    assert run(only=("--only", "no_such_scenario.")).returncode == 2
