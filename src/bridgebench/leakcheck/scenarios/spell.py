"""Leak-audit scenarios for the spell checker: bridgebench._spell (pybind11) and
bridgebench.spell.capi (the C ABI through ctypes), normal and error paths.

Indexes are built on small word lists here: one module-level speller per API serves the
search scenarios (its own allocations exist before the ledger's first snapshot), and separate
scenarios build and drop an index each time, so a leak per build and a leak per search are both
visible. The bundled 348k-word dictionary is never loaded (too slow for the audit's budget).
"""

from __future__ import annotations

import array
import ctypes
import math
import random

from bridgebench import _clib, _spell
from bridgebench.leakcheck.scenarios import Canary, Scenario, cover_module, cover_symbols, failing_iterable
from bridgebench.spell import capi

PYBIND = "bridgebench._spell"
CAPI = "bridgebench.spell.capi"

_rng = random.Random(3)
WORDS = ["".join(_rng.choices("abcdefghijklmnopqrstuvwxyz", k=_rng.randint(1, 10))) for _ in range(200)]
WORDS += ["héllo", "naïve", "😀smile", "x" * 80, "", WORDS[0]]  # Unicode, long, empty, a duplicate
# Above the bindings' release_gil_from_words (2048): the GIL is released for build and search.
LARGE = WORDS * 12

SPELLER = _spell.Speller(WORDS)
CAPI_SPELLER = capi.Speller(WORDS)


def _pybind(function: str, case: str, run, *, raises=None, reduced=False, weight=1.0) -> Scenario:
    return Scenario(
        f"spell.pybind.{function}.{case}",
        run,
        cover_module(PYBIND, function),
        raises=raises,
        reduced=reduced,
        growth_weight=weight,
    )


def _capi(
    function: str, symbols: tuple[str, ...], case: str, run, *, raises=None, reduced=False, weight=1.0
) -> Scenario:
    return Scenario(
        f"spell.capi.{function}.{case}",
        run,
        cover_module(CAPI, function) + cover_symbols(*symbols),
        raises=raises,
        reduced=reduced,
        growth_weight=weight,
    )


def _build_and_search():
    speller = _spell.Speller(WORDS)
    assert speller.suggest("helo") is not None
    assert len(speller.words) == len(speller)
    del speller


def _build_large():
    speller = _spell.Speller(LARGE)
    speller.suggest("abcdefg")
    del speller


SCENARIOS: list[Scenario] = [
    # ---- pybind11: the index ----
    _pybind("Speller", "build", _build_and_search, reduced=True, weight=0.2),
    _pybind("Speller", "build_large", _build_large, weight=0.02),
    _pybind("Speller", "empty", lambda: _spell.Speller([]).suggest("a")),
    _pybind("Speller", "bad_item_last", lambda: _spell.Speller(WORDS + [3]), raises=TypeError, reduced=True),
    _pybind("Speller", "not_a_sequence", lambda: _spell.Speller(12), raises=TypeError),
    _pybind("Speller", "str_instead_of_list", lambda: _spell.Speller("abc"), raises=TypeError),
    _pybind(
        "Speller",
        "iterable_fails_midway",
        lambda: _spell.Speller(failing_iterable(WORDS, 50)),
        raises=(TypeError, RuntimeError),
    ),
    _pybind("Speller.words", "ok", lambda: SPELLER.words),
    _pybind("Speller.memory_bytes", "ok", lambda: SPELLER.memory_bytes),
    # ---- pybind11: searches ----
    _pybind("Speller.suggest", "ok", lambda: SPELLER.suggest("helo"), reduced=True),
    _pybind("Speller.suggest", "exact", lambda: SPELLER.suggest(WORDS[5])),
    _pybind("Speller.suggest", "long_query", lambda: SPELLER.suggest("ab" * 100)),
    _pybind("Speller.suggest", "max_distance_none_found", lambda: SPELLER.suggest("zzzzzzzzz", max_distance=0)),
    _pybind("Speller.suggest", "indel", lambda: SPELLER.suggest("helo", metric="indel", min_similarity=0.5)),
    _pybind("Speller.suggest", "jaro", lambda: SPELLER.suggest("helo", metric="jaro")),
    _pybind("Speller.suggest", "bad_word", lambda: SPELLER.suggest(3), raises=TypeError, reduced=True),
    _pybind("Speller.suggest", "bad_metric", lambda: SPELLER.suggest("a", metric="hamming"), raises=ValueError),
    _pybind(
        "Speller.suggest", "negative_max_distance", lambda: SPELLER.suggest("a", max_distance=-1), raises=ValueError
    ),
    _pybind("Speller.suggest_k", "ok", lambda: SPELLER.suggest_k("helo", 5), reduced=True),
    _pybind("Speller.suggest_k", "k_over_size", lambda: SPELLER.suggest_k("helo", 10_000, metric="jaro")),
    _pybind("Speller.suggest_k", "negative_k", lambda: SPELLER.suggest_k("helo", -1), raises=ValueError),
    _pybind("Speller.suggest_many", "ok", lambda: SPELLER.suggest_many(WORDS[:40], threads=2), reduced=True),
    _pybind("Speller.suggest_many", "large", lambda: _spell.Speller(LARGE).suggest_many(WORDS[:60]), weight=0.02),
    _pybind(
        "Speller.suggest_many",
        "bad_item_last",
        lambda: SPELLER.suggest_many(WORDS[:40] + [None]),
        raises=TypeError,
        reduced=True,
    ),
    _pybind("Speller.suggest_many", "zero_threads", lambda: SPELLER.suggest_many(["a"], threads=0), raises=ValueError),
    _pybind("distance", "ok", lambda: _spell.distance("kitten", "sitting"), reduced=True),
    _pybind("distance", "bad", lambda: _spell.distance("a", None), raises=TypeError),
    _pybind("similarity", "ok", lambda: _spell.similarity("martha", "marhta", "jaro")),
    _pybind("similarity", "bad_metric", lambda: _spell.similarity("a", "b", "x"), raises=ValueError),
]


