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
from bridgebench.leakcheck.model import LayerResult
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
    evidence: str = ""  # for a missed canary: what the layer reported about its own run

    @property
    def ok(self) -> bool:
        return self.caught and not self.problems


def _evidence(layer: LayerResult) -> str:
    """What a layer that missed a canary said about its run (exit statuses, how many reports
    it parsed, the end of the checker's output): the first thing to read when a checker is
    silent on one machine and not on another."""
    details = {k: v for k, v in layer.details.items() if k != "output_tail"}
    return f"{layer.layer}: {details}; output ends: {layer.details.get('output_tail', '')!r}"


def compatible(canaries: list[Canary]) -> bool:
    """Canaries that can be switched on together in one audit: no two share a site or a
    function, so every finding is attributed to exactly one of them."""
    sites = [s for c in canaries for s in c.sites]
    functions = [f for c in canaries for f in c.functions]
    return len(sites) == len(set(sites)) and len(functions) == len(set(functions))


def groups(canaries: list[Canary]) -> list[list[Canary]]:
    """The canaries in as few compatible groups as a first-fit pass finds: each group is one
    audit run per layer instead of one per canary (the audit's start-up, builds and fixtures
    are paid once per group)."""
    out: list[list[Canary]] = []
    for canary in canaries:
        home = next((g for g in out if compatible([*g, canary])), None)
        if home is None:
            out.append([canary])
        else:
            home.append(canary)
    return out


def check_canaries(
    canaries: list[Canary],
    layers: list[str],
    quick: bool = True,
    leakcheck_dir: Path | None = None,
    output_dir: Path | None = None,
) -> list[CanaryCheck]:
    """Switches on a compatible group of canaries in one audit and checks each of them: every
    one is caught by each of its layers, and nothing else is found."""
    if not compatible(canaries):
        raise ValueError(f"canaries {[c.name for c in canaries]} share a site or a function")
    wanted = [name for name in LAYERS if name in layers and any(name in c.layers for c in canaries)]
    with tempfile.TemporaryDirectory(prefix="canaries-") as tmp:
        result = run_audit(
            quick=quick,
            layers=wanted,
            canary=",".join(c.name for c in canaries),
            output_dir=output_dir or Path(tmp),
            only=sorted({s for c in canaries for s in c.scenarios}),
            leakcheck_dir=leakcheck_dir,
            write=output_dir is not None,
        )
    audit_problems = [f"{f.kind}: {f.function}: {f.message}" for f in result.findings]
    names = {c.name for c in canaries}
    checks = []
    for canary in canaries:
        for name in wanted:
            if name not in canary.layers:
                continue
            layer = result.layer(name)
            if layer is None:
                checks.append(CanaryCheck(canary.name, name, False, problems=audit_problems or ["layer did not run"]))
                continue
            ours = [f for f in layer.findings if f.canary == canary.name and f.kind in CAUGHT_KINDS[name]]
            # Findings of the group's other canaries are theirs to check; anything else is a problem.
            others = [f for f in layer.findings if f.canary not in names]
            checks.append(
                CanaryCheck(
                    canary.name,
                    name,
                    caught=bool(ours),
                    named=sorted({f.function for f in ours}),
                    problems=audit_problems + [f"unexpected {f.kind} at {f.function}: {f.message}" for f in others],
                    seconds=layer.seconds,
                    evidence="" if ours else _evidence(layer),
                )
            )
    return checks


def check_canary(
    canary: Canary,
    layers: list[str],
    quick: bool = True,
    leakcheck_dir: Path | None = None,
    output_dir: Path | None = None,
) -> list[CanaryCheck]:
    return check_canaries([canary], layers, quick=quick, leakcheck_dir=leakcheck_dir, output_dir=output_dir)


def run_selftest(
    layers: list[str] | None = None,
    quick: bool = True,
    leakcheck_dir: Path | None = None,
    canaries: list[str] | None = None,
) -> list[CanaryCheck]:
    layers = list(layers or LAYERS)
    chosen = [c for c in all_canaries() if canaries is None or c.name in canaries]
    checks = []
    for group in groups(chosen):
        checks += check_canaries(group, layers, quick=quick, leakcheck_dir=leakcheck_dir)
    return checks
