"""The set-up entry point that makes the leak audit's builds ahead of the first audit
(`python -m bridgebench.leakcheck.builds KIND...`, called by scripts/bootstrap.sh)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _builds(*kinds: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bridgebench.leakcheck.builds", *kinds], cwd=REPO, capture_output=True, text=True
    )


def test_an_unknown_or_missing_kind_is_a_usage_error_naming_the_kinds():
    for args in ((), ("audit", "tsan")):
        proc = _builds(*args)
        assert proc.returncode == 2
        assert "audit,asan,fuzz" in proc.stderr


def test_an_existing_build_is_brought_up_to_date_incrementally():
    proc = _builds("audit")
    assert proc.returncode == 0, proc.stderr
    assert (REPO / "build" / "audit" / "site").is_dir()
