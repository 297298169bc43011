"""The pure-Python twin of the C library: same answers, same errors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import SupportsFloat

MAX_BINS = 1_000_000


@dataclass(frozen=True)
class Histogram:
    counts: list[int]
    edges: list[float]


def check_bins(bins: int) -> None:
    """The one rule for ``bins``, shared by both implementations."""
    if isinstance(bins, bool) or not isinstance(bins, int):
        raise TypeError(f"bins must be an int, not {type(bins).__name__}")
    if not 1 <= bins <= MAX_BINS:
        raise ValueError(f"bins must be between 1 and {MAX_BINS:,}")


def _floats(values: Sequence[SupportsFloat]) -> list[float]:
    out = []
    for i, value in enumerate(values):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"values[{i}] must be a number") from None
        if math.isnan(number):
            raise ValueError(f"values[{i}] is NaN")
        out.append(number)
    return out


def histogram(values: Sequence[SupportsFloat], bins: int) -> Histogram:
    """Counts of ``values`` in ``bins`` equal-width bins between their minimum and maximum."""
    check_bins(bins)
    numbers = _floats(list(values))
    low = min(numbers, default=0.0)
    high = max(numbers, default=0.0)
    width = (high - low) / bins
    edges = [low + width * b for b in range(bins + 1)]
    edges[bins] = high
    counts = [0] * bins
    for number in numbers:
        b = int((number - low) / width) if width > 0 else 0
        counts[min(b, bins - 1)] += 1
    return Histogram(counts=counts, edges=edges)
