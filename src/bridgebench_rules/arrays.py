"""The arrays workload's rules: what each round trip accepts, its limits, and its error messages.

Used by ``python_baseline.arrays``, ``bridgebench.arrays.capi`` and (in C++, with the same words)
the pybind11 module ``bridgebench._arrays``. For every bad input the three raise the same
exception type with the same message, naming the argument ``values`` and the index of the
*first* bad element in order.

What is accepted (docs/arrays.md says the same for users):

- ``values``: any iterable except ``str`` and ``bytes`` (a string is iterable, but a list of its
  characters is never what the caller meant). Its items are taken once, when the call starts
  (:func:`snapshot`); an item's ``__index__`` or ``__float__`` that changes the caller's list
  does not change what is converted, and each item is converted exactly once, in order.
- int64 items: ``int`` and anything with ``__index__`` (numpy integers, ...), as
  ``operator.index`` sees them; ``bool`` is refused (``True`` in a list of numbers is almost
  always a bug). Out of int64 range: OverflowError.
- double items: ``float``, ``int`` and anything with ``__float__`` or ``__index__`` (numpy
  scalars, ``Fraction``, ...), as CPython's ``PyFloat_AsDouble`` (and ``array('d')``) sees them:
  a ``float`` subclass is read as it is, without calling its ``__float__``; ``bool`` is refused.
  Too large for a double: OverflowError.
- float32 items: double items whose magnitude rounds to a finite float32; NaN and +-inf pass
  through, a finite double beyond float32's range raises OverflowError (never a silent inf).
- str items: ``str`` (and subclasses, encoded as ``str`` itself would be); a lone surrogate
  raises UnicodeEncodeError naming the index.
- An exception raised by the item's own ``__index__`` or ``__float__`` (other than overflow)
  reaches the caller unchanged: it is the item's bug, and its message already says what it is.
"""

from __future__ import annotations

import math
import operator
from typing import Any

ARGUMENT = "values"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
FLOAT32_MAX_TEXT = "3.4028234663852886e+38"
# Halfway between FLT_MAX and 2**128: from here on a double rounds to float32 infinity.
FLOAT32_OVERFLOW = 2.0**128 - 2.0**103

# Item types whose conversion runs no Python code: the C ABI wrapper converts sequences made only
# of these with array.array at C speed; anything else goes item by item through the checks below.
PLAIN_INT_TYPES = frozenset({int})
PLAIN_DOUBLE_TYPES = frozenset({int, float})

_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE


def type_name(cls: type) -> str:
    """The name CPython's own messages use for a type (its tp_name): ``numpy.int64`` for a type
    defined in C outside the builtins, ``MyClass`` for a class defined in Python."""
    if cls.__flags__ & _HEAPTYPE or cls.__module__ == "builtins":
        return cls.__name__
    return f"{cls.__module__}.{cls.__name__}"


def _has_slot(cls: type, name: str) -> bool:
    """Whether instances of `cls` have the special method `name` (what CPython's type slots
    see: the class and its bases, not the instance or the metaclass)."""
    return any(name in vars(k) for k in cls.__mro__)


def _is_iterable_type(cls: type) -> bool:
    return _has_slot(cls, "__iter__") or (not issubclass(cls, dict) and _has_slot(cls, "__getitem__"))


def not_a_sequence(values: object, argument: str = ARGUMENT) -> TypeError:
    return TypeError(f"{argument} must be a list or other sequence, not {type_name(type(values))}")


def snapshot(values: Any, argument: str = ARGUMENT) -> tuple:
    """The items of `values` as they are now, in a tuple nobody else can change."""
    cls = type(values)
    if issubclass(cls, (str, bytes)):
        raise not_a_sequence(values, argument)
    try:
        return tuple(values)
    except TypeError:
        # An iterable whose iteration raised keeps its own exception; a non-iterable gets ours.
        if _is_iterable_type(cls):
            raise
        raise not_a_sequence(values, argument) from None


def _item(i: int) -> str:
    return f"{ARGUMENT}[{i}]"


def int64_item(v: Any, i: int) -> int:
    cls = type(v)
    if cls is not int:
        if cls is bool or not (issubclass(cls, int) or _has_slot(cls, "__index__")):
            raise TypeError(f"{_item(i)} must be int, not {type_name(cls)}")
    n = operator.index(v)
    if not INT64_MIN <= n <= INT64_MAX:
        raise OverflowError(f"{_item(i)} = {v!r} does not fit in int64")
    return n


def _is_real_number_type(cls: type) -> bool:
    if cls is bool:
        return False
    return issubclass(cls, (float, int)) or _has_slot(cls, "__float__") or _has_slot(cls, "__index__")


def double_item(v: Any, i: int) -> float:
    cls = type(v)
    if cls is float:
        return v
    if not _is_real_number_type(cls):
        raise TypeError(f"{_item(i)} must be float or int, not {type_name(cls)}")
    if issubclass(cls, float):
        return float.__float__(v)  # the stored value; a subclass's __float__ is not asked
    try:
        return float(v)  # __float__, else __index__ (the item's own errors pass through)
    except OverflowError:
        raise OverflowError(f"{_item(i)} = {v!r} is too large for a double") from None


def fits_float32(d: float) -> bool:
    return not math.isfinite(d) or abs(d) < FLOAT32_OVERFLOW


def float32_too_large(v: object, i: int) -> OverflowError:
    return OverflowError(f"{_item(i)} = {v!r} is too large for float32 (max {FLOAT32_MAX_TEXT})")


def float32_item(v: Any, i: int) -> float:
    """The item as a double that rounds to a finite float32 (or is NaN or an infinity)."""
    d = double_item(v, i)
    if not fits_float32(d):
        raise float32_too_large(v, i)
    return d


def utf8_item(s: Any, i: int) -> bytes:
    cls = type(s)
    if not issubclass(cls, str):
        raise TypeError(f"{_item(i)} must be str, not {type_name(cls)}")
    try:
        return str.encode(s, "utf-8")
    except UnicodeEncodeError as e:
        raise UnicodeEncodeError(
            "utf-8", s, e.start, e.end, f"{_item(i)} cannot be encoded as UTF-8 (lone surrogate)"
        ) from None


__all__ = [
    "ARGUMENT",
    "INT64_MIN",
    "INT64_MAX",
    "FLOAT32_MAX_TEXT",
    "FLOAT32_OVERFLOW",
    "PLAIN_INT_TYPES",
    "PLAIN_DOUBLE_TYPES",
    "type_name",
    "not_a_sequence",
    "snapshot",
    "int64_item",
    "double_item",
    "fits_float32",
    "float32_too_large",
    "float32_item",
    "utf8_item",
]
