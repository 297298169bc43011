"""Property tests: on generated inputs, hostile ones included, the three implementations of every
arrays function agree (the same values, or the same exception type and message, which names the
argument and the first bad index) and the ledger is balanced afterwards.

Examples per test come from the hypothesis profile (hypothesis_profiles.py): a fixed set in CI,
2,500 per test with BRIDGEBENCH_HYPOTHESIS_PROFILE=long.
"""

from __future__ import annotations

import array
import math

import pytest
from adversarial import CONTAINERS, MUTATIONS, NUMPY, Input, Item
from hypothesis import given
from hypothesis import strategies as st

import python_baseline.arrays as baseline
from bridgebench import arrays as native
from bridgebench import ledger
from bridgebench.arrays import capi

IMPLEMENTATIONS = {"pybind11": native, "capi": capi, "baseline": baseline}
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# ---- strategies ----------------------------------------------------------------------------

FLOAT32_EDGES = [
    3.4028234663852886e38,  # FLT_MAX
    3.4028235677973366e38,  # the last double that still rounds to FLT_MAX
    2.0**128 - 2.0**103,  # the first that rounds to infinity
    1e39,
    -1e39,
    1.7976931348623157e308,
    5e-324,
    -0.0,
]
INT_EDGES = [INT64_MAX, INT64_MIN, 2**63, -(2**63) - 1, 2**64, 10**30, 2**1024, -(10**400)]

ints = st.one_of(st.integers(INT64_MIN, INT64_MAX), st.integers(-100, 100), st.sampled_from(INT_EDGES))
floats = st.one_of(st.floats(), st.sampled_from(FLOAT32_EDGES))
mutations = st.sampled_from(MUTATIONS)

ODD_ITEMS = [
    Item("plain", True),
    Item("plain", False),
    Item("none"),
    Item("plain", "1"),
    Item("plain", b"1"),
    Item("plain", 1 + 2j),
    Item("raising_float"),
    Item("raising_index"),
    Item("non_float_float"),
]


def _numpy_items():
    if NUMPY is None:
        return st.nothing()
    return st.one_of(
        st.builds(Item, st.just("numpy_int64"), st.integers(INT64_MIN, INT64_MAX)),
        st.builds(Item, st.just("numpy_uint64"), st.integers(0, 2**64 - 1)),
        st.builds(Item, st.just("numpy_int8"), st.integers(-128, 127)),
        st.builds(Item, st.just("numpy_float32"), st.floats(width=32)),
        st.builds(Item, st.just("numpy_float64"), st.floats()),
        st.builds(Item, st.just("numpy_bool"), st.booleans()),
    )


number_items = st.one_of(
    st.builds(Item, st.just("plain"), ints),
    st.builds(Item, st.just("plain"), floats),
    st.builds(Item, st.just("sub_int"), ints),
    st.builds(Item, st.just("sub_float"), floats),
    st.builds(Item, st.just("index"), ints),
    st.builds(Item, st.just("real"), floats),
    st.builds(Item, st.just("mutating_int"), ints, mutations, floats),
    st.builds(Item, st.just("mutating_index"), ints, mutations),
    st.sampled_from(ODD_ITEMS),
    _numpy_items(),
)
# Mostly plain lists (the C ABI wrapper's fast path), now and then a hostile item among them.
plain_numbers = st.one_of(st.builds(Item, st.just("plain"), ints), st.builds(Item, st.just("plain"), floats))


def inputs(items: st.SearchStrategy[Item]) -> st.SearchStrategy[Input]:
    return st.builds(
        Input,
        st.sampled_from(CONTAINERS),
        st.lists(items, max_size=12).map(tuple),
    )


number_inputs = st.one_of(inputs(number_items), inputs(plain_numbers))

texts_without_nul = st.text(st.characters(exclude_categories=(), exclude_characters="\0"), max_size=12)
texts = st.text(st.characters(exclude_categories=()), max_size=12)


def string_inputs(text: st.SearchStrategy[str]) -> st.SearchStrategy[Input]:
    items = st.one_of(
        st.builds(Item, st.just("plain"), text),
        st.builds(Item, st.just("sub_str"), text),
        st.builds(Item, st.just("mutating_index"), st.integers(0, 5), mutations),
        st.sampled_from([Item("none"), Item("plain", b"bytes"), Item("plain", 3), Item("plain", True)]),
    )
    return st.one_of(inputs(items), inputs(st.builds(Item, st.just("plain"), text)))


