"""movavg's own tests, with bridgebench's pytest plugin (installed with bridgebench)."""

import movavg
import pytest
from bench_movavg import WORKLOAD, values


def test_no_leak_on_the_normal_path(no_leak):
    no_leak(movavg.moving_average, values(1_000, 1), 16)


def test_no_leak_on_a_bad_item(no_leak):
    no_leak(movavg.moving_average, [1.0, "x"], 1, raises=TypeError)


def test_same_answers_as_the_pure_twin(compare_implementations):
    result = compare_implementations(WORKLOAD, sizes=[1_000])
    assert result.cases[0].sizes[0].get("c-extension").speedup is not None


def test_bad_window_is_rejected():
    with pytest.raises(ValueError):
        movavg.moving_average([1.0], 0)
