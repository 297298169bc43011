"""Searches of a large index release the GIL: another Python thread makes progress during the
native call (same method as test_arrays_gil.py: with a very long switch interval the main
thread never hands the GIL over on its own)."""

from __future__ import annotations

import pytest
from test_arrays_gil import progress_during

from bridgebench import spell


@pytest.fixture(scope="module")
def big():
    return spell.default_speller()


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda s: s.suggest_many(["speling", "recieve", "adress"] * 200, threads=1), id="suggest_many"),
        pytest.param(lambda s: [s.suggest("qwertyuiopasdf" + str(i)) for i in range(30)], id="suggest"),
        pytest.param(lambda s: [s.suggest_k("zxcvbnmlkjh", 5, metric="jaro") for _ in range(30)], id="suggest_k"),
        pytest.param(lambda s: spell.Speller(spell.default_words()), id="build"),
    ],
)
def test_long_searches_release_the_gil(big, call):
    assert progress_during(lambda: call(big)) > 0


def test_small_dictionaries_do_not_bother_releasing():
    small = spell.Speller(["init", "install", "status"])
    assert progress_during(lambda: small.suggest("inyt")) == 0
