"""Leak-audit scenarios for the scrape workload: bridgebench._scrape (pybind11: scrape,
scrape_iter, ScrapeIterator) and the C ABI (bridgebench.scrape.capi and the bb_* scrape
symbols straight through ctypes), against the nginx fixture site the audit starts once.

Every scenario drops what it got back before it returns. Each call starts a libcurl session
(a loop thread, a multi handle) and fetches from loopback, a few milliseconds: growth weights
keep the growth layer's call counts small, and the reduced (Valgrind) set is a handful of
one-URL batches, since Valgrind runs libcurl and OpenSSL about 50 times slower.

Cancellation: the C ABI's cancel flag is set from another thread (deterministic anywhere).
Ctrl-C reaches native code only through PyErr_CheckSignals, which acts on the main thread
only; on the main thread (ledger, growth and Valgrind workers) the Ctrl-C scenarios send a real
interrupt while the call waits on a 2 s endpoint, as tests/python/test_scrape_lifecycle.py
does. Off it (the ASan layer runs scenarios in a thread) they take the closest deterministic
path: KeyboardInterrupt raised by the urls iterable, which for scrape_iter happens while
transfers are in flight and unwinds the same way.
"""

from __future__ import annotations

import _thread
import contextlib
import ctypes
import dataclasses
import gc
import signal
import threading
import types
from collections.abc import Callable

from bridgebench import _clib, _scrape
from bridgebench.api import THREADED_SLACK, Canary, Scenario, cover_module, cover_symbols, failing_iterable, fixture
from bridgebench.leakcheck.scenarios._scrape_misuse import misuse_scenarios
from bridgebench.scrape import api, capi
from bridgebench_rules import scrape as rules

PYBIND = "bridgebench._scrape"
CAPI = "bridgebench.scrape.capi"
FAST = {"timeout": 5.0, "connect_timeout": 2.0}  # loopback: everything answers in milliseconds
SLOW_ENDPOINT = "/delay/2000"  # long enough that an interrupt after INTERRUPT_AFTER always lands first
INTERRUPT_AFTER = 0.02  # seconds
# Growth weights (calls per batch = 200 * weight in quick mode, 6 batches' worth in all). The
# heap moves by up to ~2 KiB per batch from scrape to scrape with no leak (records are built on
# the loop thread and freed on the caller's: per-thread malloc caches), so batches of fewer than
# ~20 calls would trip the growth layer's 2 KiB threshold by chance. Python objects drift the
# other way: creating ScrapeIterators (GC-tracked) leaves a slowly shrinking number of blocks
# allocated (measured ~60 per 200 calls at first, ~17 per 1000 calls after 5000), so the
# scenarios that create one stay at 10-20 calls per batch, below the 32-object slack.
ONE_FETCH = 0.05
SEVERAL_FETCHES = 0.05
INTERRUPTED = 0.01  # ~70 ms each: the interrupt, a 50 ms wait slice, the session's teardown


@contextlib.contextmanager
def FIXTURE():
    from bridgebench.scrape.fixture import fixture_site

    with fixture_site() as site:
        yield site.value()


def _url(path: str, server: str = "base") -> str:
    return fixture("scrape")[server] + path  # read each time: a later audit may start another site


def _page() -> str:
    return _url("/small/s000.html")


def _failing_urls() -> list[str]:
    """One URL per kind of failure, plus a 404 (a response, not an error)."""
    return [
        _url("/missing/page"),
        _url("/", "refused"),
        "http://exa mple.com/",
        "ftp://127.0.0.1/x",
        _url("/loop/a"),
        _url("/cut", "raw"),
        _url("/to-ftp"),
    ]


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _interrupted(call) -> None:
    """Runs call() and sends Ctrl-C to it after INTERRUPT_AFTER; KeyboardInterrupt propagates."""
    # interrupt_main() does nothing unless Python handles SIGINT, and a process started in the
    # background by a shell inherits SIGINT ignored: install the default handler for the call.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(INTERRUPT_AFTER, _thread.interrupt_main)
    timer.start()
    try:
        call()
    finally:
        timer.cancel()
        timer.join()  # the interrupt (if sent) has been delivered by now: we are past call()
        signal.signal(signal.SIGINT, previous)


