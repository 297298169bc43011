"""Spell checking: the closest word in the default dictionary (Debian's wamerican-huge,
~348k words) for typos made by 1-3 random edits of random dictionary words (fixed seed), and
the default ranking's accuracy on real misspellings (codespell's list) against symspellpy,
pyspellchecker and distance-only rapidfuzz (case "accuracy", facts "accuracy ...").

How answers are compared (``agree``): every implementation's answer for a query becomes
``(score, word, keeps_our_tie_break)`` where the score is the Levenshtein distance (or, for
the similarity cases, our own similarity of the query and the word, so every peer is scored
by one function). Two answers agree when their scores are equal, and, if both
implementations promise the tie-break "first word in dictionary order", their words are
equal too. rapidfuzz's extractOne / cdist-argmin and a plain ``min`` over
``Levenshtein.distance`` keep the first best word, so they must match word for word;
symspellpy orders equally distant words by frequency (all 1 here) in hash order, so for it
an equally distant word counts as agreement. See docs/spell.md.
"""

from __future__ import annotations

import functools
import random
import statistics
import time
from collections.abc import Sequence
from typing import Any

import python_baseline.spell as baseline
from bridgebench import spell as native
from bridgebench.api import Case, Implementation, Target, Workload
from bridgebench.spell import capi
from bridgebench.workloads import _spell_accuracy as accuracy

SIZES = {"quick": [1_000], "full": [100, 1_000]}
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# The queries are at most 3 edits from a dictionary word, so 3 is a cut-off that never
# changes an answer: handing it to rapidfuzz is the most favourable configuration for it.
MAX_EDITS = 3
SIMILARITY_TOLERANCE = 1e-12
# Slow implementations are timed on a prefix of the queries (per-query figures stay
# comparable): the runner calls each one 4 to 8 times per process (Profile.max_time).
PEER_ITEMS = 50  # rapidfuzz extractOne: ~15 ms per query
CDIST_ITEMS = 256  # rapidfuzz cdist: ~2 ms per query
LEVENSHTEIN_ITEMS = 10  # a Python loop over Levenshtein.distance: ~50 ms per query


# ---- inputs --------------------------------------------------------------------------------


def typo(rng: random.Random, word: str, edits: int, alphabet: str = LETTERS) -> str:
    """`edits` random insertions, deletions or substitutions (letters from `alphabet`)."""
    for _ in range(edits):
        op = rng.randrange(3)
        i = rng.randrange(len(word) + 1)
        if op == 0 or not word:
            word = word[:i] + rng.choice(alphabet) + word[i:]
        elif op == 1:
            i = min(i, len(word) - 1)
            word = word[:i] + word[i + 1 :]
        else:
            i = min(i, len(word) - 1)
            word = word[:i] + rng.choice(alphabet) + word[i + 1 :]
    return word


def make_queries(size: int, seed: int, fixture: Any = None) -> list[str]:
    rng = random.Random(seed)
    words = native.default_words()
    return [typo(rng, rng.choice(words), rng.randint(1, MAX_EDITS)) for _ in range(size)]


# ---- answers -> canonical form -----------------------------------------------------------------


def _canonical(pairs: Sequence[tuple[str, str | None]], metric: str, strict: bool) -> list[tuple]:
    out: list[tuple] = []
    for query, word in pairs:
        if word is None:
            out.append((None, None, strict))
        elif metric == "levenshtein":
            out.append((native.distance(query, word), word, strict))
        else:
            out.append((native.similarity(query, word, metric), word, strict))
    return out


def _item_agrees(x: tuple, y: tuple) -> bool:
    (score_x, word_x, strict_x), (score_y, word_y, strict_y) = x, y
    if score_x is None or score_y is None:
        return score_x is None and score_y is None
    if abs(score_x - score_y) > SIMILARITY_TOLERANCE:
        return False
    return word_x == word_y or not (strict_x and strict_y)


def agree(a: Sequence[tuple], b: Sequence[tuple]) -> bool:
    return len(a) == len(b) and all(_item_agrees(x, y) for x, y in zip(a, b, strict=True))


def _canonicaliser(metric: str, strict: bool = True):
    return functools.partial(_canonical, metric=metric, strict=strict)


# ---- implementations ---------------------------------------------------------------------------


def _with(get_index):
    """prepare: pairs the (cached, untimed) index with the queries."""
    return lambda queries: (get_index(), list(queries))


