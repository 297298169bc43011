"""results.json: the JSON form of a ``RunResult``, its schema versions and the migration
between them.

Schema ``bridgebench.results/2`` (current) is ``dataclasses.asdict`` of the model plus the
``schema`` key: every implementation entry holds its raw samples under ``samples``
(``{"unit": "s/item", "per_process": [[...], ...]}``).

Schema ``bridgebench.results/1`` (written before raw samples were kept) held per implementation
only summaries (``per_item``: median, quartiles, min, max, n) and ``speedup_vs_baseline``.
Migration, written once here: the per-item median becomes the only sample (the summaries cannot
be turned back into samples, and a single sample makes `compare` call such a row
"inconclusive" instead of inventing a spread); the speed-up keeps its value with an unknown
interval; Google Benchmark rows keep their median and stddev aggregates.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from bridgebench.errors import UsageError
from bridgebench.runners import gbench
from bridgebench.runners.results import (
    CaseResult,
    Estimate,
    LeakAudit,
    Measurement,
    Metric,
    RunResult,
    Samples,
    SizeResult,
    TargetResult,
    WorkloadResult,
)

SCHEMA = "bridgebench.results/2"
SCHEMA_V1 = "bridgebench.results/1"
FILE_NAME = "results.json"


def to_dict(run: RunResult) -> dict[str, Any]:
    return {"schema": SCHEMA, **dataclasses.asdict(run)}


def dumps(run: RunResult) -> str:
    # NaN is not JSON: unknown interval ends are written as null.
    return json.dumps(_nan_to_none(to_dict(run)), indent=1, default=str) + "\n"


def write(run: RunResult, folder: Path) -> Path:
    path = folder / FILE_NAME
    path.write_text(dumps(run))
    return path


def resolve(path: Path) -> Path:
    return path / FILE_NAME if path.is_dir() else path


def load(path: Path) -> RunResult:
    """Reads results.json (or the folder holding it); UsageError naming the file when it cannot."""
    path = resolve(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no results file {str(path)!r}") from None
    except OSError as e:
        raise UsageError(f"cannot read {str(path)!r}: {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise UsageError(f"{str(path)!r} is not valid JSON: {e}") from None
    try:
        return from_dict(data)
    except UsageError as e:
        raise UsageError(f"{str(path)!r}: {e}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise UsageError(f"{str(path)!r} is not a bridgebench results file ({type(e).__name__}: {e})") from None


def from_dict(data: dict[str, Any]) -> RunResult:
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema == SCHEMA_V1:
        data = migrate_v1(data)
    elif schema != SCHEMA:
        raise UsageError(f"schema {schema!r} is not {SCHEMA!r} (or the older {SCHEMA_V1!r})")
    return RunResult(
        created=data["created"],
        settings=data.get("settings", {}),
        machine=data.get("machine", {}),
        workloads=tuple(_workload(w) for w in data["workloads"]),
        leakcheck=LeakAudit(**data["leakcheck"]) if data.get("leakcheck") else None,
        warnings=tuple(data.get("warnings", ())),
    )


def _workload(w: dict[str, Any]) -> WorkloadResult:
    return WorkloadResult(
        name=w["name"],
        description=w.get("description", ""),
        cases=tuple(_case(c) for c in w["cases"]),
        facts=w.get("facts") or {},
        native_bench=gbench.bench_from_dict(w["native_bench"]) if w.get("native_bench") else None,
    )


def _case(c: dict[str, Any]) -> CaseResult:
    return CaseResult(
        name=c["name"],
        unit=c.get("unit", "item"),
        description=c.get("description", ""),
        sizes=tuple(_size(s) for s in c["sizes"]),
        targets=tuple(TargetResult(**t) for t in c.get("targets", ())),
    )


def _size(s: dict[str, Any]) -> SizeResult:
    return SizeResult(
        size=s["size"],
        reference=s.get("reference"),
        processes=s.get("processes", 0),
        implementations=tuple(_measurement(m) for m in s["implementations"]),
    )


def _measurement(m: dict[str, Any]) -> Measurement:
    samples = m.get("samples")
    speedup = m.get("speedup")
    return Measurement(
        name=m["name"],
        kind=m["kind"],
        status=m.get("status", "ok"),
        reason=m.get("reason", ""),
        note=m.get("note", ""),
        items=m.get("items", 0),
        loops=m.get("loops", 0),
        samples=Samples(tuple(tuple(p) for p in samples["per_process"]), samples["unit"]) if samples else None,
        instructions=m.get("instructions"),
        speedup=Estimate(*(_nan(speedup[k]) for k in ("value", "low", "high"))) if speedup else None,
        metrics={k: Metric(**v) for k, v in (m.get("metrics") or {}).items()},
    )


def migrate_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-1 results dict as a schema-2 one (see the module docstring for what is lost)."""
    out = dict(data, schema=SCHEMA, warnings=["migrated from schema 1: one sample (the median) per row"])
    out["workloads"] = [
        dict(
            w,
            native_bench=gbench.migrate_v1(w["native_bench"]) if w.get("native_bench") else None,
            cases=[
                dict(
                    c,
                    sizes=[
                        dict(s, implementations=[_migrate_entry(e) for e in s["implementations"]]) for s in c["sizes"]
                    ],
                )
                for c in w["cases"]
            ],
        )
        for w in data["workloads"]
    ]
    leak = data.get("leakcheck")
    out["leakcheck"] = {k: leak.get(k) for k in ("ok", "summary", "markdown")} if leak else None
    return out


def _migrate_entry(e: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: e[k] for k in ("name", "kind", "status", "reason", "note", "items", "loops") if k in e}
    if e.get("per_item"):
        out["samples"] = {"unit": "s/item", "per_process": [[e["per_item"]["median"]]]}
    if e.get("speedup_vs_baseline") is not None:
        out["speedup"] = {"value": e["speedup_vs_baseline"], "low": None, "high": None}
    return out


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nan_to_none(v) for v in value]
    return value
