"""Intersections only when they add something; a default reference that cannot hide a gap.

Trigger cases for issue 12: an intersection that its margins explain makes no finding of
its own but is listed under its main effect; a true interaction (only the women of one
group are selected more) is reported on the intersection; a largest group selected three
times as often as the others is found without a named reference (and fails the gate); the
intersection reference of a reference named for one attribute is settable in the API and
the TOML.  Oracles: statsmodels GLMs (log-binomial and Poisson with log link) for the
interaction, pandas counts for the one-against-the-rest comparison.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eerlijkheid as ee
from eerlijkheid.analyses.subgroups import subgroup_scan
from eerlijkheid.cli import main
from eerlijkheid.configfile import ConfigFileError, load_spec
from eerlijkheid.counts import count_table
from eerlijkheid.datasets import welfare_reexamination
from eerlijkheid.findings import group_findings
from eerlijkheid.metrics import REST_REFERENCE, disparities


def cells(rates: dict[tuple[str, str], tuple[int, int]]) -> pd.DataFrame:
    """Rows for (g, h) cells given as (selected, cases)."""
    rows = []
    for (g, h), (x, n) in rates.items():
        rows += [{"g": g, "h": h, "d": int(i < x)} for i in range(n)]
    return pd.DataFrame(rows)


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


# -- intersections explained by their margins -----------------------------------------------

# group x is selected twice as often as the reference in both levels of h: no interaction
EXPLAINED = {
    ("x", "m"): (200, 1000),
    ("x", "v"): (200, 1000),
    ("ref", "m"): (100, 1000),
    ("ref", "v"): (100, 1000),
}
# only the women of group x are selected more: a true interaction
INTERACTION = {
    ("x", "m"): (100, 1000),
    ("x", "v"): (300, 1000),
    ("ref", "m"): (100, 1000),
    ("ref", "v"): (100, 1000),
}


def audit(rates, **kwargs):
    return ee.audit(cells(rates), decision="d", groups=["g", "h"], reference={"g": "ref"}, **kwargs)


def test_an_intersection_its_margins_explain_is_listed_under_the_main_effect():
    result = audit(EXPLAINED, language="en")
    ee201 = [f for f in result.findings if f.code == "EE201"]
    assert [f.subject.group for f in ee201] == [("x",)]
    (main_effect,) = ee201
    # both intersections are kept, as evidence of the main effect, with their numbers
    assert main_effect.evidence["also_in[x × m]"] == pytest.approx(2.0)
    assert main_effect.evidence["also_in[x × v]"] == pytest.approx(2.0)
    assert main_effect.evidence["also_in_reference[x × v]"] == "ref × v"
    assert main_effect.evidence["also_in_interaction[x × m]"] == pytest.approx(1.0)
    assert "x × m 2.00×" in main_effect.message and "as well" in main_effect.message
    assert "x × m 2,00×" in main_effect.messages["nl"]


def test_a_true_interaction_is_reported_on_the_intersection():
    result = audit(INTERACTION, language="en")
    ee201 = {f.subject.group: f for f in result.findings if f.code == "EE201"}
    assert ("x", "v") in ee201
    f = ee201[("x", "v")]
    assert f.subject.reference == ("ref", "v")  # same level of the unnamed attribute
    assert f.evidence["reference_rule"] == "same-level"
    assert f.evidence["reported_because"] == "interaction"
    # hand computation: [0.3 / 0.1] / [0.1 / 0.1] = 3; var = sum of 1/x - 1/n over cells
    var = (1 / 300 - 1 / 1000) + 3 * (1 / 100 - 1 / 1000)
    assert f.evidence["interaction"] == pytest.approx(3.0)
    assert f.evidence["interaction_low"] == pytest.approx(3.0 * math.exp(-1.959964 * var**0.5))
    assert "interaction 3.00×" in f.message
    # the main effect itself (x against ref: 0.2 / 0.1) is a finding as well
    assert ("x",) in ee201


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.DomainWarning")
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # saturated: 0 df left
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
def test_interaction_matches_a_log_binomial_and_a_poisson_glm():
    """statsmodels as the oracle: the interaction term of the saturated 2x2 model."""
    sm = pytest.importorskip("statsmodels.api")
    rates = {
        ("x", "m"): (130, 1100),
        ("x", "v"): (260, 900),
        ("ref", "m"): (95, 1000),
        ("ref", "v"): (120, 1200),
    }
    result = audit(rates, language="en")
    (f,) = [f for f in result.findings if f.code == "EE201" and f.subject.group == ("x", "v")]
    table = pd.DataFrame([{"g": g, "h": h, "x": x, "n": n} for (g, h), (x, n) in rates.items()])
    design = pd.DataFrame(
        {
            "const": 1.0,
            "gx": (table["g"] == "x").astype(float),
            "hv": (table["h"] == "v").astype(float),
        }
    )
    design["gx_hv"] = design["gx"] * design["hv"]
    binomial = sm.GLM(
        np.column_stack([table["x"], table["n"] - table["x"]]),
        design,
        family=sm.families.Binomial(link=sm.families.links.Log()),
    ).fit()
    assert f.evidence["interaction"] == pytest.approx(math.exp(binomial.params["gx_hv"]))
    low, high = binomial.conf_int().loc["gx_hv"]
    assert f.evidence["interaction_low"] == pytest.approx(math.exp(low), rel=1e-6)
    assert f.evidence["interaction_high"] == pytest.approx(math.exp(high), rel=1e-6)
    assert f.evidence["interaction_pvalue"] == pytest.approx(binomial.pvalues["gx_hv"], rel=1e-6)
    # the Poisson model with log link and offset log(n) gives the same point estimate
    poisson = sm.GLM(
        table["x"], design, family=sm.families.Poisson(), offset=np.log(table["n"])
    ).fit()
    assert f.evidence["interaction"] == pytest.approx(math.exp(poisson.params["gx_hv"]))


def test_welfare_demo_no_longer_repeats_the_main_effect():
    frame = welfare_reexamination(20_000, seed=0)
    result = ee.audit(
        frame,
        decision="geselecteerd",
        groups=["migratieachtergrond", "geslacht", "leeftijdsklasse"],
        outcome="onrechtmatig",
        random_sample="aselect",
        reference={"migratieachtergrond": "geen"},
        language="en",
    )
    for code in ("EE201", "EE202"):
        groups = [f.subject.group for f in result.findings if f.code == code]
        assert ("niet-westers",) in groups
        assert not [g for g in groups if len(g) > 1 and g[0] == "niet-westers"], (code, groups)
        (main_effect,) = [
            f for f in result.findings if f.code == code and f.subject.group == ("niet-westers",)
        ]
        assert "also_in[niet-westers × man]" in main_effect.evidence


# -- EE611: only with a material interaction -------------------------------------------------


def test_ee611_needs_a_material_interaction():
    """Multiplicative main effects (no interaction): the scan's top combination is not EE611."""
    rates = {
        ("a", "jong"): (400, 1000),
        ("a", "oud"): (200, 1000),
        ("b", "jong"): (200, 1000),
        ("b", "oud"): (100, 1000),
    }
    frame = cells(rates).rename(columns={"g": "wijk", "h": "leeftijd"})
    table = count_table(frame, decision="d", groups=["wijk", "leeftijd"])
    config = ee.AuditConfig(order=2)
    scan = subgroup_scan(table, config)
    top = scan.top[0]
    assert top.group == ("a", "jong")
    drivers = scan.driver_of(top)
    assert drivers is not None and drivers.interaction  # no single attribute carries it
    # (0.4 / 0.2) / (0.2 / 0.1) = 1: the margins explain the combination
    assert drivers.interaction_margins == pytest.approx(1.0)
    assert not drivers.interaction_adds
    assert not [f for f in group_findings(scan=scan, config=config) if f.code == "EE611"]