def _one_by_one(metric: str, **options):
    def run(arg):
        speller, queries = arg
        return [(q, speller.suggest(q, metric=metric, **options)) for q in queries]

    return run


def _baseline(metric: str, **options):
    def run(queries):
        return [(q, baseline.suggest(q, metric=metric, **options)) for q in queries]

    return run


@functools.cache
def _choices() -> list[str]:
    return native.default_words()


def _rapidfuzz_scorer(metric: str):
    from rapidfuzz.distance import Indel, Jaro, Levenshtein

    return {"levenshtein": Levenshtein.distance, "indel": Indel.normalized_similarity, "jaro": Jaro.similarity}[metric]


def _rapidfuzz_extract_one(metric: str, cutoff: float | None):
    def run(arg):
        from rapidfuzz import process

        choices, queries = arg
        scorer = _rapidfuzz_scorer(metric)
        out = []
        for q in queries:
            found = process.extractOne(q, choices, scorer=scorer, score_cutoff=cutoff)
            out.append((q, None if found is None else found[0]))
        return out

    return run


def _rapidfuzz_cdist(arg):
    # cdist scores every (query, word) pair into a matrix on all cores; argmin keeps the
    # first best word. In blocks of 64 queries so the matrix stays ~22 MB.
    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    choices, queries = arg
    out = []
    for start in range(0, len(queries), 64):
        block = queries[start : start + 64]
        scores = process.cdist(
            block, choices, scorer=Levenshtein.distance, score_cutoff=MAX_EDITS, dtype=np.uint8, workers=-1
        )
        best = scores.argmin(axis=1)
        for row, q in enumerate(block):
            i = int(best[row])
            out.append((q, choices[i] if scores[row, i] <= MAX_EDITS else None))
    return out


def _levenshtein_package(arg):
    # The Levenshtein package has no search of its own: a min over its distance, with the
    # best distance so far as the cut-off so each call can stop early.
    import Levenshtein

    choices, queries = arg
    out = []
    for q in queries:
        best, best_distance = None, MAX_EDITS + 1
        for w in choices:
            d = Levenshtein.distance(q, w, score_cutoff=best_distance - 1)
            if d < best_distance:
                best, best_distance = w, d
                if d == 0:
                    break
        out.append((q, best))
    return out


@functools.cache
def _symspell():
    from symspellpy import SymSpell
    from symspellpy.editdistance import DistanceAlgorithm, EditDistance

    index = SymSpell(
        max_dictionary_edit_distance=2,
        prefix_length=7,
        distance_comparer=EditDistance(DistanceAlgorithm.LEVENSHTEIN_FAST),
    )
    for word in _choices():
        index.create_dictionary_entry(word, 1)
    return index


def _symspell_lookup(arg):
    from symspellpy import Verbosity

    index, queries = arg
    out = []
    for q in queries:
        found = index.lookup(q, Verbosity.CLOSEST, max_edit_distance=2)
        out.append((q, found[0].term if found else None))
    return out


def _many(threads: int):
    def run(arg):
        speller, queries = arg
        answers = speller.suggest_many(queries, threads=threads, metric="levenshtein")
        return list(zip(queries, answers, strict=True))

    return run


def _levenshtein_case() -> Case:
    canonical = _canonicaliser("levenshtein")
    impls = [
        Implementation(
            "baseline",
            "baseline",
            _baseline("levenshtein"),
            to_canonical=canonical,
            max_items=1,
            note="python_baseline.spell: plain DP over every word (length-difference skip only)",
        ),
        Implementation(
            "pybind11",
            "native",
            _one_by_one("levenshtein"),
            prepare=_with(native.default_speller),
            to_canonical=canonical,
            note="Speller.suggest(q), one query per call, one thread",
        ),
        Implementation(
            "capi",
            "native",
            _one_by_one("levenshtein"),
            prepare=_with(capi.default_speller),
            to_canonical=canonical,
            note="C ABI + ctypes: bb_spell_suggest, struct freed in finally",
        ),
        Implementation(
            "rapidfuzz-extractOne",
            "peer",
            _rapidfuzz_extract_one("levenshtein", MAX_EDITS),
            prepare=_with(_choices),
            to_canonical=canonical,
            requires="rapidfuzz",
            max_items=PEER_ITEMS,
            note=f"process.extractOne(q, words, scorer=Levenshtein.distance, score_cutoff={MAX_EDITS})",
        ),
        Implementation(
            "Levenshtein",
            "peer",
            _levenshtein_package,
            prepare=_with(_choices),
            to_canonical=canonical,
            requires="Levenshtein",
            max_items=LEVENSHTEIN_ITEMS,
            note="min over Levenshtein.distance(q, w, score_cutoff=best - 1) in a Python loop",
        ),
    ]
    targets = [
        Target("at least 3,000x faster than the pure-Python baseline", "pybind11", "baseline", 1 / 3000, 1_000),
        Target(
            "at least 5x faster than rapidfuzz process.extractOne", "pybind11", "rapidfuzz-extractOne", 1 / 5, 1_000
        ),
    ]
    return Case(
        "suggest",
        "query",
        make_queries,
        impls,
        SIZES,
        agree=agree,
        targets=targets,
        description="closest word by Levenshtein distance, one query at a time",
    )