def _urls_then_interrupt(urls: list[str]):
    """An input that stops with KeyboardInterrupt after `urls` (the deterministic stand-in for
    Ctrl-C off the main thread)."""
    yield from urls
    raise KeyboardInterrupt


# ---- pybind11: scrape() -----------------------------------------------------------------------


def _pybind(
    function: str,
    case: str,
    run,
    *,
    raises=None,
    reduced=False,
    weight=ONE_FETCH,
    also: tuple[str, ...] = (),
    misuse: tuple[str, ...] = (),
) -> Scenario:
    return Scenario(
        f"scrape.pybind.{function}.{case}",
        run,
        cover_module(PYBIND, function, *also),
        raises=raises,
        reduced=reduced,
        growth_weight=weight,
        growth_slack_factor=THREADED_SLACK,
        **_misuse_kinds(misuse),
    )


def _misuse_kinds(kinds: tuple[str, ...]) -> dict:
    # Scenario.misuse (the kinds of misuse a scenario exercises, for the coverage rule) may not
    # be in this version of the scenario registry yet: then the kinds only name the scenario.
    return {"misuse": kinds} if kinds and "misuse" in Scenario.__dataclass_fields__ else {}


# The same checks through the pybind11 module (api.scrape) and the C ABI (capi.scrape), each
# looked up at call time (the coverage check wraps the module attributes).
ScrapeCall = Callable[..., list]


def _fetches_one_page(scrape: ScrapeCall) -> None:
    (site,) = scrape([_page()], **FAST)
    assert site.status == 200 and site.error is None and site.body, site


def _names_each_failure(scrape: ScrapeCall) -> None:
    sites = scrape(_failing_urls(), concurrency=4, max_redirects=3, **FAST)
    assert sites[0].status == 404 and sites[0].error is None, sites[0]
    assert [s.error for s in sites[1:]] == [
        "connection refused",
        "invalid URL",
        "unsupported scheme",
        "too many redirects",
        "incomplete body",
        "unsupported scheme",
    ], sites


def _cuts_a_body_too_large(scrape: ScrapeCall) -> None:
    (site,) = scrape([_page()], max_body_bytes=100, **FAST)
    assert site.truncated and site.error == "body too large" and len(site.body) == 100, site


def _scrape_redirects_and_duplicates() -> None:
    sites = api.scrape((u for u in [_url("/redirect/2"), _page(), _page()]), concurrency=2, **FAST)
    assert [s.status for s in sites] == [200, 200, 200], sites


def _scrape_ctrl_c() -> None:
    urls = [_url(SLOW_ENDPOINT)] * 4
    if _on_main_thread():
        _interrupted(lambda: api.scrape(urls, concurrency=4, **FAST))
    else:
        api.scrape(_urls_then_interrupt(urls), **FAST)


_BAD_ARGUMENTS = {
    # case: (keyword arguments besides urls, urls, expected exception)
    "urls_not_iterable": ({}, 3, TypeError),
    "urls_single_str": ({}, "http://127.0.0.1/", TypeError),
    "url_not_str_last": ({}, ["http://127.0.0.1/"] * 50 + [b"http://127.0.0.1/"], TypeError),
    "url_lone_surrogate": ({}, ["http://127.0.0.1/\udc80"], UnicodeError),
    "concurrency_zero": ({"concurrency": 0}, [], ValueError),
    "concurrency_bool": ({"concurrency": True}, [], TypeError),
    "concurrency_huge": ({"concurrency": 2**70}, [], ValueError),
    "timeout_nan": ({"timeout": float("nan")}, [], ValueError),
    "timeout_str": ({"timeout": "1"}, [], TypeError),
    "connect_timeout_negative": ({"connect_timeout": -1}, [], ValueError),
    "max_body_bytes_negative": ({"max_body_bytes": -1}, [], ValueError),
    "follow_redirects_int": ({"follow_redirects": 1}, [], TypeError),
    "max_redirects_negative": ({"max_redirects": -1}, [], ValueError),
    "user_agent_crlf": ({"user_agent": "x\r\nInjected: 1"}, [], ValueError),
    "user_agent_bytes": ({"user_agent": b"x"}, [], TypeError),
    "ca_file_missing": ({"ca_file": "/nonexistent/ca.pem"}, [], ValueError),
    "ca_file_int": ({"ca_file": 3}, [], TypeError),
    "verify_int": ({"verify": 1}, [], TypeError),
}


