"""Leak-audit scenarios for the arrays workload: bridgebench._arrays (pybind11),
bridgebench.arrays.capi (the C ABI through ctypes) and the nanobind and Cython peers
(_arrays_peers), normal and error paths.

Every scenario drops what it got back before it returns, so the ledger must be balanced after
each one. Inputs are small: the audit repeats each scenario many times (growth layer), and the
GIL-release path is reached by the few ``*.large`` scenarios, weighted down for growth.
"""

from __future__ import annotations

import array
import ctypes
import gc

from bridgebench import _arrays, _clib
from bridgebench.api import Canary, Scenario, cover_module, cover_symbols, failing_iterable
from bridgebench.arrays import capi
from bridgebench.leakcheck.scenarios._arrays_inputs import FLOATS, INTS, WORDS
from bridgebench.leakcheck.scenarios._arrays_misuse import misuse_scenarios
from bridgebench.leakcheck.scenarios._arrays_peers import peer_misuse_applies, peer_scenarios

PYBIND = "bridgebench._arrays"
CAPI = "bridgebench.arrays.capi"
# Above the bindings' release_gil_from (1 << 13 elements): exercises the GIL hand-over too.
LARGE = 40_000


def _pybind(
    function: str,
    case: str,
    run,
    *,
    raises=None,
    reduced=False,
    weight=1.0,
    also: tuple[str, ...] = (),
    misuse: tuple[str, ...] = (),
) -> Scenario:
    return Scenario(
        f"arrays.pybind.{function}.{case}",
        run,
        cover_module(PYBIND, function, *also),
        raises=raises,
        reduced=reduced,
        growth_weight=weight,
        misuse=misuse,
    )


def _capi(
    function: str,
    symbols: tuple[str, ...],
    case: str,
    run,
    *,
    raises=None,
    reduced=False,
    weight=1.0,
    misuse: tuple[str, ...] = (),
) -> Scenario:
    return Scenario(
        f"arrays.capi.{function}.{case}",
        run,
        cover_module(CAPI, function) + cover_symbols(*symbols),
        raises=raises,
        reduced=reduced,
        growth_weight=weight,
        misuse=misuse,
    )


# ---- pybind11 list copy path ------------------------------------------------------------------


