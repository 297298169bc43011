"""atheris target: bridgebench._scrape (scrape, scrape_iter and its iterator) on arbitrary URL
lists, options and server replies. Nothing leaves the machine: libcurl sends every request to
a loopback proxy (http_proxy/https_proxy, set before the module loads) that answers with the
fuzzer's reply. A call returns one record per URL or raises an argument error
(values.ARGUMENT_ERRORS)."""

from __future__ import annotations

import os
import socket
import sys
import threading

import atheris
import values


class LoopbackProxy:
    """Answers every connection with `reply` and closes it."""

    def __init__(self):
        self.reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            client, _ = self.listener.accept()
            with client:
                client.settimeout(0.05)
                try:
                    client.recv(65536)
                    client.sendall(self.reply)
                except OSError:
                    pass


PROXY = LoopbackProxy()
for name in ("http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
    os.environ[name] = f"http://127.0.0.1:{PROXY.port}"
for name in ("no_proxy", "NO_PROXY"):
    os.environ.pop(name, None)

with atheris.instrument_imports():
    from bridgebench import _scrape

PREFIXES = ("http://", "https://", "", "ftp://", "http:/", "HTTP://")


def url(fdp: atheris.FuzzedDataProvider):
    if fdp.ConsumeIntInRange(0, 4) == 0:
        return values.scalar(fdp)
    return PREFIXES[fdp.ConsumeIntInRange(0, len(PREFIXES) - 1)] + fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 40))


def reply(fdp: atheris.FuzzedDataProvider) -> bytes:
    if fdp.ConsumeBool():
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 300))
    status = fdp.ConsumeIntInRange(100, 999)
    headers = b"".join(
        fdp.ConsumeBytes(12) + b": " + fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 30)) + b"\r\n"
        for _ in range(fdp.ConsumeIntInRange(0, 3))
    )
    return b"HTTP/1.1 %d X\r\n%s\r\n%s" % (status, headers, fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 200)))


def options(fdp: atheris.FuzzedDataProvider) -> dict:
    """Timeouts of at most half a second (so one input stays short) or arbitrary values the
    binding must refuse before fetching anything."""
    out = {"timeout": 0.5, "connect_timeout": 0.5}
    if fdp.ConsumeBool():
        out["timeout"] = fdp.ConsumeProbability() * 0.5 or values.scalar(fdp)
    if fdp.ConsumeBool():
        out["concurrency"] = fdp.ConsumeIntInRange(-1, 8) if fdp.ConsumeBool() else values.scalar(fdp)
    if fdp.ConsumeBool():
        out["max_body_bytes"] = fdp.ConsumeIntInRange(-1, 300) if fdp.ConsumeBool() else values.scalar(fdp)
    if fdp.ConsumeBool():
        out["follow_redirects"] = fdp.ConsumeBool() if fdp.ConsumeBool() else values.scalar(fdp)
    if fdp.ConsumeBool():
        out["max_redirects"] = fdp.ConsumeIntInRange(-1, 3)
    if fdp.ConsumeBool():
        out["user_agent"] = (
            fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 20)) if fdp.ConsumeBool() else values.scalar(fdp)
        )
    return out


def quick(opts: dict) -> bool:
    t = opts["timeout"]
    return not isinstance(t, (int, float)) or t != t or t <= 0.5


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    opts = options(fdp)
    if not quick(opts):
        return
    PROXY.reply = reply(fdp)
    urls = values.sequence(fdp, url)
    try:
        if fdp.ConsumeBool():
            records = _scrape.scrape(urls, **opts)
        else:
            it = _scrape.scrape_iter(urls, **opts)
            records = []
            for record in it:
                records.append(record)
                if fdp.ConsumeIntInRange(0, 3) == 0:
                    it.close()
        if isinstance(urls, list) and all(type(u) is str for u in urls) and len(records) > len(urls):
            raise AssertionError(f"{len(records)} records for {len(urls)} URLs")
    except values.ARGUMENT_ERRORS:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
