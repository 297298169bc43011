"""Runs the audit: coverage and suppression checks, the audit builds, then the layers."""

from __future__ import annotations

import contextlib
import datetime
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from bridgebench import project as projects
from bridgebench.errors import SetupError
from bridgebench.leakcheck import builds, coverage, misuse, native_coverage, suppressions
from bridgebench.leakcheck import foreign as foreign_audit
from bridgebench.leakcheck.layers import Context, attribute
from bridgebench.leakcheck.layers import asan as asan_layer
from bridgebench.leakcheck.layers import fuzz as fuzz_layer
from bridgebench.leakcheck.layers import growth as growth_layer
from bridgebench.leakcheck.layers import ledger as ledger_layer
from bridgebench.leakcheck.layers import valgrind as valgrind_layer
from bridgebench.leakcheck.model import Finding
from bridgebench.leakcheck.report import AuditResult
from bridgebench.leakcheck.scenarios import LAYERS, all_canaries, all_scenarios, select, start_fixtures

RUNNERS = {
    "ledger": ledger_layer.run,
    "growth": growth_layer.run,
    "asan": asan_layer.run,
    "valgrind": valgrind_layer.run,
    "fuzz": fuzz_layer.run,
}
# Which build each layer runs against.
BUILD_OF = {"ledger": "audit", "growth": "audit", "valgrind": "audit", "asan": "asan", "fuzz": "fuzz"}
# Missing misuse kinds fail the audit (True) or are listed as warnings in the report (False)
# while the workloads' misuse scenarios are still being written.
MISUSE_GATE = False
# Every layer, in the order they run: the scenario layers (each proven on the canaries), then
# fuzzing, which generates its own inputs. The quick audit (the CI gate) runs the scenario
# layers only unless asked; the test suite replays the fuzz regressions instead.
AUDIT_LAYERS = (*LAYERS, "fuzz")


def default_output_dir(root: Path) -> Path:
    return root / "reports" / datetime.datetime.now().strftime("%Y%m%d-%H%M%S")


def resolve_canaries(canary: str | None):
    known = {c.name: c for c in all_canaries()}
    if not canary:
        return []
    if canary == "all":
        return list(known.values())
    out = []
    for name in canary.split(","):
        if name not in known:
            raise ValueError(f"unknown canary {name!r}; known: {', '.join(sorted(known))}")
        out.append(known[name])
    return out


