"""Misuse scenarios for the arrays exports (part of the arrays scenario module): inputs changed
by the items' own callbacks and by other threads while a call converts them, objects made
without their constructor, and calls interrupted midway.

The rule they hold native code to: no pointer into a Python container survives anything that
can run Python code (python_inputs.hpp); each scenario would read freed memory, or leak on the
unwinding path, if it did.

Interrupts: Ctrl-C reaches native code through PyErr_CheckSignals, and CPython runs signal
handlers on the main thread only. On the main thread (ledger, growth and Valgrind workers) the
``interrupted`` scenarios send a real signal (SIGALRM from an interval timer, whose handler raises
KeyboardInterrupt) a millisecond into a conversion of 300,000 items; off it (the ASan layer runs
scenarios in a thread) KeyboardInterrupt comes from an item's __float__ halfway through, which
unwinds the same native frames.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator

from bridgebench import _arrays
from bridgebench.arrays import capi

# Kinds for the coverage rule (scenarios.MISUSE_KINDS).
MUTATION = ("mutation",)
UNINITIALISED = ("uninitialised",)
# Large enough that a conversion lasts well beyond a millisecond, even unoptimised.
INTERRUPTED_SIZE = 300_000
THREAD_ROUNDS = 3


# ---- items whose callbacks change the list they sit in ----------------------------------------


class MutatingNumber(int):
    """An int whose __float__ empties the list it sits in and, with refill, gives it a new,
    bigger item array (the old one is freed)."""

    def __new__(cls, value: int, owner: list, refill: bool):
        self = super().__new__(cls, value)
        self.owner, self.refill = owner, refill
        return self

    def __float__(self) -> float:
        _mutate(self.owner, self.refill)
        return 7.0


class MutatingIndex:
    """The same from __index__ (an int subclass's own __index__ is never asked)."""

    def __init__(self, owner: list, refill: bool):
        self.owner, self.refill = owner, refill

    def __index__(self) -> int:
        _mutate(self.owner, self.refill)
        return 7


def _mutate(owner: list, refill: bool) -> None:
    owner.clear()
    if refill:
        owner.extend([None] * 256)


def _mutated_by_callback(function: Callable, kind: str, refill: bool) -> Callable[[], None]:
    def run() -> None:
        values: list = [1, 2, 3] * 8
        values.insert(3, MutatingIndex(values, refill) if kind == "int" else MutatingNumber(1, values, refill))
        out = function(values)
        assert len(out) == 25 and out[3] == 7, out

    return run


# ---- another thread changes the list between two items ----------------------------------------


class Yielding(int):
    """An int whose conversion gives the GIL away (as any Python code may), so that another
    thread runs between two items."""

    def __float__(self) -> float:
        time.sleep(0)
        return float(int(self))


class YieldingIndex:
    def __init__(self, value: int):
        self.value = value

    def __index__(self) -> int:
        time.sleep(0)
        return self.value


@contextlib.contextmanager
def churning(step: Callable[[], None]) -> Iterator[None]:
    """Runs `step` over and over in another thread for the duration of the block."""
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            step()
            time.sleep(0)

    thread = threading.Thread(target=churn, name="arrays-misuse-churn")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _mutated_by_thread(function: Callable, kind: str) -> Callable[[], None]:
    def item(i: int):
        return YieldingIndex(i) if kind == "int" else Yielding(i)

    def run() -> None:
        values = [item(i) for i in range(32)]

        def step() -> None:
            values.clear()  # a call that starts now converts an empty list
            values.extend([item(i) for i in range(32)])

        with churning(step):
            for _ in range(THREAD_ROUNDS):
                out = function(values)
                assert out in ([], list(range(32))), out

    return run


def _strings_mutated_by_thread(function: Callable) -> Callable[[], None]:
    # str items run no Python code, but the GIL may still change hands between the conversion
    # and the copy (released for large inputs) and between calls.
    def run() -> None:
        words = ["word", "héllo", "😀"] * 3000
        values = list(words)

        def step() -> None:
            values[:] = words[::-1]
            values[:] = words

        with churning(step):
            for _ in range(THREAD_ROUNDS):
                out = function(values)
                assert out in (words, words[::-1])

    return run


# ---- interrupted calls ------------------------------------------------------------------------


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _keyboard_interrupt(*_) -> None:
    raise KeyboardInterrupt


class _Interrupting:
    """An item whose conversion is interrupted (Ctrl-C arriving in its Python code)."""

    def __float__(self) -> float:
        raise KeyboardInterrupt

    __index__ = __float__


def _interrupted_input(values: list):
    """Half the items, then KeyboardInterrupt from the input itself (str items run no Python
    code, so this is where Ctrl-C can reach a strings call off the main thread)."""
    yield from values[: len(values) // 2]
    raise KeyboardInterrupt


def interrupted(function: Callable, values: list) -> Callable[[], None]:
    def run() -> None:
        if not _on_main_thread():
            if isinstance(values[0], str):
                function(_interrupted_input(values))
            else:
                half = len(values) // 2
                function(values[:half] + [_Interrupting()] + values[half:])
            return
        previous = signal.signal(signal.SIGALRM, _keyboard_interrupt)
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.001)
            function(values)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    return run


# ---- uninitialised objects --------------------------------------------------------------------


def _native_buffer_new_without_init() -> None:
    _arrays.NativeBuffer.__new__(_arrays.NativeBuffer)


def _native_buffer_object_new() -> None:
    object.__new__(_arrays.NativeBuffer)


# ---- the scenario list ------------------------------------------------------------------------


def late(module, name: str) -> Callable:
    """The function, looked up at each call (the coverage check wraps module attributes)."""
    return lambda values: getattr(module, name)(values)


_NUMBERS = {"roundtrip_ints": "int", "roundtrip_floats": "float", "roundtrip_float32": "float"}
INTERRUPTED_INPUTS = {
    "roundtrip_ints": list(range(INTERRUPTED_SIZE)),
    "roundtrip_floats": [0.5] * INTERRUPTED_SIZE,
    "roundtrip_float32": [0.5] * INTERRUPTED_SIZE,
    "roundtrip_strings": ["abc"] * INTERRUPTED_SIZE,
}


def misuse_scenarios(pybind: Callable, capi_scenario: Callable) -> list:
    """The misuse family; `pybind(function, case, run, ...)` and `capi_scenario(function, case,
    run, ...)` make Scenario objects as the arrays module names them."""
    out = []
    for name, kind in _NUMBERS.items():
        for make, module in ((pybind, _arrays), (capi_scenario, capi)):
            function = late(module, name)
            out += [
                make(name, "mutated_by_callback_clear", _mutated_by_callback(function, kind, False), misuse=MUTATION),
                make(
                    name,
                    "mutated_by_callback_refill",
                    _mutated_by_callback(function, kind, True),
                    reduced=True,
                    misuse=MUTATION,
                ),
                make(name, "mutated_by_thread", _mutated_by_thread(function, kind), weight=0.03, misuse=MUTATION),
            ]
    for name, values in INTERRUPTED_INPUTS.items():
        # Through the C ABI the interrupt lands in the wrapper's Python code around the call
        # (array.array converts without looking at signals): its result must still be freed.
        for make, module in ((pybind, _arrays), (capi_scenario, capi)):
            run = interrupted(late(module, name), values)
            out.append(make(name, "interrupted", run, raises=KeyboardInterrupt, weight=0.015, misuse=("interrupts",)))
    out += [
        pybind(
            "roundtrip_strings",
            "mutated_by_thread",
            _strings_mutated_by_thread(late(_arrays, "roundtrip_strings")),
            weight=0.03,
            misuse=MUTATION,
        ),
        pybind(
            "NativeBuffer",
            "uninitialised_new",
            _native_buffer_new_without_init,
            raises=TypeError,
            reduced=True,
            misuse=UNINITIALISED,
        ),
        pybind(
            "NativeBuffer",
            "uninitialised_object_new",
            _native_buffer_object_new,
            raises=TypeError,
            misuse=UNINITIALISED,
        ),
    ]
    return out
