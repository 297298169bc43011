"""The spell checker's semantics and argument checks, for the native module and the
pure-Python baseline alike (same API, same answers), plus the ledger."""

from __future__ import annotations

import gc

import pytest

import python_baseline.spell as baseline
from bridgebench import ledger, spell
from bridgebench.spell import capi

IMPLEMENTATIONS = [
    pytest.param(spell, id="native"),
    pytest.param(capi, id="capi"),
    pytest.param(baseline, id="baseline"),
]


# The plain metric, case-sensitive with dictionary-order ties (the default ranking has its own
# tests in test_spell_ranking.py).
LEV = {"metric": "levenshtein"}


@pytest.fixture(params=IMPLEMENTATIONS)
def impl(request):
    return request.param


def test_commands_did_you_mean(impl):
    commands = ["init", "install", "status", "commit", "exit"]
    assert impl.suggest("inyt", commands) == "init"
    assert impl.suggest("comit", commands) == "commit"


def test_exact_match_returns_itself(impl):
    words = ["bat", "cat", "car"]
    assert impl.suggest("cat", words) == "cat"
    assert impl.suggest_k("cat", 1, words) == [("cat", 0)]


def test_ties_go_to_the_first_word(impl):
    assert impl.suggest("xat", ["hat", "cat", "bat"], **LEV) == "hat"
    assert impl.suggest("xat", ["bat", "cat", "hat"], **LEV) == "bat"
    # Across lengths too: "ca" (deletion) and "cab" (substitution) are both 1 away.
    assert impl.suggest("cax", ["cab", "ca"], **LEV) == "cab"
    assert impl.suggest("cax", ["ca", "cab"], **LEV) == "ca"
    assert impl.suggest_k("xat", 3, ["hat", "cat", "bat"], **LEV) == [("hat", 1), ("cat", 1), ("bat", 1)]


def test_duplicates_count_once_at_their_first_position(impl):
    words = ["dog", "cat", "dog", "cat", "bat"]
    assert impl.suggest_k("cot", 5, words, **LEV) == [("cat", 1), ("dog", 2), ("bat", 2)]
    assert impl.Speller(words).suggest_k("dot", 10, **LEV) == [("dog", 1), ("cat", 2), ("bat", 2)]


def test_empty_dictionary(impl):
    assert impl.suggest("word", []) is None
    assert impl.suggest_k("word", 3, []) == []
    assert impl.spellcheck("word", []) == (None, 0.0)
    assert impl.Speller([]).suggest_many(["a", "b"]) == [None, None]


def test_max_distance(impl):
    words = ["kitten", "sitting", "mitten"]
    assert impl.suggest("sitten", words, max_distance=0, **LEV) is None
    assert impl.suggest("kitten", words, max_distance=0, **LEV) == "kitten"
    assert impl.suggest("sittn", words, max_distance=1, **LEV) is None
    assert impl.suggest("sittn", words, max_distance=2, **LEV) == "kitten"  # kitten, sitting, mitten: all 2
    assert impl.suggest("xyz", words, max_distance=2, **LEV) is None
    assert impl.suggest_k("sitten", 3, words, max_distance=1, **LEV) == [("kitten", 1), ("mitten", 1)]


def test_k_larger_than_the_dictionary_and_zero(impl):
    words = ["a", "bb", "ccc"]
    assert impl.suggest_k("b", 10, words, **LEV) == [("a", 1), ("bb", 1), ("ccc", 3)]
    assert impl.suggest_k("b", 0, words, **LEV) == []


def test_empty_query(impl):
    assert impl.suggest("", ["abc", "de", "f"], **LEV) == "f"
    assert impl.suggest("", ["", "a"], **LEV) == ""
    assert impl.suggest("", ["abc", "de", "f"]) is None  # the default ranking: nothing to correct
    assert impl.distance("", "") == 0
    assert impl.similarity("", "", "levenshtein") == 1.0
    assert impl.similarity("", "", "indel") == 1.0
    assert impl.similarity("", "", "jaro") == 1.0
    assert impl.similarity("", "a", "jaro") == 0.0


