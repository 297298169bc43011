"""The spell engine's own figures for the default dictionary, one JSON line per run:

    nice -n 5 .venv/bin/python bench/python/spell_engine_study.py --tag new

- index memory (`Speller.memory_bytes`) and build time (wall and process CPU, first and best of
  --builds);
- single-query latency (best of 3 calls per query, so other processes' bursts count less) on
  the benchmark's 1,000 typo queries: median, p99 and maximum, for the default ranking, the
  default with max_distance=2 and levenshtein;
- the batch mean per query on 600 codespell misspellings (default and max_distance=2);
- `suggest_many` (levenshtein, as the benchmark's case) on 1 and 2 threads: wall and process
  CPU time, so a reader can see whether the second core was free (a CPU time near twice the
  wall time means both threads ran).

To compare two builds side by side, copy one build's installed package (the `bridgebench`
folder in the venv's site-packages) elsewhere and alternate runs with and without
`PYTHONPATH=<that folder's parent>`. Numbers, not asserts: targets are judged in docs/spell.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from bridgebench import spell as native
from bridgebench.workloads.spell import make_misspellings, make_queries


def best_of(calls: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(calls):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def latencies_us(speller: native.Speller, queries: list[str], **options: object) -> dict[str, float]:
    times = sorted(best_of(3, lambda q=q: speller.suggest(q, **options)) for q in queries)
    return {
        "median": round(statistics.median(times) * 1e6, 1),
        "p99": round(times[int(0.99 * len(times)) - 1] * 1e6, 1),
        "max": round(times[-1] * 1e6, 1),
    }


def batch_us(speller: native.Speller, queries: list[str], **options: object) -> float:
    return round(best_of(3, lambda: [speller.suggest(q, **options) for q in queries]) / len(queries) * 1e6, 1)


def threads(speller: native.Speller, queries: list[str], count: int) -> dict[str, float]:
    """As the benchmark's suggest_many case runs it (levenshtein), best of 5."""
    wall, cpu = float("inf"), float("inf")
    for _ in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        speller.suggest_many(queries, threads=count, metric="levenshtein")
        wall, cpu = min(wall, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
    return {"wall_ms": round(wall * 1e3, 1), "cpu_ms": round(cpu * 1e3, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", default="", help="a label for this run's line")
    parser.add_argument("--builds", type=int, default=5, help="index builds to time (default 5)")
    args = parser.parse_args()
    words, frequencies = native.default_words(), native.default_frequencies()
    walls, cpus = [], []
    for _ in range(args.builds):
        start, start_cpu = time.perf_counter(), time.process_time()
        speller = native.Speller(words, frequencies=frequencies)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
        del speller
    speller = native.Speller(words, frequencies=frequencies)
    queries = make_queries(1_000, 20261125)
    misspellings = make_misspellings(600, 20261127)
    one, two = threads(speller, queries, 1), threads(speller, queries, 2)
    print(
        json.dumps(
            {
                "tag": args.tag,
                "index MiB": round(speller.memory_bytes / 2**20, 2),
                "build s (first wall, best wall, best cpu)": [
                    round(walls[0], 3),
                    round(min(walls), 3),
                    round(min(cpus), 3),
                ],
                "default us": latencies_us(speller, queries),
                "max_distance=2 us": latencies_us(speller, queries, max_distance=2),
                "levenshtein us": latencies_us(speller, queries, metric="levenshtein"),
                "batch default us": batch_us(speller, misspellings),
                "batch max_distance=2 us": batch_us(speller, misspellings, max_distance=2),
                "suggest_many 1 thread": one,
                "suggest_many 2 threads": two,
                "2-thread speed-up": round(one["wall_ms"] / two["wall_ms"], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
