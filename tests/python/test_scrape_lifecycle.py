"""Cancellation (Ctrl-C) and repeated batches: nothing left behind."""

import _thread
import os
import signal
import threading
import time

import pytest

from bridgebench import ledger
from bridgebench import scrape as native
from bridgebench.scrape import capi


def interrupt_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, _thread.interrupt_main)
    timer.start()
    return timer


def run_interrupted(call):
    """Runs `call` (which would take ~5 s), sends Ctrl-C after 0.3 s; returns seconds from
    the interrupt to KeyboardInterrupt reaching us."""
    # interrupt_main() does nothing unless Python handles SIGINT, and a process started in the
    # background by a shell (a CI runner, say) inherits SIGINT ignored.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = interrupt_after(0.3)
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    return time.monotonic() - start - 0.3


SLOW = 40  # URLs of the 5 s endpoint: the whole batch would take >= 5 s


@pytest.mark.parametrize("how", ["scrape", "scrape_iter", "capi"])
def test_ctrl_c_cancels_promptly_and_frees_everything(how, scrape_site, record_property):
    urls = [scrape_site.url("/delay/5000")] * SLOW
    calls = {
        "scrape": lambda: native.scrape(urls, concurrency=8),
        "scrape_iter": lambda: list(native.scrape_iter(urls, concurrency=8)),
        "capi": lambda: capi.scrape(urls, concurrency=8),
    }
    threads_before = threading.active_count()
    with ledger.balanced():
        latency = run_interrupted(calls[how])
    record_property("cancel_latency_s", round(latency, 3))
    print(f"{how}: KeyboardInterrupt {latency * 1000:.0f} ms after Ctrl-C")
    # Not a speed target: the batch would run for 5 s; cancelled means well before that.
    assert latency < 2.5
    assert settles(lambda: threading.active_count(), threads_before)


def test_ctrl_c_just_after_the_c_call_returns_frees_its_result(scrape_site, monkeypatch):
    # The interrupt lands in the first Python code after the call: the result must already be
    # owned (read and freed by the calling thread), not waiting for Python code to free it.
    real = capi._clib.raise_for_status

    def interrupted(*args, **kwargs):
        monkeypatch.setattr(capi._clib, "raise_for_status", real)
        raise KeyboardInterrupt

    monkeypatch.setattr(capi._clib, "raise_for_status", interrupted)
    with ledger.balanced(), pytest.raises(KeyboardInterrupt):
        capi.scrape([scrape_site.url("/small/s000.html")] * 3)


def settles(measure, expected, seconds: float = 2.0) -> bool:
    """True once measure() == expected (a joined thread can take a moment to disappear)."""
    deadline = time.monotonic() + seconds
    while measure() != expected:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def native_threads() -> int:
    return len(os.listdir("/proc/self/task"))


@pytest.mark.parametrize("impl", ["native", "capi"])
def test_100_batches_leave_no_threads_fds_or_memory(impl, scrape_site):
    fn = native.scrape if impl == "native" else capi.scrape
    urls = [scrape_site.url(f"/small/s{i:03d}.html") for i in range(20)] + [
        scrape_site.url("/status/500"),
        scrape_site.url("/redirect/2"),
        "nonsense",
        scrape_site.refused + "/",
    ]
    threads_at_start = native_threads()
    fn(urls, concurrency=8)  # warm-up: libcurl's one-time initialisation
    assert settles(native_threads, threads_at_start)  # the warm-up's helper thread has gone
    before = (open_fds(), native_threads(), threading.active_count(), ledger.outstanding())
    for _ in range(100):
        sites = fn(urls, concurrency=8)
        assert [s.status for s in sites[:20]] == [200] * 20
    del sites
    # The C ABI wrapper's helper thread can take a moment to leave /proc/self/task after
    # its call returned; a leak would never come back down.
    snapshot = lambda: (open_fds(), native_threads(), threading.active_count(), ledger.outstanding())  # noqa: E731
    assert settles(snapshot, before), (snapshot(), before)
