"""In-process timing, pyperf-style: calibrate the loop count so that one sample lasts at least
`min_time`, run warm-up samples, then the measured samples. The garbage collector is collected
before and disabled during each sample so one implementation's garbage does not bill another.

Several implementations timed in one process take their samples in turns (measure_in_turns):
the process's state drifts while it runs (the heap and Python's object arenas grow and are
reused, caches warm), and timed one after the other the last implementation found the warmest
state. Measured that way, the same Cython round trip of a million floats took 28 ns per element
when timed first and 18 ns when timed last, which is a ranking, not a measurement.

Before the first sample the heap is frozen (gc.freeze: every object alive then, inputs and
dictionaries included, moves to a generation the collector never visits), so the collection
before each sample costs what the last sample left behind, not a walk over a peer's millions of
dictionary objects (symspellpy's: 0.6 s per collection, half of the spell accuracy case's time)."""

from __future__ import annotations

import contextlib
import gc
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_LOOPS = 1_000_000
MIN_SAMPLES = 3


@dataclass
class Timing:
    loops: int
    per_call: list[float] = field(default_factory=list)  # seconds per call, one per sample


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Collects first, then keeps the collector off, so no one else's garbage is billed here."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def heap_frozen() -> Iterator[None]:
    """Everything alive now is left out of the collections the samples start with."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _sample(fn: Callable[[Any], Any], arg: Any, loops: int) -> float:
    with gc_paused():
        clock = time.perf_counter
        start = clock()
        for _ in range(loops):
            fn(arg)
        return (clock() - start) / loops


def calibrate(first_call_seconds: float, min_time: float) -> int:
    """Loops per sample so that a sample lasts at least min_time."""
    if first_call_seconds <= 0:
        return MAX_LOOPS
    return max(1, min(MAX_LOOPS, math.ceil(min_time / first_call_seconds)))


@dataclass(frozen=True)
class Plan:
    """How one implementation is sampled: loops per sample, warm-ups, measured samples."""

    loops: int
    warmups: int
    samples: int


@dataclass(frozen=True)
class Timed:
    """One implementation to time: the call, its argument and its first (untimed) call's length."""

    name: str
    fn: Callable[[Any], Any]
    arg: Any
    first_call_seconds: float


def plan(
    fn: Callable[[Any], Any],
    arg: Any,
    *,
    first_call_seconds: float,
    min_time: float,
    samples: int,
    warmups: int,
    max_time: float | None = None,
) -> Plan:
    """Loops, warm-ups and samples for `fn(arg)`, each sample at least min_time long.

    `max_time` bounds what one implementation may cost per process (the pure-Python spell
    checker takes seconds per query): past it, the number of samples drops towards
    MIN_SAMPLES and the warm-ups go, but never below MIN_SAMPLES measured samples.
    """
    if first_call_seconds >= min_time:
        # One call is already a whole sample, and the first call warmed the caches.
        loops, per_sample = 1, first_call_seconds
    else:
        loops = calibrate(first_call_seconds, min_time)
        # Calibrate once more on a warm call: the first call paid for imports and caches.
        warm = _sample(fn, arg, loops)
        loops = calibrate(warm, min_time)
        per_sample = warm * loops
    if max_time is not None and per_sample > 0:
        affordable = int(max_time / per_sample)
        samples = max(MIN_SAMPLES, min(samples, affordable))
        if per_sample * (samples + warmups) > max_time:
            warmups = 0
    return Plan(loops, warmups, samples)


def measure_in_turns(timed: list[Timed], **options: Any) -> dict[str, Timing]:
    """Every implementation's samples, taken in turns: round r holds sample r of each one that
    has that many (warm-ups first, the same way). `options` are plan()'s."""
    with heap_frozen():
        plans = {t.name: plan(t.fn, t.arg, first_call_seconds=t.first_call_seconds, **options) for t in timed}
        _in_turns(timed, {name: p.warmups for name, p in plans.items()}, plans)
        per_call = _in_turns(timed, {name: p.samples for name, p in plans.items()}, plans)
    return {t.name: Timing(plans[t.name].loops, per_call[t.name]) for t in timed}


def _in_turns(timed: list[Timed], rounds: dict[str, int], plans: dict[str, Plan]) -> dict[str, list[float]]:
    """Round r takes sample r of every implementation that has more than r rounds."""
    taken: dict[str, list[float]] = {t.name: [] for t in timed}
    for r in range(max(rounds.values(), default=0)):
        for t in timed:
            if r < rounds[t.name]:
                taken[t.name].append(_sample(t.fn, t.arg, plans[t.name].loops))
    return taken


def measure(fn: Callable[[Any], Any], arg: Any, **options: Any) -> Timing:
    """Samples of one implementation (plan()'s options, first_call_seconds included)."""
    return measure_in_turns([Timed("only", fn, arg, options.pop("first_call_seconds"))], **options)["only"]


def timed_call(fn: Callable[[Any], Any], arg: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn(arg)
    return result, time.perf_counter() - start
