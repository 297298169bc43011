"""The default ("damerau") ranking in pure Python, the reference for src/spell/casing.cpp,
``typing_cost`` in src/spell/metrics.cpp and ``Speller::search_damerau`` (docs/spell.md):

1. matching ignores case: words and query are compared case-folded (``fold``); an exact
   match, in any case, is always first;
2. the candidates are the words at the nearest optimal-string-alignment distance d, plus the
   frequent ones (frequency > FREQUENT_FLOOR) at d + 1 (near ties), never past max_distance;
3. they are ordered by ``typing_cost(query, word) * COST_WEIGHT - frequency(word)``, then by
   dictionary order;
4. the answer is a spelling of the word from the dictionary (the one written like the query
   if any, else the first of the query's shape, else the first in lower case, else the
   first), in capitals when the query is, with a capital first letter when the query has one.

Case pairs and letters are small tables rather than Unicode's, so the native side states
them identically: ASCII, Latin-1, Latin Extended-A, basic Greek and Cyrillic.
"""

from __future__ import annotations

COST_WEIGHT = 30
NEAR_TIE_EDITS = 1
FREQUENT_FLOOR = 300  # Zipf 3: about once per million words
# The cost of each kind of slip (see typing_cost).
DROPPED, DROPPED_DOUBLE, EXTRA, EXTRA_DOUBLE, SWAPPED, WRONG_VOWEL, WRONG = 7, 4, 9, 5, 7, 8, 10
VOWELS = frozenset("aeiou")


# ---- case ------------------------------------------------------------------------------------


def _latin_a_capital(c: int) -> bool:
    if 0x100 <= c <= 0x12F or 0x132 <= c <= 0x137 or 0x14A <= c <= 0x177:
        return c % 2 == 0
    if 0x139 <= c <= 0x148 or 0x179 <= c <= 0x17E:
        return c % 2 == 1
    return False


def _latin_a_small(c: int) -> bool:
    return 0x101 <= c <= 0x17E and c != 0x178 and _latin_a_capital(c - 1) and not _latin_a_capital(c)


def fold_case(ch: str) -> str:
    c = ord(ch)
    if 0x41 <= c <= 0x5A or (0xC0 <= c <= 0xDE and c != 0xD7):
        return chr(c + 32)
    if 0x100 <= c <= 0x17F:
        if c == 0x178:
            return "\xff"
        return chr(c + 1) if _latin_a_capital(c) else ch
    if (0x391 <= c <= 0x3A9 and c != 0x3A2) or 0x410 <= c <= 0x42F:
        return chr(c + 32)
    if 0x400 <= c <= 0x40F:
        return chr(c + 80)
    return ch


def upper_case(ch: str) -> str:
    c = ord(ch)
    if 0x61 <= c <= 0x7A or (0xE0 <= c <= 0xFE and c != 0xF7):
        return chr(c - 32)
    if c == 0xFF:
        return "\u0178"
    if _latin_a_small(c):
        return chr(c - 1)
    if (0x3B1 <= c <= 0x3C9 and c != 0x3C2) or 0x430 <= c <= 0x44F:
        return chr(c - 32)
    if 0x450 <= c <= 0x45F:
        return chr(c - 80)
    return ch


def is_letter(ch: str) -> bool:
    c = ord(ch)
    if 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A:
        return True
    if 0xC0 <= c <= 0x24F:
        return c not in (0xD7, 0xF7)
    return c >= 0x370


def fold(text: str) -> str:
    return "".join(map(fold_case, text))


def shape(text: str) -> str:
    """lower (no capitals), title (a capital first letter only), upper (two or more capitals,
    no small letter) or mixed."""
    capitals = smalls = 0
    first_capital = False
    for i, ch in enumerate(text):
        if fold_case(ch) != ch:
            capitals += 1
            first_capital = first_capital or i == 0
        elif upper_case(ch) != ch:
            smalls += 1
    if capitals == 0:
        return "lower"
    if first_capital and capitals == 1:
        return "title"
    if capitals >= 2 and smalls == 0:
        return "upper"
    return "mixed"