def _list_scenarios(
    function: str, good: list, bad_last: object, overflow_last: object | None, overflow_error: type[BaseException]
) -> list[Scenario]:
    fn = lambda values: getattr(_arrays, function)(values)  # looked up at call time  # noqa: E731
    out = [
        _pybind(function, "ok", lambda: fn(good), reduced=True),
        _pybind(function, "tuple", lambda: fn(tuple(good))),
        _pybind(function, "iterable", lambda: fn(iter(good))),
        _pybind(function, "empty", lambda: fn([])),
        _pybind(function, "large", lambda: fn(good * (LARGE // len(good) + 1)), weight=0.02),
        # An exception raised mid-conversion: the native array is half filled when it is thrown.
        _pybind(function, "bad_item_last", lambda: fn(good * 20 + [bad_last]), raises=TypeError, reduced=True),
        _pybind(function, "bad_item_first", lambda: fn([bad_last] + good), raises=TypeError),
        _pybind(function, "not_a_sequence", lambda: fn(12), raises=TypeError),
        _pybind(function, "str_instead_of_list", lambda: fn("abc"), raises=TypeError),
        _pybind(
            function,
            "iterable_fails_midway",
            lambda: fn(failing_iterable(good * 4, len(good) * 2)),
            raises=RuntimeError,
        ),
    ]
    if overflow_last is not None:
        out.append(
            _pybind(
                function, "overflow_last", lambda: fn(good * 20 + [overflow_last]), raises=overflow_error, reduced=True
            )
        )
    return out


SCENARIOS: list[Scenario] = []
SCENARIOS += _list_scenarios("roundtrip_ints", INTS, "8", 2**63, OverflowError)
SCENARIOS += [_pybind("roundtrip_ints", "bool_item", lambda: _arrays.roundtrip_ints(INTS + [True]), raises=TypeError)]
SCENARIOS += _list_scenarios("roundtrip_floats", FLOATS, "1.0", 10**400, OverflowError)
SCENARIOS += _list_scenarios("roundtrip_float32", FLOATS, None, 1e39, OverflowError)
SCENARIOS += _list_scenarios("roundtrip_strings", WORDS, b"bytes", "lone \udc80 surrogate", UnicodeEncodeError)


# ---- pybind11 zero-copy buffers (capsule-owned native memory) ---------------------------------


def _buffer_scenarios(function: str, typecode: str, good: list, wrong_typecode: str) -> list[Scenario]:
    def fn(values):
        return getattr(_arrays, function)(values)

    def source():
        return array.array(typecode, good)

    def view_released_first():
        src = source()
        view = fn(src)
        view.release()  # memoryview released explicitly, before the buffer objects go
        del view
        del src

    def source_dropped_first():
        src = source()
        view = fn(src)
        del src  # the input goes first; the native copy must not care
        assert view.tolist() == good
        del view

    def owner_outlives_view():
        src = source()
        view = fn(src)
        owner = view.obj  # the NativeBuffer holding the capsule
        assert owner.nbytes == len(good) * 8
        view.release()
        del view
        del owner  # the capsule (and the native memory) goes with the last reference

    def view_outlives_owner():
        view = fn(source())
        owner = view.obj
        del owner  # the memoryview still holds the NativeBuffer
        assert view.tolist() == good
        del view

    def second_view_outlives_first():
        view = fn(source())
        second = memoryview(view.obj)  # another view onto the same native memory
        view.release()
        assert second.tolist() == good
        del view
        second.release()
        del second

    def slice_outlives_parent():
        view = fn(source())
        part = view[1:]
        del view
        assert part.tolist() == good[1:]
        del part

    def input_released_after_call():
        # Native code must not keep the input's buffer exported after returning: array.array
        # refuses to resize while a view onto it exists (BufferError).
        src = source()
        view = fn(src)
        src.append(src[0])
        del view

    def input_released_after_error():
        src = array.array(wrong_typecode, [1, 2])
        try:
            fn(src)
        except ValueError:
            pass
        else:
            raise AssertionError("wrong format accepted")
        src.append(src[0])  # the error path released the input buffer too

    def view_in_cycle():
        # Only the cyclic GC frees it: the capsule must still free the memory exactly once.
        holder: list = []
        holder.append(holder)
        holder.append(fn(source()))
        del holder
        gc.collect()

    return [
        _pybind(function, "view_released_first", view_released_first, reduced=True),
        _pybind(function, "source_dropped_first", source_dropped_first, reduced=True),
        _pybind(function, "owner_outlives_view", owner_outlives_view, also=("NativeBuffer", "NativeBuffer.nbytes")),
        _pybind(function, "view_outlives_owner", view_outlives_owner),
        _pybind(function, "second_view_outlives_first", second_view_outlives_first),
        _pybind(function, "slice_outlives_parent", slice_outlives_parent),
        _pybind(function, "view_in_cycle", view_in_cycle, weight=0.2),
        _pybind(function, "input_released_after_call", input_released_after_call, reduced=True),
        _pybind(function, "input_released_after_error", input_released_after_error),
        _pybind(function, "empty", lambda: fn(array.array(typecode))),
        _pybind(function, "large", lambda: fn(array.array(typecode, good * (LARGE // len(good) + 1))), weight=0.05),
        _pybind(
            function, "wrong_format", lambda: fn(array.array(wrong_typecode, [1, 2])), raises=ValueError, reduced=True
        ),
        _pybind(function, "not_a_buffer", lambda: fn(list(good)), raises=TypeError),
        _pybind(
            function,
            "two_dimensional",
            lambda: fn(memoryview(source()).cast("B").cast(typecode, [1, len(good)])),
            raises=ValueError,
        ),
        _pybind(function, "not_contiguous", lambda: fn(memoryview(source())[::2]), raises=ValueError),
    ]


def _native_buffer_cannot_be_constructed() -> None:
    _arrays.NativeBuffer()


SCENARIOS += _buffer_scenarios("roundtrip_ints_buffer", "q", INTS, "d")
SCENARIOS += _buffer_scenarios("roundtrip_floats_buffer", "d", [1.5, -0.0, 3.0, 1e300], "q")
SCENARIOS += [_pybind("NativeBuffer", "no_constructor", _native_buffer_cannot_be_constructed, raises=TypeError)]


# ---- the C ABI through the ctypes wrapper -----------------------------------------------------

_NUMERIC = {
    # wrapper function: (C function, free function, good input, bad last item, overflow last item)
    "roundtrip_ints": ("bb_roundtrip_int64", "bb_free_int64_array", INTS, "8", 2**63),
    "roundtrip_floats": ("bb_roundtrip_double", "bb_free_double_array", FLOATS, "1.0", 10**400),
    "roundtrip_float32": ("bb_roundtrip_float32", "bb_free_float32_array", FLOATS, "1.0", 1e39),
}

for _function, (_c_function, _free, _good, _bad, _overflow) in _NUMERIC.items():
    _symbols = (_c_function, _free)

    def _fn(values, _name=_function):
        return getattr(capi, _name)(values)

    SCENARIOS += [
        _capi(_function, _symbols, "ok", lambda f=_fn, g=_good: f(g), reduced=True),
        _capi(_function, _symbols, "empty", lambda f=_fn: f([])),
        _capi(_function, _symbols, "large", lambda f=_fn, g=_good: f(g * (LARGE // len(g) + 1)), weight=0.02),
        _capi(
            _function,
            (),
            "bad_item_last",
            lambda f=_fn, g=_good, b=_bad: f(g * 20 + [b]),
            raises=TypeError,
            reduced=True,
        ),
        _capi(
            _function, (), "overflow_last", lambda f=_fn, g=_good, o=_overflow: f(g * 20 + [o]), raises=OverflowError
        ),
        _capi(_function, (), "not_a_sequence", lambda f=_fn: f(12), raises=TypeError),
    ]

_capi_symbols_strings = ("bb_roundtrip_strings", "bb_free_string_array")
SCENARIOS += [
    _capi("roundtrip_strings", _capi_symbols_strings, "ok", lambda: capi.roundtrip_strings(WORDS), reduced=True),
    _capi("roundtrip_strings", _capi_symbols_strings, "empty", lambda: capi.roundtrip_strings([])),
    _capi(
        "roundtrip_strings",
        _capi_symbols_strings,
        "large",
        lambda: capi.roundtrip_strings(WORDS * (LARGE // len(WORDS))),
        weight=0.02,
    ),
    _capi(
        "roundtrip_strings",
        (),
        "bad_item_last",
        lambda: capi.roundtrip_strings(WORDS * 20 + [3]),
        raises=TypeError,
        reduced=True,
    ),
    _capi(
        "roundtrip_strings",
        (),
        "lone_surrogate_last",
        lambda: capi.roundtrip_strings(WORDS * 20 + ["\ud800"]),
        raises=UnicodeEncodeError,
    ),
]


# ---- the C ABI's own error paths, below the wrapper's checks (straight through ctypes) --------


def _call_raw(function: str, result_type, *args) -> None:
    """Calls a bb_roundtrip_* with raw arguments; on failure *out must stay NULL."""
    lib = _clib.library()
    out = ctypes.POINTER(result_type)()
    status = getattr(lib, function)(*args, ctypes.byref(out))
    try:
        if status != _clib.BB_OK:
            assert not out, f"{function} failed ({status}) but handed out a result"
        _clib.raise_for_status(status, function)
    finally:
        getattr(lib, "bb_free_" + result_type.__name__.removeprefix("bb_"))(out)


def _raw_null_data_int64():
    _call_raw("bb_roundtrip_int64", capi.bb_int64_array, None, 3)


def _raw_null_data_double():
    _call_raw("bb_roundtrip_double", capi.bb_double_array, None, 3)


def _raw_float32_overflow():
    data = array.array("d", [1.0, 2.0, 1e39])
    _call_raw("bb_roundtrip_float32", capi.bb_float32_array, data.buffer_info()[0], len(data))


def _raw_strings_offsets_decrease():
    offsets = array.array("Q", [0, 4, 2])
    _call_raw("bb_roundtrip_strings", capi.bb_string_array, offsets.buffer_info()[0], b"abcd", 2)


def _raw_strings_offsets_not_from_zero():
    offsets = array.array("Q", [1, 2])
    _call_raw("bb_roundtrip_strings", capi.bb_string_array, offsets.buffer_info()[0], b"ab", 1)


def _raw_null_out():
    # out == NULL must be an error, not a crash; nothing is allocated.
    lib = _clib.library()
    data = array.array("q", [1, 2])
    status = lib.bb_roundtrip_int64(data.buffer_info()[0], 2, None)
    assert status == _clib.BB_ERR_INVALID_ARGUMENT, status


def _raw_free_null():
    lib = _clib.library()
    lib.bb_free_int64_array(None)
    lib.bb_free_double_array(None)
    lib.bb_free_float32_array(None)
    lib.bb_free_string_array(None)


SCENARIOS += [
    Scenario(
        "arrays.capi.raw.null_data_int64",
        _raw_null_data_int64,
        cover_symbols("bb_roundtrip_int64", "bb_free_int64_array"),
        raises=ValueError,
        reduced=True,
    ),
    Scenario(
        "arrays.capi.raw.null_data_double",
        _raw_null_data_double,
        cover_symbols("bb_roundtrip_double", "bb_free_double_array"),
        raises=ValueError,
    ),
    Scenario(
        "arrays.capi.raw.float32_overflow",
        _raw_float32_overflow,
        cover_symbols("bb_roundtrip_float32", "bb_free_float32_array"),
        raises=OverflowError,
        reduced=True,
    ),
    Scenario(
        "arrays.capi.raw.strings_offsets_decrease",
        _raw_strings_offsets_decrease,
        cover_symbols("bb_roundtrip_strings", "bb_free_string_array"),
        raises=ValueError,
        reduced=True,
    ),
    Scenario(
        "arrays.capi.raw.strings_offsets_not_from_zero",
        _raw_strings_offsets_not_from_zero,
        cover_symbols("bb_roundtrip_strings", "bb_free_string_array"),
        raises=ValueError,
    ),
    Scenario("arrays.capi.raw.null_out", _raw_null_out, cover_symbols("bb_roundtrip_int64")),
    Scenario(
        "arrays.capi.raw.free_null",
        _raw_free_null,
        cover_symbols("bb_free_int64_array", "bb_free_double_array", "bb_free_float32_array", "bb_free_string_array"),
    ),
]


SCENARIOS += misuse_scenarios(
    _pybind,
    lambda function, case, run, **kw: _capi(function, (), case, run, **kw),
)
SCENARIOS += peer_scenarios()


CANARIES = [
    Canary(
        "capi_result",
        sites=(
            "capi.bb_roundtrip_int64",
            "capi.bb_roundtrip_double",
            "capi.bb_roundtrip_float32",
            "capi.bb_roundtrip_strings",
        ),
        functions=("bb_roundtrip_int64", "bb_roundtrip_double", "bb_roundtrip_float32", "bb_roundtrip_strings"),
        scenarios=("arrays.capi.roundtrip_ints.ok", "arrays.capi.roundtrip_strings.ok"),
        description="a C ABI result-sized block lost after a successful bb_roundtrip_* (src/capi/arrays.cpp)",
    ),
    Canary(
        "pybind_copy",
        sites=("arrays.roundtrip_ints",),
        functions=("roundtrip_ints",),
        scenarios=("arrays.pybind.roundtrip_ints.ok",),
        description="a block lost on the pybind11 copy path of roundtrip_ints (src/bindings/arrays.cpp)",
    ),
    Canary(
        "capsule_buffer",
        sites=("arrays.roundtrip_ints_buffer", "arrays.roundtrip_floats_buffer"),
        functions=("free_capsule_buffer",),
        scenarios=(
            "arrays.pybind.roundtrip_ints_buffer.view_released_first",
            "arrays.pybind.roundtrip_floats_buffer.source_dropped_first",
        ),
        description="a block lost when the capsule frees a zero-copy buffer (src/bindings/arrays.cpp)",
    ),
    # Faults made with the CPython API or plain std containers (src/bindings/canary_python.hpp,
    # planted in roundtrip_strings): the ledger cannot see them. Growth names the scenario's
    # function (its name without the case); one scenario each, so the doubling steps of the
    # caches line up with the growth layer's doubling scale from the first call.
    Canary(
        "python_ref",
        sites=("arrays.pybind.roundtrip_strings",),
        functions=("roundtrip_strings",),
        layers=("growth", "asan", "valgrind"),
        scenarios=("arrays.pybind.roundtrip_strings.ok",),
        description="a new Python object never released (a missing decref), allocated inside CPython",
    ),
    Canary(
        "python_cache",
        sites=("arrays.pybind.roundtrip_strings",),
        functions=("roundtrip_strings",),
        layers=("growth",),
        scenarios=("arrays.pybind.roundtrip_strings.ok",),
        description="a new 1-tuple holding each call's input kept in a static std::vector<py::object> "
        "(one object per call, still reachable)",
    ),
    Canary(
        "native_cache",
        sites=("arrays.pybind.roundtrip_strings",),
        functions=("roundtrip_strings",),
        layers=("growth",),
        scenarios=("arrays.pybind.roundtrip_strings.ok",),
        description="64 bytes per call in a static std::vector that doubles its capacity (reachable)",
    ),
]


# Misuse that applies beyond what bridgebench.leakcheck.misuse derives for classes: the list
# converters call back into Python (__index__/__float__) and release the GIL while converting,
# so their input can change under them, and long conversions must notice Ctrl-C.
MISUSE_APPLIES: dict[str, tuple[str, ...]] = {
    f"{module}.{name}": ("mutation", "interrupts")
    for module in (PYBIND, CAPI)
    for name in ("roundtrip_ints", "roundtrip_floats", "roundtrip_float32", "roundtrip_strings")
}
# The ctypes wrapper encodes strings in Python before the call: nothing native reads the list.
MISUSE_APPLIES[f"{CAPI}.roundtrip_strings"] = ("interrupts",)
MISUSE_APPLIES.update(peer_misuse_applies())
