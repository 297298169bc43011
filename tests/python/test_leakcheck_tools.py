"""The ASan and Valgrind layers' tool set-ups catch invalid accesses, undefined behaviour,
uninitialised reads and leaks in a library of ours (the canaries prove leaks only). A tiny
stand-in libbridgebench.so with one defect per function is built with g++ and driven through
ctypes under exactly the environment and options the layers use."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bridgebench.leakcheck.layers import asan, valgrind

REPO = Path(__file__).resolve().parents[2]
DEFECTS = textwrap.dedent("""\
    #include <climits>
    #include <cstdio>
    #include <cstdlib>
    #include <cstring>
    extern "C" {
    int bb_defect_signed_overflow(int x) { return x + INT_MAX; }
    int bb_defect_read_past_end(int i) {
        int* p = static_cast<int*>(std::malloc(4 * sizeof(int)));
        std::memset(p, 0, 4 * sizeof(int));
        int v = p[i];
        std::free(p);
        return v;
    }
    void bb_defect_branch_on_uninitialised(void) {
        int* p = static_cast<int*>(std::malloc(sizeof(int)));
        // Two different calls: a real conditional jump here, not a select the compiler could
        // pass on to CPython as an uninitialised return value.
        if (*p > 0) std::puts("positive");
        else std::fflush(stdout);
        std::free(p);
    }
    int bb_defect_return_uninitialised(void) {
        int* p = static_cast<int*>(std::malloc(sizeof(int)));
        int v = *p;  // handed to Python, which branches on it while making an int
        std::free(p);
        return v;
    }
    void* volatile bb_defect_sink;
    void bb_defect_lose_block(void) {
        bb_defect_sink = std::malloc(48);
        bb_defect_sink = nullptr;
    }
    void* foreign_make(int bytes);
    // Lost like a Python object or a curl handle: allocated inside another library.
    void bb_defect_lose_foreign_block(void) {
        bb_defect_sink = foreign_make(40);
        bb_defect_sink = nullptr;
    }
    }
    """)
# Stands for libpython or libcurl: not instrumented, no frame pointers, a few frames deep, so
# that only a full unwind (not ASan's frame-pointer walk) finds our frame above it.
FOREIGN = textwrap.dedent("""    #include <cstdlib>
    extern "C" {
    __attribute__((noinline)) void* foreign_inner(int bytes) {
        void* p = std::malloc(static_cast<std::size_t>(bytes));
        asm volatile("" : : "r"(p) : "memory");
        return p;
    }
    __attribute__((noinline)) void* foreign_middle(int bytes) {
        void* p = foreign_inner(bytes + 1);
        asm volatile("" : : "r"(p) : "memory");
        return p;
    }
    __attribute__((noinline)) void* foreign_make(int bytes) {
        void* p = foreign_middle(bytes + 1);
        asm volatile("" : : "r"(p) : "memory");
        return p;
    }
    }
    """)
# Debian installs both here (scripts/bootstrap.sh); never looked up on PATH.
SYSTEM_GXX = "/usr/bin/g++"
SYSTEM_VALGRIND = "/usr/bin/valgrind"


def _build(tmp_path: Path, *flags: str) -> Path:
    compiler = SYSTEM_GXX
    if not Path(compiler).exists():
        pytest.fail("g++ is missing; scripts/bootstrap.sh installs it with apt")
    source = tmp_path / "src" / "defects.cpp"
    source.parent.mkdir(exist_ok=True)
    source.write_text(DEFECTS)
    (tmp_path / "src" / "foreign.cpp").write_text(FOREIGN)
    library = tmp_path / "lib" / "libbridgebench.so"
    library.parent.mkdir(exist_ok=True)
    foreign = tmp_path / "lib" / "libforeign.so"
    subprocess.run(
        [
            compiler,
            "-O2",
            "-fomit-frame-pointer",
            "-fPIC",
            "-shared",
            "-o",
            str(foreign),
            str(source.parent / "foreign.cpp"),
        ],
        check=True,
    )
    subprocess.run(
        [compiler, "-O1", "-g", "-fPIC", "-shared", *flags, "-o", str(library), str(source)]
        + [f"-L{library.parent}", "-lforeign", f"-Wl,-rpath,{library.parent}"],
        check=True,
    )
    return library


def _script(library: Path, calls: list[str]) -> list[str]:
    body = "; ".join(f"lib.{c}" for c in calls)
    return [sys.executable, "-c", f"import ctypes; lib = ctypes.CDLL({str(library)!r}); {body}"]


def test_asan_layer_environment_catches_ub_leaks_and_invalid_reads(tmp_path):
    # Built as the audit builds build/asan: the process goes on after an invalid access, so one
    # run reports the read past the end and everything after it.
    library = _build(tmp_path, "-fsanitize=address,undefined", "-fsanitize-recover=address")
    calls = [
        "bb_defect_read_past_end(4)",
        "bb_defect_signed_overflow(5)",
        "bb_defect_lose_block()",
        "bb_defect_lose_foreign_block()",
    ]
    env = {**os.environ, **asan.sanitizer_env(REPO / "leakcheck" / "lsan.supp")}
    proc = subprocess.run(_script(library, calls), env=env, capture_output=True, text=True, timeout=120)
    got = {(f.kind, f.function) for f in asan.findings_from(asan.parse(proc.stderr))}
    assert ("heap-buffer-overflow", "bb_defect_read_past_end") in got, got
    assert ("undefined-behaviour", "bb_defect_signed_overflow") in got, got
    assert ("leak", "bb_defect_lose_block") in got, got
    # Allocated three frames deep in a library without frame pointers, still named.
    assert ("leak", "bb_defect_lose_foreign_block") in got, got


def test_valgrind_layer_options_catch_invalid_reads_uninitialised_values_and_leaks(tmp_path):
    library = _build(tmp_path)
    xml = tmp_path / "memcheck.xml"
    assert Path(SYSTEM_VALGRIND).exists(), "valgrind is missing; scripts/bootstrap.sh installs it with apt"
    cmd = valgrind.memcheck_command(SYSTEM_VALGRIND, xml, REPO / "leakcheck" / "valgrind.supp")
    calls = [
        "bb_defect_read_past_end(4)",
        "bb_defect_branch_on_uninitialised()",
        "bb_defect_lose_block()",
        "bb_defect_return_uninitialised()",
        "bb_defect_lose_foreign_block()",
    ]
    subprocess.run(
        cmd + _script(library, calls),
        env={**os.environ, "PYTHONMALLOC": "malloc"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    got = {(f.kind, f.function) for f in valgrind.parse(xml)}
    assert ("InvalidRead", "bb_defect_read_past_end") in got, got
    assert ("UninitCondition", "bb_defect_branch_on_uninitialised") in got, got
    assert ("leak", "bb_defect_lose_block") in got, got
    assert ("leak", "bb_defect_lose_foreign_block") in got, got
    # Used by CPython, created by us: found through its origin.
    assert any(kind.startswith("Uninit") and function == "bb_defect_return_uninitialised" for kind, function in got), (
        got
    )
