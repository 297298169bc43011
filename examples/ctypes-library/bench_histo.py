"""histo's C library (through ctypes) against its pure-Python twin: `bridgebench run` and `leakcheck`."""

import random

import histo
from bridgebench.api import faster, scenario, workload
from histo import pure


def values(size, seed):
    rng = random.Random(seed)
    return [rng.gauss(0, 1) for _ in range(size)]


WORKLOAD = workload("histo", inputs=values, sizes=[1_000, 100_000],
                    baseline=lambda v: pure.histogram(v, 50),
                    implementations={"ctypes": lambda v: histo.histogram(v, 50)},
                    targets=[faster("ctypes", at_least=2)])
SCENARIOS = [scenario(histo.histogram, values(1_000, 1), 50),
             scenario(histo.histogram, [1.0, float("nan")], 4, raises=ValueError)]
