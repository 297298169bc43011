"""Leak-audit scenarios for the nanobind and Cython peers of the array converters
(bridgebench._arrays_nanobind and bridgebench._arrays_cython, part of the arrays scenario module).

The peers are built only when their build dependency is installed; a module that is not there
has no exports and so no scenarios. They raise their binding's own exceptions (not the messages
of bridgebench_rules), so the error scenarios accept the exception types each binding uses for
the mistake; what they hold the peers to is ours: no crash, no leak, an exception and never a
silently wrong answer.

How each binding meets a list that changes under it:
- nanobind converts a tuple of the items, taken when the call starts (its list caster would
  otherwise read the list's item array while an item's __index__ may free it): the answer is the
  list as it was;
- Cython reads values[i] with bounds checks: a list that shrank raises IndexError, and an item
  that changed is converted as it is then (TypeError for an item that is no longer a number).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

from bridgebench.api import Scenario, cover_module, failing_iterable
from bridgebench.leakcheck.scenarios._arrays_inputs import FLOATS, INTS, WORDS
from bridgebench.leakcheck.scenarios._arrays_misuse import (
    INTERRUPTED_INPUTS,
    MUTATION,
    MutatingIndex,
    MutatingNumber,
    Yielding,
    YieldingIndex,
    churning,
    interrupted,
    late,
)

PEERS = {"nanobind": "bridgebench._arrays_nanobind", "cython": "bridgebench._arrays_cython"}
FUNCTIONS = ("roundtrip_ints", "roundtrip_floats", "roundtrip_strings")
# Above the peers' GIL release threshold (1 << 13 elements), as for the pybind11 module.
LARGE = 40_000
# What a changed list may end in, besides the answer for the list as it was (see the docstring).
CHANGED_LIST_ERRORS = (IndexError, TypeError)

_GOOD: dict[str, list] = {
    "roundtrip_ints": list(INTS),  # copies: a scenario never shares a list with another module's
    "roundtrip_floats": list(FLOATS),
    "roundtrip_strings": list(WORDS),
}
_BAD_ITEM = {"roundtrip_ints": "8", "roundtrip_floats": "1.0", "roundtrip_strings": b"bytes"}
# (item, the exception types the bindings use for it)
_OUT_OF_RANGE: dict[str, tuple[object, tuple[type[BaseException], ...]]] = {
    "roundtrip_ints": (2**63, (OverflowError, TypeError)),
    "roundtrip_floats": (10**400, (OverflowError, TypeError)),
    "roundtrip_strings": ("lone \udc80 surrogate", (UnicodeEncodeError, TypeError)),
}


def available() -> dict[str, ModuleType]:
    """The peer modules that were built, by binding name."""
    out = {}
    for binding, module_name in PEERS.items():
        try:
            out[binding] = importlib.import_module(module_name)
        except ImportError:
            continue
    return out


def _mutated_by_callback(function: Callable, number: str, refill: bool) -> Callable[[], None]:
    def run() -> None:
        values: list = [1, 2, 3] * 8
        values.insert(3, MutatingIndex(values, refill) if number == "int" else MutatingNumber(1, values, refill))
        try:
            out = function(values)
        except CHANGED_LIST_ERRORS:
            return
        assert len(out) == 25 and out[3] == 7, out

    return run


def _mutated_by_thread(function: Callable, number: str) -> Callable[[], None]:
    def item(i: int):
        return YieldingIndex(i) if number == "int" else Yielding(i)

    def run() -> None:
        values = [item(i) for i in range(32)]

        def step() -> None:
            values.clear()
            values.extend([item(i) for i in range(32)])

        with churning(step):
            for _ in range(3):
                try:
                    out = function(values)
                except CHANGED_LIST_ERRORS:
                    continue
                assert out in ([], list(range(32))), out

    return run


def _function_scenarios(binding: str, module: ModuleType, function: str) -> list[Scenario]:
    fn = late(module, function)
    good = _GOOD[function]
    out_of_range, range_errors = _OUT_OF_RANGE[function]
    covers = cover_module(module.__name__, function)

    def scenario(case: str, run, **options) -> Scenario:
        return Scenario(f"arrays.{binding}.{function}.{case}", run, covers, **options)

    out = [
        scenario("ok", lambda: fn(good), reduced=True),
        scenario("iterable", lambda: fn(iter(good))),
        scenario("empty", lambda: fn([])),
        scenario("large", lambda: fn(good * (LARGE // len(good) + 1)), growth_weight=0.02),
        scenario("bad_item_last", lambda: fn(good * 20 + [_BAD_ITEM[function]]), raises=TypeError, reduced=True),
        scenario("out_of_range_last", lambda: fn(good * 20 + [out_of_range]), raises=range_errors),
        scenario("not_a_sequence", lambda: fn(12), raises=TypeError),
        scenario("str_instead_of_list", lambda: fn("abc"), raises=TypeError),
        scenario("iterable_fails_midway", lambda: fn(failing_iterable(good * 4, len(good) * 2)), raises=RuntimeError),
        # nanobind's casters turn an exception raised by an item into a failed conversion
        # (TypeError); Cython lets KeyboardInterrupt through. Either way the frames unwind.
        scenario(
            "interrupted",
            interrupted(fn, INTERRUPTED_INPUTS[function]),
            raises=(KeyboardInterrupt, TypeError),
            growth_weight=0.015,
            misuse=("interrupts",),
        ),
    ]
    if function != "roundtrip_strings":
        number = "int" if function == "roundtrip_ints" else "float"
        out += [
            scenario("mutated_by_callback_clear", _mutated_by_callback(fn, number, False), misuse=MUTATION),
            scenario(
                "mutated_by_callback_refill", _mutated_by_callback(fn, number, True), reduced=True, misuse=MUTATION
            ),
            scenario("mutated_by_thread", _mutated_by_thread(fn, number), growth_weight=0.03, misuse=MUTATION),
        ]
    return out


def peer_scenarios() -> list[Scenario]:
    return [
        s
        for binding, module in available().items()
        for function in FUNCTIONS
        for s in _function_scenarios(binding, module, function)
    ]


def peer_misuse_applies() -> dict[str, tuple[str, ...]]:
    """Strings items run no Python code: only their number siblings can change the list midway."""
    return {
        f"{module.__name__}.{function}": ("interrupts",)
        if function == "roundtrip_strings"
        else MUTATION + ("interrupts",)
        for module in available().values()
        for function in FUNCTIONS
    }
