"""Unit tests of what the leak audit sees beyond plain per-call leaks: staircase growth (a cache
that doubles), Python objects and curl handles lost inside uninstrumented libraries (stack
attribution at any depth), reports pinned on scenarios, workers restarted after a crash, the
free function named when results are not released, the quick scenario set, the misuse-kind
rule and the native coverage report. None needs an audit build."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bridgebench.leakcheck import heap, misuse, native_coverage
from bridgebench.leakcheck.layers import asan as asan_layer
from bridgebench.leakcheck.layers import fuzz as fuzz_layer
from bridgebench.leakcheck.layers import growth, ledger, run_resumable
from bridgebench.leakcheck.model import LayerResult
from bridgebench.leakcheck.scenarios import Scenario, all_scenarios, cover_module, quick_set
from bridgebench.leakcheck.stacks import Frame, blamed_function

# ---- growth: staircases and caches -------------------------------------------------------------


def _growth(scenario: Scenario) -> list:
    from bridgebench.leakcheck import worker

    data = worker.run_growth([scenario], unit=growth.QUICK["unit"], doublings=growth.QUICK["doublings"])
    assert not data["errors"], data["errors"]
    result = LayerResult("growth")
    growth.evaluate(data, result)
    LAST[:] = data["scenarios"]
    return result.findings


LAST: list = []  # the last measurements, for failure messages


def _libc():
    if heap.metric() != "mallinfo2":
        pytest.skip("needs glibc's mallinfo2")
    libc = ctypes.CDLL(None)
    libc.realloc.restype = ctypes.c_void_p
    libc.realloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    return libc


class DoublingCache:
    """32 bytes per call in a native block that doubles its capacity when full, like a
    std::vector that records every call: the heap grows in steps, not every call. (The audit's
    own canary keeps 8 bytes per call in a fresh worker; inside pytest the heap is noisier.)"""

    def __init__(self, libc):
        self.libc, self.block, self.size, self.capacity = libc, None, 0, 0

    def __call__(self) -> None:
        self.size += 1
        if self.size > self.capacity:
            self.capacity = max(16, 2 * self.capacity)
            self.block = self.libc.realloc(self.block, 32 * self.capacity)


def test_growth_passes_a_clean_scenario():
    from bridgebench import _arrays
    from bridgebench.leakcheck.scenarios import Scenario

    assert _growth(Scenario("t.clean", lambda: _arrays.roundtrip_ints([1, 2, 3]), ())) == []


def test_growth_sees_a_lost_python_reference():
    from bridgebench import _arrays
    from bridgebench.leakcheck.scenarios import Scenario

    kept = []  # stands for a reference the bindings never drop
    findings = _growth(Scenario("t.keeps_results", lambda: kept.append(_arrays.roundtrip_ints([1, 2])), ()))
    # The objects themselves live in pymalloc arenas (invisible to mallinfo2); the list that
    # keeps them grows in malloc, so the heap may be flagged too.
    assert "object-growth" in {f.kind for f in findings}
    assert not any(f.kind == "ledger-growth" for f in findings)


def test_growth_sees_native_memory_that_bypasses_the_ledger():
    libc = _libc()
    findings = _growth(Scenario("t.mallocs", lambda: libc.malloc(64), ()))
    assert [f.kind for f in findings] == ["heap-growth"]


def test_growth_sees_a_cache_that_doubles():
    findings = _growth(Scenario("t.doubling", DoublingCache(_libc()), ()))
    assert [f.kind for f in findings] == ["heap-growth"], LAST


ISOLATION_SCRIPT = textwrap.dedent("""\
    import ctypes, json, sys
    from bridgebench.leakcheck import worker
    from bridgebench.leakcheck.layers import growth
    from bridgebench.leakcheck.model import LayerResult
    from bridgebench.leakcheck.scenarios import Scenario

    libc = ctypes.CDLL(None)
    libc.realloc.restype = ctypes.c_void_p
    libc.realloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    cache = {"block": None, "size": 0, "capacity": 0}

    def record_call():  # one process-wide vector of 8-byte entries, shared by both scenarios
        cache["size"] += 1
        if cache["size"] > cache["capacity"]:
            cache["capacity"] = max(1, 2 * cache["capacity"])
            cache["block"] = libc.realloc(cache["block"], 8 * cache["capacity"])

    scenarios = [Scenario("t.first", record_call, ()), Scenario("t.second", record_call, ())]
    data = worker.run_growth(scenarios, growth.QUICK["unit"], growth.QUICK["doublings"], isolate=sys.argv[1] == "1")
    result = LayerResult("growth")
    growth.evaluate(data, result)
    print(json.dumps({"isolated": data["isolated"], "flagged": sorted({f.scenario for f in result.findings})}))
