"""Suitability and per-feature outcome tables, against independent computations.

Oracles: pandas on the rows, scipy's contingency tests and Cramér's V, statsmodels'
``confint_proportions_2indep`` and ``power_proportions_2indep`` (solved for the sample size
with scipy's ``brentq``), and the closed-form truth of the synthetic welfare data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.optimize import brentq
from statsmodels.stats.proportion import confint_proportions_2indep, power_proportions_2indep

from eerlijkheid.analyses.disparity import RANDOM_ARM_LABEL
from eerlijkheid.analyses.suitability import (
    PROFILE_LABEL,
    analyse_suitability,
    required_random_sample,
)
from eerlijkheid.config import AuditConfig, Roles
from eerlijkheid.counts import count_table
from eerlijkheid.datasets import welfare_reexamination, welfare_reexamination_truth
from eerlijkheid.exceptions import ColumnNotFoundError, ConfigError, DataError, EmptyDataError
from eerlijkheid.ingest._features import feature_outcome_tables

ROLES = Roles(
    decision="geselecteerd",
    groups=("migratieachtergrond",),
    outcome="onrechtmatig",
    random_sample="aselect",
)


@pytest.fixture(scope="module")
def welfare() -> pd.DataFrame:
    return welfare_reexamination(20_000, seed=0)


@pytest.fixture(scope="module")
def table(welfare):
    return count_table(
        welfare,
        decision="geselecteerd",
        groups=["migratieachtergrond", "geslacht"],
        outcome="onrechtmatig",
        random_sample="aselect",
    )


def _hits(rows: pd.DataFrame) -> tuple[int, int]:
    observed = rows["onrechtmatig"].dropna().astype(bool)
    return int(observed.sum()), int(observed.size)


# -- profile versus random ----------------------------------------------------------------


def test_profile_hit_rate_vs_random_equals_pandas_and_truth(welfare, table):
    truth = welfare_reexamination_truth()
    evidence = analyse_suitability(table, AuditConfig())
    o = evidence.overall
    assert evidence.status == "shown"
    assert (o.group, o.reference) == ((PROFILE_LABEL,), (RANDOM_ARM_LABEL,))
    x1, n1 = _hits(welfare[~welfare["aselect"] & welfare["geselecteerd"]])
    x0, n0 = _hits(welfare[welfare["aselect"]])
    assert (o.group_numerator, o.group_denominator) == (x1, n1)
    assert (o.reference_numerator, o.reference_denominator) == (x0, n0)
    assert o.ratio == pytest.approx((x1 / n1) / (x0 / n0))
    low, high = confint_proportions_2indep(x1, n1, x0, n0, compare="ratio", method="log")
    assert (o.ratio_interval.low, o.ratio_interval.high) == pytest.approx((low, high))
    chi2, p, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x0, n0 - x0]], correction=False)
    assert (o.test.statistic, o.test.pvalue) == pytest.approx((chi2, p))
    # The truth: flagged cases are irregular in 0.293 of cases, random ones in 0.145.
    assert truth.hit_rate_model_overall == pytest.approx(0.293, abs=1e-3)
    assert truth.irregularity_rate == pytest.approx(0.145)
    for hits, nobs, expected in ((x1, n1, truth.hit_rate_model_overall), (x0, n0, 0.145)):
        ci = stats.binomtest(hits, nobs).proportion_ci(method="wilson")
        assert ci.low < expected < ci.high
    expected_ratio = truth.hit_rate_model_overall / truth.irregularity_rate
    assert o.ratio_interval.low < expected_ratio < o.ratio_interval.high


def test_profile_hit_rate_per_group_equals_pandas(welfare, table):
    evidence = analyse_suitability(table, AuditConfig())
    label = welfare["migratieachtergrond"].fillna("onbekend")
    profile = ~welfare["aselect"] & welfare["geselecteerd"]
    by_group = [d for d in evidence.by_group if d.attributes == ("migratieachtergrond",)]
    assert sorted(d.group[0] for d in by_group) == sorted(label.unique())
    pvalues = []
    for d in by_group:
        mine = label == d.group[0]
        assert (d.group_numerator, d.group_denominator) == _hits(welfare[profile & mine])
        assert (d.reference_numerator, d.reference_denominator) == _hits(
            welfare[welfare["aselect"] & mine]
        )
        assert d.reference == (RANDOM_ARM_LABEL,)
        pvalues.append(d.test.pvalue)
    # Holm within the attribute, by hand.
    order = np.argsort(pvalues)
    m = len(pvalues)
    expected = np.maximum.accumulate(np.sort(pvalues) * (m - np.arange(m)))
    adjusted = np.array([d.pvalue_adjusted for d in by_group])[order]
    assert adjusted == pytest.approx(np.minimum(expected, 1.0))
    # Every group's profile finds more than its random arm (the truth: 0.28-0.31 vs 0.145).
    assert all(d.ratio > 1 for d in by_group)


# -- features on the random arm -----------------------------------------------------------


def test_feature_tests_language_unrelated_earnings_related(welfare, table):
    tables = feature_outcome_tables(
        welfare, ROLES, ["taalvaardigheid", "inkomen_bijverdiensten"], binning="quantile"
    )
    evidence = analyse_suitability(table, AuditConfig(), features=tables)
    language, earnings = evidence.features
    # The generator's irregularity depends on side earnings, never on language proficiency.
    assert not language.related
    assert earnings.related
    assert evidence.unrelated_features == ("taalvaardigheid",)
    # The language table equals a pandas cross-tabulation of the random arm.
    arm = welfare[welfare["aselect"] & welfare["onrechtmatig"].notna()]
    crosstab = pd.crosstab(arm["taalvaardigheid"], arm["onrechtmatig"].astype(bool))
    assert language.levels == tuple(crosstab.index)
    assert language.negatives == tuple(crosstab[False])
    assert language.positives == tuple(crosstab[True])
    chi2, p, _, _ = stats.chi2_contingency(crosstab.to_numpy(), correction=False)
    assert (language.test.statistic, language.test.pvalue) == pytest.approx((chi2, p))
    assert language.cramers_v == pytest.approx(
        stats.contingency.association(crosstab.to_numpy(), method="cramer")
    )
    for level, rate, ci in zip(language.levels, language.rates, language.intervals, strict=True):
        x, n = int(crosstab.loc[level, True]), int(crosstab.loc[level].sum())
        wilson = stats.binomtest(x, n).proportion_ci(method="wilson")
        assert rate == pytest.approx(x / n)
        assert (ci.low, ci.high) == pytest.approx((wilson.low, wilson.high))
    # Holm over the two features.
    p_sorted = sorted([language.test.pvalue, earnings.test.pvalue])
    assert earnings.pvalue_adjusted == pytest.approx(min(1.0, 2 * p_sorted[0]))
    assert language.pvalue_adjusted == pytest.approx(min(1.0, max(2 * p_sorted[0], p_sorted[1])))


def test_feature_counts_must_have_two_columns(table):
    with pytest.raises(ConfigError, match="features"):
        analyse_suitability(table, AuditConfig(), features={"x": (("a", "b"), [[1, 2, 3]])})


# -- without a random arm -----------------------------------------------------------------


def _statsmodels_sample_size(n1: int, p1: float, config: AuditConfig) -> float:
    """Random-arm size for ratio ``detectable_ratio``, solved on statsmodels' power."""
    p2 = p1 / config.detectable_ratio

    def gap(m: float) -> float:
        power = power_proportions_2indep(
            diff=p1 - p2, prop2=p2, nobs1=n1, ratio=m / n1, alpha=config.alpha
        ).power
        return float(power - config.power)

    if n1 == 0 or p1 == 0 or gap(1e12) < 0:
        return math.inf
    return math.ceil(brentq(gap, 1e-6, 1e12, xtol=1e-10, rtol=1e-14))


