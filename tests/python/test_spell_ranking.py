"""The default ranking ("damerau", docs/spell.md): transpositions, case, frequencies, near
ties and answers a person expects, for the native module, the C ABI and the baseline alike."""

from __future__ import annotations

import pytest

import python_baseline.spell as baseline
from bridgebench import spell
from bridgebench.spell import capi
from python_baseline import spell_ranking

IMPLEMENTATIONS = [
    pytest.param(spell, id="native"),
    pytest.param(capi, id="capi"),
    pytest.param(baseline, id="baseline"),
]


@pytest.fixture(params=IMPLEMENTATIONS)
def impl(request):
    return request.param


def test_a_swap_of_neighbours_is_one_edit(impl):
    words = ["receive", "recede"]
    assert impl.suggest_k("recieve", 2, words) == [("receive", 1)]  # recede is 2 away, and no near tie
    assert impl.suggest_k("recieve", 2, words, metric="levenshtein") == [("receive", 2), ("recede", 2)]
    assert impl.Speller(words, frequencies=[0, 301]).suggest_k("recieve", 2) == [("receive", 1), ("recede", 2)]
    assert impl.similarity("abcd", "abdc", "damerau") == 0.75


def test_ties_go_to_the_more_frequent_word(impl):
    words = ["eth", "tech", "the"]
    assert impl.suggest("teh", words) == "eth"  # no frequencies: dictionary order decides
    speller = impl.Speller(words, frequencies=[100, 400, 736])
    assert speller.suggest("teh") == "the"
    assert speller.suggest_k("teh", 3) == [("the", 1), ("tech", 1), ("eth", 1)]


def test_near_ties_weigh_typing_cost_against_frequency(impl):
    # "accouns": "account" (one wrong letter) and "accounts" (one dropped letter) are both 1
    # edit away; a dropped letter is the likelier slip.
    speller = impl.Speller(["account", "accounts"], frequencies=[521, 473])
    assert speller.suggest("accouns") == "accounts"
    # One edit farther, a much more frequent word can win: "themselfs" is 1 from "themself"
    # and 2 from "themselves", which is twice as frequent.
    words = ["themself", "themselves"]
    assert impl.suggest("themselfs", words) == "themself"
    assert impl.Speller(words, frequencies=[260, 516]).suggest("themselfs") == "themselves"
    # Only frequent words (above Zipf 3) are near ties, and only one edit farther.
    assert impl.Speller(words, frequencies=[260, 300]).suggest("themselfs") == "themself"
    # Two edits farther is never a near tie.
    assert impl.Speller(["themself", "themselvesss"], frequencies=[0, 800]).suggest("themselfs") == "themself"


def test_case_is_ignored_and_the_querys_capitals_kept(impl):
    words = ["hello", "Paris", "iPhone", "polish", "Polish"]
    assert impl.suggest("HELLO", words) == "HELLO"
    assert impl.suggest("HELO", words) == "HELLO"
    assert impl.suggest("Helo", words) == "Hello"
    assert impl.suggest("paris", words) == "Paris"  # the dictionary's spelling
    assert impl.suggest("iphone", words) == "iPhone"
    assert impl.suggest("polsh", words) == "polish"
    assert impl.suggest("Polsh", words) == "Polish"
    assert impl.suggest("polish", words) == "polish"  # an exact word returns itself
    assert impl.suggest("Polish", words) == "Polish"
    assert impl.suggest_k("HELO", 1, words) == [("HELLO", 1)]


def test_exact_word_returns_itself_even_when_a_neighbour_is_more_frequent(impl):
    speller = impl.Speller(["closed", "cosed"], frequencies=[490, 0])
    assert speller.suggest("cosed") == "cosed"
    assert speller.suggest_k("cosed", 2) == [("cosed", 0), ("closed", 1)]


@pytest.mark.parametrize("query", ["", "123", "--", " ", "4.5"])
def test_nothing_to_correct_gives_none(impl, query):
    words = ["a", "I", "1", "123"]
    assert impl.suggest(query, words) is None
    assert impl.suggest_k(query, 3, words) == []
    assert impl.spellcheck(query, words) == (None, 0.0)


def test_max_distance_is_a_bound(impl):
    words = ["kitten", "sitting", "mitten"]
    assert impl.suggest("sittn", words, max_distance=1) is None
    assert impl.suggest("sittn", words, max_distance=2) in {"kitten", "sitting", "mitten"}
    assert impl.suggest_k("sitten", 3, words, max_distance=1) == baseline.suggest_k("sitten", 3, words, max_distance=1)


def test_bad_frequencies_name_the_argument(impl):
    with pytest.raises(ValueError, match="one entry per word"):
        impl.Speller(["a", "b"], frequencies=[1])
    with pytest.raises(ValueError, match=r"frequencies\[1\]"):
        impl.Speller(["a", "b"], frequencies=[1, -1])
    with pytest.raises(TypeError, match=r"frequencies\[0\]"):
        impl.Speller(["a"], frequencies=[1.5])
    with pytest.raises(TypeError, match="frequencies"):
        impl.Speller(["a"], frequencies="1")


@pytest.mark.parametrize(
    "query,meant",
    [("speling", "spelling"), ("wrod", "word"), ("teh", "the"), ("HELLO", "HELLO"), ("recieve", "receive")],
)
def test_default_dictionary_gives_what_a_person_means(query, meant):
    assert spell.suggest(query) == meant
    assert capi.suggest(query) == meant


def test_default_dictionary_native_and_baseline_agree():
    for query in ("speling", "Teh", "occured", "HELO"):
        assert spell.suggest_k(query, 3) == baseline.suggest_k(query, 3)


def test_case_tables_match_python_where_they_claim_to():
    covered = [*range(0x41, 0x5B), *range(0xC0, 0xDF), *range(0x100, 0x180), *range(0x391, 0x3AA), *range(0x400, 0x430)]
    for c in covered:
        ch = chr(c)
        if c in (0xD7, 0x130, 0x131, 0x138, 0x149, 0x17F, 0x3A2):  # no one-to-one pair
            continue
        assert spell_ranking.fold_case(ch) == ch.lower(), hex(c)
        if ch.lower() != ch:
            assert spell_ranking.upper_case(ch.lower()) == ch, hex(c)
    for c in range(0x20, 0x250):  # letters: Python agrees apart from the few Latin-1 symbols
        if c not in (0xAA, 0xB5, 0xBA):
            assert spell_ranking.is_letter(chr(c)) == chr(c).isalpha(), hex(c)


def test_native_case_tables_agree_with_the_baseline():
    # Each cased character against a one-word dictionary of its partner, in both directions.
    for c in range(0x20, 0x530):
        ch = chr(c)
        if not spell_ranking.is_letter(ch):
            assert spell.suggest(ch, [ch]) is None
            continue
        partner = spell_ranking.fold_case(ch)
        if partner != ch:
            assert spell.suggest(ch, [partner]) == baseline.suggest(ch, [partner]) == ch, hex(c)
