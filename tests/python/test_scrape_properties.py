"""Property tests for the scrape API: the three implementations (urllib baseline, pybind11
facade, C ABI through ctypes) return the same records, or raise the same exception type with
the same message (so the same argument and first bad index), on generated arguments including
hostile ones: huge ints, NaN, infinities, bools and floats where ints belong, __index__ and
__float__ objects, str subclasses whose methods lie, lone surrogates, control characters, bytes,
one-shot generators. Native calls leave the ledger balanced.

The URLs never need a network: invalid ones, other schemes, and a refused loopback port
(whose records all three give at once).
"""

from __future__ import annotations

import fractions
import gc
import math
from dataclasses import dataclass

from adversarial import Index, Real, SubFloat, SubInt
from hypothesis import event, given
from hypothesis import strategies as st
from scrape_impls import SCRAPE, SCRAPE_ITER, comparable

from bridgebench import ledger

# ---- hostile values -----------------------------------------------------------------------------


class Text(str):
    """A str subclass whose methods lie: the rules must read its characters, not ask it."""

    def encode(self, *args, **kwargs) -> bytes:
        return b"http://127.0.0.1:1/"

    def isascii(self) -> bool:
        return True

    def __str__(self) -> str:
        return "ftp://elsewhere/"

    def __repr__(self) -> str:
        return f"Text({str.__repr__(self)})"


@dataclass(frozen=True)
class Recipe:
    """Builds a fresh argument for each implementation (a generator is read once; a lying
    subclass is not something hypothesis should compare or shrink)."""

    kind: str  # "generator" | "text"
    value: object

    def build(self):
        if self.kind == "generator":
            return (fresh(x) for x in self.value)  # type: ignore[attr-defined]
        return Text(self.value)


def fresh(value):
    if isinstance(value, Recipe):
        return value.build()
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if isinstance(value, tuple):
        return tuple(fresh(v) for v in value)
    return value


HUGE_INTS = (2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**400, -(2**63), -(10**5000))
OFFLINE_URLS = (
    "",
    "nonsense",
    "ftp://127.0.0.1/file",
    "mailto:someone@example.com",
    "http:///path",
    "http:/127.0.0.1/",
    "http://exa mple.com/",
    "http://127.0.0.1/\n",
    "HTTP://127.0.0.1:99999/",
    "http://127.0.0.1:1/",  # refused at once on loopback
)


def mostly(good, *hostile):
    """`good` about three times in four, else one of the hostile strategies."""
    return st.one_of(good, good, good, st.one_of(*hostile))


urls_good = st.sampled_from(OFFLINE_URLS)
url_items = mostly(
    urls_good,
    urls_good.map(lambda u: Recipe("text", u)),
    st.sampled_from(["http://127.0.0.1/\ud800", "\udfff", "ftp://x/\udc80"]),
    st.sampled_from([None, 3, b"http://127.0.0.1/", 1.5, True, ["nonsense"]]),
)
good_lists = st.lists(urls_good, max_size=6)
url_arguments = mostly(
    good_lists,
    good_lists.map(tuple),
    st.lists(url_items, max_size=6),
    st.lists(url_items, max_size=6).map(lambda items: Recipe("generator", tuple(items))),
    st.sampled_from(["http://127.0.0.1:1/", b"nonsense", bytearray(b"x"), 5, None, 2.5]),
)
int_hostile = (
    st.sampled_from(HUGE_INTS),
    st.integers(-3, 3).map(Index),
    st.integers(-3, 3).map(SubInt),
    st.sampled_from([True, False, 1.0, 2.5, math.nan, math.inf, "3", None, b"1"]),
)
concurrencies = mostly(st.integers(1, 8), st.integers(-2, 0), *int_hostile)
body_caps = mostly(st.integers(0, 10**7), st.integers(-2, -1), *int_hostile)
redirect_limits = mostly(st.integers(0, 10), st.integers(-2, -1), st.integers(1001, 1002), *int_hostile)
seconds = mostly(
    st.floats(0.5, 5.0),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(HUGE_INTS),
    st.sampled_from(
        [0, -1, True, "1", None, Real(1.0), Real(math.nan), Index(2), fractions.Fraction(1, 2), SubFloat(2.0)]
    ),
)
flags = mostly(st.booleans(), st.sampled_from([0, 1, None, "yes", 1.0]))
valid_user_agents = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
    st.text(alphabet="abc\t", max_size=5).map(lambda t: Recipe("text", t)),
)
user_agents = mostly(
    valid_user_agents,
    st.text(max_size=8),  # control characters, non-ASCII
    st.sampled_from(["\ud800", "ok\udfff", "a\r\nInjected: 1", "nul\x00"]),
    st.sampled_from([b"agent", 7, 1.5]),
)


