"""De eerlijkheidseis van het risicomodel als pytest-test.

Draai met ``python -m pytest voorbeelden/ci_poort/test_eerlijk.py``.  De test faalt
(``AssertionError`` met de bevindingen) zodra de selecties van het model een bevinding
van ernst middel of hoger met vastgestelde zekerheid opleveren.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import eerlijkheid as ee
from eerlijkheid.testing import assert_no_findings

sys.path.insert(0, str(Path(__file__).resolve().parent))

import risicomodel

CONFIG = Path(__file__).resolve().parent / "eerlijkheid.toml"


def audit_of(version: str) -> ee.AuditResult:
    return ee.audit(
        risicomodel.selections(version),
        config=CONFIG,
        inputs=risicomodel.FEATURES[version],
    )


def test_model_v1_selecteert_groepen_gelijk() -> None:
    assert_no_findings(audit_of("v1"), fail_on="medium")


def test_model_v2_wordt_tegengehouden() -> None:
    result = audit_of("v2")
    with pytest.raises(AssertionError, match="EE201") as failure:
        assert_no_findings(result, fail_on="medium", codes=("EE201", "EE202"))
    # De melding noemt de benadeelde groep.
    assert "niet-westers" in str(failure.value)
