"""Discretion at equal risk and between case handlers, against independent computations.

Oracles: pandas cross-tabulations of the rows, statsmodels' ``StratifiedTable`` (as R's
``mantelhaen.test``) and one-way ANOVA, scipy's contingency tests, and the closed-form
truth of the synthetic welfare data (:func:`welfare_reexamination_truth`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.anova import anova_lm
from statsmodels.stats.contingency_tables import StratifiedTable

from eerlijkheid.analyses.discretion import (
    OTHERS_LABEL,
    analyse_discretion,
    homogeneity_test,
    intraclass_correlation,
    mantel_haenszel_rate_ratio,
)
from eerlijkheid.config import AuditConfig
from eerlijkheid.counts import count_table
from eerlijkheid.datasets import welfare_reexamination, welfare_reexamination_truth
from eerlijkheid.exceptions import ConfigError

EDGES = (0.0, 0.2, 0.5, 1.0)  # the generator's risk categories: laag, midden, hoog


def _table(df: pd.DataFrame, **extra: object):
    kwargs: dict[str, object] = {
        "decision": "geselecteerd",
        "groups": ["migratieachtergrond", "geslacht"],
        "score": "risicoscore",
        "score_edges": EDGES,
        "random_sample": "aselect",
        "handler": "team",
    }
    kwargs.update(extra)
    return count_table(df, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def welfare() -> pd.DataFrame:
    return welfare_reexamination(20_000, seed=3)


@pytest.fixture(scope="module")
def evidence(welfare):
    return analyse_discretion(_table(welfare), AuditConfig())


def _odds(p: float) -> float:
    return p / (1 - p)


# -- at equal risk ---------------------------------------------------------------------------


def test_equal_risk_finds_the_manual_steps_disparity(evidence):
    truth = welfare_reexamination_truth()
    (c,) = [c for c in evidence.equal_risk if c.group == (truth.protected_group,)]
    assert c.reference == (truth.reference_group,)
    assert c.risk == "risicoscore"
    # Within the flagged band the selection is the team's acceptance (1.8x); the bands
    # below it select nobody outside the random arm.  Expected common odds ratio:
    accept = truth.acceptance_rate
    expected = _odds(accept[truth.protected_group]) / _odds(accept[truth.reference_group])
    assert expected == pytest.approx(2.739, abs=1e-3)
    assert c.odds_ratio_interval.low < expected < c.odds_ratio_interval.high
    assert c.common_odds_ratio == pytest.approx(expected, rel=0.25)
    assert c.rate_ratio == pytest.approx(truth.acceptance_ratio, rel=0.15)
    assert c.pvalue_adjusted < 1e-6
    assert c.material
    assert evidence.profile_arm_only
    # The crude comparison is there too, with the model's proxy on top (ratio ~ 1.3 x 1.8).
    assert c.crude.ratio == pytest.approx(truth.flag_ratio * truth.acceptance_ratio, rel=0.2)


def test_equal_risk_no_false_alarm_for_independent_attribute(evidence):
    (c,) = [c for c in evidence.equal_risk if c.attribute == "geslacht"]
    assert not c.material


def test_equal_risk_matches_statsmodels_on_a_pandas_crosstab(welfare, evidence):
    profile = welfare[~welfare["aselect"]].copy()
    profile["band"] = pd.cut(profile["risicoscore"], list(EDGES), right=False)
    tables = []
    for _, rows in profile.groupby("band", observed=False):
        g = rows[rows["migratieachtergrond"] == "niet-westers"]["geselecteerd"]
        r = rows[rows["migratieachtergrond"] == "geen"]["geselecteerd"]
        if len(g) and len(r):
            tables.append([[g.sum(), (~g).sum()], [r.sum(), (~r).sum()]])
    st = StratifiedTable(np.array(tables, dtype=float).transpose(1, 2, 0))
    (c,) = [c for c in evidence.equal_risk if c.group == ("niet-westers",)]
    assert c.common_odds_ratio == pytest.approx(st.oddsratio_pooled, rel=1e-9)
    assert c.rate_ratio == pytest.approx(st.riskratio_pooled, rel=1e-9)
    low, high = st.oddsratio_pooled_confint()
    assert (c.odds_ratio_interval.low, c.odds_ratio_interval.high) == pytest.approx((low, high))
    assert c.stratified.statistic == pytest.approx(
        st.test_null_odds(correction=True).statistic, rel=1e-9
    )
    assert c.stratified.n_strata_used == len(tables)


def test_a_stratum_named_as_risk_gives_the_same_comparison(welfare, evidence):
    # risicocategorie is the score cut at 0.2 and 0.5: the same strata as the score bands.
    table = count_table(
        welfare,
        decision="geselecteerd",
        groups=["migratieachtergrond", "geslacht"],
        strata="risicocategorie",
        random_sample="aselect",
        handler="team",
    )
    by_category = analyse_discretion(table, AuditConfig(), risk="risicocategorie")
    assert by_category.risk == "risicocategorie"
    for a, b in zip(by_category.equal_risk, evidence.equal_risk, strict=True):
        assert (a.group, a.reference) == (b.group, b.reference)
        assert a.common_odds_ratio == pytest.approx(b.common_odds_ratio, rel=1e-12)
        assert a.pvalue_adjusted == pytest.approx(b.pvalue_adjusted, rel=1e-9)


def test_explicit_reference_is_reused(welfare):
    config = AuditConfig(reference={"migratieachtergrond": "westers", "geslacht": "man"})
    ev = analyse_discretion(_table(welfare), config)
    # single attributes and their intersection (order 2), as the crude comparisons
    assert {c.reference for c in ev.equal_risk} == {("westers",), ("man",), ("westers", "man")}
    assert all(c.crude.reference == c.reference for c in ev.equal_risk)


def test_risk_must_be_a_stratum_or_score_band(welfare):
    table = _table(welfare)
    with pytest.raises(ConfigError, match="risk"):
        analyse_discretion(table, AuditConfig(), risk="team")
    with pytest.raises(ConfigError, match="risicocategori"):
        analyse_discretion(table, AuditConfig(), risk="risicocategori")


# -- handlers -------------------------------------------------------------------------------


def test_lenient_team_is_flagged(evidence):
    truth = welfare_reexamination_truth()
    spread = evidence.handlers
    assert spread is not None
    assert spread.most_deviant == truth.lenient_team
    assert spread.material
    (c,) = [r for r in spread.rates if r.handler == truth.lenient_team]
    assert c.versus_others.reference == (OTHERS_LABEL,)
    # Teams are independent of everything: team C's rate over the others' is the team ratio.
    low, high = c.versus_others.ratio_interval.low, c.versus_others.ratio_interval.high
    assert low < truth.team_ratio < high
    assert spread.largest_ratio == pytest.approx(c.versus_others.ratio)
    rates = [r.rate for r in spread.rates]
    assert spread.max_min_ratio == pytest.approx(max(rates) / min(rates))


def test_handler_rates_match_pandas_scipy_and_anova(welfare, evidence):
    profile = welfare[~welfare["aselect"]]
    counts = pd.crosstab(profile["team"], profile["geselecteerd"])
    spread = evidence.handlers
    assert [r.handler for r in spread.rates] == list(counts.index)
    assert [r.selected for r in spread.rates] == counts[True].tolist()
    assert [r.cases for r in spread.rates] == counts.sum(axis=1).tolist()
    chi2, p, dof, _ = stats.chi2_contingency(counts.to_numpy(), correction=False)
    assert (spread.test.statistic, spread.test.pvalue) == pytest.approx((chi2, p), rel=1e-9)
    assert dof == 4
    for r in spread.rates:
        ci = stats.binomtest(r.selected, r.cases).proportion_ci(method="wilson")
        assert (r.confidence_interval.low, r.confidence_interval.high) == pytest.approx(
            (ci.low, ci.high), rel=1e-9
        )
    # Intraclass correlation: one-way ANOVA mean squares of the 0/1 decisions.
    frame = pd.DataFrame(
        {"y": profile["geselecteerd"].astype(float), "team": profile["team"].astype(str)}
    )
    anova = anova_lm(smf.ols("y ~ C(team)", frame).fit())
    msb, msw = anova["mean_sq"].iloc[0], anova["mean_sq"].iloc[1]
    sizes = counts.sum(axis=1).to_numpy(dtype=float)
    n0 = (sizes.sum() - (sizes**2).sum() / sizes.sum()) / (len(sizes) - 1)
    assert spread.intraclass_correlation == pytest.approx(
        (msb - msw) / (msb + (n0 - 1) * msw), rel=1e-9
    )


def test_handler_rates_among_cases_that_reached_the_step(welfare):
    truth = welfare_reexamination_truth()
    ev = analyse_discretion(_table(welfare, stages=["geselecteerd_model"]), AuditConfig())
    assert ev.reached == "geselecteerd_model"
    flagged = welfare[~welfare["aselect"] & welfare["geselecteerd_model"]]
    expected = flagged.groupby("team")["geselecteerd"].agg(["sum", "size"])
    for r in ev.handlers.rates:
        assert (r.selected, r.cases) == tuple(expected.loc[r.handler])
        ci = r.confidence_interval
        assert ci.low < truth.team_acceptance_rate[r.handler] < ci.high
    # Without conditioning, the rates are over every profile case.
    unconditioned = analyse_discretion(
        _table(welfare, stages=["geselecteerd_model"]), AuditConfig(), condition_on_stage=False
    )
    assert unconditioned.reached is None
    assert sum(r.cases for r in unconditioned.handlers.rates) == int((~welfare["aselect"]).sum())


def test_each_team_treats_the_protected_group_differently(evidence):
    by_team = [c for c in evidence.handler_groups if c.group == ("niet-westers",)]
    assert len(by_team) == 5
    # The multiplier is applied within every team: every team's ratio is above 1, and the
    # lenient team (acceptance 0.9 vs 0.5) shows it most clearly; the other teams' tests
    # (0.45 vs 0.25, about a hundred flagged niet-westers cases per team) have less power.
    assert all(c.rate_ratio > 1.2 for c in by_team)
    (lenient,) = [c for c in by_team if c.handler == welfare_reexamination_truth().lenient_team]
    assert lenient.material
    assert sum(c.material for c in by_team) >= 3
    assert not any(c.material for c in evidence.handler_groups if c.attribute == "geslacht")
    c = by_team[0]
    assert c.stratified is not None
    assert c.crude.group_denominator + c.crude.reference_denominator <= sum(
        r.cases for r in evidence.handlers.rates if r.handler == c.handler
    )


def test_missing_handler_is_left_out():
    frame = pd.DataFrame(
        {
            "g": ["a", "b"] * 60,
            "team": ["t1"] * 50 + ["t2"] * 50 + [None] * 20,
            "d": [1, 0, 0, 0] * 30,
        }
    )
    ev = analyse_discretion(
        count_table(frame, decision="d", groups="g", handler="team"), AuditConfig()
    )
    assert [r.handler for r in ev.handlers.rates] == ["t1", "t2"]
    assert ev.handlers.missing_cases == 20
    assert all(c.handler != "onbekend" for c in ev.handler_groups)


def test_nothing_to_compare_without_risk_or_handler():
    frame = pd.DataFrame({"g": ["a", "b"] * 20, "d": [1, 0, 0, 1] * 10})
    ev = analyse_discretion(count_table(frame, decision="d", groups="g"), AuditConfig())
    assert (ev.risk, ev.equal_risk, ev.handlers, ev.handler_groups) == (None, (), None, ())
    assert not ev.material


def test_no_bias_false_alarms_are_controlled():
    """Without injected bias, material findings are as rare as the tests' level allows.

    Each part controls its own family-wise error at ``alpha`` = 0.05.  The stratified parts
    are conservative (continuity-corrected CMH, Holm), so they stay clean in at least 95% of
    the 40 seeds.  The homogeneity test across handlers has size exactly ``alpha``: it fires
    in 2 of 40 null seeds on average, so "at least 38 of 40 clean" is its expectation, not
    a bound; it is held to the 98.6% quantile of Binomial(40, 0.05) (5 of 40) instead.
    """
    config = AuditConfig()
    counts = np.zeros(3, dtype=int)
    for seed in range(40):
        df = welfare_reexamination(4_000, seed=seed, bias=False)
        ev = analyse_discretion(_table(df, groups=["migratieachtergrond"]), config)
        counts += [
            any(c.material for c in ev.equal_risk),
            ev.handlers.material,
            any(c.material for c in ev.handler_groups),
        ]
    equal_risk, handlers, handler_groups = counts
    assert equal_risk <= 2
    assert handler_groups <= 2
    assert stats.binom.cdf(5, 40, config.alpha) > 0.986
    assert handlers <= 5


# -- building blocks --------------------------------------------------------------------------


def test_homogeneity_test_matches_scipy():
    table = np.array([[70, 30], [60, 40], [45, 55]])
    res = homogeneity_test(table)
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert (res.statistic, res.pvalue, res.method) == (
        pytest.approx(chi2),
        pytest.approx(p),
        "chi2",
    )
    # Two sparse rows: Fisher's exact test, as in the pairwise comparisons.
    res = homogeneity_test([[3, 1], [1, 4]])
    assert res.method == "fisher"
    assert res.pvalue == pytest.approx(stats.fisher_exact([[1, 3], [4, 1]]).pvalue)
    # Several sparse rows: Monte Carlo p-value of the chi-square statistic (fixed margins).
    sparse = np.array([[3, 1], [1, 4], [2, 2], [0, 3]])
    res = homogeneity_test(sparse, resamples=19_999)
    oracle = stats.chi2_contingency(
        sparse, correction=False, method=stats.PermutationMethod(n_resamples=19_999, rng=1)
    )
    assert res.method == "chi2-monte-carlo"
    assert res.statistic == pytest.approx(oracle.statistic)
    assert res.pvalue == pytest.approx(oracle.pvalue, abs=0.01)
    assert homogeneity_test(sparse) == homogeneity_test(sparse)  # fixed seed: deterministic


@pytest.mark.parametrize("counts", [[[5, 0], [7, 0]], [[0, 0], [3, 4]], [[3, 4]]])
def test_homogeneity_test_not_testable(counts):
    res = homogeneity_test(counts)
    assert np.isnan(res.statistic) and np.isnan(res.pvalue)


def test_rate_ratio_and_icc_edge_cases():
    assert mantel_haenszel_rate_ratio([0], [10], [0], [10]) != mantel_haenszel_rate_ratio(
        [0], [10], [0], [10]
    )  # NaN
    assert mantel_haenszel_rate_ratio([1], [10], [0], [10]) == np.inf
    assert mantel_haenszel_rate_ratio([5, 9], [10, 0], [2, 3], [10, 5]) == pytest.approx(2.5)
    assert np.isnan(intraclass_correlation([3], [10]))
    assert np.isnan(intraclass_correlation([0, 0], [10, 10]))
    assert intraclass_correlation([5, 5], [10, 10]) < 0  # less spread than chance
