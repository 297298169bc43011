"""Moving averages: a C extension (``movavg.moving_average``) and its pure-Python twin
(``movavg.pure.moving_average``), with the same answers and the same errors."""

from movavg._movavg import moving_average

__all__ = ["moving_average"]
