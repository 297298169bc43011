"""Runs the GoogleTest executables from the Meson build dir, one pytest item per GoogleTest
test, so the C++ and Python suites share one summary."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("BRIDGEBENCH_BUILD_DIR", REPO / "build" / "release"))
SUITES = sorted((BUILD / "tests" / "cpp").glob("test_native_*")) if (BUILD / "tests" / "cpp").is_dir() else []
SUITES = [s for s in SUITES if s.is_file() and os.access(s, os.X_OK)]


def _list_tests(executable: Path) -> list[str]:
    out = subprocess.run([executable, "--gtest_list_tests"], capture_output=True, text=True, check=True).stdout
    tests, suite = [], ""
    for line in out.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            suite = line.split("#")[0].strip()
        else:
            tests.append(suite + line.split("#")[0].strip())
    return tests


CASES = [
    pytest.param(exe, name, id=f"{exe.name.removeprefix('test_native_')}::{name}")
    for exe in SUITES
    for name in _list_tests(exe)
]


def test_native_suites_were_built():
    assert SUITES, f"no GoogleTest executables in {BUILD / 'tests' / 'cpp'}; is libgtest-dev installed?"


@pytest.mark.native
@pytest.mark.parametrize("executable,name", CASES)
def test_gtest(executable: Path, name: str):
    result = subprocess.run(
        [executable, f"--gtest_filter={name}", "--gtest_color=no"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "[  PASSED  ] 1 test" in result.stdout, result.stdout[-4000:]
