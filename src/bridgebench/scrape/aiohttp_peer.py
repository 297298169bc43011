"""The aiohttp peer: what an asyncio user would write. One ClientSession per batch (so
connections are reused, as in the native code), a TCPConnector limited to `concurrency`
connections, and the same per-transfer timeouts, body cap and redirect limit. aiohttp speaks
HTTP/1.1 only, also over TLS.

Used by the benchmark only (see peer_support for what the peers share).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bridgebench.scrape.peer_support import TLS_ERROR, USER_AGENT, failed, ssl_context
from bridgebench.scrape.site import Site


async def _fetch(session, url: str, max_body_bytes: int, max_redirects: int, start_clock) -> Site:
    import aiohttp

    start = start_clock()
    try:
        async with session.get(url, max_redirects=max_redirects) as response:
            chunks, total = [], 0
            async for chunk in response.content.iter_chunked(1 << 16):
                chunks.append(chunk)
                total += len(chunk)
                if total > max_body_bytes:
                    break
            truncated = total > max_body_bytes
            body = b"".join(chunks)[:max_body_bytes]
            return Site(
                url,
                str(response.url),
                response.url.host or "",
                response.url.port or 0,
                response.url.scheme,
                response.status,
                response.headers.get("Server", ""),
                response.headers.get("Content-Type", ""),
                body,
                truncated,
                start_clock() - start,
                "body too large" if truncated else None,
            )
    except asyncio.TimeoutError:
        error = "timeout"
    except aiohttp.TooManyRedirects:
        error = "too many redirects"
    except (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError):
        error = TLS_ERROR
    except aiohttp.ClientConnectorError:
        error = "connection refused"
    except (aiohttp.ClientError, ValueError) as e:
        error = type(e).__name__
    return failed(url, error, start_clock() - start)


async def _scrape(
    urls: Sequence[str],
    concurrency: int,
    timeout: float,
    connect_timeout: float,
    max_body_bytes: int,
    max_redirects: int,
    ca_file: str | None,
    verify: bool,
) -> list[Site]:
    import aiohttp

    loop = asyncio.get_running_loop()
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency, ssl=ssl_context(ca_file, verify))
    client_timeout = aiohttp.ClientTimeout(total=timeout, connect=connect_timeout)
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(
        connector=connector,
        timeout=client_timeout,
        auto_decompress=False,
        headers={"User-Agent": USER_AGENT},
    ) as session:

        async def bounded(url: str) -> Site:
            async with semaphore:
                return await _fetch(session, url, max_body_bytes, max_redirects, loop.time)

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
) -> list[Site]:
    return asyncio.run(
        _scrape(list(urls), concurrency, timeout, connect_timeout, max_body_bytes, max_redirects, ca_file, verify)
    )