# ---- the C ABI through the ctypes wrapper -----------------------------------------------------


def _capi_build_close():
    with capi.Speller(WORDS) as speller:
        speller.suggest("helo")


def _capi_build_finalized():
    speller = capi.Speller(WORDS)  # freed by weakref.finalize when dropped
    speller.suggest_k("helo", 3)
    del speller


_CREATE = ("bb_speller_create", "bb_speller_free")
_SUGGEST = ("bb_spell_suggest", "bb_free_spell_suggestion")
_SUGGEST_K = ("bb_spell_suggest_k", "bb_free_spell_suggestions")

SCENARIOS += [
    _capi(
        "Speller",
        _CREATE + ("bb_speller_size", "bb_speller_memory_bytes"),
        "build_close",
        lambda: (_capi_build_close(), len(CAPI_SPELLER), CAPI_SPELLER.memory_bytes),
        reduced=True,
        weight=0.2,
    ),
    _capi("Speller", _CREATE, "build_finalized", _capi_build_finalized, weight=0.2),
    _capi("Speller", (), "bad_item", lambda: capi.Speller(["a", 2]), raises=TypeError),
    _capi("Speller", (), "lone_surrogate", lambda: capi.Speller(["a", "\ud800"]), raises=UnicodeEncodeError),
    _capi("suggest", _SUGGEST, "ok", lambda: capi.suggest("helo", CAPI_SPELLER), reduced=True),
    _capi("suggest", _SUGGEST, "none_found", lambda: capi.suggest("zzzzzz", CAPI_SPELLER, max_distance=0)),
    _capi("suggest", _SUGGEST + _CREATE, "list_dictionary", lambda: capi.suggest("helo", WORDS[:30]), weight=0.5),
    _capi("suggest", (), "bad_word", lambda: capi.suggest(3, CAPI_SPELLER), raises=TypeError),
    _capi("suggest_k", _SUGGEST_K, "ok", lambda: capi.suggest_k("helo", 4, CAPI_SPELLER, metric="indel"), reduced=True),
    _capi(
        "suggest_k", _SUGGEST_K + _CREATE, "list_dictionary", lambda: capi.suggest_k("helo", 3, WORDS[:30]), weight=0.5
    ),
    _capi("suggest_k", (), "negative_k", lambda: capi.suggest_k("helo", -2, CAPI_SPELLER), raises=ValueError),
    _capi("spellcheck", _SUGGEST + _CREATE, "ok", lambda: capi.spellcheck("helo", WORDS[:30])),
    _capi("distance", ("bb_spell_distance",), "ok", lambda: capi.distance("kitten", "sitting")),
    _capi("similarity", ("bb_spell_similarity",), "ok", lambda: capi.similarity("abc", "abd", "jaro")),
    _capi("similarity", (), "bad_metric", lambda: capi.similarity("abc", "abd", "x"), raises=ValueError),
]


