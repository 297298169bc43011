"""The run report as a list of neutral blocks (headings, paragraphs, tables, images), built
once and rendered by markdown.py and html.py, so both always say the same thing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bridgebench.reporters import format as fmt
from bridgebench.reporters import verdict as verdict_mod
from bridgebench.runners.results import CaseResult, NativeBench, RunResult, WorkloadResult
from bridgebench.workloads import sections_of


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Image:
    path: str
    alt: str


@dataclass
class Raw:
    """Pre-rendered Markdown (from another reporter, e.g. the leak audit's table)."""

    markdown: str


@dataclass
class Details:
    """A collapsible section (HTML <details>; GitHub renders the same in Markdown)."""

    summary: str
    blocks: list[Block]


Block = Heading | Paragraph | Table | Image | Raw | Details

STATUS_TEXT = {"ok": "ok", "skipped": "skipped", "disagree": "ANSWERS DIFFER", "error": "ERROR"}


def _machine(machine: Mapping[str, Any]) -> str:
    memory = machine.get("memory_bytes")
    mem = f"{memory / 2**30:.0f} GiB" if memory else "?"
    packages = ", ".join(f"{k} {v}" for k, v in machine.get("packages", {}).items())
    return (
        f"{machine.get('cpu', '?')}, {machine.get('logical_cpus', '?')} logical CPUs, {mem}; "
        f"Python {machine.get('python', '?')}; {machine.get('platform', '')}; {packages}; "
        f"commit {machine.get('git_commit') or 'unknown'}"
    )


def verdict_blocks(run: RunResult, regression_gate: str | None = None) -> list[Block]:
    v = verdict_mod.of(run, regression_gate)
    blocks: list[Block] = [
        Heading(2, "Verdict"),
        Table(["check", "result"], [[label, value] for label, value, _ in v.lines()]),
    ]
    if v.targets:
        blocks.append(
            Table(
                ["case", "target", "measured", "result"],
                [[t.case, t.description, t.claim, t.status] for t in v.targets],
            )
        )
    if v.warnings:
        blocks.append(Paragraph("**Machine advice:** " + " ".join(f"{w}." for w in v.warnings)))
    return blocks


def case_table(case: CaseResult) -> Table:
    rows = [(s, m) for s in case.sizes for m in s.implementations]
    instructions = any(m.instructions is not None for _, m in rows)
    metrics = sorted({k for _, m in rows for k in m.metrics})
    header = ["size", "implementation", "kind", "items timed", "samples", "per item (median)", "spread (IQR)"]
    header += ["speed-up vs baseline", "95 % interval"]
    header += ["instructions / item"] * instructions + metrics + ["status"]
    table = Table(header)
    for size, m in rows:
        ok = m.ok
        cells = [
            fmt.size(size.size),
            m.name,
            m.kind,
            fmt.size(m.items) if ok else "-",
            str(m.samples.n) if ok and m.samples else "-",
            fmt.seconds(m.per_item) if ok else "-",
            fmt.percent(m.spread()) if ok else "-",
            fmt.ratio(m.speedup.value) if ok and m.speedup else "-",
            fmt.interval(m.speedup.low, m.speedup.high) if ok and m.speedup else "",
        ]
        if instructions:
            cells.append(fmt.count(m.instructions))
        cells += [f"{m.metrics[k].value:.4g} {m.metrics[k].unit}".strip() if k in m.metrics else "-" for k in metrics]
        cells.append(STATUS_TEXT.get(m.status, m.status) + (f": {m.reason}" if m.reason else ""))
        table.rows.append(cells)
    return table


def disagreement(case: CaseResult) -> Paragraph | None:
    """Rows where wall time and instruction counts point different ways against the baseline."""
    flagged = []
    for size in case.sizes:
        base = size.get(size.reference or "")
        if base is None or base.instructions is None or not base.ok:
            continue
        for m in size.implementations:
            if m is base or m.instructions is None or m.speedup is None:
                continue
            wall_faster = m.speedup.value > 1
            count_faster = base.instructions / m.instructions > 1 if m.instructions else False
            if wall_faster != count_faster:
                flagged.append(f"{m.name} at n={fmt.size(size.size)}")
    if not flagged:
        return None
    return Paragraph(
        "**Wall time and instructions disagree** on the direction against the baseline for: "
        + ", ".join(flagged)
        + " (memory, cache or waiting effects that instruction counts do not see)."
    )


def native_blocks(native: NativeBench) -> list[Block]:
    if native.skipped:
        return [Paragraph(f"Not run: {native.skipped}")]
    if not native.rows:
        return [Paragraph(f"{native.executable} ran but reported no benchmarks (filtered out, or none registered).")]
    table = Table(["benchmark", "median", "± stddev", "items/s", "bytes/s", "ledger allocs/iter"])
    for b in native.rows:
        table.rows.append(
            [
                b.name,
                fmt.seconds(b.median_s),
                fmt.seconds(b.stddev_s) if b.stddev_s is not None else "-",
                f"{b.items_per_second:.3g}" if b.items_per_second else "-",
                f"{b.bytes_per_second / 2**30:.3g} GiB/s" if b.bytes_per_second else "-",
                f"{b.allocs_per_iter:.3g}" if b.allocs_per_iter is not None else "-",
            ]
        )
    blocks: list[Block] = [table]
    if native.complexity:
        blocks.append(
            Table(
                ["family", "fitted complexity", "RMS of the fit"],
                [
                    [family, big_o, f"{rms * 100:.1f}%" if rms is not None else "-"]
                    for family, big_o, rms in native.complexity
                ],
            )
        )
    return blocks


def section_blocks(workload: WorkloadResult, charts: dict[str, str]) -> list[Block]:
    """The workload's own sections (workloads.ReportSection): heading, text, chart, table."""
    blocks: list[Block] = []
    for section in sections_of(workload):
        blocks.append(Heading(3, f"{workload.name}: {section.title}"))
        if section.text:
            blocks.append(Paragraph(section.text))
        if section.chart is not None and section.chart.name in charts:
            blocks.append(Image(charts[section.chart.name], section.chart.title))
        blocks.append(Table(section.header, section.rows))
    return blocks


def build(run: RunResult, charts: dict[str, str], regression_gate: str | None = None) -> list[Block]:
    settings = run.settings
    blocks: list[Block] = [Heading(1, "bridgebench run"), *verdict_blocks(run, regression_gate)]
    blocks += [
        Heading(2, "Run"),
        Paragraph(
            f"Run {run.created} ({settings.get('profile', '?')} profile, "
            f"{settings.get('processes', '?')} processes × {settings.get('samples', '?')} samples "
            f"per implementation and size). Machine: {_machine(run.machine)}."
        ),
        Paragraph(
            "Speed-ups are per item, median over median, both figures from this run, with a 95 % "
            "bootstrap interval, and are shown only for implementations whose answers were checked "
            "equal to the baseline's first."
        ),
    ]
    if "overview" in charts:
        blocks.append(Image(charts["overview"], "speed-up overview"))
    appendix: list[Block] = []
    for workload in run.workloads:
        blocks.append(Heading(2, f"{workload.name}: {workload.description}"))
        if workload.facts:
            blocks.append(Table(["fact", "value"], [[k, str(v)] for k, v in workload.facts.items()]))
        if workload.name in charts:
            blocks.append(Image(charts[workload.name], f"speed-up chart for {workload.name}"))
        if f"trend-{workload.name}" in charts:
            blocks.append(Image(charts[f"trend-{workload.name}"], f"trend over saved runs for {workload.name}"))
        for case in workload.cases:
            blocks.append(Heading(3, f"{workload.name}.{case.name}: {case.description}"))
            blocks.append(case_table(case))
            notes = {m.name: m.note for s in case.sizes for m in s.implementations if m.note}
            if notes:
                blocks.append(Paragraph("; ".join(f"**{k}**: {v}" for k, v in notes.items())))
            flagged = disagreement(case)
            if flagged is not None:
                blocks.append(flagged)
        blocks += section_blocks(workload, charts)
        if workload.native_bench is not None:
            appendix.append(Heading(3, f"{workload.name}: C++ side (Google Benchmark)"))
            appendix += native_blocks(workload.native_bench)
    if run.leakcheck is not None:
        blocks.append(Heading(2, "Leak audit"))
        blocks.append(Raw(run.leakcheck.markdown) if run.leakcheck.markdown else Paragraph(run.leakcheck.summary))
    if appendix:
        blocks.append(Heading(2, "Appendix: C++ benchmarks"))
        blocks.append(Details("Google Benchmark results (median ± stddev over repetitions)", appendix))
    return blocks