# -- the default reference: one against the rest ---------------------------------------------

# the largest group is selected three times as often as the two others
TRAP = {
    ("groot", "-"): (300, 1000),
    ("a", "-"): (40, 400),
    ("b", "-"): (40, 400),
}


def test_rest_comparison_counts_every_other_case():
    frame = cells(TRAP)
    table = count_table(frame, decision="d", groups="g")
    result = {d.group: d for d in disparities(table, metrics=["selection_rate"], reference="rest")}
    for label, d in result.items():
        other = frame[frame["g"] != label[0]]
        assert d.reference == (REST_REFERENCE,) and d.reference_rule == "rest"
        assert (d.reference_numerator, d.reference_denominator) == (
            int(other["d"].sum()),
            len(other),
        )
    assert result[("groot",)].ratio == pytest.approx(0.3 / 0.1)


def test_a_largest_group_selected_three_times_as_often_is_found(tmp_path):
    frame = cells(TRAP)
    result = ee.audit(frame, decision="d", groups=["g"], language="en")
    (f,) = [f for f in result.findings if f.code == "EE201"]
    assert f.subject.group == ("groot",)
    assert f.subject.reference == (REST_REFERENCE,)
    assert f.evidence["reference_rule"] == "rest"
    assert "all other cases together" in f.message
    assert f.severity == "high"
    # the gate fails on it
    path = tmp_path / "trap.csv"
    frame.to_csv(path, index=False)
    assert run(["check", str(path), "--decision", "d", "--groups", "g", "--order", "1"]) == 1
    # switched off, the largest group hides the gap again (the old behaviour)
    off = ee.audit(
        frame, decision="d", groups=["g"], config=ee.AuditConfig(compare_with_rest=False)
    )
    assert not [f for f in off.findings if f.code == "EE201"]


