"""Number formatting shared by the reporters."""

from __future__ import annotations

import math


def seconds(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def ratio(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    if value >= 100:
        return f"{value:,.0f}x"
    return f"{value:.1f}x" if value >= 10 else f"{value:.2f}x"


def size(value: int) -> str:
    return f"{value:,}"


def percent(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"±{value * 50:.0f}%"  # half the IQR around the median


def interval(low: float | None, high: float | None) -> str:
    """A 95 % interval of a ratio, '(16,901–17,702)', or '' when unknown."""
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return ""
    return f"({_plain_ratio(low)}–{_plain_ratio(high)})"


def _plain_ratio(value: float) -> str:
    return ratio(value).removesuffix("x")


def count(value: float | None) -> str:
    """An instruction count, short: 1.23k, 45.6M."""
    if value is None or math.isnan(value):
        return "-"
    for suffix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def change(value: float) -> str:
    return f"{value * 100:+.1f}%"


def target_claim(max_ratio: float, ratio_value: float | None, reference: str) -> str:
    """A target as a reader says it: '17,284x faster, needs ≥ 3,000x' or '1.05x the time of ideal, needs ≤ 1.15x'."""
    if max_ratio <= 1:  # "at least N times faster" (N = 1: "at least as fast")
        measured = ratio(1 / ratio_value) if ratio_value else "-"
        return f"{measured} faster than {reference}, needs ≥ {ratio(1 / max_ratio)}"
    measured = ratio(ratio_value)
    return f"{measured} the time of {reference}, needs ≤ {ratio(max_ratio)}"


def plural(unit: str) -> str:
    """'query' -> 'queries', 'URL' -> 'URLs'."""
    return unit[:-1] + "ies" if unit.endswith("y") and unit[-2:-1] not in "aeiou" else unit + "s"
