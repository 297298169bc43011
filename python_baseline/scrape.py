"""Concurrent scraping with the standard library only: urllib + ThreadPoolExecutor.

What a Python user would write without a native extension. Same API and the same answers
as ``bridgebench.scrape`` (status, Server, Content-Type, body, and the same error words),
with the standard library's limits, documented in docs/scrape.md:
- urllib opens a new connection per request (it sends ``Connection: close``): no reuse.
- ``timeout`` is the whole URL's deadline (redirects included): urllib's socket timeout only
  bounds each socket operation, so a watchdog cuts connections whose deadline has passed
  (scrape_deadlines.py). urllib has no separate connect timeout: the socket timeout while
  connecting is min(connect_timeout, time left).
- Ctrl-C stops waiting at once and cuts the connections of running requests; queued URLs
  are dropped.
Redirects are followed by hand (like the native code), so the hop limit, the http/https-only
rule and the final URL are the same.
"""

from __future__ import annotations

import concurrent.futures
import errno
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from bridgebench_rules import scrape as rules
from bridgebench_rules.scrape import DEFAULT_USER_AGENT, Options
from python_baseline.scrape_deadlines import Deadlines, TimedRequest, handlers

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
        return _Parsed(rules.INVALID_URL)
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return _Parsed(rules.INVALID_URL)
    scheme = parts.scheme.lower()
    if not scheme:
        return _Parsed(rules.INVALID_URL)
    if scheme not in ("http", "https"):
        return _Parsed(rules.UNSUPPORTED_SCHEME)
    if not url[len(scheme) :].startswith("://") or url[len(scheme) + 3 :].startswith("/"):
        return _Parsed(rules.INVALID_URL)
    host = (parts.hostname or "").lower()
    if not host:
        return _Parsed(rules.INVALID_URL)
    if ":" in host:
        host = f"[{host}]"
    normalized = urllib.parse.urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))
    return _Parsed(None, normalized, scheme, host, port if port is not None else (443 if scheme == "https" else 80))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """3xx responses come back as HTTPError; the caller follows them by hand."""

    def redirect_request(self, req: Any, fp: Any, code: Any, msg: Any, headers: Any, newurl: Any) -> None:
        return None


def _tls_context(options: Options) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=options.ca_file or None)
    if not options.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _opener(options: Options) -> urllib.request.OpenerDirector:
    # ProxyHandler({}): never route through a proxy from the environment (loopback fixture).
    # handlers(): every connection is cut when its URL's deadline passes (scrape_deadlines.py).
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _NoRedirect(), *handlers(tls_context=_tls_context(options))
    )


def _error_word(e: BaseException) -> str:
    reason = e.reason if isinstance(e, urllib.error.URLError) and not isinstance(e, urllib.error.HTTPError) else e
    if isinstance(reason, OSError) and reason.errno in (errno.EMFILE, errno.ENFILE):
        return rules.TOO_MANY_OPEN_FILES
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return rules.TIMEOUT
    if isinstance(reason, ConnectionRefusedError):
        return rules.CONNECTION_REFUSED
    if isinstance(reason, socket.gaierror):
        return rules.COULD_NOT_RESOLVE
    if isinstance(reason, http.client.RemoteDisconnected):
        return rules.EMPTY_REPLY
    if isinstance(reason, http.client.IncompleteRead):
        return rules.INCOMPLETE_BODY
    if isinstance(reason, (ConnectionResetError, BrokenPipeError)):
        return rules.CONNECTION_RESET
    if isinstance(reason, ssl.SSLError):
        return rules.TLS_ERROR
    if isinstance(reason, http.client.HTTPException):
        return rules.INVALID_RESPONSE
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


def _bytes_owed(response: Any) -> int:
    raw = response.fp if isinstance(response, urllib.error.HTTPError) else response
    return getattr(raw, "length", None) or 0


