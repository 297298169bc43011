"""The array round trips: the same answers and the same errors from the pybind11 module, the
C ABI through ctypes and the pure-Python baseline; nothing leaks on any path."""

from __future__ import annotations

import array
import math
import struct

import pytest

import python_baseline.arrays as baseline
from bridgebench import arrays as native
from bridgebench import ledger
from bridgebench.arrays import capi

NATIVE = [pytest.param(native, id="pybind11"), pytest.param(capi, id="capi")]
ALL = NATIVE + [pytest.param(baseline, id="baseline")]
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


@pytest.fixture
def audited(request):
    """Ledger must balance around every native call (the baseline allocates nothing native)."""
    with ledger.balanced():
        yield


def bits(values: list[float]) -> bytes:
    return struct.pack(f"{len(values)}d", *values)


# ---- answers -------------------------------------------------------------------------------


@pytest.mark.parametrize("impl", ALL)
def test_ints_round_trip_extremes(impl, audited):
    values = [0, 1, -1, INT64_MAX, INT64_MIN, 12345678901234]
    out = impl.roundtrip_ints(values)
    assert out == values
    assert out is not values


@pytest.mark.parametrize("impl", ALL)
def test_floats_keep_nan_inf_and_negative_zero(impl, audited):
    values = [-0.0, 0.0, math.inf, -math.inf, math.nan, 5e-324, 1.7976931348623157e308, -790.5207366698761]
    out = impl.roundtrip_floats(values)
    assert bits(out) == bits(values)


@pytest.mark.parametrize("impl", ALL)
def test_floats_accept_ints(impl, audited):
    assert impl.roundtrip_floats([1, -2, 3.5]) == [1.0, -2.0, 3.5]


@pytest.mark.parametrize("impl", ALL)
def test_float32_loses_precision_as_documented(impl, audited):
    # The classic example: a 32-bit float cannot hold this double.
    assert impl.roundtrip_float32([-790.5207366698761]) == [-790.520751953125]
    expected = [struct.unpack("f", struct.pack("f", v))[0] for v in (0.1, 1e-40, 3.4028234663852886e38)]
    assert impl.roundtrip_float32([0.1, 1e-40, 3.4028234663852886e38]) == expected


@pytest.mark.parametrize("impl", ALL)
def test_float32_keeps_nan_inf_and_negative_zero(impl, audited):
    out = impl.roundtrip_float32([-0.0, math.inf, -math.inf, math.nan])
    assert math.copysign(1, out[0]) == -1 and out[1] == math.inf and out[2] == -math.inf and math.isnan(out[3])


@pytest.mark.parametrize("impl", ALL)
def test_strings_unicode_and_empty(impl, audited):
    values = ["", "ascii", "héllo", "😀 non-BMP 𝄞", "日本語", "a" * 10_000]
    assert impl.roundtrip_strings(values) == values


@pytest.mark.parametrize("impl", NATIVE)
def test_embedded_nul_survives_natively(impl, audited):
    values = ["a\0b", "\0", "end\0"]
    assert impl.roundtrip_strings(values) == values


def test_baseline_refuses_embedded_nul_instead_of_truncating():
    with pytest.raises(ValueError, match=r"values\[1\].*NUL"):
        baseline.roundtrip_strings(["ok", "a\0b"])


@pytest.mark.parametrize("impl", ALL)
@pytest.mark.parametrize("function", ["roundtrip_ints", "roundtrip_floats", "roundtrip_float32", "roundtrip_strings"])
def test_empty_input(impl, function, audited):
    assert getattr(impl, function)([]) == []


@pytest.mark.parametrize("impl", ALL)
def test_tuples_and_generators_are_accepted(impl, audited):
    assert impl.roundtrip_ints((1, 2)) == [1, 2]
    assert impl.roundtrip_ints(i for i in range(3)) == [0, 1, 2]


# ---- bad input: clear exceptions naming the argument and index, nothing leaks ------------------


@pytest.mark.parametrize("impl", ALL)
@pytest.mark.parametrize("too_big", [2**63, -(2**63) - 1, 10**30])
def test_ints_beyond_int64_overflow(impl, too_big, audited):
    with pytest.raises(OverflowError, match=r"values\[2\]"):
        impl.roundtrip_ints([1, 2, too_big])


@pytest.mark.parametrize("impl", ALL)
@pytest.mark.parametrize("bad", [True, None, "1", 1.0, b"1"])
def test_non_ints_in_int_list(impl, bad, audited):
    with pytest.raises(TypeError, match=r"values\[1\] must be int"):
        impl.roundtrip_ints([0, bad, 2])


@pytest.mark.parametrize("impl", ALL)
@pytest.mark.parametrize("bad", [None, "1.5", True, [1.0]])
def test_non_numbers_in_float_list(impl, bad, audited):
    with pytest.raises(TypeError, match=r"values\[0\] must be float"):
        impl.roundtrip_floats([bad])


@pytest.mark.parametrize("impl", ALL)
def test_int_too_large_for_double(impl, audited):
    with pytest.raises(OverflowError, match=r"values\[1\]"):
        impl.roundtrip_floats([1.0, 10**400])


@pytest.mark.parametrize("impl", ALL)
@pytest.mark.parametrize("too_big", [1e39, -1e39, 3.4028235677973366e38, 1.7976931348623157e308])
def test_float32_overflow(impl, too_big, audited):
    with pytest.raises(OverflowError, match=r"values\[1\].*float32"):
        impl.roundtrip_float32([1.0, too_big])


