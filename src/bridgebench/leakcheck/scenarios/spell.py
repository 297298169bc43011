"""Leak-audit scenarios for the spell checker: bridgebench._spell (pybind11, called through its
facade bridgebench.spell, which checks the arguments) and bridgebench.spell.capi (the C ABI
through ctypes), normal and error paths; the misuse family (mutation from other threads,
concurrent close, uninitialised objects, interrupted batches) is in spell_misuse.py.

Indexes are built on small word lists here: one module-level speller per API serves the
search scenarios (its own allocations exist before the ledger's first snapshot), and separate
scenarios build and drop an index each time, so a leak per build and a leak per search are both
visible. The bundled 348k-word dictionary is never loaded (too slow for the audit's budget).
"""

from __future__ import annotations

import _thread
import array
import contextlib
import ctypes
import math
import random
import signal
import sys
import threading
import time

from bridgebench import _clib, _spell, spell
from bridgebench.api import Canary, Scenario, cover_module, cover_symbols, failing_iterable
from bridgebench.spell import capi
from bridgebench_rules import spell as rules

PYBIND = "bridgebench._spell"
CAPI = "bridgebench.spell.capi"

_rng = random.Random(3)
WORDS = ["".join(_rng.choices("abcdefghijklmnopqrstuvwxyz", k=_rng.randint(1, 10))) for _ in range(200)]
WORDS += ["héllo", "naïve", "😀smile", "x" * 80, "", WORDS[0]]  # Unicode, long, empty, a duplicate
# Above the bindings' release_gil_from_words (2048), all different: the GIL is released for
# build and search, and the index is big enough for the searches to take a while.
LARGE = list(
    dict.fromkeys("".join(_rng.choices("abcdefghijklmnopqrstuvwxyz", k=_rng.randint(3, 12))) for _ in range(4000))
)

SPELLER = spell.Speller(WORDS)
CAPI_SPELLER = capi.Speller(WORDS)


def native_export(function: str) -> str:
    """What `function` of the facade reaches in the pybind11 module: the searches are private
    methods of its Speller (the facade checks their arguments), so they count as the class."""
    return "Speller" if function.startswith("Speller.suggest") else function