# The pybind11 module behind the facade gets arguments the rules have checked; called directly
# with values the rules would refuse, it must still raise (and free what it started), never
# crash. Option fields are converted by pybind11 casts (TypeError when one cannot convert) and
# checked by bb::scrape::validate (ValueError). case: (option fields, urls, expected exception)
_NATIVE_BAD = {
    "urls_not_iterable": ({}, 3, TypeError),
    "url_not_str_last": ({}, ["nonsense"] * 50 + [b"http://127.0.0.1/"], TypeError),
    "url_lone_surrogate": ({}, ["http://127.0.0.1/\udc80"], UnicodeError),
    "concurrency_zero": ({"concurrency": 0}, ["nonsense"], ValueError),
    "concurrency_negative": ({"concurrency": -1}, ["nonsense"], TypeError),
    "concurrency_huge": ({"concurrency": 2**70}, ["nonsense"], TypeError),
    "concurrency_over_limit": ({"concurrency": 10**6}, ["nonsense"], ValueError),
    "timeout_nan": ({"timeout": float("nan")}, ["nonsense"], ValueError),
    "timeout_str": ({"timeout": "1"}, ["nonsense"], TypeError),
    "max_redirects_negative": ({"max_redirects": -1}, ["nonsense"], ValueError),
    "user_agent_crlf": ({"user_agent": "x\r\nInjected: 1"}, ["nonsense"], ValueError),
    "user_agent_surrogate": ({"user_agent": "\ud800"}, ["nonsense"], TypeError),
    "ca_file_int": ({"ca_file": 3}, ["nonsense"], TypeError),
    "verify_str": ({"verify": "yes"}, ["nonsense"], TypeError),
    "options_not_options": (None, ["nonsense"], AttributeError),
}


def _native_options(fields: dict | None):
    if fields is None:
        return object()
    return types.SimpleNamespace(**{**dataclasses.asdict(rules.check_options(**FAST)), **fields})


def _bad_native(function: str, fields: dict | None, urls):
    def run():
        result = getattr(_scrape, function)(urls, _native_options(fields))
        if function == "scrape_iter":
            next(result)  # items are read lazily

    return run


SCENARIOS: list[Scenario] = [
    _pybind("scrape", "ok", lambda: _fetches_one_page(api.scrape), reduced=True),
    _pybind("scrape", "errors", lambda: _names_each_failure(api.scrape), reduced=True, weight=SEVERAL_FETCHES),
    _pybind("scrape", "body_too_large", lambda: _cuts_a_body_too_large(api.scrape)),
    _pybind("scrape", "redirects_and_duplicates", _scrape_redirects_and_duplicates, weight=SEVERAL_FETCHES),
    _pybind("scrape", "empty", lambda: api.scrape([]), weight=1.0),
    _pybind(
        "scrape",
        "iterable_fails_midway",
        lambda: _scrape.scrape(failing_iterable(["http://127.0.0.1/"] * 40, 20), _native_options({})),
        raises=RuntimeError,
        weight=1.0,
    ),
    _pybind("scrape", "ctrl_c", _scrape_ctrl_c, raises=KeyboardInterrupt, weight=INTERRUPTED, misuse=("interrupts",)),
]
SCENARIOS += [
    _pybind("scrape", f"bad.{case}", _bad_native("scrape", fields, urls), raises=error, weight=1.0)
    for case, (fields, urls, error) in _NATIVE_BAD.items()
]


# ---- pybind11: scrape_iter() and ScrapeIterator -----------------------------------------------


def _iter_consumed() -> None:
    sites = list(api.scrape_iter([_page(), _url("/missing/page"), "nonsense"], concurrency=2, **FAST))
    assert sorted(s.status for s in sites) == [0, 200, 404], sites


