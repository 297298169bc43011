"""Misuse scenarios for the scrape exports (part of the scrape scenario module): the iterator
closed or advanced from another thread while a call runs, re-entered from its own input
generator, objects made without scrape_iter(), inputs changed by another thread while a batch
runs, and calls interrupted midway.

The rules they hold the native code to: a busy ScrapeIterator refuses close() and __next__
(ValueError) instead of freeing its session under the running call; nothing keeps a borrowed
pointer into a Python object across an iterator step or a GIL release; ScrapeIterator cannot be
made uninitialised. Each scenario would crash, or leak on an unwinding path, if one failed.

Both entry points run them: the public facade (bridgebench.scrape, whose input reaches the
native iterator through the rules' checking generator) and the native module directly.
Threads hand over with events, not sleeps, where the outcome must be exact: under Valgrind a
thread can be seconds late.
"""

from __future__ import annotations

import copy
import pickle
import threading
from collections.abc import Callable, Iterator

from bridgebench import _scrape
from bridgebench.scrape import api
from bridgebench_rules import scrape as rules

HANDOVER_TIMEOUT = 30.0  # seconds; a hand-over that takes longer is a hang, not slowness
FAST = {"timeout": 5.0, "connect_timeout": 2.0}
_OPTIONS = rules.check_options(**FAST)


def _native_iter(urls, **options):
    return _scrape.scrape_iter(urls, rules.check_options(**{**FAST, **options}))


ENTRY_POINTS: dict[str, Callable] = {"api": api.scrape_iter, "native": _native_iter}


def _errors(records) -> list:
    return sorted(r.error or "" for r in records)


# ---- concurrency: another thread closes or advances the iterator during a call ------------------


def _close_from_thread_while_input_runs(scrape_iter: Callable) -> Callable[[], None]:
    def run() -> None:
        inside, tried = threading.Event(), threading.Event()
        outcome: list[str] = []

        def urls() -> Iterator[str]:
            yield "nonsense"
            inside.set()
            tried.wait(HANDOVER_TIMEOUT)  # the GIL is free: the closer runs now, mid-__next__
            yield "ftp://x/"

        it = scrape_iter(urls(), concurrency=1)

        def closer() -> None:
            inside.wait(HANDOVER_TIMEOUT)
            try:
                it.close()
                outcome.append("closed")
            except ValueError:
                outcome.append("busy")
            finally:
                tried.set()

        thread = threading.Thread(target=closer)
        thread.start()
        records = list(it)
        thread.join()
        assert outcome == ["busy"], outcome
        assert _errors(records) == [rules.INVALID_URL, rules.UNSUPPORTED_SCHEME], records

    return run


def _close_from_thread_while_waiting(scrape_iter: Callable, slow_url: Callable[[], str]) -> Callable[[], None]:
    def run() -> None:
        it = scrape_iter([slow_url()], concurrency=1)
        started = threading.Event()
        outcome: list[str] = []

        def closer() -> None:
            started.wait(HANDOVER_TIMEOUT)
            try:
                it.close()
                outcome.append("closed")
            except ValueError:
                outcome.append("busy")

        thread = threading.Thread(target=closer)
        thread.start()
        started.set()
        # The closer either finds __next__ waiting (ValueError, and the record arrives) or runs
        # first (the stream is closed before __next__ starts): both are safe, nothing else is.
        record = next(it, None)
        thread.join()
        assert outcome in (["busy"], ["closed"]), outcome
        if outcome == ["busy"]:
            assert record is not None and record.status == 200, record
        it.close()

    return run


