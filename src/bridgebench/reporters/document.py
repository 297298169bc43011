"""The run report as a list of neutral blocks (headings, paragraphs, tables, images), built
once and rendered by markdown.py and html.py, so both always say the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bridgebench.reporters import format as fmt


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


Block = Heading | Paragraph | Table | Image | Raw

STATUS_TEXT = {"ok": "ok", "skipped": "skipped", "disagree": "ANSWERS DIFFER", "error": "ERROR"}


def _machine(machine: dict[str, Any]) -> str:
    memory = machine.get("memory_bytes")
    mem = f"{memory / 2**30:.0f} GiB" if memory else "?"
    packages = ", ".join(f"{k} {v}" for k, v in machine.get("packages", {}).items())
    return (
        f"{machine.get('cpu', '?')}, {machine.get('logical_cpus', '?')} logical CPUs, {mem}; "
        f"Python {machine.get('python', '?')}; {machine.get('platform', '')}; {packages}; "
        f"commit {machine.get('git_commit') or 'unknown'}"
    )


def case_table(case: dict[str, Any]) -> Table:
    table = Table(
        [
            "size",
            "implementation",
            "kind",
            "items timed",
            "per call (median)",
            "per item",
            "spread (IQR)",
            "speed-up vs baseline",
            "status",
        ]
    )
    for measured in case["sizes"]:
        for e in measured["implementations"]:
            ok = e["status"] == "ok"
            table.rows.append(
                [
                    fmt.size(measured["size"]),
                    e["name"],
                    e["kind"],
                    fmt.size(e["items"]) if ok else "-",
                    fmt.seconds(e["per_call"]["median"]) if ok else "-",
                    fmt.seconds(e["per_item"]["median"]) if ok else "-",
                    fmt.percent(e.get("spread")) if ok else "-",
                    fmt.ratio(e.get("speedup_vs_baseline")) if ok and e["kind"] != "baseline" else "-",
                    STATUS_TEXT.get(e["status"], e["status"]) + (f": {e.get('reason')}" if e.get("reason") else ""),
                ]
            )
    return table


def targets_table(targets: list[dict[str, Any]]) -> Table:
    table = Table(["target", "size", "measured ratio", "limit", "result"])
    for t in targets:
        result = "met" if t["met"] else ("NOT MET" if t["met"] is False else f"not checked: {t['why']}")
        table.rows.append(
            [
                t["description"],
                fmt.size(t["size"]),
                f"{t['ratio']:.4g}" if t["ratio"] is not None else "-",
                f"≤ {t['max_ratio']:.4g}",
                result,
            ]
        )
    return table


def native_table(native: dict[str, Any]) -> Table:
    table = Table(["benchmark", "aggregate", "time", "items/s", "bytes/s", "ledger allocs/iter"])
    for b in native.get("benchmarks", []):
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}.get(b.get("time_unit") or "ns", 1e-9)
        table.rows.append(
            [
                b.get("run_name") or b.get("name", "?"),
                b.get("aggregate_name") or "-",
                fmt.seconds((b.get("real_time") or 0) * unit),
                f"{b['items_per_second']:.3g}" if b.get("items_per_second") else "-",
                f"{b['bytes_per_second'] / 2**30:.3g} GiB/s" if b.get("bytes_per_second") else "-",
                f"{b['allocs_per_iter']:.3g}" if b.get("allocs_per_iter") is not None else "-",
            ]
        )
    return table


def section_blocks(workload: dict[str, Any], charts: dict[str, str]) -> list[Block]:
    """The workload's own sections (workloads.ReportSection): heading, text, chart, table."""
    blocks: list[Block] = []
    for section in workload.get("sections", []):
        blocks.append(Heading(3, f"{workload['name']}: {section['title']}"))
        if section["text"]:
            blocks.append(Paragraph(section["text"]))
        chart = section.get("chart")
        if chart and chart["name"] in charts:
            blocks.append(Image(charts[chart["name"]], chart["title"]))
        blocks.append(Table(section["header"], section["rows"]))
    return blocks


def build(results: dict[str, Any], charts: dict[str, str]) -> list[Block]:
    blocks: list[Block] = [
        Heading(1, "bridgebench run"),
        Paragraph(
            f"Run {results['created']} ({results['settings']['profile']} profile, "
            f"{results['settings']['processes']} processes × {results['settings']['samples']} samples "
            f"per implementation and size). Machine: {_machine(results['machine'])}."
        ),
        Paragraph(
            "Speed-ups are per item, median over median, both figures from this run, and are shown "
            "only for implementations whose answers were checked equal to the baseline's first."
        ),
    ]
    if "overview" in charts:
        blocks.append(Image(charts["overview"], "speed-up overview"))
    for workload in results["workloads"]:
        blocks.append(Heading(2, f"{workload['name']}: {workload['description']}"))
        if workload.get("facts"):
            blocks.append(Table(["fact", "value"], [[k, str(v)] for k, v in workload["facts"].items()]))
        if workload["name"] in charts:
            blocks.append(Image(charts[workload["name"]], f"speed-up chart for {workload['name']}"))
        for case in workload["cases"]:
            blocks.append(Heading(3, f"{workload['name']}.{case['name']}: {case['description']}"))
            blocks.append(case_table(case))
            notes = {e["name"]: e["note"] for s in case["sizes"] for e in s["implementations"] if e.get("note")}
            if notes:
                blocks.append(Paragraph("; ".join(f"**{k}**: {v}" for k, v in notes.items())))
            if case["targets"]:
                blocks.append(targets_table(case["targets"]))
        blocks += section_blocks(workload, charts)
        native = workload.get("native_bench")
        if native:
            blocks.append(Heading(3, f"{workload['name']}: C++ side (Google Benchmark)"))
            if "skipped" in native:
                blocks.append(Paragraph(f"Not run: {native['skipped']}"))
            else:
                blocks.append(native_table(native))
    leak = results.get("leakcheck")
    if leak:
        blocks.append(Heading(2, "Leak audit"))
        if leak.get("markdown"):
            blocks.append(Raw(leak["markdown"]))
        else:
            blocks.append(Paragraph(leak.get("summary", "")))
    return blocks