def _batch_case() -> Case:
    canonical = _canonicaliser("levenshtein")
    impls = [
        Implementation(
            "suggest_many-1t",
            "native",
            _many(1),
            prepare=_with(native.default_speller),
            to_canonical=canonical,
            note="Speller.suggest_many(queries, threads=1), GIL released",
        ),
        Implementation(
            "suggest_many-2t",
            "native",
            _many(2),
            prepare=_with(native.default_speller),
            to_canonical=canonical,
            note="Speller.suggest_many(queries, threads=2)",
        ),
        Implementation(
            "rapidfuzz-cdist",
            "peer",
            _rapidfuzz_cdist,
            prepare=_with(_choices),
            to_canonical=canonical,
            requires="rapidfuzz",
            max_items=CDIST_ITEMS,
            note=f"process.cdist(64 queries, words, Levenshtein.distance, score_cutoff={MAX_EDITS}, "
            "dtype=uint8, workers=-1) + argmin",
        ),
    ]
    targets = [
        Target(
            "suggest_many on 2 cores at least 1.7x the 1-thread throughput",
            "suggest_many-2t",
            "suggest_many-1t",
            1 / 1.7,
            1_000,
        )
    ]
    return Case(
        "suggest_many",
        "query",
        make_queries,
        impls,
        SIZES,
        agree=agree,
        targets=targets,
        description="a batch of queries on several threads",
    )


def _max2_case() -> Case:
    canonical = _canonicaliser("levenshtein")
    impls = [
        Implementation(
            "pybind11",
            "native",
            _one_by_one("levenshtein", max_distance=2),
            prepare=_with(native.default_speller),
            to_canonical=canonical,
            note="Speller.suggest(q, max_distance=2)",
        ),
        Implementation(
            "symspellpy",
            "peer",
            _symspell_lookup,
            prepare=_with(_symspell),
            to_canonical=_canonicaliser("levenshtein", strict=False),
            requires="symspellpy",
            note="SymSpell(max_dictionary_edit_distance=2, prefix_length=7, LEVENSHTEIN_FAST), "
            "lookup(q, CLOSEST, 2); index built untimed (~7 s, ~390 MB)",
        ),
        Implementation(
            "rapidfuzz-extractOne",
            "peer",
            _rapidfuzz_extract_one("levenshtein", 2),
            prepare=_with(_choices),
            to_canonical=canonical,
            requires="rapidfuzz",
            max_items=PEER_ITEMS,
            note="process.extractOne(q, words, scorer=Levenshtein.distance, score_cutoff=2)",
        ),
    ]
    return Case(
        "suggest_max2",
        "query",
        make_queries,
        impls,
        SIZES,
        agree=agree,
        description="closest word within distance 2 (symspellpy's home ground)",
    )


