"""Regenerates data/word-frequency.txt: how common each word of the default dictionary is.

One line per case-folded dictionary word that wordfreq knows, ``word<TAB>zipf`` with the
word's Zipf frequency (log10 of occurrences per billion words) times 100, rounded, from
wordfreq's "large" English list; words it does not know are left out (frequency 0). The
spell checker's default ranking uses these numbers to order near ties (docs/spell.md).

Needs ``wordfreq`` (pinned in requirements.txt); takes ~15 s. The data is CC-BY-SA 4.0 (see
data/word-frequency.LICENSE.txt), so the generated file is too.

    .venv/bin/python scripts/make_frequency_list.py
"""

from __future__ import annotations

from pathlib import Path

import wordfreq

ROOT = Path(__file__).resolve().parent.parent
DICTIONARY = ROOT / "data" / "american-english-huge.txt"
OUTPUT = ROOT / "data" / "word-frequency.txt"


def main() -> None:
    words = DICTIONARY.read_text(encoding="utf-8").splitlines()
    keys = dict.fromkeys(w.lower() for w in words)
    lines = []
    for key in keys:
        zipf = round(wordfreq.zipf_frequency(key, "en", wordlist="large") * 100)
        if zipf > 0:
            lines.append(f"{key}\t{zipf}\n")
    OUTPUT.write_text("".join(lines), encoding="utf-8")
    print(f"{OUTPUT}: {len(lines)} of {len(keys)} case-folded words")


if __name__ == "__main__":
    main()
