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
import math
import threading
import weakref
from collections.abc import Sequence

from bridgebench import _clib

_METRICS = {"levenshtein": 0, "indel": 1, "jaro": 2}


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


# ---- argument checks (same messages as the pybind11 module) --------------------------------


def _encode(value, argument: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be str, not {type(value).__name__}")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise UnicodeEncodeError(
            "utf-8", value, e.start, e.end, f"{argument} cannot be encoded as UTF-8 (lone surrogate)"
        ) from None


def _count(value, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{argument} must be int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{argument} must be >= 0, got {value}")
    return value


def _options(metric, max_distance, min_similarity) -> tuple[int, int, float]:
    if not isinstance(metric, str):
        raise TypeError(f"metric must be str, not {type(metric).__name__}")
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of levenshtein, indel, jaro, got {metric!r}")
    limit = -1 if max_distance is None else min(_count(max_distance, "max_distance"), 2**31 - 1)
    floor = math.nan
    if min_similarity is not None:
        if isinstance(min_similarity, bool) or not isinstance(min_similarity, (int, float)):
            raise TypeError(f"min_similarity must be float, not {type(min_similarity).__name__}")
        floor = float(min_similarity)
        if math.isnan(floor):
            raise ValueError("min_similarity must not be NaN")
    if metric == "levenshtein" and min_similarity is not None:
        raise ValueError("min_similarity applies to metric='indel' or 'jaro'; use max_distance with 'levenshtein'")
    if metric != "levenshtein" and max_distance is not None:
        raise ValueError("max_distance applies to metric='levenshtein'; use min_similarity with 'indel' or 'jaro'")
    return _METRICS[metric], limit, floor


def _score(item: bb_spell_suggestion, metric: str):
    return item.distance if metric == "levenshtein" else item.likelihood


class Speller:
    """A native index behind an opaque C handle."""

    def __init__(self, words: Sequence[str]):
        if isinstance(words, (str, bytes)) or not hasattr(words, "__iter__"):
            raise TypeError(f"words must be a list or other sequence, not {type(words).__name__}")
        items = list(words)
        encoded = [_encode(w, f"words[{i}]") for i, w in enumerate(items)]
        offsets = array.array("Q", [0])
        offsets.extend(itertools.accumulate(map(len, encoded)))
        handle = ctypes.c_void_p()
        status = _lib.bb_speller_create(offsets.buffer_info()[0], b"".join(encoded), len(encoded), ctypes.byref(handle))
        _clib.raise_for_status(status, "Speller", "words")
        self._handle = handle.value
        self._finalizer = weakref.finalize(self, _lib.bb_speller_free, handle.value)

    def close(self) -> None:
        """Frees the native index now (also done automatically when the object goes away)."""
        self._finalizer()

    def __enter__(self) -> Speller:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _live(self) -> int:
        if not self._finalizer.alive:
            raise ValueError("Speller is closed")
        return self._handle

    def __len__(self) -> int:
        return _lib.bb_speller_size(self._live())

    @property
    def memory_bytes(self) -> int:
        return _lib.bb_speller_memory_bytes(self._live())

    def suggest(
        self,
        word: str,
        *,
        max_distance: int | None = None,
        metric: str = "levenshtein",
        min_similarity: float | None = None,
    ) -> str | None:
        query = _encode(word, "word")
        options = _options(metric, max_distance, min_similarity)
        out = ctypes.POINTER(bb_spell_suggestion)()
        status = _lib.bb_spell_suggest(self._live(), query, len(query), *options, ctypes.byref(out))
        _clib.raise_for_status(status, "suggest", "word")
        try:
            item = out.contents
            return None if not item.word else ctypes.string_at(item.word, item.word_length).decode("utf-8")
        finally:
            _lib.bb_free_spell_suggestion(out)

    def suggest_k(
        self,
        word: str,
        k: int,
        *,
        max_distance: int | None = None,
        metric: str = "levenshtein",
        min_similarity: float | None = None,
    ) -> list[tuple[str, int | float]]:
        query = _encode(word, "word")
        k = _count(k, "k")
        options = _options(metric, max_distance, min_similarity)
        out = ctypes.POINTER(bb_spell_suggestions)()
        status = _lib.bb_spell_suggest_k(self._live(), query, len(query), k, *options, ctypes.byref(out))
        _clib.raise_for_status(status, "suggest_k", "word")
        try:
            result = out.contents
            return [
                (ctypes.string_at(item.word, item.word_length).decode("utf-8"), _score(item, metric))
                for item in result.items[: result.count]
            ]
        finally:
            _lib.bb_free_spell_suggestions(out)

    def suggest_many(
        self,
        words: Sequence[str],
        *,
        max_distance: int | None = None,
        threads: int | None = None,
        metric: str = "levenshtein",
        min_similarity: float | None = None,
    ) -> list[str | None]:
        """One query at a time through the C ABI (the C ABI has no batch call; ``threads`` is
        checked and accepted for API compatibility)."""
        if isinstance(words, (str, bytes)) or not hasattr(words, "__iter__"):
            raise TypeError(f"words must be a list or other sequence, not {type(words).__name__}")
        if threads is not None and _count(threads, "threads") == 0:
            raise ValueError("threads must be >= 1 (or None for all cores)")
        queries = list(words)
        for i, q in enumerate(queries):
            if not isinstance(q, str):
                raise TypeError(f"words[{i}] must be str, not {type(q).__name__}")
        return [
            self.suggest(q, max_distance=max_distance, metric=metric, min_similarity=min_similarity) for q in queries
        ]


_default_lock = threading.Lock()
_default: Speller | None = None


def default_speller() -> Speller:
    """The bundled dictionary's index through the C ABI, built once and kept."""
    global _default
    from bridgebench.spell import default_words  # the word list is shared with the pybind11 path

    words = default_words()
    with _default_lock:
        if _default is None:
            _default = Speller(words)
        return _default


def _with_speller(dictionary, use):
    if dictionary is None:
        return use(default_speller())
    if isinstance(dictionary, Speller):
        return use(dictionary)
    if isinstance(dictionary, (str, bytes)) or not hasattr(dictionary, "__iter__"):
        raise TypeError(f"dictionary must be a list or other sequence, not {type(dictionary).__name__}")
    items = list(dictionary)
    for i, w in enumerate(items):
        if not isinstance(w, str):
            raise TypeError(f"dictionary[{i}] must be str, not {type(w).__name__}")
    with Speller(items) as speller:  # a one-off index is freed as soon as the answer is read
        return use(speller)


def suggest(
    word: str,
    dictionary: Sequence[str] | Speller | None = None,
    *,
    max_distance: int | None = None,
    metric: str = "levenshtein",
    min_similarity: float | None = None,
) -> str | None:
    _encode(word, "word")
    return _with_speller(
        dictionary, lambda s: s.suggest(word, max_distance=max_distance, metric=metric, min_similarity=min_similarity)
    )


def suggest_k(
    word: str,
    k: int,
    dictionary: Sequence[str] | Speller | None = None,
    *,
    max_distance: int | None = None,
    metric: str = "levenshtein",
    min_similarity: float | None = None,
) -> list[tuple[str, int | float]]:
    _encode(word, "word")
    _count(k, "k")
    return _with_speller(
        dictionary,
        lambda s: s.suggest_k(word, k, max_distance=max_distance, metric=metric, min_similarity=min_similarity),
    )


def distance(a: str, b: str) -> int:
    x, y = _encode(a, "a"), _encode(b, "b")
    out = ctypes.c_int64()
    _clib.raise_for_status(_lib.bb_spell_distance(x, len(x), y, len(y), ctypes.byref(out)), "distance", "a")
    return out.value


def similarity(a: str, b: str, metric: str = "levenshtein") -> float:
    x, y = _encode(a, "a"), _encode(b, "b")
    code = _options(metric, None, None)[0]
    out = ctypes.c_double()
    _clib.raise_for_status(_lib.bb_spell_similarity(x, len(x), y, len(y), code, ctypes.byref(out)), "similarity", "a")
    return out.value


def spellcheck(
    word: str, dictionary: Sequence[str] | Speller | None = None, metric: str = "indel"
) -> tuple[str | None, float]:
    """The one-call form: ``(suggested_word, likelihood)``."""
    query = _encode(word, "word")
    code = _options(metric, None, None)[0]

    def use(speller: Speller):
        out = ctypes.POINTER(bb_spell_suggestion)()
        status = _lib.bb_spell_suggest(speller._live(), query, len(query), code, -1, math.nan, ctypes.byref(out))
        _clib.raise_for_status(status, "spellcheck", "word")
        try:
            item = out.contents
            if not item.word:
                return (None, 0.0)
            return (ctypes.string_at(item.word, item.word_length).decode("utf-8"), item.likelihood)
        finally:
            _lib.bb_free_spell_suggestion(out)

    return _with_speller(dictionary, use)


# default_speller() is public but not part of the audited export list: it builds a
# process-lifetime index of the 348k-word dictionary (counted against capi.bb_speller_create),
# which by design is never freed before exit.
__all__ = ["Speller", "suggest", "suggest_k", "distance", "similarity", "spellcheck"]
