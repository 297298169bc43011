"""Checks that implementations give the same answers before anyone's speed is reported.

Every implementation is compared item by item with the reference (the baseline when there is
one) and with the first native implementation, on their common prefix (slow implementations
answer only the first `max_items` items)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

MAX_REPR = 160


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 3] + "..."


def first_mismatch(a: Sequence, b: Sequence, agree: Callable[[Any, Any], bool]) -> str | None:
    """None when a and b agree on their common prefix, else a description of the first difference."""
    common = min(len(a), len(b))
    if agree(a[:common], b[:common]):
        return None
    # Narrow down to the first differing item for the message.
    for i in range(common):
        if not agree(a[i : i + 1], b[i : i + 1]):
            return f"item {i}: {_short(a[i])} != {_short(b[i])}"
    return f"outputs differ over the first {common} items"


def check(
    outputs: dict[str, Sequence], reference: str | None, native: str | None, agree: Callable[[Any, Any], bool]
) -> dict[str, str | None]:
    """Per implementation: None if it agrees with the reference and the first native one."""
    verdicts: dict[str, str | None] = {}
    for name, output in outputs.items():
        problem = None
        for other in (reference, native):
            if other is None or other == name or other not in outputs:
                continue
            mismatch = first_mismatch(output, outputs[other], agree)
            if mismatch is not None:
                problem = f"disagrees with {other}: {mismatch}"
                break
        verdicts[name] = problem
    return verdicts
