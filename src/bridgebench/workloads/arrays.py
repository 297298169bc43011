"""Arrays: lists of ints, floats and strings into native arrays and back."""

from __future__ import annotations

import array
import random
import struct
from functools import partial

import python_baseline.arrays as baseline
from bridgebench import arrays as native
from bridgebench.api import Case, Implementation, Target, Workload
from bridgebench.arrays import capi

SIZES = {"quick": [1_000, 100_000, 1_000_000], "full": [10, 1_000, 100_000, 1_000_000, 10_000_000]}
# The plain-ctypes baseline costs microseconds per element; its per-element time is flat with
# size, so it is timed on a prefix at the large sizes.
BASELINE_ITEMS = 200_000


def _array_tolist(typecode: str, values: list) -> list:
    """CPython's own round trip: into an array.array and back to a list."""
    return array.array(typecode, values).tolist()


def make_ints(size: int, seed: int, fixture=None) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(-(2**63), 2**63 - 1) for _ in range(size)]


def make_floats(size: int, seed: int, fixture=None) -> list[float]:
    rng = random.Random(seed)
    return [rng.uniform(-1e6, 1e6) for _ in range(size)]


def make_words(size: int, seed: int, fixture=None) -> list[str]:
    # Mostly ASCII words with some accented and non-BMP characters, as real text has.
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz" * 4 + "éüñçø€😀"
    return ["".join(rng.choices(alphabet, k=rng.randint(1, 12))) for _ in range(size)]


def _floats_agree(a: list[float], b: list[float]) -> bool:
    # Bitwise, so that -0.0 and NaN compare as what they are.
    return len(a) == len(b) and struct.pack(f"{len(a)}d", *a) == struct.pack(f"{len(b)}d", *b)


def _impls(kind: str, baseline_fn, capi_fn, native_fn, peer=None, buffer=None) -> list[Implementation]:
    impls = [
        Implementation(
            "baseline",
            "baseline",
            baseline_fn,
            max_items=BASELINE_ITEMS,
            note="plain ctypes: ctypes only, one ctypes object per element",
        ),
        Implementation(
            "capi", "native", capi_fn, note="libbridgebench C ABI through ctypes; result struct freed in finally"
        ),
        Implementation("pybind11", "native", native_fn, note="pybind11 module, list in, new list out"),
    ]
    if buffer is not None:
        typecode, fn = buffer
        impls.append(
            Implementation(
                "pybind11-buffer",
                "native",
                fn,
                prepare=partial(array.array, typecode),
                to_canonical=lambda view: view.tolist(),
                note=f"array.array('{typecode}') in without a copy, capsule-owned buffer out (memoryview)",
            )
        )
    if peer is not None:
        typecode = peer
        impls.append(
            Implementation(
                "array.array",
                "peer",
                partial(_array_tolist, typecode),
                note=f"CPython's own: array.array('{typecode}', values).tolist()",
            )
        )
    return impls


def _targets(case: str, vs_baseline: float, with_buffer: bool) -> list[Target]:
    n = 1_000_000
    targets = [
        Target(
            f"pybind11 at least {vs_baseline:g}x faster than the plain-ctypes baseline",
            "pybind11",
            "baseline",
            1 / vs_baseline,
            n,
        )
    ]
    if case == "ints":
        targets.append(
            Target("pybind11 copy at most 1.2x array.array('q').tolist()", "pybind11", "array.array", 1.2, n)
        )
    if with_buffer:
        targets.append(
            Target("buffer path at least 20x faster than the copy path", "pybind11-buffer", "pybind11", 1 / 20, n)
        )
    return targets


WORKLOAD = Workload(
    name="arrays",
    description="Python lists of ints, floats and strings into native arrays and back",
    native_bench="bench_arrays",
    cases=[
        Case(
            "ints",
            "element",
            make_ints,
            _impls(
                "ints",
                baseline.roundtrip_ints,
                capi.roundtrip_ints,
                native.roundtrip_ints,
                peer="q",
                buffer=("q", native.roundtrip_ints_buffer),
            ),
            SIZES,
            targets=_targets("ints", 5, True),
            description="int64 round trip",
        ),
        Case(
            "floats",
            "element",
            make_floats,
            _impls(
                "floats",
                baseline.roundtrip_floats,
                capi.roundtrip_floats,
                native.roundtrip_floats,
                peer="d",
                buffer=("d", native.roundtrip_floats_buffer),
            ),
            SIZES,
            agree=_floats_agree,
            targets=_targets("floats", 5, True),
            description="double round trip",
        ),
        Case(
            "float32",
            "element",
            make_floats,
            _impls("float32", baseline.roundtrip_float32, capi.roundtrip_float32, native.roundtrip_float32, peer="f"),
            SIZES,
            agree=_floats_agree,
            description="double -> float32 -> double (precision loss on purpose)",
        ),
        Case(
            "strings",
            "element",
            make_words,
            _impls("strings", baseline.roundtrip_strings, capi.roundtrip_strings, native.roundtrip_strings),
            SIZES,
            targets=_targets("strings", 3, False),
            description="UTF-8 strings with explicit lengths",
        ),
    ],
)