def test_a_group_worse_than_the_largest_is_reported_once():
    rates = {("groot", "-"): (100, 1000), ("a", "-"): (80, 400), ("b", "-"): (40, 400)}
    result = ee.audit(cells(rates), decision="d", groups=["g"])
    (f,) = [f for f in result.findings if f.code == "EE201"]
    assert f.subject.group == ("a",) and f.subject.reference == ("groot",)
    assert f.evidence["rest_ratio"] == pytest.approx(0.2 / (140 / 1400))


# -- the intersections' reference when only one attribute is named ---------------------------


def test_partial_reference_is_the_named_level_at_the_same_other_level():
    result = audit(INTERACTION)
    refs = {
        d.group: d.reference
        for d in result.comparisons
        if d.metric == "selection_rate" and d.attributes == ("g", "h")
    }
    assert refs == {("x", "m"): ("ref", "m"), ("x", "v"): ("ref", "v")}
    old = audit(INTERACTION, config=ee.AuditConfig(partial_reference="rule"))
    rules = {
        d.reference_rule
        for d in old.comparisons
        if d.metric == "selection_rate" and d.attributes == ("g", "h")
    }
    assert rules == {"largest"}


def write(tmp_path: Path, audit_table: str) -> Path:
    path = tmp_path / "eerlijkheid.toml"
    path.write_text(
        '[roles]\ndecision = "d"\ngroups = ["g", "h"]\n\n[reference]\ng = "ref"\n\n' + audit_table,
        encoding="utf-8",
    )
    return path


def test_reference_settings_in_toml(tmp_path):
    settings = '[audit]\npartial_reference = "rule"\ncompare_with_rest = false\n'
    spec = load_spec(write(tmp_path, settings))
    assert spec.config.partial_reference == "rule"
    assert spec.config.compare_with_rest is False
    default = load_spec(write(tmp_path, ""))
    assert default.config.partial_reference == "same-level"
    assert default.config.compare_with_rest is True
    wrong = write(tmp_path, '[audit]\npartial_reference = "grootste"\ncompare_with_rest = 1\n')
    with pytest.raises(ConfigFileError) as error:
        load_spec(wrong)
    text = str(error.value)
    assert "audit.partial_reference" in text and "same-level" in text
    assert "audit.compare_with_rest" in text


