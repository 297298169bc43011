"""Hypothesis profiles for every property test in this suite (conftest.py loads one).

- "ci" (the default): the same examples on every run (derandomized: the seed comes from the test
  itself) and no example database on disk, so a run depends on nothing but the code.
- "long": ``BRIDGEBENCH_HYPOTHESIS_PROFILE=long``, 2,500 examples per test, for the main job
  and for hunting; still derandomized, so a failure it finds is found again by the same run.

A test that is slow per example takes a share of the profile with
``@settings(max_examples=examples(0.2))``, so the long profile still lengthens it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE_ENV = "BRIDGEBENCH_HYPOTHESIS_PROFILE"
CI_EXAMPLES = 150
LONG_EXAMPLES = 2_500

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=CI_EXAMPLES,
    deadline=None,  # timing is not a property, and the machine is shared
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("long", parent=settings.get_profile("ci"), max_examples=LONG_EXAMPLES)


def load() -> None:
    settings.load_profile(os.environ.get(PROFILE_ENV, "ci"))


def examples(fraction: float) -> int:
    """A share of the loaded profile's examples (at least 10)."""
    return max(10, int(settings.default.max_examples * fraction))
