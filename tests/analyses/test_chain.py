"""Process chain: DUO's published figures, synthetic funnels, and rates against pandas.

DUO (Algorithm Audit 2024 addendum, CBS counts rounded to tens): non-European migration
background vs Dutch origin.  Published 2014: high risk 2.0x, selected for a home visit
6.2x, within the high-risk category 5.5x; 2019: risk model 0.9x, selection 3.6x.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import StratifiedTable

from eerlijkheid import count_table
from eerlijkheid.analyses.chain import (
    CONDITIONAL_METRIC,
    CUMULATIVE_METRIC,
    ChainEvidence,
    analyse_chain,
)
from eerlijkheid.config import AuditConfig
from eerlijkheid.exceptions import ConfigError

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "cases-raw"
DUO = SHARED / "duo-cub"
#: Reads ../shared/cases-raw: skipped when absent, a clear failure under CI (shared_data.py).
needs_duo = pytest.mark.usefixtures("shared_cases")

NON_EUROPEAN, DUTCH = "niet-Europees", "Nederlands"
STAGES = ["onderzocht", "risico_hoog"]
CHAIN = [*STAGES, "geselecteerd"]


# -- DUO -----------------------------------------------------------------------------------


def duo_cells(filename: str) -> pd.DataFrame:
    """Risk category x selected cells per group; category 6 (unknown) = missing risk."""
    table = pd.read_csv(DUO / filename)
    # CBS rounds every cell: the margin column is rounded once, a sum of two columns twice.
    columns = {NON_EUROPEAN: "origin_outside_europe", DUTCH: "born_nl_x_origin_nl"}
    rows = []
    for category in range(1, 7):
        for selected in ("yes", "no"):
            line = table[
                table["category"] == f"Risk category {category} & Selected for control: {selected}"
            ]
            assert len(line) == 1
            for label, column in columns.items():
                rows.append(
                    {
                        "herkomst": label,
                        "risico_hoog": "1" if category <= 2 else "0" if category <= 5 else None,
                        "geselecteerd": "ja" if selected == "yes" else "nee",
                        "aantal": int(line[column].iloc[0]),
                    }
                )
    return pd.DataFrame(rows)


def duo_evidence(filename: str) -> ChainEvidence:
    table = count_table(
        duo_cells(filename),
        decision="geselecteerd",
        groups="herkomst",
        stages=["risico_hoog"],
        count="aantal",
        rounded=True,
    )
    return analyse_chain(table, AuditConfig(reference={"herkomst": DUTCH}))


@needs_duo
def test_duo_2014_published_figures_and_strata_shape():
    cells = duo_cells("table1_population_2014.csv")
    # Not a funnel: students outside the high-risk category were selected too.
    low_risk_selected = cells[(cells["risico_hoog"] != "1") & (cells["geselecteerd"] == "ja")]
    assert low_risk_selected["aantal"].sum() == 740
    evidence = duo_evidence("table1_population_2014.csv")
    assert (evidence.shape, evidence.shape_reason) == ("strata", "cases-skip-a-step")
    assert evidence.passed_without_earlier == (("geselecteerd", 740),)

    (risk,) = evidence.step("risico_hoog").crude
    assert (risk.group, risk.reference) == ((NON_EUROPEAN,), (DUTCH,))
    assert (risk.group_numerator, risk.group_denominator) == (15390, 54800)
    assert (risk.reference_numerator, risk.reference_denominator) == (25280, 178210)
    assert round(risk.ratio, 1) == 2.0  # published 2.0 (15,400/54,820 vs 25,280/178,200)

    selection = evidence.step("geselecteerd")
    (crude,) = selection.crude
    assert (crude.group_numerator, crude.reference_numerator) == (2000, 1050)
    assert round(crude.ratio, 1) == 6.2  # published 6.2 (2,010/54,820 vs 1,050/178,200)

    (at_equal_risk,) = selection.stratified
    within = dict(zip(at_equal_risk.levels, at_equal_risk.within))
    assert set(within) == {("0",), ("1",), ("onbekend",)}
    high = within[("1",)]
    assert (high.group_numerator, high.group_denominator) == (1780, 15390)
    assert (high.reference_numerator, high.reference_denominator) == (530, 25280)
    assert round(high.ratio, 1) == 5.5  # published: within the high-risk category 5.5x
    assert at_equal_risk.rate_ratio == pytest.approx(4.245, abs=1e-3)
    assert at_equal_risk.pvalue_adjusted < 1e-10

    (attribution,) = evidence.attributions
    assert attribution.shape == "strata"
    assert attribution.adding_step == "geselecteerd"
    assert attribution.adding.basis == "stratified"
    assert attribution.adding.established
    assert attribution.overall is crude
    assert [r.material for r in attribution.ratios_by_step] == [True, True]
    assert attribution.steps_without_material == ()


@needs_duo
def test_duo_2019_selection_not_risk_model():
    evidence = duo_evidence("table2_population_2019.csv")
    assert evidence.shape == "strata"
    (risk,) = evidence.step("risico_hoog").crude
    assert round(risk.ratio, 1) == 0.9  # published 0.9
    (crude,) = evidence.step("geselecteerd").crude
    # Published 3.6 = (650/19,580) / (260/27,890) from the "Selected for control" margin
    # row (650 = the two born_x columns summed).  The risk x selection cross cells, each
    # rounded to tens, sum to 640/19,590 and 270/27,910: the reference's 260 selections
    # are off by one rounding unit (4 %), hence 3.38.
    assert round((650 / 19580) / (260 / 27890), 1) == 3.6
    assert (crude.group_numerator, crude.group_denominator) == (640, 19590)
    assert (crude.reference_numerator, crude.reference_denominator) == (270, 27910)
    assert abs(crude.ratio - 3.6) <= 0.25
    (at_equal_risk,) = evidence.step("geselecteerd").stratified
    high = dict(zip(at_equal_risk.levels, at_equal_risk.within))[("1",)]
    assert round(high.ratio, 1) == 3.6  # 570/5,590 vs 240/8,470
    assert round(at_equal_risk.rate_ratio, 1) == 3.5

    (attribution,) = evidence.attributions
    assert attribution.adding_step == "geselecteerd"
    assert attribution.adding.established
    assert attribution.steps_without_material == ("risico_hoog",)


# -- synthetic funnels --------------------------------------------------------------------


def funnel_rows(
    seed: int,
    n: int,
    *,
    biased_step: int | None = None,
    factor: float = 1.0,
    rates: tuple[float, ...] = (0.5, 0.4, 0.3),
    missing_at_reached: float = 0.02,
) -> pd.DataFrame:
    """A strict 3-step funnel; group B's rate at ``biased_step`` multiplied by ``factor``.

    Not-reached stages are missing; a small share of cases that reached ``risico_hoog``
    have no value there (and are then not selected).
    """
    rng = np.random.default_rng(seed)
    herkomst = rng.choice(["A", "B", "C"], size=n, p=[0.5, 0.3, 0.2])
    geslacht = rng.choice(["m", "v"], size=n)
    reached = np.ones(n, dtype=bool)
    values = []
    for k, rate in enumerate(rates):
        p = np.where(herkomst == "B", rate * factor, rate) if k == biased_step else rate
        passed = reached & (rng.random(n) < p)
        values.append(np.where(reached, passed.astype(float), np.nan))
        reached = passed
    onderzocht, risico, selected = values
    gap = (onderzocht == 1) & (rng.random(n) < missing_at_reached)
    risico = np.where(gap, np.nan, risico)
    selected = np.where(risico == 1, selected, 0.0)
    return pd.DataFrame(
        {
            "herkomst": herkomst,
            "geslacht": geslacht,
            "onderzocht": onderzocht,
            "risico_hoog": risico,
            "geselecteerd": selected.astype(int),
        }
    )


def chain_of(frame: pd.DataFrame, config: AuditConfig | None = None, **kw) -> ChainEvidence:
    table = count_table(
        frame, decision="geselecteerd", groups=["herkomst", "geslacht"], stages=STAGES, **kw
    )
    return analyse_chain(table, config or AuditConfig())


def aggregated(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["herkomst", "geslacht", *STAGES, "geselecteerd"]
    return frame.groupby(keys, dropna=False).size().rename("aantal").reset_index()


@pytest.mark.parametrize(("biased_step", "factor"), [(2, 1.5), (0, 1.4), (1, 0.6)])
def test_funnel_names_the_injected_step(biased_step, factor):
    frame = funnel_rows(3, 60_000, biased_step=biased_step, factor=factor)
    evidence = chain_of(frame)
    assert (evidence.shape, evidence.shape_reason) == ("funnel", "no-case-skips-a-step")
    assert evidence.passed_without_earlier == (("risico_hoog", 0), ("geselecteerd", 0))
    b = evidence.attribution(["herkomst"], ["B"])
    assert b.reference == ("A",)
    ratios = {r.step: r for r in b.ratios_by_step}
    assert ratios[CHAIN[biased_step]].ratio == pytest.approx(factor, rel=0.08)
    assert ratios[CHAIN[biased_step]].established
    others = [s for s in CHAIN if s != CHAIN[biased_step]]
    if factor > 1:  # a burden: a higher rate adds the disparity
        assert b.adding_step == CHAIN[biased_step]
        assert b.adding.ratio == ratios[CHAIN[biased_step]].ratio
        assert b.steps_without_material == tuple(others)
    else:  # a lower rate of a burden reduces it
        assert b.adding_step is None
        assert b.reducing_steps == (CHAIN[biased_step],)
    # the cumulative ratio is the product of the conditional ratios up to the step
    cumulative = next(d for d in evidence.steps[-1].cumulative if d.group == ("B",))
    product = np.prod([r.ratio for r in b.ratios_by_step])
    assert cumulative.ratio == pytest.approx(product, rel=1e-9)
    assert b.overall == cumulative
    assert evidence.attribution(["herkomst"], ["C"]).adding_step is None
    assert evidence.attribution(["geslacht"], ["v"]).adding_step is None


def test_pre_aggregated_gives_identical_evidence():
    frame = funnel_rows(5, 30_000, biased_step=1, factor=1.5)
    from_rows = chain_of(frame)
    from_counts = chain_of(aggregated(frame), count="aantal")
    assert from_rows == from_counts
    assert from_rows.attribution(["herkomst"], ["B"]).adding_step == "risico_hoog"


def test_rates_match_pandas():
    frame = funnel_rows(11, 20_000, biased_step=2, factor=1.3)
    evidence = chain_of(frame)
    flags = [frame[s].eq(1) for s in CHAIN]  # missing = not passed
    for k, step in enumerate(evidence.steps):
        assert (step.name, step.index) == (CHAIN[k], k)
        earlier = pd.concat([*flags[:k], pd.Series(True, index=frame.index)], axis=1).all(axis=1)
        reached = frame[earlier]
        assert step.population == len(reached)
        assert step.missing_at_reached == int(reached[CHAIN[k]].isna().sum())
        passed_all = pd.concat(flags[: k + 1], axis=1).all(axis=1)
        for attribute in ("herkomst", "geslacht"):
            conditional = (
                flags[k][earlier].groupby(frame.loc[earlier, attribute]).agg(["sum", "size"])
            )
            cumulative = passed_all.groupby(frame[attribute]).agg(["sum", "size"])
            cond = [d for d in step.conditional if d.attributes == (attribute,)]
            cum = [d for d in step.cumulative if d.attributes == (attribute,)]
            assert {d.metric for d in cond} == {CONDITIONAL_METRIC}
            assert {d.metric for d in cum} == {CUMULATIVE_METRIC}
            for d in cond:
                (g,), (r,) = d.group, d.reference
                assert (d.group_numerator, d.group_denominator) == tuple(conditional.loc[g])
                assert (d.reference_numerator, d.reference_denominator) == tuple(conditional.loc[r])
                assert d.group_value == pytest.approx(
                    conditional.loc[g, "sum"] / conditional.loc[g, "size"]
                )
            for d in cum:
                (g,), (r,) = d.group, d.reference
                assert (d.group_numerator, d.group_denominator) == tuple(cumulative.loc[g])
                assert (d.reference_numerator, d.reference_denominator) == tuple(cumulative.loc[r])
        # intersections compare the same rates per cell of both attributes
        pairs = [d for d in step.conditional if d.attributes == ("herkomst", "geslacht")]
        assert len(pairs) == 5
    assert evidence.steps[1].missing_at_reached > 0
    assert all(s.stratified is None and s.crude == () for s in evidence.steps)


def test_null_chain_names_no_step():
    named = 0
    for seed in range(40):
        evidence = chain_of(funnel_rows(100 + seed, 150_000))
        named += any(a.adding_step is not None for a in evidence.attributions)
    assert named <= 2  # no step named in >= 95 % of the seeds


# -- conventions ---------------------------------------------------------------------------


def test_favourable_decision_lower_rate_adds():
    frame = funnel_rows(7, 60_000, biased_step=1, factor=0.7)
    evidence = chain_of(frame, AuditConfig(favourable=True, order=1))
    b = evidence.attribution(["herkomst"], ["B"])
    assert b.adding_step == "risico_hoog"
    assert b.adding.ratio == pytest.approx(0.7, rel=0.08)
    assert b.adding.material
    assert all(d.harm == "lower" for d in evidence.steps[1].conditional)


def test_explicit_reference_is_kept_at_every_step():
    frame = funnel_rows(2, 20_000, biased_step=2, factor=1.5)
    evidence = chain_of(frame, AuditConfig(reference={"herkomst": "C"}, order=1))
    for step in evidence.steps:
        for d in step.conditional + step.cumulative:
            if d.attributes == ("herkomst",):
                assert (d.reference, d.reference_rule) == (("C",), "explicit")
    assert evidence.attribution(["herkomst"], ["B"]).adding_step == "geselecteerd"
    assert evidence.attribution(["herkomst"], ["A"]).adding_step is None


def test_no_stages_gives_no_steps():
    frame = funnel_rows(1, 500)[["herkomst", "geselecteerd"]]
    table = count_table(frame, decision="geselecteerd", groups="herkomst")
    evidence = analyse_chain(table, AuditConfig())
    assert evidence == ChainEvidence((), (), "none", "no-stages", ())


def test_requested_shape_and_invalid_shape():
    frame = funnel_rows(4, 5_000)
    table = count_table(frame, decision="geselecteerd", groups="herkomst", stages=STAGES)
    forced = analyse_chain(table, AuditConfig(), shape="strata")
    assert (forced.shape, forced.shape_reason) == ("strata", "requested")
    assert forced.steps[0].stratified is None
    assert [len(s.stratified) for s in forced.steps[1:]] == [2, 2]
    assert all(s.population == len(frame) for s in forced.steps)
    with pytest.raises(ConfigError):
        analyse_chain(table, AuditConfig(), shape="trechter")  # type: ignore[arg-type]


def test_random_arm_is_left_out():
    frame = funnel_rows(8, 10_000, biased_step=2, factor=1.5)
    frame["aselect"] = 0
    drawn = funnel_rows(9, 3_000).assign(aselect=1, geselecteerd=1)  # skips the chain
    both = pd.concat([frame, drawn], ignore_index=True)
    with_arm = chain_of(both, random_sample="aselect")
    assert with_arm.shape == "funnel"
    assert with_arm == chain_of(frame)


def test_weights_of_one_give_the_unweighted_ratios():
    frame = funnel_rows(6, 10_000, biased_step=2, factor=1.5).assign(gewicht=1.0)
    weighted = chain_of(frame, weight="gewicht")
    plain = chain_of(frame)
    for w, p in zip(weighted.attributions, plain.attributions):
        assert [r.ratio for r in w.ratios_by_step] == pytest.approx(
            [r.ratio for r in p.ratios_by_step]
        )
        assert w.adding_step == p.adding_step


# -- strata shape ---------------------------------------------------------------------------


def strata_rows(seed: int, n: int) -> pd.DataFrame:
    """Risk flag independent of group; selection of every risk level, 2x for group B."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["A", "B"], size=n, p=[0.6, 0.4])
    risk = rng.random(n) < np.where(group == "B", 0.35, 0.25)
    risk_value = np.where(rng.random(n) < 0.05, np.nan, risk.astype(float))
    p = np.where(risk, 0.10, 0.02) * np.where(group == "B", 2.0, 1.0)
    selected = (rng.random(n) < p).astype(int)
    return pd.DataFrame({"herkomst": group, "risico": risk_value, "geselecteerd": selected})


