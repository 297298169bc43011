"""Unit tests of the leak audit's parts that need no audit build: coverage, stack parsing,
report parsers and the suppression rules."""

from __future__ import annotations

import contextlib
import json
import textwrap
from pathlib import Path

import pytest

from bridgebench.leakcheck import coverage, suppressions
from bridgebench.leakcheck.layers import asan
from bridgebench.leakcheck.scenarios import FIXTURES_ENV, all_canaries, all_scenarios, start_fixtures
from bridgebench.leakcheck.stacks import Frame, base_name, blamed_function

REPO = Path(__file__).resolve().parents[2]


def test_every_exported_function_has_a_scenario():
    cov = coverage.compute()
    assert not cov.missing, f"exported but no scenario: {cov.missing}"
    assert not cov.unknown, f"scenarios cover names nothing exports: {cov.unknown}"


def test_coverage_is_computed_from_the_modules_not_from_the_scenarios():
    exports = coverage.all_exports()
    # A sample of what the modules export today; the list itself comes from the modules.
    assert "bridgebench._arrays.roundtrip_ints" in exports
    assert "bridgebench._arrays.NativeBuffer.nbytes" in exports
    assert "bridgebench.arrays.capi.roundtrip_strings" in exports
    assert "libbridgebench.so:bb_free_string_array" in exports
    without = [s for s in all_scenarios() if "bridgebench._arrays.roundtrip_ints" not in s.covers]
    assert "bridgebench._arrays.roundtrip_ints" in coverage.compute(without).missing


def test_every_native_module_has_a_scenario_module():
    from bridgebench.leakcheck.scenarios import scenario_modules

    workloads = {coverage.workload_of(m) for m in coverage.pybind_modules()}
    assert {"arrays", "spell", "scrape"} <= workloads
    assert workloads <= set(scenario_modules()), "add bridgebench/leakcheck/scenarios/<workload>.py"


def test_scenarios_have_error_paths_and_a_reduced_set():
    scenarios = all_scenarios()
    assert any(s.raises for s in scenarios)
    assert any(s.reduced for s in scenarios)
    for canary in all_canaries():
        assert canary.sites and canary.functions and canary.scenarios, canary.name
        assert any(s.name.startswith(canary.scenarios) for s in scenarios), canary.name


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("(anonymous namespace)::roundtrip_ints(pybind11::handle)", "roundtrip_ints"),
        ("bb::ledger::allocate_nothrow(bb::ledger::Site&, unsigned long)", "allocate_nothrow"),
        ("roundtrip_numeric<bb_int64_array, long int>", "roundtrip_numeric"),
        ("bb_roundtrip_int64", "bb_roundtrip_int64"),
        ("operator()", "operator()"),
        ("bb::scrape::Session::run(bb::scrape::Batch&)::{lambda(int)#1}::operator()(int) const", "run"),
        ("(anonymous namespace)::take_easy()::{lambda()#2}::operator()() const", "take_easy"),
        ("std::vector<int, std::allocator<int> >::operator=(std::vector<int> const&)", "operator="),
    ],
)
def test_base_name(raw, expected):
    assert base_name(raw) == expected


ASAN_LIB = "/usr/lib/libasan.so"
OUR_LIB = "/x/site/bridgebench/libbridgebench.so"
OUR_MODULE = "/x/site/bridgebench/_arrays.cpython-311-x86_64-linux-gnu.so"
PYBIND_H = "/venv/site-packages/pybind11/include/pybind11/pybind11.h"
LIBPYTHON = "/py/lib/libpython3.11.so.1.0"
LSAN_REPORT = textwrap.dedent(f"""\
    =================================================================
    ==1==ERROR: LeakSanitizer: detected memory leaks

    Direct leak of 96 byte(s) in 1 object(s) allocated from:
        #0 @@__interceptor_malloc@@asan_malloc_linux.cpp:69@@{ASAN_LIB}@@
        #1 @@bb::ledger::allocate_nothrow(bb::ledger::Site&, unsigned long)@@../../src/ledger/ledger.cpp:47@@{OUR_LIB}@@
        #2 @@maybe_plant_copy_canary@@../../src/bindings/arrays.cpp:30@@{OUR_MODULE}@@
        #3 @@roundtrip_ints@@../../src/bindings/arrays.cpp:147@@{OUR_MODULE}@@
        #4 @@pybind11::cpp_function::dispatcher@@{PYBIND_H}:1236@@{OUR_MODULE}@@
        #5 @@cfunction_vectorcall_FASTCALL_KEYWORDS@@Objects/methodobject.c:443@@{LIBPYTHON}@@

    Direct leak of 24 byte(s) in 1 object(s) allocated from:
        #0 @@__interceptor_malloc@@asan_malloc_linux.cpp:69@@{ASAN_LIB}@@
        #1 @@PyMem_RawMalloc@@Objects/obmalloc.c:1@@{LIBPYTHON}@@

    ../../src/arrays/arrays.cpp:12:5: runtime error: signed integer overflow
        #0 @@bb::arrays::copy_int64@@../../src/arrays/arrays.cpp:12@@{OUR_LIB}@@
    """)


