"""Scrape: fetch many URLs concurrently from the nginx fixture site on loopback.

Every client gets the same URL list; answers are compared on (status, Server, Content-Type,
body) per URL before any speed is reported. The clients: the stdlib baseline, the native
module (pybind11 and the C ABI), and the Python clients a user would pick instead (aiohttp,
httpx, pycurl's CurlMulti, requests with a pooled session in threads). The small-page cases
also time wrk, a C load generator, against the same server and URLs: the ceiling every
client's throughput is reported against.
"""

from __future__ import annotations

import contextlib
import functools
import math
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import python_baseline.scrape as baseline
from bridgebench import scrape as native
from bridgebench.api import Case, Implementation, LineChart, ReportSection, Target, Workload
from bridgebench.runners.results import Measurement, WorkloadResult
from bridgebench.scrape import aiohttp_peer, capi, httpx_peer, pycurl_peer, requests_peer, wrk_ceiling
from bridgebench.scrape.fixture import corpus, fixture_site

SMALL_CONCURRENCY = 64
CONCURRENCY_LEVELS = (1, 8, 64, 256)  # the throughput chart's x axis
THROUGHPUT_SIZE = 10_000  # batch size of the ceiling table and the chart
DELAY_CONCURRENCY = 100
DELAY_MS = 50
# urllib opens a connection per request (~0.5 ms each) and requests in threads is not much
# faster: their per-URL time is flat with the batch size, so they are timed on a prefix.
SLOW_CLIENT_ITEMS = 1_000
# httpx's pool scans every connection for every request: 1.5-9 ms per URL at concurrency 8-256
# (one call of 1,000 URLs took 9 s). 300 URLs still outnumber the largest concurrency, so every
# connection stays busy, and its case costs seconds instead of minutes.
HTTPX_ITEMS = 300
CEILING = "wrk"


@contextlib.contextmanager
def _site() -> Iterator[dict[str, str]]:
    # One nginx worker: on a 2-core machine a second one competes with the client's two
    # threads (loop + Python) for the cores; measured, it was no faster and under load slower.
    with fixture_site(workers=1) as site:
        yield site.value()


# ---- inputs ------------------------------------------------------------------------------------


def make_small(size: int, seed: int, fixture: Any) -> list[str]:
    pages = corpus.small_pages()
    return [fixture["base"] + pages[(seed + i) % len(pages)].path for i in range(size)]


def make_mixed(size: int, seed: int, fixture: Any) -> list[str]:
    pages = corpus.pages()
    return [fixture["base"] + pages[(seed + 7 * i) % len(pages)].path for i in range(size)]


def make_delayed(size: int, seed: int, fixture: Any) -> list[str]:
    return [f"{fixture['base']}/delay/{DELAY_MS}" for _ in range(size)]


class TlsUrl(NamedTuple):
    """One URL of the TLS case: the HTTP/2 port's URL, the same path on the HTTP/1.1-only
    port, and the CA file that makes both trusted."""

    url: str
    h1_url: str
    ca_file: str


def make_tls_delayed(size: int, seed: int, fixture: Any) -> list[TlsUrl]:
    path = f"/delay/{DELAY_MS}"
    return [TlsUrl(fixture["tls"] + path, fixture["tls_h1"] + path, fixture["ca_file"]) for _ in range(size)]


def canonical(sites) -> list[tuple]:
    return [(s.status, s.server, s.content_type, s.body) for s in sites]


# ---- clients -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tls:
    """How a client is pointed at the TLS fixture: the CA to trust, HTTP/2 or not."""

    ca_file: str
    http2: bool


# Every client has bridgebench.scrape's signature (bridgebench_rules.scrape.takes_options):
# (urls, *, concurrency=..., ca_file=..., ...) -> list of Site-like records.
ScrapeFunction = Callable[..., list]


@dataclass(frozen=True)
class Client:
    name: str
    kind: str
    scrape: ScrapeFunction
    note: str  # {c} is replaced by the concurrency
    requires: str | None = None
    max_items: int | None = None
    speaks_http2: bool = False  # sent to the HTTP/2 port in the TLS case (else the HTTP/1.1 one)
    scrape_tls: ScrapeFunction | None = None  # what the TLS case calls, if not ``scrape``

    def call(self, urls: Sequence[str], concurrency: int, tls: Tls | None) -> list:
        if tls is None:
            return self.scrape(urls, concurrency=concurrency)
        return (self.scrape_tls or self.scrape)(urls, concurrency=concurrency, ca_file=tls.ca_file)


