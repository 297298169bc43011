"""histo's own tests, with bridgebench's pytest plugin (installed with bridgebench)."""

import histo
import pytest
from bench_histo import WORKLOAD, values


def test_no_leak_on_the_normal_path(no_leak):
    no_leak(histo.histogram, values(1_000, 1), 50)


def test_no_leak_when_a_value_is_nan(no_leak):
    no_leak(histo.histogram, [1.0, float("nan")], 4, raises=ValueError)


@pytest.mark.bridgebench_compare(WORKLOAD, sizes=[1_000])
def test_same_answers_as_the_pure_twin():
    """The marker runs both implementations on the same inputs as this test's call."""