def _iter_with_block_consumed() -> None:
    with api.scrape_iter(iter(_failing_urls()), concurrency=3, max_redirects=3, **FAST) as it:
        assert len(list(it)) == len(_failing_urls())
    assert next(it, None) is None  # finished and closed


def _many_pages() -> list[str]:
    return [_url(f"/small/s{i:03d}.html") for i in range(12)]


def _iter_closed_halfway() -> None:
    it = api.scrape_iter(_many_pages(), concurrency=3, **FAST)
    assert next(it).status == 200
    it.close()  # transfers in flight and records not yet yielded: all freed now
    it.close()  # idempotent
    assert next(it, None) is None


def _iter_dropped_halfway() -> None:
    it = api.scrape_iter(_many_pages(), concurrency=3, **FAST)
    assert next(it).status == 200
    del it  # the destructor cancels and frees


def _iter_with_block_left_halfway() -> None:
    with api.scrape_iter(_many_pages(), concurrency=3, **FAST) as it:
        next(it)


def _iter_in_cycle() -> None:
    # Only the cyclic GC frees it (holder -> iterator; holder -> holder).
    holder: list = [api.scrape_iter(_many_pages(), concurrency=3, **FAST)]
    holder.append(holder)
    next(holder[0])
    del holder
    gc.collect()


def _abandon_in_cycle_through_input() -> None:
    box: list = []

    def urls():
        _ = box  # the generator's closure keeps box, and box keeps the iterator
        yield from _many_pages()

    box.append(api.scrape_iter(urls(), concurrency=3, **FAST))
    next(box[0])


def _iter_in_cycle_through_input() -> None:
    # The input generator refers back to the iterator: the GC must see through the iterator.
    _abandon_in_cycle_through_input()
    gc.collect()


def _iter_never_started() -> None:
    it = api.scrape_iter(_many_pages(), concurrency=3, **FAST)
    del it


def _iter_bad_item_midway() -> None:
    # The bad item is read while earlier transfers are in flight (window of 16).
    urls = [_page()] * 20 + [42]
    for _ in api.scrape_iter(iter(urls), concurrency=1, **FAST):
        pass


def _iter_input_fails_midway() -> None:
    for _ in api.scrape_iter(failing_iterable([_page()] * 30, 20), concurrency=1, **FAST):
        pass


def _iter_ctrl_c() -> None:
    urls = [_url(SLOW_ENDPOINT)] * 4
    if _on_main_thread():
        _interrupted(lambda: list(api.scrape_iter(urls, concurrency=4, **FAST)))
    else:
        list(api.scrape_iter(_urls_then_interrupt(urls), concurrency=4, **FAST))


def _iter_input_interrupted() -> None:
    # KeyboardInterrupt from the input while the first transfers are in flight (any thread).
    list(api.scrape_iter(_urls_then_interrupt([_page()] * 20), concurrency=2, **FAST))


def _iterator_has_no_constructor() -> None:
    _scrape.ScrapeIterator()


_ITERATOR = ("ScrapeIterator", "ScrapeIterator.close")

