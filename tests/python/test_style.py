"""Lint gate for the Python code (ruff, configured in pyproject.toml): warnings are errors in
our own code, on the Python side too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_ruff_is_clean():
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed; scripts/bootstrap.sh installs it from requirements.txt")
    proc = subprocess.run([ruff, "check", "--no-cache", "src/bridgebench", "python_baseline", "tests"],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-5000:]
