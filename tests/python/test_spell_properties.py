"""Property tests: for every public spell function, the three implementations (pure-Python
baseline, pybind11 facade, C ABI through ctypes) give the same answer, or raise the same
exception type with the same message (so the same argument and first bad index), on generated
inputs including hostile ones: lone surrogates, huge ints, NaN, floats and bools where ints
belong, str subclasses, __index__/__float__ objects, one-shot iterators. The native calls leave
the ledger balanced.

Dictionaries stay small so the baseline's plain dynamic programming keeps up; the bundled
dictionary is covered by test_spell_api.py.
"""

from __future__ import annotations

import gc
import math
from dataclasses import dataclass

from adversarial import Index, Real
from hypothesis import event, given
from hypothesis import strategies as st

import python_baseline.spell as baseline
from bridgebench import ledger, spell
from bridgebench.spell import capi
from bridgebench_rules import spell as rules

IMPLEMENTATIONS = {"baseline": baseline, "pybind11": spell, "capi": capi}


# ---- hostile values ---------------------------------------------------------------------------


class Word(str):
    """A str subclass whose methods lie: the checks must read the characters, not ask it."""

    def isascii(self) -> bool:
        return True

    def encode(self, *args, **kwargs) -> bytes:
        return b"lie"

    def __repr__(self) -> str:
        return f"Word({str.__repr__(self)})"


@dataclass(frozen=True)
class OneShot:
    """A recipe for a generator over `items`: each implementation gets a fresh one."""

    items: tuple

    def build(self):
        return (x for x in self.items)


@dataclass(frozen=True)
class AsWord:
    """A recipe for a Word (hypothesis itself must not handle the lying subclass)."""

    text: str

    def build(self):
        return Word(self.text)


def fresh(value):
    """The value an implementation receives (recipes become new objects on every call)."""
    if isinstance(value, (OneShot, AsWord)):
        return value.build()
    if isinstance(value, list):
        return [fresh(v) for v in value]
    return value


LETTERS = "abcé"  # few letters: words collide, so ties and duplicates are common
SURROGATES = ("\ud800", "a\udfff", "\udc00b")
HUGE_INTS = (2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64, 10**400, -(2**63), -(10**400))


def mostly(good, *hostile):
    """`good` about three times in four, else one of the hostile strategies."""
    return st.one_of(good, good, good, st.one_of(*hostile))


words = st.text(alphabet=LETTERS, max_size=8)
wordlike = mostly(
    words,
    words.map(AsWord),
    st.sampled_from(SURROGATES),
    st.text(max_size=6),  # any code point hypothesis likes (no surrogates)
    st.sampled_from([None, 3, b"ab", 1.5, True]),
)
good_lists = st.lists(words, max_size=12)
containers = mostly(
    good_lists,
    good_lists.map(tuple),
    good_lists.map(lambda w: OneShot(tuple(w))),
    st.lists(words.map(AsWord), max_size=6),
    st.lists(wordlike, max_size=8),
    st.sampled_from(["abc", b"abc", 5, 2.5]),  # None (the bundled dictionary) is too slow for the baseline
)
counts = mostly(
    st.integers(0, 20),
    st.integers(-3, -1),
    st.sampled_from(HUGE_INTS),
    st.integers(-3, 20).map(Index),
    st.sampled_from([True, False, 1.0, 2.5, math.nan, "3", None]),
)
optional_counts = st.one_of(st.none(), counts)
metrics = mostly(
    st.sampled_from(rules.METRIC_NAMES),
    st.sampled_from(["Levenshtein", "", "hamming", "\ud800", "jaro\x00"]),
    st.text(max_size=5),
    st.sampled_from([None, 0, b"jaro"]),
)
similarities = mostly(
    st.one_of(st.none(), st.floats(0, 1)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 2, -1, 10**400, True, "0.5", Real(0.25), Real(math.nan), Index(1)]),
)


# ---- running every implementation ---------------------------------------------------------------


def outcome(call, impl):
    try:
        return ("ok", call(impl))
    except Exception as e:  # noqa: BLE001 - the exception is the outcome being compared
        return ("error", type(e), str(e))


def unbalanced_since(before: dict) -> dict:
    return {n: s for n, s in ledger.delta(before, ledger.snapshot()).items() if not s.balanced}