SCENARIOS += [
    _pybind("scrape_iter", "consumed", _iter_consumed, reduced=True, weight=SEVERAL_FETCHES),
    _pybind("scrape_iter", "with_block_consumed", _iter_with_block_consumed, weight=SEVERAL_FETCHES, also=_ITERATOR),
    _pybind(
        "scrape_iter", "closed_halfway", _iter_closed_halfway, reduced=True, weight=SEVERAL_FETCHES, also=_ITERATOR
    ),
    _pybind("scrape_iter", "dropped_halfway", _iter_dropped_halfway, weight=SEVERAL_FETCHES),
    _pybind(
        "scrape_iter",
        "with_block_left_halfway",
        _iter_with_block_left_halfway,
        weight=SEVERAL_FETCHES,
        also=("ScrapeIterator",),
    ),
    _pybind("scrape_iter", "in_cycle", _iter_in_cycle, weight=SEVERAL_FETCHES),
    _pybind("scrape_iter", "in_cycle_through_input", _iter_in_cycle_through_input, weight=SEVERAL_FETCHES),
    _pybind("scrape_iter", "never_started", _iter_never_started),
    _pybind("scrape_iter", "empty", lambda: list(api.scrape_iter([]))),
    _pybind("scrape_iter", "bad_item_midway", _iter_bad_item_midway, raises=TypeError, weight=SEVERAL_FETCHES),
    _pybind("scrape_iter", "input_fails_midway", _iter_input_fails_midway, raises=RuntimeError, weight=SEVERAL_FETCHES),
    _pybind(
        "scrape_iter",
        "input_interrupted",
        _iter_input_interrupted,
        raises=KeyboardInterrupt,
        weight=SEVERAL_FETCHES,
        misuse=("interrupts",),
    ),
    _pybind(
        "scrape_iter",
        "ctrl_c",
        _iter_ctrl_c,
        raises=KeyboardInterrupt,
        weight=INTERRUPTED,
        also=("ScrapeIterator",),
        misuse=("interrupts",),
    ),
    _pybind("ScrapeIterator", "no_constructor", _iterator_has_no_constructor, raises=TypeError, weight=1.0),
]
SCENARIOS += [
    _pybind(
        "scrape_iter",
        f"bad.{case}",
        _bad_native("scrape_iter", fields, urls),
        raises=error,
        weight=1.0 if urls == ["nonsense"] else ONE_FETCH,
        also=("ScrapeIterator",),
    )
    for case, (fields, urls, error) in _NATIVE_BAD.items()
]


# ---- the C ABI through the ctypes wrapper -----------------------------------------------------

_WRAPPER_SYMBOLS = cover_symbols("bb_scrape", "bb_scrape_options_init", "bb_free_site_array")


def _capi(
    case: str, run, *, raises=None, reduced=False, weight=ONE_FETCH, symbols=_WRAPPER_SYMBOLS, misuse=()
) -> Scenario:
    return Scenario(
        f"scrape.capi.scrape.{case}",
        run,
        cover_module(CAPI, "scrape") + symbols,
        raises=raises,
        reduced=reduced,
        growth_weight=weight,
        growth_slack_factor=THREADED_SLACK,
        **_misuse_kinds(misuse),
    )


def _capi_ctrl_c() -> None:
    urls = [_url(SLOW_ENDPOINT)] * 4
    if _on_main_thread():
        _interrupted(lambda: capi.scrape(urls, concurrency=4, **FAST))
    else:
        capi.scrape(_urls_then_interrupt(urls), **FAST)


def _capi_bad(kwargs: dict, urls):
    def run():
        capi.scrape(urls, **kwargs)

    return run


SCENARIOS += [
    _capi("ok", lambda: _fetches_one_page(capi.scrape), reduced=True),
    _capi("errors", lambda: _names_each_failure(capi.scrape), weight=SEVERAL_FETCHES),
    _capi("body_too_large", lambda: _cuts_a_body_too_large(capi.scrape)),
    _capi("empty", lambda: capi.scrape([]), weight=0.2),
    _capi("ctrl_c", _capi_ctrl_c, raises=KeyboardInterrupt, weight=INTERRUPTED, misuse=("interrupts",)),
]
# The wrapper checks arguments with the shared rules (bridgebench_rules.scrape) before calling
# anything native.
SCENARIOS += [
    _capi(f"bad.{case}", _capi_bad(kwargs, urls), raises=error, weight=1.0, symbols=())
    for case, (kwargs, urls, error) in _BAD_ARGUMENTS.items()
]


# ---- the C ABI straight through ctypes: its own error paths, take + free_site, cancel ---------


def _lib():
    return _clib.library()  # declared by bridgebench.scrape.capi


def _options(**fields) -> capi.bb_scrape_options:
    options = capi.bb_scrape_options()
    _lib().bb_scrape_options_init(ctypes.byref(options))
    options.timeout, options.connect_timeout = FAST["timeout"], FAST["connect_timeout"]
    for name, value in fields.items():
        setattr(options, name, value)
    return options