@st.composite
def options(draw) -> dict:
    return {
        "concurrency": draw(concurrencies),
        "timeout": draw(seconds),
        "connect_timeout": draw(seconds),
        "max_body_bytes": draw(body_caps),
        "follow_redirects": draw(flags),
        "max_redirects": draw(redirect_limits),
        "user_agent": draw(user_agents),
        "verify": draw(flags),
    }


# ---- running every implementation ---------------------------------------------------------------


def outcome(call):
    try:
        return ("ok", call())
    except Exception as e:  # noqa: BLE001 - the exception is the outcome being compared
        return ("error", type(e), str(e))


def unbalanced_since(before: dict) -> dict:
    return {n: s for n, s in ledger.delta(before, ledger.snapshot()).items() if not s.balanced}


def assert_agree(calls: dict) -> None:
    """Each of `calls` (name -> call()) gives the baseline's outcome; every native allocation
    made meanwhile was freed."""
    before = ledger.snapshot()
    outcomes = {name: outcome(call) for name, call in calls.items()}
    if unbalanced_since(before):
        gc.collect()  # a closed iterator in a reference cycle is freed by the collector
        assert not unbalanced_since(before), unbalanced_since(before)
    expected = outcomes["baseline"]
    event("records" if expected[0] == "ok" else expected[1].__name__)
    for name, got in outcomes.items():
        assert got == expected, f"{name}: {got!r} != baseline: {expected!r}"


def fixed(kwargs: dict) -> dict:
    return {k: fresh(v) for k, v in kwargs.items()}


@given(url_arguments, options())
def test_scrape_agrees(urls, kwargs):
    assert_agree(
        {name: (lambda f=f: [comparable(s) for s in f(fresh(urls), **fixed(kwargs))]) for name, f in SCRAPE.items()}
    )


@given(url_arguments, options())
def test_scrape_iter_agrees(urls, kwargs):
    # Completion order differs between implementations: the records are compared as a set.
    assert_agree(
        {
            name: (lambda f=f: sorted(map(comparable, f(fresh(urls), **fixed(kwargs))), key=repr))
            for name, f in SCRAPE_ITER.items()
        }
    )


@st.composite
def valid_options(draw) -> dict:
    return {
        "concurrency": draw(st.one_of(st.integers(1, 8), st.integers(1, 8).map(Index))),
        "timeout": draw(st.one_of(st.floats(0.5, 5.0), st.integers(1, 5), st.just(Real(2.0)))),
        "max_body_bytes": draw(st.integers(0, 10**7)),
        "follow_redirects": draw(st.booleans()),
        "max_redirects": draw(st.integers(0, 10)),
        "user_agent": draw(valid_user_agents),
    }


@given(st.lists(url_items, max_size=6), valid_options())
def test_records_agree_with_valid_options(urls, kwargs):
    assert_agree(
        {name: (lambda f=f: [comparable(s) for s in f(fresh(urls), **fixed(kwargs))]) for name, f in SCRAPE.items()}
    )
