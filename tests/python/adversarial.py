"""Hostile inputs for misuse and property tests: items whose special methods run Python code
that changes the container being converted, subclasses of the builtin types, objects that only
speak __index__ or __float__, one-shot iterators.

An input is a *recipe* (frozen dataclasses: printable, comparable, what hypothesis shrinks) that
builds a fresh container on every call, so each implementation under test gets the same input
and a mutation made during one call cannot leak into the next.
"""

from __future__ import annotations

from dataclasses import dataclass

# What a mutating item does to the list it sits in, from inside its __float__ or __index__.
MUTATIONS = ("clear", "refill", "grow", "poison")


def mutate(owner: list, action: str) -> None:
    if action == "clear":
        owner.clear()
    elif action == "refill":  # emptied, then a bigger item array: the old one is freed
        owner.clear()
        owner.extend([0.5] * 64)
    elif action == "grow":
        owner.extend([None] * 64)
    elif action == "poison":  # every slot now holds an item the converter would refuse
        owner[:] = [None] * len(owner)
    else:
        raise ValueError(action)


class SubInt(int):
    def __repr__(self) -> str:
        return f"SubInt({int(self)})"


class SubFloat(float):
    """A float subclass whose __float__ lies: converters read the stored value, as
    PyFloat_AsDouble (and array('d')) do."""

    def __float__(self) -> float:
        return -1.0

    def __repr__(self) -> str:
        return f"SubFloat({float.__repr__(self)})"


class Index:
    """Not an int, but usable as one through __index__ (like numpy integers)."""

    def __init__(self, value: int):
        self.value = value

    def __index__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"Index({self.value})"


class Real:
    """Not a float, but convertible through __float__ (like numpy.float32 or Fraction)."""

    def __init__(self, value: float):
        self.value = value

    def __float__(self) -> float:
        return self.value

    def __repr__(self) -> str:
        return f"Real({self.value!r})"


class MutatingInt(int):
    """An int whose __float__ changes the list it sits in, then answers `result`."""

    def __new__(cls, value: int, owner: list, action: str, result: float):
        self = super().__new__(cls, value)
        self.owner, self.action, self.result = owner, action, result
        return self

    def __float__(self) -> float:
        mutate(self.owner, self.action)
        return self.result

    def __repr__(self) -> str:
        return f"MutatingInt({int(self)}, {self.action})"


class MutatingIndex:
    """An int-like whose __index__ changes the list it sits in, then answers `value`."""

    def __init__(self, value: int, owner: list, action: str):
        self.value, self.owner, self.action = value, owner, action

    def __index__(self) -> int:
        mutate(self.owner, self.action)
        return self.value

    def __repr__(self) -> str:
        return f"MutatingIndex({self.value}, {self.action})"


class RaisingFloat:
    def __float__(self) -> float:
        raise ValueError("RaisingFloat.__float__ failed")

    def __repr__(self) -> str:
        return "RaisingFloat()"


class RaisingIndex:
    def __index__(self) -> int:
        raise ValueError("RaisingIndex.__index__ failed")

    def __repr__(self) -> str:
        return "RaisingIndex()"


class NonFloatFloat:
    def __float__(self):
        return "not a float"

    def __repr__(self) -> str:
        return "NonFloatFloat()"


class SubStr(str):
    """A str subclass whose encode lies: converters encode the str itself."""

    def encode(self, *args, **kwargs) -> bytes:
        return b"lie"

    def __repr__(self) -> str:
        return f"SubStr({str.__repr__(self)})"


def _numpy():
    try:
        import numpy
    except ImportError:  # numpy is a test dependency; without it those kinds are not generated
        return None
    return numpy


NUMPY = _numpy()


@dataclass(frozen=True)
class Item:
    """One element: kind (see build) and its parameters."""

    kind: str
    value: object = None
    action: str = "clear"
    result: float = 7.0

    def build(self, owner: list) -> object:
        v = self.value
        simple = {
            "plain": lambda: v,
            "none": lambda: None,
            "sub_int": lambda: SubInt(v),
            "sub_float": lambda: SubFloat(v),
            "sub_str": lambda: SubStr(v),
            "index": lambda: Index(v),
            "real": lambda: Real(v),
            "raising_float": RaisingFloat,
            "raising_index": RaisingIndex,
            "non_float_float": NonFloatFloat,
        }
        if self.kind in simple:
            return simple[self.kind]()
        if self.kind == "mutating_int":
            return MutatingInt(v, owner, self.action, self.result)
        if self.kind == "mutating_index":
            return MutatingIndex(v, owner, self.action)
        if self.kind.startswith("numpy_"):
            return getattr(NUMPY, self.kind.removeprefix("numpy_"))(v)
        raise ValueError(self.kind)


CONTAINERS = ("list", "tuple", "iterator", "generator")


@dataclass(frozen=True)
class Input:
    """A container of items; build() makes a fresh one (items bound to their own list)."""

    container: str
    items: tuple[Item, ...]

    def build(self) -> object:
        owner: list = []
        owner.extend(item.build(owner) for item in self.items)
        if self.container == "list":
            return owner
        if self.container == "tuple":
            return tuple(owner)
        if self.container == "iterator":  # one-shot: read twice, the second read sees nothing
            return iter(owner)
        if self.container == "generator":
            return (x for x in owner)
        raise ValueError(self.container)