@pytest.mark.parametrize("impl", ALL)
def test_float32_largest_that_rounds_down_is_accepted(impl, audited):
    just_below = 3.4028235677973362e38  # below 2**128 - 2**103: rounds to FLT_MAX, no overflow
    assert impl.roundtrip_float32([just_below]) == [3.4028234663852886e38]


@pytest.mark.parametrize("impl", ALL)
def test_lone_surrogate(impl, audited):
    with pytest.raises(UnicodeEncodeError, match=r"values\[1\]"):
        impl.roundtrip_strings(["fine", "bad \ud800 surrogate"])


@pytest.mark.parametrize("impl", ALL)
@pytest.mark.parametrize("bad", [None, b"bytes", 3])
def test_non_str_in_string_list(impl, bad, audited):
    with pytest.raises(TypeError, match=r"values\[1\] must be str"):
        impl.roundtrip_strings(["ok", bad])


@pytest.mark.parametrize("impl", ALL)
@pytest.mark.parametrize("function", ["roundtrip_ints", "roundtrip_floats", "roundtrip_float32", "roundtrip_strings"])
@pytest.mark.parametrize("not_a_list", [None, 5, "abc", b"abc"])
def test_non_sequence_argument(impl, function, not_a_list, audited):
    with pytest.raises(TypeError, match=r"values must be a list"):
        getattr(impl, function)(not_a_list)


@pytest.mark.parametrize("impl", NATIVE)
def test_error_at_the_end_of_a_long_list_frees_everything(impl, audited):
    # The conversion has allocated the native array by the time it meets the bad item.
    with pytest.raises(TypeError):
        impl.roundtrip_ints(list(range(100_000)) + [None])
    with pytest.raises(OverflowError):
        impl.roundtrip_float32([1.0] * 100_000 + [1e39])
    with pytest.raises(UnicodeEncodeError):
        impl.roundtrip_strings(["x"] * 100_000 + ["\udfff"])


# ---- buffers ---------------------------------------------------------------------------------


def test_int_buffer_round_trip_without_copying_into_python(audited):
    source = array.array("q", [1, -2, INT64_MAX, INT64_MIN])
    view = native.roundtrip_ints_buffer(source)
    assert isinstance(view, memoryview)
    assert view.format == "q" and view.itemsize == 8 and view.tolist() == source.tolist()
    source[0] = 99  # the result is a copy in native memory, not a view onto the input
    assert view[0] == 1
    view.release()


def test_float_buffer_round_trip(audited):
    values = [-0.0, math.nan, math.inf, 1.5]
    view = native.roundtrip_floats_buffer(array.array("d", values))
    assert bits(view.tolist()) == bits(values)
    view.release()


def test_buffer_accepts_memoryview_and_bytes_cast(audited):
    raw = struct.pack("3q", 7, 8, 9)
    assert native.roundtrip_ints_buffer(memoryview(raw).cast("q")).tolist() == [7, 8, 9]


def test_empty_buffer(audited):
    assert native.roundtrip_ints_buffer(array.array("q")).tolist() == []


def test_buffer_is_freed_by_its_capsule_in_either_release_order():
    ledger.reset()
    site = "arrays.roundtrip_ints_buffer"
    view = native.roundtrip_ints_buffer(array.array("q", range(1000)))
    owner = view.obj
    assert ledger.snapshot()[site].bytes_outstanding >= 8000
    view.release()  # view first, owner still referenced: memory must stay
    assert ledger.snapshot()[site].bytes_outstanding >= 8000
    del view, owner
    assert ledger.snapshot()[site].balanced

    view = native.roundtrip_ints_buffer(array.array("q", range(1000)))
    owner = view.obj
    del owner  # owner reference first: the view keeps it alive
    assert view.tolist()[-1] == 999
    del view
    assert ledger.snapshot()[site].balanced


@pytest.mark.parametrize(
    "bad,error,message",
    [
        (array.array("i", [1, 2]), ValueError, r"format 'q'.*got format 'i'"),
        (array.array("d", [1.0]), ValueError, r"format 'q'"),
        (b"12345678", ValueError, r"format 'q'"),
        (memoryview(array.array("q", range(10)))[::2], ValueError, "C-contiguous|cannot get a buffer"),
        (memoryview(struct.pack("4q", 1, 2, 3, 4)).cast("B").cast("q", (2, 2)), ValueError, "1-dimensional"),
        ([1, 2, 3], TypeError, "buffer protocol"),
        (None, TypeError, "buffer protocol"),
    ],
)
def test_bad_int_buffers(bad, error, message, audited):
    with pytest.raises(error, match=message):
        native.roundtrip_ints_buffer(bad)


def test_bad_float_buffer(audited):
    with pytest.raises(ValueError, match=r"values must be a buffer of double"):
        native.roundtrip_floats_buffer(array.array("f", [1.0]))


# ---- size ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("impl", NATIVE)
def test_ten_million_elements(impl, audited):
    n = 10_000_000
    values = list(range(-n // 2, n // 2))
    out = impl.roundtrip_ints(values)
    assert len(out) == n and out[0] == values[0] and out[-1] == values[-1] and out == values
    del out
    floats = [float(v) for v in values]
    assert impl.roundtrip_floats(floats) == floats


@pytest.mark.slow
def test_ten_million_element_buffer(audited):
    source = array.array("q", range(10_000_000))
    view = native.roundtrip_ints_buffer(source)
    assert view.nbytes == 80_000_000 and view[9_999_999] == 9_999_999
    view.release()


@pytest.mark.parametrize("impl", ALL)
def test_iterator_that_raises_keeps_its_own_exception(impl, audited):
    def numbers():
        yield 1
        raise LookupError("the caller's own failure")

    with pytest.raises(LookupError, match="the caller's own failure"):
        impl.roundtrip_ints(numbers())
