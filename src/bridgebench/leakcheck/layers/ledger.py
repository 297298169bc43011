"""Ledger layer: after every scenario, every site it touched must be balanced (allocations ==
frees, no bytes outstanding). Also builds the per-function table (totals over all scenarios)."""

from __future__ import annotations

import time

from bridgebench.leakcheck.layers import Context, read_worker_output, run_worker, worker_command, worker_env
from bridgebench.leakcheck.model import Finding, LayerResult


def run(ctx: Context) -> LayerResult:
    started = time.perf_counter()
    out = ctx.work_dir / "ledger.json"
    proc = run_worker(
        worker_command("ledger", out, only=ctx.only), worker_env(ctx, ctx.sites["audit"]), ctx.work_dir, timeout=600
    )
    data, findings = read_worker_output(out, proc, "ledger")
    result = LayerResult("ledger", findings)
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
                    result.findings.append(
                        Finding(
                            "ledger",
                            "unbalanced",
                            site,
                            f"{counts['allocations']} allocations, {counts['frees']} frees, "
                            f"{counts['bytes_outstanding']} B outstanding after the scenario",
                            scenario=scenario["scenario"],
                            bytes=counts["bytes_outstanding"],
                        )
                    )
        result.details["per_function"] = [table[k] for k in sorted(table)]
        result.details["canaries_compiled_in"] = data.get("canaries_compiled_in")
    result.seconds = time.perf_counter() - started
    return result
