"""Necessity evidence becomes findings: a less discriminatory alternative (EE541), and the
warning that adjusted selection is itself direct distinction (EE542)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

import eerlijkheid as ee
from eerlijkheid.analyses.necessity import adjusted_selection, feature_ablation
from eerlijkheid.findings import MAX_EFFECTIVENESS_LOSS, necessity_findings


def proxy_data(n: int, seed: int):
    """Group B holds a proxy z (0.6 vs 0.1) that adds little to the legitimate x."""
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(n) < 0.3, "B", "A")
    x = rng.normal(size=n)
    z = (rng.random(n) < np.where(group == "B", 0.6, 0.1)).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1.0 + 1.5 * x + 0.6 * z)))).astype(int)
    return pd.DataFrame({"x": x, "z": z}), y, group


def test_dropping_the_proxy_is_a_less_discriminatory_alternative():
    X, y, group = proxy_data(20_000, seed=14)
    ev = feature_ablation(
        LogisticRegression(), X, y, group, features=["z"], budget=0.2, reference="A"
    )
    (finding,) = necessity_findings(ablation=ev, language="en")
    full, without = ev.rows
    assert finding.code == "EE541" and finding.subject.column == "z"
    assert finding.subject.group == ("B",)
    # the numbers are the ablation's own rows, and the loss is within the stated bound
    assert finding.evidence["ratio_before"] == full.disparities[0].ratio > 1.2
    assert finding.evidence["ratio_after"] == without.disparities[0].ratio
    loss = -without.delta_hit_rate / full.hit_rate
    assert finding.evidence["relative_hit_rate_loss"] == loss <= MAX_EFFECTIVENESS_LOSS
    assert "Without z" in finding.message


def test_a_useful_feature_is_not_flagged_as_unnecessary():
    X, y, group = proxy_data(20_000, seed=14)
    # dropping x (the legitimate predictor) costs far more than the bound
    ev = feature_ablation(
        LogisticRegression(), X, y, group, features=["x"], budget=0.2, reference="A"
    )
    assert necessity_findings(ablation=ev) == ()


def test_adjusted_selection_warns_about_direct_distinction():
    X, y, group = proxy_data(4_000, seed=3)
    score = 1.5 * X["x"].to_numpy() + 0.6 * X["z"].to_numpy()
    ev = adjusted_selection(score, group, y, budget=800, protected="B", reference="A")
    (finding,) = necessity_findings(adjusted=ev, config=ee.AuditConfig(), language="nl")
    assert finding.code == "EE542" and finding.certainty == "not-applicable"
    assert "direct onderscheid" in finding.message