def _read_body(response: Any, hop: _Hop, options: Options, deadline: float) -> None:
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            if time.monotonic() > deadline:
                hop.error = rules.TIMEOUT
                chunks = []
                break
            chunk = response.read(_READ_CHUNK)
            if not chunk and time.monotonic() > deadline:
                raise TimeoutError  # the watchdog cut the connection: this end is not the body's
            if not chunk:
                # http.client ends a short Content-Length body quietly; the bytes still
                # owed tell that the server cut the response.
                if _bytes_owed(response):
                    hop.error = rules.INCOMPLETE_BODY
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > options.max_body_bytes:
                hop.truncated = True
                hop.error = rules.BODY_TOO_LARGE
                break
    except http.client.IncompleteRead as e:
        chunks.append(e.partial)
        hop.error = rules.INCOMPLETE_BODY
    except (OSError, http.client.HTTPException) as e:
        hop.error = rules.TIMEOUT if time.monotonic() > deadline else _error_word(e)
        chunks = []
    hop.body = b"".join(chunks)[: options.max_body_bytes]


def _request(opener: Any, url: str, options: Options, deadline: float, deadlines: Deadlines) -> _Hop:
    """One hop of a URL, within what is left of the URL's deadline."""
    hop = _Hop()
    request = TimedRequest(url, {"User-Agent": options.user_agent}, deadline, deadlines)
    try:
        if request.time_left() <= 0:
            hop.error = rules.TIMEOUT
            return hop
        try:
            response = opener.open(request, timeout=min(request.time_left(), options.connect_timeout))
        except urllib.error.HTTPError as e:
            response = e  # 3xx/4xx/5xx: still a response with headers and a body
        except (OSError, http.client.HTTPException, ValueError) as e:
            hop.error = rules.TIMEOUT if request.time_left() <= 0 else _error_word(e)
            return hop
        with response:
            # The connect timeout has done its job: reads get the time left.
            sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
            if sock is not None:
                sock.settimeout(max(request.time_left(), 0.001))
            hop.status = response.status if hasattr(response, "status") else response.code
            headers = response.headers
            hop.server = headers.get("Server", "")
            hop.content_type = headers.get("Content-Type", "")
            hop.location = headers.get("Location")
            _read_body(response, hop, options, deadline)
        return hop
    finally:
        request.release()


def _fetch(url: str, options: Options, opener: Any, deadlines: Deadlines) -> Site:
    parsed = _parse(url)
    if parsed.error is not None:
        return Site(url, "", "", 0, "", 0, "", "", b"", False, 0.0, parsed.error)
    start = time.monotonic()
    deadline = start + options.timeout  # for the whole URL, redirects included
    current = parsed.normalized
    redirects = 0
    while True:
        hop = _request(opener, current, options, deadline, deadlines)
        if (
            hop.error is None
            and options.follow_redirects
            and hop.status in REDIRECT_STATUSES
            and hop.location is not None
        ):
            target = _parse(urllib.parse.urljoin(current, hop.location))
            if redirects >= options.max_redirects:
                hop.error, hop.body = rules.TOO_MANY_REDIRECTS, b""
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


@rules.takes_options
def scrape(urls: Iterable[str], options: Options) -> list[Site]:
    """Fetch every URL with a thread pool; one Site per URL, in input order."""
    url_list = rules.url_list(urls)
    if not url_list:
        return []
    opener = _opener(options)
    deadlines = Deadlines()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(options.concurrency, len(url_list)))
    try:
        futures = [pool.submit(_fetch, url, options, opener, deadlines) for url in url_list]
        return [f.result() for f in futures]
    finally:
        # On Ctrl-C do not wait for queued URLs, and cut the connections of running ones.
        pool.shutdown(wait=False, cancel_futures=True)
        deadlines.close()


@rules.takes_options
def scrape_iter(urls: Iterable[str], options: Options) -> Iterator[Site]:
    """Like scrape, but yields Sites as they complete, with at most 2 x concurrency URLs in flight."""
    return _stream(rules.lazy_urls(urls), options)


def _stream(iterator: Iterator, options: Options) -> Iterator[Site]:
    window = max(2 * options.concurrency, 16)
    opener = _opener(options)
    deadlines = Deadlines()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=options.concurrency)
    in_flight: set[concurrent.futures.Future] = set()
    exhausted = False
    try:
        while True:
            while not exhausted and len(in_flight) < window:
                try:
                    item = next(iterator)
                except StopIteration:
                    exhausted = True
                    break
                in_flight.add(pool.submit(_fetch, item, options, opener, deadlines))
            if not in_flight:
                return
            done, in_flight = concurrent.futures.wait(in_flight, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        deadlines.close()


__all__ = ["DEFAULT_USER_AGENT", "Site", "scrape", "scrape_iter"]
