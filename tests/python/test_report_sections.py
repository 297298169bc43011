"""A workload's own report sections (workloads.ReportSection), computed from its results when
the report is written: drawn by the chart reporter, rendered as heading, text, image, table."""

from bridgebench.reporters import charts, document
from bridgebench.runners.results import WorkloadResult
from bridgebench.workloads import LineChart, ReportSection

CHART = LineChart("demo-chart", "demo", "x", "y", {"a": [(8, 2.0), (1, 1.0)], "empty": []})
SECTION = ReportSection("a title", "what it means", ["h1", "h2"], [["1", "2"]], CHART)


def test_sections_become_a_chart_and_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(document, "sections_of", lambda _workload: [SECTION])
    path = charts.line_chart(CHART, tmp_path)
    assert path == tmp_path / "demo-chart.png" and path.stat().st_size > 0
    blocks = document.section_blocks(WorkloadResult("demo", "", ()), {"demo-chart": path.name})
    assert [type(b).__name__ for b in blocks] == ["Heading", "Paragraph", "Image", "Table"]
    assert blocks[0].text == "demo: a title" and blocks[2].path == "demo-chart.png"
    assert blocks[3].header == ["h1", "h2"] and blocks[3].rows == [["1", "2"]]


def test_a_chart_without_points_is_not_drawn(tmp_path):
    assert charts.line_chart(LineChart("nothing", "t", "x", "y", {"a": []}), tmp_path) is None


def test_a_workload_not_installed_here_has_no_sections():
    assert document.section_blocks(WorkloadResult("not-a-workload", "", ()), {}) == []