def test_unicode_code_points(impl):
    # One code point each: é (Latin-1), ł (BMP), 🐍 (outside the BMP) - never UTF-8 bytes.
    assert impl.distance("naïve", "naive") == 1
    assert impl.distance("🐍", "") == 1
    assert impl.distance("a🐍b", "a🐎b") == 1
    assert impl.suggest("żółw", ["zolw", "żółty", "żółw"], **LEV) == "żółw"
    assert impl.suggest("zółw", ["zolw", "żółw"], **LEV) == "żółw"
    # Case-sensitive, no normalisation: "é" composed vs "e" + combining accent differ.
    assert impl.distance("é", "e\u0301") == 2
    assert impl.distance("A", "a") == 1


# The baseline's O(n*m) Python loop is covered at this length by test_long_words_native_vs_baseline.
@pytest.mark.parametrize("impl", IMPLEMENTATIONS[:2])
def test_long_words(impl):
    long_word = "ab" * 600 + "c"  # 1,201 code points: the blocked kernel (19 blocks)
    words = ["short", long_word, long_word[:-5] + "xyz"]
    assert impl.suggest(long_word, words) == long_word
    assert impl.suggest(long_word + "q", words) == long_word
    # "ab" * 598 + "abab" vs "ab" * 598 + "xyz": three substitutions and a deletion.
    assert impl.suggest_k("ab" * 600, 2, words, **LEV) == [(long_word, 1), (long_word[:-5] + "xyz", 4)]
    # The default ranking keeps only near ties of the nearest word.
    assert impl.suggest_k("ab" * 600, 2, words) == [(long_word, 1)]


def test_long_words_native_vs_baseline():
    a = "abcde" * 220  # 1,100 code points
    b = ("abxde" * 200) + "q" * 30
    assert spell.distance(a, b) == baseline.distance(a, b)
    assert spell.similarity(a, b, "indel") == baseline.similarity(a, b, "indel")
    assert spell.similarity(a, b, "jaro") == baseline.similarity(a, b, "jaro")


def test_query_longer_than_every_dictionary_word(impl):
    words = ["alpha", "beta", "gamma", "delta"]
    query = "gammadeltaepsilonzeta" * 4
    assert impl.suggest(query, words, **LEV) == baseline.suggest(query, words, **LEV)
    assert impl.suggest_k(query, 4, words, **LEV) == baseline.suggest_k(query, 4, words, **LEV)


def test_metrics_rank_by_their_own_score(impl):
    words = ["martha", "marhta", "mart", "arthur"]
    assert impl.suggest("marhta", words, metric="jaro") == "marhta"
    ranked = impl.suggest_k("martha", 4, words, metric="indel")
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert ranked[0] == ("martha", 1.0)
    assert impl.similarity("martha", "marhta", "jaro") == pytest.approx(17 / 18)


def test_spellcheck_is_the_seeds_call(impl):
    word, likelihood = impl.spellcheck("helo", ["hello", "help", "halo"])
    assert word in {"hello", "help", "halo"}
    assert likelihood == impl.similarity("helo", word, "damerau")
    word, likelihood = impl.spellcheck("helo", ["hello", "help", "halo"], metric="indel")
    assert likelihood == impl.similarity("helo", word, "indel")
    assert impl.spellcheck("help", ["hello", "help"], metric="jaro") == ("help", 1.0)


