"""The httpx peer: ``httpx.AsyncClient`` as an asyncio user would write it. One client per
batch (connections reused), ``Limits(max_connections=concurrency)``, a semaphore so at most
``concurrency`` requests wait on the pool, the same timeouts, body cap and redirect limit;
``http2=True`` (the h2 package) for the HTTP/2-over-TLS case. Bodies are read raw (no
content decoding), as the native client and the aiohttp peer do.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from bridgebench.scrape.peer_support import TLS_ERROR, capped, failed, ssl_context
from bridgebench.scrape.site import Site
from bridgebench_rules import scrape as rules


async def _fetch(client, url: str, max_body_bytes: int) -> Site:
    import httpx

    start = time.perf_counter()
    try:
        async with client.stream("GET", url) as response:
            chunks, total = [], 0
            async for chunk in response.aiter_raw():
                chunks.append(chunk)
                total += len(chunk)
                if total > max_body_bytes:
                    break
            body, truncated = capped(chunks, max_body_bytes)
            final = response.url
            return Site(
                url,
                str(final),
                final.host,
                final.port or (443 if final.scheme == "https" else 80),
                final.scheme,
                response.status_code,
                response.headers.get("Server", ""),
                response.headers.get("Content-Type", ""),
                body,
                truncated,
                time.perf_counter() - start,
                "body too large" if truncated else None,
            )
    except httpx.TimeoutException:
        error = "timeout"
    except httpx.TooManyRedirects:
        error = "too many redirects"
    except httpx.ConnectError as e:
        error = TLS_ERROR if "SSL" in str(e) or "certificate" in str(e) else "connection refused"
    except (httpx.HTTPError, ValueError) as e:
        error = type(e).__name__
    return failed(url, error, time.perf_counter() - start)


async def _scrape(urls: list[str], options: rules.Options, http2: bool) -> list[Site]:
    import httpx

    limits = httpx.Limits(max_connections=options.concurrency, max_keepalive_connections=options.concurrency)
    async with httpx.AsyncClient(
        limits=limits,
        timeout=httpx.Timeout(options.timeout, connect=options.connect_timeout),
        follow_redirects=options.follow_redirects,
        max_redirects=options.max_redirects,
        verify=ssl_context(options.ca_file, options.verify),
        http2=http2,
        headers={"User-Agent": options.user_agent},
        trust_env=False,
    ) as client:
        semaphore = asyncio.Semaphore(options.concurrency)

        async def bounded(url: str) -> Site:
            async with semaphore:
                return await _fetch(client, url, options.max_body_bytes)

        return list(await asyncio.gather(*(bounded(u) for u in urls)))


@rules.takes_options
def scrape(urls: Iterable[str], options: rules.Options) -> list[Site]:
    """HTTP/1.1 only, httpx's default."""
    return asyncio.run(_scrape(list(urls), options, http2=False))


@rules.takes_options
def scrape_http2(urls: Iterable[str], options: rules.Options) -> list[Site]:
    """HTTP/2 where the server offers it (over TLS, by ALPN), as httpx users switch it on."""
    return asyncio.run(_scrape(list(urls), options, http2=True))