def test_asan_parser_keeps_our_leaks_and_names_the_exported_function():
    findings = asan.findings_from(asan.parse(LSAN_REPORT))
    leaks = [f for f in findings if f.kind == "leak"]
    assert [(f.function, f.bytes) for f in leaks] == [("roundtrip_ints", 96)]  # CPython's own leak dropped
    assert "roundtrip_ints" in leaks[0].stack_functions
    ub = [f for f in findings if f.kind == "undefined-behaviour"]
    assert ub and ub[0].function == "copy_int64"


def test_blamed_function_stops_where_the_stack_leaves_our_binaries():
    ours = "/site/bridgebench/libbridgebench.so"
    frames = [
        Frame("malloc", "", "/usr/lib/libasan.so"),
        Frame("bb::canary::plant_leak(char const*, unsigned long)", "../../src/ledger/canary.cpp:47", ours),
        Frame("bb_roundtrip_int64", "../../src/capi/arrays.cpp:57", ours),
        Frame("ffi_call", "", "/usr/lib/libffi.so.8"),
        Frame("other_of_ours", "../../src/capi/common.cpp:1", ours),
    ]
    assert blamed_function(frames) == "bb_roundtrip_int64"


def test_the_shipped_suppression_files_are_valid():
    assert suppressions.validate(REPO / "leakcheck") == []


@pytest.mark.parametrize(
    "entry",
    [
        "leak:bb_roundtrip_int64",
        "leak:bridgebench",
        "leak:_PyEval_EvalFrameDefault",
        "leak:*",
        "leak:libpython3",
        "leak:roundtrip_ints",
    ],
)
def test_a_suppression_that_could_hide_our_code_is_rejected(tmp_path, entry):
    (tmp_path / "lsan.supp").write_text(f"# why: testing\n{entry}\n")
    (tmp_path / "valgrind.supp").write_text("")
    assert suppressions.validate(tmp_path), entry


def test_a_suppression_matching_one_of_our_function_names_is_rejected(tmp_path):
    (tmp_path / "lsan.supp").write_text("# why: testing\nleak:free_capsule\n")
    (tmp_path / "valgrind.supp").write_text("# why\n{\n  x\n  Memcheck:Leak\n  fun:*allocate_nothrow*\n}\n")
    problems = suppressions.validate(
        tmp_path,
        {
            "(anonymous namespace)::free_capsule_buffer(void*)",
            "bb::ledger::allocate_nothrow(bb::ledger::Site&, unsigned long)",
        },
    )
    assert any("lsan.supp" in p for p in problems) and any("valgrind.supp" in p for p in problems)


def test_an_entry_without_a_comment_is_rejected(tmp_path):
    (tmp_path / "lsan.supp").write_text("leak:_PyUnicode_Intern\n")
    (tmp_path / "valgrind.supp").write_text("")
    assert any("no comment" in p for p in suppressions.validate(tmp_path))


def test_scenarios_call_what_they_claim_to_cover(monkeypatch):
    # Each scenario runs once with the functions it names wrapped by counters, with the
    # workloads' fixtures (the scrape site) running as under the audit.
    with contextlib.ExitStack() as stack:
        monkeypatch.setenv(FIXTURES_ENV, json.dumps(start_fixtures(stack)))
        assert coverage.verify_claims() == []


def test_a_false_claim_is_caught():
    from bridgebench import _arrays
    from bridgebench.leakcheck.scenarios import Scenario, cover_module, cover_symbols

    liar = Scenario(
        "t.liar",
        lambda: _arrays.roundtrip_ints([1]),
        cover_module("bridgebench._arrays", "roundtrip_ints", "roundtrip_strings")
        + cover_symbols("bb_roundtrip_int64"),
    )
    problems = coverage.verify_claims([liar])
    assert sorted(problems) == [
        "t.liar claims bridgebench._arrays.roundtrip_strings but never calls it",
        "t.liar claims libbridgebench.so:bb_roundtrip_int64 but never calls it",
    ]


def test_a_crashed_worker_is_a_finding_naming_the_scenario_it_was_in(tmp_path):
    import subprocess

    from bridgebench.leakcheck.layers import read_worker_output

    out = tmp_path / "ledger.json"
    (tmp_path / "ledger.json.progress").write_text("arrays.pybind.roundtrip_ints.ok")
    data, findings = read_worker_output(out, subprocess.CompletedProcess([], -11, "", "Segmentation fault"), "ledger")
    assert data is None
    assert [(f.kind, f.scenario) for f in findings] == [("crash", "arrays.pybind.roundtrip_ints.ok")]