def _raw_scrape(urls: list[bytes | None], options, lengths: list[int] | None = None):
    """bb_scrape on raw arguments: (status, array pointer). On failure the pointer must be NULL."""
    count = len(urls)
    url_array = (ctypes.c_char_p * count)(*urls)
    length_array = (ctypes.c_size_t * count)(*(lengths if lengths is not None else [len(u or b"") for u in urls]))
    out = ctypes.POINTER(capi.bb_site_array)()
    status = _lib().bb_scrape(url_array, length_array, count, options, ctypes.byref(out))
    if status != _clib.BB_OK:
        assert not out, f"bb_scrape failed ({status}) but handed out an array"
    return status, out


def _raw_take_and_free_site() -> None:
    lib = _lib()
    status, array = _raw_scrape([_page().encode(), b"nonsense"], ctypes.byref(_options()))
    assert status == _clib.BB_OK, status
    try:
        taken = lib.bb_site_array_take(array, 0)
        assert taken and not lib.bb_site_array_take(array, 0), "a site was taken twice"
        assert not lib.bb_site_array_take(array, 2), "index out of range gave a site"
    finally:
        lib.bb_free_site_array(array)  # frees the site still in it (index 1), not the taken one
    try:
        assert taken.contents.status == 200 and taken.contents.body_len > 0
    finally:
        lib.bb_free_site(taken)


def _raw_take_all_then_free_array() -> None:
    lib = _lib()
    status, array = _raw_scrape([b"nonsense", b"ftp://127.0.0.1/"], None)  # options NULL: the defaults
    assert status == _clib.BB_OK, status
    taken = []
    try:
        taken = [lib.bb_site_array_take(array, i) for i in range(2)]
    finally:
        lib.bb_free_site_array(array)  # only the pointer table is left
    for site in taken:
        lib.bb_free_site(site)


def _raw_null_arguments() -> None:
    lib = _lib()
    lib.bb_free_site(None)
    lib.bb_free_site_array(None)
    lib.bb_scrape_options_init(None)
    assert not lib.bb_site_array_take(None, 0)
    # out NULL: an error, nothing allocated.
    urls = (ctypes.c_char_p * 1)(b"nonsense")
    lengths = (ctypes.c_size_t * 1)(8)
    assert lib.bb_scrape(urls, lengths, 1, None, None) == _clib.BB_ERR_INVALID_ARGUMENT
    # urls / url_lengths NULL with count > 0.
    out = ctypes.POINTER(capi.bb_site_array)()
    assert lib.bb_scrape(None, lengths, 1, None, ctypes.byref(out)) == _clib.BB_ERR_INVALID_ARGUMENT and not out
    assert lib.bb_scrape(urls, None, 1, None, ctypes.byref(out)) == _clib.BB_ERR_INVALID_ARGUMENT and not out
    # urls[1] NULL with a length: invalid, after urls[0] was copied.
    status, _ = _raw_scrape([b"nonsense", None], None, lengths=[8, 3])
    assert status == _clib.BB_ERR_INVALID_ARGUMENT, status


def _raw_empty_and_null_url() -> None:
    lib = _lib()
    status, array = _raw_scrape([], None)
    assert status == _clib.BB_OK and array.contents.count == 0
    lib.bb_free_site_array(array)
    status, array = _raw_scrape([None], None)  # NULL with length 0: the empty URL, an invalid-URL record
    try:
        assert status == _clib.BB_OK and array.contents.sites[0].contents.error_len > 0
    finally:
        lib.bb_free_site_array(array)


_BAD_OPTIONS = {
    "concurrency_zero": {"concurrency": 0},
    "timeout_nan": {"timeout": float("nan")},
    "connect_timeout_zero": {"connect_timeout": 0.0},
    "follow_redirects_two": {"follow_redirects": 2},
    "max_redirects_negative": {"max_redirects": -1},
    "user_agent_crlf": {"user_agent": b"x\r\nInjected: 1"},
    "verify_two": {"verify": 2},
}


def _raw_bad_options(fields: dict):
    def run():
        status, _ = _raw_scrape([_page().encode()], ctypes.byref(_options(**fields)))
        assert status == _clib.BB_ERR_INVALID_ARGUMENT, status

    return run


