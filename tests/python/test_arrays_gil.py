"""Large copies release the GIL: another Python thread makes progress during the native call.

With a very long switch interval the main thread never hands the GIL over on its own, so the
helper thread can only run while native code has released it."""

from __future__ import annotations

import array
import sys
import threading
import time

import pytest

from bridgebench import arrays as native


def progress_during(call) -> int:
    counter = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            counter[0] += 1
            time.sleep(0)  # gives the GIL back every iteration

    old = sys.getswitchinterval()
    thread = threading.Thread(target=spin)
    thread.start()
    time.sleep(0.01)
    sys.setswitchinterval(100.0)
    try:
        before = counter[0]
        call()
        during = counter[0] - before
    finally:
        sys.setswitchinterval(old)
        stop.set()
        thread.join()
    return during


@pytest.mark.parametrize(
    "name,make",
    [
        ("roundtrip_ints_buffer", lambda: array.array("q", range(5_000_000))),
        ("roundtrip_floats_buffer", lambda: array.array("d", range(5_000_000))),
        ("roundtrip_ints", lambda: list(range(2_000_000))),
        ("roundtrip_floats", lambda: [float(i) for i in range(2_000_000)]),
    ],
)
def test_large_copies_release_the_gil(name, make):
    data = make()
    function = getattr(native, name)
    assert progress_during(lambda: function(data)) > 0


def test_small_calls_do_not_bother_releasing():
    # Below the threshold the GIL hand-over would cost more than the copy; the helper thread
    # must not get in (this also shows the measurement above is not trivially positive).
    assert progress_during(lambda: native.roundtrip_ints([1, 2, 3])) == 0
