"""Scenarios for what every workload shares in libbridgebench.so: error reporting, the ledger
and the canary switches (bridgebench._clib and bridgebench.ledger call them)."""

from __future__ import annotations

import array
import os

from bridgebench import _clib, ledger
from bridgebench.api import Scenario, cover_symbols


def _last_error_after_failure() -> None:
    lib = _clib.library()
    data = array.array("q", [1])
    status = lib.bb_roundtrip_int64(data.buffer_info()[0], 1, None)  # out is NULL: an error
    assert status != _clib.BB_OK
    assert lib.bb_last_error(), "bb_last_error() is empty after a failed call"
    lib.bb_last_error_index()


def _ledger_snapshot() -> None:
    assert isinstance(ledger.snapshot(), dict)


def _ledger_reset() -> None:
    # Zeroing counters while something is outstanding would hide it; the ledger layer treats
    # this scenario as a fresh start (resets_ledger below).
    ledger.reset()


def _canary_switches() -> None:
    ledger.canaries_compiled_in()
    # Re-applies the set the audit chose (it is passed in BRIDGEBENCH_CANARY), so the audit's
    # choice is unchanged.
    ledger.set_canaries(os.environ.get("BRIDGEBENCH_CANARY", ""))


SCENARIOS = [
    Scenario(
        "common.last_error",
        _last_error_after_failure,
        cover_symbols("bb_last_error", "bb_last_error_index", "bb_roundtrip_int64"),
        reduced=True,
    ),
    Scenario("common.ledger_snapshot", _ledger_snapshot, cover_symbols("bb_ledger_snapshot")),
    Scenario("common.ledger_reset", _ledger_reset, cover_symbols("bb_ledger_reset"), resets_ledger=True),
    Scenario("common.canary_switches", _canary_switches, cover_symbols("bb_canaries_compiled_in", "bb_canary_set")),
]