CLIENTS = [
    Client(
        "baseline",
        "baseline",
        baseline.scrape,
        "stdlib: urllib + ThreadPoolExecutor({c}), a new connection per request",
        max_items=SLOW_CLIENT_ITEMS,
    ),
    Client(
        "pybind11",
        "native",
        native.scrape,
        "bridgebench.scrape: libcurl multi, one loop thread, {c} transfers in flight, connections reused",
        speaks_http2=True,
    ),
    Client(
        "capi",
        "native",
        capi.scrape,
        "the same core through the C ABI and ctypes; site array freed in finally",
        speaks_http2=True,
    ),
    Client(
        "aiohttp",
        "peer",
        aiohttp_peer.scrape,
        "aiohttp ClientSession, TCPConnector(limit={c}), semaphore({c}), asyncio.run per batch (HTTP/1.1 only)",
        requires="aiohttp",
    ),
    Client(
        "httpx",
        "peer",
        httpx_peer.scrape,
        "httpx.AsyncClient, Limits(max_connections={c}), semaphore({c}); http2=True over TLS",
        requires="httpx",
        max_items=HTTPX_ITEMS,
        speaks_http2=True,
        scrape_tls=httpx_peer.scrape_http2,
    ),
    Client(
        "pycurl",
        "peer",
        pycurl_peer.scrape,
        "pycurl.CurlMulti driven from Python: {c} reused easy handles, select/perform/info_read loop",
        requires="pycurl",
        speaks_http2=True,
    ),
    Client(
        "requests",
        "peer",
        requests_peer.scrape,
        "requests.Session shared by ThreadPoolExecutor({c}), HTTPAdapter(pool_maxsize={c})",
        requires="requests",
        max_items=SLOW_CLIENT_ITEMS,
    ),
]


def _plain(client: Client, concurrency: int) -> Implementation:
    return Implementation(
        client.name,
        client.kind,  # type: ignore[arg-type]
        lambda urls: client.call(urls, concurrency, None),
        to_canonical=canonical,
        max_items=client.max_items,
        requires=client.requires,
        note=client.note.format(c=concurrency),
    )


# ---- the ceiling (wrk) -------------------------------------------------------------------------


@functools.cache
def _page_answer(path: str) -> tuple:
    page = next(p for p in corpus.small_pages() + corpus.pages() if p.path == path)
    return (200, "nginx", page.content_type, corpus.expected_body(path))


def _corpus_answers(urls: Sequence[str]) -> list[tuple]:
    return [_page_answer(urllib.parse.urlsplit(u).path) for u in urls]


def _wrk_answer(answer: tuple) -> wrk_ceiling.Answer:
    status, server, content_type, body = answer
    return wrk_ceiling.Answer(status, server, content_type, len(body))


def _ceiling(concurrency: int) -> Implementation:
    return Implementation(
        CEILING,
        "reference",
        wrk_ceiling.run,
        prepare=lambda urls: wrk_ceiling.prepare(urls, concurrency, _corpus_answers(urls), _wrk_answer),
        available=wrk_ceiling.unavailable,
        note=f"the ceiling: wrk -t1 -c{concurrency} (C, no Python) on the same URLs, every response checked "
        "(status, Server, Content-Type, body length); the timed call includes starting wrk",
    )


def _throughput_impls(concurrency: int) -> list[Implementation]:
    return [_ceiling(concurrency)] + [_plain(client, concurrency) for client in CLIENTS]


# ---- the delayed cases' ideal ------------------------------------------------------------------


def _ideal(urls: Sequence) -> tuple[int, list[tuple]]:
    """Untimed: the answers the delayed endpoint gives, for the ideal clock below."""
    return len(urls), [(200, "nginx", "text/plain", f"delayed {DELAY_MS} ms\n".encode())] * len(urls)


def _sleep_ideal(prepared: tuple[int, list[tuple]]) -> list[tuple]:
    count, answers = prepared
    time.sleep(math.ceil(count / DELAY_CONCURRENCY) * DELAY_MS / 1000)
    return answers


