"""The spell checker through the C ABI (libbridgebench.so) with ctypes: the plain-ctypes way of
crossing the boundary (a suggestion struct with the word and its likelihood, and its free
function), with its defects fixed. Every result is freed exactly once, in ``finally``, after
it has been read; a ``Speller``'s native index is freed by ``weakref.finalize`` when the
object goes away (or by ``close()`` / ``with``).

Same functions and answers as ``bridgebench.spell``.
"""

from __future__ import annotations

import array
import ctypes
import itertools
import threading
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

from bridgebench import _clib
from bridgebench_rules import spell as rules


class bb_spell_suggestion(ctypes.Structure):
    _fields_ = [
        ("word", ctypes.c_void_p),
        ("word_length", ctypes.c_size_t),
        ("likelihood", ctypes.c_double),
        ("distance", ctypes.c_int64),
        ("index", ctypes.c_size_t),
    ]


class bb_spell_suggestions(ctypes.Structure):
    _fields_ = [("count", ctypes.c_size_t), ("items", ctypes.POINTER(bb_spell_suggestion))]


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    c = ctypes
    lib.bb_speller_create.restype = c.c_int
    lib.bb_speller_create.argtypes = [c.c_void_p, c.c_char_p, c.c_size_t, c.POINTER(c.c_void_p)]
    lib.bb_speller_create_ranked.restype = c.c_int
    lib.bb_speller_create_ranked.argtypes = [c.c_void_p, c.c_char_p, c.c_size_t, c.c_void_p, c.POINTER(c.c_void_p)]
    lib.bb_speller_free.restype = None
    lib.bb_speller_free.argtypes = [c.c_void_p]
    for name in ("bb_speller_size", "bb_speller_memory_bytes"):
        getattr(lib, name).restype = c.c_size_t
        getattr(lib, name).argtypes = [c.c_void_p]
    lib.bb_spell_suggest.restype = c.c_int
    lib.bb_spell_suggest.argtypes = [
        c.c_void_p,
        c.c_char_p,
        c.c_size_t,
        c.c_int,
        c.c_int64,
        c.c_double,
        c.POINTER(c.POINTER(bb_spell_suggestion)),
    ]
    lib.bb_spell_suggest_k.restype = c.c_int
    lib.bb_spell_suggest_k.argtypes = [
        c.c_void_p,
        c.c_char_p,
        c.c_size_t,
        c.c_size_t,
        c.c_int,
        c.c_int64,
        c.c_double,
        c.POINTER(c.POINTER(bb_spell_suggestions)),
    ]
    lib.bb_spell_distance.restype = c.c_int
    lib.bb_spell_distance.argtypes = [c.c_char_p, c.c_size_t, c.c_char_p, c.c_size_t, c.POINTER(c.c_int64)]
    lib.bb_spell_similarity.restype = c.c_int
    lib.bb_spell_similarity.argtypes = [c.c_char_p, c.c_size_t, c.c_char_p, c.c_size_t, c.c_int, c.POINTER(c.c_double)]
    lib.bb_free_spell_suggestion.restype = None
    lib.bb_free_spell_suggestion.argtypes = [c.POINTER(bb_spell_suggestion)]
    lib.bb_free_spell_suggestions.restype = None
    lib.bb_free_spell_suggestions.argtypes = [c.POINTER(bb_spell_suggestions)]
    return lib


_lib = _declare(_clib.library())


# ---- Python str <-> the C ABI's UTF-8 ------------------------------------------------------


def _utf8(word: str) -> bytes:
    # str.encode, not word.encode: a str subclass is encoded as the str it is. The rules
    # already refused lone surrogates.
    return str.encode(word, "utf-8")


def _decode(item: bb_spell_suggestion) -> str:
    return ctypes.string_at(item.word, item.word_length).decode("utf-8")


def _score(item: bb_spell_suggestion, metric: rules.Metric) -> int | float:
    return item.distance if metric.by_distance else item.likelihood


