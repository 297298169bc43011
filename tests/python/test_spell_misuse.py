"""Regression tests for misuse of the spell API: each crashed the interpreter or answered
inconsistently before it was fixed. The crashers run in a child process (spell_misuse_drivers.py),
so a crash fails the test instead of killing pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import python_baseline.spell as baseline
from bridgebench import spell
from bridgebench.spell import capi
from bridgebench_rules import spell as rules

HERE = Path(__file__).resolve().parent
IMPLEMENTATIONS = [
    pytest.param(baseline, id="baseline"),
    pytest.param(spell, id="pybind11"),
    pytest.param(capi, id="capi"),
]


def run_driver(name: str) -> str:
    """Runs spell_misuse_drivers.<name>() in a fresh interpreter; its output on success."""
    done = subprocess.run(
        [sys.executable, "-c", f"import spell_misuse_drivers as d; d.{name}()"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{name} exited with {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout.strip()


# ---- crashes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("driver", ["build_while_list_changes_native", "build_while_list_changes"])
def test_speller_built_while_another_thread_changes_the_list(driver):
    # Before: a crash, or Speller.words holding ints and suggest() answering with an int.
    assert run_driver(driver) == "ok"


def test_suggest_many_while_another_thread_resizes_the_list():
    # Before: a crash (the output was sized from the live list after the search).
    assert run_driver("suggest_many_while_list_resized") == "ok"


def test_capi_close_while_another_thread_searches():
    # Before: close() freed the index under the running search (a crash).
    facts = dict(part.split("=", 1) for part in run_driver("capi_close_while_searching").split(" ", 1))
    assert int(facts["refused"]) >= 1  # close() during the search raised instead of freeing
    assert facts["worker"] in ("[]", f"[{rules.CLOSED!r}]")


def test_changing_speller_words_changes_nothing():
    # Before: Speller.words was the index's own list; clearing it made suggest() read past its end.
    assert run_driver("words_changed_by_the_caller") == "gamma 3"


def test_speller_used_without_init_raises_type_error():
    # Before: a crash (pybind11) or AttributeError (the others).
    results = run_driver("uninitialised").split("|")
    assert results == [f"TypeError: {rules.NOT_INITIALISED}"] * len(results)


def test_ctrl_c_interrupts_a_long_suggest_many():
    # Before: KeyboardInterrupt only when the whole batch had finished.
    facts = dict(part.split("=") for part in run_driver("ctrl_c_during_suggest_many").split())
    assert float(facts["latency"]) < float(facts["batch"]) / 10


# ---- the same error from every implementation -------------------------------------------------------


def outcome(call):
    try:
        return ("ok", call())
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return (type(e), str(e))


def same_everywhere(call):
    results = {p.id: outcome(lambda m=p.values[0]: call(m)) for p in IMPLEMENTATIONS}
    assert all(r == results["baseline"] for r in results.values()), results
    return results["baseline"]


WORDS = ["kitten", "sitting", "mitten", "bitten"]


@pytest.mark.parametrize("huge", [2**63 - 1, 2**63, 2**64, 10**400])
def test_huge_counts_mean_no_limit_everywhere(huge):
    # Before: pybind11 said "k must be >= 0" while the others clamped.
    everything = baseline.suggest_k("sitten", len(WORDS), WORDS)
    assert same_everywhere(lambda m: m.suggest_k("sitten", huge, WORDS)) == ("ok", everything)
    assert same_everywhere(lambda m: m.suggest("sitten", WORDS, max_distance=huge)) == ("ok", "kitten")
    assert same_everywhere(lambda m: m.Speller(WORDS).suggest_many(["sitten"], threads=huge)) == ("ok", ["kitten"])


def test_lone_surrogate_metric_names_the_argument():
    # Before: pybind11 raised "Unable to cast Python instance" naming nothing.
    kind, message = same_everywhere(lambda m: m.suggest("a", WORDS, metric="\ud800"))
    assert kind is ValueError and message.startswith("metric must be one of")


def test_huge_min_similarity_names_the_argument():
    # Before: OverflowError "int too large to convert to float", naming nothing.
    kind, message = same_everywhere(lambda m: m.suggest("a", WORDS, metric="jaro", min_similarity=10**400))
    assert kind is ValueError and message.startswith("min_similarity must be between 0 and 1")


def test_more_distinct_characters_than_the_index_names_is_refused_everywhere():
    too_many = [chr(0x10000 + i) for i in range(rules.MAX_DISTINCT_CHARACTERS + 1)]
    assert same_everywhere(lambda m: len(m.Speller(too_many[1:]))) == ("ok", rules.MAX_DISTINCT_CHARACTERS)
    assert same_everywhere(lambda m: m.Speller(too_many)) == (ValueError, rules.TOO_MANY_CHARACTERS)


def test_lone_surrogate_word_is_refused_everywhere_naming_the_index():
    # Before: accepted by pybind11 and the baseline, refused by the C ABI.
    kind, message = same_everywhere(lambda m: m.suggest("a", ["ok", "bad\udc80"]))
    assert kind is UnicodeEncodeError and "dictionary[1]" in message


def test_ctrl_c_just_after_the_index_is_made_does_not_leak_it(monkeypatch):
    # Python delivers Ctrl-C when a call returns: here, as the function that made the index
    # returns to Speller.__init__. The index must already be owned (its address written into
    # a handle whose finalizer is registered), so collecting the half-made Speller frees it.
    import gc

    from bridgebench import ledger

    real = capi._create

    def interrupted_on_return(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(capi, "_create", interrupted_on_return)
    with ledger.balanced():
        with pytest.raises(KeyboardInterrupt):
            capi.Speller(["alpha", "beta", "gamma"])
        gc.collect()
