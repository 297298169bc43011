"""Concurrent scraping with the standard library only: urllib + ThreadPoolExecutor.

What a Python user would write without a native extension. Same API and the same answers
as ``bridgebench.scrape`` (status, Server, Content-Type, body, and the same error words),
with the standard library's limits, documented in docs/scrape.md:
- urllib opens a new connection per request (it sends ``Connection: close``): no reuse.
- ``timeout`` is both the per-operation socket timeout and (checked between reads) the
  whole transfer's deadline; urllib has no separate connect timeout, so the socket timeout
  while connecting is min(connect_timeout, timeout).
- Ctrl-C stops waiting at once, but worker threads finish their current request.
Redirects are followed by hand (like the native code), so the hop limit, the http/https-only
rule and the final URL are the same.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import math
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

DEFAULT_USER_AGENT = "bridgebench-scrape/0.1"
MAX_CONCURRENCY = 10_000
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_READ_CHUNK = 1 << 16


@dataclass(slots=True)
class Site:
    url: str
    final_url: str
    domain: str
    port: int
    protocol: str
    status: int
    server: str
    content_type: str
    body: bytes
    truncated: bool
    elapsed: float
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        return (
            f"Site(url={self.url!r}, status={self.status}, server={self.server!r}, "
            f"content_type={self.content_type!r}, body=<{len(self.body)} bytes>, "
            f"truncated={self.truncated}, error={self.error!r})"
        )


@dataclass(frozen=True)
class _Options:
    concurrency: int
    timeout: float
    connect_timeout: float
    max_body_bytes: int
    follow_redirects: bool
    max_redirects: int
    user_agent: str


# ---- arguments (same checks and messages as the native module) ------------------------------


def _int_arg(value, name: str, minimum: int, maximum: int) -> int:
    if type(value) is bool or not isinstance(value, int):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    if value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return value


def _seconds_arg(value, name: str) -> float:
    if type(value) is bool or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds (float or int), not {type(value).__name__}")
    try:
        seconds = float(value)
    except OverflowError:
        seconds = math.inf
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{name} must be a finite number of seconds > 0, got {value!r}")
    return seconds


def _options(
    concurrency, timeout, connect_timeout, max_body_bytes, follow_redirects, max_redirects, user_agent
) -> _Options:
    concurrency = _int_arg(concurrency, "concurrency", 1, MAX_CONCURRENCY)
    timeout = _seconds_arg(timeout, "timeout")
    connect_timeout = _seconds_arg(connect_timeout, "connect_timeout")
    max_body_bytes = _int_arg(max_body_bytes, "max_body_bytes", 0, 2**63 - 1)
    if not isinstance(follow_redirects, bool):
        raise TypeError(f"follow_redirects must be bool, not {type(follow_redirects).__name__}")
    max_redirects = _int_arg(max_redirects, "max_redirects", 0, 1000)
    if user_agent is None:
        user_agent = DEFAULT_USER_AGENT
    elif not isinstance(user_agent, str):
        raise TypeError(f"user_agent must be str or None, not {type(user_agent).__name__}")
    elif any(c in user_agent for c in "\r\n\0"):
        raise ValueError("user_agent must not contain CR, LF or NUL")
    return _Options(concurrency, timeout, connect_timeout, max_body_bytes, follow_redirects, max_redirects, user_agent)


def _iterate(urls) -> Iterator:
    if isinstance(urls, (str, bytes, bytearray)):
        raise TypeError(f"urls must be an iterable of str (a list, say), not a single {type(urls).__name__}")
    try:
        return iter(urls)
    except TypeError:
        raise TypeError(f"urls must be an iterable of str, not {type(urls).__name__}") from None


def _check_url(item, index: int) -> str:
    if not isinstance(item, str):
        raise TypeError(f"urls[{index}] must be str, not {type(item).__name__}")
    try:
        item.encode("utf-8")
    except UnicodeEncodeError:
        raise UnicodeError(f"urls[{index}] cannot be encoded as UTF-8 (lone surrogate)") from None
    return item


# ---- one URL -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    error: str | None
    normalized: str = ""
    scheme: str = ""
    host: str = ""
    port: int = 0


def _parse(url: str) -> _Parsed:
    if not url or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return _Parsed("invalid URL")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return _Parsed("invalid URL")
    scheme = parts.scheme.lower()
    if not scheme:
        return _Parsed("invalid URL")
    if scheme not in ("http", "https"):
        return _Parsed("unsupported scheme")
    if not url[len(scheme) :].startswith("://") or url[len(scheme) + 3 :].startswith("/"):
        return _Parsed("invalid URL")
    host = (parts.hostname or "").lower()
    if not host:
        return _Parsed("invalid URL")
    if ":" in host:
        host = f"[{host}]"
    normalized = urllib.parse.urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))
    return _Parsed(None, normalized, scheme, host, port if port is not None else (443 if scheme == "https" else 80))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """3xx responses come back as HTTPError; the caller follows them by hand."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener() -> urllib.request.OpenerDirector:
    # ProxyHandler({}): never route through a proxy from the environment (loopback fixture).
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _error_word(e: BaseException) -> str:
    reason = e.reason if isinstance(e, urllib.error.URLError) and not isinstance(e, urllib.error.HTTPError) else e
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timeout"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "could not resolve host"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "empty reply"
    if isinstance(reason, http.client.IncompleteRead):
        return "incomplete body"
    if isinstance(reason, (ConnectionResetError, BrokenPipeError)):
        return "connection reset"
    if isinstance(reason, ssl.SSLError):
        return "TLS error"
    if isinstance(reason, http.client.HTTPException):
        return "invalid response"
    return str(reason) or type(reason).__name__