def _ideal_impl() -> Implementation:
    return Implementation(
        "ideal",
        "reference",
        _sleep_ideal,
        prepare=_ideal,
        note=f"not a scraper: a clock that sleeps the ideal ceil(n / {DELAY_CONCURRENCY}) x "
        f"{DELAY_MS} ms and returns the endpoint's known answer",
    )


# ---- the TLS case: HTTP/2 (one multiplexed connection) vs HTTP/1.1 (many) -------------------------


def _no_tls(fixture: Any) -> str | None:
    return None if fixture and fixture.get("tls") else f"the fixture serves no TLS: {fixture.get('tls_unavailable')}"


def _tls_impl(client: Client, http2: bool, name: str) -> Implementation:
    def prepare(items: Sequence[TlsUrl]) -> tuple[list[str], Tls]:
        urls = [item.url if http2 else item.h1_url for item in items]
        return urls, Tls(items[0].ca_file if items else "", http2)

    protocol = "HTTP/2, multiplexed on one connection" if http2 else "HTTP/1.1, one connection per transfer"
    return Implementation(
        name,
        client.kind,  # type: ignore[arg-type]
        lambda prepared: client.call(prepared[0], DELAY_CONCURRENCY, prepared[1]),
        prepare=prepare,
        to_canonical=canonical,
        max_items=client.max_items,
        requires=client.requires,
        available=_no_tls,
        note=f"{protocol}: " + client.note.format(c=DELAY_CONCURRENCY),
    )


def _tls_impls() -> list[Implementation]:
    out = []
    for client in CLIENTS:
        out.append(_tls_impl(client, client.speaks_http2, client.name))
        if client.name == "pybind11":
            out.append(_tls_impl(client, False, "pybind11-http1"))
    ideal = _ideal_impl()
    return out + [
        Implementation(ideal.name, ideal.kind, ideal.run, prepare=ideal.prepare, note=ideal.note, available=_no_tls)
    ]


# ---- report sections: the ceiling table and the throughput chart --------------------------------


def _case_concurrency(name: str) -> int | None:
    if name == "small":
        return SMALL_CONCURRENCY
    if name.startswith("small-c"):
        return int(name.removeprefix("small-c"))
    return None


def _requests_per_second(measurement: Measurement | None) -> float | None:
    if measurement is None or not measurement.ok or not measurement.per_item > 0:
        return None
    return 1.0 / measurement.per_item


HEADER = ["concurrency", "client", "requests/s", "fraction of wrk", "status"]
_SWEPT = [c for c in CONCURRENCY_LEVELS if c != SMALL_CONCURRENCY]
_SWEEP_ONLY_IN_FULL = (
    f" The chart of requests/s by concurrency ({', '.join(map(str, CONCURRENCY_LEVELS))}) needs the "
    f"concurrency sweep, which runs with --full (or --cases {','.join(f'small-c{c}' for c in _SWEPT)})."
)


def sections(result: WorkloadResult) -> list[ReportSection]:
    """The ceiling table (every client as a fraction of wrk) and requests/s by concurrency."""
    rows: list[list[str]] = []
    series: dict[str, list[tuple[float, float]]] = {}
    for case in result.cases:
        concurrency = _case_concurrency(case.name)
        measured = next((s for s in case.sizes if s.size == THROUGHPUT_SIZE), None)
        if concurrency is None or measured is None:
            continue
        ceiling = _requests_per_second(measured.get(CEILING))
        for m in measured.implementations:
            rate = _requests_per_second(m)
            if rate is not None:
                series.setdefault(m.name, []).append((concurrency, rate))
            fraction = f"{rate / ceiling:.2f}" if rate is not None and ceiling else "-"
            status = "ok" if rate is not None else f"{m.status}: {m.reason}"
            rows.append([str(concurrency), m.name, f"{rate:,.0f}" if rate is not None else "-", fraction, status])
    if not rows:
        return []
    text = (
        f"The ceiling is wrk, a C load generator, fetching the same {THROUGHPUT_SIZE:,} small pages from the "
        "same nginx with as many connections as the clients use, in the same run. It is what the server "
        "and loopback TCP can deliver on this machine with no client-side Python work (wrk itself still "
        "shares the cores with nginx, as every client does), so a fraction near 1 means the client is "
        "as fast as the server lets anyone be; below it, the client's own work sets the pace. "
        f"urllib and requests are timed on the first {SLOW_CLIENT_ITEMS:,} URLs, httpx on the first "
        f"{HTTPX_ITEMS:,} (their per-URL time is flat)."
    )
    if len({row[0] for row in rows}) < 2:  # the sweep did not run: one concurrency, no chart
        return [ReportSection("throughput against the ceiling (wrk)", text + _SWEEP_ONLY_IN_FULL, HEADER, rows)]
    chart = LineChart(
        name="scrape-throughput",
        title=f"scrape: requests/s by concurrency ({THROUGHPUT_SIZE:,} small pages, nginx on loopback)",
        x_label="concurrency (transfers / connections in flight)",
        y_label="requests per second (median)",
        series=series,
    )
    return [
        ReportSection(
            "throughput against the ceiling (wrk)",
            text,
            HEADER,
            rows,
            chart,
        )
    ]


