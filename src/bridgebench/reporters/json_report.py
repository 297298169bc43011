"""results.json: the run's results, schema-versioned so reports from different versions can be
told apart (and `bridgebench compare` can refuse what it cannot read)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA = "bridgebench.results/1"


def write(results: dict[str, Any], folder: Path) -> Path:
    path = folder / "results.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return path


def load(path: Path) -> dict[str, Any]:
    if path.is_dir():
        path = path / "results.json"
    data = json.loads(path.read_text())
    schema = data.get("schema")
    if schema != SCHEMA:
        raise ValueError(f"{path}: schema {schema!r} is not {SCHEMA!r}")
    return data
