"""Scrape: fetch many URLs concurrently from the nginx fixture site on loopback.

Every implementation gets the same URL list; answers are compared on (status, Server,
Content-Type, body) per URL before any speed is reported.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from typing import Any

import python_baseline.scrape as baseline
from bridgebench import scrape as native
from bridgebench.scrape import aiohttp_peer, capi
from bridgebench.scrape.fixture import corpus, fixture_site
from bridgebench.workloads import Case, Implementation, Target, Workload

SMALL_CONCURRENCY = 64
DELAY_CONCURRENCY = 100
DELAY_MS = 50
# urllib opens a connection per request: ~1 ms each. Its per-URL time is flat with the batch
# size, so it is timed on a prefix.
BASELINE_ITEMS = 1_000


@contextlib.contextmanager
def _site() -> Iterator[dict[str, str]]:
    # One nginx worker: on a 2-core machine a second one competes with the client's two
    # threads (loop + Python) for the cores; measured, it was no faster and under load slower.
    with fixture_site(workers=1) as site:
        yield site.value()


def make_small(size: int, seed: int, fixture: Any) -> list[str]:
    pages = corpus.small_pages()
    return [fixture["base"] + pages[(seed + i) % len(pages)].path for i in range(size)]


def make_mixed(size: int, seed: int, fixture: Any) -> list[str]:
    pages = corpus.pages()
    return [fixture["base"] + pages[(seed + 7 * i) % len(pages)].path for i in range(size)]


def make_delayed(size: int, seed: int, fixture: Any) -> list[str]:
    return [f"{fixture['base']}/delay/{DELAY_MS}" for _ in range(size)]


def canonical(sites) -> list[tuple]:
    return [(s.status, s.server, s.content_type, s.body) for s in sites]


def _ideal(urls: list[str]) -> tuple[int, list[tuple]]:
    """Untimed: the answers the delayed endpoint gives, for the ideal clock below."""
    return len(urls), [(200, "nginx", "text/plain", f"delayed {DELAY_MS} ms\n".encode())] * len(urls)


def _sleep_ideal(prepared: tuple[int, list[tuple]]) -> list[tuple]:
    count, answers = prepared
    time.sleep(math.ceil(count / DELAY_CONCURRENCY) * DELAY_MS / 1000)
    return answers


def _impls(concurrency: int) -> list[Implementation]:
    c = concurrency
    return [
        Implementation(
            "baseline",
            "baseline",
            lambda urls: baseline.scrape(urls, concurrency=c),
            to_canonical=canonical,
            max_items=BASELINE_ITEMS,
            note=f"stdlib: urllib + ThreadPoolExecutor({c}), a new connection per request",
        ),
        Implementation(
            "pybind11",
            "native",
            lambda urls: native.scrape(urls, concurrency=c),
            to_canonical=canonical,
            note=f"libcurl multi, one loop thread, {c} transfers in flight, connections reused",
        ),
        Implementation(
            "capi",
            "native",
            lambda urls: capi.scrape(urls, concurrency=c),
            to_canonical=canonical,
            note="the same core through the C ABI and ctypes; site array freed in finally",
        ),
        Implementation(
            "aiohttp",
            "peer",
            lambda urls: aiohttp_peer.scrape(urls, concurrency=c),
            to_canonical=canonical,
            requires="aiohttp",
            note=f"aiohttp ClientSession, TCPConnector(limit={c}), semaphore({c}), asyncio.run per batch",
        ),
    ]


WORKLOAD = Workload(
    name="scrape",
    description="Concurrent HTTP fetches from nginx on loopback (libcurl multi vs urllib threads vs aiohttp)",
    fixture=_site,
    native_bench="bench_scrape",
    count_instructions=False,  # mostly waiting on sockets: wall time only (see runners/instructions.py)
    cases=[
        Case(
            "small",
            "URL",
            make_small,
            _impls(SMALL_CONCURRENCY),
            {"quick": [1_000, 10_000], "full": [1_000, 10_000, 30_000]},
            description=f"1 KB pages, no delay, concurrency {SMALL_CONCURRENCY}",
            targets=[
                Target(
                    "10,000 small pages: at least 3x the throughput of aiohttp", "pybind11", "aiohttp", 1 / 3, 10_000
                ),
                Target(
                    "10,000 small pages: at least 10x the throughput of the stdlib baseline",
                    "pybind11",
                    "baseline",
                    1 / 10,
                    10_000,
                ),
            ],
        ),
        Case(
            "delayed",
            "URL",
            make_delayed,
            _impls(DELAY_CONCURRENCY)
            + [
                Implementation(
                    "ideal",
                    "reference",
                    _sleep_ideal,
                    prepare=_ideal,
                    note=f"not a scraper: a clock that sleeps the ideal ceil(n / {DELAY_CONCURRENCY}) x "
                    f"{DELAY_MS} ms and returns the endpoint's known answer",
                )
            ],
            {"quick": [1_000], "full": [1_000, 5_000]},
            description=f"{DELAY_MS} ms server delay (nginx echo_sleep), concurrency {DELAY_CONCURRENCY}",
            targets=[
                Target(
                    f"1,000 URLs, {DELAY_MS} ms delay, concurrency {DELAY_CONCURRENCY}: "
                    "wall time at most 1.15x the ideal 0.5 s",
                    "pybind11",
                    "ideal",
                    1.15,
                    1_000,
                )
            ],
        ),
        Case(
            "mixed",
            "URL",
            make_mixed,
            _impls(SMALL_CONCURRENCY),
            {"quick": [300], "full": [300, 3_000]},
            description=f"pages from 1 KB to 1 MB in six content types, concurrency {SMALL_CONCURRENCY}",
        ),
    ],
)
