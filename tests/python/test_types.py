"""Type checks: mypy over the package, the shared rules and the baselines (configured in
pyproject.toml; the public API is fully typed), and the stubs of the compiled modules
(src/bridgebench/_*.pyi) against the modules: every function, parameter name, kind and default,
checked by mypy's stubtest against the import."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXTENSION_MODULES = ["bridgebench._arrays", "bridgebench._spell", "bridgebench._scrape"]
# The binding peers are optional (built when nanobind / Cython is installed): checked when there.
PEER_MODULES = ["bridgebench._arrays_nanobind", "bridgebench._arrays_cython"]


def test_extension_module_stubs_match_the_modules(tmp_path: Path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            "--allowlist",
            str(HERE / "stubtest-allowlist.txt"),
            *EXTENSION_MODULES,
            *(m for m in PEER_MODULES if importlib.util.find_spec(m) is not None),
        ],
        cwd=tmp_path,  # the installed package, not the source tree
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]


def test_mypy_is_clean():
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