def assert_agree(call) -> None:
    """call(implementation) runs once per implementation; all outcomes equal the baseline's, and
    every native allocation made meanwhile was freed."""
    before = ledger.snapshot()
    outcomes = {name: outcome(call, impl) for name, impl in IMPLEMENTATIONS.items()}
    # Reference counting frees the indexes as soon as they are dropped; a collection (slow, so
    # only when needed) settles anything a reference cycle still held.
    if unbalanced_since(before):
        gc.collect()
        assert not unbalanced_since(before), unbalanced_since(before)
    expected = outcomes["baseline"]
    event("answer" if expected[0] == "ok" else f"{expected[1].__name__}")  # --hypothesis-show-statistics
    for name, got in outcomes.items():
        assert got == expected, f"{name}: {got!r} != baseline: {expected!r}"


def options(max_distance, metric, min_similarity) -> dict:
    return {"max_distance": max_distance, "metric": metric, "min_similarity": min_similarity}


# ---- the module functions -----------------------------------------------------------------------


@given(wordlike, containers, optional_counts, metrics, similarities)
def test_suggest(word, dictionary, max_distance, metric, min_similarity):
    kwargs = options(max_distance, metric, min_similarity)
    assert_agree(lambda m: m.suggest(fresh(word), fresh(dictionary), **kwargs))


@given(wordlike, counts, containers, optional_counts, metrics, similarities)
def test_suggest_k(word, k, dictionary, max_distance, metric, min_similarity):
    kwargs = options(max_distance, metric, min_similarity)
    assert_agree(lambda m: m.suggest_k(fresh(word), k, fresh(dictionary), **kwargs))


@given(wordlike, wordlike)
def test_distance(a, b):
    assert_agree(lambda m: m.distance(fresh(a), fresh(b)))


@given(wordlike, wordlike, metrics)
def test_similarity(a, b, metric):
    assert_agree(lambda m: m.similarity(fresh(a), fresh(b), metric))


@given(wordlike, containers, metrics)
def test_spellcheck(word, dictionary, metric):
    assert_agree(lambda m: m.spellcheck(fresh(word), fresh(dictionary), metric))


# ---- the index ------------------------------------------------------------------------------------


def with_speller(m, dictionary, use):
    """Builds m.Speller(dictionary), runs use(speller) and drops the index before returning."""
    speller = m.Speller(fresh(dictionary))
    try:
        return use(speller)
    finally:
        if m is capi:
            speller.close()


@given(containers)
def test_speller(dictionary):
    # The C ABI cannot list its words; every word ranked against a query shows them all, in order.
    assert_agree(lambda m: with_speller(m, dictionary, lambda s: (len(s), s.suggest_k("ab", 100))))


@given(good_lists, wordlike, optional_counts, metrics, similarities)
def test_speller_suggest(dictionary, word, max_distance, metric, min_similarity):
    kwargs = options(max_distance, metric, min_similarity)
    assert_agree(lambda m: with_speller(m, dictionary, lambda s: s.suggest(fresh(word), **kwargs)))


@given(good_lists, wordlike, counts, optional_counts, metrics, similarities)
def test_speller_suggest_k(dictionary, word, k, max_distance, metric, min_similarity):
    kwargs = options(max_distance, metric, min_similarity)
    assert_agree(lambda m: with_speller(m, dictionary, lambda s: s.suggest_k(fresh(word), k, **kwargs)))


@given(good_lists, containers, optional_counts, optional_counts, metrics, similarities)
def test_speller_suggest_many(dictionary, queries, max_distance, threads, metric, min_similarity):
    kwargs = options(max_distance, metric, min_similarity)
    assert_agree(
        lambda m: with_speller(m, dictionary, lambda s: s.suggest_many(fresh(queries), threads=threads, **kwargs))
    )


# ---- valid inputs only: the answers themselves ------------------------------------------------------


@st.composite
def valid_options(draw) -> dict:
    """A metric with a limit that fits it (or none)."""
    metric = draw(st.sampled_from(rules.METRIC_NAMES))
    if rules.METRICS[metric].by_distance:
        return {"metric": metric, "max_distance": draw(st.one_of(st.none(), st.integers(0, 4)))}
    return {"metric": metric, "min_similarity": draw(st.one_of(st.none(), st.floats(0, 1)))}


@given(good_lists, st.lists(words, max_size=6), st.integers(0, 15), valid_options())
def test_valid_searches_agree(dictionary, queries, k, kwargs):
    def run(m):
        return with_speller(
            m,
            dictionary,
            lambda s: ([s.suggest_k(q, k, **kwargs) for q in queries], s.suggest_many(queries, threads=2, **kwargs)),
        )

    assert_agree(run)
