"""Style gates: warnings are errors in our own code, on both sides of the boundary.

Python: ruff (lint and format, configured in pyproject.toml). C++: clang-format (.clang-format).
Tools are taken from the venv that runs the tests (the folder of ``sys.executable``) or from
the system's folders where Debian installs them, never from whatever PATH happens to hold.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON_TREES = ["src/bridgebench", "python_baseline", "tests", "bench"]
CPP_SUFFIXES = {".cpp", ".hpp", ".h"}


def venv_tool(name: str) -> Path:
    """A console script installed beside the interpreter running the tests."""
    tool = Path(sys.executable).parent / name
    if not tool.exists():
        pytest.fail(f"{name} is not installed in {tool.parent}; scripts/bootstrap.sh installs it (requirements.txt)")
    return tool


def system_tool(name: str) -> Path:
    """A tool from Debian's packages, looked up in the system's folders only."""
    for folder in ("/usr/bin", "/usr/local/bin"):
        tool = Path(folder) / name
        if tool.exists():
            return tool
    pytest.fail(f"{name} is not installed; scripts/bootstrap.sh installs it with apt")


def tracked_files(suffixes: set[str]) -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [line for line in listed.splitlines() if Path(line).suffix in suffixes and (REPO / line).exists()]


def test_ruff_lint_is_clean():
    proc = subprocess.run(
        [venv_tool("ruff"), "check", "--no-cache", *PYTHON_TREES], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-5000:]


def test_ruff_format_is_clean():
    proc = subprocess.run(
        [venv_tool("ruff"), "format", "--check", "--no-cache", *PYTHON_TREES], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, "run `.venv/bin/ruff format` on:\n" + proc.stdout[-5000:]


def test_clang_format_is_clean():
    files = tracked_files(CPP_SUFFIXES)
    assert files, "no C++ files found"
    proc = subprocess.run(
        [system_tool("clang-format"), "--dry-run", "--Werror", *files], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, "run `clang-format -i` on:\n" + proc.stderr[-5000:]
