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
TIDY_FOLDERS = {"arrays", "spell", "scrape", "ledger", "capi"}


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


def test_clang_tidy_is_clean(build_dir: Path):
    """The bug-finding checks of .clang-tidy over the C++ cores and the C ABI (the bindings are
    mostly pybind11 templates: slow to analyse and checked by the sanitizer layers instead)."""
    database = build_dir / "compile_commands.json"
    if not database.is_file():
        pytest.fail(f"{database} is missing; scripts/bootstrap.sh configures build/release")
    sources = [f for f in tracked_files({".cpp"}) if f.split("/")[1] in TIDY_FOLDERS and f.startswith("src/")]
    assert sources, "no C++ sources found"
    jobs = [
        subprocess.Popen(
            [system_tool("clang-tidy"), "-p", str(build_dir), "--quiet", *chunk],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for chunk in (sources[0::2], sources[1::2])
    ]
    reports = [job.communicate()[0] for job in jobs]
    failed = [job.returncode for job in jobs if job.returncode != 0]
    assert not failed, "\n".join(reports)[-6000:]
