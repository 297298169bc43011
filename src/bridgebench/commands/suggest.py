"""`bridgebench suggest WORD...`: "did you mean ...?" for each word, against the bundled
dictionary (Debian's wamerican-huge) or your own word list (one word per line).

  bridgebench suggest speling recieve
  bridgebench suggest inyt --dictionary commands.txt
  bridgebench suggest colour -k 5 --max-distance 2
  bridgebench suggest helo --metric jaro

Prints one line per word: the word, a tab, and the suggestion (with -k, the k best with their
distance or similarity), or "-" when nothing qualifies. Exit code 0 when every word was found
exactly, 1 when at least one was not (like a spell checker), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bridgebench import textfiles
from bridgebench.errors import UsageError
from bridgebench_rules import spell as rules

ORDER = 80


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, not {value}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "suggest",
        help="did you mean ...? for words (spell checker)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("words", nargs="+", metavar="WORD", help="words to check")
    parser.add_argument(
        "--dictionary",
        type=Path,
        metavar="FILE",
        help="UTF-8 word list, one word per line (default: the bundled dictionary)",
    )
    parser.add_argument(
        "-k", type=_non_negative, default=None, metavar="N", help="show the N best suggestions with their scores"
    )
    parser.add_argument(
        "--max-distance",
        type=_non_negative,
        default=None,
        metavar="D",
        help="only words within this many edits (metrics damerau and levenshtein)",
    )
    parser.add_argument(
        "--metric",
        choices=rules.METRIC_NAMES,
        default=rules.DEFAULT_METRIC,
        help=f"how closeness is measured (default: {rules.DEFAULT_METRIC}: what a person means, see docs/spell.md)",
    )
    parser.set_defaults(func=main)


def _load(path: Path | None):
    from bridgebench import spell

    if path is None:
        return spell.default_speller()
    words = [line for line in textfiles.read_lines(path, "--dictionary") if line]
    return spell.Speller(words)


def _format_score(score) -> str:
    return str(score) if isinstance(score, int) else f"{score:.4f}"


def main(args: argparse.Namespace) -> int:
    if args.max_distance is not None and not rules.METRICS[args.metric].by_distance:
        distance_metrics = " or ".join(n for n, m in rules.METRICS.items() if m.by_distance)
        raise UsageError(f"--max-distance applies to --metric {distance_metrics}")
    textfiles.check_arguments(args.words, "WORD")
    speller = _load(args.dictionary)
    all_exact = True
    for word in args.words:
        if args.k is None:
            best = speller.suggest(word, max_distance=args.max_distance, metric=args.metric)
            print(f"{word}\t{'-' if best is None else best}")
            all_exact &= best == word
        else:
            ranked = speller.suggest_k(word, args.k, max_distance=args.max_distance, metric=args.metric)
            shown = ", ".join(f"{w} ({_format_score(s)})" for w, s in ranked) or "-"
            print(f"{word}\t{shown}")
            all_exact &= bool(ranked) and ranked[0][0] == word
    return 0 if all_exact else 1