def _raw_cancel_preset() -> None:
    cancel = ctypes.c_int32(1)
    status, _ = _raw_scrape([_page().encode()] * 3, ctypes.byref(_options(cancel=ctypes.pointer(cancel))))
    assert status == _clib.BB_ERR_CANCELLED, status


def _raw_cancel_midway() -> None:
    # Another thread sets the flag while transfers wait on the slow endpoint: no signals involved,
    # so this is deterministic in any thread.
    cancel = ctypes.c_int32(0)
    timer = threading.Timer(INTERRUPT_AFTER, lambda: setattr(cancel, "value", 1))
    timer.start()
    try:
        status, _ = _raw_scrape(
            [_url(SLOW_ENDPOINT).encode()] * 3, ctypes.byref(_options(concurrency=2, cancel=ctypes.pointer(cancel)))
        )
    finally:
        timer.join()
    assert status == _clib.BB_ERR_CANCELLED, status


def _raw(case: str, run, symbols: tuple[str, ...], *, reduced=False, weight=ONE_FETCH, misuse=()) -> Scenario:
    return Scenario(
        f"scrape.capi.raw.{case}",
        run,
        cover_symbols(*symbols),
        reduced=reduced,
        growth_weight=weight,
        growth_slack_factor=THREADED_SLACK,
        **_misuse_kinds(misuse),
    )


SCENARIOS += [
    _raw(
        "take_and_free_site",
        _raw_take_and_free_site,
        ("bb_scrape", "bb_scrape_options_init", "bb_site_array_take", "bb_free_site_array", "bb_free_site"),
        reduced=True,
    ),
    _raw(
        "take_all_then_free_array",
        _raw_take_all_then_free_array,
        ("bb_scrape", "bb_site_array_take", "bb_free_site_array", "bb_free_site"),
        weight=0.2,
    ),
    _raw(
        "null_arguments",
        _raw_null_arguments,
        ("bb_scrape", "bb_scrape_options_init", "bb_site_array_take", "bb_free_site_array", "bb_free_site"),
        weight=1.0,
    ),
    _raw("empty_and_null_url", _raw_empty_and_null_url, ("bb_scrape", "bb_free_site_array"), weight=0.2),
    _raw("cancel_preset", _raw_cancel_preset, ("bb_scrape", "bb_scrape_options_init"), weight=0.2),
    _raw(
        "cancel_midway",
        _raw_cancel_midway,
        ("bb_scrape", "bb_scrape_options_init"),
        weight=INTERRUPTED,
        misuse=("interrupts",),
    ),
]
SCENARIOS += [
    _raw(f"bad_options.{case}", _raw_bad_options(fields), ("bb_scrape", "bb_scrape_options_init"), weight=1.0)
    for case, fields in _BAD_OPTIONS.items()
]


# ---- HTTPS and HTTP/2 (the fixture's TLS ports and its throw-away CA) --------------------------
# TLS adds OpenSSL's per-connection state and nghttp2's per-stream state to every path above:
# handshakes, multiplexed streams cancelled mid-flight, and certificates refused.


def _tls_url(path: str, server: str = "tls") -> str:
    return _url(path, server)


def _ca() -> dict:
    return {"ca_file": fixture("scrape")["ca_file"], **FAST}


def _tls_pages(server: str = "tls") -> list[str]:
    return [_tls_url(f"/small/s{i:03d}.html", server) for i in range(6)]


def _tls_http2_ok() -> None:
    sites = api.scrape(_tls_pages(), concurrency=6, **_ca())
    assert all(s.status == 200 and s.error is None and s.body for s in sites), sites


def _tls_http1_ok() -> None:
    sites = api.scrape(_tls_pages("tls_h1"), concurrency=3, **_ca())
    assert all(s.status == 200 and s.error is None for s in sites), sites


def _tls_hostile_urls() -> list[str]:
    page = "/small/s000.html"
    return [_tls_url(page, "tls_wrong_host"), _tls_url(page, "tls_expired")]


