"""The spell checker's argument rules: options, defaults, limits and messages, in one place.

All three implementations of the spell API check their arguments by calling these functions
(``python_baseline.spell``, the pybind11 facade ``bridgebench.spell`` and the ctypes wrapper
``bridgebench.spell.capi``), so the same bad input raises the same exception, with the same
message naming the same argument and the same first bad index, whichever one is called. The
native code behind the facade and the wrapper receives only what these functions returned.

Where it lives and why: see ``bridgebench_rules/__init__.py`` (a package beside both
``bridgebench`` and ``python_baseline``, importable without loading any native code).

Adding a metric is one line in ``METRICS`` (plus the native enum value it maps to); no other
module lists the metric names.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Metric:
    """A similarity measure the searches can rank by."""

    name: str
    code: int  # its value in the C ABI's bb_spell_metric (and in the pybind11 module)
    by_distance: bool  # ranked by an integer distance (smaller is better; max_distance applies),
    # otherwise by a similarity in [0, 1] (larger is better; min_similarity applies)


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        # The default: what a person means (docs/spell.md): transpositions count as one
        # edit, case is ignored and restored, near ties go to the likelier word.
        Metric("damerau", 3, by_distance=True),
        Metric("levenshtein", 0, by_distance=True),
        Metric("indel", 1, by_distance=False),
        Metric("jaro", 2, by_distance=False),
    )
}
METRIC_NAMES: tuple[str, ...] = tuple(METRICS)
DEFAULT_METRIC = "damerau"  # suggest, suggest_k, Speller.suggest*
SPELLCHECK_METRIC = "damerau"  # spellcheck's search and likelihood
PAIR_METRIC = "levenshtein"  # similarity(a, b), like distance(a, b)
DEFAULT_DICTIONARY_NAME = "american-english-huge.txt"
# Zipf frequency x 100 of the default dictionary's case-folded words (data/README.md).
FREQUENCY_LIST_NAME = "word-frequency.txt"

# Counts have no upper limit: beyond these values a larger one cannot change an answer, so it
# is treated as the ceiling (the index numbers words with 32-bit ints, the distance kernels
# count with 32-bit ints, and more threads than this only add start-up cost).
MAX_K = 2**32 - 1
MAX_DISTANCE = 2**31 - 1
MAX_THREADS = 1024
MAX_FREQUENCY = 2**32 - 1
# The native index names each distinct character of its words with 16 bits.
MAX_DISTINCT_CHARACTERS = 65_535
TOO_MANY_CHARACTERS = f"words: more than {MAX_DISTINCT_CHARACTERS:,} distinct characters"


@dataclass(frozen=True)
class SearchOptions:
    """The checked options of one search."""

    metric: Metric
    max_distance: int | None  # only with a distance metric; None: no limit
    min_similarity: float | None  # only with a similarity metric; None: no floor

    @property
    def native(self) -> tuple[int, int, float]:
        """(metric code, max_distance or -1, min_similarity or NaN): the native calls' form."""
        return (
            self.metric.code,
            -1 if self.max_distance is None else self.max_distance,
            math.nan if self.min_similarity is None else self.min_similarity,
        )


# ---- single values -------------------------------------------------------------------------


def text(value: Any, argument: str) -> str:
    """A str that is valid text (no lone surrogates: they cannot be a word in any dictionary and
    cannot cross the C ABI as UTF-8). A str subclass is read as the str it is; its methods are
    not asked."""
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be str, not {type(value).__name__}")
    if not str.isascii(value):
        try:
            str.encode(value, "utf-8")
        except UnicodeEncodeError as e:
            raise UnicodeEncodeError(
                "utf-8", value, e.start, e.end, f"{argument} cannot be encoded as UTF-8 (lone surrogate)"
            ) from None
    return value


