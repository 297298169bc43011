"""Misuse of the arrays API that once crashed the interpreter or gave wrong or inconsistent
answers: each test here failed (or crashed) before the fix it names.

Anything that could crash runs in a child interpreter, so a crash fails its test instead of
killing the whole run.
"""

from __future__ import annotations

import copy
import pickle
import signal
import subprocess
import sys
import textwrap

import pytest

import python_baseline.arrays as baseline
from bridgebench import _arrays, ledger
from bridgebench import arrays as native
from bridgebench.arrays import capi

ALL = [pytest.param(native, id="pybind11"), pytest.param(capi, id="capi"), pytest.param(baseline, id="baseline")]
MODULES = {"pybind11": "bridgebench.arrays", "capi": "bridgebench.arrays.capi", "baseline": "python_baseline.arrays"}


def run_isolated(code: str, timeout: float = 120) -> str:
    """Runs `code` in a child interpreter; fails the test on a crash or an error, returns stdout."""
    child = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert child.returncode == 0, f"child exited with {child.returncode}:\n{child.stderr[-3000:]}"
    return child.stdout


# ---- a one-shot iterator on the float32 overflow path ---------------------------------------


@pytest.mark.parametrize("impl", MODULES)
def test_float32_overflow_in_a_one_shot_iterator_names_its_index(impl):
    # The overflow message re-read the input to show the bad item: an iterator, read a second
    # time, was empty and the index ran past its end (SIGSEGV).
    out = run_isolated(f"""
        import {MODULES[impl]} as m
        try:
            m.roundtrip_float32(iter([1.0] * 5 + [1e39]))
        except OverflowError as e:
            print(e)
    """)
    assert out.strip() == "values[5] = 1e+39 is too large for float32 (max 3.4028234663852886e+38)"


# ---- callbacks that change the list being converted -------------------------------------------

MUTATING_FLOAT = """
    class Evil(int):
        def __float__(self):
            {action}
            return 7.0
"""


@pytest.mark.parametrize("impl", MODULES)
@pytest.mark.parametrize("function", ["roundtrip_floats", "roundtrip_float32"])
@pytest.mark.parametrize(
    "action",
    [
        pytest.param("values.clear(); values.extend([0.5] * 1000)", id="clear_and_refill"),
        pytest.param("values.clear()", id="clear"),
        pytest.param("values[:] = [None] * len(values)", id="replace_items"),
    ],
)
def test_float_callback_that_changes_the_list(impl, function, action):
    # The native loop kept a pointer to the list's item array across __float__: refilled, it read
    # freed memory (crash); emptied, it silently answered [7.0, 0.0, 0.0]. Every implementation
    # now converts the items the list held when the call started.
    out = run_isolated(
        f"import {MODULES[impl]} as m\n"
        + textwrap.dedent(MUTATING_FLOAT.format(action=action))
        + f"values = [Evil(1), 2.0, 3.0]\nprint(m.{function}(values))\n"
    )
    assert out.strip() == "[7.0, 2.0, 3.0]"


@pytest.mark.parametrize("impl", MODULES)
def test_index_callback_that_changes_the_list(impl):
    out = run_isolated(f"""
        import {MODULES[impl]} as m
        class Evil:
            def __index__(self):
                values.clear()
                values.extend(range(1000))
                return 5
        values = [1, Evil(), 3]
        print(m.roundtrip_ints(values))
    """)
    assert out.strip() == "[1, 5, 3]"


def test_other_thread_changes_the_list_while_items_convert():
    # An item's __float__ that gives up the GIL lets another thread replace the list's items
    # between two items (each round with new values, freeing the old items); the conversion must
    # keep reading the items it started with: all from one round, or none.
    out = run_isolated("""
        import itertools, threading, time
        from bridgebench import arrays as m
        class Slow(int):
            def __float__(self):
                time.sleep(0)
                return float(int(self))
        N = 100
        values = [Slow(i) for i in range(N)]
        stop = threading.Event()
        def churn():
            for base in itertools.cycle(range(N, 1000 * N, N)):  # exact in float32 too
                if stop.is_set():
                    return
                values[:] = [Slow(base + i) for i in range(N)]
        t = threading.Thread(target=churn)
        t.start()
        try:
            for _ in range(5):  # each item hands the GIL over for a switch interval (5 ms)
                for function in (m.roundtrip_floats, m.roundtrip_float32):
                    out = function(values)
                    assert len(out) == N and out == [out[0] + i for i in range(N)], out
        finally:
            stop.set()
            t.join()
        print("ok")
    """)
    assert out.strip() == "ok"


def test_signal_handler_that_shrinks_the_list_raises_instead_of_reading_freed_memory():
    # Ctrl-C checks run signal handlers mid-conversion; a plain list is read in place (no copy),
    # so a handler that shrinks it must be noticed, not read past.
    out = run_isolated("""
        import signal
        from bridgebench import arrays as m
        values = [1.0] * 3_000_000
        signal.signal(signal.SIGALRM, lambda *_: values.clear())
        signal.setitimer(signal.ITIMER_REAL, 0.001)
        try:
            m.roundtrip_floats(values)
        except RuntimeError as e:
            print(e)
    """)
    assert out.strip() == "values changed size during the call"