def test_without_random_arm_sample_sizes_match_statsmodels(welfare):
    profile_only = welfare[~welfare["aselect"]]
    table = count_table(
        profile_only,
        decision="geselecteerd",
        groups=["migratieachtergrond", "geslacht"],
        outcome="onrechtmatig",
    )
    config = AuditConfig(detectable_ratio=1.5)
    evidence = analyse_suitability(table, config)
    assert evidence.status == "no-random-arm"
    assert evidence.overall is None and evidence.by_group == ()
    overall, *groups = evidence.sample_sizes
    assert overall.group == (PROFILE_LABEL,)
    x, n = _hits(profile_only[profile_only["geselecteerd"]])
    assert (overall.profile_hits, overall.profile_cases) == (x, n)
    assert overall.required == _statsmodels_sample_size(n, x / n, config)
    assert overall.present == 0 and not overall.sufficient
    label = profile_only["migratieachtergrond"].fillna("onbekend")
    finite = 0
    for s in groups:
        column = s.attributes[0]
        values = label if column == "migratieachtergrond" else profile_only[column]
        rows = profile_only[(values == s.group[0]) & profile_only["geselecteerd"]]
        x, n = _hits(rows)
        assert (s.profile_hits, s.profile_cases) == (x, n)
        assert s.required == _statsmodels_sample_size(n, x / n, config)
        assert s.population == int((values == s.group[0]).sum())
        finite += math.isfinite(s.required)
    assert finite >= 2  # the large groups can be compared; small ones may need more profile
    # Totals per attribute (the missing-label group left out).
    for total in evidence.sample_totals:
        members = [
            s for s in groups if s.attributes == (total.attribute,) and s.group != ("onbekend",)
        ]
        assert total.stratified == pytest.approx(sum(s.required for s in members))
        shares = [s.population / table.total for s in members]
        expected_uniform = max(s.required / share for s, share in zip(members, shares))
        assert total.uniform == pytest.approx(expected_uniform)


