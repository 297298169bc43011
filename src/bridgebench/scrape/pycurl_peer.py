"""The pycurl peer: libcurl's multi interface driven from Python with ``pycurl.CurlMulti``,
the loop curl's own Python examples show. The same engine as the native client, so the gap
between the two is what running the loop, the callbacks and the records in Python costs:
``concurrency`` easy handles reused across URLs, connections reused through the multi
handle, libcurl following redirects, HTTP/2 negotiated over TLS and multiplexed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from bridgebench.scrape.peer_support import TLS_ERROR, failed
from bridgebench.scrape.site import Site
from bridgebench_rules import scrape as rules


class _Transfer:
    """Per-URL state of one easy handle: body chunks under the cap and the last Server header."""

    __slots__ = ("index", "url", "chunks", "size", "cap", "server", "start")

    def __init__(self, index: int, url: str, cap: int) -> None:
        self.index, self.url, self.cap = index, url, cap
        self.chunks: list[bytes] = []
        self.size = 0
        self.server = ""
        self.start = time.perf_counter()

    def write(self, data: bytes) -> int | None:
        room = self.cap - self.size
        if len(data) > room:
            self.chunks.append(data[:room])
            self.size = self.cap + 1
            return 0  # fewer bytes than given: libcurl stops with a write error
        self.chunks.append(data)
        self.size += len(data)
        return None

    def header(self, line: bytes) -> None:
        if line.startswith(b"HTTP/"):
            self.server = ""  # a new response (redirect hop): forget the last one's headers
        elif line[:7].lower() == b"server:":
            self.server = line[7:].strip().decode("latin-1")


def _error_word(pycurl, code: int, message: str) -> str:
    words = {
        pycurl.E_OPERATION_TIMEDOUT: "timeout",
        pycurl.E_COULDNT_CONNECT: "connection refused",
        pycurl.E_TOO_MANY_REDIRECTS: "too many redirects",
        pycurl.E_SSL_CONNECT_ERROR: TLS_ERROR,
        pycurl.E_PEER_FAILED_VERIFICATION: TLS_ERROR,
    }
    return words.get(code, message)


def _new_handle(pycurl: Any, options: dict) -> Any:
    easy = pycurl.Curl()
    for option, value in options.items():
        easy.setopt(option, value)
    return easy


@rules.takes_options
def scrape(url_source: Iterable[str], options: rules.Options) -> list[Site]:
    import pycurl

    urls = list(url_source)
    concurrency, max_body_bytes = options.concurrency, options.max_body_bytes
    shared = {
        pycurl.NOSIGNAL: 1,
        pycurl.FOLLOWLOCATION: 1 if options.follow_redirects else 0,
        pycurl.MAXREDIRS: options.max_redirects,
        pycurl.TIMEOUT_MS: int(options.timeout * 1000),
        pycurl.CONNECTTIMEOUT_MS: int(options.connect_timeout * 1000),
        pycurl.USERAGENT: options.user_agent,
        pycurl.HTTP_VERSION: pycurl.CURL_HTTP_VERSION_2TLS,
        pycurl.SSL_VERIFYPEER: 1 if options.verify else 0,
        pycurl.SSL_VERIFYHOST: 2 if options.verify else 0,
    }
    if options.ca_file:
        shared[pycurl.CAINFO] = options.ca_file
    multi = pycurl.CurlMulti()
    multi.setopt(pycurl.M_MAXCONNECTS, concurrency)
    multi.setopt(pycurl.M_PIPELINING, pycurl.PIPE_MULTIPLEX)
    free = [_new_handle(pycurl, shared) for _ in range(min(concurrency, len(urls)))]
    every_handle = list(free)
    results: list[Site | None] = [None] * len(urls)
    transfers: dict[object, _Transfer] = {}
    next_url = 0

    def start(easy, index: int) -> None:
        url = urls[index]
        t = _Transfer(index, url, max_body_bytes)
        easy.setopt(pycurl.URL, url)
        easy.setopt(pycurl.WRITEFUNCTION, t.write)
        easy.setopt(pycurl.HEADERFUNCTION, t.header)
        easy.setopt(pycurl.PIPEWAIT, 1 if url.startswith("https:") else 0)
        transfers[easy] = t
        multi.add_handle(easy)

    def finish(easy, error: str | None) -> None:
        t = transfers.pop(easy)
        multi.remove_handle(easy)
        elapsed = time.perf_counter() - t.start
        if error is not None and t.size <= max_body_bytes:
            results[t.index] = failed(t.url, error, elapsed)
        else:
            truncated = t.size > max_body_bytes
            final = easy.getinfo(pycurl.EFFECTIVE_URL)
            results[t.index] = Site(
                t.url,
                final,
                "",
                0,
                final.split(":", 1)[0],
                easy.getinfo(pycurl.RESPONSE_CODE),
                t.server,
                easy.getinfo(pycurl.CONTENT_TYPE) or "",
                b"".join(t.chunks),
                truncated,
                elapsed,
                "body too large" if truncated else None,
            )
        free.append(easy)

    try:
        while next_url < len(urls) or transfers:
            while free and next_url < len(urls):
                start(free.pop(), next_url)
                next_url += 1
            while multi.perform()[0] == pycurl.E_CALL_MULTI_PERFORM:
                pass
            while True:
                queued, done, errors = multi.info_read()
                for easy in done:
                    finish(easy, None)
                for easy, code, message in errors:
                    finish(easy, _error_word(pycurl, code, message))
                if queued == 0:
                    break
            if transfers and (not free or next_url >= len(urls)):
                multi.select(1.0)  # every handle busy, or nothing left to start: wait for sockets
    finally:
        for easy in transfers:
            multi.remove_handle(easy)
        for easy in every_handle:
            easy.close()
        multi.close()
    return results  # type: ignore[return-value]
