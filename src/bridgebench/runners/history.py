"""Saved runs: every `bridgebench run` leaves reports/<stamp>/results.json with its commit and
machine fingerprint. This module lists them and resolves what `compare` is given: a path, or
``latest``, ``previous``, or a commit (prefix) among the saved runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bridgebench.errors import UsageError
from bridgebench.runners import results_json
from bridgebench.runners.results import RunResult

NAMES = ("latest", "previous")


@dataclass(frozen=True)
class SavedRun:
    folder: Path
    run: RunResult


def saved_runs(root: Path) -> list[SavedRun]:
    """Runs under root, oldest first; folders without a readable results.json are left out."""
    out = []
    for folder in sorted(p for p in root.glob("*") if p.is_dir() and not p.is_symlink()):
        if not (folder / results_json.FILE_NAME).is_file():
            continue
        try:
            out.append(SavedRun(folder, results_json.load(folder)))
        except UsageError:
            continue  # a broken or foreign file is not history
    return sorted(out, key=lambda s: (s.run.created, s.folder.name))


def earlier_on_this_machine(root: Path, run: RunResult) -> list[RunResult]:
    """Saved runs older than `run` from the same machine fingerprint: what a trend may draw."""
    mine = run.machine.get("fingerprint")
    return [s.run for s in saved_runs(root) if s.run.created < run.created and s.run.machine.get("fingerprint") == mine]


def resolve(spec: str, root: Path) -> Path:
    """A results path for `compare`: an existing file or folder, else a name among the saved runs."""
    path = Path(spec)
    if path.exists():
        return path
    if spec not in NAMES and not _looks_like_commit(spec):
        raise UsageError(f"no results file or folder {spec!r} (nor latest/previous/a commit saved in {root})")
    runs = saved_runs(root)
    if spec == "latest" or spec == "previous":
        wanted = 1 if spec == "latest" else 2
        if len(runs) < wanted:
            raise UsageError(f"{spec!r}: only {len(runs)} saved run(s) in {root}")
        return runs[-wanted].folder
    matches = [s for s in runs if (s.run.commit or "").startswith(spec) or spec.startswith(s.run.commit or "\0")]
    if not matches:
        raise UsageError(f"no saved run of commit {spec!r} in {root}")
    return matches[-1].folder


def _looks_like_commit(spec: str) -> bool:
    return 4 <= len(spec) <= 40 and all(c in "0123456789abcdef" for c in spec.lower())
