"""The scraper through the C ABI (libbridgebench.so) with ctypes: the plain-ctypes way, with its
use-after-free fixed. The native array is read completely into Python objects first and
freed once, in ``finally`` - never inside the loop that reads it.

``scrape(urls, **same options as bridgebench.scrape.scrape)`` gives the same records. The C
call runs on a helper thread so that the calling thread can keep handling signals: on
Ctrl-C it sets the call's cancel flag, waits for the call to return (within ~50 ms), frees
whatever it handed out and re-raises.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable
from typing import Any

from bridgebench import _clib
from bridgebench.scrape.site import Site
from bridgebench_rules import scrape as rules
from bridgebench_rules.scrape import Options


class bb_scrape_options(ctypes.Structure):
    _fields_ = [
        ("concurrency", ctypes.c_size_t),
        ("timeout", ctypes.c_double),
        ("connect_timeout", ctypes.c_double),
        ("max_body_bytes", ctypes.c_uint64),
        ("follow_redirects", ctypes.c_int32),
        ("max_redirects", ctypes.c_int32),
        ("user_agent", ctypes.c_char_p),
        ("cancel", ctypes.POINTER(ctypes.c_int32)),
        ("ca_file", ctypes.c_char_p),
        ("verify", ctypes.c_int32),
    ]


class bb_site(ctypes.Structure):
    _fields_ = [
        ("url", ctypes.c_void_p),
        ("url_len", ctypes.c_size_t),
        ("final_url", ctypes.c_void_p),
        ("final_url_len", ctypes.c_size_t),
        ("domain", ctypes.c_void_p),
        ("domain_len", ctypes.c_size_t),
        ("port", ctypes.c_int64),
        ("protocol", ctypes.c_void_p),
        ("protocol_len", ctypes.c_size_t),
        ("status", ctypes.c_int64),
        ("server", ctypes.c_void_p),
        ("server_len", ctypes.c_size_t),
        ("content_type", ctypes.c_void_p),
        ("content_type_len", ctypes.c_size_t),
        ("body", ctypes.c_void_p),
        ("body_len", ctypes.c_size_t),
        ("truncated", ctypes.c_int32),
        ("elapsed", ctypes.c_double),
        ("error", ctypes.c_void_p),
        ("error_len", ctypes.c_size_t),
    ]


class bb_site_array(ctypes.Structure):
    _fields_ = [("count", ctypes.c_size_t), ("sites", ctypes.POINTER(ctypes.POINTER(bb_site)))]


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    lib.bb_scrape_options_init.restype = None
    lib.bb_scrape_options_init.argtypes = [ctypes.POINTER(bb_scrape_options)]
    lib.bb_scrape.restype = ctypes.c_int
    lib.bb_scrape.argtypes = [
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.POINTER(ctypes.c_size_t),
        ctypes.c_size_t,
        ctypes.POINTER(bb_scrape_options),
        ctypes.POINTER(ctypes.POINTER(bb_site_array)),
    ]
    lib.bb_site_array_take.restype = ctypes.POINTER(bb_site)
    lib.bb_site_array_take.argtypes = [ctypes.POINTER(bb_site_array), ctypes.c_size_t]
    lib.bb_free_site_array.restype = None
    lib.bb_free_site_array.argtypes = [ctypes.POINTER(bb_site_array)]
    lib.bb_free_site.restype = None
    lib.bb_free_site.argtypes = [ctypes.POINTER(bb_site)]
    return lib


_lib = _declare(_clib.library())
_WAIT_SLICE = 0.05  # seconds between looks at pending signals while the C call runs


def _text(pointer: int | None, length: int) -> str:
    return ctypes.string_at(pointer or 0, length).decode("utf-8", "replace") if length else ""


def _site(s: bb_site) -> Site:
    return Site(
        _text(s.url, s.url_len),
        _text(s.final_url, s.final_url_len),
        _text(s.domain, s.domain_len),
        s.port,
        _text(s.protocol, s.protocol_len),
        s.status,
        _text(s.server, s.server_len),
        _text(s.content_type, s.content_type_len),
        ctypes.string_at(s.body, s.body_len) if s.body_len else b"",
        bool(s.truncated),
        s.elapsed,
        None if not s.error else _text(s.error, s.error_len),
    )


def _read(array: bb_site_array) -> list[Site]:
    return [_site(array.sites[i].contents) for i in range(array.count)]


def _wait_through_interrupts(done: threading.Event) -> None:
    """Waits for the C call to end even through another Ctrl-C; the cancel flag makes the wait
    short (~50 ms)."""
    while True:
        try:
            done.wait()
            return
        except KeyboardInterrupt:
            continue


class _Call:
    """bb_scrape on a thread of its own, which also owns the result: it reads the sites into
    Python objects and frees the array before it signals the end. Ctrl-C reaches only the main
    thread, so no interrupt can fall between the call returning and the free (on the main
    thread, a KeyboardInterrupt raised between any two bytecodes could)."""

    def __init__(self, run: Callable[[Any], int]) -> None:
        # `run` holds the URL array, the options and (through them) the cancel flag, so they
        # live as long as the thread does, even if the caller stops waiting for it.
        self._run = run
        self.status = _clib.BB_OK
        self.sites: list[Site] = []
        self.error: BaseException | None = None  # raised while reading the result
        self.done = threading.Event()

    def __call__(self) -> None:
        out = ctypes.POINTER(bb_site_array)()
        try:
            self.status = self._run(ctypes.byref(out))
            if out:
                self.sites = _read(out.contents)
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread
            self.error = e
        finally:
            _lib.bb_free_site_array(out)  # NULL after a failed call
            self.done.set()

    def result(self) -> list[Site]:
        if self.error is not None:
            raise self.error
        _clib.raise_for_status(self.status, "scrape", argument="urls")
        return self.sites


@rules.takes_options
def scrape(urls: Any, checked: Options) -> list[Site]:
    encoded = [u.encode("utf-8") for u in rules.url_list(urls)]
    count = len(encoded)
    url_array = (ctypes.c_char_p * count)(*encoded)
    lengths = (ctypes.c_size_t * count)(*map(len, encoded))
    cancel = ctypes.c_int32(0)
    options = bb_scrape_options()
    _lib.bb_scrape_options_init(ctypes.byref(options))
    options.concurrency = checked.concurrency
    options.timeout = checked.timeout
    options.connect_timeout = checked.connect_timeout
    options.max_body_bytes = checked.max_body_bytes
    options.follow_redirects = int(checked.follow_redirects)
    options.max_redirects = checked.max_redirects
    user_agent_bytes = checked.user_agent.encode("utf-8")  # kept alive for the call
    options.user_agent = user_agent_bytes
    options.cancel = ctypes.pointer(cancel)
    ca_file_bytes = os.fsencode(checked.ca_file) if checked.ca_file else None  # kept alive for the call
    options.ca_file = ca_file_bytes
    options.verify = int(checked.verify)

    call = _Call(lambda out: _lib.bb_scrape(url_array, lengths, count, ctypes.byref(options), out))
    # An Event, not Thread.join: in CPython 3.11 a join interrupted by KeyboardInterrupt can
    # mark a still-running thread as stopped (bpo-45274).
    threading.Thread(target=call, name="bb_scrape", daemon=True).start()
    try:
        while not call.done.wait(_WAIT_SLICE):
            pass
    except BaseException:
        cancel.value = 1
        _wait_through_interrupts(call.done)
        raise
    return call.result()


__all__ = ["scrape"]