def test_reference_settings_are_validated_in_the_api():
    with pytest.raises(ee.RoleError, match="partial_reference"):
        ee.AuditConfig(partial_reference="largest")  # type: ignore[arg-type]
    with pytest.raises(ee.RoleError, match="compare_with_rest"):
        ee.AuditConfig(compare_with_rest="yes")  # type: ignore[arg-type]


def test_same_level_reference_counts_and_an_empty_reference_cell():
    """(a, b) against (a_ref, b), counted with pandas; a reference cell without cases: NaN."""
    rates = {
        ("x", "m"): (30, 100),
        ("x", "v"): (20, 100),
        ("ref", "m"): (10, 100),
        ("ref", "v"): (10, 100),
        ("x", "o"): (5, 50),
    }
    frame = cells(rates)
    table = count_table(frame, decision="d", groups=["g", "h"])
    result = disparities(
        table, metrics=["selection_rate"], attributes=[("g", "h")], reference={"g": "ref"}
    )
    by_group = {d.group: d for d in result}
    assert set(by_group) == {("x", "m"), ("x", "v"), ("x", "o")}  # the references are not compared
    for (_, h), d in by_group.items():
        ref = frame[(frame["g"] == "ref") & (frame["h"] == h)]
        assert d.reference == ("ref", h) and d.reference_rule == "same-level"
        assert (d.reference_numerator, d.reference_denominator) == (int(ref["d"].sum()), len(ref))
    assert math.isnan(by_group[("x", "o")].ratio)  # ("ref", "o") has no cases
    assert by_group[("x", "m")].ratio == pytest.approx(3.0)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # saturated: 0 df left
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
def test_random_arm_interaction_matches_a_poisson_glm():
    """EE202's interaction: the arm × A × B term of a saturated Poisson model of the counts."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(4)
    rows = []
    # profile selections (aselect 0, selected 1) and random-sample cases (aselect 1) per cell
    for g, h, selected, random_cases in (
        ("x", "m", 60, 40),
        ("x", "v", 150, 45),
        ("ref", "m", 80, 120),
        ("ref", "v", 70, 110),
    ):
        rows += [{"g": g, "h": h, "d": 1, "r": 0}] * selected
        rows += [{"g": g, "h": h, "d": 0, "r": 0}] * 300
        rows += [{"g": g, "h": h, "d": int(rng.random() < 0.1), "r": 1}] * random_cases
    frame = pd.DataFrame(rows)
    table = count_table(frame, decision="d", groups=["g", "h"], random_sample="r")
    from eerlijkheid.analyses import analyse_disparity

    evidence = analyse_disparity(table, ee.AuditConfig(reference={"g": "ref"}))
    (d,) = [d for d in evidence.random_arm if d.group == ("x", "v")]
    inter = evidence.interaction_of(d)
    assert inter is not None
    counts = []
    for g in ("x", "ref"):
        for h in ("v", "m"):
            cell = frame[(frame["g"] == g) & (frame["h"] == h)]
            counts.append((g == "x", h == "v", True, int(((cell.d == 1) & (cell.r == 0)).sum())))
            counts.append((g == "x", h == "v", False, int((cell.r == 1).sum())))
    data = pd.DataFrame(counts, columns=["a", "b", "profile", "n"]).astype(float)
    design = pd.DataFrame(
        {
            "const": 1.0,
            "a": data["a"],
            "b": data["b"],
            "p": data["profile"],
            "ab": data["a"] * data["b"],
            "ap": data["a"] * data["profile"],
            "bp": data["b"] * data["profile"],
            "abp": data["a"] * data["b"] * data["profile"],
        }
    )
    fit = sm.GLM(data["n"], design, family=sm.families.Poisson()).fit()
    assert inter.ratio == pytest.approx(math.exp(fit.params["abp"]))
    low, high = fit.conf_int().loc["abp"]
    assert inter.low == pytest.approx(math.exp(low), rel=1e-6)
    assert inter.high == pytest.approx(math.exp(high), rel=1e-6)
    # the GLM's iterative fit stops at its convergence tolerance: agreement to 1e-4
    assert inter.pvalue == pytest.approx(fit.pvalues["abp"], rel=1e-4)
    assert inter.margins == ("g", "h")


def test_a_small_intersection_is_listed_without_numbers():
    rates = {
        ("x", "m"): (900, 1000),
        ("x", "v"): (18, 20),  # 2 not selected: a small cell, listed by name only
        ("ref", "m"): (450, 1000),
        ("ref", "v"): (450, 1000),
    }
    result = audit(rates, language="en")
    (main_effect,) = [f for f in result.findings if f.code == "EE201" and f.subject.group == ("x",)]
    assert math.isnan(main_effect.evidence["also_in[x × v]"])
    assert "x × v (small counts, not shown)" in main_effect.message


# -- properties ---------------------------------------------------------------------------------

_CELL = st.tuples(st.integers(1, 60), st.integers(1, 60))  # (selected, not selected)


@settings(max_examples=40, deadline=None)
@given(cells=st.tuples(_CELL, _CELL, _CELL, _CELL))
def test_interaction_is_the_ratio_of_rate_ratios_in_either_attribute_order(cells):
    """By hand: [r(x,v)/r(ref,v)] / [r(x,m)/r(ref,m)], whichever attribute comes first."""
    from eerlijkheid.analyses import analyse_disparity

    labels = [("x", "v"), ("ref", "v"), ("x", "m"), ("ref", "m")]
    rows = []
    for (g, h), (yes, no) in zip(labels, cells, strict=True):
        rows += [{"g": g, "h": h, "d": 1, "n": yes}, {"g": g, "h": h, "d": 0, "n": no}]
    frame = pd.DataFrame(rows)
    rate = [yes / (yes + no) for yes, no in cells]
    expected = (rate[0] / rate[1]) / (rate[2] / rate[3])
    config = ee.AuditConfig(reference={"g": "ref", "h": "m"})
    found = []
    for order in (["g", "h"], ["h", "g"]):
        table = count_table(frame, decision="d", groups=order, count="n")
        evidence = analyse_disparity(table, config)
        (d,) = [
            d
            for d in evidence.selection
            if set(d.attributes) == {"g", "h"} and set(d.group) == {"x", "v"}
        ]
        inter = evidence.interaction_of(d)
        assert inter is not None
        found.append(inter)
    assert found[0].ratio == pytest.approx(expected, rel=1e-9)
    assert found[1].ratio == pytest.approx(expected, rel=1e-9)
    assert found[0].pvalue == pytest.approx(found[1].pvalue, rel=1e-9)


def test_an_intersection_no_margin_carries_needs_an_adjusted_test() -> None:
    # y × 3 is selected 64/400 against x × 3's 40/400 (ratio 1.6, Fisher p = 0.012 before
    # and 0.07 after Holm over the six y × b comparisons); the margin y (1.06×) carries no
    # finding.  Among six intersections an unadjusted p of 0.012 is what chance gives, so
    # it is no finding of its own; its comparison stays in the table and in EE401.
    rows = []
    for a in "xy":
        for b in range(1, 7):
            k = 64 if (a, b) == ("y", 3) else (40 if a == "x" else 38)
            rows += [(a, str(b), 1, k), (a, str(b), 0, 400 - k)]
    frame = pd.DataFrame(rows, columns=["a", "b", "d", "count"])
    result = ee.audit(frame, decision="d", groups=["a", "b"], count="count", reference={"a": "x"})
    (cmp,) = [
        d for d in result.comparisons if d.group == ("y", "3") and d.metric == "selection_rate"
    ]
    assert cmp.reference == ("x", "3") and cmp.test.pvalue < 0.05 < cmp.pvalue_adjusted
    assert not [f for f in result.findings if f.code == "EE201" and f.subject.group == ("y", "3")]
