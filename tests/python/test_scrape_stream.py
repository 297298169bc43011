"""scrape_iter: records as they complete, bounded memory, any iterable (a generator too)."""

import gc
import itertools
import weakref

import pytest
from scrape_impls import SCRAPE_ITER, comparable

from bridgebench import ledger
from bridgebench import scrape as native


def test_generator_of_10000_urls(scrape_site, balanced_ledger):
    pulled = 0
    yielded = 0
    max_ahead = 0
    concurrency = 32

    def urls():
        nonlocal pulled
        for i in range(10_000):
            pulled += 1
            yield scrape_site.url(f"/small/s{i % 100:03d}.html")

    seen = set()
    for site in native.scrape_iter(urls(), concurrency=concurrency):
        yielded += 1
        max_ahead = max(max_ahead, pulled - yielded)
        assert (site.status, site.error, len(site.body)) == (200, None, 1024)
        seen.add(site.url)
    assert yielded == pulled == 10_000
    assert len(seen) == 100
    # Bounded: the generator is never read more than the window (2 x concurrency) ahead.
    assert max_ahead <= 2 * concurrency


@pytest.mark.parametrize("name", list(SCRAPE_ITER))
def test_same_records_as_scrape_in_completion_order(name, scrape_site, balanced_ledger):
    urls = [
        scrape_site.url(f"/pages/p{i:03d}.{ext}")
        for i, ext in zip(range(12), itertools.cycle(["html", "json", "txt", "xml", "png", "bin"]))
    ] + ["nonsense", scrape_site.url("/loop/a")]
    streamed = sorted(map(comparable, SCRAPE_ITER[name](urls, concurrency=4)))
    batch = sorted(map(comparable, native.scrape(urls, concurrency=4)))
    assert streamed == batch


def test_empty_and_one(scrape_site, balanced_ledger):
    assert list(native.scrape_iter([])) == []
    assert [s.status for s in native.scrape_iter(iter([scrape_site.url("/small/s000.html")]))] == [200]


def test_bad_item_in_generator_names_its_index(scrape_site, balanced_ledger):
    def urls():
        yield scrape_site.url("/small/s000.html")
        yield 42

    with pytest.raises(TypeError, match=r"urls\[1\] must be str, not int"):
        list(native.scrape_iter(urls()))


def test_error_raised_by_the_generator_propagates(scrape_site, balanced_ledger):
    def urls():
        yield scrape_site.url("/small/s000.html")
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError, match="source failed"):
        list(native.scrape_iter(urls()))


def test_abandoned_stream_frees_everything(scrape_site):
    with ledger.balanced():
        stream = native.scrape_iter((scrape_site.url("/pages/p050.bin") for _ in range(200)), concurrency=8)
        next(stream)
        stream.close()
        with pytest.raises(StopIteration):
            next(stream)
    with ledger.balanced():
        with native.scrape_iter([scrape_site.url("/pages/p050.bin")] * 50, concurrency=8) as stream:
            next(stream)
    with ledger.balanced():
        stream = native.scrape_iter([scrape_site.url("/pages/p050.bin")] * 50, concurrency=8)
        next(stream)
        del stream


def test_stream_in_a_cycle_through_its_input_is_collected(scrape_site):
    # The input generator's frame refers back to the iterator: only the cyclic GC can free
    # the pair, and only if the iterator tells it what it holds (tp_traverse / tp_clear).
    class Marker:
        pass

    def abandon_in_cycle() -> weakref.ref:
        box = []
        marker = Marker()

        def urls():
            _ = (box, marker)
            yield from [scrape_site.url("/small/s000.html")] * 40

        stream = native.scrape_iter(urls(), concurrency=2)
        box.append(stream)
        next(stream)  # fetching: records are waiting in the session
        return weakref.ref(marker)

    with ledger.balanced():
        alive = abandon_in_cycle()
        gc.collect()
        assert alive() is None, "the iterator and its input were never collected"


def test_close_from_another_thread_while_waiting_is_refused(scrape_site, balanced_ledger):
    import threading
    import time

    stream = native.scrape_iter([scrape_site.url("/delay/2000")] * 4, concurrency=4)
    got = []
    reader = threading.Thread(target=lambda: got.append(next(stream)))
    reader.start()
    time.sleep(0.3)  # the reader is waiting for the 2 s endpoint, GIL released
    try:
        with pytest.raises(ValueError, match="already executing"):
            stream.close()
    finally:
        reader.join()
    assert got and got[0].status == 200
    stream.close()
