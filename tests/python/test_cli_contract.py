"""The command line as a new user meets it: one exit-code contract (0 success, 1 a gate failed,
2 usage or set-up error), one line and no traceback for user errors, and an installed package
that works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def clean_env() -> dict[str, str]:
    """The environment of a user who set nothing: no pointers to the source or build tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGEBENCH_")}
    env["COLUMNS"] = "100"
    return env


def bridgebench(*args: str | bytes, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bridgebench", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        timeout=timeout,
    )


def text(stream: bytes) -> str:
    return stream.decode("utf-8", "replace")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder that is not inside the source tree."""
    assert REPO not in tmp_path.parents
    return tmp_path


def test_run_outside_the_source_tree_times_reports_and_says_why_the_audit_was_skipped(outside: Path):
    proc = bridgebench(
        "run",
        "--workloads",
        "arrays",
        "--sizes",
        "1000",
        "--processes",
        "1",
        "--samples",
        "3",
        "--min-time",
        "0.005",
        cwd=outside,
        timeout=600,
    )
    out = text(proc.stdout) + text(proc.stderr)
    assert proc.returncode == 0, out[-4000:]
    assert "skipped: needs the source tree; run from a checkout or set BRIDGEBENCH_ROOT" in out
    summary = (outside / "reports" / "latest" / "summary.md").read_text()
    assert "skipped: needs the source tree" in summary
    # The C++ side comes from the executables installed with the package, not from ./build.
    assert "not built in" not in summary and str(outside / "build") not in summary
    assert "arrays: C++ side (Google Benchmark)" in summary


def test_leakcheck_outside_the_source_tree_is_a_set_up_error(outside: Path):
    proc = bridgebench("leakcheck", "--quick", cwd=outside)
    assert proc.returncode == 2
    assert text(proc.stderr).strip() == (
        "bridgebench leakcheck: needs the source tree; run from a checkout or set BRIDGEBENCH_ROOT"
    )
    assert not (outside / "reports").exists() or not any((outside / "reports").rglob("leaks.json"))


def _bad_utf8_file(folder: Path) -> Path:
    path = folder / "urls.txt"
    path.write_bytes(b"http://127.0.0.1:9/\n\xff\xfe not utf-8\n")
    return path


def _results(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body)
    return path


USAGE_ERRORS = {
    "unknown workload": (["run", "--workloads", "nope"], "unknown workload(s) nope"),
    "unknown case": (["bench", "--cases", "nope"], "unknown case(s) nope"),
    "bad size": (["bench", "--sizes", "0"], "--sizes"),
    "missing dictionary": (["suggest", "--dictionary", "/nonexistent/words.txt", "word"], "/nonexistent/words.txt"),
    "missing results": (["compare", "/nonexistent/a.json", "/nonexistent/b.json"], "/nonexistent/a.json"),
    "missing report input": (["report", "/nonexistent/results.json"], "/nonexistent/results.json"),
    "missing URL file": (["scrape", "--file", "/nonexistent/urls.txt"], "/nonexistent/urls.txt"),
    "unknown layer": (["leakcheck", "--layers", "nope"], "unknown layer(s): nope"),
    "no command input": (["scrape"], "give URLs or --file"),
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_usage_and_set_up_errors_exit_2_with_one_line(case: str, outside: Path):
    args, expected = USAGE_ERRORS[case]
    proc = bridgebench(*args, cwd=outside)
    err = text(proc.stderr)
    assert proc.returncode == 2, (proc.returncode, err, text(proc.stdout)[-2000:])
    assert "Traceback" not in err
    assert expected in err
    assert len(err.strip().splitlines()) == 1 or args[0] == "bench", err  # argparse adds its usage line


def test_unreadable_json_names_the_file(outside: Path):
    bad = _results(outside, "bad.json", "{not json")
    proc = bridgebench("compare", str(bad), str(bad), cwd=outside)
    assert proc.returncode == 2
    assert "bad.json" in text(proc.stderr) and "Traceback" not in text(proc.stderr)


def test_invalid_utf8_in_a_url_file_names_the_file_and_line(outside: Path):
    proc = bridgebench("scrape", "--file", str(_bad_utf8_file(outside)), cwd=outside)
    err = text(proc.stderr)
    assert proc.returncode == 2, err
    assert "urls.txt" in err and "line 2 is not valid UTF-8" in err
    assert "Traceback" not in err


def test_invalid_utf8_in_a_url_argument_is_a_usage_error(outside: Path):
    proc = bridgebench("scrape", b"http://127.0.0.1:9/\xff", cwd=outside)
    err = text(proc.stderr)
    assert proc.returncode == 2, err
    assert "URL 1" in err and "not valid UTF-8" in err and "Traceback" not in err


def test_dictionary_files_may_have_a_bom_and_crlf(outside: Path):
    words = outside / "commands.txt"
    words.write_bytes(b"\xef\xbb\xbfinit\r\ninstall\r\nstatus\r\n")
    proc = bridgebench("suggest", "--dictionary", str(words), "init", "status", cwd=outside)
    assert proc.returncode == 0, text(proc.stderr)
    assert text(proc.stdout).splitlines() == ["init\tinit", "status\tstatus"]


def test_a_reader_that_leaves_early_is_not_an_error(outside: Path):
    words = [f"w{i}" for i in range(3000)]
    with subprocess.Popen(
        [sys.executable, "-m", "bridgebench", "suggest", *words],
        cwd=outside,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read()
        code = proc.wait(timeout=120)
    assert "Traceback" not in text(err), text(err)
    assert code == 0


def test_debug_shows_the_traceback(outside: Path):
    proc = bridgebench("--debug", "run", "--workloads", "nope", cwd=outside)
    assert proc.returncode != 0
    assert "Traceback" in text(proc.stderr) and "UsageError" in text(proc.stderr)


def test_help_states_the_exit_codes(outside: Path):
    proc = bridgebench("--help", cwd=outside)
    assert proc.returncode == 0
    out = text(proc.stdout)
    assert "exit codes" in out and "2  usage or set-up error" in out