def present(query: str, spellings: list[str]) -> str:
    """The answer for `query` among one word's spellings (dictionary order)."""
    if query in spellings:
        return query
    want = shape(query)
    chosen = next((s for s in spellings if shape(s) == want), None)
    chosen = chosen or next((s for s in spellings if shape(s) == "lower"), None) or spellings[0]
    got = shape(chosen)
    if want == "upper" and got != "upper":
        return "".join(map(upper_case, chosen))
    if want == "title" and got == "lower" and chosen:
        return upper_case(chosen[0]) + chosen[1:]
    return chosen


# ---- distances -----------------------------------------------------------------------------


def osa(a: str, b: str) -> int:
    """Optimal string alignment: Levenshtein plus the swap of two neighbours as one edit."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i]
        for j in range(1, len(b) + 1):
            v = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, before[j - 2] + 1)
            current.append(v)
        before, previous = previous, current
    return previous[-1]


def _doubles_neighbour(s: str, i: int) -> bool:
    return (i > 0 and s[i] == s[i - 1]) or (i + 1 < len(s) and s[i] == s[i + 1])


def typing_cost(query: str, word: str) -> int:
    """The weighted edit cost of typing `query` for `word` (both folded): a dropped letter 7
    (4 if it was one of a doubled pair), an extra letter 9 (5 if it doubles a neighbour), a
    swap of neighbours 7, a wrong vowel for a vowel 8, any other wrong letter 10."""
    n = len(word)
    adds = [DROPPED_DOUBLE if _doubles_neighbour(word, j) else DROPPED for j in range(n)]
    before: list[int] = []
    previous = [0]
    for j in range(n):
        previous.append(previous[-1] + adds[j])
    for i in range(1, len(query) + 1):
        q = query[i - 1]
        remove = EXTRA_DOUBLE if _doubles_neighbour(query, i - 1) else EXTRA
        current = [previous[0] + remove]
        for j in range(1, n + 1):
            w = word[j - 1]
            replace = 0 if q == w else WRONG_VOWEL if q in VOWELS and w in VOWELS else WRONG
            v = min(previous[j] + remove, current[j - 1] + adds[j - 1], previous[j - 1] + replace)
            if i > 1 and j > 1 and q == word[j - 2] and query[i - 2] == w:
                v = min(v, before[j - 2] + SWAPPED)
            current.append(v)
        before, previous = previous, current
    return previous[-1]


# ---- the search ------------------------------------------------------------------------------


class Keys:
    """A dictionary's case-folded keys, in dictionary order, each with its spellings and
    frequency (the largest of its spellings')."""

    def __init__(self, words: list[str], frequencies: dict[str, int]):
        self.spellings: dict[str, list[str]] = {}
        self.frequency: dict[str, int] = {}
        for w in words:
            key = fold(w)
            self.spellings.setdefault(key, []).append(w)
            self.frequency[key] = max(self.frequency.get(key, 0), frequencies.get(w, 0))
        self.position = {key: i for i, key in enumerate(self.spellings)}


def search(keys: Keys, query: str, k: int, limit: int | None) -> list[tuple[str, int]]:
    """The k best (answer, distance) pairs for `query`, best first."""
    if k == 0 or not any(map(is_letter, query)):
        return []
    q = fold(query)
    if q in keys.spellings and k == 1:
        return [(present(query, keys.spellings[q]), 0)]
    found = []  # (distance, key) within the nearest distance + NEAR_TIE_EDITS
    nearest = None
    for key in keys.spellings:
        reach = limit if nearest is None else nearest + NEAR_TIE_EDITS
        if limit is not None and reach is not None:
            reach = min(reach, limit)
        if reach is not None and abs(len(key) - len(q)) > reach:
            continue
        d = osa(q, key)
        if reach is not None and d > reach:
            continue
        found.append((d, key))
        if nearest is None or d < nearest:
            nearest = d
    if nearest is None:
        return []
    reach = nearest + NEAR_TIE_EDITS if limit is None else min(limit, nearest + NEAR_TIE_EDITS)

    def rank(item: tuple[int, str]) -> tuple[bool, int, int]:
        d, key = item
        exact = key == q
        score = 0 if exact else typing_cost(q, key) * COST_WEIGHT - keys.frequency[key]
        return (not exact, score, keys.position[key])

    near = [(d, key) for d, key in found if d == nearest or (d <= reach and keys.frequency[key] > FREQUENT_FLOOR)]
    best = sorted(near, key=rank)[:k]
    return [(present(query, keys.spellings[key]), d) for d, key in best]
