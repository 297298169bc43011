"""The pure-Python twin of the C extension: same answers, same errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import SupportsFloat


def moving_average(values: Sequence[SupportsFloat], window: int) -> list[float]:
    """The mean of every full window of ``window`` consecutive values."""
    if window < 1:
        raise ValueError("window must be at least 1")
    copied = []
    for i, value in enumerate(values):
        try:
            copied.append(float(value))
        except (TypeError, ValueError):
            raise TypeError(f"values[{i}] must be a number") from None
    result = []
    total = 0.0
    for i, value in enumerate(copied):
        total += value
        if i >= window:
            total -= copied[i - window]
        if i + 1 >= window:
            result.append(total / window)
    return result
