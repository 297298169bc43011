"""The audit result and its three renderings: leaks.json, leaks.md (the table the run's
summary.md includes) and JUnit XML (leaks.junit.xml) for CI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bridgebench.leakcheck.model import Finding, LayerResult


def layer_verdict(layer: LayerResult) -> str:
    if layer.unavailable:
        return layer.unavailable
    return "pass" if layer.passed else "FAIL"


def _growth_moved(growth: LayerResult | None) -> list[str]:
    """Which tracked figures grew at all, per scenario (a finding needs growth in every step)."""
    moved = growth.details.get("moved") if growth is not None else None
    if not moved:
        return []
    lines = ["", "Growth layer, the figures that grew over the tracked runs (a finding needs every step):", ""]
    lines += [f"- {scenario}: {', '.join(metrics)}" for scenario, metrics in sorted(moved.items())[:30]]
    return lines


@dataclass
class AuditResult:
    quick: bool
    canary: str | None
    layers: list[LayerResult] = field(default_factory=list)
    # Audit-level findings: coverage gaps, bad suppression entries, build failures.
    findings: list[Finding] = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    # Lines and branches of src/ the scenarios reached (bridgebench.leakcheck.native_coverage).
    native_coverage: dict = field(default_factory=dict)
    # Shortfalls reported without failing the audit (see audit.MISUSE_GATE).
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    build_seconds: float = 0.0
    output_dir: str | None = None

    @property
    def all_findings(self) -> list[Finding]:
        return self.findings + [f for layer in self.layers for f in layer.findings]

    @property
    def passed(self) -> bool:
        return not self.all_findings

    @property
    def ok(self) -> bool:
        return self.passed

    def summary(self) -> str:
        """One line: verdict, layers, findings, time."""
        layers = ", ".join(f"{layer.layer} {layer_verdict(layer)}" for layer in self.layers)
        verdict = "no findings" if self.passed else f"{len(self.all_findings)} finding(s)"
        return f"leak audit ({'quick' if self.quick else 'full'}): {verdict} ({layers}; {self.seconds:.0f} s)"

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def layer(self, name: str) -> LayerResult | None:
        return next((layer for layer in self.layers if layer.layer == name), None)

    def to_dict(self) -> dict:
        return {
            "passed": self.passed,
            "quick": self.quick,
            "canary": self.canary,
            "seconds": round(self.seconds, 2),
            "build_seconds": round(self.build_seconds, 2),
            "coverage": self.coverage,
            "native_coverage": self.native_coverage,
            "warnings": self.warnings,
            "findings": [asdict(f) for f in self.findings],
            "layers": [layer.to_dict() for layer in self.layers],
        }

    # ---- markdown ---------------------------------------------------------------------------
    def to_markdown(self, max_findings: int = 30) -> str:
        mode = "quick" if self.quick else "full"
        verdict = "PASS: no findings" if self.passed else f"FAIL: {len(self.all_findings)} finding(s)"
        lines = [
            f"### Leak audit ({mode}{', canary ' + self.canary if self.canary else ''}): {verdict}",
            "",
            f"{self.seconds:.0f} s in total"
            + (f", of which {self.build_seconds:.0f} s building the audit builds." if self.build_seconds else "."),
            "",
        ]
        if self.coverage.get("packages"):
            lines += [
                f"Audited: the native binaries of {', '.join(self.coverage['packages'])} as installed "
                "(and built with ASan+UBSan when asked), "
                f"{self.coverage.get('scenarios', 0)} scenarios; the ledger counts bridgebench's own "
                "allocations only.",
                "",
            ]
        elif self.coverage:
            lines += [
                f"Coverage: {self.coverage.get('covered', 0)}/{self.coverage.get('exports', 0)} exported "
                f"functions have a scenario; {self.coverage.get('scenarios', 0)} scenarios.",
                "",
            ]
        lines += ["| layer | result | findings | scenarios | seconds |", "|---|---|---|---|---|"]
        for layer in self.layers:
            lines.append(
                f"| {layer.layer} | {layer_verdict(layer)} | {len(layer.findings)} | "
                f"{len(layer.scenarios)} | {layer.seconds:.1f} |"
            )
        lines += _growth_moved(self.layer("growth"))
        findings = self.all_findings
        if findings:
            lines += [
                "",
                "| layer | kind | function / site | scenario | bytes | canary | message |",
                "|---|---|---|---|---|---|---|",
            ]
            for f in findings[:max_findings]:
                message = f.message.replace("|", "\\|").replace("\n", " ")[:160]
                lines.append(
                    f"| {f.layer} | {f.kind} | `{f.function}` | {f.scenario or ''} | "
                    f"{'' if f.bytes is None else f.bytes} | {f.canary or ''} | {message} |"
                )
            if len(findings) > max_findings:
                lines.append(f"| ... | {len(findings) - max_findings} more in leaks.json | | | | | |")
        lines += self._native_coverage_markdown()
        if self.warnings:
            lines += ["", f"Warnings ({len(self.warnings)}, not failing the audit):", ""]
            lines += [f"- {w}" for w in self.warnings[:max_findings]]
            if len(self.warnings) > max_findings:
                lines.append(f"- ... {len(self.warnings) - max_findings} more in leaks.json")
        ledger = self.layer("ledger")
        if ledger is not None and ledger.details.get("per_function"):
            lines += [
                "",
                "Ledger, per exported function (totals over all scenarios):",
                "",
                "| site | allocations | frees | bytes allocated | bytes outstanding |",
                "|---|---|---|---|---|",
            ]
            for row in ledger.details["per_function"]:
                lines.append(
                    f"| `{row['site']}` | {row['allocations']} | {row['frees']} | {row['bytes_allocated']} | "
                    f"{row['bytes_outstanding']} |"
                )
        return "\n".join(lines) + "\n"

    def _native_coverage_markdown(self) -> list[str]:
        if not self.native_coverage:
            return []
        floors = self.native_coverage.get("floors", {})
        lines = [
            "",
            "Native coverage of the scenarios (lines and branches of src/ reached; floor per folder):",
            "",
            "| folder | lines | branches | floor |",
            "|---|---|---|---|",
        ]
        for folder, row in self.native_coverage["folders"].items():
            floor = floors.get(folder)
            lines.append(
                f"| `{folder}` | {row['line_percent']} % of {row['lines']} | {row['branch_percent']} % of "
                f"{row['branches']} | {'' if floor is None else f'{floor:.0f} %'} |"
            )
        lines += ["", "| file | lines | uncovered lines |", "|---|---|---|"]
        for f in self.native_coverage["files"]:
            percent = 100.0 * f["lines_covered"] / f["lines"] if f["lines"] else 100.0
            lines.append(f"| `{f['file']}` | {percent:.1f} % of {f['lines']} | {f['uncovered_lines']} |")
        return lines

    # ---- JUnit --------------------------------------------------------------------------------
    def to_junit(self) -> str:
        suites = ET.Element(
            "testsuites", name="bridgebench leakcheck", tests="0", failures="0", time=f"{self.seconds:.2f}"
        )
        total = failures = 0

        def suite(name: str, cases: list[tuple[str, list[Finding]]], seconds: float) -> None:
            nonlocal total, failures
            s = ET.SubElement(
                suites,
                "testsuite",
                name=f"leakcheck.{name}",
                tests=str(len(cases)),
                failures=str(sum(1 for _, fs in cases if fs)),
                time=f"{seconds:.2f}",
            )
            for case_name, case_findings in cases:
                case = ET.SubElement(s, "testcase", classname=f"leakcheck.{name}", name=case_name)
                total += 1
                if case_findings:
                    failures += 1
                    failure = ET.SubElement(
                        case,
                        "failure",
                        type=case_findings[0].kind,
                        message=f"{case_findings[0].function}: {case_findings[0].message}"[:500],
                    )
                    failure.text = "\n\n".join(
                        f"[{f.kind}] {f.function}: {f.message}\n" + "\n".join("  " + s for s in f.stack)
                        for f in case_findings
                    )

        suite("audit", [("coverage_and_suppressions", self.findings)], 0.0)
        for layer in self.layers:
            by_scenario: dict[str, list[Finding]] = {name: [] for name in layer.scenarios}
            process: list[Finding] = []
            for f in layer.findings:
                (by_scenario[f.scenario] if f.scenario in by_scenario else process).append(f)
            cases = [(name, fs) for name, fs in by_scenario.items()]
            cases.append(("process (exit-time checks and stacks without a scenario)", process))
            suite(layer.layer, cases, layer.seconds)
        suites.set("tests", str(total))
        suites.set("failures", str(failures))
        ET.indent(suites)
        return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"

    def write(self, output_dir: Path) -> dict[str, Path]:
        output_dir.mkdir(parents=True, exist_ok=True)
        paths = {
            "json": output_dir / "leaks.json",
            "markdown": output_dir / "leaks.md",
            "junit": output_dir / "leaks.junit.xml",
        }
        paths["json"].write_text(json.dumps(self.to_dict(), indent=1) + "\n")
        paths["markdown"].write_text(self.to_markdown())
        paths["junit"].write_text(self.to_junit())
        self.output_dir = str(output_dir)
        return paths
