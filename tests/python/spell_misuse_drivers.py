"""Misuse of the spell API that crashed the interpreter before it was fixed, as small programs:
test_spell_misuse.py runs each in a child process (``python -c "import spell_misuse_drivers as
d; d.<name>()"``), so a crash fails that test instead of killing pytest. Each prints one line
of facts for the test to check, and asserts what must hold.

The lists are large (the bundled dictionary) so that the native code's GIL-free window is wide
and another thread really does change the list inside it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from bridgebench import _spell, spell
from bridgebench.spell import capi


def _meanwhile(action):
    """Starts a thread that keeps calling action() whenever the caller releases the GIL (a long
    switch interval keeps it out of the caller's Python code); returns stop()."""
    go, halt = threading.Event(), threading.Event()

    def loop():
        go.wait()
        while not halt.is_set():
            action()
            time.sleep(0)

    worker = threading.Thread(target=loop)
    worker.start()
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    go.set()

    def stop():
        halt.set()
        sys.setswitchinterval(previous)
        worker.join()

    return stop


def _build_while_list_changes(make) -> None:
    words = spell.default_words()[:150_000]
    for change in ("clear", "ints"):
        items = list(words)

        def mutate(items=items, change=change):
            if change == "clear":
                items.clear()
                items.extend(["x", "y"])
            else:
                items[:] = range(len(words))

        stop = _meanwhile(mutate)
        try:
            speller = make(items)
        finally:
            stop()
        assert len(speller) > 2, len(speller)  # built from the list as it was when the call started
        assert all(type(w) is str for w in speller.words), "Speller.words holds objects that are not str"
    print("ok")


def build_while_list_changes_native() -> None:
    """bridgebench._spell.Speller(lst) while another thread clears lst or fills it with ints."""
    _build_while_list_changes(_spell.Speller)


def build_while_list_changes() -> None:
    _build_while_list_changes(spell.Speller)


def _typos(count: int) -> list[str]:
    words = spell.default_words()
    return [words[(i * 7919) % len(words)] + "qx" for i in range(count)]


def suggest_many_while_list_resized() -> None:
    """Speller.suggest_many(lst) while another thread shrinks or grows lst."""
    speller = spell.default_speller()
    for change in ("shrink", "grow"):
        items = _typos(400)

        def resize(items=items, change=change):
            if change == "shrink":
                del items[len(items) // 2 :]
            elif len(items) < 100_000:
                items.extend(["y"] * 1000)

        stop = _meanwhile(resize)
        try:
            answers = speller.suggest_many(items, threads=2)
        finally:
            stop()
        assert len(answers) == 400, len(answers)  # sized from the list as it was when the call started
        assert all(a is None or type(a) is str for a in answers)
    print("ok")


def capi_close_while_searching() -> None:
    """capi.Speller.close() while another thread is inside suggest()."""
    speller = capi.Speller(spell.default_words())
    inside, refused_once = threading.Event(), threading.Event()
    outcome: list[str] = []

    def search():
        try:
            for query in _typos(1000):  # until close() has been refused once
                if refused_once.is_set():
                    break
                inside.set()
                speller.suggest(query)
        except ValueError as e:
            outcome.append(str(e))

    worker = threading.Thread(target=search)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)  # the worker lets go of the GIL only inside the native search
    worker.start()
    inside.wait()
    refused = 0
    while True:
        try:
            speller.close()
            break
        except ValueError:
            refused += 1
            refused_once.set()
            time.sleep(0.001)
    worker.join()
    sys.setswitchinterval(previous)
    print(f"refused={refused} worker={outcome}")


def uninitialised() -> None:
    """Speller.__new__(Speller) and then any use, in every implementation."""
    import python_baseline.spell as baseline

    results = []
    for module in (spell, capi, baseline):
        obj = module.Speller.__new__(module.Speller)
        for use in (len, lambda s: s.suggest("a"), lambda s: s.suggest_k("a", 1), lambda s: s.suggest_many(["a"])):
            try:
                use(obj)
                results.append("no error")
            except Exception as e:  # noqa: BLE001 - the type is what the test checks
                results.append(f"{type(e).__name__}: {e}")
    print("|".join(results))


def ctrl_c_during_suggest_many() -> None:
    """Ctrl-C during a long suggest_many: prints how long the batch would take (estimated from a
    prefix) and how long after SIGINT the KeyboardInterrupt arrived."""
    speller = spell.default_speller()
    queries = _typos(20)
    start = time.perf_counter()
    speller.suggest_many(queries, threads=1)
    per_query = (time.perf_counter() - start) / len(queries)
    # About 20 s of work by that estimate: the interrupt ends it after 0.3 s, and a prefix that
    # ran slow (a loaded machine) still leaves a batch far longer than the 0.3 s wait.
    batch = _typos(200) * max(1, int(20.0 / per_query / 200))
    sent: list[float] = []

    def interrupt():
        time.sleep(0.3)
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)

    signal.signal(signal.SIGINT, signal.default_int_handler)
    threading.Thread(target=interrupt).start()
    try:
        speller.suggest_many(batch, threads=1)
        print("not interrupted")
    except KeyboardInterrupt:
        print(f"batch={per_query * len(batch):.3f} latency={time.perf_counter() - sent[0]:.3f}")


def words_changed_by_the_caller() -> None:
    """Speller.words cleared by the caller, then a search (the index used to read that list)."""
    speller = spell.Speller(["alpha", "beta", "gamma"])
    speller.words.clear()
    print(speller.suggest("gamme"), len(speller.words))