# ---- uninitialised objects --------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param("m.NativeBuffer.__new__(m.NativeBuffer)", id="__new__"),
        pytest.param("object.__new__(m.NativeBuffer)", id="object.__new__"),
        pytest.param("m.NativeBuffer()", id="call"),
        pytest.param("type('Sub', (m.NativeBuffer,), {})", id="subclass"),
    ],
)
def test_native_buffer_cannot_be_made_from_python(make):
    # NativeBuffer.__new__(NativeBuffer) made an instance that no constructor had filled in:
    # memoryview() or .nbytes on it read garbage (crash).
    out = run_isolated(f"""
        from bridgebench import _arrays as m
        try:
            b = {make}
            memoryview(b)
            print("made", b.nbytes)
        except TypeError as e:
            print("TypeError")
    """)
    assert out.strip() == "TypeError"


def test_native_buffer_cannot_be_copied_or_pickled(balanced_ledger):
    import array

    view = _arrays.roundtrip_ints_buffer(array.array("q", [1, 2, 3]))
    with pytest.raises(TypeError):
        copy.copy(view.obj)
    with pytest.raises(TypeError):
        pickle.dumps(view.obj)
    assert view.obj.nbytes == 24 and view.tolist() == [1, 2, 3]
    view.release()


# ---- the same error, the same first index, everywhere -----------------------------------------

FIRST_BAD = [
    # input, function, exception, message
    ([1e39, None], "roundtrip_float32", OverflowError, "values[0] = 1e+39 is too large for float32"),
    ([None, 1e39], "roundtrip_float32", TypeError, "values[0] must be float or int, not NoneType"),
    ([1.0, 10**400, 1e39], "roundtrip_float32", OverflowError, "values[1] = 1000"),
    ([1.0, 1e39, 10**400], "roundtrip_float32", OverflowError, "values[1] = 1e+39"),
    ([1, 2**63, None], "roundtrip_ints", OverflowError, "values[1] = 9223372036854775808 does not fit in int64"),
    ([1, None, 2**63], "roundtrip_ints", TypeError, "values[1] must be int, not NoneType"),
    ([1, True], "roundtrip_ints", TypeError, "values[1] must be int, not bool"),
    ([1.0, False], "roundtrip_floats", TypeError, "values[1] must be float or int, not bool"),
    (["a", "\ud800", 3], "roundtrip_strings", UnicodeEncodeError, "values[1] cannot be encoded"),
    (3, "roundtrip_ints", TypeError, "values must be a list or other sequence, not int"),
    ("abc", "roundtrip_strings", TypeError, "values must be a list or other sequence, not str"),
]


@pytest.mark.parametrize("impl", ALL)
@pytest.mark.parametrize("values, function, error, message", FIRST_BAD)
def test_first_bad_element_is_reported_the_same_everywhere(impl, values, function, error, message, balanced_ledger):
    with pytest.raises(error) as raised:
        getattr(impl, function)(values)
    assert message in str(raised.value)


class Index:
    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value


def test_numpy_integers_and_index_objects_are_ints_everywhere(balanced_ledger):
    numpy = pytest.importorskip("numpy")
    values = [numpy.int64(-5), numpy.uint8(200), Index(2**62), 7]
    for impl in (native, capi, baseline):
        assert impl.roundtrip_ints(values) == [-5, 200, 2**62, 7]
        assert impl.roundtrip_floats(values) == [-5.0, 200.0, 2.0**62, 7.0]
        with pytest.raises(OverflowError, match=r"values\[0\] = .* does not fit in int64"):
            impl.roundtrip_ints([Index(2**63)])
        with pytest.raises(TypeError, match=r"values\[0\] must be int, not numpy.float64"):
            impl.roundtrip_ints([numpy.float64(1.0)])
        assert impl.roundtrip_floats([numpy.float32(1.5), numpy.float64(2.5)]) == [1.5, 2.5]


def test_numpy_bool_is_refused_as_int_by_numpy_itself_everywhere(balanced_ledger):
    numpy = pytest.importorskip("numpy")
    messages = set()
    for impl in (native, capi, baseline):
        with pytest.raises(TypeError) as raised:
            impl.roundtrip_ints([1, numpy.True_])
        messages.add(str(raised.value))
    assert len(messages) == 1, messages


def test_an_items_own_exception_reaches_the_caller_unchanged(balanced_ledger):
    class Broken:
        def __float__(self):
            raise ZeroDivisionError("broken __float__")

    for impl in (native, capi, baseline):
        with pytest.raises(ZeroDivisionError, match="broken __float__"):
            impl.roundtrip_floats([1.0, Broken()])


# ---- interrupted calls ------------------------------------------------------------------------


def _raise_keyboard_interrupt(*_):
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    "function, values",
    [
        ("roundtrip_floats", [0.5] * 3_000_000),
        ("roundtrip_float32", [0.5] * 3_000_000),
        ("roundtrip_ints", list(range(3_000_000))),
    ],
)
def test_ctrl_c_stops_a_long_conversion_midway(function, values):
    # The conversion holds the GIL for a long time; it checks for signals as it goes, so the
    # interrupt stops it before the native copy (the second allocation) ever happens.
    previous = signal.signal(signal.SIGALRM, _raise_keyboard_interrupt)
    try:
        with ledger.balanced() as activity:
            with pytest.raises(KeyboardInterrupt):
                signal.setitimer(signal.ITIMER_REAL, 0.001)  # a SIGALRM, as real as Ctrl-C's SIGINT
                getattr(native, function)(values)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    site = activity[f"arrays.{function}"]
    assert site.allocations == 1, site  # the input's native array only: stopped while converting
