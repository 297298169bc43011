"""A workload's own report sections (workloads.ReportSection): stored with the results as
plain data, drawn by the chart reporter, rendered as heading, text, image and table."""

import dataclasses

from bridgebench.reporters import charts, document
from bridgebench.workloads import LineChart, ReportSection


def _workload(tmp_path):
    chart = LineChart("demo-chart", "demo", "x", "y", {"a": [(8, 2.0), (1, 1.0)], "empty": []})
    section = ReportSection("a title", "what it means", ["h1", "h2"], [["1", "2"]], chart)
    return {"name": "demo", "cases": [], "sections": [dataclasses.asdict(section)]}


def test_sections_become_a_chart_and_blocks(tmp_path):
    workload = _workload(tmp_path)
    path = charts.line_chart(workload["sections"][0]["chart"], tmp_path)
    assert path == tmp_path / "demo-chart.png" and path.stat().st_size > 0
    blocks = document.section_blocks(workload, {"demo-chart": path.name})
    assert [type(b).__name__ for b in blocks] == ["Heading", "Paragraph", "Image", "Table"]
    assert blocks[0].text == "demo: a title" and blocks[2].path == "demo-chart.png"
    assert blocks[3].header == ["h1", "h2"] and blocks[3].rows == [["1", "2"]]


def test_a_chart_without_points_is_not_drawn(tmp_path):
    chart = dataclasses.asdict(LineChart("nothing", "t", "x", "y", {"a": []}))
    assert charts.line_chart(chart, tmp_path) is None
    assert document.section_blocks({"name": "w", "cases": []}, {}) == []
