"""A loopback HTTP server that breaks the protocol on purpose, one way per path (the nginx
fixture cannot): the scraper tests use it for error words and deadlines.

- ``/http09``: a reply without a status line (HTTP/0.9 style), then the connection closes.
- ``/slowloris``: a status line, then one header byte every `DRIP` seconds, for ever.
- ``/slow-redirect``: waits `HOP_DELAY` seconds, then redirects to itself (a chain whose every
  hop is shorter than the timeout, while the chain is not).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

DRIP = 0.2  # seconds between the bytes of /slowloris
HOP_DELAY = 0.4  # seconds before each /slow-redirect answer
MAX_LIFE = 30.0  # no connection is kept longer than this, whatever the client does


def _read_request(conn: socket.socket) -> str:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return ""
        data += chunk
    first = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = first.split(" ")
    return parts[1] if len(parts) > 1 else ""


def _answer(conn: socket.socket, stop: threading.Event) -> None:
    with conn, contextlib.suppress(OSError):  # the client hanging up is its right
        conn.settimeout(MAX_LIFE)
        path = _read_request(conn)
        if path == "/http09":
            conn.sendall(b"hello, this reply has no status line\n")
        elif path == "/slowloris":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            end = time.monotonic() + MAX_LIFE
            while not stop.is_set() and time.monotonic() < end:
                conn.sendall(b"X")
                stop.wait(DRIP)
        elif path == "/slow-redirect":
            stop.wait(HOP_DELAY)
            conn.sendall(
                b"HTTP/1.1 302 Found\r\nLocation: /slow-redirect\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
        else:
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


class MisbehavingServer:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}{path}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=_answer, args=(conn, self._stop), daemon=True).start()

    def __enter__(self) -> MisbehavingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join()
