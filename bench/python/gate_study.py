"""How trustworthy is `bridgebench compare` as a CI gate on this machine? An A/A and A/B study.

    nice -n 10 .venv/bin/python bench/python/gate_study.py --rounds 20 --out /tmp/gate-study

1. Runs `bridgebench bench --workloads arrays,spell --sizes 1000` ROUNDS + 1 times back to back
   on unchanged code (each run saved), and compares each run with the next one (ROUNDS compares
   of two back-to-back runs): A/A. Target: 0 gate failures at --fail-on-slowdown 5.
2. A/B: in a copy of the newer run of each pair, one of our implementations' raw samples are
   scaled by 1.10 (target: flagged in >= 19 of 20 compares) or by 1.02 (target: never flagged).
3. With --instructions-runs K (default 2): K runs with --instructions: instruction counts of the
   same implementation differ by <= 0.5 % between runs, 0 gate failures at 1 %, and the cost of
   a run with --instructions against the same run without.

Prints a Markdown summary and writes it to OUT/summary.md. Numbers, not asserts: the targets are
judged by a reader (or CI) from the summary, never in a unit test.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import time
from pathlib import Path

from bridgebench.runners import gate, results_json
from bridgebench.runners.confirm import replace_measurements
from bridgebench.runners.results import RunResult

SCALED = ("arrays", "ints", 1000, "capi")  # the implementation whose samples A/B scales


def bench(out: Path, workloads: str, sizes: str, instructions: bool = False) -> tuple[RunResult, float]:
    """One saved `bridgebench bench` run (folder `out`) and its wall time. A run already saved
    there, with its time, is loaded instead: an interrupted study resumes where it stopped, and
    a study cut short is summarised with --rounds set to the runs it has."""
    seconds_file = out.with_suffix(".seconds")
    if (out / "results.json").is_file() and seconds_file.is_file():
        return results_json.load(out), float(seconds_file.read_text())
    cmd = [sys.executable, "-m", "bridgebench", "bench", "--workloads", workloads, "--sizes", sizes, "--json", str(out)]
    if instructions:
        cmd.append("--instructions")
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    seconds_file.write_text(f"{seconds:.3f}")
    return results_json.load(out), seconds


def scaled(run: RunResult, key: tuple[str, str, int, str], factor: float) -> RunResult:
    row = next(r for r in run.rows() if r.key == key)
    m = dataclasses.replace(row.measurement, samples=row.measurement.samples.scaled(factor))  # type: ignore[union-attr]
    return replace_measurements(run, {key: m})


def scaled_instructions(run: RunResult, key: tuple, factor: float) -> RunResult:
    row = next(r for r in run.rows() if r.key == key)
    m = dataclasses.replace(row.measurement, instructions=row.measurement.instructions * factor)  # type: ignore[operator]
    return replace_measurements(run, {key: m})


def flagged(comparison: gate.Comparison, key: tuple[str, str, int, str]) -> bool:
    return any(r.new.key == key for r in comparison.failures)


def study_wall(runs: list[RunResult]) -> list[str]:
    wall = gate.Thresholds(wall=0.05)
    pairs = list(zip(runs, runs[1:], strict=False))
    aa = [gate.compare(a, b, wall) for a, b in pairs]
    ab10 = [flagged(gate.compare(a, scaled(b, SCALED, 1.10), wall), SCALED) for a, b in pairs]
    ab02 = [flagged(gate.compare(a, scaled(b, SCALED, 1.02), wall), SCALED) for a, b in pairs]
    # The same scaling against a copy of the run itself: the test's power without run-to-run drift.
    self10 = [flagged(gate.compare(b, scaled(b, SCALED, 1.10), wall), SCALED) for b in runs]
    # The same compares on absolute times: what the normalisation to the case's reference buys.
    absolute = gate.Thresholds(wall=0.05, normalize="none")
    aa_absolute = [gate.compare(a, b, absolute) for a, b in pairs]
    ab10_absolute = [flagged(gate.compare(a, scaled(b, SCALED, 1.10), absolute), SCALED) for a, b in pairs]
    spreads = sorted(r.measurement.spread() for run in runs for r in run.rows() if r.key == SCALED)
    failing_rows = sorted({r.label for c in aa for r in c.failures})
    changes = sorted(abs(r.change) for c in aa for r in c.rows if r.gated)
    lines = [
        f"- A/A: {sum(bool(c.failures) for c in aa)} of {len(aa)} compares failed the gate at 5 % "
        f"(rows: {', '.join(failing_rows) or 'none'})",
        f"- A/A gated rows: median |change| {changes[len(changes) // 2] * 100:.1f} %, "
        f"max {changes[-1] * 100:.1f} %; verdicts: "
        + ", ".join(f"{v} {sum(r.verdict == v for c in aa for r in c.rows if r.gated)}" for v in _verdicts()),
        f"- A/B x1.10 on {'.'.join(map(str, SCALED))}: flagged in {sum(ab10)} of {len(ab10)}",
        f"- A/B x1.02 on {'.'.join(map(str, SCALED))}: flagged in {sum(ab02)} of {len(ab02)}",
        f"- absolute times (--normalize none): A/A {sum(bool(c.failures) for c in aa_absolute)} of {len(aa)} "
        f"failed (rows: {', '.join(sorted({r.label for c in aa_absolute for r in c.failures})) or 'none'}); "
        f"A/B x1.10 flagged in {sum(ab10_absolute)} of {len(ab10_absolute)}",
        f"- x1.10 against a scaled copy of the same run: flagged in {sum(self10)} of {len(self10)} "
        f"(its within-run spread, IQR/median: median {spreads[len(spreads) // 2] * 100:.0f} %)",
    ]
    return lines


def _verdicts() -> tuple[str, ...]:
    return (gate.SLOWER, gate.FASTER, gate.NO_CHANGE, gate.INCONCLUSIVE)


def study_instructions(runs: list[RunResult], cost: list[tuple[float, float]]) -> list[str]:
    counts: dict[tuple, list[float]] = {}
    for run in runs:
        for row in run.rows():
            if row.measurement.instructions is not None:
                counts.setdefault(row.key, []).append(row.measurement.instructions)
    spreads = {key: max(v) / min(v) - 1 for key, v in counts.items() if len(v) > 1 and min(v) > 0}
    worst = max(spreads.items(), key=lambda kv: kv[1]) if spreads else None
    pairs = list(zip(runs, runs[1:], strict=False))
    failures = sum(bool(gate.compare(a, b, gate.Thresholds()).failures) for a, b in pairs)
    counted = next(
        (r.key for r in runs[-1].rows() if r.measurement.kind == "native" and r.measurement.instructions), None
    )
    ab = (
        {
            factor: sum(
                any(
                    r.new.key == counted
                    for r in gate.compare(a, scaled_instructions(b, counted, factor), gate.Thresholds()).failures
                )
                for a, b in pairs
            )
            for factor in (1.02, 1.005)
        }
        if counted
        else {}
    )
    lines = [
        f"- instructions: {len(spreads)} rows counted in {len(runs)} runs; largest run-to-run difference "
        + (f"{worst[1] * 100:.3f} % ({'.'.join(map(str, worst[0]))})" if worst else "n/a"),
        f"- instructions A/A: {failures} of {len(pairs)} compares failed the gate at 1 %",
        *(
            f"- instructions A/B x{factor} on {'.'.join(map(str, counted))}: flagged in {n} of {len(pairs)}"
            for factor, n in ab.items()
        ),
    ]
    for wall_s, instr_s in cost:
        lines.append(
            f"- cost: bench {wall_s:.0f} s, bench --instructions {instr_s:.0f} s ({instr_s / wall_s:.1f}x; "
            "the --instructions run times the wall samples too)"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="A/A compares (runs = rounds + 1)")
    parser.add_argument("--instructions-runs", type=int, default=2)
    parser.add_argument("--workloads", default="arrays,spell")
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    runs, seconds = [], []
    for i in range(args.rounds + 1):
        run, s = bench(args.out / f"wall-{i:02d}", args.workloads, args.sizes)
        runs.append(run)
        seconds.append(s)
        print(f"wall run {i + 1}/{args.rounds + 1}: {s:.0f} s", flush=True)
    instr_runs, cost = [], []
    for i in range(args.instructions_runs):
        run, s = bench(args.out / f"instructions-{i:02d}", args.workloads, args.sizes, instructions=True)
        instr_runs.append(run)
        cost.append((seconds[i % len(seconds)], s))
        print(f"instructions run {i + 1}/{args.instructions_runs}: {s:.0f} s", flush=True)

    lines = [
        f"# gate study: {args.workloads} at n={args.sizes}, {len(runs)} wall runs, {len(instr_runs)} with instructions",
        "",
        *study_wall(runs),
        *(study_instructions(instr_runs, cost) if len(instr_runs) > 1 else []),
        f"- machine warnings in the runs: {sorted({w.split(':')[0] for r in runs for w in r.warnings}) or 'none'}",
    ]
    text = "\n".join(lines) + "\n"
    (args.out / "summary.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
