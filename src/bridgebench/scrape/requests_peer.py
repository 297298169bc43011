"""The requests peer: one ``requests.Session`` shared by a ``ThreadPoolExecutor(concurrency)``,
its ``HTTPAdapter`` pooling up to ``concurrency`` connections, so connections are reused (what
the documentation recommends for many requests to one host). Bodies are streamed raw (no
content decoding) up to the cap; environment proxies are ignored, as in every other client.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Sequence

from bridgebench.scrape.peer_support import TLS_ERROR, USER_AGENT, failed
from bridgebench.scrape.site import Site


def _fetch(session, url: str, timeouts: tuple[float, float], max_body_bytes: int) -> Site:
    import requests

    start = time.perf_counter()
    try:
        with session.get(url, timeout=timeouts, stream=True) as response:
            data = response.raw.read(max_body_bytes + 1, decode_content=False)
            truncated = len(data) > max_body_bytes
            final = response.url
            return Site(
                url,
                final,
                "",
                0,
                final.split(":", 1)[0],
                response.status_code,
                response.headers.get("Server", ""),
                response.headers.get("Content-Type", ""),
                data[:max_body_bytes],
                truncated,
                time.perf_counter() - start,
                "body too large" if truncated else None,
            )
    except requests.exceptions.SSLError:
        error = TLS_ERROR
    except requests.exceptions.Timeout:
        error = "timeout"
    except requests.exceptions.TooManyRedirects:
        error = "too many redirects"
    except requests.exceptions.ConnectionError:
        error = "connection refused"
    except (requests.exceptions.RequestException, ValueError) as e:
        error = type(e).__name__
    return failed(url, error, time.perf_counter() - start)


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
    import requests
    from requests.adapters import HTTPAdapter

    with requests.Session() as session:
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=concurrency, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.trust_env = False
        session.max_redirects = max_redirects
        session.headers["User-Agent"] = USER_AGENT
        session.verify = (ca_file or True) if verify else False
        timeouts = (connect_timeout, timeout)
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            return list(pool.map(lambda url: _fetch(session, url, timeouts, max_body_bytes), urls))
