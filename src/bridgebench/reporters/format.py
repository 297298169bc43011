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
    return f"{value:,.1f}x" if value >= 10 else f"{value:.2f}x"


def size(value: int) -> str:
    return f"{value:,}"


def percent(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"±{value * 50:.0f}%"  # half the IQR around the median
