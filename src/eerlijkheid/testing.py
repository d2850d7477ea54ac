"""Helpers for test suites of municipal models: fail a pytest test on audit findings.

Examples
--------
>>> import pandas as pd
>>> import eerlijkheid as ee
>>> from eerlijkheid.testing import assert_no_findings
>>> frame = pd.DataFrame({"g": ["a", "b"] * 100, "d": [1, 0, 0, 1] * 50})
>>> assert_no_findings(ee.audit(frame, decision="d", groups="g"), fail_on="medium")
"""

from __future__ import annotations

from eerlijkheid.audit import AuditResult
from eerlijkheid.findings import SeverityLevel
from eerlijkheid.gate import Gate
from eerlijkheid.i18n import message

__all__ = ["assert_no_findings"]


def assert_no_findings(
    result: AuditResult,
    *,
    fail_on: SeverityLevel = "medium",
    certainty: str = "established",
    codes: tuple[str, ...] | None = None,
) -> None:
    """Fail (``AssertionError``) when the audit has findings at or above the bar.

    Parameters
    ----------
    result : AuditResult
        The audit.
    fail_on : {'info', 'low', 'medium', 'high', 'critical'}
        Lowest failing severity.
    certainty : {'inconclusive', 'indicative', 'established'}
        Weakest failing certainty of statistical findings.
    codes : tuple of str, optional
        Only these codes count (e.g. ``("EE201", "EE202")``).

    Raises
    ------
    AssertionError
        Listing each failing finding: code, severity/certainty and its message.
    """
    gate = Gate(fail_on=fail_on, certainty=certainty)  # type: ignore[arg-type]
    failing = [f for f in gate.failing(result.findings) if codes is None or f.code in codes]
    if failing:
        lines = [
            message(
                "testing-failed",
                count=len(failing),
                fail_on=fail_on,
                certainty=certainty,
                language=result.language,
            )
        ]
        lines += [f"  {f.code} [{f.severity}/{f.certainty}] {f.message}" for f in failing]
        raise AssertionError("\n".join(lines))
