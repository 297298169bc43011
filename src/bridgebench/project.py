"""Discovery: which workloads and leak scenarios the commands run, and on which package.

1. The project of the working directory: the nearest ``pyproject.toml`` (here or in a parent
   folder) with a ``[tool.bridgebench]`` table::

       [tool.bridgebench]
       workloads = ["bench_movavg.py"]      # files (relative to the pyproject) or module names
       scenarios = ["bench_movavg.py"]      # may be the same module
       package = "movavg"                   # what the leak audit attributes native findings to

   A workload module defines ``WORKLOAD`` (or a list ``WORKLOADS``), a scenario module
   ``SCENARIOS``, all made with bridgebench.api.
2. Installed plugins: entry points in the groups ``bridgebench.workloads`` and
   ``bridgebench.scenarios``, each naming a module (as above) or the object itself.
3. Neither: bridgebench's own workloads and scenarios.

Worker processes (timing, leak-audit layers) run elsewhere; the parent hands them the
project's folder in BRIDGEBENCH_PROJECT (``worker_env``) so they load the same modules.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from bridgebench.errors import UsageError
from bridgebench.leakcheck.scenarios import Scenario

if TYPE_CHECKING:
    from bridgebench.workloads import Workload

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 reads TOML with the backport
    import tomli as tomllib

PROJECT_ENV = "BRIDGEBENCH_PROJECT"
TABLE = "tool.bridgebench"
KEYS = ("workloads", "scenarios", "package")
WORKLOAD_GROUP = "bridgebench.workloads"
SCENARIO_GROUP = "bridgebench.scenarios"


@dataclass(frozen=True)
class Project:
    """A user's project: its ``[tool.bridgebench]`` table, resolved."""

    root: Path  # the folder of the pyproject.toml
    workloads: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    # Importable packages whose native binaries (extension modules, shared libraries shipped
    # inside them) the leak audit attributes findings to.
    packages: tuple[str, ...] = ()

    @property
    def pyproject(self) -> Path:
        return self.root / "pyproject.toml"

    def where(self, key: str) -> str:
        return f"{self.pyproject}: [{TABLE}] {key}"