def _pybind(function: str, case: str, run, *, raises=None, reduced=False, weight=1.0) -> Scenario:
    return Scenario(
        f"spell.pybind.{function}.{case}",
        run,
        cover_module(PYBIND, native_export(function)),
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
    speller = spell.Speller(WORDS)
    assert speller.suggest("helo") is not None
    assert len(speller.words) == len(speller)
    del speller


def _build_large():
    speller = spell.Speller(LARGE)
    speller.suggest("abcdefg")
    del speller


SCENARIOS: list[Scenario] = [
    # ---- pybind11: the index ----
    _pybind("Speller", "build", _build_and_search, reduced=True, weight=0.2),
    _pybind("Speller", "build_large", _build_large, weight=0.02),
    _pybind("Speller", "empty", lambda: spell.Speller([]).suggest("a")),
    _pybind("Speller", "bad_item_last", lambda: spell.Speller(WORDS + [3]), raises=TypeError, reduced=True),
    _pybind("Speller", "not_a_sequence", lambda: spell.Speller(12), raises=TypeError),
    _pybind("Speller", "str_instead_of_list", lambda: spell.Speller("abc"), raises=TypeError),
    _pybind(
        "Speller",
        "iterable_fails_midway",
        lambda: spell.Speller(failing_iterable(WORDS, 50)),
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
    _pybind("Speller.suggest_many", "large", lambda: spell.Speller(LARGE).suggest_many(WORDS[:60]), weight=0.02),
    _pybind(
        "Speller.suggest_many",
        "bad_item_last",
        lambda: SPELLER.suggest_many(WORDS[:40] + [None]),
        raises=TypeError,
        reduced=True,
    ),
    _pybind("Speller.suggest_many", "zero_threads", lambda: SPELLER.suggest_many(["a"], threads=0), raises=ValueError),
    _pybind("distance", "ok", lambda: spell.distance("kitten", "sitting"), reduced=True),
    _pybind("similarity", "ok", lambda: spell.similarity("martha", "marhta", "jaro")),
    # The native module on its own, below the facade's checks: it must refuse garbage cleanly.
    _pybind("distance", "native_bad", lambda: _spell.distance("a", None), raises=TypeError),
    _pybind("similarity", "native_bad_code", lambda: _spell.similarity("a", "b", 99), raises=ValueError),
    _pybind("Speller", "native_bad_item", lambda: _spell.Speller(["a", 3]), raises=TypeError),
]


# ---- the C ABI through the ctypes wrapper -----------------------------------------------------


def _capi_build_close():
    with capi.Speller(WORDS) as speller:
        speller.suggest("helo")


def _capi_build_finalized():
    speller = capi.Speller(WORDS)  # freed by weakref.finalize when dropped
    speller.suggest_k("helo", 3)
    del speller


# The wrapper builds through bb_speller_create_ranked (NULL frequencies unless given).
_CREATE = ("bb_speller_create_ranked", "bb_speller_free")
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
    _capi(
        "Speller",
        _CREATE + _SUGGEST_K,
        "frequencies",
        lambda: capi.Speller(WORDS, frequencies=list(range(len(WORDS)))).suggest_k("helo", 3),
        weight=0.2,
    ),
    _capi("Speller", (), "bad_frequencies", lambda: capi.Speller(["a"], frequencies=[-1]), raises=ValueError),
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

    def call(address: int) -> None:
        out = ctypes.POINTER(capi.bb_spell_suggestion)()
        status = lib.bb_spell_suggest(address, b"\xc3", 1, 0, -1, math.nan, ctypes.byref(out))
        try:
            assert status != _clib.BB_OK and not out
            _clib.raise_for_status(status, "bb_spell_suggest", "word")
        finally:
            lib.bb_free_spell_suggestion(out)

    CAPI_SPELLER._call(call)


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


# ---- misuse: other threads, close while busy, re-entry, __new__ without __init__, Ctrl-C --------
#
# Each runs in every layer, ASan and Valgrind included. Lists are changed from another thread
# while native code builds an index from them or searches them with the GIL released; a C ABI
# index is closed (or its finalizer runs) while another thread searches it; objects made by
# __new__ alone are used; an input iterator uses (or closes) the speller it is being searched by;
# a long batch is interrupted as Ctrl-C would. The native module is driven directly too
# (bridgebench._spell, below the facade's private copies).


def _misuse(kind: str, name: str, run, covers: tuple[str, ...], *, raises=None, weight=0.1) -> Scenario:
    return Scenario(f"spell.misuse.{kind}.{name}", run, covers, raises=raises, growth_weight=weight, misuse=(kind,))


@contextlib.contextmanager
def _only_while_gil_released(action):
    """Runs action() on another thread, but only while the block has the GIL released (native
    work): a long switch interval keeps that thread out of the block's Python code, so it acts
    exactly where a native call must not depend on Python objects. action() returns True to be
    called again."""
    go, stop = threading.Event(), threading.Event()

    def loop():
        go.wait()
        while not stop.is_set() and action():
            time.sleep(0)  # hands the GIL back, so the native call can return

    worker = threading.Thread(target=loop)
    worker.start()
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        go.set()
        yield
    finally:
        stop.set()
        sys.setswitchinterval(previous)
        worker.join()


def _while_another_thread(change, call):
    """call(), while another thread keeps running change() whenever call() releases the GIL."""
    with _only_while_gil_released(lambda: change() or True):
        return call()


def _build_while_mutated(make):
    for change in ("clear", "ints"):
        items = list(LARGE)

        def mutate(items=items, change=change):
            if change == "clear":
                items.clear()
                items.extend(WORDS[:5])
            else:
                items[:] = range(len(items))

        try:
            speller = _while_another_thread(mutate, lambda items=items: make(items))
        except TypeError:
            continue  # the list held ints when the call started: refused, by index
        assert all(type(w) is str for w in speller.words), "Speller.words holds what is not a str"


def _search_while_resized(search):
    for change in ("shrink", "grow"):
        items = WORDS[:60] * 2

        def resize(items=items, change=change):
            if change == "shrink":
                del items[len(items) // 2 :]
            elif len(items) < 10_000:
                items.extend(WORDS)

        answers = _while_another_thread(resize, lambda items=items: search(items))
        assert all(a is None or type(a) is str for a in answers)


_LARGE_SPELLER = spell.Speller(LARGE)
_OPTIONS = rules.search_options(None, rules.DEFAULT_METRIC, None)
_NATIVE_OPTIONS = (0, -1, math.nan)  # levenshtein, no limit, no floor: the facade's native form


def _capi_close_while_searching():
    speller = capi.Speller(LARGE)
    outcome: list[str] = []
    started = threading.Event()

    def search():
        started.set()
        try:
            for _ in range(50):
                speller.suggest_many(WORDS[:20])
        except ValueError as e:
            outcome.append(str(e))

    worker = threading.Thread(target=search)
    worker.start()
    started.wait()
    while True:
        try:
            speller.close()
            break
        except ValueError as e:  # in use: never freed under the search
            assert str(e) == rules.IN_USE, e
            time.sleep(0.0005)
    worker.join()
    assert outcome in ([], [rules.CLOSED]), outcome  # closed between two batches, or after the last


def _capi_finalizer_while_searching():
    speller = capi.Speller(LARGE)
    handle = speller._handle
    inside = threading.Event()
    answers: list = []

    def search_slowly(address: int):
        inside.set()
        time.sleep(0.01)  # the finalizer runs now, while this call holds the handle
        return capi._suggest(address, "helo", _OPTIONS)

    worker = threading.Thread(target=lambda: answers.append(speller._call(search_slowly)))
    worker.start()
    inside.wait()
    handle.discard()  # as at interpreter exit: the free waits for the running call
    worker.join()
    assert len(answers) == 1


def _words_changed_by_caller():
    speller = spell.Speller(WORDS)
    speller.words.clear()  # a copy: the index keeps its own
    assert speller.suggest(WORDS[3]) == WORDS[3] and len(speller.words) == len(speller)


def _shared_speller_many_threads():
    def work(i: int):
        _LARGE_SPELLER.suggest_many(WORDS[i : i + 30], threads=2)
        _LARGE_SPELLER.suggest_k(WORDS[i], 3, metric="jaro")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _uninitialised(cls, uses) -> None:
    obj = cls.__new__(cls)
    for use in uses:
        try:
            use(obj)
        except TypeError as e:
            assert "not initialised" in str(e), e
        else:
            raise AssertionError(f"{cls.__qualname__} used without __init__ did not raise TypeError")


_SPELLER_USES = (
    len,
    lambda s: s.memory_bytes,
    lambda s: s.suggest("helo"),
    lambda s: s.suggest_k("helo", 2),
    lambda s: s.suggest_many(["helo"]),
)


def _native_uninitialised():
    _uninitialised(
        _spell.Speller,
        (
            len,
            lambda s: s.words,
            lambda s: s.memory_bytes,
            lambda s: s._suggest("helo", *_NATIVE_OPTIONS),
            lambda s: s._suggest_k("helo", 2, *_NATIVE_OPTIONS),
            lambda s: s._suggest_many(["helo"], 1, *_NATIVE_OPTIONS),
        ),
    )


def _reinitialised(cls) -> None:
    speller = cls(WORDS[:10])
    try:
        speller.__init__(WORDS[10:20])
    except TypeError as e:
        assert str(e) == rules.ALREADY_INITIALISED, e
    else:
        raise AssertionError(f"{cls.__qualname__}.__init__ twice did not raise TypeError")
    assert len(speller) == len(set(WORDS[:10]))


def _stop_with_keyboard_interrupt():
    raise KeyboardInterrupt


def _interrupted(call) -> None:
    """Runs call(queries) and interrupts it as Ctrl-C would, once it releases the GIL (inside
    native code); the KeyboardInterrupt propagates (if the call ends first, it arrives right
    after). Signals reach only the main thread; on another one (some layers run scenarios there)
    the queries' iterator raises KeyboardInterrupt instead, the stand-in for Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        call(_queries_that_call_back(_stop_with_keyboard_interrupt))
        return
    # interrupt_main() does nothing unless Python handles SIGINT, and a process started in the
    # background by a shell inherits SIGINT ignored: install the default handler for the call.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with _only_while_gil_released(lambda: _thread.interrupt_main()):
            call(_BATCH)
        for _ in range(1000):  # the interrupt came after the call: it is delivered here
            time.sleep(0.001)
    finally:
        signal.signal(signal.SIGINT, previous)


# Long enough (~1 s natively) for the interrupt to arrive while the native batch runs.
_BATCH = [w + "qz" for w in WORDS] * 60


def _capi_interrupted_then_closed():
    speller = capi.Speller(LARGE)
    try:
        _interrupted(speller.suggest_many)
    finally:
        speller.close()  # the interrupted call let go of the handle


def _queries_that_call_back(speller_call):
    """A query iterator that uses the speller being searched between its items."""
    yield "helo"
    speller_call()
    yield "wrld"


def _capi_closed_by_its_own_input():
    speller = capi.Speller(WORDS)
    try:
        speller.suggest_many(_queries_that_call_back(speller.close))
    except ValueError as e:
        assert str(e) == rules.CLOSED, e  # the batch had not started: the handle was never held
    else:
        raise AssertionError("suggest_many on a Speller its own input closed did not raise")


_PYBIND_SPELLER = cover_module(PYBIND, "Speller")
_PYBIND_NATIVE = cover_module(PYBIND, "Speller", "Speller.words", "Speller.memory_bytes")
_CAPI_SEARCH = cover_module(CAPI, "Speller") + cover_symbols(*_SUGGEST)
_CAPI_LIFE = _CAPI_SEARCH + cover_symbols(*_CREATE)  # creates and frees its own index too

SCENARIOS += [
    _misuse("mutation", "pybind_build_list_changed", lambda: _build_while_mutated(spell.Speller), _PYBIND_NATIVE),
    _misuse("mutation", "native_build_list_changed", lambda: _build_while_mutated(_spell.Speller), _PYBIND_NATIVE),
    _misuse(
        "mutation",
        "pybind_suggest_many_list_resized",
        lambda: _search_while_resized(lambda q: _LARGE_SPELLER.suggest_many(q, threads=2)),
        _PYBIND_SPELLER,
    ),
    _misuse(
        "mutation",
        "native_suggest_many_list_resized",
        lambda: _search_while_resized(lambda q: _LARGE_SPELLER._suggest_many(q, 2, *_NATIVE_OPTIONS)),
        _PYBIND_SPELLER,
    ),
    _misuse(
        "mutation",
        "capi_suggest_many_list_resized",
        lambda: _search_while_resized(lambda q: CAPI_SPELLER.suggest_many(q)),
        _CAPI_SEARCH,
    ),
    _misuse("mutation", "pybind_words_changed_by_caller", _words_changed_by_caller, _PYBIND_NATIVE),
    _misuse("concurrency", "pybind_shared_speller", _shared_speller_many_threads, _PYBIND_SPELLER),
    _misuse("concurrency", "capi_close_while_searching", _capi_close_while_searching, _CAPI_LIFE),
    _misuse("concurrency", "capi_finalizer_while_searching", _capi_finalizer_while_searching, _CAPI_LIFE),
    _misuse(
        "uninitialised",
        "pybind_speller",
        lambda: (_uninitialised(spell.Speller, _SPELLER_USES), _reinitialised(spell.Speller)),
        _PYBIND_NATIVE,
        weight=1.0,
    ),
    _misuse("uninitialised", "native_speller", _native_uninitialised, _PYBIND_NATIVE, weight=1.0),
    _misuse(
        "uninitialised",
        "capi_speller",
        lambda: (_uninitialised(capi.Speller, _SPELLER_USES), _reinitialised(capi.Speller)),
        cover_module(CAPI, "Speller") + cover_symbols(*_CREATE),
        weight=1.0,
    ),
    _misuse(
        "reentrancy",
        "pybind_input_searches_the_same_speller",
        lambda: SPELLER.suggest_many(_queries_that_call_back(lambda: SPELLER.suggest_k("helo", 2))),
        _PYBIND_SPELLER,
    ),
    _misuse(
        "reentrancy",
        "native_input_searches_the_same_speller",
        lambda: SPELLER._suggest_many(
            _queries_that_call_back(lambda: SPELLER._suggest("a", *_NATIVE_OPTIONS)), 1, *_NATIVE_OPTIONS
        ),
        _PYBIND_SPELLER,
    ),
    _misuse(
        "reentrancy",
        "capi_input_closes_the_speller",
        _capi_closed_by_its_own_input,
        cover_module(CAPI, "Speller") + cover_symbols(*_CREATE),
    ),
    _misuse(
        "interrupts",
        "pybind_suggest_many",
        lambda: _interrupted(lambda queries: _LARGE_SPELLER.suggest_many(queries, threads=2)),
        _PYBIND_SPELLER,
        raises=KeyboardInterrupt,
    ),
    _misuse("interrupts", "capi_suggest_many", _capi_interrupted_then_closed, _CAPI_LIFE, raises=KeyboardInterrupt),
]


CANARIES = [
    Canary(
        "spell_index",
        sites=("spell.Speller", "capi.bb_speller_create"),
        functions=("Speller", "PySpeller", "bb_speller_create", "bb_speller_create_ranked"),
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
# build and the searches read a list while the GIL is released (another thread may change it),
# an input iterator may call back into the speller, a batch is long (Ctrl-C), and the ctypes
# Speller is a handle that can be closed while another thread searches.
MISUSE_APPLIES = {
    f"{PYBIND}.Speller": ("mutation", "reentrancy", "interrupts"),
    f"{CAPI}.Speller": ("concurrency", "mutation"),
}