def _tls_hostile() -> None:
    sites = api.scrape(_tls_hostile_urls(), **_ca())
    # A refused handshake is quick on a quiet machine, but under ASan on a busy one it has taken
    # more than FAST's 5 s: give it room, the answer must still be "TLS error".
    without_ca = api.scrape([_tls_url("/small/s000.html")], timeout=30.0, connect_timeout=10.0)
    assert [s.error for s in sites + without_ca] == ["TLS error"] * 3, sites + without_ca


def _tls_verify_off() -> None:
    sites = api.scrape(_tls_hostile_urls(), verify=False, **FAST)
    assert [s.status for s in sites] == [200, 200], sites


def _tls_iter_closed_halfway() -> None:
    # Streams of one HTTP/2 connection still in flight when the iterator is closed.
    it = api.scrape_iter([_tls_url("/delay/200")] * 4 + _tls_pages(), concurrency=8, **_ca())
    assert next(it).status == 200
    it.close()


def _tls_capi() -> None:
    sites = capi.scrape(_tls_pages() + _tls_hostile_urls(), concurrency=4, **_ca())
    assert [s.error for s in sites] == [None] * 6 + ["TLS error"] * 2, sites


def _raw_tls_ca_file() -> None:
    ca_file = fixture("scrape")["ca_file"].encode()
    status, array = _raw_scrape([_tls_url("/small/s000.html").encode()], ctypes.byref(_options(ca_file=ca_file)))
    assert status == _clib.BB_OK, status
    try:
        assert array.contents.sites[0].contents.status == 200
    finally:
        _lib().bb_free_site_array(array)


SCENARIOS += [
    _pybind("scrape", "tls_http2", _tls_http2_ok, reduced=True, weight=SEVERAL_FETCHES),
    _pybind("scrape", "tls_http1", _tls_http1_ok, weight=SEVERAL_FETCHES),
    _pybind("scrape", "tls_hostile", _tls_hostile, weight=SEVERAL_FETCHES),
    _pybind("scrape", "tls_verify_off", _tls_verify_off, weight=SEVERAL_FETCHES),
    _pybind("scrape_iter", "tls_http2_closed_halfway", _tls_iter_closed_halfway, weight=SEVERAL_FETCHES),
    _capi("tls", _tls_capi, weight=SEVERAL_FETCHES),
    _raw("tls_ca_file", _raw_tls_ca_file, ("bb_scrape", "bb_scrape_options_init", "bb_free_site_array")),
]


SCENARIOS += misuse_scenarios(_pybind, page=_page, slow_url=lambda: _url("/delay/50"))


CANARIES = [
    Canary(
        "scrape_record",
        sites=("scrape.scrape", "scrape.scrape_iter", "capi.bb_scrape"),
        functions=("scrape_batch", "next", "bb_scrape"),
        scenarios=("scrape.pybind.scrape.ok", "scrape.pybind.scrape_iter.consumed", "scrape.capi.scrape.ok"),
        description="a block lost where a scraped record is built: the pybind11 Site conversion "
        "(src/bindings/scrape.cpp to_python) and bb_scrape's result (src/capi/scrape.cpp)",
    ),
    Canary(
        "curl_handle",
        sites=("scrape.pybind.scrape", "scrape.capi.scrape"),
        functions=("take_easy", "scrape_batch", "bb_scrape", "run"),
        layers=("growth", "asan", "valgrind"),
        scenarios=("scrape.pybind.scrape.ok", "scrape.capi.scrape.ok"),
        description="a curl easy handle per new transfer handle, never cleaned up (src/scrape/session.cpp), "
        "allocated inside libcurl",
    ),
]


# Misuse that applies beyond what bridgebench.leakcheck.misuse derives for classes: both entry
# points read a URL iterable that runs Python code (a generator may call back into the
# iterator), transfers are long (Ctrl-C, cancellation), and the iterator can be closed from
# another thread while it waits.
MISUSE_APPLIES = {
    "bridgebench._scrape.scrape": ("reentrancy", "interrupts"),
    "bridgebench._scrape.scrape_iter": ("reentrancy", "concurrency", "interrupts"),
    "bridgebench.scrape.capi.scrape": ("interrupts",),
}
