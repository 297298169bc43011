"""results.json: the run's results, schema-versioned so reports from different versions can be
told apart (and `bridgebench compare` can refuse what it cannot read)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bridgebench.errors import UsageError

SCHEMA = "bridgebench.results/1"


def write(results: dict[str, Any], folder: Path) -> Path:
    path = folder / "results.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return path


def load(path: Path) -> dict[str, Any]:
    """A results.json (or the folder holding one); any problem reading it is a usage error that
    names the file."""
    if path.is_dir():
        path = path / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"cannot read {str(path)!r}: {e.strerror or e}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UsageError(f"{str(path)!r} is not a results.json: {e}") from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema != SCHEMA:
        raise UsageError(f"{str(path)!r}: schema {schema!r} is not {SCHEMA!r}")
    return data
