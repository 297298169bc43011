"""The pytest plugin (entry point ``pytest11``, loaded when bridgebench is installed).

Two fixtures and a marker for a project's own tests:

- ``no_leak(call, *args, raises=None, **kwargs)`` runs the call many times in this process and
  fails the test when the leak audit's growth rule finds growth: allocated blocks, objects the
  garbage collector tracks, native heap, resident memory, file descriptors or threads grew in
  every doubling step above their floors (bridgebench.leakcheck.layers.growth). ``raises``: the
  exception the call must raise (an error path must not leak either).
- ``compare_implementations(workload)`` runs a bridgebench.api workload in this process: every
  implementation on the same inputs, answers checked equal (the test fails when they differ
  or one raises), then timed. It returns the measured result; with ``--bridgebench-report DIR``
  every workload compared in the session goes into one run folder (results.json, summary.md,
  summary.html, the speed-up charts), the same files ``bridgebench run`` writes.
- ``@pytest.mark.bridgebench_compare(workload, sizes=None, samples=5, min_time=0.02)`` does the
  same comparison as the test's call, before its body runs (for a test that is only the
  comparison); it feeds the same report. Several markers on one test compare each workload.

Timings inside a test process are noisier than ``bridgebench run``'s fresh worker processes:
use them to see the ratio, and keep speed targets out of assertions (they are in the report).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from bridgebench.api import Workload
    from bridgebench.runners.results import WorkloadResult

# In-process growth: a little shorter than the audit's quick mode (tests run often).
GROWTH_UNIT = 32
GROWTH_DOUBLINGS = 4
SEED = 20261125
COMPARED = pytest.StashKey[list["WorkloadResult"]]()
MARKER = "bridgebench_compare"
COMPARE_OPTIONS = ("sizes", "samples", "min_time")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bridgebench")
    group.addoption(
        "--bridgebench-report",
        metavar="DIR",
        type=Path,
        default=None,
        help="write the workloads compared by compare_implementations into a run folder under DIR",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[COMPARED] = []
    config.addinivalue_line(
        "markers",
        f"{MARKER}(workload, sizes=None, samples=5, min_time=0.02): compare a bridgebench.api workload's"
        " implementations on the same inputs (answers checked equal, then timed) as the test's call",
    )


def _grown(call: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], raises: Any) -> list[str]:
    from bridgebench.api import scenario
    from bridgebench.leakcheck import worker
    from bridgebench.leakcheck.layers import growth
    from bridgebench.leakcheck.model import LayerResult

    checked = scenario(call, *args, raises=raises, **kwargs)
    data = worker.run_growth([checked], GROWTH_UNIT, GROWTH_DOUBLINGS)
    result = LayerResult("growth")
    growth.evaluate(data, result)
    problems = [f"{e['scenario']}: {e['error']}" for e in data["errors"]]
    return problems + [f"{f.kind} in {f.function}: {f.message}" for f in result.findings]


@pytest.fixture
def no_leak() -> Callable[..., None]:
    """``no_leak(call, *args, raises=None, **kwargs)``: fails when repeated calls grow memory,
    objects, descriptors or threads (the growth rule), or when the call raises otherwise than
    ``raises`` says."""

    def check(call: Callable[..., Any], *args: Any, raises: Any = None, **kwargs: Any) -> None:
        problems = _grown(call, args, kwargs, raises)
        if problems:
            pytest.fail("bridgebench growth rule:\n" + "\n".join(problems), pytrace=False)

    return check


def _measure(workload: Workload, sizes: Sequence[int] | None, samples: int, min_time: float) -> WorkloadResult:
    from bridgebench.runners import python_side, worker
    from bridgebench.runners.profiles import PROFILES
    from bridgebench.runners.results import CaseResult, WorkloadResult

    profile = dataclasses.replace(PROFILES["quick"], processes=1, samples=samples, min_time=min_time)
    cases = []
    for case in workload.cases:
        measured = []
        with python_side.fixture_of(workload) as fixture:
            for size in sizes or case.sizes["quick"]:
                job = python_side.Job(workload.name, case.name, size, SEED, fixture, profile)
                measured.append(python_side.merge(case, size, [worker.run_case(case, job.payload())]))
        cases.append(
            CaseResult(
                case.name,
                case.unit,
                case.description,
                tuple(measured),
                python_side.evaluate_targets(case, measured),
            )
        )
    return WorkloadResult(workload.name, workload.description, tuple(cases))


def _compare(
    config: pytest.Config,
    workload: Workload,
    sizes: Sequence[int] | None = None,
    samples: int = 5,
    min_time: float = 0.02,
) -> WorkloadResult:
    """Measures the workload, keeps the result for the session's report and fails the running
    test when an implementation's answers differ from the baseline's or it raises."""
    result = _measure(workload, sizes, samples, min_time)
    config.stash[COMPARED].append(result)
    problems = [
        f"{row.label}: {row.measurement.status}: {row.measurement.reason}"
        for row in result.rows()
        if row.measurement.status in ("disagree", "error")
    ]
    if problems:
        pytest.fail("bridgebench compare:\n" + "\n".join(problems), pytrace=False)
    return result


@pytest.fixture
def compare_implementations(request: pytest.FixtureRequest) -> Callable[..., WorkloadResult]:
    """``compare_implementations(workload, sizes=None, samples=5, min_time=0.02)``: every
    implementation on the same inputs, answers checked equal, then timed in this process."""
    return functools.partial(_compare, request.config)


def _marked_workload(marker: pytest.Mark) -> tuple[Workload, dict[str, Any]]:
    """The marker's workload and options, or a failure that says how the marker is written."""
    from bridgebench.api import Workload

    unknown = sorted(set(marker.kwargs) - set(COMPARE_OPTIONS))
    if len(marker.args) != 1 or not isinstance(marker.args[0], Workload) or unknown:
        got = [type(arg).__name__ for arg in marker.args] + [f"{name}=" for name in unknown]
        pytest.fail(
            f"{MARKER} takes one bridgebench.api Workload and the options {', '.join(COMPARE_OPTIONS)};"
            f" got ({', '.join(got)})",
            pytrace=False,
        )
    return marker.args[0], dict(marker.kwargs)


