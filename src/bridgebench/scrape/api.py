"""The public scrape API over the pybind11 module: arguments are checked here, by the rules
shared with the baseline and the C ABI wrapper (bridgebench_rules.scrape), so all three
raise the same errors; bridgebench._scrape only converts values that passed them."""

from __future__ import annotations

import os
from collections.abc import Iterable

from bridgebench import _scrape
from bridgebench.scrape.site import Site
from bridgebench_rules import scrape as rules
from bridgebench_rules.scrape import DEFAULTS


def scrape(
    urls: Iterable[str],
    *,
    concurrency: int = DEFAULTS.concurrency,
    timeout: float = DEFAULTS.timeout,
    connect_timeout: float = DEFAULTS.connect_timeout,
    max_body_bytes: int = DEFAULTS.max_body_bytes,
    follow_redirects: bool = DEFAULTS.follow_redirects,
    max_redirects: int = DEFAULTS.max_redirects,
    user_agent: str | None = None,
    ca_file: str | os.PathLike[str] | None = None,
    verify: bool = True,
) -> list[Site]:
    """Fetch every URL concurrently; one Site per URL, in input order. A failing URL gives a
    record with `error` set, never an exception."""
    options = rules.check_options(
        concurrency=concurrency,
        timeout=timeout,
        connect_timeout=connect_timeout,
        max_body_bytes=max_body_bytes,
        follow_redirects=follow_redirects,
        max_redirects=max_redirects,
        user_agent=user_agent,
        ca_file=ca_file,
        verify=verify,
    )
    return _scrape.scrape(rules.url_list(urls), options)


def scrape_iter(
    urls: Iterable[str],
    *,
    concurrency: int = DEFAULTS.concurrency,
    timeout: float = DEFAULTS.timeout,
    connect_timeout: float = DEFAULTS.connect_timeout,
    max_body_bytes: int = DEFAULTS.max_body_bytes,
    follow_redirects: bool = DEFAULTS.follow_redirects,
    max_redirects: int = DEFAULTS.max_redirects,
    user_agent: str | None = None,
    ca_file: str | os.PathLike[str] | None = None,
    verify: bool = True,
) -> _scrape.ScrapeIterator:
    """Like scrape, but yields Sites as they complete, with bounded memory; `urls` may be any
    iterable, including a generator (read lazily, each URL checked as it is read)."""
    options = rules.check_options(
        concurrency=concurrency,
        timeout=timeout,
        connect_timeout=connect_timeout,
        max_body_bytes=max_body_bytes,
        follow_redirects=follow_redirects,
        max_redirects=max_redirects,
        user_agent=user_agent,
        ca_file=ca_file,
        verify=verify,
    )
    return _scrape.scrape_iter(rules.lazy_urls(urls), options)
