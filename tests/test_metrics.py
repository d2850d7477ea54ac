"""Per-group metrics and disparities, checked against fairlearn and statsmodels.

fairlearn's ``MetricFrame`` is the test-only oracle for per-group metrics (intersectional
and per attribute); statsmodels for the intervals and tests of the disparities.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from sklearn.metrics import confusion_matrix
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from eerlijkheid import ConfigError, count_table, disparities, group_metrics
from eerlijkheid.metrics import METRICS, metric_names, to_frame


def _cm(y_true, y_pred):
    return confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()  # tn, fp, fn, tp


def _ratio(num, den):
    return num / den if den else math.nan


ORACLES = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "true_negative_rate": true_negative_rate,
    # fairlearn has no direct NPV/FDR/FOR/precision without zero-division warnings;
    # the oracle computes them from scikit-learn's confusion matrix.
    "precision": lambda t, p: _ratio(_cm(t, p)[3], _cm(t, p)[3] + _cm(t, p)[1]),
    "negative_predictive_value": lambda t, p: _ratio(_cm(t, p)[0], _cm(t, p)[0] + _cm(t, p)[2]),
    "false_discovery_rate": lambda t, p: _ratio(_cm(t, p)[1], _cm(t, p)[3] + _cm(t, p)[1]),
    "false_omission_rate": lambda t, p: _ratio(_cm(t, p)[2], _cm(t, p)[0] + _cm(t, p)[2]),
    "false_positive_share": lambda t, p: _cm(t, p)[1] / len(t),
    "prevalence": lambda t, p: float(np.mean(t)),
}


def test_every_metric_is_classified_and_has_an_oracle_or_a_share_rule():
    for name, metric in METRICS.items():
        assert metric.harm_if_burden in ("higher", "lower", "either")
        assert metric.harm_if_benefit in ("higher", "lower", "either")
        assert metric.kind in ("rate", "share")
        assert name in ORACLES or metric.kind == "share", f"{name} is not checked"
        assert metric.numerator.shape == metric.denominator.shape == (2, 3)
        # the numerator cells are a subset of the denominator cells
        assert not (metric.numerator & ~metric.denominator).any()


def random_rows(seed: int, n: int = 3_000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2])
    h = rng.choice(["x", "y"], size=n)
    y = (rng.random(n) < np.where(g == "a", 0.2, 0.35)).astype(int)
    d = (rng.random(n) < 0.15 + 0.4 * y + np.where(h == "y", 0.1, 0)).astype(int)
    return pd.DataFrame({"g": g, "h": h, "y": y, "d": d})


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("sensitive", [["g"], ["h"], ["g", "h"]])
def test_group_metrics_equal_fairlearn_metricframe(seed, sensitive):
    rows = random_rows(seed)
    table = count_table(rows, decision="d", groups=["g", "h"], outcome="y")
    ours = group_metrics(table, attributes=[tuple(sensitive)], metrics=list(ORACLES))
    frame = MetricFrame(
        metrics=ORACLES,
        y_true=rows["y"],
        y_pred=rows["d"],
        sensitive_features=rows[sensitive],
    ).by_group
    assert len(ours) == len(frame) * len(ORACLES)
    for m in ours:
        key = m.group if len(m.group) > 1 else m.group[0]
        assert m.value == pytest.approx(frame.loc[key, m.metric], abs=1e-12), m


def test_zero_division_convention_differs_from_sklearn_on_purpose():
    """A group without positives: we say NaN (undefined), sklearn/fairlearn say 0."""
    rows = pd.DataFrame(
        {"g": ["a"] * 4 + ["b"] * 4, "y": [0, 0, 0, 0, 1, 0, 1, 0], "d": [1, 0, 1, 0, 1, 1, 0, 0]}
    )
    table = count_table(rows, decision="d", groups="g", outcome="y")
    tpr = {m.group: m for m in group_metrics(table, metrics=["true_positive_rate"])}
    assert math.isnan(tpr[("a",)].value)
    assert (tpr[("a",)].numerator, tpr[("a",)].denominator) == (0, 0)
    assert tpr[("a",)].confidence_interval.low == 0.0
    assert tpr[("a",)].confidence_interval.high == 1.0
    fl = MetricFrame(
        metrics=true_positive_rate, y_true=rows["y"], y_pred=rows["d"], sensitive_features=rows["g"]
    ).by_group
    assert fl["a"] == 0.0  # fairlearn's convention
    assert tpr[("b",)].value == fl["b"] == 0.5


def test_outcome_metrics_use_only_observed_outcomes():
    rows = pd.DataFrame(
        {
            "g": ["a"] * 6 + ["b"] * 6,
            "y": [1, 0, None, None, None, None, 1, 1, 0, 0, None, None],
            "d": [1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0],
        }
    )
    table = count_table(rows, decision="d", groups="g", outcome="y")
    by = {(m.metric, m.group[0]): m for m in group_metrics(table)}
    assert (by["precision", "a"].numerator, by["precision", "a"].denominator) == (1, 2)
    assert (by["prevalence", "b"].numerator, by["prevalence", "b"].denominator) == (2, 4)
    # selection rate and FP share count every case of the group
    assert by["selection_rate", "a"].denominator == 6
    assert (
        by["false_positive_share", "a"].numerator,
        by["false_positive_share", "a"].denominator,
    ) == (1, 6)


def test_shares():
    rows = random_rows(3)
    table = count_table(rows, decision="d", groups="g")
    by = {(m.metric, m.group[0]): m.value for m in group_metrics(table)}
    for g in "abc":
        assert by["population_share", g] == pytest.approx((rows["g"] == g).mean())
        sel = rows[rows["d"] == 1]
        assert by["selection_share", g] == pytest.approx((sel["g"] == g).mean())


def test_metrics_without_outcome():
    rows = random_rows(4)
    table = count_table(rows, decision="d", groups="g")
    assert {m.metric for m in group_metrics(table)} == set(metric_names(has_outcome=False))
    with pytest.raises(ConfigError, match="'precision'.*outcome"):
        group_metrics(table, metrics=["precision"])
    with pytest.raises(ConfigError, match="'bogus'"):
        group_metrics(table, metrics=["bogus"])


def test_wilson_intervals_match_statsmodels():
    rows = random_rows(5)
    table = count_table(rows, decision="d", groups=["g", "h"])
    for method, sm in (("wilson", "wilson"), ("clopper-pearson", "beta"), ("jeffreys", "jeffreys")):
        for m in group_metrics(
            table, metrics=["selection_rate"], order=2, method=method, confidence_level=0.9
        ):
            low, high = proportion_confint(m.numerator, m.denominator, alpha=0.1, method=sm)
            assert (m.confidence_interval.low, m.confidence_interval.high) == pytest.approx(
                (low, high), abs=1e-9
            )


def test_disparity_names_group_reference_direction_counts_and_method():
    rows = random_rows(6)
    table = count_table(rows, decision="d", groups=["g", "h"], outcome="y")
    result = disparities(table, metrics=["selection_rate"], reference={"g": "a"})
    by = {d.group: d for d in result if d.attributes == ("g",)}
    assert set(by) == {("b",), ("c",)}
    d = by["b",]
    assert d.reference == ("a",) and d.reference_rule == "explicit"
    b, a = rows[rows.g == "b"], rows[rows.g == "a"]
    assert (d.group_numerator, d.group_denominator) == (b.d.sum(), len(b))
    assert (d.reference_numerator, d.reference_denominator) == (a.d.sum(), len(a))
    assert d.difference == pytest.approx(b.d.mean() - a.d.mean())
    assert d.ratio == pytest.approx(b.d.mean() / a.d.mean())
    low, high = confint_proportions_2indep(
        b.d.sum(), len(b), a.d.sum(), len(a), method="newcomb", compare="diff"
    )
    assert (d.difference_interval.low, d.difference_interval.high) == pytest.approx((low, high))
    low, high = confint_proportions_2indep(
        b.d.sum(), len(b), a.d.sum(), len(a), method="log", compare="ratio"
    )
    assert (d.ratio_interval.low, d.ratio_interval.high) == pytest.approx((low, high))
    assert d.direction == ("higher" if d.difference > 0 else "lower")
    assert d.harm == "higher"
    assert d.group_worse_off is (d.difference > 0)
    assert "newcombe" in d.method and d.test.method in ("chi2", "fisher")


def test_chi_square_and_holm_match_scipy_and_statsmodels():
    from scipy.stats import chi2_contingency
    from statsmodels.stats.multitest import multipletests

    rows = random_rows(7, n=5_000)
    table = count_table(rows, decision="d", groups="g")
    result = disparities(table, metrics=["selection_rate"], reference="largest")
    pvalues = []
    for d in result:
        t = [
            [d.group_numerator, d.group_denominator - d.group_numerator],
            [d.reference_numerator, d.reference_denominator - d.reference_numerator],
        ]
        chi2, p, _, _ = chi2_contingency(t, correction=False)
        assert d.test.statistic == pytest.approx(chi2) and d.test.pvalue == pytest.approx(p)
        pvalues.append(p)
    expected = multipletests(pvalues, method="holm")[1]
    assert [d.pvalue_adjusted for d in result] == pytest.approx(list(expected))


def test_reference_rules():
    rows = pd.DataFrame(
        {
            "g": ["a"] * 100 + ["b"] * 50 + ["c"] * 40 + ["d"] * 5,
            "d": [1] * 50 + [0] * 50 + [1] * 10 + [0] * 40 + [1] * 30 + [0] * 10 + [0] * 5,
        }
    )
    table = count_table(rows, decision="d", groups="g")
    largest = disparities(table, metrics=["selection_rate"])
    assert {d.reference for d in largest} == {("a",)}
    assert {d.reference_rule for d in largest} == {"largest"}
    # burden: most favourable = lowest selection rate among groups with >= 30 cases -> b
    fav = disparities(table, metrics=["selection_rate"], reference="most-favourable")
    assert {d.reference for d in fav} == {("b",)}
    # the tiny group d (rate 0) is not chosen: it has fewer than min_reference_size cases
    fav_small = disparities(
        table, metrics=["selection_rate"], reference="most-favourable", min_reference_size=1
    )
    assert {d.reference for d in fav_small} == {("d",)}
    # benefit: most favourable = highest rate -> c
    ben = disparities(
        table, metrics=["selection_rate"], reference="most-favourable", favourable=True
    )
    assert {d.reference for d in ben} == {("c",)}
    assert all(d.harm == "lower" for d in ben)
    with pytest.raises(ConfigError, match="'x'"):
        disparities(table, reference={"g": "x"})
    with pytest.raises(ConfigError, match="'smallest'"):
        disparities(table, reference="smallest")  # type: ignore[arg-type]


def test_missing_label_group_is_never_the_automatic_reference():
    rows = pd.DataFrame({"g": [None] * 100 + ["a"] * 30 + ["b"] * 20, "d": [1, 0] * 75})
    table = count_table(rows, decision="d", groups="g")
    result = disparities(table, metrics=["selection_rate"])
    assert {d.reference for d in result} == {("a",)}
    assert ("onbekend",) in {d.group for d in result}


def test_intersections_reference_combines_per_attribute_labels():
    rows = random_rows(8)
    table = count_table(rows, decision="d", groups=["g", "h"])
    result = disparities(table, metrics=["selection_rate"], order=2, reference={"g": "b", "h": "y"})
    pair = [d for d in result if d.attributes == ("g", "h")]
    assert {d.reference for d in pair} == {("b", "y")}
    assert len(pair) == 5
    sub = rows[(rows.g == "c") & (rows.h == "x")]
    d = next(d for d in pair if d.group == ("c", "x"))
    assert (d.group_numerator, d.group_denominator) == (sub.d.sum(), len(sub))


def test_weighted_metrics_use_effective_sample_size():
    rows = pd.DataFrame(
        {
            "g": ["a"] * 4 + ["b"] * 4,
            "d": [1, 0, 0, 0, 1, 1, 0, 0],
            "w": [2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        }
    )
    table = count_table(rows, decision="d", groups="g", weight="w")
    (a, b) = group_metrics(table, metrics=["selection_rate"])
    assert a.value == pytest.approx(2 / 5)
    assert a.effective_denominator == pytest.approx(25 / 7)  # (Σw)² / Σw²
    low, high = proportion_confint(0.4 * 25 / 7, 25 / 7, method="wilson")
    assert (a.confidence_interval.low, a.confidence_interval.high) == pytest.approx((low, high))
    assert b.value == 0.5 and b.effective_denominator == pytest.approx(4)


def test_tidy_frame_has_one_row_per_disparity():
    rows = random_rows(9)
    table = count_table(rows, decision="d", groups=["g", "h"], outcome="y")
    result = disparities(table, order=2)
    frame = to_frame(result)
    assert len(frame) == len(result)
    for column in (
        "metric",
        "attributes",
        "group",
        "reference",
        "group_numerator",
        "ratio_low",
        "ratio_high",
        "difference_low",
        "pvalue",
        "pvalue_adjusted",
        "test_method",
        "direction",
    ):
        assert column in frame.columns
