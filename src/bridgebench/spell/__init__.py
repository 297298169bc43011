"""Spell checking: the closest dictionary word ("did you mean ...?"), natively.

- ``suggest(word, dictionary=None, *, max_distance=None, metric="levenshtein", min_similarity=None)``
  -> the best word or ``None``;
- ``suggest_k(word, k, dictionary=None, ...)`` -> ``[(word, distance)]`` (levenshtein) or
  ``[(word, similarity)]`` (indel, jaro), best first;
- ``distance(a, b)`` (Levenshtein over code points), ``similarity(a, b, metric)``;
- ``spellcheck(word, dictionary=None, metric="indel")`` -> ``(suggested_word, likelihood)``;
- ``Speller(words)``: the index, built once, with ``suggest``, ``suggest_k`` and
  ``suggest_many(words, *, max_distance=None, threads=None)`` (GIL released, all cores).

``dictionary`` is a sequence of str, a ``Speller``, or ``None`` for the bundled default
(Debian's wamerican-huge, ~348k words; loaded and indexed once, on first use). Ties go to the
word that comes first in the dictionary; duplicates count once, at their first position.
The same search through the C ABI is ``bridgebench.spell.capi``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from bridgebench._spell import Speller, distance, similarity

METRICS = ("levenshtein", "indel", "jaro")
DEFAULT_DICTIONARY = Path(__file__).resolve().parent.parent / "data" / "american-english-huge.txt"

_default_lock = threading.Lock()
_default_words: list[str] | None = None
_default_speller: Speller | None = None


def default_words() -> list[str]:
    """The bundled dictionary's words, in file order (read once)."""
    global _default_words
    with _default_lock:
        if _default_words is None:
            _default_words = DEFAULT_DICTIONARY.read_text(encoding="utf-8").splitlines()
        return _default_words


def default_speller() -> Speller:
    """The bundled dictionary's index, built on first use and kept for the process's life."""
    global _default_speller
    words = default_words()
    with _default_lock:
        if _default_speller is None:
            _default_speller = Speller(words)
        return _default_speller


def _speller(dictionary) -> Speller:
    if dictionary is None:
        return default_speller()
    if isinstance(dictionary, Speller):
        return dictionary
    if isinstance(dictionary, (str, bytes)):
        raise TypeError(f"dictionary must be a list or other sequence, not {type(dictionary).__name__}")
    try:
        return Speller(dictionary)
    except TypeError as e:
        # The index names its argument "words"; here the caller passed it as "dictionary".
        raise TypeError(str(e).replace("words", "dictionary", 1)) from None


def _check_word(word) -> None:
    if not isinstance(word, str):
        raise TypeError(f"word must be str, not {type(word).__name__}")


def suggest(
    word: str,
    dictionary: Sequence[str] | Speller | None = None,
    *,
    max_distance: int | None = None,
    metric: str = "levenshtein",
    min_similarity: float | None = None,
) -> str | None:
    _check_word(word)
    return _speller(dictionary).suggest(word, max_distance=max_distance, metric=metric, min_similarity=min_similarity)


def suggest_k(
    word: str,
    k: int,
    dictionary: Sequence[str] | Speller | None = None,
    *,
    max_distance: int | None = None,
    metric: str = "levenshtein",
    min_similarity: float | None = None,
) -> list[tuple[str, int | float]]:
    _check_word(word)
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"k must be int, not {type(k).__name__}")
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    return _speller(dictionary).suggest_k(
        word, k, max_distance=max_distance, metric=metric, min_similarity=min_similarity
    )


def spellcheck(
    word: str, dictionary: Sequence[str] | Speller | None = None, metric: str = "indel"
) -> tuple[str | None, float]:
    """The one-call form: ``(suggested_word, likelihood)``, the likelihood being the similarity
    under ``metric``; ``(None, 0.0)`` for an empty dictionary."""
    _check_word(word)
    best = _speller(dictionary).suggest(word, metric=metric)
    return (None, 0.0) if best is None else (best, similarity(word, best, metric))


__all__ = [
    "METRICS",
    "Speller",
    "suggest",
    "suggest_k",
    "distance",
    "similarity",
    "spellcheck",
    "default_words",
    "default_speller",
    "DEFAULT_DICTIONARY",
]
