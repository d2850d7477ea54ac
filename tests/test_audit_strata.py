"""Strata reported per stratum, compared like with like (issue 12).

DUO 2014 (CBS table 1 of Algorithm Audit's DUO-CUB data, counts rounded to tens):
non-European migration background = born_nl_x_origin_outside_europe +
born_outside_nl_x_origin_outside_europe; Dutch origin = born_nl_x_origin_nl; high risk =
risk categories 1 and 2, low = 3-5, category 6 = unknown.  Published: selected for control
2,010/54,820 vs 1,050/178,200 (6.2x); within the high risk categories 5.5x.
Oracles: statsmodels ``StratifiedTable`` (pooled odds and risk ratio, Breslow-Day) and the
per-stratum ratios by hand from the counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import eerlijkheid as ee
from eerlijkheid.analyses import analyse_strata
from eerlijkheid.config import AuditConfig
from eerlijkheid.counts import count_table
from shared_data import require_cases_raw


def _duo_2014() -> pd.DataFrame:
    table = pd.read_csv(require_cases_raw() / "duo-cub" / "table1_population_2014.csv")
    bands = {1: "hoog", 2: "hoog", 3: "laag", 4: "laag", 5: "laag", 6: "onbekend"}
    rows = []
    for category, band in bands.items():
        for selected in ("yes", "no"):
            line = table[
                table["category"] == f"Risk category {category} & Selected for control: {selected}"
            ].iloc[0]
            for label, columns in (
                (
                    "niet-Europees",
                    ["born_nl_x_origin_outside_europe", "born_outside_nl_x_origin_outside_europe"],
                ),
                ("Nederlands", ["born_nl_x_origin_nl"]),
            ):
                rows.append(
                    {
                        "herkomst": label,
                        "risico": band,
                        "geselecteerd": selected == "yes",
                        "aantal": int(line[columns].sum()),
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def duo() -> ee.AuditResult:
    return ee.audit(
        _duo_2014(),
        decision="geselecteerd",
        groups="herkomst",
        strata="risico",
        count="aantal",
        rounded=True,
        reference={"herkomst": "Nederlands"},
        language="en",
    )


def test_duo_2014_reports_the_ratio_within_high_risk(duo):
    (s,) = duo.stratified
    # crude: published 6.2 from the margins (2,010/54,820 vs 1,050/178,200); the rounded
    # cells give 2,030/54,830 vs 1,050/178,210.
    assert abs(s.crude.ratio - 6.2) < 0.1
    by_level = {e.level: e for e in s.strata}
    high = by_level["hoog"]
    # by hand: 1,190 + 270 + 260 + 60 = 1,780 of 15,390; 390 + 140 = 530 of 25,280
    assert (high.group_numerator, high.group_denominator) == (1_780, 15_390)
    assert (high.reference_numerator, high.reference_denominator) == (530, 25_280)
    assert round(high.ratio, 1) == 5.5  # published 5.5x
    assert high.ratio == pytest.approx((1_780 / 15_390) / (530 / 25_280), rel=1e-12)
    assert high.ratio_low < 5.5 < high.ratio_high
    low = by_level["laag"]
    assert low.ratio == pytest.approx((160 / 26_390) / (470 / 136_550), rel=1e-12)


def test_duo_2014_says_one_common_number_hides_the_strata(duo):
    codes = {f.code: f for f in duo.findings}
    hides = codes["EE303"]
    assert hides.severity == "high" and hides.certainty == "established"
    assert "'hoog' 5.52×" in hides.message and "'laag' 1.76×" in hides.message
    # EE301 compares like with like: crude rate ratio next to the MH rate ratio
    persists = codes["EE301"]
    assert "crude 6.28×, within the levels 4.32×" in persists.message
    assert persists.evidence["mh_rate_ratio"] < persists.evidence["ratio"]


def test_duo_2014_mantel_haenszel_against_statsmodels(duo):
    from statsmodels.stats.contingency_tables import StratifiedTable

    (s,) = duo.stratified
    tables = [
        np.array(
            [
                [e.group_numerator, e.group_denominator - e.group_numerator],
                [e.reference_numerator, e.reference_denominator - e.reference_numerator],
            ]
        )
        for e in s.strata
    ]
    oracle = StratifiedTable(tables)
    assert s.rate_ratio == pytest.approx(oracle.riskratio_pooled, rel=1e-10)
    assert s.stratified.common_odds_ratio == pytest.approx(oracle.oddsratio_pooled, rel=1e-10)
    # high / low only (category 6 left out): the MH odds ratio of 4.81 that hides the 5.5x
    two = StratifiedTable(tables[:2])
    assert round(two.oddsratio_pooled, 2) == 4.81
    assert s.homogeneity_pvalue == pytest.approx(oracle.test_equal_odds().pvalue, abs=1e-12)


def test_the_per_stratum_table_is_in_the_json(duo):
    data = duo.to_dict()
    (record,) = data["stratified"]
    levels = {r["level"]: r for r in record["strata"]}
    assert levels["hoog"]["group_numerator"] == 1_780 and not levels["hoog"]["suppressed"]
    assert record["rate_ratio"] == pytest.approx(duo.stratified[0].rate_ratio)
    assert record["selected_in_one_stratum"] is None


def _cells(rows: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    out = []
    for group, stratum, selected, total in rows:
        out.append({"g": group, "s": stratum, "d": True, "n": selected})
        out.append({"g": group, "s": stratum, "d": False, "n": total - selected})
    return pd.DataFrame(out)


def test_all_selections_in_one_stratum_is_said():
    cells = _cells(
        [
            ("a", "hoog", 63, 210),
            ("b", "hoog", 33, 220),
            ("a", "laag", 0, 801),
            ("b", "laag", 0, 1_603),
        ]
    )
    result = ee.audit(
        cells,
        decision="d",
        groups="g",
        strata="s",
        count="n",
        reference={"g": "b"},
        language="en",
    )
    (s,) = result.stratified
    assert s.selected_in_one_stratum == "hoog"
    (warning,) = [f for f in result.findings if f.code == "EE304"]
    assert warning.evidence["level"] == "hoog"
    assert warning.evidence["level_ratio"] == pytest.approx(2.0)
    assert "'hoog'" in warning.message and "(2.00×)" in warning.message


def test_a_crude_gap_explained_by_the_strata_is_no_longer_a_disparity():
    # Simpson: within each stratum both groups have the same rate; crude 0.35 vs 0.14.
    cells = _cells(
        [
            ("a", "x", 164, 410),
            ("b", "x", 42, 105),
            ("a", "y", 11, 110),
            ("b", "y", 41, 410),
        ]
    )
    result = ee.audit(
        cells,
        decision="d",
        groups="g",
        strata="s",
        count="n",
        reference={"g": "b"},
        language="en",
    )
    codes = [f.code for f in result.findings]
    assert "EE201" not in codes and "EE302" in codes
    (explained,) = [f for f in result.findings if f.code == "EE302"]
    crude = (175 / 520) / (83 / 515)
    assert explained.evidence["ratio"] == pytest.approx(crude)
    assert explained.evidence["mh_rate_ratio"] == pytest.approx(1.0)
    assert f"({crude:.2f}×) disappears" in explained.message and "1.00×" in explained.message


def test_strata_cover_intersections_as_the_crude_comparisons():
    frame = pd.DataFrame(
        {
            "g": ["a", "b"] * 200,
            "h": ["u"] * 200 + ["v"] * 200,
            "s": (["x"] * 100 + ["y"] * 100) * 2,
            "d": [1, 0, 0, 0] * 100,
        }
    )
    table = count_table(frame, decision="d", groups=["g", "h"], strata="s")
    found = {c.attributes for c in analyse_strata(table, AuditConfig(order=2))}
    assert found == {("g",), ("h",), ("g", "h")}


@pytest.fixture(scope="module")
def wmo() -> ee.AuditResult:
    from eerlijkheid.datasets import wmo_allocation

    return ee.audit(
        wmo_allocation(10_000, seed=0),
        decision="toegekend",
        groups=["migratieachtergrond", "geslacht", "leeftijdsgroep", "wijk"],
        score="urgentiescore",
        handler="team",
        reference={"migratieachtergrond": "geen", "leeftijdsgroep": "65-79"},
        config=ee.AuditConfig(favourable=True),
        language="en",
    )


def test_wmo_age_gap_explained_by_need_does_not_top_the_report(wmo):
    # Truth (wmo_allocation_truth): need depends only on age, so the crude age gap
    # (18-44 granted 0.52x as often) disappears at equal urgentiescore.
    age = [f for f in wmo.findings if "leeftijdsgroep" in f.subject.attributes]
    # an age EE201 stays only where the gap persists at equal need (an EE511 beside it)
    persists = {(f.subject.attributes, f.subject.group) for f in age if f.code == "EE511"}
    crude = {(f.subject.attributes, f.subject.group) for f in age if f.code == "EE201"}
    assert crude <= persists
    assert all("niet-westers" in group for _, group in crude)
    (explained,) = [
        f
        for f in age
        if f.code == "EE302"
        and f.subject.attributes == ("leeftijdsgroep",)
        and f.subject.group == ("18-44",)
    ]
    assert explained.severity == "info" and explained.subject.column == "urgentiescore"
    assert round(explained.evidence["ratio"], 2) == 0.52  # the crude ratio
    assert explained.evidence["mh_rate_ratio_low"] < 1 < explained.evidence["mh_rate_ratio_high"]
    assert (
        wmo.findings[0].code != "EE201"
        or "leeftijdsgroep" not in wmo.findings[0].subject.attributes
    )


def test_wmo_injected_truth_stays_reported(wmo):
    from eerlijkheid.datasets import wmo_allocation_truth

    truth = wmo_allocation_truth()
    (team,) = [f for f in wmo.findings if f.code == "EE513"]
    assert team.subject.group == ("wijkteam B", "niet-westers")
    assert team.subject.reference == ("wijkteam B", "geen")
    assert abs(team.evidence["rate_ratio"] - truth.team_group_ratio["wijkteam B"]) < 0.1
    assert team.certainty == "established" and team.severity != "info"
    (equal_need,) = [
        f
        for f in wmo.findings
        if f.code == "EE511" and f.subject.attributes == ("migratieachtergrond",)
    ]
    assert equal_need.subject.group == ("niet-westers",)
    low, high = equal_need.evidence["mh_rate_ratio_low"], equal_need.evidence["mh_rate_ratio_high"]
    assert low <= truth.equal_need_ratio <= high


def test_wmo_coverage_reflects_the_roles_given(wmo):
    plan = {p.question: p for p in wmo.plan()}
    assert plan["v-beleidsvrijheid"].answerable  # score and handler given
    assert plan["v-onbenoemde-groepen"].answerable  # four group attributes


def test_strata_that_differ_are_shown_per_stratum_without_shared_data():
    # 'hoog': 40% vs 10% (4x); 'laag': 10% vs 10% (1x) -- one common number hides it.
    cells = _cells(
        [
            ("a", "hoog", 201, 503),
            ("b", "hoog", 51, 509),
            ("a", "laag", 52, 521),
            ("b", "laag", 53, 527),
        ]
    )
    result = ee.audit(
        cells,
        decision="d",
        groups="g",
        strata="s",
        count="n",
        reference={"g": "b"},
        language="en",
    )
    (hides,) = [f for f in result.findings if f.code == "EE303"]
    high = (201 / 503) / (51 / 509)
    low = (52 / 521) / (53 / 527)
    assert hides.severity == "high"
    assert hides.evidence["stratum_ratio[hoog]"] == pytest.approx(high)
    assert hides.evidence["stratum_ratio[laag]"] == pytest.approx(low)
    assert f"'hoog' {high:.2f}×" in hides.message and f"'laag' {low:.2f}×" in hides.message


def test_json_with_strata_follows_the_schema(wmo):
    from jsonschema import Draft202012Validator

    from eerlijkheid.report import schema

    cells = _cells(
        [("a", "x", 64, 410), ("b", "x", 42, 105), ("a", "y", 11, 110), ("b", "y", 41, 410)]
    )
    result = ee.audit(cells, decision="d", groups="g", strata="s", count="n")
    validator = Draft202012Validator(schema())
    validator.validate(result.to_dict())
    validator.validate(wmo.to_dict())


def test_methods_do_not_say_no_strata_beside_a_comparison_at_equal_risk(wmo):
    from eerlijkheid.report import render_html

    html = render_html(wmo, language="en")
    assert "this audit had no strata" not in html
    assert "urgentiescore (score bands: groups compared at equal risk)" in html


def test_strata_that_are_the_decision_rule_explain_nothing():
    # Selected exactly when 'hoog' (a profile that selects by band): within the bands
    # nothing varies, the CMH test is undefined, and the crude gap stays an EE201.
    cells = _cells(
        [
            ("a", "hoog", 301, 301),
            ("b", "hoog", 101, 101),
            ("a", "laag", 0, 699),
            ("b", "laag", 0, 899),
        ]
    )
    result = ee.audit(cells, decision="d", groups="g", strata="s", count="n", reference={"g": "b"})
    codes = {f.code for f in result.findings}
    assert "EE201" in codes
    assert not codes & {"EE301", "EE302"}


def test_a_stratum_with_a_small_cell_is_named_but_not_shown():
    cells = _cells(
        [
            ("a", "hoog", 201, 503),
            ("b", "hoog", 51, 509),
            ("a", "laag", 52, 521),
            ("b", "laag", 53, 527),
            ("a", "klein", 3, 41),
            ("b", "klein", 12, 43),
        ]
    )
    result = ee.audit(
        cells,
        decision="d",
        groups="g",
        strata="s",
        count="n",
        reference={"g": "b"},
        language="en",
    )
    (hides,) = [f for f in result.findings if f.code == "EE303"]
    assert "'klein' (small counts, not shown)" in hides.message
    assert "7.3%" not in hides.message  # 3 of 41
    record = result.to_dict()["stratified"][0]
    (small,) = [r for r in record["strata"] if r["level"] == "klein"]
    assert small["suppressed"] and small["group_numerator"] is None


def test_at_equal_risk_with_every_decision_in_one_band_is_said():
    # Decisions only in the top score band: 'at equal risk' is the comparison in that band.
    n = 400
    frame = pd.DataFrame(
        {
            "g": ["a"] * n + ["b"] * n,
            "score": ([0.9] * 200 + [0.1] * 200) * 2,
            "d": [1] * 120 + [0] * 80 + [0] * 200 + [1] * 60 + [0] * 140 + [0] * 200,
        }
    )
    result = ee.audit(
        frame,
        decision="d",
        groups="g",
        score="score",
        score_edges=[0.0, 0.5, 1.0],
        reference={"g": "b"},
        language="en",
    )
    (equal,) = result.discretion.equal_risk
    (top,) = [e for e in equal.strata if e.group_numerator]
    assert equal.selected_in_one_stratum == top.level
    assert top.ratio == pytest.approx(2.0)  # 120/200 against 60/200
    (warning,) = [f for f in result.findings if f.code == "EE304"]
    assert warning.subject.column == "score" and warning.evidence["level"] == top.level
