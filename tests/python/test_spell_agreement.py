"""Native vs the pure-Python baseline on thousands of random queries: same words, same
distances, same tie-breaks, for every metric and the option combinations."""

from __future__ import annotations

import random

import pytest
from spell_cases import queries, small_dictionary

import python_baseline.spell as baseline
from bridgebench import spell
from bridgebench.spell import capi

WORDS = small_dictionary()
QUERIES = queries(WORDS, 2000)


@pytest.fixture(scope="module")
def native_speller():
    return spell.Speller(WORDS)


@pytest.fixture(scope="module")
def baseline_speller():
    return baseline.Speller(WORDS)


@pytest.mark.parametrize("metric", ["damerau", "levenshtein"])
def test_distance_suggest_matches_baseline(native_speller, baseline_speller, metric):
    mismatches = [
        (q, native_speller.suggest(q, metric=metric), baseline_speller.suggest(q, metric=metric))
        for q in QUERIES
        if native_speller.suggest(q, metric=metric) != baseline_speller.suggest(q, metric=metric)
    ]
    assert not mismatches, mismatches[:5]


@pytest.mark.parametrize("metric", ["indel", "jaro"])
def test_similarity_suggest_matches_baseline(native_speller, baseline_speller, metric):
    sample = QUERIES[::4]
    mismatches = [
        q for q in sample if native_speller.suggest(q, metric=metric) != baseline_speller.suggest(q, metric=metric)
    ]
    assert not mismatches, mismatches[:5]


@pytest.mark.parametrize("metric", ["damerau", "levenshtein", "indel", "jaro"])
def test_suggest_k_matches_baseline(native_speller, baseline_speller, metric):
    for q in QUERIES[::20]:
        assert native_speller.suggest_k(q, 7, metric=metric) == baseline_speller.suggest_k(q, 7, metric=metric), q


@pytest.mark.parametrize("max_distance", [0, 1, 2, 3])
def test_max_distance_matches_baseline(native_speller, baseline_speller, max_distance):
    for q in QUERIES[::5]:
        assert native_speller.suggest(q, max_distance=max_distance) == baseline_speller.suggest(
            q, max_distance=max_distance
        ), q
        assert native_speller.suggest_k(q, 4, max_distance=max_distance) == baseline_speller.suggest_k(
            q, 4, max_distance=max_distance
        ), q


@pytest.mark.parametrize("metric,min_similarity", [("indel", 0.8), ("jaro", 0.85), ("indel", 0.0), ("jaro", 1.0)])
def test_min_similarity_matches_baseline(native_speller, baseline_speller, metric, min_similarity):
    for q in QUERIES[::25]:
        assert native_speller.suggest_k(
            q, 3, metric=metric, min_similarity=min_similarity
        ) == baseline_speller.suggest_k(q, 3, metric=metric, min_similarity=min_similarity), q


def test_suggest_many_matches_suggest(native_speller):
    expected = [native_speller.suggest(q) for q in QUERIES]
    assert native_speller.suggest_many(QUERIES) == expected
    assert native_speller.suggest_many(QUERIES, threads=1) == expected
    assert native_speller.suggest_many(QUERIES, threads=3) == expected
    limited = [native_speller.suggest(q, max_distance=1) for q in QUERIES]
    assert native_speller.suggest_many(QUERIES, max_distance=1, threads=2) == limited


def test_distance_and_similarity_match_baseline():
    pairs = list(zip(QUERIES[:400], QUERIES[400:800], strict=True))
    pairs += [("", ""), ("", "abc"), ("x" * 150, "y" * 3 + "x" * 140)]
    for a, b in pairs:
        assert spell.distance(a, b) == baseline.distance(a, b), (a, b)
        for metric in spell.METRICS:
            assert spell.similarity(a, b, metric) == baseline.similarity(a, b, metric), (a, b, metric)


def test_ascii_only_dictionary_matches_baseline():
    words = small_dictionary(seed=3, unicode=False)
    qs = queries(words, 600, seed=5, unicode=False)
    native, base = spell.Speller(words), baseline.Speller(words)
    assert [native.suggest(q) for q in qs] == [base.suggest(q) for q in qs]


@pytest.mark.parametrize("metric", ["damerau", "levenshtein", "indel", "jaro"])
def test_capi_matches_pybind11(native_speller, metric):
    with capi.Speller(WORDS) as speller:
        for q in QUERIES[::10]:
            assert speller.suggest_k(q, 3, metric=metric) == native_speller.suggest_k(q, 3, metric=metric), q
        assert [capi.similarity(a, b, metric) for a, b in zip(QUERIES[:100], QUERIES[100:200], strict=True)] == [
            spell.similarity(a, b, metric) for a, b in zip(QUERIES[:100], QUERIES[100:200], strict=True)
        ]


def test_default_ranking_with_frequencies_and_capitals_matches_baseline():
    # Spellings that differ only in case, frequencies on some words, queries in all shapes.
    rng = random.Random(11)
    words = list(WORDS[:1500])
    words += [w.capitalize() for w in words[::7]] + [w.upper() for w in words[::11]]
    frequencies = [rng.choice([0, 0, 0, rng.randint(1, 800)]) for _ in words]
    qs = [rng.choice([q, q.upper(), q.capitalize()]) for q in queries(words, 400, seed=12)]
    native = spell.Speller(words, frequencies=frequencies)
    base = baseline.Speller(words, frequencies=frequencies)
    with capi.Speller(words, frequencies=frequencies) as ctypes_speller:
        for q in qs:
            expected = base.suggest_k(q, 4)
            assert native.suggest_k(q, 4) == expected, q
            assert ctypes_speller.suggest_k(q, 4) == expected, q
            assert native.suggest(q, max_distance=1) == base.suggest(q, max_distance=1), q