@pytest.mark.parametrize(
    "call,exception,fragment",
    [
        (lambda m: m.suggest(1, ["a"]), TypeError, "word"),
        (lambda m: m.suggest(b"a", ["a"]), TypeError, "word"),
        (lambda m: m.suggest("a", ["a", 2]), TypeError, "dictionary[1]"),
        (lambda m: m.suggest("a", "abc"), TypeError, "dictionary"),
        (lambda m: m.suggest("a", 5), TypeError, "dictionary"),
        (lambda m: m.suggest_k("a", -1, ["a"]), ValueError, "k"),
        (lambda m: m.suggest_k("a", 1.5, ["a"]), TypeError, "k"),
        (lambda m: m.suggest_k("a", True, ["a"]), TypeError, "k"),
        (lambda m: m.suggest("a", ["a"], max_distance=-1), ValueError, "max_distance"),
        (lambda m: m.suggest("a", ["a"], max_distance="1"), TypeError, "max_distance"),
        (lambda m: m.suggest("a", ["a"], metric="hamming"), ValueError, "metric"),
        (lambda m: m.suggest("a", ["a"], metric=None), TypeError, "metric"),
        (lambda m: m.suggest("a", ["a"], metric="indel", max_distance=1), ValueError, "max_distance"),
        (lambda m: m.suggest("a", ["a"], min_similarity=0.5), ValueError, "min_similarity"),
        (lambda m: m.suggest("a", ["a"], metric="jaro", min_similarity="high"), TypeError, "min_similarity"),
        (lambda m: m.distance("a", None), TypeError, "b"),
        (lambda m: m.similarity(3, "a"), TypeError, "a"),
        (lambda m: m.Speller(["a", None]), TypeError, "words[1]"),
        (lambda m: m.Speller(["a"]).suggest_many(["a", 3]), TypeError, "words[1]"),
        (lambda m: m.Speller(["a"]).suggest_many("abc"), TypeError, "words"),
        (lambda m: m.Speller(["a"]).suggest_many(["a"], threads=0), ValueError, "threads"),
        (lambda m: m.Speller(["a"]).suggest_many(["a"], threads=-2), ValueError, "threads"),
    ],
)
def test_bad_arguments_name_the_argument(impl, call, exception, fragment):
    with pytest.raises(exception, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        call(impl)


def test_speller_keeps_the_callers_words():
    words = ["alpha", "beta", "alpha", "gamma"]
    speller = spell.Speller(words)
    assert len(speller) == 3
    assert speller.words == ["alpha", "beta", "gamma"]
    assert speller.memory_bytes > 0
    words.clear()  # the index copied what it needs
    assert speller.suggest("gamme") == "gamma"


def test_default_dictionary_is_loaded_once_and_agrees_with_a_brute_force_scan():
    words = spell.default_words()
    assert len(words) > 340_000 and words is spell.default_words()
    speller = spell.default_speller()
    assert speller is spell.default_speller()
    for word in ("speling", "recieve", "Caf\u00e9x", "z" * 70):
        distances = [spell.distance(word, w) for w in words]
        best = min(distances)
        assert spell.suggest(word, **LEV) == words[distances.index(best)]
        assert spell.suggest_k(word, 1, **LEV) == [(words[distances.index(best)], best)]


def test_ledger_balanced_and_counted(balanced_ledger):
    speller = spell.Speller(["alpha", "beta", "gamma"] * 10)
    speller.suggest("alpah")
    speller.suggest_k("bet", 2)
    speller.suggest_many(["alpah", "gama"], threads=2)
    spell.suggest("x", ["y", "z"])
    del speller
    gc.collect()
    # balanced_ledger checks the balance on exit; here, that the sites were really used.
    snapshot = ledger.snapshot()
    for site in ("spell.Speller", "spell.suggest", "spell.suggest_k", "spell.suggest_many"):
        assert snapshot[site].allocations > 0, site


def test_errors_leak_nothing(balanced_ledger):
    speller = spell.Speller(["alpha", "beta"])
    for bad in (["a", 1], "abc", None):
        with pytest.raises(TypeError):
            speller.suggest_many(bad)
    with pytest.raises(TypeError):
        spell.Speller(["a", "b", 3])
    with pytest.raises(ValueError):
        speller.suggest_k("a", -3)
    del speller


def test_capi_ledger_balanced_and_counted(balanced_ledger):
    words = ["alpha", "beta", "gamma"] * 10
    with capi.Speller(words) as speller:
        assert speller.suggest("alpah") == "alpha"
        assert speller.suggest_k("bet", 2) == baseline.suggest_k("bet", 2, words)
        assert speller.suggest("zzzzzz", max_distance=1) is None
    capi.suggest("x", ["y", "z"])
    capi.spellcheck("x", ["y", "z"])
    snapshot = ledger.snapshot()
    for site in ("capi.bb_speller_create", "capi.bb_spell_suggest", "capi.bb_spell_suggest_k"):
        assert snapshot[site].allocations > 0, site


def test_capi_speller_freed_by_finalizer(balanced_ledger):
    speller = capi.Speller(["one", "two"])
    assert speller.suggest("tow") == "two"
    del speller  # weakref.finalize frees the handle


def test_capi_closed_speller_refuses_work():
    speller = capi.Speller(["one"])
    speller.close()
    speller.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        speller.suggest("one")


def test_capi_lone_surrogate_names_the_argument(balanced_ledger):
    with pytest.raises(UnicodeEncodeError, match=r"words\[1\]"):
        capi.Speller(["ok", "bad\ud800"])
    with pytest.raises(UnicodeEncodeError, match="word"):
        capi.suggest("\udc00", ["a"])
