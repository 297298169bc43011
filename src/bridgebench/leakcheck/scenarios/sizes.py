"""Input sizes around every size threshold in the native code: zero, one, odd and even counts,
counts around vector and SIMD widths, and just below, at and just above each threshold where
the code changes path. A fault that only one side of a threshold reaches (a leak above a batch
size, a read past the end on an odd count, a small-string buffer one byte too short) is then
reached by the audit's scenarios, and every layer sees it.

The thresholds, and where they are (keep these in step with the code):
- src/bindings/arrays.cpp release_gil_from = 8192 elements (strings: 8 bytes each, 65536 bytes):
  the GIL is released for the copy from there up;
- src/bindings/spell.cpp release_gil_from_words = 2048 dictionary words (build and search
  without the GIL), and distance/similarity from len(a) * len(b) >= 2**20;
- src/spell/speller.cpp: candidates are scanned in chunks of 16 doubling up to 1024, and
  search_many hands queries to threads in chunks of 16;
- src/scrape/session.cpp linger_batch = 32 records collected per wake-up;
- std::string's in-object buffer holds 15 bytes (libstdc++): strings of 15, 16 and 17 bytes.

Big inputs run few calls in the growth layer (growth_weight), and one scenario per function and
threshold is in the reduced set, so that Valgrind's quick run reaches the large path too.
"""

from __future__ import annotations

import array

from bridgebench import _arrays, _scrape, spell
from bridgebench.api import THREADED_SLACK, Scenario, cover_module, cover_symbols, fixture
from bridgebench.arrays import capi as arrays_capi
from bridgebench.scrape import capi as scrape_capi
from bridgebench.spell import capi as spell_capi
from bridgebench_rules import scrape as scrape_rules

GIL_ELEMENTS = 8192  # src/bindings/arrays.cpp release_gil_from
GIL_WORDS = 2048  # src/bindings/spell.cpp release_gil_from_words
SMALL = (0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33)  # empty, one, odd/even, around SIMD widths
AROUND_GIL = (GIL_ELEMENTS - 1, GIL_ELEMENTS, GIL_ELEMENTS + 1)
BIG_WEIGHT = 0.05  # about 3 calls per growth step in quick mode


def _weight(n: int) -> float:
    return 1.0 if n < 1024 else BIG_WEIGHT


# ---- arrays -------------------------------------------------------------------------------------

