"""atheris target: bridgebench._spell (Speller and its methods, distance, similarity) on
arbitrary dictionaries, words and options. A call returns or raises an argument error
(values.ARGUMENT_ERRORS); distances are symmetric and similarities within [0, 1]."""

from __future__ import annotations

import sys

import atheris
import values

with atheris.instrument_imports():
    from bridgebench import _spell

METRICS = ("levenshtein", "indel", "jaro")
DICTIONARY = ["spelling", "speling", "hello", "help", "caf\u00e9", "na\u00efve", "\u65e5\u672c\u8a9e", "\U0001f600", ""]
SPELLER = _spell.Speller(DICTIONARY)


def word(fdp: atheris.FuzzedDataProvider):
    if fdp.ConsumeIntInRange(0, 3) == 0:
        return values.scalar(fdp)
    return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 16))


def option(fdp: atheris.FuzzedDataProvider, choices: tuple):
    if fdp.ConsumeBool():
        return choices[fdp.ConsumeIntInRange(0, len(choices) - 1)]
    return values.scalar(fdp)


def options(fdp: atheris.FuzzedDataProvider) -> dict:
    out = {}
    if fdp.ConsumeBool():
        out["metric"] = option(fdp, METRICS)
    if fdp.ConsumeBool():
        out["max_distance"] = option(fdp, (None, 0, 1, 2, -1))
    if fdp.ConsumeBool():
        out["min_similarity"] = option(fdp, (None, 0.0, 0.5, 1.0, 2.0))
    return out


def speller(fdp: atheris.FuzzedDataProvider):
    if fdp.ConsumeIntInRange(0, 3) == 0:
        return SPELLER
    return _spell.Speller(values.sequence(fdp, word))


def search(fdp: atheris.FuzzedDataProvider, s) -> None:
    what = fdp.ConsumeIntInRange(0, 4)
    if what == 0:
        s.suggest(word(fdp), **options(fdp))
    elif what == 1:
        s.suggest_k(word(fdp), option(fdp, (0, 1, 3, 100)), **options(fdp))
    elif what == 2:
        threads = option(fdp, (None, 1, 2))
        s.suggest_many(values.sequence(fdp, word), threads=threads, **options(fdp))
    elif what == 3:
        if len(s.words) < 0 or s.memory_bytes < 0:
            raise AssertionError("negative size")
    elif values.enabled("uninitialised"):
        _spell.Speller.__new__(_spell.Speller).suggest(word(fdp))


def pairwise(fdp: atheris.FuzzedDataProvider) -> None:
    a, b = word(fdp), word(fdp)
    d = _spell.distance(a, b)
    if d != _spell.distance(b, a) or d < 0:
        raise AssertionError(f"distance({a!r}, {b!r}) = {d}, reversed {_spell.distance(b, a)}")
    metric = option(fdp, METRICS)
    sim = _spell.similarity(a, b, metric)
    if not 0.0 <= sim <= 1.0:
        raise AssertionError(f"similarity({a!r}, {b!r}, {metric!r}) = {sim}")


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    try:
        if fdp.ConsumeBool():
            pairwise(fdp)
        else:
            search(fdp, speller(fdp))
    except values.ARGUMENT_ERRORS:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
