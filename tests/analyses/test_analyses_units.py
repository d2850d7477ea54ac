"""Direct grounds, the random-arm comparison and sufficiency, against independent values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.power import NormalIndPower  # noqa: F401 - documents the oracle family
from statsmodels.stats.proportion import confint_proportions_2indep, power_proportions_2indep

from eerlijkheid import count_table, disparities
from eerlijkheid.analyses import analyse_disparity, analyse_sufficiency, find_direct_grounds
from eerlijkheid.config import AuditConfig
from eerlijkheid.datasets import welfare_reexamination


@pytest.mark.parametrize(
    ("column", "ground", "kind"),
    [
        ("nationaliteit", "nationality", "race"),
        ("Nationality", "nationality", "race"),
        ("geboorteland_moeder", "country_of_birth", "race"),
        ("CountryOfBirth", "country_of_birth", "race"),
        ("migratie_achtergrond", "migration_background", "race"),
        ("land_van_herkomst", "origin", "race"),
        ("naam_herkomst", "origin", "race"),
        ("etniciteit", "ethnicity", "race"),
        ("geslacht", "sex", "other"),
        ("leeftijd_jaren", "age", "other"),
        ("religie", "religion", "other"),
    ],
)
def test_vocabulary_matches(column, ground, kind):
    (match,) = find_direct_grounds([column])
    assert (match.ground, match.kind) == (ground, kind)


@pytest.mark.parametrize(
    "column",
    [
        "inkomen",
        "postcode",
        "grasveld",
        "average_income",
        "wijk",
        "aantal_kinderen",
        "taalvaardigheid",
        "racket",
    ],
)
def test_neutral_names_do_not_match(column):
    assert find_direct_grounds([column]) == ()


def test_declared_meaning_overrides_and_race_comes_first():
    found = find_direct_grounds(
        ["leeftijd", "var_17", "herkomst"], declared={"var_17": "nationality", "herkomst": "none"}
    )
    assert [(m.column, m.kind, m.declared) for m in found] == [
        ("var_17", "race", True),
        ("leeftijd", "other", False),
    ]
    with pytest.raises(ValueError, match="'planet'"):
        find_direct_grounds(["x"], declared={"x": "planet"})


def test_random_arm_comparison_equals_a_direct_computation():
    frame = welfare_reexamination(n=20_000, seed=3)
    table = count_table(
        frame, decision="geselecteerd", groups="migratieachtergrond", random_sample="aselect"
    )
    evidence = analyse_disparity(table, AuditConfig(order=1))
    by = {d.group: d for d in evidence.random_arm}
    label = frame["migratieachtergrond"].fillna("onbekend")
    profile = frame["geselecteerd"] & ~frame["aselect"]
    for group, d in by.items():
        x1, n1 = int((profile & (label == group[0])).sum()), int(profile.sum())
        x0, n0 = int((frame["aselect"] & (label == group[0])).sum()), int(frame["aselect"].sum())
        assert (d.group_numerator, d.group_denominator) == (x1, n1)
        assert (d.reference_numerator, d.reference_denominator) == (x0, n0)
        low, high = confint_proportions_2indep(x1, n1, x0, n0, compare="ratio", method="log")
        assert (d.ratio_interval.low, d.ratio_interval.high) == pytest.approx((low, high))
    # The injected bias makes niet-westers over-represented in the profile's selections.
    assert by["niet-westers",].ratio > 1.5 and by["niet-westers",].pvalue_adjusted < 0.001
    assert by["geen",].ratio < 1


def test_outcome_only_for_selected_is_detected():
    frame = welfare_reexamination(n=5_000, seed=1)
    table = count_table(
        frame,
        decision="geselecteerd",
        groups="migratieachtergrond",
        outcome="onrechtmatig",
        random_sample="aselect",
    )
    evidence = analyse_disparity(table, AuditConfig(order=1))
    assert evidence.outcome_only_when_selected
    assert evidence.error_rate == ()
    assert {d.metric for d in evidence.hit_rate} == {"precision"}


def test_sufficiency_power_equals_statsmodels():
    frame = pd.DataFrame(
        {
            "g": ["a"] * 2000 + ["b"] * 300 + ["c"] * 25,
            "d": ([1] * 200 + [0] * 1800) + ([1] * 30 + [0] * 270) + [1, 0] * 12 + [0],
        }
    )
    table = count_table(frame, decision="d", groups="g")
    config = AuditConfig()
    checks = analyse_sufficiency(disparities(table, metrics=["selection_rate"]), config)
    for check in checks:
        c = check.comparison
        p0 = c.reference_value
        expected = power_proportions_2indep(
            diff=p0 * (config.detectable_ratio - 1),
            prop2=p0,
            nobs1=c.group_denominator,
            ratio=c.reference_denominator / c.group_denominator,
            alpha=config.alpha,
        ).power
        assert check.power == pytest.approx(expected, rel=1e-6)
        assert check.sufficient == bool(expected >= config.power)
    assert [c.sufficient for c in checks] == [False, False]
    assert np.isfinite(checks[0].minimum_detectable_ratio)