# ---- outcomes ------------------------------------------------------------------------------


def canonical(value: object) -> object:
    """Equal for equal answers: NaN equals NaN, and -0.0 differs from 0.0."""
    if type(value) is float:
        return ("nan",) if math.isnan(value) else (value, math.copysign(1.0, value))
    return (type(value).__name__, value)


def outcome(function, values: object) -> tuple:
    try:
        result = function(values)
    except Exception as e:  # the exception is the outcome under comparison
        return ("raised", type(e).__name__, str(e))
    return ("returned", tuple(canonical(v) for v in result))


def outcomes(name: str, made: Input, implementations=IMPLEMENTATIONS) -> dict[str, tuple]:
    with ledger.balanced(collect=False):
        return {impl: outcome(getattr(module, name), made.build()) for impl, module in implementations.items()}


def assert_agree(results: dict[str, tuple]) -> None:
    first = next(iter(results.values()))
    assert all(r == first for r in results.values()), results


# ---- the properties ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["roundtrip_ints", "roundtrip_floats", "roundtrip_float32"])
@given(made=number_inputs)
def test_numeric_round_trips_agree(name, made):
    assert_agree(outcomes(name, made))


@given(made=string_inputs(texts_without_nul))
def test_string_round_trips_agree(made):
    assert_agree(outcomes("roundtrip_strings", made))


@given(made=string_inputs(texts))
def test_native_string_round_trips_agree_with_embedded_nul(made):
    # The baseline's char* arrays refuse NUL on purpose (docs/arrays.md); the two native paths
    # carry it.
    assert_agree(outcomes("roundtrip_strings", made, {"pybind11": native, "capi": capi}))


@pytest.mark.parametrize("name", ["roundtrip_ints", "roundtrip_floats", "roundtrip_float32", "roundtrip_strings"])
@given(made=inputs(st.builds(Item, st.just("plain"), st.one_of(ints, floats, texts_without_nul))))
def test_answers_are_the_inputs_or_a_named_error(name, made):
    """Beyond agreeing: a success returns what went in (rounded for float32), an error names
    `values` (with an index for a bad item)."""
    results = outcomes(name, made)
    assert_agree(results)
    kind, *rest = results["baseline"]
    items = [item.value for item in made.items]
    if kind == "raised":
        assert "values" in rest[1]
    elif name == "roundtrip_float32":
        assert len(rest[0]) == len(items)
    else:
        assert rest[0] == tuple(canonical(float(v) if name == "roundtrip_floats" else v) for v in items)


# ---- zero-copy buffers (pybind11 only): the answer is the input, or ValueError ---------------

TYPECODES = "bBhHiIlLqQfd"


@st.composite
def buffers(draw):
    typecode = draw(st.sampled_from(TYPECODES))
    if typecode in "fd":
        data = draw(st.lists(st.floats(width=32 if typecode == "f" else 64), max_size=20))
    else:
        size = array.array(typecode).itemsize * 8
        low, high = (0, 2**size - 1) if typecode.isupper() else (-(2 ** (size - 1)), 2 ** (size - 1) - 1)
        data = draw(st.lists(st.integers(low, high), max_size=20))
    step = draw(st.sampled_from([1, 1, 1, 2, -1]))
    return typecode, data, step


@pytest.mark.parametrize(
    "name, accepted",
    [("roundtrip_ints_buffer", {"q", "l"}), ("roundtrip_floats_buffer", {"d"})],
)
@given(spec=buffers())
def test_buffer_round_trips(name, accepted, spec):
    typecode, data, step = spec
    source = memoryview(array.array(typecode, data))[::step]
    fits = typecode in accepted and source.itemsize == 8 and (step == 1 or len(source) <= 1)
    with ledger.balanced(collect=False):
        try:
            view = getattr(native, name)(source)
        except ValueError as e:
            assert not fits, e
            assert str(e).startswith("values")
        else:
            assert fits
            assert [canonical(v) for v in view.tolist()] == [canonical(v) for v in source.tolist()]
            view.release()
            del view
        source.release()
