"""The GitHub Actions workflow that leakcheck/README.md tells users to copy runs as written on a
current hosted runner: Python 3.11 from setup-python, apt lists updated before anything is
installed, and every command it runs exists here with the options it passes. (The audit itself
runs in tests/python/test_leakcheck_gate.py.)"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bridgebench import cli

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "leakcheck" / "ci" / "github-actions.yml"


@pytest.fixture(scope="module")
def steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] in {"ubuntu-latest", "ubuntu-24.04", "ubuntu-22.04"}
    return job["steps"]


def commands(steps: list[dict[str, Any]]) -> list[list[str]]:
    return [shlex.split(step["run"], comments=True) for step in steps if "run" in step]


def test_the_readme_shows_the_checked_workflow():
    readme = (REPO / "leakcheck" / "README.md").read_text()
    assert "```yaml\n" + WORKFLOW.read_text() + "```" in readme


def test_python_311_comes_from_setup_python(steps):
    setup = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup and str(setup[0]["with"]["python-version"]) == "3.11"
    assert steps.index(setup[0]) < next(i for i, s in enumerate(steps) if "run" in s)


def test_apt_lists_are_updated_before_anything_is_installed(steps):
    runs = commands(steps)
    update = next(i for i, c in enumerate(runs) if c[-2:] == ["apt-get", "update"] or c[-1:] == ["update"])
    installs = [i for i, c in enumerate(runs) if "install" in c or c[:2] == ["bash", "scripts/bootstrap.sh"]]
    assert installs and all(update < i for i in installs)


def test_every_command_exists_here_with_its_options(steps):
    for command in commands(steps):
        if command[:2] == ["sudo", "apt-get"]:
            assert command[2:] == ["update"]
        elif command[0] == "bash":
            script = REPO / command[1]
            assert script.is_file(), command
            assert script.read_text().startswith("#!/usr/bin/env bash")
        elif command[0] == ".venv/bin/bridgebench":
            # bootstrap.sh installs the console script into the venv that runs these tests.
            assert (Path(sys.executable).parent / "bridgebench").exists()
            args = cli.build_parser().parse_args(command[1:])  # exits 2 on an unknown option
            assert args.command == "leakcheck" and args.quick
        else:
            pytest.fail(f"the workflow runs a command this test does not know: {command}")


def test_reports_are_uploaded_from_where_the_audit_writes_them(steps):
    audit = next(c for c in commands(steps) if c[0] == ".venv/bin/bridgebench")
    output_dir = audit[audit.index("--output-dir") + 1]
    uploads = [s["with"] for s in steps if "with" in s and "upload-artifact" in s.get("uses", "")]
    junit = [s["with"] for s in steps if "with" in s and "junit" in s.get("uses", "")]
    assert uploads and uploads[0]["path"] == output_dir
    assert junit and junit[0]["report_paths"] == f"{output_dir}/leaks.junit.xml"
