"""A whole-URL deadline for urllib: the scraper's `timeout` is the time one URL may take,
everything included, as in the native scraper.

urllib has only a socket timeout, which bounds each socket operation: a server that sends its
reply one byte a second (a "slowloris" server) keeps every recv short and a request alive for
as long as it likes. So every connection the opener makes is registered with a `Deadlines`
watchdog (one thread per scrape call) that shuts the socket down when its URL's deadline
passes; the blocked read then ends and the request reports "timeout". Closing the watchdog
(the call ended, or was interrupted) cuts every connection still open at once, so worker
threads do not outlive the call by a full transfer.

Limits (the standard library's): the DNS lookup cannot be cut, and a TLS handshake is bounded by
the socket timeout of its operations (min(connect_timeout, time left)), not by the watchdog.
"""

from __future__ import annotations

import functools
import heapq
import http.client
import itertools
import socket
import ssl
import threading
import time
import urllib.request
from typing import Any


class _Watch:
    __slots__ = ("sock", "active")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.active = True


def _cut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for an SSLSocket (whose own shutdown would drop its
    # TLS object under a reading thread). On a socket closed meanwhile it fails harmlessly.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class Deadlines:
    """Shuts sockets down when their deadline (time.monotonic() seconds) passes."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int, _Watch]] = []
        self._order = itertools.count()  # ties: no comparison of _Watch objects
        self._closed = False
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float) -> _Watch:
        entry = _Watch(sock)
        with self._lock:
            if self._closed:
                _cut(sock)
                return entry
            heapq.heappush(self._heap, (deadline, next(self._order), entry))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="scrape-deadlines", daemon=True)
                self._thread.start()
            self._lock.notify()
        return entry

    def unwatch(self, entry: _Watch) -> None:
        with self._lock:
            entry.active = False  # dropped from the heap when its deadline comes up

    def close(self) -> None:
        """Cuts every connection still watched and stops the thread."""
        with self._lock:
            self._closed = True
            for _, _, entry in self._heap:
                if entry.active:
                    _cut(entry.sock)
            self._heap.clear()
            self._lock.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        with self._lock:
            while not self._closed:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    _, _, entry = heapq.heappop(self._heap)
                    if entry.active:
                        _cut(entry.sock)
                wait = self._heap[0][0] - now if self._heap else None
                self._lock.wait(wait)


class TimedRequest(urllib.request.Request):
    """A request that carries its URL's deadline and the watchdog its connection registers with."""

    def __init__(self, url: str, headers: dict[str, str], deadline: float, deadlines: Deadlines) -> None:
        super().__init__(url, headers=headers)
        self.deadline = deadline
        self.deadlines = deadlines
        self.watches: list[_Watch] = []

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def register(self, sock: socket.socket) -> None:
        self.watches.append(self.deadlines.watch(sock, self.deadline))

    def release(self) -> None:
        for entry in self.watches:
            self.deadlines.unwatch(entry)
        self.watches.clear()


class _Registered:
    """Mixed into http.client's connections: the new socket is registered with the request's
    watchdog as soon as it exists (for https, once the TLS session is up)."""

    def __init__(self, *args: Any, request: TimedRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request = request

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self._request.register(self.sock)  # type: ignore[attr-defined]


class _HTTPConnection(_Registered, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_Registered, http.client.HTTPSConnection):
    pass


_REGISTERING = {http.client.HTTPConnection: _HTTPConnection, http.client.HTTPSConnection: _HTTPSConnection}


class _Registering:
    """Mixed into urllib's handlers: their connections register with the request's watchdog
    (the handlers' own arguments, such as the TLS context, pass through unchanged)."""

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(functools.partial(_REGISTERING[http_class], request=req), req, **kwargs)  # type: ignore[misc]


class _HTTPHandler(_Registering, urllib.request.HTTPHandler):
    pass


class _HTTPSHandler(_Registering, urllib.request.HTTPSHandler):
    pass


def handlers(tls_context: ssl.SSLContext) -> list[urllib.request.BaseHandler]:
    """The opener's http and https handlers (they replace urllib's defaults in build_opener)."""
    return [_HTTPHandler(), _HTTPSHandler(context=tls_context)]
