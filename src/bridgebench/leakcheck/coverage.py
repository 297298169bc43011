"""Which exported functions have a scenario, computed from what the native modules export.

The exports are read from the modules themselves, never from a hand-kept list:
- every public callable of each extension module ``bridgebench._<name>`` (the pybind11 modules
  and the nanobind and Cython peers of the array converters; classes count, and
  so do their public methods and properties, as ``Class.attribute``; enum members do not);
- every name in ``__all__`` of each C ABI wrapper ``bridgebench.<workload>.capi``;
- every ``bb_*`` symbol libbridgebench.so exports (``nm -D --defined-only``).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import types
from dataclasses import dataclass
from pathlib import Path

import bridgebench
from bridgebench import _clib
from bridgebench.leakcheck.scenarios import Scenario, all_scenarios


def package_dir() -> Path:
    return Path(bridgebench.__file__).resolve().parent


def pybind_modules() -> list[str]:
    """bridgebench._<workload> for every extension module installed in the package."""
    names = {p.name.split(".")[0] for p in package_dir().glob("_*.so")}
    return sorted(f"bridgebench.{n}" for n in names)


def pybind_exports(module_name: str) -> set[str]:
    module = importlib.import_module(module_name)
    out = set()
    for name in dir(module):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        if isinstance(obj, type):
            out.add(f"{module_name}.{name}")
            if hasattr(obj, "__members__"):
                continue  # an enum: its members and name/value properties are data, not functions
            out.update(
                f"{module_name}.{name}.{attr}"
                for attr, value in vars(obj).items()
                if not attr.startswith("_") and _is_function_like(value, obj)
            )
        elif callable(obj):
            out.add(f"{module_name}.{name}")
    return out


def _is_function_like(value, owner: type) -> bool:
    """Methods and properties (code that runs), not constants or instances of the class."""
    # A getset descriptor is a property written in C (a type built with the C API has them).
    if isinstance(value, (property, staticmethod, classmethod, types.GetSetDescriptorType)):
        return True
    return callable(value) and not isinstance(value, owner)


def workload_of(module_name: str) -> str:
    """The workload a native module belongs to: bridgebench._arrays and its binding peers
    (bridgebench._arrays_nanobind, bridgebench._arrays_cython) are all 'arrays'."""
    return module_name.rsplit("._", 1)[1].split("_", 1)[0]


def capi_modules() -> list[str]:
    workloads = sorted({workload_of(module) for module in pybind_modules()})
    return [f"bridgebench.{w}.capi" for w in workloads if (package_dir() / w / "capi.py").is_file()]


def capi_wrapper_exports(module_name: str) -> set[str]:
    module = importlib.import_module(module_name)
    return {f"{module_name}.{name}" for name in getattr(module, "__all__", [])}


def library_exports(library: Path | None = None) -> set[str]:
    """The bb_* functions libbridgebench.so exports, as 'libbridgebench.so:<symbol>'."""
    library = library or package_dir() / _clib.LIBRARY_NAME
    nm = shutil.which("nm")
    if nm is None:
        raise RuntimeError("nm (binutils) is needed to list the C ABI's exports")
    out = subprocess.run([nm, "-D", "--defined-only", str(library)], capture_output=True, text=True, check=True).stdout
    symbols = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWi" and parts[2].startswith("bb_"):
            symbols.add(f"libbridgebench.so:{parts[2]}")
    return symbols


def all_exports() -> set[str]:
    exports = library_exports()
    for module in pybind_modules():
        exports |= pybind_exports(module)
    for module in capi_modules():
        exports |= capi_wrapper_exports(module)
    return exports


@dataclass(frozen=True)
class Coverage:
    exports: frozenset[str]
    covered: dict[str, tuple[str, ...]]  # export -> the scenarios covering it
    missing: tuple[str, ...]  # exports with no scenario
    unknown: tuple[str, ...]  # names scenarios claim to cover that nothing exports (typos, removals)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.unknown


def compute(scenarios: list[Scenario] | None = None) -> Coverage:
    scenarios = all_scenarios() if scenarios is None else scenarios
    exports = all_exports()
    covered: dict[str, list[str]] = {}
    claimed = set()
    for s in scenarios:
        for name in s.covers:
            claimed.add(name)
            covered.setdefault(name, []).append(s.name)
    return Coverage(
        exports=frozenset(exports),
        covered={e: tuple(covered.get(e, ())) for e in sorted(exports)},
        missing=tuple(sorted(exports - claimed)),
        unknown=tuple(sorted(claimed - exports)),
    )


def verify_claims(scenarios: list[Scenario] | None = None) -> list[str]:
    """Runs each scenario once with the module functions and C symbols it claims to cover
    replaced by counting wrappers, and returns the claims it did not honour ("<scenario> claims
    <export> but never calls it"). Classes and their attributes cannot be wrapped and are taken
    on trust. Runs in this process, against the installed build."""
    scenarios = all_scenarios() if scenarios is None else scenarios
    calls: dict[str, int] = {}
    patches: list[tuple[object, str, object]] = []
    wrapped: set[str] = set()

    def wrap(owner: object, attribute: str, export: str) -> None:
        original = getattr(owner, attribute)

        def counting(*args, **kwargs):
            calls[export] = calls.get(export, 0) + 1
            return original(*args, **kwargs)

        patches.append((owner, attribute, original))
        setattr(owner, attribute, counting)
        wrapped.add(export)

    lib = _clib.library()
    claimed = {name for s in scenarios for name in s.covers}
    for export in sorted(claimed):
        if export.startswith("libbridgebench.so:"):
            wrap(lib, export.split(":", 1)[1], export)
            continue
        module_name, _, attribute = export.rpartition(".")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue  # "module.Class.attribute": on trust
        if not isinstance(getattr(module, attribute, None), type):
            wrap(module, attribute, export)
    problems = []
    try:
        for s in scenarios:
            calls.clear()
            try:
                s()
            except Exception as e:  # noqa: BLE001 - reported as a problem of the scenario
                problems.append(f"{s.name} failed: {type(e).__name__}: {e}")
                continue
            problems += [
                f"{s.name} claims {export} but never calls it"
                for export in s.covers
                if export in wrapped and not calls.get(export)
            ]
    finally:
        for owner, attribute, original in reversed(patches):
            setattr(owner, attribute, original)
    return problems