def run_audit(
    quick: bool = True,
    layers: Iterable[str] | None = None,
    canary: str | None = None,
    output_dir: Path | str | None = None,
    *,
    only: Iterable[str] = (),
    root: Path | None = None,
    leakcheck_dir: Path | None = None,
    write: bool = True,
    progress: Callable[[str], None] | None = None,
    console=None,
    fuzz_seconds: float | None = None,
    build_asan: bool = False,
    asan_site: Path | None = None,
) -> AuditResult:
    """Runs the leak audit and (unless write=False) writes leaks.json, leaks.md and
    leaks.junit.xml into output_dir (default reports/<timestamp>/).

    canary: a canary name, comma-separated names or "all" (planted leaks switched on; the audit
    is then expected to fail). only: scenario name prefixes. progress (a callable) or console (a
    rich Console) receive one line per step. leakcheck_dir: where lsan.supp and
    valgrind.supp are (default <root>/leakcheck; the self-test points it elsewhere).
    fuzz_seconds: how long each fuzz target runs (default: a few seconds quick, 20 s full).
    Raises UsageError when a requested layer's tools are missing (clang for the fuzz layer).
    In a user's project (bridgebench.project) the audit is the foreign one
    (bridgebench.leakcheck.foreign); build_asan / asan_site give it an instrumented build.
    """
    started = time.perf_counter()
    if progress is None and console is not None:
        progress = lambda message: console.print(f"[dim]leakcheck: {message}[/dim]")  # noqa: E731
    say = progress or (lambda message: None)
    only = tuple(only)
    here = projects.find()
    foreign = projects.scenarios(here)
    if foreign is not None:  # a user's project or installed plugins: their code, as installed
        if canary:
            raise ValueError("canaries are planted in bridgebench's own code; there are none in foreign code")
        base = here.root if here is not None else Path.cwd()
        return foreign_audit.run_foreign_audit(
            here,
            foreign,
            quick=quick,
            layers=layers,
            output_dir=Path(output_dir).resolve() if output_dir else default_output_dir(base),
            only=only,
            say=say,
            build_asan=build_asan,
            asan_site=asan_site,
        )
    if build_asan or asan_site is not None:
        raise ValueError(
            "--build-asan and --asan-site are for a project's own code; bridgebench builds build/asan itself"
        )
    layers = list(layers or (LAYERS if quick else AUDIT_LAYERS))
    unknown = [name for name in layers if name not in RUNNERS]
    if unknown:
        raise ValueError(f"unknown layer(s) {unknown}; known: {', '.join(AUDIT_LAYERS)}")
    layers = [name for name in AUDIT_LAYERS if name in layers]
    if "fuzz" in layers:
        fuzz_layer.check_setup()
    # Set-up problems (no source tree, a build that fails, a fixture that cannot start) raise
    # SetupError: they are not findings, and callers say "skipped" or exit 2.
    root = root or builds.find_root()
    # Absolute: the workers run in another working directory and are handed paths inside it.
    output_dir = Path(output_dir).resolve() if output_dir else default_output_dir(root)
    work_dir = output_dir / "leakcheck"
    work_dir.mkdir(parents=True, exist_ok=True)
    canaries = resolve_canaries(canary)
    result = AuditResult(quick=quick, canary=canary or None)

    # Coverage: every exported function has a scenario.
    scenarios = all_scenarios()
    if only and not select(scenarios, prefixes=tuple(only)):
        raise ValueError(f"no scenario name starts with {', '.join(only)}")
    cov = coverage.compute(scenarios)
    result.coverage = {
        "exports": len(cov.exports),
        "covered": len(cov.exports) - len(cov.missing),
        "scenarios": len(scenarios),
        "missing": list(cov.missing),
        "unknown": list(cov.unknown),
    }
    for name in cov.missing:
        result.findings.append(Finding("audit", "coverage", name, "exported, but no scenario covers it"))
    for name in cov.unknown:
        result.findings.append(Finding("audit", "coverage", name, "a scenario covers it, but nothing exports it"))
    check_misuse(result, scenarios, set(cov.exports))

    # The builds the requested layers need.
    build_started = time.perf_counter()
    ctx = Context(
        root=root,
        work_dir=work_dir,
        quick=quick,
        canaries=canaries,
        only=tuple(only),
        suppressions_dir=Path(leakcheck_dir) if leakcheck_dir else None,
        fuzz_seconds=fuzz_seconds,
    )
    for kind in sorted({BUILD_OF[name] for name in layers}):
        say(f"building build/{kind}")
        ctx.sites[kind] = builds.ensure(root, kind, work_dir / "build.log")
    result.build_seconds = time.perf_counter() - build_started

    # Suppression files: comments on every entry, nothing that could match our code.
    for problem in suppressions.validate(ctx.leakcheck_dir, builds.our_function_names(root)):
        result.findings.append(Finding("audit", "suppression", "leakcheck", problem))

    with contextlib.ExitStack() as stack:
        try:
            ctx.fixtures = start_fixtures(stack)
        except Exception as e:  # noqa: BLE001 - any failure to start a fixture is a set-up problem
            raise SetupError(f"cannot start the audit's fixtures: {type(e).__name__}: {e}") from e
        # Native coverage counts the whole scenario set only: not a subset, not with canaries on.
        measure_coverage = "audit" in ctx.sites and not only and not canaries
        if measure_coverage:
            native_coverage.reset(builds.build_dir(root, "audit"))
        for name in layers:
            if BUILD_OF[name] not in ctx.sites:
                continue
            say(f"running layer {name}")
            layer_result = RUNNERS[name](ctx)
            attribute(layer_result.findings, canaries)
            result.layers.append(layer_result)
            if layer_result.details.get("leak_check_missing"):
                result.warnings.append(f"{name}: {layer_result.details['leak_check_missing']}")
    if measure_coverage and any(BUILD_OF[name] == "audit" for name in layers):
        say("measuring native coverage")
        check_native_coverage(result, root, work_dir)
    result.seconds = time.perf_counter() - started
    if write:
        result.write(output_dir)
    return result


def check_misuse(result: AuditResult, scenarios, exports: set[str]) -> None:
    """Each export has scenarios of the misuse kinds that apply to it (bridgebench.leakcheck.misuse)."""
    gaps = misuse.missing(scenarios, exports)
    result.coverage["misuse_missing"] = [str(gap) for gap in gaps]
    for gap in gaps:
        if MISUSE_GATE:
            result.findings.append(Finding("audit", "misuse-coverage", gap.export, str(gap)))
        else:
            result.warnings.append(f"misuse coverage: {gap}")


def check_native_coverage(result: AuditResult, root: Path, work_dir: Path) -> None:
    """Lines of src/ the scenarios reached, per file; each folder at or above its floor."""
    try:
        measured = native_coverage.measure(root, builds.build_dir(root, "audit"), work_dir)
    except (RuntimeError, OSError) as e:
        result.findings.append(Finding("audit", "native-coverage", "gcovr", str(e)))
        return
    result.native_coverage = measured.to_dict()
    for problem in measured.below_floor():
        result.findings.append(Finding("audit", "coverage-floor", problem.split(":", 1)[0], problem))
