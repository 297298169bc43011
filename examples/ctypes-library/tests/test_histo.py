"""histo's own tests, with bridgebench's pytest plugin (installed with bridgebench)."""

import histo
from bench_histo import WORKLOAD, values


def test_no_leak_on_the_normal_path(no_leak):
    no_leak(histo.histogram, values(1_000, 1), 50)


def test_no_leak_when_a_value_is_nan(no_leak):
    no_leak(histo.histogram, [1.0, float("nan")], 4, raises=ValueError)


def test_same_answers_as_the_pure_twin(compare_implementations):
    result = compare_implementations(WORKLOAD, sizes=[1_000])
    assert result.cases[0].sizes[0].get("ctypes").speedup is not None