def text_list(value: Any, argument: str) -> list[str]:
    """A private list copy of a sequence (or other iterable) of valid text; the first bad item is
    named by its index. The copy is what gets searched, so later changes to the caller's
    container (from another thread, say) cannot affect the call."""
    if isinstance(value, (str, bytes, bytearray)):
        # Iterable, but a list of its characters is never what the caller meant.
        raise TypeError(f"{argument} must be a list or other sequence, not {type(value).__name__}")
    try:
        iterator = iter(value)
    except TypeError:
        raise TypeError(f"{argument} must be a list or other sequence, not {type(value).__name__}") from None
    items = list(iterator)  # an iterable whose iteration fails keeps its own exception
    if not _all_text(items):
        for i, item in enumerate(items):
            text(item, f"{argument}[{i}]")
    return items


def _all_text(items: list) -> bool:
    """True when every item is valid text (the common case, checked in bulk)."""
    try:
        joined = "".join(items)
    except TypeError:
        return False
    if joined.isascii():
        return True
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _has_slot(cls: type, name: str) -> bool:
    """Whether instances of `cls` have the special method `name` (as CPython's type slots see it)."""
    return any(name in vars(k) for k in cls.__mro__)


def _integer(value: Any, argument: str) -> int:
    """An int, or anything with __index__ (numpy integers, say), as operator.index sees it; bool
    is refused (True as a count is a bug)."""
    cls = type(value)
    if cls is bool or not (issubclass(cls, int) or _has_slot(cls, "__index__")):
        raise TypeError(f"{argument} must be int, not {cls.__name__}")
    return operator.index(value)  # an exact int, whatever an int subclass overrides


def _shown(v: int | float) -> str:
    """A number for a message (Python refuses to print ints of more than 4300 digits)."""
    if isinstance(v, int) and v.bit_length() > 64:
        return f"{'-' if v < 0 else ''}an int of {v.bit_length()} bits"
    return repr(v)


def count(value: Any, argument: str, ceiling: int) -> int:
    """An int >= 0; anything above `ceiling` means the same as the ceiling."""
    v = _integer(value, argument)
    if v < 0:
        raise ValueError(f"{argument} must be >= 0, got {_shown(v)}")
    return min(v, ceiling)


def k(value: Any) -> int:
    return count(value, "k", MAX_K)


def max_distance(value: Any) -> int | None:
    return None if value is None else count(value, "max_distance", MAX_DISTANCE)


def threads(value: Any) -> int | None:
    """None (all cores) or an int >= 1."""
    if value is None:
        return None
    v = _integer(value, "threads")
    if v < 1:
        raise ValueError(f"threads must be >= 1 (or None for all cores), got {_shown(v)}")
    return min(v, MAX_THREADS)


def metric(value: Any) -> Metric:
    if not isinstance(value, str):
        raise TypeError(f"metric must be str, not {type(value).__name__}")
    found = METRICS.get(value)
    if found is None:
        raise ValueError(f"metric must be one of {', '.join(METRIC_NAMES)}, got {str.__repr__(value)}")
    return found


def min_similarity(value: Any) -> float | None:
    """None or a number between 0 and 1 (similarities are in [0, 1]; anything else is a bug):
    float, int, or anything with __float__ or __index__ (numpy scalars, Fraction); bool is
    refused. A float subclass is read as stored; an int is compared exactly, so a huge one is
    reported rather than overflowing."""
    if value is None:
        return None
    cls = type(value)
    if cls is bool or not (issubclass(cls, (int, float)) or _has_slot(cls, "__float__") or _has_slot(cls, "__index__")):
        raise TypeError(f"min_similarity must be float, not {cls.__name__}")
    if issubclass(cls, float):
        v: int | float = float.__float__(value)
    elif issubclass(cls, int) or not _has_slot(cls, "__float__"):
        v = operator.index(value)
    else:
        v = float(value)  # its own __float__ (its errors reach the caller unchanged)
    if not 0 <= v <= 1:  # NaN fails this too
        raise ValueError(f"min_similarity must be between 0 and 1, got {_shown(v)}")
    return float(v)