# ---- the workload ------------------------------------------------------------------------------


def _throughput_case(concurrency: int) -> Case:
    return Case(
        f"small-c{concurrency}",
        "URL",
        make_small,
        _throughput_impls(concurrency),
        # Only with --full: three more cases of every client would double the quick run.
        {"quick": [], "full": [THROUGHPUT_SIZE]},
        description=f"1 KB pages, no delay, concurrency {concurrency} (the throughput chart)",
    )


def _at_least(times: float, reference: str) -> Target:
    return Target(
        f"{THROUGHPUT_SIZE:,} small pages: at least {times:g}x the throughput of {reference}",
        "pybind11",
        reference,
        1 / times,
        THROUGHPUT_SIZE,
    )


WORKLOAD = Workload(
    name="scrape",
    description="Concurrent HTTP fetches from nginx on loopback (libcurl multi vs urllib, aiohttp, httpx, "
    "pycurl, requests; wrk as the ceiling)",
    fixture=_site,
    native_bench="bench_scrape",
    sections=sections,
    count_instructions=False,  # mostly waiting on sockets: wall time only (see runners/instructions.py)
    cases=[
        Case(
            "small",
            "URL",
            make_small,
            _throughput_impls(SMALL_CONCURRENCY),
            {"quick": [THROUGHPUT_SIZE], "full": [1_000, THROUGHPUT_SIZE, 30_000]},
            description=f"1 KB pages, no delay, concurrency {SMALL_CONCURRENCY}",
            targets=[
                Target(
                    f"{THROUGHPUT_SIZE:,} small pages: at least 0.8 of wrk's requests/s (the server's ceiling)",
                    "pybind11",
                    CEILING,
                    1 / 0.8,
                    THROUGHPUT_SIZE,
                ),
                _at_least(2, "httpx"),
                _at_least(2, "pycurl"),
                _at_least(3, "aiohttp"),
                _at_least(10, "baseline"),
            ],
        ),
        *(_throughput_case(c) for c in _SWEPT),
        Case(
            "delayed",
            "URL",
            make_delayed,
            [_plain(client, DELAY_CONCURRENCY) for client in CLIENTS] + [_ideal_impl()],
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
            "tls",
            "URL",
            make_tls_delayed,
            _tls_impls(),
            {"quick": [1_000], "full": [1_000, 5_000]},
            description=f"HTTPS, {DELAY_MS} ms server delay, concurrency {DELAY_CONCURRENCY}: HTTP/2 multiplexed "
            "on one connection vs HTTP/1.1 on many (throw-away CA)",
            targets=[
                Target(
                    f"HTTP/2 over TLS, 1,000 URLs, {DELAY_MS} ms delay, concurrency {DELAY_CONCURRENCY}: "
                    "wall time at most 1.2x the ideal 0.5 s",
                    "pybind11",
                    "ideal",
                    1.2,
                    1_000,
                )
            ],
        ),
        Case(
            "mixed",
            "URL",
            make_mixed,
            [_plain(client, SMALL_CONCURRENCY) for client in CLIENTS],
            {"quick": [300], "full": [300, 3_000]},
            description=f"pages from 1 KB to 1 MB in six content types, concurrency {SMALL_CONCURRENCY}",
        ),
    ],
)