def _strings(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
        raise UsageError(f"{where} must be a string or a list of strings, not {value!r}")
    return tuple(v.strip() for v in items)


def parse(pyproject: Path) -> Project | None:
    """The project described by ``pyproject``'s [tool.bridgebench] table; None without one."""
    try:
        with open(pyproject, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{pyproject}: not valid TOML ({e})") from None
    except OSError as e:
        raise UsageError(f"{pyproject}: cannot read it ({e.strerror})") from None
    table = data.get("tool", {}).get("bridgebench")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise UsageError(f"{pyproject}: [{TABLE}] must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise UsageError(f"{pyproject}: [{TABLE}] has unknown key(s) {', '.join(unknown)} (known: {', '.join(KEYS)})")
    project = Project(pyproject.parent.resolve())
    values = {key: _strings(table[key], project.where(key)) for key in KEYS if key in table}
    if not values.get("workloads") and not values.get("scenarios"):
        raise UsageError(f"{project.where('workloads')}: name at least one workload or scenario module")
    return Project(project.root, values.get("workloads", ()), values.get("scenarios", ()), values.get("package", ()))


def find(start: Path | None = None) -> Project | None:
    """The project handed down by a parent process, or the nearest pyproject.toml with a
    [tool.bridgebench] table in ``start`` (default: the working directory) or its parents."""
    handed_down = os.environ.get(PROJECT_ENV)
    if handed_down:
        project = parse(Path(handed_down) / "pyproject.toml")
        if project is None:
            raise UsageError(f"{PROJECT_ENV}={handed_down}: its pyproject.toml has no [{TABLE}] table")
        return project
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            project = parse(candidate)
            if project is not None:
                return project
    return None


def worker_env(project: Project | None = None) -> dict[str, str]:
    """What a worker process needs in its environment to load the same project."""
    project = project if project is not None else find()
    return {PROJECT_ENV: str(project.root)} if project is not None else {}


# ---- loading the modules ----------------------------------------------------------------------


def load(project: Project, spec: str, key: str) -> ModuleType:
    """A module named in the table: a .py file (relative to the pyproject) or a module name."""
    if str(project.root) not in sys.path:
        sys.path.insert(0, str(project.root))  # `bench.movavg` next to the pyproject imports
    try:
        if spec.endswith(".py"):
            return _load_file(project.root / spec, project.where(key))
        return importlib.import_module(spec)
    except UsageError:
        raise
    except Exception as e:  # noqa: BLE001 - any failure to import the user's module is a set-up problem
        raise UsageError(f"{project.where(key)}: cannot import {spec} ({type(e).__name__}: {e})") from e


def _load_file(path: Path, where: str) -> ModuleType:
    if not path.is_file():
        raise UsageError(f"{where}: no file {path}")
    # Imported under its own name (what the project's tests import it as), unless a different
    # module of that name is already loaded.
    name = path.stem
    module = sys.modules.get(name)
    if module is not None:
        if Path(getattr(module, "__file__", None) or "").resolve() == path.resolve():
            return module
        name = f"bridgebench_project_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{where}: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _workloads_in(obj: Any, where: str) -> list[Workload]:
    from bridgebench.workloads import Workload  # not in the leak audit's workers: they need scenarios only

    if isinstance(obj, Workload):
        return [obj]
    if isinstance(obj, ModuleType):
        found = getattr(obj, "WORKLOADS", None) or ([obj.WORKLOAD] if hasattr(obj, "WORKLOAD") else None)
        if found is None:
            raise UsageError(f"{where}: {obj.__name__} defines neither WORKLOAD nor WORKLOADS")
        obj = found
    items = list(obj) if isinstance(obj, list | tuple) else [obj]
    bad = [item for item in items if not isinstance(item, Workload)]
    if bad:
        raise UsageError(f"{where}: expected bridgebench.api.Workload objects, got {type(bad[0]).__name__}")
    return items


def _scenarios_in(obj: Any, where: str) -> list[Scenario]:
    if isinstance(obj, ModuleType):
        if not hasattr(obj, "SCENARIOS"):
            raise UsageError(f"{where}: {obj.__name__} defines no SCENARIOS")
        obj = obj.SCENARIOS
    items = list(obj) if isinstance(obj, list | tuple) else [obj]
    bad = [item for item in items if not isinstance(item, Scenario)]
    if bad:
        raise UsageError(f"{where}: expected bridgebench.api.Scenario objects, got {type(bad[0]).__name__}")
    return items


def _plugins(group: str) -> Iterable[tuple[str, Any]]:
    import importlib.metadata  # costs seconds under Valgrind: only when asked

    for entry in sorted(importlib.metadata.entry_points(group=group), key=lambda e: e.name):
        where = f"entry point {entry.name} = {entry.value} (group {group})"
        try:
            yield where, entry.load()
        except Exception as e:  # noqa: BLE001 - a broken plugin is a set-up problem, named
            raise UsageError(f"{where}: cannot load it ({type(e).__name__}: {e})") from e


def _by_name(workloads: Iterable[tuple[str, Workload]]) -> dict[str, Workload]:
    out: dict[str, Workload] = {}
    for where, workload in workloads:
        if workload.name in out:
            raise UsageError(f"{where}: a second workload named {workload.name!r}")
        out[workload.name] = workload
    return out


def workloads(project: Project | None) -> dict[str, Workload] | None:
    """The project's and the plugins' workloads, by name; None when there are neither (then
    bridgebench's own run)."""
    found: list[tuple[str, Workload]] = []
    if project is not None:
        for spec in project.workloads:
            where = project.where("workloads")
            found += [(where, w) for w in _workloads_in(load(project, spec, "workloads"), where)]
    for where, obj in _plugins(WORKLOAD_GROUP):
        found += [(where, w) for w in _workloads_in(obj, where)]
    if project is None and not found:
        return None
    return _by_name(found)


def scenarios(project: Project | None) -> list[Scenario] | None:
    """The project's and the plugins' leak scenarios (names made unique: a second scenario of
    the same name gets ``#2``); None when there are neither."""
    found: list[Scenario] = []
    if project is not None:
        for spec in project.scenarios:
            found += _scenarios_in(load(project, spec, "scenarios"), project.where("scenarios"))
    for where, obj in _plugins(SCENARIO_GROUP):
        found += _scenarios_in(obj, where)
    if project is None and not found:
        return None
    seen: dict[str, int] = {}
    unique = []
    for s in found:
        seen[s.name] = seen.get(s.name, 0) + 1
        unique.append(s if seen[s.name] == 1 else dataclasses.replace(s, name=f"{s.name}#{seen[s.name]}"))
    return unique


def packages(project: Project | None, found: list[Scenario]) -> tuple[str, ...]:
    """The packages the audit attributes findings to: the table's ``package``, else the
    top-level packages of what the scenarios cover."""
    if project is not None and project.packages:
        return project.packages
    tops = {name.split(".", 1)[0] for s in found for name in s.covers}
    return tuple(sorted(t for t in tops if t and t != "bridgebench"))