# ---- the C ABI's own error paths, below the wrapper's checks (straight through ctypes) --------


def _raw_create_bad_utf8():
    lib = _clib.library()
    offsets = array.array("Q", [0, 2, 4])
    handle = ctypes.c_void_p()
    status = lib.bb_speller_create(offsets.buffer_info()[0], b"ok\xff\xfe", 2, ctypes.byref(handle))
    assert status == _clib.BB_ERR_INVALID_ARGUMENT and not handle.value, status
    _clib.raise_for_status(status, "bb_speller_create", "words")


def _raw_suggest_bad_utf8():
    lib = _clib.library()
    out = ctypes.POINTER(capi.bb_spell_suggestion)()
    status = lib.bb_spell_suggest(CAPI_SPELLER._live(), b"\xc3", 1, 0, -1, math.nan, ctypes.byref(out))
    try:
        assert status != _clib.BB_OK and not out
        _clib.raise_for_status(status, "bb_spell_suggest", "word")
    finally:
        lib.bb_free_spell_suggestion(out)


def _raw_null_speller():
    lib = _clib.library()
    out = ctypes.POINTER(capi.bb_spell_suggestions)()
    status = lib.bb_spell_suggest_k(None, b"a", 1, 3, 0, -1, math.nan, ctypes.byref(out))
    assert status == _clib.BB_ERR_INVALID_ARGUMENT and not out, status
    assert lib.bb_speller_size(None) == 0 and lib.bb_speller_memory_bytes(None) == 0


def _raw_free_null():
    lib = _clib.library()
    lib.bb_speller_free(None)
    lib.bb_free_spell_suggestion(None)
    lib.bb_free_spell_suggestions(None)


SCENARIOS += [
    Scenario(
        "spell.capi.raw.create_bad_utf8",
        _raw_create_bad_utf8,
        cover_symbols("bb_speller_create"),
        raises=ValueError,
        reduced=True,
    ),
    Scenario("spell.capi.raw.suggest_bad_utf8", _raw_suggest_bad_utf8, cover_symbols(*_SUGGEST), raises=ValueError),
    Scenario(
        "spell.capi.raw.null_speller",
        _raw_null_speller,
        cover_symbols("bb_spell_suggest_k", "bb_speller_size", "bb_speller_memory_bytes"),
    ),
    Scenario(
        "spell.capi.raw.free_null",
        _raw_free_null,
        cover_symbols("bb_speller_free", "bb_free_spell_suggestion", "bb_free_spell_suggestions"),
    ),
]


CANARIES = [
    Canary(
        "spell_index",
        sites=("spell.Speller", "capi.bb_speller_create"),
        functions=("Speller", "PySpeller", "bb_speller_create"),
        scenarios=("spell.pybind.Speller.build", "spell.capi.Speller.build_close"),
        description="a block lost while building a speller's index (src/spell/speller.cpp)",
    ),
    Canary(
        "capi_result",
        sites=("capi.bb_spell_suggest", "capi.bb_spell_suggest_k"),
        functions=("bb_spell_suggest", "bb_spell_suggest_k"),
        scenarios=("spell.capi.suggest.ok", "spell.capi.suggest_k.ok"),
        description="a result-sized block lost after a successful bb_spell_suggest(_k) (src/capi/spell.cpp)",
    ),
]


# Misuse that applies beyond what bridgebench.leakcheck.misuse derives for classes: the index
# build and suggest_many read a list while the GIL is released (another thread may change it),
# suggest_many is long (Ctrl-C), and the ctypes Speller is a handle that can be closed while
# another thread searches.
MISUSE_APPLIES = {
    f"{PYBIND}.Speller": ("mutation",),
    f"{PYBIND}.Speller.suggest_many": ("mutation", "concurrency", "interrupts"),
    f"{CAPI}.Speller": ("concurrency", "mutation"),
}
