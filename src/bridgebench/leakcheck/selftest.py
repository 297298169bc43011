"""The canary self-test: proves that each layer catches each planted leak it should.

For every canary of every workload: switch it on (BRIDGEBENCH_CANARY), run the scenarios that
reach its planting code through every layer expected to see it, and require of each layer
- at least one finding attributed to the canary (ledger/growth: at one of its sites;
  ASan/Valgrind: a direct/definite leak whose stack has one of its functions),
- no other finding (nothing unattributed, no scenario errors).
Suppression files are validated as part of the audit, and they are in use during the runs, so
an entry that hides our code makes the canary go unseen and the self-test fail.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bridgebench.leakcheck.audit import run_audit
from bridgebench.leakcheck.scenarios import LAYERS, Canary, all_canaries

# The kinds that count as "seen" per layer: exit-time checkers must call it definitely lost.
CAUGHT_KINDS = {
    "ledger": {"unbalanced"},
    "growth": {"ledger-growth", "heap-growth", "object-growth"},
    "asan": {"leak"},
    "valgrind": {"leak"},
}


@dataclass
class CanaryCheck:
    canary: str
    layer: str
    caught: bool
    named: list[str] = field(default_factory=list)  # the functions/sites the findings name
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.caught and not self.problems


def check_canary(
    canary: Canary,
    layers: list[str],
    quick: bool = True,
    leakcheck_dir: Path | None = None,
    output_dir: Path | None = None,
) -> list[CanaryCheck]:
    layers = [name for name in LAYERS if name in layers and name in canary.layers]
    with tempfile.TemporaryDirectory(prefix=f"canary-{canary.name}-") as tmp:
        result = run_audit(
            quick=quick,
            layers=layers,
            canary=canary.name,
            output_dir=output_dir or Path(tmp),
            only=canary.scenarios,
            leakcheck_dir=leakcheck_dir,
            write=output_dir is not None,
        )
    audit_problems = [f"{f.kind}: {f.function}: {f.message}" for f in result.findings]
    checks = []
    for name in layers:
        layer = result.layer(name)
        if layer is None:
            checks.append(CanaryCheck(canary.name, name, False, problems=audit_problems or ["layer did not run"]))
            continue
        ours = [f for f in layer.findings if f.canary == canary.name and f.kind in CAUGHT_KINDS[name]]
        others = [f for f in layer.findings if f.canary != canary.name]
        checks.append(
            CanaryCheck(
                canary.name,
                name,
                caught=bool(ours),
                named=sorted({f.function for f in ours}),
                problems=audit_problems + [f"unexpected {f.kind} at {f.function}: {f.message}" for f in others],
                seconds=layer.seconds,
            )
        )
    return checks


def run_selftest(
    layers: list[str] | None = None,
    quick: bool = True,
    leakcheck_dir: Path | None = None,
    canaries: list[str] | None = None,
) -> list[CanaryCheck]:
    layers = list(layers or LAYERS)
    checks = []
    for canary in all_canaries():
        if canaries is None or canary.name in canaries:
            checks += check_canary(canary, layers, quick=quick, leakcheck_dir=leakcheck_dir)
    return checks