def test_strata_within_and_pooled_match_independent_computation():
    frame = strata_rows(1, 40_000)
    table = count_table(frame, decision="geselecteerd", groups="herkomst", stages="risico")
    evidence = analyse_chain(table, AuditConfig())
    assert (evidence.shape, evidence.shape_reason) == ("strata", "cases-skip-a-step")
    (risk,) = evidence.step("risico").crude
    expected = frame["risico"].eq(1).groupby(frame["herkomst"]).mean()
    assert risk.ratio == pytest.approx(expected["B"] / expected["A"])
    assert evidence.step("risico").missing_at_reached == int(frame["risico"].isna().sum())

    (strat,) = evidence.step("geselecteerd").stratified
    level = frame["risico"].map({0.0: "0", 1.0: "1"}).fillna("onbekend")
    counts = frame.groupby(["herkomst", level])["geselecteerd"].agg(["sum", "size"])
    assert strat.levels == (("0",), ("1",), ("onbekend",))
    for (lv,), d in zip(strat.levels, strat.within):
        assert (d.group_numerator, d.group_denominator) == tuple(counts.loc[("B", lv)])
        assert (d.reference_numerator, d.reference_denominator) == tuple(counts.loc[("A", lv)])
    tables = np.array(
        [
            [
                [
                    counts.loc[(g, lv), "sum"],
                    counts.loc[(g, lv), "size"] - counts.loc[(g, lv), "sum"],
                ]
                for g in ("B", "A")
            ]
            for lv in ("0", "1", "onbekend")
        ],
        dtype=float,
    ).transpose(1, 2, 0)
    oracle = StratifiedTable(tables)
    assert strat.rate_ratio == pytest.approx(oracle.riskratio_pooled, rel=1e-12)
    assert strat.mantel_haenszel.common_odds_ratio == pytest.approx(oracle.oddsratio_pooled)
    assert strat.rate_ratio == pytest.approx(2.0, rel=0.15)
    b = evidence.attribution(["herkomst"], ["B"])
    # the risk flag is material too (1.4x), the selection at equal risk adds more (2x)
    assert [r.basis for r in b.ratios_by_step] == ["crude", "stratified"]
    assert b.adding_step == "geselecteerd"


def test_single_stratum_interval_reduces_to_katz():
    cells = pd.DataFrame(
        {
            "g": ["a", "a", "b", "b", "a", "b"],
            "stap": ["1", "1", "1", "1", "0", "0"],
            "d": [1, 0, 1, 0, 1, 0],
            "aantal": [37, 463, 61, 339, 0, 0],
        }
    )
    table = count_table(cells, decision="d", groups="g", stages="stap", count="aantal")
    evidence = analyse_chain(table, AuditConfig(), shape="strata")
    (strat,) = evidence.step("d").stratified
    (within,) = strat.within
    assert strat.levels == (("1",),)
    assert strat.rate_ratio == pytest.approx(within.ratio, rel=1e-12)
    assert strat.rate_ratio_interval.low == pytest.approx(within.ratio_interval.low, rel=1e-9)
    assert strat.rate_ratio_interval.high == pytest.approx(within.ratio_interval.high, rel=1e-9)
