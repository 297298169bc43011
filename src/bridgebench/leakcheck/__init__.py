"""The leak audit: ledger, growth, ASan/LSan/UBSan and Valgrind layers over the
scenario registry in bridgebench.leakcheck.scenarios, proven by canaries, and a fuzz layer.

``run_audit(quick=True, layers=..., canary=None, output_dir=...) -> AuditResult`` runs it;
``AuditResult.to_markdown()`` is the table the reports include. See leakcheck/README.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bridgebench.leakcheck.scenarios import LAYERS

if TYPE_CHECKING:
    from bridgebench.leakcheck.audit import AUDIT_LAYERS, run_audit
    from bridgebench.leakcheck.model import Finding, LayerResult
    from bridgebench.leakcheck.report import AuditResult

# Imported on first use: the worker processes the layers start (under Valgrind and ASan too,
# where every import costs seconds) load only the scenarios and what measures them.
_LAZY = {
    "run_audit": "audit",
    "AUDIT_LAYERS": "audit",
    "AuditResult": "report",
    "LayerResult": "model",
    "Finding": "model",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["run_audit", "AuditResult", "LayerResult", "Finding", "LAYERS", "AUDIT_LAYERS"]
