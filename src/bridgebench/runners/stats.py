"""Statistics on raw timing samples: robust summaries (medians and quartiles, not means: timing
noise is one-sided), bootstrap intervals of a ratio of medians, and the Mann-Whitney U test that
`compare` uses to tell a change from noise."""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

BOOTSTRAP_RESAMPLES = 2000
CONFIDENCE = 0.95
# Fewer samples per side than this and no test can reach p < 0.01: the row is "inconclusive".
MIN_SAMPLES_FOR_TEST = 5
EXACT_TEST_MAX_SAMPLES = 50  # per side: the exact U distribution is cheap up to there


@dataclass(frozen=True)
class Summary:
    n: int
    median: float
    q1: float
    q3: float
    min: float
    max: float
    mean: float
    stdev: float


def quantile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return math.nan
    position = (len(sorted_values) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def summarize(values: Sequence[float]) -> Summary:
    ordered = sorted(values)
    if not ordered:
        return Summary(0, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, 0.0)
    return Summary(
        n=len(ordered),
        median=quantile(ordered, 0.5),
        q1=quantile(ordered, 0.25),
        q3=quantile(ordered, 0.75),
        min=ordered[0],
        max=ordered[-1],
        mean=statistics.fmean(ordered),
        stdev=statistics.stdev(ordered) if len(ordered) > 1 else 0.0,
    )


def relative_spread(summary: Summary) -> float:
    """Interquartile range relative to the median: how much one figure can be trusted."""
    if not summary.median or math.isnan(summary.median):
        return math.nan
    return (summary.q3 - summary.q1) / summary.median


def ratio_of_medians_interval(
    numerator: Sequence[float], denominator: Sequence[float], *, seed: int = 0
) -> tuple[float, float, float]:
    """median(numerator) / median(denominator) and its 95 % percentile-bootstrap interval.

    Seeded, so the same samples always give the same interval (reports re-render identically).
    """
    point = statistics.median(numerator) / statistics.median(denominator)
    rng = random.Random(seed)
    ratios = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        a = statistics.median(rng.choices(numerator, k=len(numerator)))
        b = statistics.median(rng.choices(denominator, k=len(denominator)))
        ratios.append(a / b)
    ratios.sort()
    tail = (1 - CONFIDENCE) / 2
    return point, quantile(ratios, tail), quantile(ratios, 1 - tail)


def mann_whitney_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p-value of the Mann-Whitney U test (exact for small samples without ties)."""
    from scipy.stats import mannwhitneyu

    if len(a) == 0 or len(b) == 0:
        return math.nan
    if len(set(a) | set(b)) == 1:
        return 1.0  # all equal: no evidence of any change (scipy would divide by zero)
    # scipy's "auto" is exact only below 8 samples a side; its normal approximation cannot go
    # below ~2e-4 for 10 against 10 (the exact p of two separated groups is 1e-5), which a
    # correction for 20 rows then turns into no evidence at all.
    ties = len(set(a) | set(b)) < len(a) + len(b)
    exact = not ties and max(len(a), len(b)) <= EXACT_TEST_MAX_SAMPLES
    return float(mannwhitneyu(a, b, alternative="two-sided", method="exact" if exact else "asymptotic").pvalue)
