"""The spell workload's registry entry: deterministic inputs and the agreement rule."""

from __future__ import annotations

import pytest

from bridgebench import spell, workloads
from bridgebench.runners import worker
from bridgebench.workloads import _spell_accuracy as accuracy
from bridgebench.workloads import spell as entry


def test_registered_with_targets():
    workload = workloads.get("spell")
    assert {c.name for c in workload.cases} >= {"suggest", "suggest_many", "indel", "jaro"}
    assert workload.case("suggest").targets and workload.case("suggest_many").targets


def test_queries_are_deterministic_typos():
    a = entry.make_queries(50, 3)
    assert a == entry.make_queries(50, 3) and a != entry.make_queries(50, 4)
    speller = spell.default_speller()
    # Every query is 1-3 edits from some dictionary word.
    assert all(spell.suggest_k(q, 1, speller, metric="levenshtein")[0][1] <= entry.MAX_EDITS for q in a)


def test_agree_requires_equal_scores_and_words_when_both_keep_our_tie_break():
    ours = [(1, "cat", True), (None, None, True)]
    assert entry.agree(ours, [(1, "cat", True), (None, None, True)])
    assert not entry.agree(ours, [(1, "bat", True), (None, None, True)])  # same distance, wrong tie-break
    assert entry.agree(ours, [(1, "bat", False), (None, None, False)])  # peer without our tie-break
    assert not entry.agree(ours, [(2, "cart", False), (None, None, False)])
    assert not entry.agree(ours, [(1, "cat", True), (3, "dog", True)])
    assert not entry.agree(ours, ours[:1])


def test_worker_runs_and_checks_the_batch_case():
    result = worker.run_job(
        {
            "workload": "spell",
            "case": "suggest_many",
            "size": 40,
            "seed": 1,
            "min_time": 0.001,
            "samples": 1,
            "warmups": 0,
            "implementations": ["suggest_many-1t", "suggest_many-2t"],
        }
    )
    statuses = {name: r["status"] for name, r in result["implementations"].items()}
    assert statuses == {"suggest_many-1t": "ok", "suggest_many-2t": "ok"}


def test_facts_report_build_time_and_memory():
    facts = entry.engine_facts()
    assert facts["unique words"] == facts["dictionary words"] > 300_000
    assert facts["index build (s)"] > 0 and facts["index memory (MiB)"] > 1
    assert facts["default suggest median (ms)"] <= facts["default suggest p99 (ms)"]
    # The fastest of three calls is never slower than the first alone, query by query.
    assert facts["index build, best of 3 (s)"] <= facts["index build (s)"]
    best = "default suggest (best of 3 calls)"
    assert facts[f"{best} median (ms)"] <= facts[f"{best} p99 (ms)"]


def test_codespell_pairs_are_a_fixed_sample_of_single_word_corrections():
    words = set(spell.default_words())
    pairs = accuracy.codespell_pairs(words, 40)
    assert pairs == accuracy.codespell_pairs(words, 40) and len(pairs) == 40
    assert all(p.correction in words and p.typo != p.correction for p in pairs)
    assert entry.make_misspellings(40, 1) == [p.typo for p in pairs]


def test_accuracy_is_scored_against_the_correction():
    pairs = [accuracy.Pair("speling", "spelling"), accuracy.Pair("wrod", "word"), accuracy.Pair("zzzzqx", "cat")]
    result = accuracy.measure(accuracy.checker("bridgebench"), pairs)
    assert (result.top1, result.top3) == (pytest.approx(200 / 3), pytest.approx(200 / 3))
    assert result.ms_per_query > 0 and result.build_s > 0
