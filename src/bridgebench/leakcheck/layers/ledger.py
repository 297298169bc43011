"""Ledger layer: after every scenario, every site it touched must be balanced (allocations ==
frees, no bytes outstanding). Also builds the per-function table (totals over all scenarios).

C ABI results are counted twice: against the allocating function's site and against
"<site> results" (src/capi/result_block.hpp). When the results site is unbalanced, the blocks
reached the caller and were not released: the finding names the free function(s) the scenario
called (bb_free_*), whose free path is wrong, or says none was called."""

from __future__ import annotations

import time

from bridgebench.leakcheck.layers import Context, run_resumable, worker_command, worker_env
from bridgebench.leakcheck.model import Finding, LayerResult
from bridgebench.leakcheck.scenarios import all_scenarios

RESULTS_SUFFIX = " results"


def free_functions(scenario: str) -> list[str]:
    """The C ABI free functions a scenario covers (and so calls)."""
    covers = {s.name: s.covers for s in all_scenarios()}.get(scenario, ())
    return sorted(name.split(":", 1)[1] for name in covers if name.split(":", 1)[-1].startswith("bb_free_"))


def unbalanced(scenario: str, site: str, counts: dict) -> Finding:
    what = (
        f"{counts['allocations']} allocations, {counts['frees']} frees, "
        f"{counts['bytes_outstanding']} B outstanding after the scenario"
    )
    function = site
    if site.endswith(RESULTS_SUFFIX):
        frees = free_functions(scenario)
        allocator = site[: -len(RESULTS_SUFFIX)]
        if frees:
            function = frees[0] if len(frees) == 1 else " or ".join(frees)
            what = f"results of {allocator} handed to the caller were not all released by {function}: {what}"
        else:
            what = f"results of {allocator} handed to the caller were never released (no bb_free_* called): {what}"
    return Finding("ledger", "unbalanced", function, what, scenario=scenario, bytes=counts["bytes_outstanding"])


def run(ctx: Context) -> LayerResult:
    started = time.perf_counter()
    out = ctx.work_dir / "ledger.json"
    runs = run_resumable(
        "ledger",
        lambda attempt, after: worker_command("ledger", out, only=ctx.only, after=after),
        out,
        worker_env(ctx, ctx.sites["audit"]),
        ctx.work_dir,
        timeout=900,
    )
    data = runs.data
    result = LayerResult("ledger", runs.findings)
    if data is not None:
        table: dict[str, dict] = {}
        for scenario in data["scenarios"]:
            result.scenarios.append(scenario["scenario"])
            for site, counts in scenario["sites"].items():
                row = table.setdefault(
                    site,
                    {
                        "site": site,
                        "allocations": 0,
                        "frees": 0,
                        "bytes_allocated": 0,
                        "bytes_outstanding": 0,
                        "scenarios": 0,
                    },
                )
                for key in ("allocations", "frees", "bytes_allocated", "bytes_outstanding"):
                    row[key] += counts[key]
                row["scenarios"] += 1
                if counts["allocations"] != counts["frees"] or counts["bytes_outstanding"] != 0:
                    result.findings.append(unbalanced(scenario["scenario"], site, counts))
        result.details["per_function"] = [table[k] for k in sorted(table)]
        result.details["canaries_compiled_in"] = data.get("canaries_compiled_in")
    result.seconds = time.perf_counter() - started
    return result
