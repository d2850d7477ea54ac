"""Findings: the code registry with its documentation, the Finding model, and the rules.

Examples
--------
>>> from eerlijkheid.findings import CODES
>>> CODES["EE101"].name
'race-ground-in-inputs'
"""

from eerlijkheid.findings._codes import CODES, SEVERITIES, FindingCode, Severity, get_code
from eerlijkheid.findings._model import (
    CERTAINTIES,
    SEVERITY_ORDER,
    Certainty,
    Finding,
    SeverityLevel,
    Subject,
    certainty_of,
    severity_of_ratio,
)
from eerlijkheid.findings._rules import derive_findings, disparity_evidence, metric_label_key
from eerlijkheid.findings._rules_groups import group_findings
from eerlijkheid.findings._rules_process import (
    MAX_EFFECTIVENESS_LOSS,
    derive_process_findings,
    necessity_findings,
)
from eerlijkheid.findings._rules_proxies import AUC_BANDS, proxy_findings

__all__ = [
    "AUC_BANDS",
    "CERTAINTIES",
    "CODES",
    "MAX_EFFECTIVENESS_LOSS",
    "SEVERITIES",
    "SEVERITY_ORDER",
    "Certainty",
    "Finding",
    "FindingCode",
    "Severity",
    "SeverityLevel",
    "Subject",
    "certainty_of",
    "derive_findings",
    "derive_process_findings",
    "disparity_evidence",
    "get_code",
    "group_findings",
    "metric_label_key",
    "necessity_findings",
    "proxy_findings",
    "severity_of_ratio",
]
