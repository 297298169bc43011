"""Shared inputs for the spell-checker tests: a small dictionary (so the pure-Python
baseline stays fast) and random queries made by edits of its words."""

from __future__ import annotations

import random

from bridgebench.workloads.spell import LETTERS
from bridgebench.workloads.spell import typo as edit

# A few accented, non-Latin-1 and non-BMP characters, as real word lists have.
UNICODE = "éüñçøßłŝжщ€😀🐍"


def small_dictionary(seed: int = 7, size: int = 300, unicode: bool = True) -> list[str]:
    rng = random.Random(seed)
    alphabet = LETTERS * 3 + (UNICODE if unicode else "")
    words = ["".join(rng.choices(alphabet, k=rng.randint(1, 12))) for _ in range(size)]
    # Some duplicates and near-duplicates, so ties and first positions are exercised.
    words += rng.sample(words, 20)
    words += [edit(rng, w, 1, alphabet) for w in rng.sample(words, 40)]
    rng.shuffle(words)
    return words


def queries(words: list[str], count: int, seed: int = 11, unicode: bool = True) -> list[str]:
    rng = random.Random(seed)
    alphabet = LETTERS + (UNICODE if unicode else "")
    out = [edit(rng, rng.choice(words), rng.randint(0, 3), alphabet) for _ in range(count)]
    out += ["", "a", "😀", "x" * 70, "ab" * 40]  # empty, tiny, non-BMP, over 64 code points
    return out
