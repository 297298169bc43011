"""The leak scenarios `bridgebench leakcheck` runs on sumsq: the normal path and an error path."""

import sumsq

from bridgebench.api import scenario

SCENARIOS = [
    scenario(sumsq.sum_of_squares, [float(i) for i in range(100)]),
    scenario(sumsq.sum_of_squares, [1.0, "x"], raises=TypeError),
]
