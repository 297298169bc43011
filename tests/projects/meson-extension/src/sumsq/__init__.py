"""sum_of_squares(values): a C extension built with meson-python."""

from sumsq._sumsq import sum_of_squares

__all__ = ["sum_of_squares"]