def test_required_random_sample_edge_cases():
    # No profile cases, or no hits: no random sample can show a difference.
    assert required_random_sample([0, 100], [0.3, 0.0], ratio=1.25).tolist() == [
        math.inf,
        math.inf,
    ]
    with pytest.raises(ConfigError, match="ratio"):
        required_random_sample(100, 0.3, ratio=1.0)
    # The smallest whole number: one case fewer does not reach the power.
    config = AuditConfig(detectable_ratio=2.0)
    (m,) = required_random_sample([400], [0.4], ratio=2.0).tolist()
    assert m == _statsmodels_sample_size(400, 0.4, config)


def test_without_outcome_nothing_can_be_assessed(welfare):
    table = count_table(
        welfare, decision="geselecteerd", groups="migratieachtergrond", random_sample="aselect"
    )
    evidence = analyse_suitability(table, AuditConfig())
    assert evidence.status == "no-outcome"
    assert evidence.overall is None and evidence.sample_sizes == ()


def test_not_shown_when_the_profile_finds_no_more():
    frame = pd.DataFrame(
        {
            "g": ["a", "b"] * 200,
            "r": [0] * 200 + [1] * 200,
            "d": [1] * 400,
            "y": [1, 0, 0, 0] * 100,
        }
    )
    table = count_table(frame, decision="d", groups="g", outcome="y", random_sample="r")
    evidence = analyse_suitability(table, AuditConfig())
    assert evidence.status == "not-shown"
    assert evidence.overall.ratio == pytest.approx(1.0)


# -- feature_outcome_tables on every engine ------------------------------------------------


def _feature_frame() -> pd.DataFrame:
    df = welfare_reexamination(3_000, seed=4)
    df["aantal"] = (df["inkomen_bijverdiensten"] > 0).astype("int64") * 2  # 2 values: labels
    df["leeg"] = df["inkomen_bijverdiensten"].where(df.index % 7 != 0)  # missing values
    df["aselect"] = np.where(df["aselect"], "ja", "nee")  # the binary vocabulary
    return df[
        [
            "taalvaardigheid",
            "wijk",
            "inkomen_bijverdiensten",
            "aantal",
            "leeg",
            "aselect",
            "onrechtmatig",
            "geselecteerd",
            "migratieachtergrond",
        ]
    ]


FEATURES = ["taalvaardigheid", "wijk", "inkomen_bijverdiensten", "aantal", "leeg"]


