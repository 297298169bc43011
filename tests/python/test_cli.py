"""End to end through the command line: `bridgebench run` writes a complete report, and
`report` and `compare` read it back."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bridgebench.runners import results_json

QUICK = ["--sizes", "200", "--processes", "1", "--samples", "2", "--min-time", "0.001", "--no-leakcheck", "--no-native"]


def bridgebench(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bridgebench", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    proc = bridgebench("run", *QUICK, "--workloads", "arrays", "--output-root", str(root))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    latest = root / "latest"
    assert latest.is_symlink()
    return latest.resolve()


def test_run_writes_every_report_file(run_folder: Path):
    for name in ("results.json", "summary.md", "summary.html", "speedup-arrays.png", "speedup-overview.png"):
        assert (run_folder / name).stat().st_size > 0, name
    assert (run_folder / "speedup-arrays.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_results_json_schema_and_content(run_folder: Path):
    assert json.loads((run_folder / "results.json").read_text())["schema"] == results_json.SCHEMA
    results = results_json.load(run_folder)
    assert results.machine["python"] and results.machine["logical_cpus"] and results.machine["fingerprint"]
    entries = {r.measurement.name: r.measurement for r in results.rows() if (r.workload, r.case) == ("arrays", "ints")}
    baseline = entries["baseline"]
    assert baseline.ok and len(baseline.samples.per_process) == 1 and baseline.samples.n >= 2  # kept raw
    for name in ("capi", "pybind11", "pybind11-buffer"):
        speedup = entries[name].speedup
        assert entries[name].ok and speedup.low <= speedup.value <= speedup.high
    assert results.workloads[0].native_bench is None  # --no-native


def test_native_bench_runner_reads_google_benchmark_json(build_dir):
    from bridgebench.runners import native_side
    from bridgebench.runners.profiles import PROFILES

    if native_side.find_executable("bench_arrays") is None:
        pytest.fail(f"bench_arrays not built in {build_dir}; is libbenchmark-dev installed?")
    result = native_side.run_benchmark("bench_arrays", PROFILES["quick"], benchmark_filter="BM_CopyInt64/10$")
    assert not result.skipped, result.skipped
    (row,) = result.rows
    assert row.name == "BM_CopyInt64/10" and row.median_s > 0 and row.items_per_second > 0
    assert row.allocs_per_iter is not None and row.allocs_per_iter >= 1  # the ledger memory manager's count
    assert result.context["num_cpus"] >= 1


def test_summary_markdown_has_tables_and_charts(run_folder: Path):
    md = (run_folder / "summary.md").read_text()
    assert "| size | implementation |" in md and "![speed-up chart for arrays](speedup-arrays.png)" in md
    html = (run_folder / "summary.html").read_text()
    assert "<table>" in html and "data:image/png;base64," in html


def test_report_rerenders(run_folder: Path, tmp_path: Path):
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "results.json").write_text((run_folder / "results.json").read_text())
    proc = bridgebench("report", str(copy))
    assert proc.returncode == 0, proc.stderr
    assert (copy / "summary.md").exists() and (copy / "speedup-arrays.png").exists()


def test_compare_two_runs(run_folder: Path):
    proc = bridgebench("compare", str(run_folder), str(run_folder), "--fail-on-slowdown", "5")
    assert proc.returncode == 0, proc.stderr
    assert "+0.0%" in proc.stdout and "PASS" in proc.stdout


def test_compare_prints_each_row_that_breaks_the_gate(tmp_path: Path, run_folder: Path):
    from bridgebench.runners.confirm import replace_measurements

    run = results_json.load(run_folder)
    row = next(r for r in run.rows() if r.measurement.name == "capi")
    m = dataclasses.replace(row.measurement, samples=row.measurement.samples.scaled(1.5))
    results_json.write(replace_measurements(run, {row.key: m}), tmp_path)
    proc = bridgebench("compare", str(run_folder), str(tmp_path), "--fail-on-slowdown", "5")
    # 2 samples per side cannot reach significance: inconclusive, which never fails the gate.
    assert proc.returncode == 0 and "inconclusive" in proc.stdout, proc.stdout


def test_compare_confirm_remeasures_the_failing_rows_and_names_them(tmp_path: Path, run_folder: Path):
    from bridgebench.runners.confirm import replace_measurements
    from bridgebench.runners.results import Samples

    run = results_json.load(run_folder)
    row = next(r for r in run.rows() if r.measurement.name == "capi")
    median = row.measurement.per_item

    def with_capi(per_item: float, settings: dict) -> object:
        m = dataclasses.replace(row.measurement, samples=Samples(((per_item,) * 6, (per_item * 1.01,) * 6)))
        return dataclasses.replace(replace_measurements(run, {row.key: m}), settings=settings)

    settings = dict(run.settings, processes=1, samples=10, min_time=0.001)
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    # pretend it used to be 20x faster: the re-run then still fails the gate however noisy the machine
    results_json.write(with_capi(median / 20, settings), tmp_path / "old")
    results_json.write(with_capi(median, settings), tmp_path / "new")
    proc = bridgebench("compare", str(tmp_path / "old"), str(tmp_path / "new"), "--fail-on-slowdown", "5", "--confirm")
    assert "confirming 1 failing row(s)" in proc.stdout and "after the confirming re-run" in proc.stdout, proc.stdout
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "slower: arrays.ints n=200 capi: wall +" in proc.stdout


def test_compare_refuses_other_schemas(tmp_path: Path, run_folder: Path):
    bad = tmp_path / "results.json"
    bad.write_text(json.dumps({"schema": "something/9"}))
    proc = bridgebench("compare", str(bad), str(run_folder))
    assert proc.returncode == 2 and "schema" in proc.stderr and str(bad) in proc.stderr


@pytest.mark.parametrize("problem", ["missing", "bad-json", "nothing-in-common"])
def test_compare_usage_errors_exit_2_naming_the_file(tmp_path: Path, run_folder: Path, problem: str):
    other = tmp_path / "other.json"
    if problem == "bad-json":
        other.write_text("{oops")
    elif problem == "nothing-in-common":
        data = json.loads((run_folder / "results.json").read_text())
        data["workloads"] = []
        other.write_text(json.dumps(data))
    proc = bridgebench("compare", str(run_folder), str(other))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and ("other.json" in proc.stderr or "nothing in common" in proc.stderr)


def test_bench_with_an_unknown_case_is_a_usage_error():
    proc = bridgebench("bench", "--workloads", "arrays", "--cases", "nope")
    assert proc.returncode == 2 and "unknown case(s) nope" in proc.stderr


def test_history_lists_saved_runs_and_compare_takes_latest(run_folder: Path):
    root = run_folder.parent
    proc = bridgebench("history", "--root", str(root))
    assert proc.returncode == 0 and run_folder.name in proc.stdout, proc.stdout + proc.stderr
    proc = bridgebench("compare", "latest", str(run_folder), "--root", str(root))
    assert proc.returncode == 0, proc.stderr


def test_pyperf_reads_the_pyperf_export(tmp_path: Path, run_folder: Path):
    import pyperf

    from bridgebench.reporters import pyperf_export

    run = results_json.load(run_folder)
    path = pyperf_export.write(run, tmp_path / "pyperf.json")
    suite = pyperf.BenchmarkSuite.load(str(path))
    capi = suite.get_benchmark("arrays.ints n=200 capi")
    measured = next(r.measurement for r in run.rows() if r.label == "arrays.ints n=200 capi")
    assert capi.get_nvalue() == measured.samples.n
    assert capi.median() == pytest.approx(measured.per_item)
    proc = subprocess.run([sys.executable, "-m", "pyperf", "stats", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0 and "arrays.ints n=200 capi" in proc.stdout, proc.stderr


def test_unknown_workload_is_a_clear_error():
    proc = bridgebench("run", "--workloads", "nope", "--no-leakcheck")
    assert proc.returncode != 0 and "unknown workload" in proc.stderr


def test_bad_sizes_is_a_clear_error():
    proc = bridgebench("bench", "--sizes", "ten")
    assert proc.returncode == 2 and "--sizes" in proc.stderr


def test_quick_is_the_default_profile():
    from bridgebench.cli import build_parser
    from bridgebench.commands._common import profile_from

    parser = build_parser()
    assert profile_from(parser.parse_args(["run"])).name == "quick"
    assert profile_from(parser.parse_args(["run", "--quick"])).name == "quick"
    assert profile_from(parser.parse_args(["bench", "--full"])).name == "full"


def test_help_lists_commands():
    proc = bridgebench("--help")
    assert proc.returncode == 0
    for command in ("run", "bench", "report", "compare"):
        assert command in proc.stdout
