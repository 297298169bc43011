"""Concurrent scraping on libcurl's multi interface.

``scrape(urls, *, concurrency=64, timeout=10.0, connect_timeout=5.0, max_body_bytes=10_485_760,
follow_redirects=True, max_redirects=5, user_agent=None) -> list[Site]``: one record per URL,
in input order; a failing URL gives a record with ``error`` set.
``scrape_iter(urls, **same)`` yields records as they complete, with bounded memory.
The same batch call through the C ABI is ``bridgebench.scrape.capi.scrape``. The argument
rules (and the error words of a record) are bridgebench_rules.scrape, shared by all three.
"""

from bridgebench._scrape import ScrapeIterator
from bridgebench.scrape.api import scrape, scrape_iter
from bridgebench.scrape.site import Site
from bridgebench_rules.scrape import DEFAULT_USER_AGENT

__all__ = ["DEFAULT_USER_AGENT", "ScrapeIterator", "Site", "scrape", "scrape_iter"]
