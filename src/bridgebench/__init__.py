"""bridgebench: how much faster did the native extension get, and does anything leak?

Workloads live in ``bridgebench.<workload>`` (native, via pybind11) and
``bridgebench.<workload>.capi`` (native, via the C ABI and ctypes); the pure-Python
baselines with the same API live in the ``python_baseline`` package.
"""

__version__ = "0.1.0"
