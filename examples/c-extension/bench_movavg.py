"""movavg's C extension against its pure-Python twin: `bridgebench run` and `bridgebench leakcheck`."""

import random

import movavg
from bridgebench.api import faster, scenario, workload
from movavg import pure


def values(size, seed):
    rng = random.Random(seed)
    return [rng.uniform(-1000, 1000) for _ in range(size)]


WORKLOAD = workload("movavg", inputs=values, sizes=[1_000, 100_000],
                    baseline=lambda v: pure.moving_average(v, 16),
                    implementations={"c-extension": lambda v: movavg.moving_average(v, 16)},
                    targets=[faster("c-extension", at_least=5)])
SCENARIOS = [scenario(movavg.moving_average, values(1_000, 1), 16),
             scenario(movavg.moving_average, [1.0, "x"], 1, raises=TypeError)]