class _Handle:
    """The native index's handle and the calls running on it. A call holds the handle from
    before it enters native code until it has read its result; ``close()`` during a call raises,
    and the finalizer during a call (at interpreter exit, with a daemon thread still searching)
    leaves the free to the last call, so the index is never freed under a search."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # The index's address, written by bb_speller_create* itself: from the moment it exists
        # it is owned here (and by the finalizer registered before the call), so no interrupt
        # can fall between the call returning and something owning its result. None before
        # the index is made and once it is closed.
        self.cell = ctypes.c_void_p()
        self._calls = 0
        self._free_when_idle = False

    def acquire(self) -> int:
        with self._lock:
            address = self.cell.value
            if address is None or self._free_when_idle:
                raise ValueError(rules.CLOSED)
            self._calls += 1
            return address

    def release(self) -> None:
        with self._lock:
            self._calls -= 1
            address = self._take() if self._free_when_idle and not self._calls else None
        self._free(address)

    def close(self) -> None:
        with self._lock:
            if self._calls:
                raise ValueError(rules.IN_USE)
            address = self._take()
        self._free(address)

    def discard(self) -> None:
        """The finalizer: frees now, or when the last running call returns."""
        with self._lock:
            self._free_when_idle = True
            address = None if self._calls else self._take()
        self._free(address)

    def _take(self) -> int | None:
        address, self.cell.value = self.cell.value, None
        return address

    @staticmethod
    def _free(address: int | None) -> None:
        if address is not None:
            _lib.bb_speller_free(address)


def _create(words: list[str], frequencies: list[int] | None, into: ctypes.c_void_p) -> None:
    """Makes the index; its address goes straight into ``into`` (NULL after an error)."""
    encoded = [_utf8(w) for w in words]
    offsets = array.array("Q", [0])
    offsets.extend(itertools.accumulate(map(len, encoded)))
    counts = None if frequencies is None else array.array("I", frequencies)
    status = _lib.bb_speller_create_ranked(
        offsets.buffer_info()[0],
        b"".join(encoded),
        len(encoded),
        None if counts is None else counts.buffer_info()[0],
        ctypes.byref(into),
    )
    _clib.raise_for_status(status, "Speller", "words")


def _suggest(address: int, word: str, options: rules.SearchOptions) -> tuple[str, int | float, float] | None:
    """(word, score, likelihood) of the best suggestion for `word`, or None."""
    query = _utf8(word)
    out = ctypes.POINTER(bb_spell_suggestion)()
    # The call is inside the try: a KeyboardInterrupt arriving as it returns (Python checks for
    # signals right after) must not skip the free. Freeing NULL (after an error) does nothing.
    try:
        status = _lib.bb_spell_suggest(address, query, len(query), *options.native, ctypes.byref(out))
        _clib.raise_for_status(status, "suggest", "word")
        item = out.contents
        return None if not item.word else (_decode(item), _score(item, options.metric), item.likelihood)
    finally:
        _lib.bb_free_spell_suggestion(out)


def _suggest_k(address: int, word: str, k: int, options: rules.SearchOptions) -> list[tuple[str, int | float]]:
    query = _utf8(word)
    out = ctypes.POINTER(bb_spell_suggestions)()
    try:  # the call inside the try, as in _suggest
        status = _lib.bb_spell_suggest_k(address, query, len(query), k, *options.native, ctypes.byref(out))
        _clib.raise_for_status(status, "suggest_k", "word")
        result = out.contents
        return [(_decode(item), _score(item, options.metric)) for item in result.items[: result.count]]
    finally:
        _lib.bb_free_spell_suggestions(out)


class Speller:
    """A native index behind an opaque C handle. Safe to search from many threads at once;
    ``close()`` while another thread is searching raises ``ValueError``."""

    _handle: _Handle | None = None  # set once, by __init__

    def __init__(self, words: Iterable[str], *, frequencies: Sequence[int] | None = None):
        checked = rules.words(words)
        counts = rules.frequencies(frequencies, len(checked))
        if self._handle is not None:
            raise TypeError(rules.ALREADY_INITIALISED)
        handle = _Handle()
        self._finalizer = weakref.finalize(self, handle.discard)  # owns the index from its birth
        _create(checked, counts, handle.cell)
        self._handle = handle

    def _state(self) -> _Handle:
        if self._handle is None:
            raise TypeError(rules.NOT_INITIALISED)
        return self._handle

    def _call(self, function: Any, *args: Any) -> Any:
        """Runs function(address, *args) while holding the handle."""
        handle = self._state()
        address = handle.acquire()
        try:
            return function(address, *args)
        finally:
            handle.release()

    def close(self) -> None:
        """Frees the native index now (also done automatically when the object goes away)."""
        self._state().close()

    def __enter__(self) -> Speller:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __len__(self) -> int:
        return self._call(_lib.bb_speller_size)

    @property
    def memory_bytes(self) -> int:
        return self._call(_lib.bb_speller_memory_bytes)

    def suggest(
        self,
        word: str,
        *,
        max_distance: int | None = None,
        metric: str = rules.DEFAULT_METRIC,
        min_similarity: float | None = None,
    ) -> str | None:
        query = rules.suggest_arguments(word, max_distance, metric, min_similarity)
        best = self._call(_suggest, query.word, query.options)
        return None if best is None else best[0]

    def suggest_k(
        self,
        word: str,
        k: int,
        *,
        max_distance: int | None = None,
        metric: str = rules.DEFAULT_METRIC,
        min_similarity: float | None = None,
    ) -> list[tuple[str, int | float]]:
        query = rules.suggest_k_arguments(word, k, max_distance, metric, min_similarity)
        return self._call(_suggest_k, query.word, query.k, query.options)

    def suggest_many(
        self,
        words: Sequence[str],
        *,
        max_distance: int | None = None,
        threads: int | None = None,
        metric: str = rules.DEFAULT_METRIC,
        min_similarity: float | None = None,
    ) -> list[str | None]:
        """One query at a time through the C ABI (the C ABI has no batch call; ``threads`` is
        checked and accepted for API compatibility). The handle is held for the whole batch."""
        batch = rules.suggest_many_arguments(words, max_distance, threads, metric, min_similarity)

        def run(address: int) -> list[str | None]:
            answers = []
            for q in batch.words:
                best = _suggest(address, q, batch.options)
                answers.append(None if best is None else best[0])
            return answers

        return self._call(run)

    def _spellcheck(self, word: str, options: rules.SearchOptions) -> tuple[str | None, float]:
        best = self._call(_suggest, word, options)
        return (None, 0.0) if best is None else (best[0], best[2])


_default_lock = threading.Lock()
_default: Speller | None = None


def default_speller() -> Speller:
    """The bundled dictionary's index through the C ABI, built once and kept."""
    global _default
    # The word and frequency lists are shared with the pybind11 path.
    from bridgebench.spell import default_frequencies, default_words

    words, frequencies = default_words(), default_frequencies()
    with _default_lock:
        if _default is None:
            _default = Speller(words, frequencies=frequencies)
        return _default