def _similarity_case(metric: str) -> Case:
    canonical = _canonicaliser(metric)
    scorer = {"indel": "Indel.normalized_similarity", "jaro": "Jaro.similarity"}[metric]
    impls = [
        Implementation(
            "baseline",
            "baseline",
            _baseline(metric),
            to_canonical=canonical,
            max_items=1,
            note=f"python_baseline.spell.suggest(q, metric={metric!r})",
        ),
        Implementation(
            "pybind11",
            "native",
            _one_by_one(metric),
            prepare=_with(native.default_speller),
            to_canonical=canonical,
            note=f"Speller.suggest(q, metric={metric!r})",
        ),
        Implementation(
            "rapidfuzz-extractOne",
            "peer",
            _rapidfuzz_extract_one(metric, None),
            prepare=_with(_choices),
            to_canonical=canonical,
            requires="rapidfuzz",
            max_items=PEER_ITEMS,
            note=f"process.extractOne(q, words, scorer={scorer})",
        ),
    ]
    targets = [
        Target(
            f"{metric}: at least as fast as rapidfuzz extractOne with the same scorer",
            "pybind11",
            "rapidfuzz-extractOne",
            1.0,
            1_000,
        )
    ]
    return Case(
        metric,
        "query",
        make_queries,
        impls,
        SIZES,
        agree=agree,
        targets=targets,
        description=f"closest word by {metric} similarity",
    )


# ---- accuracy on real misspellings ---------------------------------------------------------------

# The accuracy facts use this many codespell pairs: pyspellchecker takes ~0.1-0.5 s per query,
# and 600 pairs cost the main job a minute and a half; 300 keep top-1 within about +-2 points.
ACCURACY_PAIRS = 300
ACCURACY_SIZES = {"quick": [ACCURACY_PAIRS], "full": [ACCURACY_PAIRS]}
PYSPELLCHECKER_ITEMS = 20
RAPIDFUZZ_ITEMS = 50


def make_misspellings(size: int, seed: int, fixture: Any = None) -> list[str]:
    """codespell's misspellings whose correction is one default-dictionary word (fixed sample;
    `seed` is not used: the sample is the accuracy facts' sample)."""
    return [p.typo for p in accuracy.codespell_pairs(set(native.default_words()), size)]


def _suggest_each(**options):
    def run(arg):
        speller, queries = arg
        return [speller.suggest(q, **options) for q in queries]

    return run


@functools.cache
def _symspell_frequencies():
    return accuracy.checker("symspellpy").build()


def _symspell_best(arg):
    from symspellpy import Verbosity

    index, queries = arg
    out = []
    for q in queries:
        found = index.lookup(q, Verbosity.CLOSEST, 2)
        out.append(found[0].term if found else None)
    return out


@functools.cache
def _pyspellchecker():
    return accuracy.checker("pyspellchecker").build()


def _pyspellchecker_best(arg):
    checker, queries = arg
    return [checker.correction(q) for q in queries]


def _rapidfuzz_best(arg):
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    choices, queries = arg
    return [process.extractOne(q, choices, scorer=Levenshtein.distance)[0] for q in queries]


def _any_answers(a, b) -> bool:
    # Each checker answers with its own dictionary and ranking, so answers differ by design;
    # they are scored against the codespell correction instead (the accuracy facts).
    return len(a) == len(b)


def _accuracy_case() -> Case:
    impls = [
        Implementation(
            "bridgebench",
            "native",
            _suggest_each(),
            prepare=_with(native.default_speller),
            note="Speller.suggest(q): the default ranking (damerau), no distance limit",
        ),
        Implementation(
            "bridgebench-max2",
            "native",
            _suggest_each(max_distance=2),
            prepare=_with(native.default_speller),
            note="Speller.suggest(q, max_distance=2): the default ranking within 2 edits",
        ),
        Implementation(
            "symspellpy",
            "peer",
            _symspell_best,
            prepare=_with(_symspell_frequencies),
            requires="symspellpy",
            note="SymSpell(2, prefix_length=7) with its 82,765-word frequency dictionary, "
            "lookup(q, CLOSEST, 2); index built untimed",
        ),
        Implementation(
            "pyspellchecker",
            "peer",
            _pyspellchecker_best,
            prepare=_with(_pyspellchecker),
            requires="spellchecker",
            max_items=PYSPELLCHECKER_ITEMS,
            note="SpellChecker().correction(q) (English, distance 2)",
        ),
        Implementation(
            "rapidfuzz-extractOne",
            "peer",
            _rapidfuzz_best,
            prepare=_with(_choices),
            requires="rapidfuzz",
            max_items=RAPIDFUZZ_ITEMS,
            note="distance only: process.extractOne(q, words, scorer=Levenshtein.distance)",
        ),
    ]
    targets = [
        Target(
            "max_distance=2 at least 3x faster than symspellpy",
            "bridgebench-max2",
            "symspellpy",
            1 / 3,
            ACCURACY_PAIRS,
        )
    ]
    return Case(
        "accuracy",
        "query",
        make_misspellings,
        impls,
        ACCURACY_SIZES,
        agree=_any_answers,
        targets=targets,
        description="real misspellings (codespell): time per query; top-1/top-3 accuracy in the facts",
    )