class _Hop:
    """One request/response: status, headers, body (capped) and error."""

    def __init__(self) -> None:
        self.status = 0
        self.server = ""
        self.content_type = ""
        self.body = b""
        self.truncated = False
        self.error: str | None = None
        self.location: str | None = None


def _bytes_owed(response) -> int:
    raw = response.fp if isinstance(response, urllib.error.HTTPError) else response
    return getattr(raw, "length", None) or 0


def _read_body(response, hop: _Hop, options: _Options, deadline: float) -> None:
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            if time.monotonic() > deadline:
                hop.error = "timeout"
                chunks = []
                break
            chunk = response.read(_READ_CHUNK)
            if not chunk:
                # http.client ends a short Content-Length body quietly; the bytes still
                # owed tell that the server cut the response.
                if _bytes_owed(response):
                    hop.error = "incomplete body"
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > options.max_body_bytes:
                hop.truncated = True
                hop.error = "body too large"
                break
    except http.client.IncompleteRead as e:
        chunks.append(e.partial)
        hop.error = "incomplete body"
    except (OSError, http.client.HTTPException) as e:
        hop.error = _error_word(e)
        chunks = []
    hop.body = b"".join(chunks)[: options.max_body_bytes]


def _request(opener, url: str, options: _Options) -> _Hop:
    hop = _Hop()
    deadline = time.monotonic() + options.timeout
    request = urllib.request.Request(url, headers={"User-Agent": options.user_agent})
    try:
        response = opener.open(request, timeout=min(options.timeout, options.connect_timeout))
    except urllib.error.HTTPError as e:
        response = e  # 3xx/4xx/5xx: still a response with headers and a body
    except (OSError, http.client.HTTPException, ValueError) as e:
        hop.error = _error_word(e)
        return hop
    with response:
        # The connect timeout has done its job: reads get the transfer timeout.
        sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
        if sock is not None:
            sock.settimeout(options.timeout)
        hop.status = response.status if hasattr(response, "status") else response.code
        headers = response.headers
        hop.server = headers.get("Server", "")
        hop.content_type = headers.get("Content-Type", "")
        hop.location = headers.get("Location")
        _read_body(response, hop, options, deadline)
    return hop


def _fetch(url: str, options: _Options, opener) -> Site:
    parsed = _parse(url)
    if parsed.error is not None:
        return Site(url, "", "", 0, "", 0, "", "", b"", False, 0.0, parsed.error)
    start = time.monotonic()
    current = parsed.normalized
    redirects = 0
    while True:
        hop = _request(opener, current, options)
        if (
            hop.error is None
            and options.follow_redirects
            and hop.status in REDIRECT_STATUSES
            and hop.location is not None
        ):
            target = _parse(urllib.parse.urljoin(current, hop.location))
            if redirects >= options.max_redirects:
                hop.error, hop.body = "too many redirects", b""
            elif target.error is not None:
                hop.error, hop.body = target.error, b""
            else:
                redirects += 1
                current = target.normalized
                continue
        break
    return Site(
        url,
        current,
        parsed.host,
        parsed.port,
        parsed.scheme,
        hop.status,
        hop.server,
        hop.content_type,
        hop.body,
        hop.truncated,
        time.monotonic() - start,
        hop.error,
    )


# ---- the API ------------------------------------------------------------------------------------


def scrape(
    urls: Iterable[str],
    *,
    concurrency: int = 64,
    timeout: float = 10.0,
    connect_timeout: float = 5.0,
    max_body_bytes: int = 10_485_760,
    follow_redirects: bool = True,
    max_redirects: int = 5,
    user_agent: str | None = None,
) -> list[Site]:
    """Fetch every URL with a thread pool; one Site per URL, in input order."""
    options = _options(
        concurrency, timeout, connect_timeout, max_body_bytes, follow_redirects, max_redirects, user_agent
    )
    url_list = [_check_url(item, i) for i, item in enumerate(_iterate(urls))]
    if not url_list:
        return []
    opener = _opener()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(options.concurrency, len(url_list)))
    try:
        futures = [pool.submit(_fetch, url, options, opener) for url in url_list]
        return [f.result() for f in futures]
    finally:
        # On Ctrl-C do not wait for queued URLs; running requests end by their timeouts.
        pool.shutdown(wait=False, cancel_futures=True)


def scrape_iter(
    urls: Iterable[str],
    *,
    concurrency: int = 64,
    timeout: float = 10.0,
    connect_timeout: float = 5.0,
    max_body_bytes: int = 10_485_760,
    follow_redirects: bool = True,
    max_redirects: int = 5,
    user_agent: str | None = None,
) -> Iterator[Site]:
    """Like scrape, but yields Sites as they complete, with at most 2 x concurrency URLs in flight."""
    options = _options(
        concurrency, timeout, connect_timeout, max_body_bytes, follow_redirects, max_redirects, user_agent
    )
    return _stream(_iterate(urls), options)


def _stream(iterator: Iterator, options: _Options) -> Iterator[Site]:
    window = max(2 * options.concurrency, 16)
    opener = _opener()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=options.concurrency)
    in_flight: set[concurrent.futures.Future] = set()
    index = 0
    exhausted = False
    try:
        while True:
            while not exhausted and len(in_flight) < window:
                try:
                    item = next(iterator)
                except StopIteration:
                    exhausted = True
                    break
                in_flight.add(pool.submit(_fetch, _check_url(item, index), options, opener))
                index += 1
            if not in_flight:
                return
            done, in_flight = concurrent.futures.wait(in_flight, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


__all__ = ["DEFAULT_USER_AGENT", "Site", "scrape", "scrape_iter"]
