"""Necessity analyses against brute force, refits by hand and generating probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats
from sklearn.base import clone
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from statsmodels.stats.proportion import confint_proportions_2indep

from eerlijkheid.analyses.necessity import (
    adjusted_selection,
    feature_ablation,
    threshold_alternatives,
)
from eerlijkheid.datasets import welfare_reexamination, welfare_reexamination_truth
from eerlijkheid.exceptions import ColumnNotFoundError, ConfigError

# -- a synthetic model with a known proxy ---------------------------------------------------
# group B with probability P_B; legitimate feature x ~ N(0, 1) independent of the group;
# proxy z ~ Bernoulli(0.6) in B and Bernoulli(0.1) in A; logit P(y) = ALPHA + BETA x + GAMMA z.
P_B, Z_B, Z_A = 0.3, 0.6, 0.1
ALPHA, BETA, GAMMA = -1.0, 1.5, 0.6


def proxy_data(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(n) < P_B, "B", "A")
    x = rng.normal(size=n)
    z = (rng.random(n) < np.where(group == "B", Z_B, Z_A)).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(ALPHA + BETA * x + GAMMA * z)))).astype(int)
    return pd.DataFrame({"x": x, "z": z}), y, group


def selected(c: float, p_z: float, gamma: float = GAMMA) -> float:
    """P(BETA x + gamma z > c) when z ~ Bernoulli(p_z): a mixture of normal tails."""
    return p_z * stats.norm.sf((c - gamma) / BETA) + (1 - p_z) * stats.norm.sf(c / BETA)


def expected_ratio(share: float) -> float:
    """P(selected | B) / P(selected | A) when the top ``share`` by the true logit is selected.

    From the generating probabilities only.
    """
    c = optimize.brentq(
        lambda c: P_B * selected(c, Z_B) + (1 - P_B) * selected(c, Z_A) - share, -20, 20
    )
    return selected(c, Z_B) / selected(c, Z_A)


# -- adjusted selection -------------------------------------------------------------------------


def brute_force(score, group, y, budget, protected, reference, swaps):
    """Swap one case at a time, by the documented rule, with plain Python."""
    order = sorted(range(len(score)), key=lambda i: -score[i])  # no ties in these tests
    chosen = set(order[:budget])
    rate = {g: sum(group[i] == g for i in chosen) / sum(group == g) for g in (protected, reference)}
    over = protected if rate[protected] >= rate[reference] else reference
    for _ in range(swaps):
        out = min((i for i in chosen if group[i] == over), key=lambda i: score[i])
        add = max(
            (i for i in range(len(score)) if i not in chosen and group[i] != over),
            key=lambda i: score[i],
        )
        chosen = (chosen - {out}) | {add}
    chosen_list = sorted(chosen)
    return {
        "protected": sum(group[i] == protected for i in chosen_list),
        "reference": sum(group[i] == reference for i in chosen_list),
        "found": sum(y[i] == 1 for i in chosen_list),
        "observed": sum(not np.isnan(y[i]) for i in chosen_list),
    }


def test_adjusted_selection_equals_swapping_by_hand():
    rng = np.random.default_rng(11)
    n = 300
    group = rng.choice(["p", "r", "o"], size=n, p=[0.3, 0.5, 0.2])
    score = rng.random(n) + 0.25 * (group == "p")
    y = (rng.random(n) < score / 1.3).astype(float)
    y[rng.random(n) < 0.1] = np.nan  # some outcomes unknown
    ev = adjusted_selection(score, group, y, budget=60, protected="p", reference="r", steps=5)
    assert ev.over_selected == "p" and ev.parity_reached and not ev.outcome_complete
    assert [r.kind for r in ev.rows] == ["actual"] + ["adjusted"] * 5 + ["random"]
    for row in ev.rows[:-1]:
        expected = brute_force(score, group, y, 60, "p", "r", row.swaps)
        assert row.selected_protected == expected["protected"]
        assert row.selected_reference == expected["reference"]
        assert (row.found, row.outcomes_observed) == (expected["found"], expected["observed"])
        assert row.hit_rate == pytest.approx(expected["found"] / expected["observed"])
        assert row.uses_protected_attribute == (row.swaps > 0)
        # the disparity is the selection-rate ratio with the Katz log interval
        n_p, n_r = (group == "p").sum(), (group == "r").sum()
        assert row.disparity.ratio == pytest.approx(
            (expected["protected"] / n_p) / (expected["reference"] / n_r)
        )
        low, high = confint_proportions_2indep(
            expected["protected"], n_p, expected["reference"], n_r, compare="ratio", method="log"
        )
        interval = (row.disparity.ratio_interval.low, row.disparity.ratio_interval.high)
        assert interval == pytest.approx((low, high))
    # parity: the smallest number of swaps after which p is no longer over-selected
    assert ev.parity.swaps == ev.parity_swaps
    assert ev.parity.selection_rate_protected <= ev.parity.selection_rate_reference
    before = brute_force(score, group, y, 60, "p", "r", ev.parity_swaps - 1)
    assert before["protected"] / (group == "p").sum() > before["reference"] / (group == "r").sum()
    # random selection: expected values
    random = ev.random
    assert random.expected and random.swaps is None and not random.uses_protected_attribute
    assert random.disparity.ratio == pytest.approx(1.0)
    assert random.hit_rate == pytest.approx(np.nanmean(y))
    assert random.found == pytest.approx(60 * np.nansum(y) / n)


def test_adjusted_selection_when_the_reference_is_over_selected():
    rng = np.random.default_rng(12)
    group = rng.choice(["p", "r"], size=200)
    score = rng.random(200) - 0.3 * (group == "p")
    y = (rng.random(200) < 0.3).astype(float)
    ev = adjusted_selection(score, group, y, budget=40, protected="p")
    assert ev.reference == "r" and ev.over_selected == "r"
    assert ev.actual.disparity.ratio < 1 <= ev.parity.disparity.ratio
    assert ev.outcome_complete


def test_actual_selection_disparity_equals_the_generating_probabilities():
    X, y, group = proxy_data(40_000, seed=13)
    true_logit = ALPHA + BETA * X["x"] + GAMMA * X["z"]  # the model is the truth here
    ev = adjusted_selection(true_logit, group, y, budget=8_000, protected="B", steps=4)
    expected = expected_ratio(0.2)
    assert ev.actual.disparity.ratio == pytest.approx(expected, abs=0.06)
    assert ev.parity.disparity.ratio == pytest.approx(1.0, abs=0.01)
    # parity costs effectiveness, random selection costs more
    assert ev.random.hit_rate < ev.parity.hit_rate < ev.actual.hit_rate
    curve = ev.curve()
    assert np.all(np.diff(curve["selection_ratio"][:-1]) < 0)
    assert list(ev.to_frame()["kind"]) == ["actual"] + ["adjusted"] * 4 + ["random"]


def test_welfare_random_arm_matches_the_published_truth():
    truth = welfare_reexamination_truth()
    frame = welfare_reexamination(100_000, seed=2)
    arm = frame[frame["aselect"]]
    flagged = int((arm["risicoscore"] >= truth.thresholds["hoog"]).sum())
    ev = adjusted_selection(
        arm["risicoscore"],
        arm["migratieachtergrond"],
        arm["onrechtmatig"],
        budget=flagged,
        protected="niet-westers",
        reference="geen",
        confidence_level=0.999,  # a deterministic check: truth inside the 99.9% interval
    )
    assert ev.outcome_complete  # the random arm has every outcome
    low, high = ev.actual.disparity.ratio_interval.low, ev.actual.disparity.ratio_interval.high
    assert low < truth.flag_ratio < high  # 1.316: the taalvaardigheid proxy
    ci = ev.actual.hit_rate_interval
    assert ci.low < truth.hit_rate_model_overall < ci.high
    ci = ev.random.hit_rate_interval
    assert ci.low < truth.irregularity_rate < ci.high


def test_ties_are_broken_by_the_seed_not_by_row_order():
    score = np.zeros(100)
    group = np.array(["p"] * 50 + ["r"] * 50)
    y = np.zeros(100)
    first = adjusted_selection(score, group, y, budget=50, protected="p", rng=1)
    again = adjusted_selection(score, group, y, budget=50, protected="p", rng=1)
    assert first.actual.selected_protected == again.actual.selected_protected
    # all-tied scores with a row-order tie-break would select exactly the 50 "p" rows
    assert 15 < first.actual.selected_protected < 35


def test_adjusted_selection_validates():
    with pytest.raises(ConfigError, match="budget"):
        adjusted_selection([1.0, 2.0], ["a", "b"], [0, 1], budget=3, protected="a")
    with pytest.raises(ConfigError, match="protected"):
        adjusted_selection([1.0, 2.0], ["a", "b"], [0, 1], budget=1, protected="z")
    with pytest.raises(ConfigError, match="steps"):
        adjusted_selection([1.0, 2.0], ["a", "b"], [0, 1], budget=1, protected="a", steps=0)


# -- feature ablation ---------------------------------------------------------------------------


def test_removing_the_proxy_reduces_the_disparity_by_the_expected_amount():
    X, y, group = proxy_data(20_000, seed=14)
    ev = feature_ablation(
        LogisticRegression(), X, y, group, features=["z"], budget=0.2, reference="A"
    )
    full, without = ev.rows
    assert (full.variant, without.variant, without.dropped) == (
        "all features",
        "without z",
        ("z",),
    )
    with_proxy = expected_ratio(0.2)  # 1.33
    # without the proxy the score depends on x alone, independent of the group: ratio 1
    assert full.disparities[0].ratio == pytest.approx(with_proxy, abs=0.15)  # sd 0.05
    assert without.disparities[0].ratio == pytest.approx(1.0, abs=0.1)  # sd 0.03
    assert without.delta_ratio["B"] == pytest.approx(1.0 - with_proxy, abs=0.15)
    # the proxy adds little predictive power
    assert abs(without.delta_auc) < 0.02


def without_scores(X, y, columns=("x",), n_splits=3):  # noqa: N803
    splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
    return cross_val_predict(
        clone(LogisticRegression()), X[list(columns)], y, cv=splitter, method="predict_proba"
    )[:, 1]


def top_mask(score, k):
    mask = np.zeros(score.size, dtype=bool)
    mask[np.argsort(-score)[:k]] = True
    return mask


def test_effectiveness_loss_equals_a_refit_by_hand():
    X, y, group = proxy_data(4_000, seed=15)
    ev = feature_ablation(LogisticRegression(), X, y, group, features=["z"], budget=1_000, cv=3)
    full_score = without_scores(X, y, ("x", "z"))
    reduced_score = without_scores(X, y, ("x",))
    found_full = y[top_mask(full_score, 1_000)].sum()
    found_reduced = y[top_mask(reduced_score, 1_000)].sum()
    full, without = ev.rows
    assert (full.found, without.found) == (found_full, found_reduced)
    assert without.delta_found == found_reduced - found_full
    assert without.delta_hit_rate == pytest.approx((found_reduced - found_full) / 1_000)
    assert full.auc == pytest.approx(roc_auc_score(y, full_score), abs=1e-12)
    assert without.delta_auc == pytest.approx(
        roc_auc_score(y, reduced_score) - roc_auc_score(y, full_score), abs=1e-12
    )
    assert ev.method == "predict_proba" and "StratifiedKFold" in ev.cv


def test_pipelines_adapt_or_name_the_column_they_need():
    X, y, group = proxy_data(600, seed=16)
    X = X.assign(wijk=np.where(group == "B", "1008", "1001"), x2=X["x"] ** 2)
    by_type = make_pipeline(
        ColumnTransformer(
            [
                ("num", StandardScaler(), make_column_selector(dtype_include="number")),
                ("cat", OneHotEncoder(), make_column_selector(dtype_exclude="number")),
            ]
        ),
        LogisticRegression(),
    )
    ev = feature_ablation(by_type, X, y, group, features=["z", "wijk"], budget=120, cv=2)
    assert [r.variant for r in ev.rows] == [
        "all features",
        "without z",
        "without wijk",
        "without all flagged",
    ]
    assert ev.rows[-1].dropped == ("z", "wijk")
    frame = ev.to_frame()
    assert {"ratio[B]", "delta_ratio[B]", "auc_low"} <= set(frame.columns)
    by_name = make_pipeline(
        ColumnTransformer(
            [("num", StandardScaler(), ["x", "z", "x2"]), ("cat", OneHotEncoder(), ["wijk"])]
        ),
        LogisticRegression(),
    )
    with pytest.raises(ConfigError, match="'wijk'"):
        feature_ablation(by_name, X, y, group, features=["wijk"], budget=120, cv=2)


def test_feature_ablation_validates():
    X, y, group = proxy_data(200, seed=17)
    with pytest.raises(ColumnNotFoundError, match="'postcode'"):
        feature_ablation(LogisticRegression(), X, y, group, features=["postcode"], budget=20)
    with pytest.raises(ConfigError, match="DataFrame"):
        feature_ablation(LogisticRegression(), X.to_numpy(), y, group, features=["z"], budget=20)
    y_missing = y.astype(float)
    y_missing[0] = np.nan
    with pytest.raises(ConfigError, match="known"):
        feature_ablation(LogisticRegression(), X, y_missing, group, features=["z"], budget=20)
    with pytest.raises(ConfigError, match="budget"):
        feature_ablation(LogisticRegression(), X, y, group, features=["z"], budget=1.5)


# -- group-specific thresholds (fairlearn) ------------------------------------------------------


def test_threshold_alternatives_carry_the_direct_distinction_flag():
    from fairlearn.postprocessing import ThresholdOptimizer

    X, y, group = proxy_data(3_000, seed=18)
    ev = threshold_alternatives(
        LogisticRegression(), X, y, group, constraints=["demographic_parity"], reference="A"
    )
    assert ev.direct_distinction and ev.in_sample and ev.row_level
    single, parity = ev.rows
    assert (single.name, single.uses_protected_attribute) == ("single threshold", False)
    assert (parity.constraint, parity.uses_protected_attribute) == ("demographic_parity", True)
    # the numbers equal fairlearn called by hand
    by_hand = ThresholdOptimizer(
        estimator=LogisticRegression(), constraints="demographic_parity", predict_method="auto"
    ).fit(X, y, sensitive_features=group)
    chosen = by_hand.predict(X, sensitive_features=group, random_state=0) == 1
    assert (parity.selected, parity.found) == (chosen.sum(), y[chosen].sum())
    rates = pd.Series(chosen).groupby(group).mean()
    assert parity.disparities[0].ratio == pytest.approx(rates["B"] / rates["A"])
    assert parity.disparities[0].ratio == pytest.approx(1.0, abs=0.1)
    plain = LogisticRegression().fit(X, y).predict(X) == 1
    assert single.selected == plain.sum()
    # predict() selects P(y) >= 0.5, i.e. BETA x + GAMMA z >= -ALPHA: the proxy at work
    expected = selected(-ALPHA, Z_B) / selected(-ALPHA, Z_A)  # 1.27
    assert single.disparities[0].ratio == pytest.approx(expected, abs=0.2)  # sd 0.07