_NUMBERS = {
    "roundtrip_ints": lambda n: list(range(-(n // 2), n - n // 2)),
    "roundtrip_floats": lambda n: [i * 0.5 - 3.25 for i in range(n)],
    "roundtrip_float32": lambda n: [i * 0.25 + 1.5 for i in range(n)],
}
_CAPI_SYMBOLS = {
    "roundtrip_ints": ("bb_roundtrip_int64", "bb_free_int64_array"),
    "roundtrip_floats": ("bb_roundtrip_double", "bb_free_double_array"),
    "roundtrip_float32": ("bb_roundtrip_float32", "bb_free_float32_array"),
    "roundtrip_strings": ("bb_roundtrip_strings", "bb_free_string_array"),
}
_BUFFERS = {"roundtrip_ints_buffer": "q", "roundtrip_floats_buffer": "d"}


def _checked(function, values, *, same_values: bool = True):
    """Calls function(values) and checks one result per input (and, for round trips, the
    values: every input here is exact in float32)."""
    out = function(values)
    assert len(out) == len(values), (len(out), len(values))
    if same_values:
        assert list(out) == list(values)
    del out


def _array_scenarios() -> list[Scenario]:
    out = []
    for function, make in _NUMBERS.items():
        for n in SMALL + AROUND_GIL:
            values = make(n)
            reduced = n == GIL_ELEMENTS + 1
            out.append(
                Scenario(
                    f"sizes.arrays.pybind.{function}.n{n}",
                    lambda f=function, v=values: _checked(getattr(_arrays, f), v),
                    cover_module("bridgebench._arrays", function),
                    reduced=reduced,
                    growth_weight=_weight(n),
                )
            )
            out.append(
                Scenario(
                    f"sizes.arrays.capi.{function}.n{n}",
                    lambda f=function, v=values: _checked(getattr(arrays_capi, f), v),
                    cover_module("bridgebench.arrays.capi", function) + cover_symbols(*_CAPI_SYMBOLS[function]),
                    reduced=reduced,
                    growth_weight=_weight(n),
                )
            )
    for function, code in _BUFFERS.items():
        for n in SMALL + AROUND_GIL:
            source = array.array(code, range(n))
            out.append(
                Scenario(
                    f"sizes.arrays.pybind.{function}.n{n}",
                    lambda f=function, s=source: _buffer_roundtrip(getattr(_arrays, f), s),
                    cover_module("bridgebench._arrays", function),
                    reduced=n == GIL_ELEMENTS + 1,
                    growth_weight=_weight(n),
                )
            )
    # Strings: counts, lengths around the small-string buffer, and total bytes around the GIL
    # threshold (8 bytes per element).
    cases = {f"count{n}": ["ab"] * n for n in SMALL}
    cases |= {f"len{n}": ["x" * n, "é" * (n // 2)] for n in (0, 1, 14, 15, 16, 17, 31, 32, 33)}
    gil_bytes = GIL_ELEMENTS * 8
    cases |= {f"bytes{b}": ["y" * b] for b in (gil_bytes - 1, gil_bytes, gil_bytes + 1)}
    for case, words in cases.items():
        reduced = case == f"bytes{gil_bytes + 1}"
        weight = _weight(sum(map(len, words)))
        out.append(
            Scenario(
                f"sizes.arrays.pybind.roundtrip_strings.{case}",
                lambda w=words: _checked(_arrays.roundtrip_strings, w),
                cover_module("bridgebench._arrays", "roundtrip_strings"),
                reduced=reduced,
                growth_weight=weight,
            )
        )
        out.append(
            Scenario(
                f"sizes.arrays.capi.roundtrip_strings.{case}",
                lambda w=words: _checked(arrays_capi.roundtrip_strings, w),
                cover_module("bridgebench.arrays.capi", "roundtrip_strings")
                + cover_symbols(*_CAPI_SYMBOLS["roundtrip_strings"]),
                reduced=reduced,
                growth_weight=weight,
            )
        )
    return out


def _buffer_roundtrip(function, source) -> None:
    out = function(source)
    view = memoryview(out)
    assert len(view) == len(source)
    view.release()
    del out


# ---- spell --------------------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _words(n: int) -> list[str]:
    """n distinct words of mixed lengths (1 to 8 letters)."""
    out = []
    i = 0
    while len(out) < n:
        word, j = "", i
        while True:
            word += _LETTERS[j % 26]
            j //= 26
            if not j:
                break
        out.append(word * (1 + i % 3))
        i += 1
    return out


def _speller_scenarios() -> list[Scenario]:
    out = []
    for n in (0, 1, 2, 15, 16, 17, 1023, 1024, 1025, GIL_WORDS - 1, GIL_WORDS, GIL_WORDS + 1):
        words = _words(n)
        out.append(
            Scenario(
                f"sizes.spell.pybind.Speller.words{n}",
                lambda w=words: spell.Speller(w).suggest("abc"),
                cover_module("bridgebench._spell", "Speller"),
                reduced=n == GIL_WORDS + 1,
                growth_weight=_weight(n),
            )
        )
        out.append(
            Scenario(
                f"sizes.spell.capi.Speller.words{n}",
                lambda w=words: _capi_speller(w),
                cover_module("bridgebench.spell.capi", "Speller"),
                reduced=n == GIL_WORDS + 1,
                growth_weight=_weight(n),
            )
        )
    speller = spell.Speller(_words(GIL_WORDS + 1))  # the facade over bridgebench._spell.Speller
    capi_speller = spell_capi.Speller(_words(GIL_WORDS + 1))
    for q in (0, 1, 2, 15, 16, 17, 33):
        queries = [w + "x" for w in _words(q)]
        for threads in (1, 2):
            out.append(
                Scenario(
                    f"sizes.spell.pybind.suggest_many.q{q}.t{threads}",
                    lambda qs=queries, t=threads: _checked(
                        lambda v: speller.suggest_many(v, threads=t), qs, same_values=False
                    ),
                    cover_module("bridgebench._spell", "Speller"),
                    reduced=(q, threads) == (33, 2),
                    growth_weight=0.1,
                )
            )
            out.append(
                Scenario(
                    f"sizes.spell.capi.suggest_many.q{q}.t{threads}",
                    lambda qs=queries, t=threads: _checked(
                        lambda v: capi_speller.suggest_many(v, threads=t), qs, same_values=False
                    ),
                    cover_module("bridgebench.spell.capi", "Speller"),
                    reduced=(q, threads) == (33, 2),
                    growth_weight=0.1,
                )
            )
    # distance/similarity release the GIL from len(a) * len(b) >= 2**20.
    for a, b in ((0, 0), (1, 0), (1, 1), (1023, 1024), (1024, 1024), (1024, 1025)):
        x, y = "ab" * (a // 2) + "a" * (a % 2), "ba" * (b // 2) + "b" * (b % 2)
        out.append(
            Scenario(
                f"sizes.spell.pybind.distance.{a}x{b}",
                lambda x=x, y=y: (spell.distance(x, y), spell.similarity(x, y)),
                cover_module("bridgebench._spell", "distance", "similarity"),
                reduced=(a, b) == (1024, 1025),
                growth_weight=_weight(a * b),
            )
        )
    return out


def _capi_speller(words: list[str]) -> None:
    with spell_capi.Speller(words) as speller:
        speller.suggest("abc")


# ---- scrape -------------------------------------------------------------------------------------


def _page(i: int) -> str:
    return fixture("scrape")["base"] + f"/small/s{i % 100:03d}.html"


def _scrape_scenarios() -> list[Scenario]:
    out = []
    fast = {"timeout": 5.0, "connect_timeout": 2.0}
    for n in (0, 1, 31, 32, 33):
        out.append(
            Scenario(
                f"sizes.scrape.pybind.scrape.urls{n}",
                lambda n=n: _checked(
                    # The native module takes checked options (the facade's rules make them).
                    lambda u: _scrape.scrape(u, scrape_rules.check_options(concurrency=8, **fast)),
                    [_page(i) for i in range(n)],
                    same_values=False,
                ),
                cover_module("bridgebench._scrape", "scrape"),
                reduced=n == 33,
                growth_weight=BIG_WEIGHT,
                growth_slack_factor=THREADED_SLACK,
            )
        )
        out.append(
            Scenario(
                f"sizes.scrape.capi.scrape.urls{n}",
                lambda n=n: _checked(
                    lambda u: scrape_capi.scrape(u, concurrency=8, **fast),
                    [_page(i) for i in range(n)],
                    same_values=False,
                ),
                cover_module("bridgebench.scrape.capi", "scrape") + cover_symbols("bb_scrape", "bb_free_site_array"),
                reduced=n == 33,
                growth_weight=BIG_WEIGHT,
                growth_slack_factor=THREADED_SLACK,
            )
        )
    return out


SCENARIOS: list[Scenario] = _array_scenarios() + _speller_scenarios() + _scrape_scenarios()
