"""Concurrent scraping on the libcurl multi interface (bridgebench.scrape).

Checked against the compiled module by tests/python/test_types.py (mypy's stubtest).
"""

from collections.abc import Iterable
from types import TracebackType

from bridgebench.scrape.site import Site

DEFAULT_USER_AGENT: str

class ScrapeIterator:
    """Records as they complete; see scrape_iter."""

    def __enter__(self) -> ScrapeIterator: ...
    def __exit__(self, *args: type[BaseException] | BaseException | TracebackType | None) -> bool: ...
    def __iter__(self) -> ScrapeIterator: ...
    def __next__(self) -> Site: ...
    def close(self) -> None: ...

def scrape(
    urls: Iterable[str],
    *,
    concurrency: int = 64,
    timeout: float = 10.0,
    connect_timeout: float = 5.0,
    max_body_bytes: int = 10485760,
    follow_redirects: bool = True,
    max_redirects: int = 5,
    user_agent: str | None = None,
) -> list[Site]: ...
def scrape_iter(
    urls: Iterable[str],
    *,
    concurrency: int = 64,
    timeout: float = 10.0,
    connect_timeout: float = 5.0,
    max_body_bytes: int = 10485760,
    follow_redirects: bool = True,
    max_redirects: int = 5,
    user_agent: str | None = None,
) -> ScrapeIterator: ...