def _two_consumers(scrape_iter: Callable, page: Callable[[], str]) -> Callable[[], None]:
    def run() -> None:
        urls = [f"{page()}?{i}" for i in range(6)]
        it = scrape_iter(iter(urls), concurrency=2)
        got: list = []
        lock = threading.Lock()

        def consume() -> None:
            while True:
                try:
                    record = next(it)
                except StopIteration:
                    return
                except ValueError:  # the other consumer is inside __next__: try again
                    continue
                with lock:
                    got.append(record.url)

        threads = [threading.Thread(target=consume) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(got) == sorted(urls), got  # every record once, none lost or doubled

    return run


# ---- re-entrancy: the input generator calls back into the iterator that reads it ----------------


def _reentered_from_input(scrape_iter: Callable, method: str, swallow: bool) -> Callable[[], None]:
    def run() -> None:
        box: list = []
        seen: list[str] = []

        def urls() -> Iterator[str]:
            yield "nonsense"
            try:
                getattr(box[0], method)()
            except ValueError:
                seen.append("busy")
                if not swallow:
                    raise
            yield "ftp://x/"

        box.append(scrape_iter(urls(), concurrency=1))
        try:
            records = list(box[0])
        except ValueError:
            records = None
        assert seen == ["busy"], seen
        if swallow:
            assert records is not None and _errors(records) == [rules.INVALID_URL, rules.UNSUPPORTED_SCHEME]
        else:
            assert records is None, "the input's error did not reach the consumer"
        assert next(box[0], None) is None  # ended either way
        box.clear()

    return run


def _nested_scrape_from_input(scrape_iter: Callable) -> Callable[[], None]:
    def run() -> None:
        inner: list = []

        def urls() -> Iterator[str]:
            inner.extend(api.scrape(["nonsense", "mailto:x"]))  # another session, inside __next__
            yield "nonsense"

        records = list(scrape_iter(urls()))
        assert _errors(inner) == [rules.INVALID_URL, rules.UNSUPPORTED_SCHEME], inner
        assert _errors(records) == [rules.INVALID_URL], records

    return run


# ---- uninitialised: objects that scrape_iter() did not make ---------------------------------------


def _uninitialised(make: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        made = make()  # must raise TypeError
        made.close()  # crashed here when it did not

    return run


# case: (attempt, what it calls besides the class)
UNINITIALISED: dict[str, tuple[Callable[[], object], tuple[str, ...]]] = {
    "new": (lambda: _scrape.ScrapeIterator.__new__(_scrape.ScrapeIterator), ()),
    "copy": (lambda: copy.copy(_scrape.scrape_iter([], _OPTIONS)), ("scrape_iter",)),
    "pickle": (lambda: pickle.loads(pickle.dumps(_scrape.scrape_iter([], _OPTIONS))), ("scrape_iter",)),
}


# ---- mutation: another thread changes the input while a call runs -------------------------------


def _list_changed_by_thread(slow_url: Callable[[], str], page: Callable[[], str]) -> Callable[[], None]:
    def run() -> None:
        urls = [slow_url(), page(), "nonsense"]
        changed = threading.Event()

        def change() -> None:
            urls.clear()
            urls.extend([42] * 100)  # not even URLs: they must not be read
            changed.set()

        timer = threading.Timer(0.005, change)
        timer.start()
        try:
            # The URLs are copied before the GIL is released; the thread changes the list while
            # the call waits (or, on a slow machine, before it starts: then items are not str).
            records = _scrape.scrape(urls, _OPTIONS)
            assert len(records) == 3, records
        except TypeError:
            pass
        finally:
            timer.join()
        assert changed.is_set()

    return run


def misuse_scenarios(pybind, *, page: Callable[[], str], slow_url: Callable[[], str]) -> list:
    """The misuse scenarios, built with the scrape module's pybind11 scenario factory."""
    iterator = ("ScrapeIterator", "ScrapeIterator.close")
    out = []
    for entry, scrape_iter in ENTRY_POINTS.items():
        out += [
            pybind(
                "scrape_iter",
                f"misuse.{entry}.close_from_thread_while_input_runs",
                _close_from_thread_while_input_runs(scrape_iter),
                also=iterator,
                misuse=("concurrency",),
            ),
            pybind(
                "scrape_iter",
                f"misuse.{entry}.close_from_thread_while_waiting",
                _close_from_thread_while_waiting(scrape_iter, slow_url),
                also=iterator,
                misuse=("concurrency",),
            ),
            pybind(
                "scrape_iter",
                f"misuse.{entry}.two_consumers",
                _two_consumers(scrape_iter, page),
                also=("ScrapeIterator",),
                misuse=("concurrency",),
            ),
            pybind(
                "scrape_iter",
                f"misuse.{entry}.nested_scrape_from_input",
                _nested_scrape_from_input(scrape_iter),
                also=("scrape",),
                misuse=("reentrancy",),
            ),
        ]
        out += [
            pybind(
                "scrape_iter",
                f"misuse.{entry}.{method.strip('_')}_from_input.{'swallowed' if swallow else 'raised'}",
                _reentered_from_input(scrape_iter, method, swallow),
                also=iterator,
                misuse=("reentrancy",),
            )
            for method in ("close", "__next__")
            for swallow in (True, False)
        ]
    out += [
        pybind(
            "ScrapeIterator",
            f"misuse.uninitialised.{case}",
            _uninitialised(make),
            raises=TypeError,
            weight=0.2,
            also=("ScrapeIterator.close", *calls),
            misuse=("uninitialised",),
        )
        for case, (make, calls) in UNINITIALISED.items()
    ]
    out.append(
        pybind("scrape", "misuse.list_changed_by_thread", _list_changed_by_thread(slow_url, page), misuse=("mutation",))
    )
    return out