def _latencies(speller, queries: list[str], calls: int = 1, **options) -> list[float]:
    """Each query's time, sorted; with calls > 1 the fastest of that many calls, so a query
    that lost the CPU to another process in one call is still timed for its own work."""
    out = []
    for q in queries:
        best = float("inf")
        for _ in range(calls):
            t = time.perf_counter()
            speller.suggest(q, **options)
            best = min(best, time.perf_counter() - t)
        out.append(best)
    return sorted(out)


def _percentiles(name: str, latencies: list[float]) -> dict[str, float]:
    def at(fraction: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(fraction * len(latencies)))] * 1e3, 4)

    return {
        f"{name} median (ms)": round(statistics.median(latencies) * 1e3, 4),
        f"{name} p90 (ms)": at(0.9),
        f"{name} p99 (ms)": at(0.99),
    }


def engine_facts() -> dict[str, Any]:
    """Index build time and memory, and the latency distribution of single queries."""
    words, frequencies = native.default_words(), native.default_frequencies()
    builds = []
    for _ in range(3):
        start = time.perf_counter()
        speller = native.Speller(words, frequencies=frequencies)
        builds.append(time.perf_counter() - start)
    queries = make_queries(1_000, 20261125)
    facts: dict[str, object] = {
        "dictionary words": len(words),
        "unique words": len(speller),
        "index build (s)": round(builds[0], 4),
        "index build, best of 3 (s)": round(min(builds), 4),
        "index memory (MiB)": round(speller.memory_bytes / 2**20, 1),
    }
    facts |= _percentiles("default suggest", _latencies(speller, queries))
    facts |= _percentiles("default suggest (best of 3 calls)", _latencies(speller, queries, calls=3))
    facts |= _percentiles("default suggest max_distance=2", _latencies(speller, queries, max_distance=2))
    facts |= _percentiles("levenshtein suggest", _latencies(speller, queries, metric="levenshtein"))
    facts["targets"] = (
        "default median <= 0.05 ms, p99 <= 1 ms; max_distance=2 median <= 0.025 ms; build <= 0.5 s, <= 80 MB"
    )
    return facts


def accuracy_facts() -> dict[str, Any]:
    """Top-1 and top-3 accuracy on the same codespell pairs for every checker installed, with
    its time per query, index build time and the memory its index added."""
    pairs = accuracy.codespell_pairs(set(native.default_words()), ACCURACY_PAIRS)
    facts: dict[str, Any] = {"accuracy pairs (codespell)": len(pairs)}
    for checker in accuracy.CHECKERS:
        if not accuracy.available(checker):
            facts[f"accuracy {checker.name}"] = "not installed"
            continue
        r = accuracy.measure(checker, pairs)
        facts[f"accuracy {r.name}"] = (
            f"top-1 {r.top1:.1f} %, top-3 {r.top3:.1f} %, {r.ms_per_query:.3f} ms/query, "
            f"build {r.build_s:.2f} s, +{r.index_mb:.0f} MB RSS"
        )
    # Ours alone is fast enough for every pair (the peers would take hours).
    every_pair = accuracy.codespell_pairs(set(native.default_words()), 10**9)
    r = accuracy.measure(accuracy.checker("bridgebench"), every_pair)
    facts[f"accuracy bridgebench, all {len(every_pair)} pairs"] = f"top-1 {r.top1:.1f} %, top-3 {r.top3:.1f} %"
    facts["accuracy targets"] = "top-1 >= 90 %, top-3 >= 96 %, both >= 5 points above symspellpy and pyspellchecker"
    return facts


def facts() -> dict[str, Any]:
    return engine_facts() | accuracy_facts()


WORKLOAD = Workload(
    name="spell",
    description="did-you-mean: closest word in a 348k-word dictionary",
    native_bench="bench_spell",
    cases=[
        _levenshtein_case(),
        _batch_case(),
        _max2_case(),
        _similarity_case("indel"),
        _similarity_case("jaro"),
        _accuracy_case(),
    ],
    facts=facts,
)
