"""What the Python peers of the scraper (aiohttp, httpx, pycurl, requests) share beyond their
signature (bridgebench_rules.scrape.takes_options: the same options, defaults and checks as
bridgebench.scrape): how ``ca_file``/``verify`` become an SSL context, and the record of a URL
that failed. The peers are benchmark contestants written as a user would write them;
records are compared on status, Server, Content-Type and body, so they do not try to
reproduce every error word of the native code.
"""

from __future__ import annotations

import ssl

from bridgebench.scrape.site import Site

TLS_ERROR = "TLS error"


def ssl_context(ca_file: str, verify: bool) -> ssl.SSLContext:
    """The context an asyncio/httpx/requests user builds for a private CA (or no checks)."""
    context = ssl.create_default_context(cafile=ca_file or None)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def failed(url: str, error: str, elapsed: float) -> Site:
    return Site(url, "", "", 0, "", 0, "", "", b"", False, elapsed, error)


def capped(chunks: list[bytes], max_body_bytes: int) -> tuple[bytes, bool]:
    """The body kept under the cap, and whether the cap cut it."""
    body = b"".join(chunks)
    return body[:max_body_bytes], len(body) > max_body_bytes