""")


def _flagged_by_growth_worker(isolate: bool) -> dict:
    env = dict(os.environ, **heap.exact_heap_env(dict(os.environ)))
    proc = subprocess.run(
        [sys.executable, "-c", ISOLATION_SCRIPT, "1" if isolate else "0"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_growth_sees_a_process_wide_cache_that_earlier_scenarios_filled():
    if heap.metric() != "mallinfo2":
        pytest.skip("needs glibc's mallinfo2")
    # In one shared process the first scenario leaves the cache at 1,088 entries (capacity
    # 2,048): the second one's steps cross no capacity boundary but the last, and it passes.
    assert _flagged_by_growth_worker(isolate=False) == {"isolated": False, "flagged": ["t.first"]}
    # The audit's worker measures each scenario in a child forked before any was measured.
    assert _flagged_by_growth_worker(isolate=True) == {"isolated": True, "flagged": ["t.first", "t.second"]}


def test_exact_heap_tunable_is_added_to_the_callers_own():
    assert heap.exact_heap_env({}) == {"GLIBC_TUNABLES": heap.EXACT_HEAP_TUNABLE}
    mine = {"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}
    assert heap.exact_heap_env(mine) == {"GLIBC_TUNABLES": f"glibc.malloc.arena_max=2:{heap.EXACT_HEAP_TUNABLE}"}


def test_growth_ignores_a_cache_that_fills_once():
    libc = _libc()
    calls = [0]
    kept = []

    def fills_once():
        calls[0] += 1
        if calls[0] == 300:  # well after the warm-up, in one step only
            kept.append(libc.malloc(256 * 1024))

    assert _growth(Scenario("t.fills_once", fills_once, ())) == []


def test_growth_sees_a_thread_left_running_per_call():
    import threading

    stop = threading.Event()
    started = []

    def starts_thread():
        if len(started) < 400:  # bounded, so the test ends; enough for every step to grow
            t = threading.Thread(target=stop.wait, daemon=True)
            t.start()
            started.append(t)

    try:
        findings = _growth(Scenario("t.threads", starts_thread, (), growth_weight=0.1))
    finally:
        stop.set()
    assert "thread-growth" in {f.kind for f in findings}


def test_growth_rule_every_step_and_total():
    assert growth.grows([512, 1024, 2048, 4096], 256, 2048)
    assert not growth.grows([0, 0, 130, 0], 2, 32)  # a cache that fills once
    assert not growth.grows([300, 300, 300, 300], 256, 2048)  # under the total slack
    # Bounded noise of a threaded scenario (measured): every step ≥ floor, but not with the calls.
    assert not growth.grows([35, 46, 70, 27], 8, 128)
    assert not growth.grows([87, 224, 85, 20], 8, 128)
    assert growth.grows([40, 70, 130, 260], 8, 128)  # a leak of about one object per call
    # Clean scenarios in the full profile: noise lands in one step and not the next.
    assert not growth.grows([17, 2, 2, 5, 56], 2, 32)
    assert not growth.grows([13, 4, 18, 20, 69], 2, 32)
    assert not growth.grows([8, 5, 15, 14, 9], 2, 32)  # flat: the same whatever the calls
    assert growth.grows([4, 3, 9, 14, 33], 2, 32)  # one object in 32 calls, with noise
    assert growth.steps([10, 20, 40], overhead=1) == [9, 19]


# ---- stacks: our frames at any depth -----------------------------------------------------------

OURS = "/site/bridgebench/_arrays.cpython-311-x86_64-linux-gnu.so"
LIBPYTHON = "/usr/lib/libpython3.11.so.1.0"


def test_blamed_function_found_below_frames_of_cpython():
    # A Python object our binding never released: allocated deep inside CPython.
    frames = [
        Frame("malloc", "", "/usr/lib/libasan.so"),
        Frame("_PyObject_Malloc", "Objects/obmalloc.c:1", LIBPYTHON),
        Frame("PyBytes_FromStringAndSize", "Objects/bytesobject.c:1", LIBPYTHON),
        Frame("bb::bindings::maybe_plant_python_canaries(pybind11::handle)", "../../src/bindings/x.hpp:3", OURS),
        Frame("roundtrip_strings(pybind11::handle)", "../../src/bindings/arrays.cpp:182", OURS),
        Frame("pybind11::cpp_function::dispatcher", "/venv/site-packages/pybind11/pybind11.h:1", OURS),
        Frame("_PyEval_EvalFrameDefault", "Python/ceval.c:1", LIBPYTHON),
    ]
    assert blamed_function(frames) == "roundtrip_strings"


def test_a_thread_entry_lambda_is_not_the_blamed_function():
    # Valgrind names an inlined lambda "operator()" alone: the named frame inside it is blamed.
    frames = [
        Frame("curl_easy_init", "", "/usr/lib/x86_64-linux-gnu/libcurl.so.4"),
        Frame("bb::scrape::Session::Loop::take_easy()", "../../src/scrape/session.cpp:187", OURS),
        Frame("bb::scrape::Session::run()", "../../src/scrape/session.cpp:418", OURS),
        Frame("operator()", "../../src/scrape/session.cpp:355", OURS),
        Frame("start_thread", "", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
    ]
    assert blamed_function(frames) == "run"


def test_asan_reports_are_pinned_on_the_scenario_that_printed_the_last_marker():
    from bridgebench.leakcheck.worker import STDERR_MARK

    lib = "/x/site/bridgebench/libbridgebench.so"
    text = textwrap.dedent(f"""\
        {STDERR_MARK}arrays.one
        ==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1
            #0 @@bb::arrays::narrow@@../../src/arrays/arrays.cpp:40@@{lib}@@
        {STDERR_MARK}arrays.two
        ==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x2
            #0 @@bb_roundtrip_double@@../../src/capi/arrays.cpp:60@@{lib}@@
        {STDERR_MARK}-
        Direct leak of 8 byte(s) in 1 object(s) allocated from:
            #0 @@bb_roundtrip_int64@@../../src/capi/arrays.cpp:50@@{lib}@@
        """)
    found = asan_layer.findings_from(asan_layer.parse(text))
    assert [(f.kind, f.scenario) for f in found] == [
        ("heap-buffer-overflow", "arrays.one"),
        ("heap-use-after-free", "arrays.two"),
        ("leak", None),
    ]


def test_sanitizer_environment_unwinds_fully_and_recovers():
    options = dict(o.split("=", 1) for o in asan_layer.sanitizer_env(Path("/x.supp"))["ASAN_OPTIONS"].split(":"))
    assert options["fast_unwind_on_malloc"] == "0" and options["halt_on_error"] == "0"


def test_both_sanitizer_layers_avoid_the_runtimes_dynamic_tls_misreading():
    # Without it LSan's exit scan dies in some processes (depending on where glibc's dynamic TLS
    # blocks land), and the leak check silently goes missing.
    asan_options = asan_layer.sanitizer_env(Path("/x.supp"))["ASAN_OPTIONS"].split(":")
    fuzz_options = fuzz_layer.sanitizer_options(leaks=True)["ASAN_OPTIONS"].split(":")
    assert "intercept_tls_get_addr=0" in asan_options
    assert "intercept_tls_get_addr=0" in fuzz_options


# ---- workers restarted after a crash -----------------------------------------------------------

FAKE_WORKER = textwrap.dedent("""\
    import json, os, sys
    out, after = sys.argv[1], sys.argv[2]
    names = ["s.a", "s.b", "s.c"]
    todo = names[names.index(after) + 1:] if after else names
    done = []
    for name in todo:
        open(out + ".progress", "w").write(name)
        if name == "s.b":
            os._exit(-11 & 0xFF)  # dies in s.b, as a segfault would
        with open(out + ".partial", "a") as f:
            f.write(json.dumps({"kind": "scenario", "value": {"scenario": name}}) + "\\n")
        done.append({"scenario": name})
    json.dump({"scenarios": done, "errors": []}, open(out, "w"))
    """)


def test_a_worker_that_crashes_is_restarted_after_that_scenario(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(FAKE_WORKER)
    out = tmp_path / "out.json"

    def command(attempt, after):
        out.unlink(missing_ok=True)
        Path(str(out) + ".partial").unlink(missing_ok=True)
        return [sys.executable, str(script), str(out), after or ""]

    runs = run_resumable("ledger", command, out, {}, tmp_path, timeout=60)
    assert [s["scenario"] for s in runs.data["scenarios"]] == ["s.a", "s.c"]
    assert runs.crashed == ["s.b"]
    assert [(f.kind, f.scenario) for f in runs.findings] == [("crash", "s.b")]


# ---- the free function is named when results are not released ----------------------------------


def test_results_not_released_name_the_free_function():
    counts = {"allocations": 2, "frees": 1, "bytes_outstanding": 64}
    finding = ledger.unbalanced("arrays.capi.roundtrip_ints.ok", "capi.bb_roundtrip_int64 results", counts)
    assert finding.function == "bb_free_int64_array"
    assert "capi.bb_roundtrip_int64" in finding.message
    # A block lost by the allocating function itself is blamed on its site.
    assert ledger.unbalanced("arrays.capi.roundtrip_ints.ok", "capi.bb_roundtrip_int64", counts).function == (
        "capi.bb_roundtrip_int64"
    )


# ---- the quick set reaches every export ---------------------------------------------------------


def test_the_quick_set_covers_every_export_the_full_set_covers():
    scenarios = all_scenarios()
    chosen = quick_set(scenarios)
    assert len(chosen) < len(scenarios)
    assert {n for s in chosen for n in s.covers} == {n for s in scenarios for n in s.covers}
    assert all(s in chosen for s in scenarios if s.reduced or s.misuse)


# ---- misuse kinds --------------------------------------------------------------------------------


def test_misuse_kinds_are_checked_per_export(monkeypatch):
    module = type(sys)("fake_scenarios")
    module.MISUSE_APPLIES = {"bridgebench._arrays.roundtrip_floats": ("mutation", "reentrancy")}
    monkeypatch.setattr(misuse, "scenario_modules", lambda: {"fake": module})
    exports = {
        "bridgebench._arrays.roundtrip_floats",
        "bridgebench._arrays.NativeBuffer",
        "bridgebench._arrays.NativeBuffer.nbytes",
    }
    tagged = Scenario(
        "t.mutation",
        lambda: None,
        cover_module("bridgebench._arrays", "roundtrip_floats"),
        misuse=("mutation",),
    )
    gaps = {(g.export, g.kind) for g in misuse.missing([tagged], exports)}
    # NativeBuffer has a property, no method: uninitialised applies, concurrency does not.
    assert gaps == {
        ("bridgebench._arrays.roundtrip_floats", "reentrancy"),
        ("bridgebench._arrays.NativeBuffer", "uninitialised"),
    }
    assert "concurrency" in misuse.derived({"bridgebench._spell.Speller"})["bridgebench._spell.Speller"]
    with pytest.raises(ValueError, match="misuse"):
        Scenario("t.bad", lambda: None, (), misuse=("mutatoin",))


# ---- native coverage report ---------------------------------------------------------------------


def test_native_coverage_lists_uncovered_lines_and_checks_floors():
    report = {
        "files": [
            {
                "file": "src/arrays/arrays.cpp",
                "lines": [
                    {"line_number": 1, "count": 3, "branches": [{"count": 1}, {"count": 0}]},
                    {"line_number": 2, "count": 0, "branches": []},
                    {"line_number": 3, "count": 0, "branches": []},
                    {"line_number": 3, "count": 2, "branches": []},  # another instance of line 3 ran
                    {"line_number": 5, "count": 0, "branches": []},
                    {"line_number": 6, "count": 0, "gcovr/noncode": True},
                ],
            }
        ]
    }
    measured = native_coverage.parse(report)
    (f,) = measured.files
    assert (f.lines, f.lines_covered, f.branches, f.branches_covered) == (4, 2, 2, 1)
    assert f.uncovered_ranges() == "2, 5"
    floor = native_coverage.FLOORS["src/arrays"]
    assert measured.below_floor() == [f"src/arrays: 50.0 % of lines reached by the scenarios, floor {floor:.0f} %"]


def test_gcovr_runs_from_the_venv():
    proc = subprocess.run([sys.executable, "-m", "gcovr", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "gcovr" in proc.stdout
