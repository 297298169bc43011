"""The leak audit: ledger, growth, ASan/LSan/UBSan and Valgrind layers over the
scenario registry in bridgebench.leakcheck.scenarios, proven by canaries, and a fuzz layer.

``run_audit(quick=True, layers=..., canary=None, output_dir=...) -> AuditResult`` runs it;
``AuditResult.to_markdown()`` is the table the reports include. See leakcheck/README.md.
"""

from bridgebench.leakcheck.audit import AUDIT_LAYERS, run_audit
from bridgebench.leakcheck.model import Finding, LayerResult
from bridgebench.leakcheck.report import AuditResult
from bridgebench.leakcheck.scenarios import LAYERS

__all__ = ["run_audit", "AuditResult", "LayerResult", "Finding", "LAYERS", "AUDIT_LAYERS"]
