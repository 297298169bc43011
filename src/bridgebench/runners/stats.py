"""Robust summaries of timing samples (medians and quartiles, not means: timing noise is
one-sided)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def quantile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return math.nan
    position = (len(sorted_values) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def summarize(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "median": quantile(ordered, 0.5),
        "q1": quantile(ordered, 0.25),
        "q3": quantile(ordered, 0.75),
        "min": ordered[0] if ordered else math.nan,
        "max": ordered[-1] if ordered else math.nan,
        "mean": statistics.fmean(ordered) if ordered else math.nan,
        "stdev": statistics.stdev(ordered) if len(ordered) > 1 else 0.0,
    }


def relative_spread(summary: dict[str, float]) -> float:
    """Interquartile range relative to the median: how much one figure can be trusted."""
    if not summary["median"]:
        return math.nan
    return (summary["q3"] - summary["q1"]) / summary["median"]