def _expected_tables(df: pd.DataFrame, bins: int) -> dict[str, tuple[tuple[str, ...], list]]:
    """Direct pandas/numpy computation of the documented banding and counting."""
    arm = df[df["aselect"] == "ja"]
    out = {}
    for name in FEATURES:
        values = arm[name]
        if name in ("inkomen_bijverdiensten", "leeg"):
            lo, hi = values.min(), values.max()
            edges = [lo + (hi - lo) * k / bins for k in range(bins + 1)]
            band = sum((values >= e).astype(int) for e in edges[1:-1])
            labels = [
                f"[{edges[k]:.4g}, {edges[k + 1]:.4g}{']' if k == bins - 1 else ')'}"
                for k in range(bins)
            ]
            keys = pd.Series(np.where(values.isna(), "onbekend", band.astype(str)))
            levels = labels + (["onbekend"] if values.isna().any() else [])
            key_of = {str(k): labels[k] for k in range(bins)} | {"onbekend": "onbekend"}
            keys = keys.map(key_of)
        else:
            keys = values.astype(str).reset_index(drop=True)
            levels = sorted(keys.unique())
        y = arm["onrechtmatig"].reset_index(drop=True)
        counts = [
            [int(((keys == lev) & (y == False)).sum()), int(((keys == lev) & (y == True)).sum())]  # noqa: E712
            for lev in levels
        ]
        out[name] = (tuple(levels), counts)
    return out


@pytest.mark.parametrize("spelling", ["ja/nee", "bool", "0/1"])
def test_feature_tables_equal_pandas_on_every_engine(constructor, spelling):
    df = _feature_frame()
    native = df
    if spelling != "ja/nee":
        native = df.assign(
            aselect=(df["aselect"] == "ja").astype(bool if spelling == "bool" else int)
        )
    got = feature_outcome_tables(constructor(native), ROLES, FEATURES, bins=4)
    expected = _expected_tables(df, bins=4)
    assert list(got) == FEATURES
    for name in FEATURES:
        levels, counts = got[name]
        assert (levels, counts.tolist()) == expected[name], name
        assert counts.dtype == np.int64


def test_quantile_bands_are_the_same_on_every_engine_and_isolate_a_point_mass(constructor):
    df = _feature_frame()
    reference = feature_outcome_tables(df, ROLES, ["inkomen_bijverdiensten"], binning="quantile")
    got = feature_outcome_tables(
        constructor(df), ROLES, ["inkomen_bijverdiensten"], binning="quantile"
    )
    levels, counts = got["inkomen_bijverdiensten"]
    assert levels == reference["inkomen_bijverdiensten"][0]
    assert counts.tolist() == reference["inkomen_bijverdiensten"][1].tolist()
    # 70% of side earnings are 0: the zeros form the first band on their own.
    arm = df[(df["aselect"] == "ja") & df["onrechtmatig"].notna()]
    assert int(counts[0].sum()) == int((arm["inkomen_bijverdiensten"] == 0).sum())
    assert 2 <= len(levels) <= 5


def test_explicit_edges(constructor):
    df = _feature_frame()
    got = feature_outcome_tables(
        constructor(df), ROLES, ["aantal"], edges={"aantal": (0.0, 1.0, 2.0)}
    )
    arm = df[(df["aselect"] == "ja") & df["onrechtmatig"].notna()]
    expected = pd.crosstab(arm["aantal"] > 0, arm["onrechtmatig"].astype(bool))
    levels, counts = got["aantal"]
    assert levels == ("[0, 1)", "[1, 2]")
    assert counts.tolist() == expected.to_numpy().tolist()


def test_feature_errors():
    df = _feature_frame()
    with pytest.raises(ColumnNotFoundError, match="taalvaardigheid"):
        feature_outcome_tables(df, ROLES, ["taalvaardigheit"])
    no_random = Roles(decision="geselecteerd", groups="migratieachtergrond", outcome="onrechtmatig")
    with pytest.raises(ConfigError, match="random_sample"):
        feature_outcome_tables(df, no_random, ["wijk"])
    no_outcome = Roles(
        decision="geselecteerd", groups="migratieachtergrond", random_sample="aselect"
    )
    with pytest.raises(ConfigError, match="outcome"):
        feature_outcome_tables(df, no_outcome, ["wijk"])
    with pytest.raises(ConfigError, match="bins"):
        feature_outcome_tables(df, ROLES, ["wijk"], bins=1)
    with pytest.raises(DataError, match="wijk"):
        feature_outcome_tables(df, ROLES, ["wijk"], edges={"wijk": (0, 1)})
    with pytest.raises(EmptyDataError):
        feature_outcome_tables(df.assign(aselect="nee"), ROLES, ["wijk"])
