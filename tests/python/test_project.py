"""Discovery (bridgebench.project): [tool.bridgebench] in the working directory or a parent,
entry points of installed plugins, bridgebench's own workloads when there are neither; and the
one-line usage errors a wrong table gets."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from bridgebench import project, workloads
from bridgebench.errors import UsageError
from bridgebench.leakcheck import foreign

BENCH = """
from bridgebench.api import scenario, workload

def double(values):
    return [2 * v for v in values]

WORKLOAD = workload("double", inputs=lambda size, seed: list(range(size)), sizes=[10],
                    baseline=double, implementations={"same": double})
SCENARIOS = [scenario(double, [1, 2]), scenario(double, [3])]
"""


def _project(folder: Path, table: str, bench: str = BENCH) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.bridgebench]\n{textwrap.dedent(table)}')
    (folder / "bench_double.py").write_text(bench)
    return folder


@pytest.fixture(autouse=True)
def _no_handed_down_project(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(project.PROJECT_ENV, raising=False)
    yield
    # Bench files are imported under their own names: each test starts without them.
    for name in [n for n in sys.modules if n.endswith("bench_double")]:
        del sys.modules[name]


def test_the_table_is_found_from_a_subfolder(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", 'workloads = ["bench_double.py"]\nscenarios = "bench_double.py"\npackage = "x"')
    (root / "src" / "deep").mkdir(parents=True)
    found = project.find(root / "src" / "deep")
    assert found == project.Project(root.resolve(), ("bench_double.py",), ("bench_double.py",), ("x",))
    assert list(project.workloads(found) or {}) == ["double"]
    names = [s.name for s in project.scenarios(found) or []]
    # Two scenarios of the same function: the second is told apart, not refused.
    assert names == ["bench_double.double.ok", "bench_double.double.ok#2"]


def test_workers_get_the_project_handed_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "proj", 'workloads = ["bench_double.py"]')
    env = project.worker_env(project.find(root))
    assert env == {project.PROJECT_ENV: str(root.resolve())}
    monkeypatch.setenv(project.PROJECT_ENV, env[project.PROJECT_ENV])
    assert project.find(tmp_path) is not None and project.find(tmp_path).root == root.resolve()


def test_a_module_name_next_to_the_pyproject_imports(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", 'workloads = ["benches.double"]')
    (root / "benches").mkdir()
    (root / "benches" / "__init__.py").write_text("")
    (root / "benches" / "double.py").write_text(BENCH.replace("double", "triple"))
    try:
        assert list(project.workloads(project.find(root)) or {}) == ["triple"]
    finally:
        sys.modules.pop("benches.double", None)
        sys.modules.pop("benches", None)
        sys.path.remove(str(root.resolve()))


def test_without_a_table_or_plugins_our_own_workloads_run(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "plain"\n')
    assert project.find(tmp_path) is None
    assert project.workloads(None) is None and project.scenarios(None) is None
    assert {"arrays", "spell", "scrape"} <= set(workloads.builtin())


@pytest.mark.parametrize(
    ("table", "bench", "message"),
    [
        ("colour = 1", BENCH, "unknown key(s) colour"),
        ("workloads = 3", BENCH, "workloads must be a string or a list of strings"),
        ('package = "x"', BENCH, "name at least one workload or scenario module"),
        ('workloads = ["missing.py"]', BENCH, "no file"),
        ('workloads = ["bench_double.py"]', "raise RuntimeError('broken')", "cannot import bench_double.py"),
        ('workloads = ["bench_double.py"]', "X = 1", "defines neither WORKLOAD nor WORKLOADS"),
        ('scenarios = ["bench_double.py"]', "SCENARIOS = [1]", "expected bridgebench.api.Scenario objects"),
        ("workloads = [", BENCH, "not valid TOML"),
    ],
)
def test_a_wrong_table_is_a_usage_error_naming_the_file(tmp_path: Path, table: str, bench: str, message: str) -> None:
    root = _project(tmp_path / "p", table, bench)
    with pytest.raises(UsageError, match="pyproject.toml") as error:
        found = project.find(root)
        project.workloads(found)
        project.scenarios(found)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_plugins_are_found_through_entry_points(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    module = tmp_path / "plugin_double.py"
    module.write_text(BENCH)
    monkeypatch.syspath_prepend(str(tmp_path))
    groups = {
        project.WORKLOAD_GROUP: [
            SimpleNamespace(name="d", value="plugin_double", load=lambda: _import("plugin_double"))
        ],
        project.SCENARIO_GROUP: [
            SimpleNamespace(name="d", value="plugin_double", load=lambda: _import("plugin_double"))
        ],
    }
    monkeypatch.setattr(project.importlib.metadata, "entry_points", lambda group: groups.get(group, []))
    assert list(project.workloads(None) or {}) == ["double"]
    assert len(project.scenarios(None) or []) == 2
    assert project.packages(None, project.scenarios(None) or []) == ("plugin_double",)


def _import(name: str) -> object:
    import importlib

    return importlib.import_module(name)


def test_the_foreign_audit_refuses_what_it_cannot_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p", 'workloads = ["bench_double.py"]\npackage = "no_such_package_here"')
    found = project.find(root)
    with pytest.raises(UsageError, match="nothing to audit"):
        foreign.run_foreign_audit(found, [], quick=True, layers=None, output_dir=tmp_path / "out")
    scenarios = project.scenarios(project.find(_project(tmp_path / "q", 'scenarios = ["bench_double.py"]'))) or []
    with pytest.raises(UsageError, match="no_such_package_here"):
        foreign.run_foreign_audit(found, scenarios, quick=True, layers=["growth"], output_dir=tmp_path / "out")
    importable = project.find(_project(tmp_path / "r", 'scenarios = ["bench_double.py"]\npackage = "json"'))
    monkeypatch.setattr(foreign.valgrind_layer, "find_valgrind", lambda: None)
    with pytest.raises(UsageError, match="valgrind is not installed"):
        foreign.run_foreign_audit(importable, scenarios, quick=True, layers=["valgrind"], output_dir=tmp_path / "out")


def test_leakcheck_in_a_project_without_scenarios_exits_2_with_one_line(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", 'workloads = ["bench_double.py"]\npackage = "json"')
    proc = subprocess.run(
        [sys.executable, "-m", "bridgebench", "leakcheck", "--quick"], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "nothing to audit" in proc.stderr
