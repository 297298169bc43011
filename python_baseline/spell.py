"""Spell checking in pure Python: plain dynamic programming, no third-party packages.

Same API and same answers as ``bridgebench.spell`` (see docs/spell.md for the semantics):
``suggest``, ``suggest_k``, ``distance``, ``similarity``, ``spellcheck`` and ``Speller``.
The default ranking, ``damerau``, is in ``python_baseline.spell_ranking``. The other metrics
work over code points (a Python str's characters), case-sensitive, unnormalised, ties to the
word that comes first in the dictionary. Duplicates count once, at their first position.
This is the reference the native engine is tested against, so it favours being obviously
right over being fast (its only shortcut is skipping words whose length alone rules them
out).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bridgebench_rules import spell as rules
from python_baseline import spell_ranking

METRICS = rules.METRIC_NAMES
DEFAULT_DICTIONARY_NAME = rules.DEFAULT_DICTIONARY_NAME


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
    if metric == "damerau":
        longer = max(len(a), len(b))
        return 1.0 if longer == 0 else 1.0 - spell_ranking.osa(spell_ranking.fold(a), spell_ranking.fold(b)) / longer
    if metric == "levenshtein":
        longer = max(len(a), len(b))
        return 1.0 if longer == 0 else 1.0 - _levenshtein(a, b) / longer
    if metric == "indel":
        total = len(a) + len(b)
        return 1.0 if total == 0 else 1.0 - _indel(a, b) / total
    return _jaro(a, b)


# ---- searches ----------------------------------------------------------------------------------


def _search(words: list[str], query: str, k: int, metric: str, max_distance: Any, min_similarity: Any) -> list:
    """The k best (word, score) pairs, best first, ties in dictionary order."""
    if k == 0:
        return []
    if metric == "levenshtein":
        limit = max_distance
        scored: list[tuple[int, int, str]] = []  # (distance, position, word)
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
    ranked: list[tuple[float, int, str]] = []  # (-similarity, position, word)
    for position, word in enumerate(words):
        s = _similarity(query, word, metric)
        if min_similarity is not None and s < min_similarity:
            continue
        ranked.append((-s, position, word))
        ranked.sort()
        del ranked[k:]
    return [(word, -s) for s, _, word in ranked]


_default_words: list[str] | None = None
_default_frequencies: dict[str, int] | None = None


def _data_file(name: str) -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "bridgebench" / "data" / name, here.parent / "data" / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{name} not found next to {here}")


def default_dictionary_path() -> Path:
    return _data_file(DEFAULT_DICTIONARY_NAME)


def default_words() -> list[str]:
    global _default_words
    if _default_words is None:
        text = default_dictionary_path().read_text(encoding="utf-8")
        _default_words = list(dict.fromkeys(text.splitlines()))
    return _default_words


def _default_frequency_of() -> dict[str, int]:
    """Each default word's frequency (the list is keyed by lower-case words)."""
    global _default_frequencies
    if _default_frequencies is None:
        table = rules.read_frequencies(_data_file(rules.FREQUENCY_LIST_NAME).read_text(encoding="utf-8"))
        _default_frequencies = {w: table.get(w.lower(), 0) for w in default_words()}
    return _default_frequencies


class Speller:
    """A dictionary, deduplicated once (first position wins)."""

    _words: list[str] | None = None  # set once, by __init__
    _frequency: dict[str, int] | None = None  # word -> the largest frequency given for it
    _keys: spell_ranking.Keys | None = None  # built on the first damerau search

    def __init__(self, words: Iterable[str], *, frequencies: Sequence[int] | None = None):
        checked = rules.words(words)
        counts = rules.frequencies(frequencies, len(checked))
        if self._words is not None:
            raise TypeError(rules.ALREADY_INITIALISED)
        rules.check_alphabet(checked)
        self._frequency = {}
        for w, f in zip(checked, counts or [], strict=False):
            self._frequency[w] = max(self._frequency.get(w, 0), f)
        self._words = list(dict.fromkeys(checked))

    def _index(self) -> list[str]:
        if self._words is None:
            raise TypeError(rules.NOT_INITIALISED)
        return self._words

    @property
    def words(self) -> list[str]:
        """The unique words, in dictionary order (a copy: changing it changes nothing here)."""
        return list(self._index())

    def __len__(self) -> int:
        return len(self._index())

    def _ranked(self, query: rules.Query) -> list:
        o = query.options
        if o.metric.name == "damerau":
            if self._keys is None:
                self._keys = spell_ranking.Keys(self._index(), self._frequency or {})
            return spell_ranking.search(self._keys, query.word, query.k, o.max_distance)
        return _search(self._index(), query.word, query.k, o.metric.name, o.max_distance, o.min_similarity)

    def suggest(
        self,
        word: str,
        *,
        max_distance: int | None = None,
        metric: str = rules.DEFAULT_METRIC,
        min_similarity: float | None = None,
    ) -> str | None:
        best = self._ranked(rules.suggest_arguments(word, max_distance, metric, min_similarity))
        return best[0][0] if best else None

    def suggest_k(
        self,
        word: str,
        k: int,
        *,
        max_distance: int | None = None,
        metric: str = rules.DEFAULT_METRIC,
        min_similarity: float | None = None,
    ) -> list[tuple[str, int | float]]:
        return self._ranked(rules.suggest_k_arguments(word, k, max_distance, metric, min_similarity))

    def suggest_many(
        self,
        words: Sequence[str],
        *,
        max_distance: int | None = None,
        threads: int | None = None,
        metric: str = rules.DEFAULT_METRIC,
        min_similarity: float | None = None,
    ) -> list[str | None]:
        batch = rules.suggest_many_arguments(words, max_distance, threads, metric, min_similarity)
        answers = []
        for q in batch.words:
            best = self._ranked(rules.Query(q, 1, batch.options))
            answers.append(best[0][0] if best else None)
        return answers


_default_speller: Speller | None = None


def _speller(dictionary: Any) -> Speller:
    if dictionary is None:
        global _default_speller
        if _default_speller is None:
            speller = Speller.__new__(Speller)
            speller._words = default_words()  # already unique: no need for a copy
            speller._frequency = _default_frequency_of()
            _default_speller = speller
        return _default_speller
    if isinstance(dictionary, Speller):
        return dictionary
    return Speller(rules.dictionary(dictionary))


def suggest(
    word: str,
    dictionary: Sequence[str] | None = None,
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
    dictionary: Sequence[str] | None = None,
    *,
    max_distance: int | None = None,
    metric: str = rules.DEFAULT_METRIC,
    min_similarity: float | None = None,
) -> list[tuple[str, int | float]]:
    rules.suggest_k_arguments(word, k, max_distance, metric, min_similarity)
    return _speller(dictionary).suggest_k(
        word, k, max_distance=max_distance, metric=metric, min_similarity=min_similarity
    )


def distance(a: str, b: str) -> int:
    x, y, _ = rules.pair_arguments(a, b)
    return _levenshtein(x, y)


def similarity(a: str, b: str, metric: str = rules.PAIR_METRIC) -> float:
    x, y, m = rules.pair_arguments(a, b, metric)
    return _similarity(x, y, m.name)


def spellcheck(
    word: str, dictionary: Sequence[str] | None = None, metric: str = rules.SPELLCHECK_METRIC
) -> tuple[str | None, float]:
    """The one-call form: (suggested_word, likelihood), the likelihood being the similarity."""
    query = rules.suggest_arguments(word, None, metric, None)
    best = _speller(dictionary).suggest(word, metric=metric)
    return (None, 0.0) if best is None else (best, _similarity(query.word, best, query.options.metric.name))


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
