"""Spell checker core: dictionary index and searches (see bridgebench.spell).

Checked against the compiled module by tests/python/test_types.py (mypy's stubtest).
"""

from collections.abc import Iterable

class Speller:
    """A dictionary indexed once for fast nearest-word searches."""

    def __init__(self, words: Iterable[str]) -> None: ...
    def __len__(self) -> int: ...
    def suggest(
        self,
        word: str,
        *,
        max_distance: int | None = None,
        metric: str = "levenshtein",
        min_similarity: float | None = None,
    ) -> str | None: ...
    def suggest_k(
        self,
        word: str,
        k: int,
        *,
        max_distance: int | None = None,
        metric: str = "levenshtein",
        min_similarity: float | None = None,
    ) -> list[tuple[str, int | float]]: ...
    def suggest_many(
        self,
        words: Iterable[str],
        *,
        max_distance: int | None = None,
        threads: int | None = None,
        metric: str = "levenshtein",
        min_similarity: float | None = None,
    ) -> list[str | None]: ...
    @property
    def memory_bytes(self) -> int: ...
    @property
    def words(self) -> list[str]: ...

def distance(a: str, b: str) -> int: ...
def similarity(a: str, b: str, metric: str = "levenshtein") -> float: ...