def _with_speller(dictionary: Any, use: Any) -> Any:
    if dictionary is None:
        return use(default_speller())
    if isinstance(dictionary, Speller):
        return use(dictionary)
    with Speller(rules.dictionary(dictionary)) as speller:  # a one-off index, freed once the answer is read
        return use(speller)


def suggest(
    word: str,
    dictionary: Sequence[str] | Speller | None = None,
    *,
    max_distance: int | None = None,
    metric: str = rules.DEFAULT_METRIC,
    min_similarity: float | None = None,
) -> str | None:
    rules.suggest_arguments(word, max_distance, metric, min_similarity)
    return _with_speller(
        dictionary, lambda s: s.suggest(word, max_distance=max_distance, metric=metric, min_similarity=min_similarity)
    )


def suggest_k(
    word: str,
    k: int,
    dictionary: Sequence[str] | Speller | None = None,
    *,
    max_distance: int | None = None,
    metric: str = rules.DEFAULT_METRIC,
    min_similarity: float | None = None,
) -> list[tuple[str, int | float]]:
    rules.suggest_k_arguments(word, k, max_distance, metric, min_similarity)
    return _with_speller(
        dictionary,
        lambda s: s.suggest_k(word, k, max_distance=max_distance, metric=metric, min_similarity=min_similarity),
    )


def distance(a: str, b: str) -> int:
    x, y = (_utf8(s) for s in rules.pair_arguments(a, b)[:2])
    out = ctypes.c_int64()
    _clib.raise_for_status(_lib.bb_spell_distance(x, len(x), y, len(y), ctypes.byref(out)), "distance", "a")
    return out.value


def similarity(a: str, b: str, metric: str = rules.PAIR_METRIC) -> float:
    first, second, m = rules.pair_arguments(a, b, metric)
    x, y = _utf8(first), _utf8(second)
    out = ctypes.c_double()
    status = _lib.bb_spell_similarity(x, len(x), y, len(y), m.code, ctypes.byref(out))
    _clib.raise_for_status(status, "similarity", "a")
    return out.value


def spellcheck(
    word: str, dictionary: Sequence[str] | Speller | None = None, metric: str = rules.SPELLCHECK_METRIC
) -> tuple[str | None, float]:
    """The one-call form: ``(suggested_word, likelihood)``."""
    query = rules.suggest_arguments(word, None, metric, None)
    return _with_speller(dictionary, lambda s: s._spellcheck(query.word, query.options))


# default_speller() is public but not part of the audited export list: it builds a
# process-lifetime index of the 348k-word dictionary (counted against capi.bb_speller_create),
# which by design is never freed before exit.
__all__ = ["Speller", "suggest", "suggest_k", "distance", "similarity", "spellcheck"]
