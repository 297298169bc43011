"""The verdict every report opens with: did the answers agree, were the targets met, did the
leak audit pass, and (when a baseline run was given) did anything regress."""

from __future__ import annotations

from dataclasses import dataclass

from bridgebench.reporters import format as fmt
from bridgebench.runners.results import RunResult


@dataclass(frozen=True)
class TargetLine:
    case: str
    description: str
    status: str  # "met", "NOT MET", "not checked"
    claim: str  # "17,284x faster than baseline, needs ≥ 3,000x", or why it was not checked


@dataclass(frozen=True)
class Verdict:
    answers_agreed: int
    answers_checked: int
    targets_met: int
    targets_checked: int
    targets_declared: int
    leak_audit: str  # PASS, FAIL, SKIPPED
    targets: tuple[TargetLine, ...]
    warnings: tuple[str, ...]
    regression_gate: str | None = None  # set by compare when a baseline run was given

    def lines(self) -> list[tuple[str, str, bool]]:
        """(label, value, bad) triples, the same in every format."""
        unchecked = self.targets_declared - self.targets_checked
        out = [
            (
                "answers checked",
                f"{self.answers_agreed}/{self.answers_checked} agree",
                self.answers_agreed < self.answers_checked,
            ),
            (
                "targets met",
                f"{self.targets_met}/{self.targets_checked}" + (f" ({unchecked} not checked)" if unchecked else ""),
                self.targets_met < self.targets_checked,
            ),
            ("leak audit", self.leak_audit, self.leak_audit == "FAIL"),
        ]
        if self.regression_gate is not None:
            out.append(("regression gate", self.regression_gate, self.regression_gate.startswith("FAIL")))
        return out


def of(run: RunResult, regression_gate: str | None = None) -> Verdict:
    ran = [r for r in run.rows() if r.measurement.status != "skipped"]
    targets = tuple(
        TargetLine(
            f"{w.name}.{c.name}",
            t.description,
            "met" if t.met else ("NOT MET" if t.met is False else "not checked"),
            fmt.target_claim(t.max_ratio, t.ratio, t.reference) if t.ratio is not None else t.why,
        )
        for w, c, t in run.targets()
    )
    return Verdict(
        answers_agreed=sum(r.measurement.status == "ok" for r in ran),
        answers_checked=len(ran),
        targets_met=sum(t.status == "met" for t in targets),
        targets_checked=sum(t.status != "not checked" for t in targets),
        targets_declared=len(targets),
        leak_audit=run.leakcheck.verdict() if run.leakcheck is not None else "SKIPPED",
        targets=targets,
        warnings=run.warnings,
        regression_gate=regression_gate,
    )
