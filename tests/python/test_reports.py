"""summary.md / summary.html open with the verdict, state targets as readers say them, keep the
C++ benches in a collapsible appendix, and the charts draw from the typed model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import results_factory as factory

from bridgebench.reporters import document, html, markdown, report_folder
from bridgebench.runners.results import NativeBench, NativeBenchRow


def _with_native(run):
    bench = NativeBench(
        "bench_arrays",
        rows=(NativeBenchRow("BM_CopyInt64/10", 3.2e-7, 4e-8, 2.1e8, None, 1.0),),
        complexity=(("BM_CopyInt64", "30.8 ns × O(N)", 0.014),),
    )
    return dataclasses.replace(
        run, workloads=(dataclasses.replace(run.workloads[0], native_bench=bench), run.workloads[1])
    )


def test_markdown_opens_with_the_verdict_and_folds_the_cpp_appendix():
    text = markdown.render(document.build(_with_native(factory.run()), {}))
    assert text.index("## Verdict") < text.index("## arrays") < text.index("## Appendix: C++ benchmarks")
    assert "| answers checked | 15/15 agree |" in text and "| leak audit | PASS |" in text
    assert "6,098x faster than baseline, needs ≥ 3,000x" in text
    assert "<details><summary>" in text and "| BM_CopyInt64/10 | 320 ns | 40 ns |" in text
    assert "| BM_CopyInt64 | 30.8 ns × O(N) | 1.4% |" in text
    assert "| cv |" not in text and "BigO" not in text
    assert "95 % interval" in text


def test_report_folder_writes_every_file_and_charts_with_history(tmp_path: Path):
    run = factory.run(seed=3)
    earlier = [factory.run(seed=1), factory.run(seed=2, scale={"capi": 1.2})]
    paths = report_folder.write(run, tmp_path, markdown_summary=tmp_path / "short.md", history=earlier)
    for name in ("results.json", "summary.md", "summary.html", "speedup-overview.png", "speedup-arrays.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert (tmp_path / "speedup-spell.png").read_bytes()[:4] == b"\x89PNG"  # one size: a bar chart
    assert (tmp_path / "trend-arrays.png").exists()
    page = paths["html"].read_text()
    assert page.index("Verdict") < page.index("speed-up chart for arrays")
    assert "trend over saved runs" in page
    assert "bridgebench verdict" in (tmp_path / "short.md").read_text()


def test_html_renders_details_blocks(tmp_path: Path):
    page = html.render([document.Details("more", [document.Paragraph("inside")])], tmp_path)
    assert "<details><summary>more</summary>" in page and "<p>inside</p>" in page


def test_run_gate_fails_only_when_asked_and_a_declared_target_is_missed():
    import io

    from rich.console import Console

    from bridgebench.commands.run import exit_code

    console = Console(file=io.StringIO(), width=100)
    run = factory.run()  # one target met, one NOT MET, one not checked
    assert exit_code(run, console) == 0
    assert exit_code(run, console, gate_targets=True) == 1
    assert "target missed: arrays.ints: buffer at least 20x faster than capi" in console.file.getvalue()
    assert exit_code(factory.run(leak_ok=False), console) == 1
