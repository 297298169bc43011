"""The httpx peer: ``httpx.AsyncClient`` as an asyncio user would write it. One client per
batch (connections reused), ``Limits(max_connections=concurrency)``, a semaphore so at most
``concurrency`` requests wait on the pool, the same timeouts, body cap and redirect limit;
``http2=True`` (the h2 package) for the HTTP/2-over-TLS case. Bodies are read raw (no
content decoding), as the native client and the aiohttp peer do.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from bridgebench.scrape.peer_support import TLS_ERROR, USER_AGENT, capped, failed, ssl_context
from bridgebench.scrape.site import Site


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


async def _scrape(
    urls: Sequence[str],
    concurrency: int,
    timeout: float,
    connect_timeout: float,
    max_body_bytes: int,
    max_redirects: int,
    ca_file: str | None,
    verify: bool,
    http2: bool,
) -> list[Site]:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        limits=limits,
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        follow_redirects=True,
        max_redirects=max_redirects,
        verify=ssl_context(ca_file, verify),
        http2=http2,
        headers={"User-Agent": USER_AGENT},
        trust_env=False,
    ) as client:
        semaphore = asyncio.Semaphore(concurrency)

        async def bounded(url: str) -> Site:
            async with semaphore:
                return await _fetch(client, url, max_body_bytes)

        return list(await asyncio.gather(*(bounded(u) for u in urls)))


def scrape(
    urls: Sequence[str],
    *,
    concurrency: int = 64,
    timeout: float = 10.0,
    connect_timeout: float = 5.0,
    max_body_bytes: int = 10_485_760,
    max_redirects: int = 5,
    ca_file: str | None = None,
    verify: bool = True,
    http2: bool = False,
) -> list[Site]:
    return asyncio.run(
        _scrape(
            list(urls), concurrency, timeout, connect_timeout, max_body_bytes, max_redirects, ca_file, verify, http2
        )
    )
