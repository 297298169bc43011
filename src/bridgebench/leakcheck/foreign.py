"""The leak audit of foreign code: a user's project (bridgebench.project) as they installed it.

The same layers as for bridgebench's own code, on the project's scenarios, with no rebuild:
- growth: the same worker and rule (bridgebench.leakcheck.layers.growth);
- valgrind: the same memcheck run on the normal build; a report counts when its stack has a
  frame in a native binary inside the project's package folders, and names that frame;
- ledger: foreign code has none, the report says so;
- asan: the same layer on an instrumented build of the project: made here with
  ``--build-asan`` (a copy of the project built with pip into a site folder of its own, with
  CFLAGS/CXXFLAGS/LDFLAGS for setuptools, CMake and most other backends, Meson's
  ``b_sanitize`` for meson-python), or one the user made (``--asan-site DIR``). Without
  either, the report says the layer is not available.
Set-up problems (no scenarios, a package that does not import, no valgrind, a build that
fails) raise SetupError.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from bridgebench import project as projects
from bridgebench.errors import SetupError
from bridgebench.leakcheck.layers import Context
from bridgebench.leakcheck.layers import asan as asan_layer
from bridgebench.leakcheck.layers import growth as growth_layer
from bridgebench.leakcheck.layers import valgrind as valgrind_layer
from bridgebench.leakcheck.model import LayerResult
from bridgebench.leakcheck.report import AuditResult
from bridgebench.leakcheck.scenarios import LAYERS, Scenario, select
from bridgebench.leakcheck.stacks import Owner

NO_LEDGER = "not available for foreign code"
NO_ASAN = "not run: needs an instrumented build (--build-asan or --asan-site DIR)"
RUNNERS: dict[str, Callable[[Context], LayerResult]] = {
    "growth": growth_layer.run,
    "asan": asan_layer.run,
    "valgrind": valgrind_layer.run,
}
SANITIZE = "-fsanitize=address,undefined"
# Compiler flags of the instrumented build: -fsanitize-recover lets the scenarios go on after
# a report; frame pointers and -g give readable stacks.
SANITIZE_FLAGS = f"{SANITIZE} -fsanitize-recover=address -fno-omit-frame-pointer -g -O1"
# Every binary compiled with -fsanitize=address (GCC or Clang) calls the runtime's __asan_init
# from its constructor, so the name is in its dynamic symbols.
ASAN_MARK = b"__asan_init"
# What a copy of the project leaves out: earlier (uninstrumented) build output, venvs, reports.
COPY_IGNORE = shutil.ignore_patterns("build", "_skbuild", "*.egg-info", ".venv", "venv", ".git", "reports", "*.so")


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


def _backend(root: Path) -> str:
    try:
        with open(root / "pyproject.toml", "rb") as f:
            return str(projects.tomllib.load(f).get("build-system", {}).get("build-backend", ""))
    except (OSError, projects.tomllib.TOMLDecodeError):
        return ""


def build_instrumented(project: projects.Project, work_dir: Path, say: Callable[[str], None]) -> Path:
    """The project built with ASan+UBSan into a site folder of its own (pip --target), from a
    copy of its tree so that no earlier build output is reused."""
    site, copy = work_dir / "asan-site", work_dir / "asan-source"
    for folder in (site, copy):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(project.root, copy, ignore=COPY_IGNORE, symlinks=True)
    env = dict(os.environ, CFLAGS=SANITIZE_FLAGS, CXXFLAGS=SANITIZE_FLAGS, LDFLAGS=SANITIZE)
    # Without build isolation the backend's tools (meson, ninja, cmake) are console scripts of
    # this interpreter's venv, which need not be on PATH (bridgebench run as .venv/bin/...).
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-cache-dir", "--target", str(site)]
    if _backend(project.root) == "mesonpy":
        command += ["-Csetup-args=-Db_sanitize=address,undefined", "-Csetup-args=-Db_lundef=false"]
    say(f"building {project.root.name} with ASan+UBSan into {site}")
    log = work_dir / "asan-build.log"
    proc = subprocess.run([*command, str(copy)], env=env, capture_output=True, text=True)
    log.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise SetupError(
            f"the instrumented build of {project.root.name} failed (pip exit {proc.returncode}; see {log})"
        )
    return site


def instrumented_folders(site: Path, packages: Iterable[str]) -> tuple[str, ...]:
    """The packages' folders in an instrumented site, checked to hold an ASan build: a site
    of uninstrumented binaries would pass the layer without checking anything."""
    if not site.is_dir():
        raise SetupError(f"the instrumented site {site} is not a folder")
    folders = tuple(os.path.realpath(site / name.replace(".", "/")) for name in packages)
    missing = [folder for folder in folders if not os.path.isdir(folder)]
    if missing:
        raise SetupError(f"the instrumented site {site} has no {missing[0]}")
    binaries = [path for folder in folders for path in Path(folder).rglob("*.so*") if path.is_file()]
    if not binaries:
        raise SetupError(f"the instrumented site {site} has no native binary in {', '.join(folders)}")
    if not any(ASAN_MARK in path.read_bytes() for path in binaries):
        raise SetupError(
            f"{site} is not an ASan build: no binary in {', '.join(folders)} was compiled with -fsanitize=address"
        )
    return folders


def run_foreign_audit(
    project: projects.Project | None,
    scenarios: list[Scenario],
    *,
    quick: bool,
    layers: Iterable[str] | None,
    output_dir: Path,
    only: tuple[str, ...] = (),
    say: Callable[[str], None] = lambda message: None,
    build_asan: bool = False,
    asan_site: Path | None = None,
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
    if "asan" in wanted and (build_asan or asan_site is not None):
        build_started = time.perf_counter()
        if asan_site is None:
            if project is None:
                raise SetupError("--build-asan builds the project of this folder; there is no [tool.bridgebench] here")
            asan_site = build_instrumented(project, work_dir, say)
        ctx.sites["asan"] = asan_site.resolve()
        folders = instrumented_folders(ctx.sites["asan"], packages)
        ctx.owner = Owner(ctx.owner.folders + folders)
        result.build_seconds = time.perf_counter() - build_started
    for name in [layer for layer in LAYERS if layer in wanted]:
        if name == "ledger" or (name == "asan" and "asan" not in ctx.sites):
            result.layers.append(LayerResult(name, unavailable=NO_LEDGER if name == "ledger" else NO_ASAN))
            continue
        say(f"running layer {name}")
        result.layers.append(RUNNERS[name](ctx))
    result.seconds = time.perf_counter() - started
    result.write(output_dir)
    return result
