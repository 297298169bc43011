"""summary.html: the same report as one self-contained page (charts embedded as data URIs, so
the file can be attached to a CI run on its own)."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from bridgebench.reporters import document as doc
from bridgebench.runners.results import RunResult

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f3f3f3; } td:nth-child(2), td:first-child { text-align: left; }
img { max-width: 100%; } code { background: #f3f3f3; padding: 0 3px; }
.bad { color: #b00020; font-weight: bold; } .good { color: #1b5e20; }
"""


def _inline(text: str) -> str:
    escaped = html.escape(text)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", escaped)


def _cell(text: str) -> str:
    bad = ("NOT MET", "DIFFER", "ERROR", "FAIL")
    css = "bad" if any(word in text for word in bad) else ("good" if text in ("met", "PASS") else "")
    return f"<td class='{css}'>{_inline(text)}</td>" if css else f"<td>{_inline(text)}</td>"


def _markdown_table(markdown: str) -> str:
    """Renders the simple pipe tables and paragraphs other reporters hand us."""
    out, rows = [], []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                rows.append(cells)
            continue
        if rows:
            out.append(
                "<table><tr>"
                + "".join(f"<th>{_inline(c)}</th>" for c in rows[0])
                + "</tr>"
                + "".join("<tr>" + "".join(_cell(c) for c in r) + "</tr>" for r in rows[1:])
                + "</table>"
            )
            rows = []
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level + 1}>{_inline(line.lstrip('#').strip())}</h{level + 1}>")
        elif line.strip():
            out.append(f"<p>{_inline(line)}</p>")
    return "\n".join(out)


def render(blocks: list[doc.Block], folder: Path) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>bridgebench report</title>"
        f"<style>{STYLE}</style></head><body>\n" + _body(blocks, folder) + "\n</body></html>\n"
    )


def _body(blocks: list[doc.Block], folder: Path) -> str:
    body: list[str] = []
    for block in blocks:
        if isinstance(block, doc.Heading):
            body.append(f"<h{block.level}>{_inline(block.text)}</h{block.level}>")
        elif isinstance(block, doc.Paragraph):
            body.append(f"<p>{_inline(block.text)}</p>")
        elif isinstance(block, doc.Table):
            body.append(
                "<table><tr>"
                + "".join(f"<th>{_inline(h)}</th>" for h in block.header)
                + "</tr>"
                + "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in block.rows)
                + "</table>"
            )
        elif isinstance(block, doc.Image):
            data = base64.b64encode((folder / block.path).read_bytes()).decode()
            body.append(f"<p><img alt='{html.escape(block.alt)}' src='data:image/png;base64,{data}'></p>")
        elif isinstance(block, doc.Raw):
            body.append(_markdown_table(block.markdown))
        elif isinstance(block, doc.Details):
            body.append(
                f"<details><summary>{_inline(block.summary)}</summary>\n{_body(block.blocks, folder)}\n</details>"
            )
    return "\n".join(body)


def write(run: RunResult, charts: dict[str, str], folder: Path, regression_gate: str | None = None) -> Path:
    path = folder / "summary.html"
    path.write_text(render(doc.build(run, charts, regression_gate), folder))
    return path
