"""Reporters turn a run's results (runners.results.RunResult) into files and tables:
summary.md, summary.html, PNG charts, the short Markdown verdict, the pyperf export and the
console tables. results.json itself is written by runners.results_json."""
