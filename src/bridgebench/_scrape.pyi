"""Concurrent scraping on the libcurl multi interface: the native layer under the facade
bridgebench.scrape, which checks every argument (bridgebench_rules.scrape) before calling here.

Checked against the compiled module by tests/python/test_types.py (mypy's stubtest).
"""

from collections.abc import Iterable
from types import TracebackType

from bridgebench.scrape.site import Site
from bridgebench_rules.scrape import Options

DEFAULT_USER_AGENT: str
ERROR_WORDS: tuple[str, ...]
MAX_BODY_BYTES: int
MAX_CONCURRENCY: int
MAX_REDIRECTS: int

class ScrapeIterator:
    """Records as they complete; see scrape_iter."""

    def __enter__(self) -> ScrapeIterator: ...
    def __exit__(self, *args: type[BaseException] | BaseException | TracebackType | None) -> bool: ...
    def __iter__(self) -> ScrapeIterator: ...
    def __next__(self) -> Site: ...
    def close(self) -> None: ...

def scrape(urls: Iterable[str], options: Options) -> list[Site]: ...
def scrape_iter(urls: Iterable[str], options: Options) -> ScrapeIterator: ...
