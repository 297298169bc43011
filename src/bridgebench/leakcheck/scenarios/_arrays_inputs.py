"""Good inputs of the converter scenarios, shared by our bindings' scenarios and the peer
bindings' (nanobind, Cython): the edges of each element type, so every binding is audited on
the same values."""

INTS = [1, -2, 3, 2**63 - 1, -(2**63), 0, 7]  # both int64 limits
FLOATS = [1.5, -0.0, float("inf"), float("nan"), 3, -790.5207366698761]  # an int where a float goes
WORDS = ["a", "héllo", "", "emb\x00edded", "😀 non-BMP", "x" * 100]  # UTF-8 widths 1-4, a NUL
