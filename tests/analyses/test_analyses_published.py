"""Analyses against published figures: DUO 2014 (CBS tables) and UC Berkeley 1973.

DUO: Algorithm Audit's 2024 addendum, CBS counts rounded to tens. Non-European migration
background = born_nl_x_origin_outside_europe + born_outside_nl_x_origin_outside_europe;
Dutch origin = born_nl_x_origin_nl. Published 2014: high risk 15,400/54,820 vs
25,280/178,200 (2.0x); selected for control 2,010/54,820 vs 1,050/178,200 (6.2x).
Berkeley: R ``mantelhaen.test(UCBAdmissions)``: X-squared = 1.4269, p = 0.2323,
common OR 0.9047 (male vs female admission odds).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from eerlijkheid import count_table, disparities
from eerlijkheid.analyses import analyse_strata
from eerlijkheid.config import AuditConfig

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "cases-raw"
#: Reads ../shared/cases-raw: skipped when absent, a clear failure under CI (shared_data.py).
pytestmark = pytest.mark.usefixtures("shared_cases")


def duo_2014_cells() -> pd.DataFrame:
    table = pd.read_csv(SHARED / "duo-cub" / "table1_population_2014.csv")
    groups = {
        "niet-Europees": [
            "born_nl_x_origin_outside_europe",
            "born_outside_nl_x_origin_outside_europe",
        ],
        "Nederlands": ["born_nl_x_origin_nl"],
    }
    rows = []
    for category in (1, 2, 3, 4, 5, 6):
        for selected in ("yes", "no"):
            line = table[
                table["category"] == f"Risk category {category} & Selected for control: {selected}"
            ]
            assert len(line) == 1
            for label, columns in groups.items():
                rows.append(
                    {
                        "herkomst": label,
                        "risico_hoog": "ja" if category in (1, 2) else "nee",
                        "risicocategorie": str(category),
                        "geselecteerd": "ja" if selected == "yes" else "nee",
                        "aantal": int(line[columns].sum(axis=1).iloc[0]),
                    }
                )
    return pd.DataFrame(rows)


def duo_2014_selection_margins() -> pd.DataFrame:
    table = pd.read_csv(SHARED / "duo-cub" / "table1_population_2014.csv")
    rows = []
    for selected in ("yes", "no"):
        line = table[table["category"] == f"Selected for control: {selected}"].iloc[0]
        rows.append(
            {
                "herkomst": "niet-Europees",
                "geselecteerd": selected,
                # The margin column (rounded once) gives the published 54,820;
                # summing the two rounded born_x columns would give 54,830.
                "aantal": int(line["origin_outside_europe"]),
            }
        )
        rows.append(
            {
                "herkomst": "Nederlands",
                "geselecteerd": selected,
                "aantal": int(line["born_nl_x_origin_nl"]),
            }
        )
    return pd.DataFrame(rows)


def test_duo_2014_published_ratios_through_the_pre_aggregated_path():
    reference = {"herkomst": "Nederlands"}
    selected = count_table(
        duo_2014_selection_margins(),
        decision="geselecteerd",
        groups="herkomst",
        count="aantal",
        rounded=True,
    )
    assert selected.rounded
    (sel,) = disparities(selected, metrics=["selection_rate"], reference=reference)
    assert (sel.group_numerator, sel.group_denominator) == (2_010, 54_820)
    # 1,050 + 177,160 = 178,210: cells are rounded to tens, the published total 178,200.
    assert sel.reference_numerator == 1_050
    assert abs(sel.reference_denominator - 178_200) <= 10
    assert round(sel.ratio, 1) == 6.2
    assert sel.ratio_interval.low > 5.5
    table = pd.read_csv(SHARED / "duo-cub" / "table1_population_2014.csv")
    margins = pd.DataFrame(
        [
            {
                "herkomst": label,
                "risico_hoog": category in (1, 2),
                "aantal": int(
                    table.loc[table["category"] == f"Risk category {category}", column].iloc[0]
                ),
            }
            for category in range(1, 7)
            for label, column in (
                ("niet-Europees", "origin_outside_europe"),
                ("Nederlands", "born_nl_x_origin_nl"),
            )
        ]
    )
    high_risk = count_table(
        margins, decision="risico_hoog", groups="herkomst", count="aantal", rounded=True
    )
    (risk,) = disparities(high_risk, metrics=["selection_rate"], reference=reference)
    assert round(risk.ratio, 1) == 2.0
    assert (risk.group_numerator, risk.reference_numerator) == (15_400, 25_280)


def test_duo_2014_selection_disparity_survives_risk_category():
    cells = duo_2014_cells()
    table = count_table(
        cells,
        decision="geselecteerd",
        groups="herkomst",
        strata="risicocategorie",
        count="aantal",
        rounded=True,
    )
    (comparison,) = analyse_strata(table, AuditConfig(reference={"herkomst": "Nederlands"}))
    assert comparison.group == ("niet-Europees",)
    assert comparison.crude.ratio > 6
    assert comparison.stratified.common_odds_ratio > 2
    assert comparison.pvalue_adjusted < 1e-10


def test_berkeley_crude_gap_disappears_within_departments():
    ucb = pd.read_csv(SHARED / "rdatasets" / "UCBAdmissions.csv")
    table = count_table(
        ucb,
        decision="Admit",
        groups="Gender",
        strata="Dept",
        count="Freq",
        binary_values={"Admitted": True, "Rejected": False},
    )
    (comparison,) = analyse_strata(
        table, AuditConfig(reference={"Gender": "Female"}, favourable=True)
    )
    # Crude: men 44.5% vs women 30.4% admitted (Bickel et al. 1975), clearly significant.
    assert round(comparison.crude.group_value, 3) == 0.445
    assert round(comparison.crude.reference_value, 3) == 0.304
    assert comparison.crude.test.pvalue < 1e-10
    # Within departments: R mantelhaen.test gives X2 = 1.4269, p = 0.2323, OR = 0.9047.
    assert comparison.stratified.statistic == pytest.approx(1.4269, abs=1e-4)
    assert comparison.stratified.pvalue == pytest.approx(0.2323, abs=1e-4)
    assert comparison.stratified.common_odds_ratio == pytest.approx(0.9047, abs=1e-4)
    assert comparison.pvalue_adjusted > 0.05