def search_options(max_distance_value: Any, metric_value: Any, min_similarity_value: Any) -> SearchOptions:
    """The options every search takes, checked in one order: metric, max_distance,
    min_similarity, then whether they fit together."""
    m = metric(metric_value)
    limit = max_distance(max_distance_value)
    floor = min_similarity(min_similarity_value)
    distance_names = " or ".join(repr(n) for n, x in METRICS.items() if x.by_distance)
    similarity_names = " or ".join(repr(n) for n, x in METRICS.items() if not x.by_distance)
    if m.by_distance and floor is not None:
        raise ValueError(f"min_similarity applies to metric={similarity_names}; use max_distance with {distance_names}")
    if not m.by_distance and limit is not None:
        raise ValueError(f"max_distance applies to metric={distance_names}; use min_similarity with {similarity_names}")
    return SearchOptions(m, limit, floor)


# ---- one function per public signature: the order in which arguments are checked ---------------


@dataclass(frozen=True)
class Query:
    word: str
    k: int
    options: SearchOptions


def suggest_arguments(word: Any, max_distance_value: Any, metric_value: Any, min_similarity_value: Any) -> Query:
    """suggest(word, dictionary, *, max_distance, metric, min_similarity), the dictionary aside
    (it is checked after these, when the index is built)."""
    return Query(text(word, "word"), 1, search_options(max_distance_value, metric_value, min_similarity_value))


def suggest_k_arguments(
    word: Any, k_value: Any, max_distance_value: Any, metric_value: Any, min_similarity_value: Any
) -> Query:
    checked = text(word, "word")
    return Query(checked, k(k_value), search_options(max_distance_value, metric_value, min_similarity_value))


@dataclass(frozen=True)
class Batch:
    words: list[str]
    threads: int | None
    options: SearchOptions


def suggest_many_arguments(
    words: Any, max_distance_value: Any, threads_value: Any, metric_value: Any, min_similarity_value: Any
) -> Batch:
    queries = text_list(words, "words")
    options = search_options(max_distance_value, metric_value, min_similarity_value)
    return Batch(queries, threads(threads_value), options)


def pair_arguments(a: Any, b: Any, metric_value: Any = PAIR_METRIC) -> tuple[str, str, Metric]:
    """distance(a, b) and similarity(a, b, metric)."""
    return text(a, "a"), text(b, "b"), metric(metric_value)


def dictionary(value: Any) -> list[str]:
    """A dictionary given as words (a Speller is recognised by each implementation first)."""
    return text_list(value, "dictionary")


def words(value: Iterable) -> list[str]:
    """Speller(words)."""
    return text_list(value, "words")


def check_alphabet(checked: list[str]) -> None:
    """Speller(words): at most MAX_DISTINCT_CHARACTERS distinct characters. The native
    implementations check this while indexing; the baseline calls this."""
    if sum(map(len, checked)) > MAX_DISTINCT_CHARACTERS and len(set().union(*checked)) > MAX_DISTINCT_CHARACTERS:
        raise ValueError(TOO_MANY_CHARACTERS)


def frequencies(value: Any, word_count: int) -> list[int] | None:
    """Speller(words, frequencies=...): None, or one int >= 0 per word (larger is likelier;
    only the damerau ranking uses them)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes, bytearray)):
        raise TypeError(f"frequencies must be a list or other sequence, not {type(value).__name__}")
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"frequencies must be a list or other sequence, not {type(value).__name__}") from None
    if len(items) != word_count:
        raise ValueError(f"frequencies must have one entry per word ({word_count} words, {len(items)} frequencies)")
    if all(type(v) is int for v in items) and (not items or min(items) >= 0):  # the common case, in bulk
        return items if not items or max(items) <= MAX_FREQUENCY else [min(v, MAX_FREQUENCY) for v in items]
    return [count(v, f"frequencies[{i}]", MAX_FREQUENCY) for i, v in enumerate(items)]


def read_frequencies(text_of_file: str) -> dict[str, int]:
    """The frequency list's ``word<TAB>value`` lines as a dict (keys are lower case)."""
    out = {}
    for line in text_of_file.splitlines():
        word, _, value = line.partition("\t")
        out[word] = int(value)
    return out


# ---- the Speller object's life ----------------------------------------------------------------

NOT_INITIALISED = "Speller is not initialised: create it with Speller(words)"
ALREADY_INITIALISED = "Speller is already initialised: create a new Speller instead"
CLOSED = "Speller is closed"
IN_USE = "Speller is in use by another thread: close it after that call returns"
