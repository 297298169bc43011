"""summary.md: the report as Markdown (renders on any code host)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bridgebench.reporters import document as doc


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
    return "\n".join(out)


def write(results: dict[str, Any], charts: dict[str, str], folder: Path) -> Path:
    path = folder / "summary.md"
    path.write_text(render(doc.build(results, charts)))
    return path
