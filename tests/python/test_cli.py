"""End to end through the command line: `bridgebench run` writes a complete report, and
`report` and `compare` read it back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bridgebench.reporters import json_report

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
    results = json_report.load(run_folder)
    assert results["schema"] == json_report.SCHEMA
    assert results["machine"]["python"] and results["machine"]["logical_cpus"]
    arrays = next(w for w in results["workloads"] if w["name"] == "arrays")
    ints = next(c for c in arrays["cases"] if c["name"] == "ints")
    entries = {e["name"]: e for e in ints["sizes"][0]["implementations"]}
    assert entries["baseline"]["status"] == "ok"
    for name in ("capi", "pybind11", "pybind11-buffer"):
        assert entries[name]["status"] == "ok" and entries[name]["speedup_vs_baseline"] > 0
    assert "native_bench" not in arrays  # --no-native


def test_native_bench_runner_reads_google_benchmark_json(build_dir):
    from bridgebench.runners import native_side
    from bridgebench.runners.profiles import PROFILES

    if native_side.find_executable("bench_arrays") is None:
        pytest.fail(f"bench_arrays not built in {build_dir}; is libbenchmark-dev installed?")
    result = native_side.run_benchmark("bench_arrays", PROFILES["quick"], benchmark_filter="BM_CopyInt64/10$")
    assert "skipped" not in result, result
    medians = [b for b in result["benchmarks"] if b["aggregate_name"] == "median"]
    assert medians and medians[0]["run_name"] == "BM_CopyInt64/10"
    assert medians[0]["real_time"] > 0 and medians[0]["items_per_second"] > 0
    assert result["context"]["num_cpus"] >= 1


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
    proc = bridgebench("compare", str(run_folder), str(run_folder))
    assert proc.returncode == 0, proc.stderr
    assert "+0.0%" in proc.stdout


def test_compare_refuses_other_schemas(tmp_path: Path, run_folder: Path):
    bad = tmp_path / "results.json"
    bad.write_text(json.dumps({"schema": "something/9"}))
    proc = bridgebench("compare", str(bad), str(run_folder))
    assert proc.returncode != 0 and "schema" in proc.stderr


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
