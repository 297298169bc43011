"""The public API for workloads and leak scenarios: what a project's bench module imports.

A workload says how to make inputs at each size, which implementation is the baseline, which
others to compare with it on the same inputs, how answers are compared, and the speed targets
the report checks. A leak scenario is a callable and its arguments that crosses the boundary
once (and, on an error path, the exception it must raise). The common case is one call each::

    from bridgebench.api import faster, scenario, workload
    import movavg, movavg.pure

    WORKLOAD = workload(
        "movavg",
        inputs=lambda size, seed: [float((seed * i) % 97) for i in range(size)],
        sizes=[1_000, 100_000],
        baseline=lambda values: movavg.pure.moving_average(values, 10),
        implementations={"c-extension": lambda values: movavg.moving_average(values, 10)},
        targets=[faster("c-extension", at_least=10)],
    )
    SCENARIOS = [
        scenario(movavg.moving_average, [1.0, 2.0, 3.0], 2),
        scenario(movavg.moving_average, [1.0, "x"], 2, raises=TypeError),
    ]

The dataclasses behind it (:class:`Workload`, :class:`Case`, :class:`Implementation`,
:class:`Target`, :class:`Scenario`, :class:`Canary`) are the ones bridgebench's own workloads are
written with; use them directly for several cases per workload, peers, or prepared inputs.
A project names its bench modules in ``[tool.bridgebench]`` of its pyproject.toml
(bridgebench.project); see docs/own-extension.md.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bridgebench.leakcheck.scenarios import (
    MISUSE_KINDS,
    THREADED_SLACK,
    Canary,
    Scenario,
    cover_module,
    cover_symbols,
    failing_iterable,
    fixture,
)
from bridgebench.workloads import Case, Implementation, Kind, LineChart, ReportSection, Target, Workload

__all__ = [
    "Canary",
    "Case",
    "Implementation",
    "Kind",
    "LineChart",
    "MISUSE_KINDS",
    "ReportSection",
    "Scenario",
    "THREADED_SLACK",
    "Target",
    "Workload",
    "at_most",
    "cover_module",
    "cover_symbols",
    "failing_iterable",
    "faster",
    "fixture",
    "qualified_name",
    "scenario",
    "workload",
]


def faster(subject: str, *, than: str = "baseline", at_least: float, size: int | None = None) -> Target:
    """``subject`` at least ``at_least`` times faster than ``than`` per item, at ``size`` (None:
    the largest size the run measured)."""
    if at_least <= 0:
        raise ValueError(f"at_least must be positive, not {at_least!r}")
    return Target(f"{subject} at least {at_least:g}x faster than {than}", subject, than, 1 / at_least, size)


def at_most(subject: str, *, than: str, times: float, size: int | None = None) -> Target:
    """``subject`` at most ``times`` as slow as ``than`` per item (a ceiling for a copy path,
    say), at ``size`` (None: the largest size measured)."""
    if times <= 0:
        raise ValueError(f"times must be positive, not {times!r}")
    return Target(f"{subject} at most {times:g}x {than}", subject, than, times, size)


def _as_sequence(answer: Any) -> Sequence[Any]:
    """Answers are compared item by item; one that is not a sequence (a result object) is
    compared whole, as a sequence of one."""
    if isinstance(answer, Sequence) and not isinstance(answer, str | bytes):
        return answer
    return [answer]


def _inputs_for_runner(
    inputs: Callable[[int, int], Sequence[Any]], size: int, seed: int, fixture: Any
) -> Sequence[Any]:
    return inputs(size, seed)


def workload(
    name: str,
    *,
    inputs: Callable[[int, int], Sequence[Any]],
    sizes: Sequence[int] | Mapping[str, Sequence[int]],
    baseline: Callable[[Any], Any],
    implementations: Mapping[str, Callable[[Any], Any]],
    peers: Mapping[str, Callable[[Any], Any]] | None = None,
    agree: Callable[[Any, Any], bool] = operator.eq,
    targets: Sequence[Target] = (),
    unit: str = "item",
    description: str = "",
    case: str | None = None,
    baseline_name: str = "baseline",
) -> Workload:
    """A workload of one case: every callable takes the input of one size (``inputs(size,
    seed)``, deterministic, ``size`` items) and returns its answer; answers must agree with the
    baseline's (``agree`` on the two answers; sequences are compared item by item) before any
    speed-up is reported. ``sizes``: a list, or {"quick": [...], "full": [...]}. ``peers``:
    other libraries timed beside yours (drawn, never the subject of a target)."""
    if not implementations:
        raise ValueError(f"workload {name!r}: implementations must name at least one callable")
    by_profile = {k: list(v) for k, v in sizes.items()} if isinstance(sizes, Mapping) else {"quick": list(sizes)}
    if not by_profile.get("quick"):
        raise ValueError(f"workload {name!r}: sizes must hold at least one size (the quick profile's)")
    impls = [Implementation(baseline_name, "baseline", baseline, to_canonical=_as_sequence)]
    impls += [Implementation(n, "native", f, to_canonical=_as_sequence) for n, f in implementations.items()]
    impls += [Implementation(n, "peer", f, to_canonical=_as_sequence) for n, f in (peers or {}).items()]
    known = {impl.name for impl in impls}
    for target in targets:
        unknown = [n for n in (target.subject, target.reference) if n not in known]
        if unknown:
            raise ValueError(f"workload {name!r}: target {target.description!r} names unknown {', '.join(unknown)}")
    description = description or f"{', '.join(implementations)} against the {baseline_name}"
    return Workload(
        name=name,
        description=description,
        cases=[
            Case(
                case or name,
                unit,
                functools.partial(_inputs_for_runner, inputs),
                impls,
                by_profile,
                agree=agree,
                targets=tuple(targets),
                description=description,
            )
        ],
    )


def qualified_name(call: Callable[..., Any]) -> str:
    """``module.function`` of a callable (what a scenario covers by default)."""
    target = call.func if isinstance(call, functools.partial) else call
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", None) or type(target).__name__
    return f"{module}.{name}" if module else name


def scenario(
    call: Callable[..., Any],
    *args: Any,
    name: str | None = None,
    raises: type[BaseException] | tuple[type[BaseException], ...] | None = None,
    covers: Sequence[str] | None = None,
    **kwargs: Any,
) -> Scenario:
    """A leak scenario: ``call(*args, **kwargs)`` once per run, its result dropped. ``raises``:
    the exception it must raise (an error path). ``covers`` defaults to the callable's
    ``module.function``; ``name`` to that plus ``.ok`` or ``.raises-<Exception>``."""
    covered = tuple(covers) if covers is not None else (qualified_name(call),)
    if name is None:
        exceptions = raises if isinstance(raises, tuple) else (raises,) if raises else ()
        suffix = "raises-" + "-".join(e.__name__ for e in exceptions) if exceptions else "ok"
        name = f"{covered[0]}.{suffix}"
    # In the reduced set: a project's few scenarios all run in every layer, in quick mode too.
    return Scenario(name, functools.partial(call, *args, **kwargs), covered, raises=raises, reduced=True)
