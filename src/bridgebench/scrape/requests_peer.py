"""The requests peer: one ``requests.Session`` shared by a ``ThreadPoolExecutor(concurrency)``,
its ``HTTPAdapter`` pooling up to ``concurrency`` connections, so connections are reused (what
the documentation recommends for many requests to one host). Bodies are streamed raw (no
content decoding) up to the cap; environment proxies are ignored, as in every other client.
"""

from __future__ import annotations

import concurrent.futures
import functools
import time
from collections.abc import Iterable

from bridgebench.scrape.peer_support import TLS_ERROR, failed
from bridgebench.scrape.site import Site
from bridgebench_rules import scrape as rules


def _fetch(session, url: str, *, timeouts: tuple[float, float], max_body_bytes: int, redirects: bool) -> Site:
    import requests

    start = time.perf_counter()
    try:
        with session.get(url, timeout=timeouts, stream=True, allow_redirects=redirects) as response:
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


@rules.takes_options
def scrape(url_source: Iterable[str], options: rules.Options) -> list[Site]:
    import requests
    from requests.adapters import HTTPAdapter

    urls = list(url_source)
    with requests.Session() as session:
        # Not from the environment: REQUESTS_CA_BUNDLE would override the CA given here, and
        # proxies would change what is measured (httpx's peer sets trust_env=False too).
        session.trust_env = False
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=options.concurrency, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.max_redirects = options.max_redirects
        session.headers["User-Agent"] = options.user_agent
        session.verify = (options.ca_file or True) if options.verify else False
        timeouts = (options.connect_timeout, options.timeout)
        fetch = functools.partial(
            _fetch,
            session,
            timeouts=timeouts,
            max_body_bytes=options.max_body_bytes,
            redirects=options.follow_redirects,
        )
        with concurrent.futures.ThreadPoolExecutor(options.concurrency) as pool:
            return list(pool.map(fetch, urls))
