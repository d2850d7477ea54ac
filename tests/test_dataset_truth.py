"""The injected truth of every built-in dataset is what the report leads with (issue 12).

For each generator in :mod:`eerlijkheid.datasets` the truth object says which disparity was
injected and which differences are *absent* (explained by a legitimate factor, or equal by
construction).  Read as a council member would, page 1 of the HTML report must:

* show the injected disparity among the findings of its summary ("De ernstigste
  bevindingen": the five most severe, the most certain first);
* not report anything the truth says is absent as a disparity of high severity;
* stay short enough to read: at most ``MAX_SHOWN`` findings outside the "too little data"
  tables (EE401 rows are shown as one table per attribute, not as findings to read one by
  one).  Fifteen is what a two-page summary holds; each dataset here is far below it.

The truth is the generator's own closed-form description (``*_truth()``), not the audit's
output; the audits use the roles a user of that process would give.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import unescape

import pytest

import eerlijkheid as ee
from eerlijkheid.datasets import (
    address_checks,
    address_checks_truth,
    welfare_reexamination,
    welfare_reexamination_truth,
    wmo_allocation,
    wmo_allocation_truth,
)
from eerlijkheid.findings import Finding
from eerlijkheid.report import render_html

#: Findings outside the "too little data" tables that a reader is asked to read.
MAX_SHOWN = 15
#: Codes that state a disparity between groups (graded by its size).
DISPARITY_CODES = ("EE201", "EE202", "EE203", "EE204", "EE611", "EE612")


def _top_codes(html: str) -> list[tuple[str, str]]:
    """(code, message) of the summary's list of most severe findings, in order."""
    block = re.search(r'<ol class="top">(.*?)</ol>', html, re.S)
    assert block is not None, "the summary has no list of most severe findings"
    items = re.findall(
        r'<span class="mono">(EE\d{3})</span>.*?<span class="message">(.*?)</span>',
        block.group(1),
        re.S,
    )
    return [(code, re.sub(r"<[^>]+>", "", unescape(text))) for code, text in items]


def _shown(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.code != "EE401"]


def _is(f: Finding, code: str, attribute: str, group: str) -> bool:
    return f.code == code and f.subject.attributes == (attribute,) and f.subject.group == (group,)


@pytest.fixture(scope="module")
def welfare() -> ee.AuditResult:
    # The roles of `eerlijkheid demo`.
    return ee.audit(
        welfare_reexamination(n=20_000, seed=0),
        decision="geselecteerd",
        groups=["migratieachtergrond", "geslacht", "leeftijdsklasse"],
        outcome="onrechtmatig",
        random_sample="aselect",
        reference={"migratieachtergrond": "geen"},
        inputs=["risicoscore", "taalvaardigheid", "inkomen_bijverdiensten", "leeftijdsklasse"],
        language="nl",
    )


@pytest.fixture(scope="module")
def wmo() -> ee.AuditResult:
    return ee.audit(
        wmo_allocation(10_000, seed=0),
        decision="toegekend",
        groups=["migratieachtergrond", "geslacht", "leeftijdsgroep", "wijk"],
        score="urgentiescore",
        handler="team",
        reference={"migratieachtergrond": "geen", "leeftijdsgroep": "65-79"},
        config=ee.AuditConfig(favourable=True),
        language="nl",
    )


@pytest.fixture(scope="module")
def checks() -> ee.AuditResult:
    return ee.audit(
        address_checks(20_000, seed=0),
        decision="gecontroleerd",
        groups=["migratieachtergrond", "geslacht", "leeftijdsgroep"],
        outcome="overtreding",
        random_sample="steekproef",
        reference={"migratieachtergrond": "geen"},
        inputs=["postcodegebied", "huishouden", "aantal_inschrijvingen"],
        language="nl",
    )


def test_welfare_leads_with_the_injected_selection_gap(welfare: ee.AuditResult) -> None:
    truth = welfare_reexamination_truth()
    top = _top_codes(render_html(welfare))
    # the injected disparity: the protected group is selected more than the reference
    leading = [
        f for f in welfare.findings if _is(f, "EE201", "migratieachtergrond", "niet-westers")
    ]
    assert leading and leading[0].subject.reference == (truth.reference_group,)
    assert leading[0].certainty == "established"
    assert any(
        code == "EE201" and truth.protected_group in text and "migratieachtergrond" in text
        for code, text in top
    ), top
    # equal hit rates by construction: no hit-rate disparity of high severity
    assert not [f for f in welfare.findings if f.code == "EE204" and f.severity == "high"]
    assert len(_shown(welfare.findings)) <= MAX_SHOWN


def test_wmo_leads_with_the_team_and_the_gap_at_equal_need(wmo: ee.AuditResult) -> None:
    truth = wmo_allocation_truth()
    codes = [code for code, _ in _top_codes(render_html(wmo))]
    # injected: wijkteam B grants 'niet-westers' applicants less at equal need
    team = [f for f in wmo.findings if f.code == "EE513"]
    assert team and truth.strict_team in team[0].message
    assert "EE513" in codes, codes
    # "too little data" is shown in its own tables, never among the findings led with
    assert "EE401" not in codes, codes
    # the background gap at equal need (EE511) is reported
    assert [f for f in wmo.findings if f.code == "EE511"]
    # the age gap is explained by need (truth.age_equal_need_ratio == 1): it may be shown as
    # explained (EE302), never as a disparity of high severity, nor at the top as one
    assert truth.age_equal_need_ratio == 1.0
    age = [
        f
        for f in wmo.findings
        if f.code in DISPARITY_CODES and "leeftijdsgroep" in f.subject.attributes
    ]
    assert not [f for f in age if f.severity in ("high", "critical")], age
    assert len(_shown(wmo.findings)) <= MAX_SHOWN


def test_address_checks_lead_with_the_profile_and_its_proxy(checks: ee.AuditResult) -> None:
    truth = address_checks_truth()
    top = _top_codes(render_html(checks))
    assert any(
        code in ("EE201", "EE202") and truth.protected_group in text for code, text in top
    ), top
    # the postcode is the proxy the profile uses
    assert [
        f for f in checks.findings if f.code == "EE601" and f.subject.column == "postcodegebied"
    ] or [f for f in checks.findings if f.code == "EE601" and "postcodegebied" in f.message]
    # violations are equally frequent everywhere: no hit-rate disparity of high severity
    assert truth.violation_rate > 0
    assert not [f for f in checks.findings if f.code == "EE204" and f.severity == "high"]
    assert len(_shown(checks.findings)) <= MAX_SHOWN
