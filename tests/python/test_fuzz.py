"""The fuzz layer (bridgebench.leakcheck.layers.fuzz): every target replays its seed corpus and
its regression inputs without a finding (a crash found once stays fixed), a few targets fuzz
briefly through the layer, a planted leak is caught, and missing tools are usage errors.

The first run on a machine compiles build/fuzz with clang (about a minute); later runs are
incremental."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bridgebench.errors import UsageError
from bridgebench.leakcheck import builds
from bridgebench.leakcheck.layers import Context, fuzz

REPO = Path(__file__).resolve().parents[2]
TARGETS = fuzz.targets(REPO, builds.build_dir(REPO, "fuzz"))


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory) -> Path:
    fuzz.check_setup()
    return builds.ensure(REPO, "fuzz", tmp_path_factory.mktemp("fuzz-build") / "build.log")


def context(tmp_path: Path, site: Path, only: tuple[str, ...] = (), seconds: float = 2.0) -> Context:
    return Context(root=REPO, work_dir=tmp_path, quick=True, only=only, sites={"fuzz": site}, fuzz_seconds=seconds)


def test_every_c_abi_header_and_module_has_targets():
    names = {t.name for t in TARGETS}
    for workload in ("arrays", "spell", "scrape"):
        assert any(n.startswith(workload) for n in names), f"no libFuzzer target for {workload}"
        assert f"py_{workload}" in names, f"no atheris target for bridgebench._{workload}"


@pytest.mark.timeout(900)
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_target_replays_its_corpus_and_regressions(target, fuzz_site, tmp_path):
    inputs = sorted(
        p for folder in (target.corpus(REPO), target.regressions(REPO)) if folder.is_dir() for p in folder.iterdir()
    )
    assert inputs, f"{target.name} has no seed corpus in {target.corpus(REPO)}"
    ctx = context(tmp_path, fuzz_site)
    proc = fuzz.run_libfuzzer(target, fuzz.environment(ctx, target), [*map(str, inputs)], tmp_path / "log", 600)
    text = proc.stdout + proc.stderr
    assert proc.returncode == 0, fuzz.describe(target, text, proc.returncode).message[-3000:]
    assert text.count("Executed ") == len(inputs), "every input must run once"


@pytest.mark.timeout(600)
def test_layer_fuzzes_briefly_and_reports_executions(fuzz_site, tmp_path):
    only = ("arrays_strings", "spell_search", "scrape")
    result = fuzz.run(context(tmp_path, fuzz_site, only=only), keep_in=tmp_path / "kept")
    assert result.passed, "\n".join(f.message[:2000] for f in result.findings)
    ran = result.details["targets"]
    assert set(ran) == {"arrays_strings", "spell_search", "scrape", "py_scrape"}
    assert all(t["executions"] > 0 for t in ran.values()), ran
    assert not (tmp_path / "kept").exists()


@pytest.mark.timeout(600)
def test_layer_catches_a_planted_leak_and_keeps_the_input(fuzz_site, tmp_path, monkeypatch):
    # The capi_result canary loses a ledger block in every bb_roundtrip_* call: the targets'
    # ledger check stops at the first input, and the input is kept for replay.
    monkeypatch.setenv("BRIDGEBENCH_CANARY", "capi_result")
    result = fuzz.run(context(tmp_path, fuzz_site, only=("arrays_numeric",)), keep_in=tmp_path / "kept")
    assert len(result.findings) == 1, result.findings
    finding = result.findings[0]
    assert finding.layer == "fuzz" and finding.scenario == "arrays_numeric"
    assert "ledger_outstanding() == before_" in finding.message
    kept = list((tmp_path / "kept").rglob("crash-*"))
    assert len(kept) == 1 and kept[0].parent.name == "arrays_numeric"
    assert str(kept[0]) in finding.message


def test_missing_clang_is_a_usage_error(monkeypatch):
    monkeypatch.setattr(fuzz.shutil, "which", lambda name: None)
    with pytest.raises(UsageError, match="clang"):
        fuzz.check_setup()


def test_command_exits_2_with_one_line_without_clang(tmp_path):
    bare = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bridgebench", "leakcheck", "--layers", "fuzz", "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=bare,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "clang" in proc.stderr


def test_describe_names_a_failed_invariant_and_a_sanitizer_report():
    target = fuzz.Target("arrays_numeric", "libfuzzer", Path("fuzz_arrays_numeric"))
    text = "fuzz invariant failed at x.cpp:3: out->count == 1 (last error: )\n==1== ERROR: libFuzzer: deadly signal\n"
    finding = fuzz.describe(target, text, 1)
    assert finding.kind == "deadly-signal"
    assert finding.message.startswith("fuzz invariant failed")
    ubsan = "../../src/capi/spell.cpp:59:13: runtime error: load of value 4294967295\n"
    assert fuzz.describe(target, ubsan, 1).kind == "undefined-behaviour"
    python = " === Uncaught Python exception: ===\nRuntimeError: Unable to cast\nTraceback ...\n"
    python += "==1== ERROR: libFuzzer: fuzz target exited\n"
    finding = fuzz.describe(fuzz.Target("py_spell", "atheris", Path("fuzz_spell.py")), python, 1)
    assert finding.kind == "fuzz-target-exited" and finding.message.startswith("RuntimeError: Unable to cast")
