"""What the audit finds and reports: findings, per-layer results, the audit result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Finding:
    layer: str
    # "unbalanced" (ledger), "heap-growth"/"ledger-growth" (growth), "leak" (LSan/Valgrind
    # definite or indirect), an ASan/UBSan/Valgrind error kind ("heap-buffer-overflow",
    # "InvalidRead", "UninitValue", ...), "scenario-error", "coverage", "unavailable".
    kind: str
    # The exported function or ledger site the finding names (the first thing to look at).
    function: str
    message: str
    scenario: str | None = None
    bytes: int | None = None
    # Our frames, outermost last, as "function file:line".
    stack: list[str] = field(default_factory=list)
    # Base names (no namespace, no arguments) of our frames in that stack.
    stack_functions: list[str] = field(default_factory=list)
    # The active canary this finding is attributed to (None: a real finding).
    canary: str | None = None


@dataclass
class LayerResult:
    layer: str
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    scenarios: list[str] = field(default_factory=list)
    # Layer-specific figures: the per-function ledger table, growth thresholds, tool versions.
    details: dict = field(default_factory=dict)
    # Why this layer could not run here ("not available for foreign code"): no findings, and
    # the report says so instead of a pass.
    unavailable: str = ""

    @property
    def passed(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict:
        return {
            "layer": self.layer,
            "passed": self.passed,
            "unavailable": self.unavailable,
            "seconds": round(self.seconds, 2),
            "scenarios": self.scenarios,
            "details": self.details,
            "findings": [asdict(f) for f in self.findings],
        }
