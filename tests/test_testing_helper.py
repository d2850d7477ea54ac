"""The pytest helper fails with a readable message listing each finding."""

from __future__ import annotations

import pytest

import eerlijkheid as ee
from eerlijkheid.datasets import welfare_reexamination
from eerlijkheid.testing import assert_no_findings


def test_fails_on_injected_bias_with_a_readable_message():
    frame = welfare_reexamination(n=20_000, seed=2)
    result = ee.audit(
        frame,
        decision="geselecteerd",
        groups="migratieachtergrond",
        random_sample="aselect",
        reference={"migratieachtergrond": "geen"},
        language="en",
    )
    with pytest.raises(AssertionError) as info:
        assert_no_findings(result, fail_on="high")
    text = str(info.value)
    assert text.startswith("1 finding(s)") or "finding(s) at or above the bar" in text
    assert "EE201 [high/established]" in text and "niet-westers" in text


def test_passes_without_bias_and_filters_codes():
    frame = welfare_reexamination(n=20_000, seed=2, bias=False)
    result = ee.audit(
        frame,
        decision="geselecteerd",
        groups="migratieachtergrond",
        random_sample="aselect",
        reference={"migratieachtergrond": "geen"},
    )
    assert_no_findings(result, fail_on="medium", codes=("EE201", "EE202"))
    with pytest.raises(ee.ConfigError):
        assert_no_findings(result, fail_on="severe")  # type: ignore[arg-type]
