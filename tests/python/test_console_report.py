"""The console report fits a terminal: verdict first, one table per workload, every number
whole at 80 columns, a legend for blank and '-' cells."""

from __future__ import annotations

import io
import re

import pytest
import results_factory as factory
from rich.console import Console

from bridgebench.reporters import console as console_report
from bridgebench.reporters import format as fmt
from bridgebench.reporters import markdown


def render(run, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    console_report.print_report(run, console, report_path=None)
    return console.file.getvalue()


def numbers_of(run) -> set[str]:
    """Every figure the tables show, as the reporters format it."""
    out = set()
    for row in run.rows():
        m = row.measurement
        out.add(fmt.size(row.size))
        if m.ok:
            out.add(fmt.seconds(m.per_item))
            if m.instructions is not None:
                out.add(fmt.count(m.instructions))
            if m.speedup is not None:
                out.add(fmt.ratio(m.speedup.value))
                out.add(fmt.interval(m.speedup.low, m.speedup.high))
    return out


@pytest.mark.parametrize("width", [80, 120])
def test_console_report_fits_and_never_cuts_a_number(width: int):
    run = factory.run(instructions=True)
    text = render(run, width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "…" not in text
    missing = [number for number in numbers_of(run) if not any(number in line for line in lines)]
    assert not missing, f"cut or missing at {width} columns: {missing}\n{text}"


def test_console_report_opens_with_the_verdict_and_ends_with_the_legend():
    text = render(factory.run(leak_ok=False), 80)
    verdict_at = text.index("Verdict")
    assert verdict_at < text.index("arrays") < text.index("spell")
    assert re.search(r"answers checked\s+15/15 agree", text)
    assert re.search(r"targets met\s+1/2 \(1 not checked\)", text)
    assert re.search(r"leak audit\s+FAIL", text)
    words = " ".join(text.split())  # prose may wrap at 80 columns; numbers may not
    assert "faster than baseline, needs ≥ 3,000x" in words
    assert "-: not measured" in words


def test_markdown_summary_is_short_and_says_the_verdict():
    text = markdown.short_summary(factory.run(leak_ok=None))
    assert "| leak audit | SKIPPED |" in text and "| answers checked | 15/15 agree |" in text
    assert len(text.splitlines()) < 25


def test_compare_table_fits_80_columns_and_marks_what_is_not_gated():
    from bridgebench.commands import compare
    from bridgebench.runners import gate

    comparison = gate.compare(
        factory.run(seed=1, instructions=True),
        factory.run(seed=2, scale={"capi": 1.1}, instructions=True),
        gate.Thresholds(wall=0.05),
    )
    console = Console(width=80, file=io.StringIO(), color_system=None)
    compare.print_comparison(comparison, "old → new", console)
    lines = console.file.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    for r in comparison.rows:
        for number in (fmt.seconds(r.new.measurement.per_item), fmt.change(r.change), fmt.size(r.new.size)):
            assert any(number in line for line in lines), number
    assert sum("slower GATE" in line for line in lines) == 3
    assert any("no change°" in line for line in lines)
