"""Misuse of scrape_iter's iterator that used to crash the interpreter: close() from another
thread while the input generator runs, close() or next() from inside the input generator, and
objects made without scrape_iter(). Each runs in a fresh interpreter (a crash fails the test
instead of killing pytest), against the native iterator and the baseline's generator, which
must behave alike: a busy iterator raises ValueError and nothing is freed under a running call."""

import pytest
from scrape_impls import SCRAPE_ITER, isolated

_PRELUDE = """
import sys, threading, time
from scrape_impls import SCRAPE_ITER
from bridgebench import ledger
scrape_iter = SCRAPE_ITER[sys.argv[1]]
outstanding = ledger.outstanding
"""

_CLOSE_FROM_ANOTHER_THREAD = """
inside = threading.Event()
def urls():
    yield "nonsense"
    inside.set()
    time.sleep(0.3)  # the GIL is released: the other thread runs now
    yield "ftp://x/"
it = scrape_iter(urls(), concurrency=1)
outcome = []
def closer():
    inside.wait()
    try:
        it.close()
        outcome.append("closed")
    except ValueError as e:
        outcome.append("ValueError: " + str(e))
thread = threading.Thread(target=closer)
thread.start()
records = list(it)
thread.join()
it.close()
print(outcome[0])
print(sorted(r.error for r in records))
print("outstanding", outstanding())
"""


@pytest.mark.parametrize("name", list(SCRAPE_ITER))
def test_close_from_another_thread_while_the_input_runs(name):
    lines = isolated(_PRELUDE + _CLOSE_FROM_ANOTHER_THREAD, name).splitlines()
    assert lines[0].startswith("ValueError:") and "already executing" in lines[0], lines
    assert lines[1] == "['invalid URL', 'unsupported scheme']"
    assert lines[2] == "outstanding 0"


_REENTER_FROM_THE_INPUT = """
method, swallow = sys.argv[2], sys.argv[3] == "swallow"
box = []
def urls():
    yield "nonsense"
    try:
        getattr(box[0], method)()  # close() or __next__() of the iterator that reads us
    except ValueError as e:
        print("inside: ValueError:", e)
        if not swallow:
            raise
    yield "ftp://x/"
box.append(scrape_iter(urls(), concurrency=1))
try:
    print(sorted(r.error for r in box[0]))
except ValueError as e:
    print("outside: ValueError")
print(next(box[0], "exhausted"))
del box[:]
print("outstanding", outstanding())
"""


@pytest.mark.parametrize("swallow", ["swallow", "raise"])
@pytest.mark.parametrize("method", ["close", "__next__"])
@pytest.mark.parametrize("name", list(SCRAPE_ITER))
def test_close_or_next_from_inside_the_input(name, method, swallow):
    lines = isolated(_PRELUDE + _REENTER_FROM_THE_INPUT, name, method, swallow).splitlines()
    assert lines[0].startswith("inside: ValueError:") and "already executing" in lines[0], lines
    if swallow == "swallow":  # the generator went on: every record arrives
        assert lines[1] == "['invalid URL', 'unsupported scheme']", lines
    else:
        assert lines[1] == "outside: ValueError", lines
    assert lines[2:] == ["exhausted", "outstanding 0"], lines


_UNINITIALISED = """
import copy, pickle
from bridgebench.scrape import ScrapeIterator, scrape_iter
attempts = {
    "__new__": lambda: ScrapeIterator.__new__(ScrapeIterator),
    "call": lambda: ScrapeIterator(),
    "copy": lambda: copy.copy(scrape_iter([])),
    "pickle": lambda: pickle.dumps(scrape_iter([])),
}
for what, attempt in attempts.items():
    try:
        made = attempt()
    except TypeError as e:
        print(what, "TypeError")
        continue
    print(what, "made", type(made))
    made.close()  # crashed here: no session behind it
"""


def test_iterator_objects_come_only_from_scrape_iter():
    lines = isolated(_UNINITIALISED).splitlines()
    assert lines == ["__new__ TypeError", "call TypeError", "copy TypeError", "pickle TypeError"]
