"""Spell checking: the closest dictionary word ("did you mean ...?"), natively.

- ``suggest(word, dictionary=None, *, max_distance=None, metric="damerau", min_similarity=None)``
  -> the best word or ``None``;
- ``suggest_k(word, k, dictionary=None, ...)`` -> ``[(word, distance)]`` (damerau, levenshtein)
  or ``[(word, similarity)]`` (indel, jaro), best first;
- ``distance(a, b)`` (Levenshtein over code points), ``similarity(a, b, metric)``;
- ``spellcheck(word, dictionary=None, metric="damerau")`` -> ``(suggested_word, likelihood)``;
- ``Speller(words, *, frequencies=None)``: the index, built once, with ``suggest``,
  ``suggest_k`` and ``suggest_many(words, *, max_distance=None, threads=None)`` (GIL released,
  all cores).

The default ranking (``damerau``) is what a person means: a swap of neighbours is one edit,
case is ignored (and the query's capitals kept), and near ties go to the likelier word by
typing cost and word frequency (docs/spell.md). ``levenshtein``, ``indel`` and ``jaro`` are
plain and case-sensitive, ties in dictionary order. ``dictionary`` is a sequence of str, a
``Speller``, or ``None`` for the bundled default (Debian's wamerican-huge, ~348k words, with
word frequencies; loaded and indexed once, on first use). Duplicates count once, at their
first position.
The same search through the C ABI is ``bridgebench.spell.capi``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bridgebench import _spell
from bridgebench_rules import spell as rules

METRICS = rules.METRIC_NAMES
DEFAULT_DICTIONARY = Path(__file__).resolve().parent.parent / "data" / rules.DEFAULT_DICTIONARY_NAME
FREQUENCY_LIST = DEFAULT_DICTIONARY.with_name(rules.FREQUENCY_LIST_NAME)


class Speller(_spell.Speller):
    """A dictionary indexed once for fast nearest-word searches (native, GIL released).

    Arguments are checked by ``bridgebench_rules.spell`` (the same checks and messages as
    the baseline and the C ABI wrapper); the native index receives only checked values and a
    private copy of every list."""

    def __init__(self, words: Iterable[str], *, frequencies: Sequence[int] | None = None):
        checked = rules.words(words)
        counts = rules.frequencies(frequencies, len(checked))
        if self._initialised:  # pybind11 would silently ignore a second __init__
            raise TypeError(rules.ALREADY_INITIALISED)
        super().__init__(checked, frequencies=counts)

    def suggest(
        self,
        word: str,
        *,
        max_distance: int | None = None,
        metric: str = rules.DEFAULT_METRIC,
        min_similarity: float | None = None,
    ) -> str | None:
        query = rules.suggest_arguments(word, max_distance, metric, min_similarity)
        return self._suggest(query.word, *query.options.native)

    def suggest_k(
        self,
        word: str,
        k: int,
        *,
        max_distance: int | None = None,
        metric: str = rules.DEFAULT_METRIC,
        min_similarity: float | None = None,
    ) -> list[tuple[str, int | float]]:
        query = rules.suggest_k_arguments(word, k, max_distance, metric, min_similarity)
        return self._suggest_k(query.word, query.k, *query.options.native)

    def suggest_many(
        self,
        words: Sequence[str],
        *,
        max_distance: int | None = None,
        threads: int | None = None,
        metric: str = rules.DEFAULT_METRIC,
        min_similarity: float | None = None,
    ) -> list[str | None]:
        """One best word per query, on ``threads`` threads (None: all cores), GIL released;
        Ctrl-C stops it within a few tens of milliseconds."""
        batch = rules.suggest_many_arguments(words, max_distance, threads, metric, min_similarity)
        return self._suggest_many(batch.words, batch.threads or 0, *batch.options.native)


def distance(a: str, b: str) -> int:
    x, y, _ = rules.pair_arguments(a, b)
    return _spell.distance(x, y)


def similarity(a: str, b: str, metric: str = rules.PAIR_METRIC) -> float:
    x, y, m = rules.pair_arguments(a, b, metric)
    return _spell.similarity(x, y, m.code)


_default_lock = threading.Lock()
_default_words: list[str] | None = None
_default_frequencies: list[int] | None = None
_default_speller: Speller | None = None


def default_words() -> list[str]:
    """The bundled dictionary's words, in file order (read once)."""
    global _default_words
    with _default_lock:
        if _default_words is None:
            _default_words = DEFAULT_DICTIONARY.read_text(encoding="utf-8").splitlines()
        return _default_words


def default_frequencies() -> list[int]:
    """The bundled frequency list's value for each default word (0 when unknown), read once."""
    global _default_frequencies
    words = default_words()
    with _default_lock:
        if _default_frequencies is None:
            table = rules.read_frequencies(FREQUENCY_LIST.read_text(encoding="utf-8"))
            _default_frequencies = [table.get(w.lower(), 0) for w in words]
        return _default_frequencies


def default_speller() -> Speller:
    """The bundled dictionary's index, built on first use and kept for the process's life."""
    global _default_speller
    words, frequencies = default_words(), default_frequencies()
    with _default_lock:
        if _default_speller is None:
            _default_speller = Speller(words, frequencies=frequencies)
        return _default_speller


def _speller(dictionary: Any) -> Speller:
    if dictionary is None:
        return default_speller()
    if isinstance(dictionary, Speller):
        return dictionary
    return Speller(rules.dictionary(dictionary))


def suggest(
    word: str,
    dictionary: Sequence[str] | Speller | None = None,
    *,
    max_distance: int | None = None,
    metric: str = rules.DEFAULT_METRIC,
    min_similarity: float | None = None,
) -> str | None:
    rules.suggest_arguments(word, max_distance, metric, min_similarity)
    return _speller(dictionary).suggest(word, max_distance=max_distance, metric=metric, min_similarity=min_similarity)


def suggest_k(
    word: str,
    k: int,
    dictionary: Sequence[str] | Speller | None = None,
    *,
    max_distance: int | None = None,
    metric: str = rules.DEFAULT_METRIC,
    min_similarity: float | None = None,
) -> list[tuple[str, int | float]]:
    rules.suggest_k_arguments(word, k, max_distance, metric, min_similarity)
    return _speller(dictionary).suggest_k(
        word, k, max_distance=max_distance, metric=metric, min_similarity=min_similarity
    )


def spellcheck(
    word: str, dictionary: Sequence[str] | Speller | None = None, metric: str = rules.SPELLCHECK_METRIC
) -> tuple[str | None, float]:
    """The one-call form: ``(suggested_word, likelihood)``, the likelihood being the similarity
    under ``metric``; ``(None, 0.0)`` for an empty dictionary."""
    query = rules.suggest_arguments(word, None, metric, None)
    best = _speller(dictionary).suggest(word, metric=metric)
    return (None, 0.0) if best is None else (best, _spell.similarity(query.word, best, query.options.metric.code))


__all__ = [
    "METRICS",
    "Speller",
    "suggest",
    "suggest_k",
    "distance",
    "similarity",
    "spellcheck",
    "default_words",
    "default_frequencies",
    "default_speller",
    "DEFAULT_DICTIONARY",
]
