"""The pytest plugin, as a project's test suite uses it (a pytest run of its own): no_leak fails
a leaking call and passes a clean one; compare_implementations and the bridgebench_compare
marker fail on different answers and write the run folder bridgebench's reports read."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bridgebench.runners import results_json

TESTS = """
import pytest
from bridgebench.api import faster, workload

KEPT = []


def leaks(n):
    KEPT.append([object() for _ in range(n)])


def clean(n):
    return [object() for _ in range(n)]


def slow_double(values):
    return [v + v for v in values]


def fast_double(values):
    return [2 * v for v in values]


def wrong_double(values):
    return [2 * v + (v == 3) for v in values]


def make(implementation):
    return workload("double", inputs=lambda size, seed: list(range(size)), sizes=[100, 1000],
                    baseline=slow_double, implementations={"fast": implementation},
                    targets=[faster("fast", at_least=1.0)])


def test_clean(no_leak):
    no_leak(clean, 10)


def test_error_path(no_leak):
    no_leak(int, "x", raises=ValueError)


def test_leaks(no_leak):
    no_leak(leaks, 10)


def test_compare(compare_implementations):
    result = compare_implementations(make(fast_double), samples=3, min_time=0.001)
    assert [s.size for s in result.cases[0].sizes] == [100, 1000]


def test_compare_wrong(compare_implementations):
    compare_implementations(make(wrong_double), sizes=[10], samples=3, min_time=0.001)


BODIES = []


@pytest.mark.bridgebench_compare(make(fast_double), sizes=[100], samples=3, min_time=0.001)
def test_marked():
    BODIES.append("marked")


@pytest.mark.bridgebench_compare(make(wrong_double), sizes=[10], samples=3, min_time=0.001)
def test_marked_wrong():
    BODIES.append("marked_wrong")


@pytest.mark.bridgebench_compare(make(fast_double), size=[10])
def test_marked_misspelt():
    BODIES.append("marked_misspelt")


def test_bodies_ran_only_after_agreeing_answers():
    assert BODIES == ["marked"]
"""


def _failure_sections(out: str) -> dict[str, str]:
    """The text of each failure in pytest's FAILURES section, by test name."""
    sections: dict[str, str] = {}
    name = None
    for line in out.splitlines():
        if line.startswith("=") and name is not None:
            break
        if match := re.fullmatch(r"_{3,} (\w+) _{3,}", line):
            name = match.group(1)
            sections[name] = ""
        elif name is not None:
            sections[name] += line + "\n"
    return sections


def test_fixtures_fail_leaks_and_wrong_answers_and_write_the_report(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(TESTS)
    reports = tmp_path / "reports"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "-p", "no:randomly"),
            *("--strict-markers", "--bridgebench-report", str(reports)),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = proc.stdout
    assert proc.returncode == 1, out
    assert "5 passed" in out and "4 failed" in out, out
    assert "FAILED test_user.py::test_leaks" in out and "object-growth in test_user.leaks" in out
    failures = _failure_sections(out)
    assert sorted(failures) == ["test_compare_wrong", "test_leaks", "test_marked_misspelt", "test_marked_wrong"]
    for wrong in ("test_compare_wrong", "test_marked_wrong"):
        assert "fast: disagree: disagrees with baseline: item 3: 7 != 6" in failures[wrong], out
    assert failures["test_marked_misspelt"].startswith("bridgebench_compare takes one bridgebench.api Workload")
    assert "got (Workload, size=)" in failures["test_marked_misspelt"], out
    run = results_json.load(reports / "latest" / "results.json")
    assert [w.name for w in run.workloads] == ["double", "double-2", "double-3", "double-4"]
    assert [[s.size for s in w.cases[0].sizes] for w in run.workloads[2:]] == [[100], [10]]
    assert (reports / "latest" / "speedup-double.png").is_file()
