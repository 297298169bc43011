"""The leak audit of foreign code: a user's project (bridgebench.project) as they installed it.

The same layers as for bridgebench's own code, on the project's scenarios, with no rebuild:
- growth: the same worker and rule (bridgebench.leakcheck.layers.growth);
- valgrind: the same memcheck run on the normal build; a report counts when its stack has a
  frame in a native binary inside the project's package folders, and names that frame;
- ledger: foreign code has none, the report says so;
- asan: needs an instrumented build of the package, not made here yet; the report says so.
Set-up problems (no scenarios, a package that does not import, no valgrind) raise SetupError.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from bridgebench import project as projects
from bridgebench.errors import SetupError
from bridgebench.leakcheck.layers import Context
from bridgebench.leakcheck.layers import growth as growth_layer
from bridgebench.leakcheck.layers import valgrind as valgrind_layer
from bridgebench.leakcheck.model import LayerResult
from bridgebench.leakcheck.report import AuditResult
from bridgebench.leakcheck.scenarios import LAYERS, Scenario, select
from bridgebench.leakcheck.stacks import Owner

NO_LEDGER = "not available for foreign code"
NO_ASAN = "not available for foreign code yet"
RUNNERS: dict[str, Callable[[Context], LayerResult]] = {"growth": growth_layer.run, "valgrind": valgrind_layer.run}
UNAVAILABLE = {"ledger": NO_LEDGER, "asan": NO_ASAN}


def package_folders(packages: Iterable[str]) -> tuple[str, ...]:
    """The real paths of the packages' folders (where their native binaries are)."""
    folders = []
    for name in packages:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError) as e:
            raise SetupError(f"package {name!r} ([tool.bridgebench] package) does not import: {e}") from None
        if spec is None:
            raise SetupError(f"package {name!r} ([tool.bridgebench] package) is not installed here")
        locations = list(spec.submodule_search_locations or []) or [os.path.dirname(spec.origin or "")]
        folders += [os.path.realpath(location) for location in locations if location]
    return tuple(folders)


def suppressions_dir() -> Path:
    """The shipped suppressions (CPython internals only): installed inside the package, or the
    source tree's leakcheck/ when running from a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "suppressions", here.parents[2] / "leakcheck"):
        if (candidate / "valgrind.supp").is_file():
            return candidate
    raise SetupError(f"the shipped valgrind suppressions are missing (looked in {here / 'suppressions'})")


def run_foreign_audit(
    project: projects.Project | None,
    scenarios: list[Scenario],
    *,
    quick: bool,
    layers: Iterable[str] | None,
    output_dir: Path,
    only: tuple[str, ...] = (),
    say: Callable[[str], None] = lambda message: None,
) -> AuditResult:
    started = time.perf_counter()
    wanted = list(layers or LAYERS)
    if "fuzz" in wanted:
        raise SetupError("the fuzz layer needs bridgebench's own fuzz targets; it does not run on foreign code")
    if not select(scenarios, prefixes=only):
        where = project.where("scenarios") if project is not None else "the installed plugins"
        raise SetupError(
            f"nothing to audit: {where} name no scenario{' starting with ' + ','.join(only) if only else ''}"
        )
    packages = projects.packages(project, scenarios)
    if not packages:
        raise SetupError("nothing to audit: set [tool.bridgebench] package to the importable package to audit")
    if "valgrind" in wanted and valgrind_layer.find_valgrind() is None:
        raise SetupError("valgrind is not installed (apt-get install valgrind), or leave it out with --layers")
    work_dir = output_dir / "leakcheck"
    work_dir.mkdir(parents=True, exist_ok=True)
    ctx = Context(
        root=project.root if project is not None else Path.cwd(),
        work_dir=work_dir,
        quick=quick,
        only=only,
        suppressions_dir=suppressions_dir(),
        project_env=projects.worker_env(project),
        owner=Owner(package_folders(packages)),
    )
    result = AuditResult(quick=quick, canary=None)
    result.coverage = {"scenarios": len(scenarios), "packages": list(packages)}
    for name in [layer for layer in LAYERS if layer in wanted]:
        if name in UNAVAILABLE:
            result.layers.append(LayerResult(name, unavailable=UNAVAILABLE[name]))
            continue
        say(f"running layer {name}")
        result.layers.append(RUNNERS[name](ctx))
    result.seconds = time.perf_counter() - started
    result.write(output_dir)
    return result
