"""Arrays: lists of ints, floats and strings into native arrays and back."""

from __future__ import annotations

import array
import importlib
import random
import struct
from functools import partial
from types import ModuleType

import python_baseline.arrays as baseline
from bridgebench import arrays as native
from bridgebench.api import Case, Implementation, Target, Workload
from bridgebench.arrays import capi
from bridgebench.workloads import _binding_costs as binding_costs

# From 10 elements, where the fixed cost of a call dominates, to where the per-element cost does:
# the binding comparison fits both (_binding_costs).
SIZES = {
    "quick": [10, 1_000, 100_000, 1_000_000],
    "full": [10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000],
}
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


# The same round trips bound with nanobind and Cython (src/peers), built when their build
# dependency is installed. Each function is looked up once, so that it is timed as directly as
# the pybind11 one; a module that is missing is reported as skipped (Implementation.requires).
PEER_BINDINGS = {
    "nanobind": (
        "bridgebench._arrays_nanobind",
        "nanobind's std::vector / std::string casters, tuple snapshot of the input",
    ),
    "cython": ("bridgebench._arrays_cython", "Cython: typed loop into a C++ vector, the C ABI, list comprehension out"),
}


def _optional_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _not_built(*_args):
    raise RuntimeError("this binding was not built")  # never timed: the worker skips it first


def _peer_bindings(kind: str) -> list[Implementation]:
    out = []
    for name, (module_name, note) in PEER_BINDINGS.items():
        module = _optional_module(module_name)
        run = getattr(module, f"roundtrip_{kind}") if module is not None else _not_built
        out.append(Implementation(name, "peer", run, requires=module_name, note=note))
    return out


def _impls(kind: str, baseline_fn, capi_fn, native_fn, peer=None, buffer=None, bindings=False) -> list[Implementation]:
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
    if bindings:
        impls += _peer_bindings(kind)
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
                bindings=True,
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
                bindings=True,
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
            _impls(
                "strings", baseline.roundtrip_strings, capi.roundtrip_strings, native.roundtrip_strings, bindings=True
            ),
            SIZES,
            targets=_targets("strings", 3, False),
            description="UTF-8 strings with explicit lengths",
        ),
    ],
    sections=binding_costs.sections,
)
