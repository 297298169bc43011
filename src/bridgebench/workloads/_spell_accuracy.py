"""Accuracy on real misspellings: how often each spell checker's first (or first three)
suggestions are the word the writer meant.

The pairs come from codespell's dictionary (the ``codespell`` package, GPL-2.0 code, its word
list built from Wikipedia's list of common misspellings): every ``typo->correction`` line with
a single correction that is one word of our default dictionary, then a fixed-seed sample. Each
checker runs with its own best configuration and its own dictionary:

- bridgebench: ``Speller.suggest_k(q, 3)`` on the default dictionary with its frequencies;
- symspellpy: its 82,765-word English frequency dictionary, max edit distance 2,
  ``lookup(q, Verbosity.ALL, 2)`` (sorted by distance, then count);
- pyspellchecker: ``SpellChecker()`` (English, distance 2), candidates by word frequency;
- rapidfuzz: distance only, ``process.extract(q, words, scorer=Levenshtein.distance, limit=3)``
  over the default dictionary (the ranking bridgebench had before its default changed).

A suggestion counts when it equals the correction ignoring case.
"""

from __future__ import annotations

import gc
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Pair:
    typo: str
    correction: str


def codespell_pairs(dictionary_words: set[str], count: int, seed: int = 13) -> list[Pair]:
    import codespell_lib

    path = Path(codespell_lib.__file__).resolve().parent / "data" / "dictionary.txt"
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        typo, _, fixes = line.partition("->")
        corrections = [f.strip() for f in fixes.split(",") if f.strip()]
        if len(corrections) == 1 and corrections[0] in dictionary_words and typo.isalpha():
            pairs.append(Pair(typo, corrections[0]))
    return random.Random(seed).sample(pairs, min(count, len(pairs)))


@dataclass(frozen=True)
class Checker:
    name: str
    requires: str
    build: Callable[[], Any]  # -> the index
    top3: Callable[[Any, str], list[str]]  # (index, typo) -> up to 3 suggestions, best first


def _bridgebench():
    from bridgebench import spell

    return spell.Speller(spell.default_words(), frequencies=spell.default_frequencies())


def _symspell():
    import importlib.resources

    from symspellpy import SymSpell

    index = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    path = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    index.load_dictionary(str(path), term_index=0, count_index=1)
    return index


def _symspell_top3(index, typo: str) -> list[str]:
    from symspellpy import Verbosity

    return [s.term for s in index.lookup(typo, Verbosity.ALL, 2)[:3]]


def _pyspellchecker():
    from spellchecker import SpellChecker

    return SpellChecker()


def _pyspellchecker_top3(index, typo: str) -> list[str]:
    found = index.candidates(typo) or set()
    return sorted(found, key=lambda w: (-index.word_usage_frequency(w), w))[:3]


def _rapidfuzz():
    from bridgebench import spell

    return spell.default_words()


def _rapidfuzz_top3(words, typo: str) -> list[str]:
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    return [w for w, _, _ in process.extract(typo, words, scorer=Levenshtein.distance, limit=3)]


CHECKERS = [
    Checker("bridgebench", "bridgebench", _bridgebench, lambda s, q: [w for w, _ in s.suggest_k(q, 3)]),
    Checker("symspellpy", "symspellpy", _symspell, _symspell_top3),
    Checker("pyspellchecker", "spellchecker", _pyspellchecker, _pyspellchecker_top3),
    Checker("rapidfuzz", "rapidfuzz", _rapidfuzz, _rapidfuzz_top3),
]


def checker(name: str) -> Checker:
    return next(c for c in CHECKERS if c.name == name)


@dataclass(frozen=True)
class Accuracy:
    name: str
    top1: float  # percent
    top3: float
    ms_per_query: float
    build_s: float
    index_mb: float  # resident memory the index added (RSS growth while building)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(checker: Checker, pairs: list[Pair]) -> Accuracy:
    gc.collect()
    before = _rss_mb()
    start = time.perf_counter()
    index = checker.build()
    build = time.perf_counter() - start
    grown = _rss_mb() - before
    top1 = top3 = 0
    start = time.perf_counter()
    for pair in pairs:
        found = [w.lower() for w in checker.top3(index, pair.typo)]
        top1 += bool(found) and found[0] == pair.correction.lower()
        top3 += pair.correction.lower() in found
    per_query = (time.perf_counter() - start) / max(1, len(pairs))
    n = max(1, len(pairs))
    return Accuracy(checker.name, 100 * top1 / n, 100 * top3 / n, per_query * 1e3, build, grown)


def available(checker: Checker) -> bool:
    import importlib.util

    return importlib.util.find_spec(checker.requires) is not None
