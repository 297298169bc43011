"""The audit of foreign code, below the end-to-end example tests: Valgrind reports attributed to
the frames of a user's package binaries, and the growth layer's record of what moved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bridgebench.errors import SetupError
from bridgebench.leakcheck import foreign
from bridgebench.leakcheck.layers import growth, valgrind
from bridgebench.leakcheck.model import LayerResult
from bridgebench.leakcheck.stacks import Owner
from bridgebench.project import Project

XML = """<?xml version="1.0"?>
<valgrindoutput>
<error><kind>Leak_DefinitelyLost</kind><xwhat><text>408 bytes in 1 blocks are definitely lost</text>
<leakedbytes>408</leakedbytes></xwhat>
<stack>
<frame><fn>malloc</fn><obj>/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so</obj></frame>
<frame><fn>histo_compute</fn><obj>{site}/histo/libhisto.so</obj><dir>/src</dir><file>histo.c</file><line>40</line></frame>
<frame><fn>ffi_call</fn><obj>/usr/lib/libffi.so.8</obj></frame>
</stack></error>
<error><kind>Leak_DefinitelyLost</kind><xwhat><text>32 bytes lost in CPython</text></xwhat>
<stack><frame><fn>malloc</fn><obj>/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so</obj></frame>
<frame><fn>PyMem_RawMalloc</fn><obj>/usr/bin/python3.11</obj></frame></stack></error>
</valgrindoutput>
"""


def test_valgrind_findings_name_the_frame_in_the_users_binary(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    xml = tmp_path / "valgrind.xml"
    xml.write_text(XML.format(site=site))
    (finding,) = valgrind.parse(xml, Owner((str(site / "histo"),)))
    assert (finding.kind, finding.function, finding.bytes) == ("leak", "histo_compute", 408)
    assert finding.stack == ["histo_compute /src/histo.c:40"]
    # The same report is none of bridgebench's business.
    assert valgrind.parse(xml) == []


def _point(blocks: list[int], rss: list[int]) -> dict:
    calls = [64, 128, 256, 512, 1024]
    flat = [100] * 5
    return {
        "scenario": "mine.f.ok",
        "calls": calls,
        "heap": flat,
        "python_blocks": blocks,
        "gc_objects": flat,
        "rss": rss,
        "fds": [5] * 5,
        "threads": [1] * 5,
        "sites_moved": {},
    }


def test_growth_records_what_moved_and_judges_every_figure() -> None:
    steady = [1000, 1003, 1003, 1004, 1004]  # moved, but not in every step: no finding
    rss = [10_000_000 + 4096 * i for i in range(5)]  # a page per step: under the floor
    result = LayerResult("growth")
    growth.evaluate({"scenarios": [_point(steady, rss)]}, result)
    assert result.findings == []
    assert result.details["moved"] == {"mine.f.ok": ["python_blocks", "rss"]}

    leaking_rss = [10_000_000 + 512 * 1024 * 2**i for i in range(5)]
    result = LayerResult("growth")
    growth.evaluate({"scenarios": [_point(steady, leaking_rss)]}, result)
    assert [(f.kind, f.function) for f in result.findings] == [("rss-growth", "mine.f")]


def test_growth_that_does_not_follow_the_calls_is_not_a_leak() -> None:
    # Steps of 64, 128, 256 and 512 calls: a constant ~900 B per measurement (malloc's caches
    # settling after the previous scenario, seen after a scenario with a large input) is not a
    # leak; 4 B per call is.
    assert not growth.grows([960, 736, 864, 864], growth.HEAP_STEP_FLOOR, growth.HEAP_SLACK_BYTES)
    assert growth.grows([256, 512, 1024, 2048], growth.HEAP_STEP_FLOOR, growth.HEAP_SLACK_BYTES)


def test_the_instrumented_build_asks_each_backend_in_its_own_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def fake_pip(command, env, **kwargs):
        calls.append((command, env))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(foreign.subprocess, "run", fake_pip)
    for backend in ("setuptools.build_meta", "mesonpy"):
        root = tmp_path / backend
        (root / "build").mkdir(parents=True)  # earlier, uninstrumented output: never copied
        (root / "pyproject.toml").write_text(f'[build-system]\nbuild-backend = "{backend}"\n')
        site = foreign.build_instrumented(Project(root), tmp_path / f"work-{backend}", lambda message: None)
        command, env = calls[-1]
        assert command[command.index("--target") + 1] == str(site)
        assert "-fsanitize=address,undefined" in env["CFLAGS"] and "-fsanitize=address,undefined" in env["LDFLAGS"]
        assert ("-Csetup-args=-Db_sanitize=address,undefined" in command) == (backend == "mesonpy")
        # The backend's tools without build isolation: this venv's, activated or not.
        assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
        copy = Path(command[-1])
        assert (copy / "pyproject.toml").is_file() and not (copy / "build").exists()


def test_an_instrumented_site_must_hold_an_asan_build_of_the_package(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with pytest.raises(SetupError, match="is not a folder"):
        foreign.instrumented_folders(site, ["movavg"])
    (site / "movavg").mkdir(parents=True)
    with pytest.raises(SetupError, match="has no native binary"):
        foreign.instrumented_folders(site, ["movavg"])
    binary = site / "movavg" / "_movavg.cpython-311-x86_64-linux-gnu.so"
    binary.write_bytes(b"\x7fELF...PyInit__movavg\x00malloc\x00")
    with pytest.raises(SetupError, match="is not an ASan build"):
        foreign.instrumented_folders(site, ["movavg"])
    binary.write_bytes(b"\x7fELF...PyInit__movavg\x00__asan_init\x00malloc\x00")
    assert foreign.instrumented_folders(site, ["movavg"]) == (str((site / "movavg").resolve()),)
    with pytest.raises(SetupError, match="has no"):
        foreign.instrumented_folders(site, ["histo"])


def test_only_our_audit_builds_must_be_where_bridgebench_is_imported_from(tmp_path: Path) -> None:
    from bridgebench.leakcheck.layers import AUDIT_SITE_ENV, Context, require_audit_build, worker_env

    site = tmp_path / "site"
    ours = worker_env(Context(root=tmp_path, work_dir=tmp_path, quick=True), site)
    with pytest.raises(SetupError, match="not from the audit build"):
        require_audit_build({"bridgebench": "/elsewhere/bridgebench/__init__.py"}, ours)
    # A user's instrumented package goes first on PYTHONPATH; bridgebench comes from their venv.
    foreign_ctx = Context(root=tmp_path, work_dir=tmp_path, quick=True, project_env={"BRIDGEBENCH_PROJECT": "p"})
    theirs = worker_env(foreign_ctx, site)
    assert theirs["PYTHONPATH"].startswith(str(site)) and AUDIT_SITE_ENV not in theirs
    require_audit_build({"bridgebench": "/venv/bridgebench/__init__.py"}, theirs)
