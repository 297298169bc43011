"""summary.md: the report as Markdown (renders on any code host)."""

from __future__ import annotations

from pathlib import Path

from bridgebench.reporters import document as doc
from bridgebench.runners.results import RunResult


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(blocks: list[doc.Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, doc.Heading):
            out.append(f"{'#' * block.level} {block.text}\n")
        elif isinstance(block, doc.Paragraph):
            out.append(block.text + "\n")
        elif isinstance(block, doc.Table):
            out.append("| " + " | ".join(map(_cell, block.header)) + " |")
            out.append("|" + "---|" * len(block.header))
            out.extend("| " + " | ".join(map(_cell, row)) + " |" for row in block.rows)
            out.append("")
        elif isinstance(block, doc.Image):
            out.append(f"![{block.alt}]({block.path})\n")
        elif isinstance(block, doc.Raw):
            out.append(block.markdown.rstrip() + "\n")
        elif isinstance(block, doc.Details):
            out.append(f"<details><summary>{block.summary}</summary>\n")
            out.append(render(block.blocks))
            out.append("</details>\n")
    return "\n".join(out)


def write(run: RunResult, charts: dict[str, str], folder: Path, regression_gate: str | None = None) -> Path:
    path = folder / "summary.md"
    path.write_text(render(doc.build(run, charts, regression_gate)))
    return path


def short_summary(run: RunResult, report_path: Path | None = None, regression_gate: str | None = None) -> str:
    """The verdict alone, short enough for a pull-request comment or a CI step summary."""
    blocks = doc.verdict_blocks(run, regression_gate)
    text = render([doc.Heading(3, "bridgebench verdict"), *blocks[1:]])
    return text + (f"\nFull report: `{report_path}`\n" if report_path else "")
