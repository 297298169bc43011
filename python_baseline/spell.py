"""Spell checking in pure Python: plain dynamic programming, no third-party packages.

Same API and same answers as ``bridgebench.spell`` (see docs/spell.md for the semantics):
``suggest``, ``suggest_k``, ``distance``, ``similarity``, ``spellcheck`` and ``Speller``.
Distances are over code points (a Python str's characters), case-sensitive, unnormalised.
Ties go to the word that comes first in the dictionary; duplicates count once, at their
first position. This is the reference the native engine is tested against, so it favours
being obviously right over being fast (its only shortcut is skipping words whose length
alone rules them out).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

METRICS = ("levenshtein", "indel", "jaro")
DEFAULT_DICTIONARY_NAME = "american-english-huge.txt"


# ---- argument checks (the messages name the argument, as the native module's do) ----------


def _check_str(value, argument: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be str, not {type(value).__name__}")
    return value


def _check_count(value, argument: str, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{argument} must be int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{argument} must be >= 0, got {value}")
    return value


def _check_metric(metric) -> str:
    if not isinstance(metric, str):
        raise TypeError(f"metric must be str, not {type(metric).__name__}")
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    return metric


def _check_limits(metric: str, max_distance, min_similarity):
    max_distance = _check_count(max_distance, "max_distance", allow_none=True)
    if min_similarity is not None:
        if isinstance(min_similarity, bool) or not isinstance(min_similarity, (int, float)):
            raise TypeError(f"min_similarity must be float, not {type(min_similarity).__name__}")
        min_similarity = float(min_similarity)
        if min_similarity != min_similarity:
            raise ValueError("min_similarity must not be NaN")
    if metric == "levenshtein" and min_similarity is not None:
        raise ValueError("min_similarity applies to metric='indel' or 'jaro'; use max_distance with 'levenshtein'")
    if metric != "levenshtein" and max_distance is not None:
        raise ValueError("max_distance applies to metric='levenshtein'; use min_similarity with 'indel' or 'jaro'")
    return max_distance, min_similarity


def _unique_words(words, argument: str = "dictionary") -> list[str]:
    if isinstance(words, (str, bytes)):
        raise TypeError(f"{argument} must be a list or other sequence, not {type(words).__name__}")
    try:
        items = list(words)
    except TypeError:
        raise TypeError(f"{argument} must be a list or other sequence, not {type(words).__name__}") from None
    for i, w in enumerate(items):
        if not isinstance(w, str):
            raise TypeError(f"{argument}[{i}] must be str, not {type(w).__name__}")
    return list(dict.fromkeys(items))


# ---- the measures ----------------------------------------------------------------------------


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _lcs(a: str, b: str) -> int:
    previous = [0] * (len(b) + 1)
    for ca in a:
        current = [0]
        for j, cb in enumerate(b, 1):
            current.append(previous[j - 1] + 1 if ca == cb else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def _indel(a: str, b: str) -> int:
    return len(a) + len(b) - 2 * _lcs(a, b)


def _jaro(a: str, b: str) -> float:
    la, lb = len(a), len(b)
    if la == 0 and lb == 0:
        return 1.0
    if la == 0 or lb == 0:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    b_used = [False] * lb
    a_matched = []
    for i, ca in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not b_used[j] and b[j] == ca:
                b_used[j] = True
                a_matched.append(ca)
                break
    m = len(a_matched)
    if m == 0:
        return 0.0
    b_matched = [b[j] for j in range(lb) if b_used[j]]
    t = sum(x != y for x, y in zip(a_matched, b_matched, strict=True)) // 2
    return (m / la + m / lb + (m - t) / m) / 3


def _similarity(a: str, b: str, metric: str) -> float:
    if metric == "levenshtein":
        longer = max(len(a), len(b))
        return 1.0 if longer == 0 else 1.0 - _levenshtein(a, b) / longer
    if metric == "indel":
        total = len(a) + len(b)
        return 1.0 if total == 0 else 1.0 - _indel(a, b) / total
    return _jaro(a, b)


# ---- searches ----------------------------------------------------------------------------------


def _search(words: list[str], query: str, k: int, metric: str, max_distance, min_similarity) -> list:
    """The k best (word, score) pairs, best first, ties in dictionary order."""
    if k == 0:
        return []
    if metric == "levenshtein":
        limit = max_distance
        scored = []  # (distance, position, word)
        for position, word in enumerate(words):
            # Length alone bounds the distance; skip words that cannot make the cut.
            worst = scored[-1][0] if len(scored) == k else limit
            if worst is not None and abs(len(word) - len(query)) > worst:
                continue
            d = _levenshtein(query, word)
            if limit is not None and d > limit:
                continue
            scored.append((d, position, word))
            scored.sort()
            del scored[k:]
        return [(word, d) for d, _, word in scored]
    scored = []  # (-similarity, position, word)
    for position, word in enumerate(words):
        s = _similarity(query, word, metric)
        if min_similarity is not None and s < min_similarity:
            continue
        scored.append((-s, position, word))
        scored.sort()
        del scored[k:]
    return [(word, -s) for s, _, word in scored]


_default_words: list[str] | None = None


def default_dictionary_path() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (
        here.parent / "bridgebench" / "data" / DEFAULT_DICTIONARY_NAME,
        here.parent / "data" / DEFAULT_DICTIONARY_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"default dictionary {DEFAULT_DICTIONARY_NAME} not found next to {here}")


def default_words() -> list[str]:
    global _default_words
    if _default_words is None:
        text = default_dictionary_path().read_text(encoding="utf-8")
        _default_words = list(dict.fromkeys(text.splitlines()))
    return _default_words


class Speller:
    """A dictionary, deduplicated once (first position wins)."""

    def __init__(self, words: Iterable[str]):
        self.words = _unique_words(words, "words")

    def __len__(self) -> int:
        return len(self.words)

    def suggest(
        self,
        word: str,
        *,
        max_distance: int | None = None,
        metric: str = "levenshtein",
        min_similarity: float | None = None,
    ) -> str | None:
        _check_str(word, "word")
        metric = _check_metric(metric)
        max_distance, min_similarity = _check_limits(metric, max_distance, min_similarity)
        best = _search(self.words, word, 1, metric, max_distance, min_similarity)
        return best[0][0] if best else None

    def suggest_k(
        self,
        word: str,
        k: int,
        *,
        max_distance: int | None = None,
        metric: str = "levenshtein",
        min_similarity: float | None = None,
    ) -> list[tuple[str, int | float]]:
        _check_str(word, "word")
        k = _check_count(k, "k")
        metric = _check_metric(metric)
        max_distance, min_similarity = _check_limits(metric, max_distance, min_similarity)
        return _search(self.words, word, k, metric, max_distance, min_similarity)

    def suggest_many(
        self,
        words: Sequence[str],
        *,
        max_distance: int | None = None,
        threads: int | None = None,
        metric: str = "levenshtein",
        min_similarity: float | None = None,
    ) -> list[str | None]:
        if isinstance(words, (str, bytes)):
            raise TypeError(f"words must be a list or other sequence, not {type(words).__name__}")
        queries = list(words)
        for i, q in enumerate(queries):
            if not isinstance(q, str):
                raise TypeError(f"words[{i}] must be str, not {type(q).__name__}")
        if threads is not None and _check_count(threads, "threads") == 0:
            raise ValueError("threads must be >= 1 (or None for all cores)")
        return [
            self.suggest(q, max_distance=max_distance, metric=metric, min_similarity=min_similarity) for q in queries
        ]


def _speller(dictionary) -> Speller:
    if dictionary is None:
        speller = Speller.__new__(Speller)
        speller.words = default_words()
        return speller
    if isinstance(dictionary, Speller):
        return dictionary
    return Speller(_unique_words(dictionary))


def suggest(
    word: str,
    dictionary: Sequence[str] | None = None,
    *,
    max_distance: int | None = None,
    metric: str = "levenshtein",
    min_similarity: float | None = None,
) -> str | None:
    _check_str(word, "word")
    return _speller(dictionary).suggest(word, max_distance=max_distance, metric=metric, min_similarity=min_similarity)


def suggest_k(
    word: str,
    k: int,
    dictionary: Sequence[str] | None = None,
    *,
    max_distance: int | None = None,
    metric: str = "levenshtein",
    min_similarity: float | None = None,
) -> list[tuple[str, int | float]]:
    _check_str(word, "word")
    _check_count(k, "k")
    return _speller(dictionary).suggest_k(
        word, k, max_distance=max_distance, metric=metric, min_similarity=min_similarity
    )


def distance(a: str, b: str) -> int:
    return _levenshtein(_check_str(a, "a"), _check_str(b, "b"))


def similarity(a: str, b: str, metric: str = "levenshtein") -> float:
    return _similarity(_check_str(a, "a"), _check_str(b, "b"), _check_metric(metric))


def spellcheck(word: str, dictionary: Sequence[str] | None = None, metric: str = "indel") -> tuple[str | None, float]:
    """The one-call form: (suggested_word, likelihood), the likelihood being the similarity."""
    _check_str(word, "word")
    best = _speller(dictionary).suggest(word, metric=_check_metric(metric))
    return (None, 0.0) if best is None else (best, _similarity(word, best, metric))


__all__ = [
    "METRICS",
    "Speller",
    "suggest",
    "suggest_k",
    "distance",
    "similarity",
    "spellcheck",
    "default_words",
    "default_dictionary_path",
]