# An old-style wrapper: the plugin loads in the user's pytest, which may be older than the
# new-style wrappers (pytest 7.x with pluggy < 1.1).
@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, None, None]:
    """A test marked bridgebench_compare: the comparison runs as the test's call, so different
    answers fail the test (not its set-up), and the body runs only when they agree."""
    for marker in pyfuncitem.iter_markers(MARKER):
        workload, options = _marked_workload(marker)
        _compare(pyfuncitem.config, workload, **options)
    yield


def pytest_sessionfinish(session: pytest.Session) -> None:
    root = session.config.getoption("bridgebench_report")
    compared = session.config.stash.get(COMPARED, [])
    if root is None or not compared:
        return
    from bridgebench.reporters import report_folder
    from bridgebench.runners import advice, machine
    from bridgebench.runners.results import RunResult

    # A workload compared in several tests keeps one entry per test: "double", "double-2", ...
    seen: dict[str, int] = {}
    named = []
    for result in compared:
        seen[result.name] = seen.get(result.name, 0) + 1
        count = seen[result.name]
        named.append(result if count == 1 else dataclasses.replace(result, name=f"{result.name}-{count}"))
    run = RunResult(
        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        settings={"profile": "pytest", "processes": 1, "seed": SEED},
        machine=machine.describe(),
        workloads=tuple(named),
        warnings=advice.warnings(row for w in named for row in w.rows()),
    )
    folder = report_folder.new_folder(Path(root))
    report_folder.write(run, folder)
    report_folder.point_latest(folder)
