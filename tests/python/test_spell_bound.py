"""The bounded search (the deletion index behind max_distance <= 2, and behind the first two
distances of every damerau and levenshtein search) against the pure-Python baseline's plain
scan and the C ABI: a dictionary where many words share long prefixes (the index's hard case:
big buckets), with frequencies, capitals, non-ASCII and very long words, and queries with
swaps, edits inside and past the indexed prefix, and every limit around the index's reach."""

from __future__ import annotations

import random

import pytest

import python_baseline.spell as baseline
from bridgebench import spell
from bridgebench.spell import capi

PREFIXES = ("inter", "cont", "trans", "over", "pre")


def mistype(rng: random.Random, word: str, edits: int) -> str:
    """`edits` random insertions, deletions, substitutions or swaps of neighbours."""
    for _ in range(edits):
        op = rng.randrange(4)
        i = rng.randrange(len(word) + 1)
        if op == 0 or not word:
            word = word[:i] + rng.choice("aeiourstnlé") + word[i:]
        elif op == 1:
            i = min(i, len(word) - 1)
            word = word[:i] + word[i + 1 :]
        elif op == 2:
            i = min(i, len(word) - 1)
            word = word[:i] + rng.choice("aeiourstnlé") + word[i + 1 :]
        elif len(word) >= 2:
            i = min(i, len(word) - 2)
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


def _dictionary() -> tuple[list[str], list[int]]:
    rng = random.Random(2026)
    stems = sorted(w for w in spell.default_words() if w.lower().startswith(PREFIXES))
    words = rng.sample(stems, 450)
    words += [w.capitalize() for w in words[::9]] + [w.upper() for w in words[::31]]
    words += ["a" * 130, "a" * 128 + "b", "é" * 3, "straße", "Straße", "ab", "a", "to", "ot"]
    frequencies = [rng.choice([0, 0, 150, rng.randint(0, 800)]) for _ in words]
    return words, frequencies


WORDS, FREQUENCIES = _dictionary()


def _queries(count: int) -> list[str]:
    rng = random.Random(7)
    out = []
    # Words around the prefix's length (7) are where a match's deletions land on either side.
    around_prefix = [w for w in WORDS if 5 <= len(w) <= 9]
    for i in range(count):
        q = mistype(rng, rng.choice(around_prefix if i % 3 == 0 else WORDS), rng.choice([0, 1, 1, 2, 2, 3]))
        out.append(rng.choice([q, q, q.upper(), q.capitalize()]))
    return out + ["", "q", "tо", "a" * 129, "a" * 127 + "bb"]


QUERIES = _queries(100)


@pytest.fixture(scope="module")
def spellers():
    native = spell.Speller(WORDS, frequencies=FREQUENCIES)
    base = baseline.Speller(WORDS, frequencies=FREQUENCIES)
    with capi.Speller(WORDS, frequencies=FREQUENCIES) as ctypes_speller:
        yield native, base, ctypes_speller


@pytest.mark.parametrize("max_distance", [0, 1, 2, 3, None])
def test_default_ranking_within_a_limit_matches_baseline(spellers, max_distance):
    native, base, ctypes_speller = spellers
    for q in QUERIES:
        expected = base.suggest_k(q, 3, max_distance=max_distance)
        assert native.suggest_k(q, 3, max_distance=max_distance) == expected, q
        assert ctypes_speller.suggest_k(q, 3, max_distance=max_distance) == expected, q
        assert native.suggest(q, max_distance=max_distance) == base.suggest(q, max_distance=max_distance), q


@pytest.mark.parametrize("max_distance", [1, 2, None])
def test_levenshtein_within_a_limit_matches_baseline(spellers, max_distance):
    native, base, ctypes_speller = spellers
    for q in QUERIES:
        expected = base.suggest_k(q, 3, max_distance=max_distance, metric="levenshtein")
        assert native.suggest_k(q, 3, max_distance=max_distance, metric="levenshtein") == expected, q
        assert ctypes_speller.suggest_k(q, 3, max_distance=max_distance, metric="levenshtein") == expected, q
        one = base.suggest(q, max_distance=max_distance, metric="levenshtein")
        assert native.suggest(q, max_distance=max_distance, metric="levenshtein") == one, q


def test_every_word_within_two_edits_is_found(spellers):
    # suggest_k with k beyond the dictionary lists every word within the limit: the bound
    # must not lose any (the plain scan of the baseline is the reference).
    native, base, _ = spellers
    for q in QUERIES[::4]:
        expected = base.suggest_k(q, len(WORDS), max_distance=2, metric="levenshtein")
        assert native.suggest_k(q, len(WORDS), max_distance=2, metric="levenshtein") == expected, q


def test_batch_matches_single_queries(spellers):
    native, _, _ = spellers
    for metric in ("damerau", "levenshtein"):
        assert native.suggest_many(QUERIES, max_distance=2, metric=metric, threads=2) == [
            native.suggest(q, max_distance=2, metric=metric) for q in QUERIES
        ]
