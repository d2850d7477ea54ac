"""Grading of ratios, power on the harmful side, and "too little data" (issue 12).

One function grades every ratio (:func:`eerlijkheid.config.grade_ratio`); the findings,
the discretion and the chain analyses call it.  Power and the minimum detectable ratio are
on the harmful side and defined for every reference rate; EE401 is a statement about
evidence (severity ``info``) and is not made where the interval already rules out the
detectable ratio.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import power_proportions_2indep

import eerlijkheid as ee
from eerlijkheid.analyses import analyse_sufficiency
from eerlijkheid.analyses.chain import _is_material
from eerlijkheid.analyses.discretion import _reaches
from eerlijkheid.config import AuditConfig, SeverityThresholds, grade_ratio, ratio_size
from eerlijkheid.findings import CODES, SEVERITY_ORDER, severity_of_ratio
from eerlijkheid.gate import Gate
from eerlijkheid.metrics import compare_counts

# ------------------------------------------------------------------------ one grading


@st.composite
def thresholds(draw: st.DrawFn) -> SeverityThresholds:
    cuts = sorted(draw(st.lists(st.floats(1.001, 20.0), min_size=3, max_size=3)))
    return SeverityThresholds(low=cuts[0], medium=cuts[1], high=cuts[2])


RATIOS = st.floats(1e-6, 1e6, allow_nan=False)


def _near_a_threshold(size: float, t: SeverityThresholds) -> bool:
    """Within rounding of a threshold, where r and fl(1 / r) may fall on either side."""
    return any(math.isclose(size, c, rel_tol=1e-8) for c in (t.low, t.medium, t.high))


@settings(max_examples=300, deadline=None)
@given(RATIOS, thresholds())
def test_a_ratio_and_its_inverse_grade_alike(ratio: float, t: SeverityThresholds) -> None:
    assume(not _near_a_threshold(ratio_size(ratio), t))
    assert grade_ratio(ratio, t) == grade_ratio(1.0 / ratio, t)
    assert ratio_size(ratio) == pytest.approx(ratio_size(1.0 / ratio), rel=1e-15)


@settings(max_examples=300, deadline=None)
@given(RATIOS, RATIOS, thresholds())
def test_grading_is_monotone_in_size(a: float, b: float, t: SeverityThresholds) -> None:
    small, large = sorted((a, b), key=ratio_size)
    rank = SEVERITY_ORDER.index
    assert rank(grade_ratio(small, t)) <= rank(grade_ratio(large, t))


@settings(max_examples=100, deadline=None)
@given(thresholds())
def test_zero_and_infinite_ratios_are_the_most_severe_nan_is_info(t: SeverityThresholds) -> None:
    assert grade_ratio(0.0, t) == "high"
    assert grade_ratio(math.inf, t) == "high"
    assert grade_ratio(math.nan, t) == "info"
    assert grade_ratio(1.0, t) == "info"
    assert ratio_size(0.0) == ratio_size(math.inf) == math.inf
    assert math.isnan(ratio_size(math.nan))


@settings(max_examples=300, deadline=None)
@given(st.one_of(RATIOS, st.sampled_from([0.0, math.inf, math.nan])), thresholds())
def test_every_caller_grades_with_the_one_function(ratio: float, t: SeverityThresholds) -> None:
    grade = grade_ratio(ratio, t)
    assert severity_of_ratio(ratio, low=t.low, medium=t.medium, high=t.high) == grade
    # discretion and the chain: "material" is reaching ``low``
    material = grade != "info"
    assert _reaches(ratio, t.low) == material
    for harm in ("higher", "lower", "either"):
        harmful, favourable = _is_material(ratio, harm, t.low)  # type: ignore[arg-type]
        assert (harmful or favourable) == material
        above = ratio > 1
        expected = above if harm == "higher" else (not above if harm == "lower" else True)
        assert harmful == (material and expected)


def test_grading_is_vectorised_and_agrees_elementwise() -> None:
    t = SeverityThresholds()
    ratios = np.array([0.0, 0.4, 0.79, 0.8, 0.95, 1.0, 1.1, 1.3, 2.0, np.inf, np.nan])
    graded = grade_ratio(ratios, t)
    assert graded.tolist() == [grade_ratio(float(r), t) for r in ratios]
    assert graded.tolist() == [
        "high",
        "high",
        "medium",
        "medium",
        "info",
        "info",
        "low",
        "medium",
        "high",
        "high",
        "info",
    ]


def test_a_ratio_of_exactly_four_fifths_reaches_the_four_fifths_threshold() -> None:
    # 88 of 199 against 110 of 199: 4/5 on paper, 0.8000000000000002 in floating point,
    # whose inverse 1.2499999999999998 falls just short of 1.25
    ratio = (88 / 199) / (110 / 199)
    assert ratio > 0.8 and 1 / ratio < 1.25
    assert grade_ratio(ratio, SeverityThresholds()) == "medium"


# ------------------------------------------------------------ the clearest disparities


def _two_groups(group: tuple[int, int], reference: tuple[int, int]) -> pd.DataFrame:
    (gx, gn), (rx, rn) = group, reference
    return pd.DataFrame(
        {
            "g": ["a"] * gn + ["b"] * rn,
            "d": [1] * gx + [0] * (gn - gx) + [1] * rx + [0] * (rn - rx),
        }
    )


def _ee201(frame: pd.DataFrame, *, favourable: bool) -> ee.findings.Finding:
    result = ee.audit(
        frame,
        decision="d",
        groups=["g"],
        reference={"g": "b"},
        config=AuditConfig(order=1, favourable=favourable),
    )
    (finding,) = [f for f in result.findings if f.code == "EE201"]
    return finding


def test_nobody_granted_against_85_percent_is_a_severe_established_finding() -> None:
    f = _ee201(_two_groups((0, 400), (340, 400)), favourable=True)
    assert (f.severity, f.certainty) == ("high", "established")
    assert f.evidence["ratio"] == 0.0
    assert f.evidence["direction"] == "lower" and f.evidence["harm"] == "lower"
    # a defined, finite interval below 1 (Katz with the Haldane correction)
    assert 0.0 <= f.evidence["ratio_low"] < f.evidence["ratio_high"] < 0.1
    assert "0,00×" in f.messages["nl"]


def test_everybody_selected_against_ten_percent_is_a_severe_established_finding() -> None:
    f = _ee201(_two_groups((400, 400), (40, 400)), favourable=False)
    assert (f.severity, f.certainty) == ("high", "established")
    assert f.evidence["ratio"] == pytest.approx(10.0)


def test_selected_only_in_the_group_is_an_infinite_ratio_and_severe() -> None:
    f = _ee201(_two_groups((400, 400), (0, 400)), favourable=False)
    assert (f.severity, f.certainty) == ("high", "established")
    assert f.evidence["ratio"] == math.inf


# ----------------------------------------------------------------- power, harmful side


def _comparison(
    group: tuple[int, int], reference: tuple[int, int], harm: str
) -> ee.metrics.Disparity:
    (d,) = compare_counts(
        metric="selection_rate",
        attributes=("g",),
        groups=[("a",)],
        reference=("b",),
        reference_rule="explicit",
        group_counts=([group[0]], [group[1]]),
        reference_counts=reference,
        harm=harm,  # type: ignore[arg-type]
    )
    return d


@pytest.mark.parametrize(
    ("group", "reference"),
    [((60, 80), (850, 1000)), ((30, 50), (400, 400)), ((5, 40), (90, 600)), ((0, 30), (0, 90))],
)
@pytest.mark.parametrize("favourable", [False, True])
def test_sufficiency_power_is_on_the_harmful_side_per_statsmodels(
    group: tuple[int, int], reference: tuple[int, int], favourable: bool
) -> None:
    config = AuditConfig(favourable=favourable)
    harm = "lower" if favourable else "higher"
    (check,) = analyse_sufficiency([_comparison(group, reference, harm)], config)
    p_ref = reference[0] / reference[1]
    # the group rate under the harmful alternative, capped at 1
    p_alt = p_ref / 1.25 if favourable else min(p_ref * 1.25, 1.0)
    assert check.harmful_ratio == (0.8 if favourable else 1.25)
    if p_alt == p_ref:  # no harmful alternative exists (rate 0, or 1 for a burden)
        assert check.power == config.alpha
    else:
        expected = power_proportions_2indep(
            diff=p_alt - p_ref,
            prop2=p_ref,
            nobs1=group[1],
            ratio=reference[1] / group[1],
            alpha=config.alpha,
        ).power
        assert check.power == pytest.approx(expected, rel=1e-9)
    mdr = check.minimum_detectable_ratio
    assert (mdr <= 1.0) if favourable else (mdr >= 1.0)


def test_a_benefit_granted_to_85_percent_audits_normally() -> None:
    # Before issue 12: "ratio must be at most 1 / reference_rate" and the audit failed.
    rng = np.random.default_rng(1)
    n = 3000
    frame = pd.DataFrame(
        {"g": rng.choice(["x", "y", "z"], n, p=[0.7, 0.2, 0.1]), "d": rng.random(n) < 0.85}
    )
    result = ee.audit(frame, decision="d", groups=["g"], config=AuditConfig(favourable=True))
    assert len(result.sufficiency) == 2
    for check in result.sufficiency:
        assert check.harmful_ratio == 0.8
        assert 0.0 < check.minimum_detectable_ratio < 1.0
    assert all(f.code != "EE201" for f in result.findings)


def test_a_decision_that_is_ja_for_everybody_audits_normally() -> None:
    frame = pd.DataFrame({"g": ["x"] * 500 + ["y"] * 300, "d": ["ja"] * 800})
    for favourable in (False, True):
        result = ee.audit(
            frame, decision="d", groups=["g"], config=AuditConfig(favourable=favourable)
        )
        (check,) = result.sufficiency
        # equal rates of 1 with this many cases: the interval rules out 1.25 either way
        assert check.status == "no-material-gap"
        assert not [f for f in result.findings if f.code in ("EE201", "EE401")]


# -------------------------------------------------------------- "too little data"


def test_ee401_carries_no_difference_severity() -> None:
    assert CODES["EE401"].default_severity == "info"
    frame = _two_groups((3, 20), (300, 1000))
    result = ee.audit(frame, decision="d", groups=["g"], reference={"g": "b"})
    (f,) = [f for f in result.findings if f.code == "EE401"]
    assert (f.severity, f.certainty) == ("info", "inconclusive")
    assert f.evidence["status"] == "insufficient"
    assert f.evidence["harmful_ratio"] == 1.25
    assert "pas vanaf" in f.messages["nl"] and "only from" in f.messages["en"]
    # the gate fails on it only when asked to fail on info *and* inconclusive findings
    assert not Gate().fails(f.severity, f.certainty)
    assert not Gate(fail_on="low", certainty="inconclusive").fails(f.severity, f.certainty)
    assert Gate(fail_on="info", certainty="inconclusive").fails(f.severity, f.certainty)


def test_ee401_for_a_benefit_speaks_of_the_lower_side() -> None:
    frame = _two_groups((12, 20), (600, 1000))
    result = ee.audit(
        frame,
        decision="d",
        groups=["g"],
        reference={"g": "b"},
        config=AuditConfig(favourable=True),
    )
    (f,) = [f for f in result.findings if f.code == "EE401"]
    assert f.evidence["harmful_ratio"] == 0.8
    assert f.evidence["minimum_detectable_ratio"] < 0.8
    assert "0,80×" in f.messages["nl"] and "of lager" in f.messages["nl"]


def test_tiny_group_says_no_disparity_of_any_size_is_detectable() -> None:
    result = ee.audit(_two_groups((1, 3), (5, 10)), decision="d", groups=["g"])
    (f,) = [f for f in result.findings if f.code == "EE401"]
    assert f.evidence["minimum_detectable_ratio"] == math.inf
    assert "geen verschil van welke grootte ook" in f.messages["nl"]


def test_an_interval_that_rules_out_the_detectable_ratio_is_not_too_little_data() -> None:
    # The case from the issue: a group of 1,269 with ratio 1.00 (0.83-1.20); power at
    # 1.25 is below 80%, yet the data rule out a disparity of 1.25: no EE401.
    frame = _two_groups((196, 1269), (196, 1269))
    result = ee.audit(frame, decision="d", groups=["g"], reference={"g": "b"})
    (check,) = result.sufficiency
    c = check.comparison
    assert c.ratio == 1.0 and c.ratio_interval.low > 0.8 and c.ratio_interval.high < 1.25
    assert check.power < 0.8 and not check.sufficient
    assert check.rules_out_detectable and check.status == "no-material-gap"
    assert not [f for f in result.findings if f.code == "EE401"]
    record = result.to_dict()["sufficiency"][0]
    assert record["status"] == "no-material-gap" and record["rules_out_detectable"] is True


# ------------------------------------------------------------------- the reports


@pytest.fixture(scope="module")
def mixed() -> ee.AuditResult:
    """A reference, a group with too little data, one whose interval rules out 1.25."""
    parts = {"ref": (196, 1269), "genoeg": (196, 1269), "weinig": (11, 70)}
    frame = pd.DataFrame(
        {
            "g": [g for g, (_, n) in parts.items() for _ in range(n)],
            "d": [int(i < x) for x, n in parts.values() for i in range(n)],
        }
    )
    return ee.audit(frame, decision="d", groups=["g"], reference={"g": "ref"}, language="en")


def test_the_mixed_fixture_has_one_of_each(mixed: ee.AuditResult) -> None:
    status = {c.comparison.group[0]: c.status for c in mixed.sufficiency}
    assert status == {"weinig": "insufficient", "genoeg": "no-material-gap"}
    (check,) = [c for c in mixed.sufficiency if c.status == "no-material-gap"]
    assert not check.sufficient
    assert [f.subject.group for f in mixed.findings if f.code == "EE401"] == [("weinig",)]


def test_reports_show_ee401_as_one_table_per_grouping(mixed: ee.AuditResult) -> None:
    from eerlijkheid.report import render_html, render_json, render_markdown, render_text

    (finding,) = [f for f in mixed.findings if f.code == "EE401"]
    text = render_text(mixed, gate=Gate())
    assert "EE401 [" not in text  # no line per finding
    assert "EE401 Too little data to say anything: g" in text
    assert "too little data" in text and "no material gap: 1.00× (0." in text
    markdown = render_markdown(mixed)
    assert "## Too little data to say anything" in markdown
    assert "| weinig | 70 |" in markdown and "| genoeg | 1269 |" in markdown
    assert "| EE401 insufficient-evidence |" not in markdown
    page = render_html(mixed)
    assert f'<tr id="f-{finding.fingerprint}" class="sufficiency-insufficient">' in page
    assert 'class="sufficiency-no-material-gap"' in page
    assert page.count('<article class="finding level-info" id="f-' + finding.fingerprint) == 0
    data = __import__("json").loads(render_json(mixed))
    assert [f["code"] for f in data["findings"]].count("EE401") == 1
    assert {r["status"] for r in data["sufficiency"]} == {"insufficient", "no-material-gap"}
    # a blocking EE401 keeps its line in the text output as well
    blocking = render_text(mixed, gate=Gate(fail_on="info", certainty="inconclusive"))
    assert "EE401 [info/inconclusive] g=weinig" in blocking
