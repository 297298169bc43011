"""Reporters turn a run's results (one dict, see json_report.SCHEMA) into files and tables:
results.json, summary.md, summary.html, PNG charts, and the console table."""
