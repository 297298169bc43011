"""The public scrape API over the pybind11 module: arguments are checked here, by the rules
shared with the baseline and the C ABI wrapper (bridgebench_rules.scrape), so all three
raise the same errors; bridgebench._scrape only converts values that passed them."""

from __future__ import annotations

from collections.abc import Iterable

from bridgebench import _scrape
from bridgebench.scrape.site import Site
from bridgebench_rules import scrape as rules
from bridgebench_rules.scrape import Options


@rules.takes_options
def scrape(urls: Iterable[str], options: Options) -> list[Site]:
    """Fetch every URL concurrently; one Site per URL, in input order. A failing URL gives a
    record with `error` set, never an exception."""
    return _scrape.scrape(rules.url_list(urls), options)


@rules.takes_options
def scrape_iter(urls: Iterable[str], options: Options) -> _scrape.ScrapeIterator:
    """Like scrape, but yields Sites as they complete, with bounded memory; `urls` may be any
    iterable, including a generator (read lazily, each URL checked as it is read)."""
    return _scrape.scrape_iter(rules.lazy_urls(urls), options)
