"""The aiohttp peer: what an asyncio user would write. One ClientSession per batch (so
connections are reused, as in the native code), a TCPConnector limited to `concurrency`
connections, and the same per-transfer timeouts, body cap and redirect limit. aiohttp speaks
HTTP/1.1 only, also over TLS.

Used by the benchmark only (see peer_support for what the peers share).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from bridgebench.scrape.peer_support import TLS_ERROR, failed, ssl_context
from bridgebench.scrape.site import Site
from bridgebench_rules import scrape as rules


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


async def _scrape(urls: list[str], options: rules.Options) -> list[Site]:
    import aiohttp

    loop = asyncio.get_running_loop()
    connector = aiohttp.TCPConnector(
        limit=options.concurrency,
        limit_per_host=options.concurrency,
        ssl=ssl_context(options.ca_file, options.verify),
    )
    client_timeout = aiohttp.ClientTimeout(total=options.timeout, connect=options.connect_timeout)
    semaphore = asyncio.Semaphore(options.concurrency)
    async with aiohttp.ClientSession(
        connector=connector,
        timeout=client_timeout,
        auto_decompress=False,
        headers={"User-Agent": options.user_agent},
    ) as session:
        redirects = options.max_redirects if options.follow_redirects else 0

        async def bounded(url: str) -> Site:
            async with semaphore:
                return await _fetch(session, url, options.max_body_bytes, redirects, loop.time)

        return list(await asyncio.gather(*(bounded(u) for u in urls)))


@rules.takes_options
def scrape(urls: Iterable[str], options: rules.Options) -> list[Site]:
    return asyncio.run(_scrape(list(urls), options))
