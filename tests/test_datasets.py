"""Tests for eerlijkheid.datasets: determinism, schema, and the injected disparities.

Expected values come from the documented closed-form truth (``welfare_reexamination_truth``,
which the docstring numbers describe) and are re-derived by hand where cheap; they are never
pasted from a run of the generator.  Statistical checks use a fixed seed and a tolerance of
four standard errors of the sampled estimate.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eerlijkheid.datasets import (
    WelfareReexaminationTruth,
    welfare_reexamination,
    welfare_reexamination_truth,
)

N = 200_000
Z = 4.0  # tolerance in standard errors
GROUPS = ("geen", "westers", "niet-westers", "onbekend")
TEAMS = ("team A", "team B", "team C", "team D", "team E")
COLUMNS = [
    "client_id",
    "geslacht",
    "leeftijdsklasse",
    "migratieachtergrond",
    "wijk",
    "taalvaardigheid",
    "inkomen_bijverdiensten",
    "risicoscore",
    "risicocategorie",
    "aselect",
    "geselecteerd_model",
    "team",
    "geselecteerd",
    "onrechtmatig",
    "gewicht",
]


@pytest.fixture(scope="module")
def biased() -> pd.DataFrame:
    return _with_unknown(welfare_reexamination(N, seed=2024, bias=True))


@pytest.fixture(scope="module")
def fair() -> pd.DataFrame:
    return _with_unknown(welfare_reexamination(N, seed=2024, bias=False))


def _with_unknown(df: pd.DataFrame) -> pd.DataFrame:
    """Apply the library's default "onbekend" policy with plain pandas."""
    out: pd.DataFrame = df.copy()
    out["groep"] = out["migratieachtergrond"].fillna("onbekend")
    return out


def _assert_rate(successes: pd.Series, expected: float) -> None:
    """The mean of a boolean series is within Z standard errors of ``expected``."""
    n = len(successes)
    observed = float(successes.astype(float).mean())
    se = math.sqrt(expected * (1 - expected) / n)
    assert abs(observed - expected) <= Z * se, (observed, expected, n)


def _assert_ratio(numerator: pd.Series, denominator: pd.Series, expected: float) -> None:
    """Ratio of two independent proportions, checked on the log scale (delta method)."""
    p1 = float(numerator.astype(float).mean())
    p0 = float(denominator.astype(float).mean())
    q1 = p0 * expected  # the numerator's rate implied by the expected ratio
    se = math.sqrt(
        (1 - q1) / (len(numerator) * q1) + (1 - p0) / (len(denominator) * p0),
    )
    assert abs(math.log(p1 / p0) - math.log(expected)) <= Z * se, (p1 / p0, expected)


def _by(df: pd.DataFrame, column: str) -> Callable[[str], pd.DataFrame]:
    return lambda level: df[df[column] == level]


# --- the documented truth, re-derived by hand ------------------------------------------


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _hand_flag_rate(p_language: float, coef_language: float, cut: float = 0.5) -> float:
    """P(score >= cut) from the docstring's model, logistic noise integrated out."""
    total = 0.0
    for e, pe in ((0, 0.7), (1, 0.3)):
        for latent, pl in ((0, 0.8), (1, 0.2)):
            for t, pt in ((0, 1 - p_language), (1, p_language)):
                eta = -4 + 1.5 * e + 2.5 * latent + coef_language * t
                total += pe * pl * pt * _sigmoid(eta - math.log(cut / (1 - cut)))
    return total


def test_truth_matches_the_documented_parameters() -> None:
    truth = welfare_reexamination_truth()
    assert isinstance(truth, WelfareReexaminationTruth)
    assert truth.irregularity_rate == pytest.approx(0.05 + 0.15 * 0.30 + 0.25 * 0.20)
    assert truth.random_fraction == 0.05
    assert truth.acceptance_ratio == pytest.approx(1.8)
    assert truth.team_ratio == pytest.approx(2.0)
    assert truth.acceptance_rate["geen"] == pytest.approx((4 * 0.25 + 0.50) / 5)
    assert truth.acceptance_rate["niet-westers"] == pytest.approx(1.8 * 0.30)
    flag_geen = _hand_flag_rate(0.10, 1.0)
    flag_nw = _hand_flag_rate(0.45, 1.0)
    assert truth.flag_rate["geen"] == pytest.approx(flag_geen)
    assert truth.flag_rate["niet-westers"] == pytest.approx(flag_nw)
    assert truth.flag_ratio == pytest.approx(flag_nw / flag_geen)
    assert truth.flag_ratio == pytest.approx(1.316, abs=5e-4)  # "modestly higher, ~1.3"
    sel_geen = 0.05 + 0.95 * flag_geen * 0.30
    sel_nw = 0.05 + 0.95 * flag_nw * 0.54
    assert truth.selection_rate["geen"] == pytest.approx(sel_geen)
    assert truth.selection_ratio == pytest.approx(sel_nw / sel_geen)
    assert truth.selection_ratio == pytest.approx(1.471, abs=5e-4)
    middle = _hand_flag_rate(0.45, 1.0, cut=0.2)
    assert truth.risk_category_rate["niet-westers"]["laag"] == pytest.approx(1 - middle)
    # The missing-label group is the population mix.
    shares = {"geen": 0.70, "westers": 0.10, "niet-westers": 0.20}
    assert truth.selection_rate["onbekend"] == pytest.approx(
        sum(shares[g] * truth.selection_rate[g] for g in shares)
    )
    assert truth.selection_rate_overall == pytest.approx(truth.selection_rate["onbekend"])


def test_truth_without_bias_has_no_group_dependence() -> None:
    truth = welfare_reexamination_truth(bias=False)
    assert truth.flag_ratio == pytest.approx(1.0)
    assert truth.acceptance_ratio == pytest.approx(1.0)
    assert truth.team_ratio == pytest.approx(1.0)
    assert truth.selection_ratio == pytest.approx(1.0)
    flag = _hand_flag_rate(0.0, 0.0)
    for group in GROUPS:
        assert truth.flag_rate[group] == pytest.approx(flag)
        assert truth.acceptance_rate[group] == pytest.approx(0.30)
        assert truth.selection_rate[group] == pytest.approx(0.05 + 0.95 * flag * 0.30)
    assert set(truth.team_acceptance.values()) == {0.30}


def test_truth_is_immutable() -> None:
    truth = welfare_reexamination_truth()
    with pytest.raises(AttributeError):
        truth.flag_ratio = 2.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        truth.flag_rate["geen"] = 1.0  # type: ignore[index]


def test_truth_rejects_non_bool_bias() -> None:
    with pytest.raises(TypeError, match="`bias` parameter"):
        welfare_reexamination_truth(bias=1)  # type: ignore[arg-type]


# --- determinism and schema -------------------------------------------------------------


def test_same_seed_gives_identical_frame() -> None:
    pd.testing.assert_frame_equal(
        welfare_reexamination(5_000, seed=7), welfare_reexamination(5_000, seed=7)
    )
    pd.testing.assert_frame_equal(
        welfare_reexamination(5_000, seed=7, bias=False),
        welfare_reexamination(5_000, seed=7, bias=False),
    )


def test_different_seed_gives_different_frame() -> None:
    a = welfare_reexamination(5_000, seed=7)
    b = welfare_reexamination(5_000, seed=8)
    assert not a.equals(b)
    assert not a["risicoscore"].equals(b["risicoscore"])
    assert not a["aselect"].equals(b["aselect"])


def test_bias_switch_keeps_population_random_arm_and_truth() -> None:
    a = welfare_reexamination(20_000, seed=3, bias=True)
    b = welfare_reexamination(20_000, seed=3, bias=False)
    same = [
        "client_id",
        "geslacht",
        "leeftijdsklasse",
        "migratieachtergrond",
        "wijk",
        "taalvaardigheid",
        "inkomen_bijverdiensten",
        "aselect",
        "team",
        "gewicht",
    ]
    pd.testing.assert_frame_equal(a[same], b[same])
    both = a["geselecteerd"] & b["geselecteerd"]
    assert both.sum() > 0
    pd.testing.assert_series_equal(a.loc[both, "onrechtmatig"], b.loc[both, "onrechtmatig"])
    # Without the proxy term the score can only drop, and only for "onvoldoende".
    insufficient = a["taalvaardigheid"] == "onvoldoende"
    assert (a.loc[insufficient, "risicoscore"] > b.loc[insufficient, "risicoscore"]).all()
    np.testing.assert_allclose(
        a.loc[~insufficient, "risicoscore"], b.loc[~insufficient, "risicoscore"]
    )


def test_columns_and_types() -> None:
    df = welfare_reexamination(3_000, seed=1)
    assert list(df.columns) == COLUMNS
    assert df.shape == (3_000, 15)
    for column in ("aselect", "geselecteerd_model", "geselecteerd"):
        assert df[column].dtype == np.bool_
    assert df["onrechtmatig"].dtype == "boolean"
    for column in ("inkomen_bijverdiensten", "risicoscore", "gewicht"):
        assert df[column].dtype == np.float64
    assert (df["gewicht"] == 1.0).all()
    assert df["client_id"].is_unique
    assert df["client_id"].iloc[0] == "C000001"
    assert df["client_id"].str.fullmatch(r"C\d{6}").all()
    assert set(df["geslacht"]) == {"man", "vrouw"}
    assert set(df["leeftijdsklasse"]) == {"18-26", "27-40", "41-55", "56+"}
    assert set(df["migratieachtergrond"].dropna()) == {"geen", "westers", "niet-westers"}
    assert df["migratieachtergrond"].isna().any()
    assert df["wijk"].nunique() == 8
    assert set(df["taalvaardigheid"]) == {"voldoende", "onvoldoende"}
    assert set(df["team"]) == set(TEAMS)
    assert set(df["risicocategorie"]) == {"hoog", "midden", "laag"}
    for column in COLUMNS:
        if column not in ("migratieachtergrond", "onrechtmatig"):
            assert df[column].notna().all(), column


def test_client_id_grows_with_n() -> None:
    ids = welfare_reexamination(1_000_000, seed=0)["client_id"]
    assert ids.iloc[-1] == "C1000000"
    assert ids.iloc[0] == "C0000001"


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 3_000), seed=st.integers(0, 2**32 - 1), bias=st.booleans())
def test_process_invariants(n: int, seed: int, bias: bool) -> None:
    df = welfare_reexamination(n, seed=seed, bias=bias)
    assert len(df) == n
    score = df["risicoscore"]
    assert ((score >= 0) & (score <= 1)).all()
    assert (df["geselecteerd_model"] == (score >= 0.5)).all()
    assert (df["geselecteerd_model"] == (df["risicocategorie"] == "hoog")).all()
    middle = (score >= 0.2) & (score < 0.5)
    assert (middle == (df["risicocategorie"] == "midden")).all()
    assert int(df["aselect"].sum()) == round(0.05 * n)
    # Selected only through the random arm or the model flag; the random arm always is.
    assert (df["geselecteerd"] <= (df["aselect"] | df["geselecteerd_model"])).all()
    assert df.loc[df["aselect"], "geselecteerd"].all()
    # The label problem: the outcome is known exactly for the selected cases.
    assert (df["onrechtmatig"].isna() == ~df["geselecteerd"]).all()
    earnings = df["inkomen_bijverdiensten"]
    assert (earnings >= 0).all()
    assert (earnings.round(2) == earnings).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0}, ValueError, "`n` parameter"),
        ({"n": -5}, ValueError, "`n` parameter"),
        ({"n": 10.0}, TypeError, "`n` parameter"),
        ({"n": True}, TypeError, "`n` parameter"),
        ({"seed": -1}, ValueError, "`seed` parameter"),
        ({"seed": "1"}, TypeError, "`seed` parameter"),
        ({"bias": "ja"}, TypeError, "`bias` parameter"),
    ],
)
def test_invalid_arguments(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        welfare_reexamination(**kwargs)  # type: ignore[arg-type]


# --- the injected disparities, measured with plain pandas ---------------------------------


def test_random_arm_is_five_percent_and_independent_of_group(biased: pd.DataFrame) -> None:
    truth = welfare_reexamination_truth()
    assert biased["aselect"].mean() == pytest.approx(truth.random_fraction)
    for group in GROUPS:
        _assert_rate(_by(biased, "groep")(group)["aselect"], truth.random_fraction)
    for team in TEAMS:
        _assert_rate(_by(biased, "team")(team)["aselect"], truth.random_fraction)


def test_outcome_known_only_for_selected(biased: pd.DataFrame) -> None:
    known = biased["onrechtmatig"].notna()
    assert (known == biased["geselecteerd"]).all()


def test_population_composition(biased: pd.DataFrame) -> None:
    truth = welfare_reexamination_truth()
    _assert_rate(biased["migratieachtergrond"].isna(), truth.missing_migration_fraction)
    recorded = biased[biased["migratieachtergrond"].notna()]
    for group, share in truth.migration_share.items():
        _assert_rate(recorded["migratieachtergrond"] == group, share)
        members = _by(recorded, "migratieachtergrond")(group)
        _assert_rate(
            members["taalvaardigheid"] == "onvoldoende", truth.insufficient_language_rate[group]
        )
        for wijk, p in truth.wijk_share[group].items():
            _assert_rate(members["wijk"] == wijk, p)


def test_equal_irregularity_on_random_arm(biased: pd.DataFrame) -> None:
    truth = welfare_reexamination_truth()
    arm = biased[biased["aselect"]]
    assert arm["onrechtmatig"].notna().all()
    _assert_rate(arm["onrechtmatig"], truth.irregularity_rate)
    for group in GROUPS:
        _assert_rate(_by(arm, "groep")(group)["onrechtmatig"], truth.irregularity_rate)
    rates = arm.groupby("groep")["onrechtmatig"].mean()
    reference = _by(arm, "groep")("geen")["onrechtmatig"]
    _assert_ratio(_by(arm, "groep")("niet-westers")["onrechtmatig"], reference, 1.0)
    assert rates.max() - rates.min() < 0.05


def test_model_flag_ratio(biased: pd.DataFrame) -> None:
    truth = welfare_reexamination_truth()
    group = _by(biased, "groep")
    for name in GROUPS:
        _assert_rate(group(name)["geselecteerd_model"], truth.flag_rate[name])
        for category, p in truth.risk_category_rate[name].items():
            _assert_rate(group(name)["risicocategorie"] == category, p)
    _assert_ratio(
        group("niet-westers")["geselecteerd_model"],
        group("geen")["geselecteerd_model"],
        truth.flag_ratio,
    )
    assert truth.flag_ratio > 1.2


def test_manual_step_acceptance_ratio(biased: pd.DataFrame) -> None:
    truth = welfare_reexamination_truth()
    flagged = biased[biased["geselecteerd_model"] & ~biased["aselect"]]
    group = _by(flagged, "groep")
    for name in GROUPS:
        _assert_rate(group(name)["geselecteerd"], truth.acceptance_rate[name])
    _assert_ratio(
        group("niet-westers")["geselecteerd"], group("geen")["geselecteerd"], truth.acceptance_ratio
    )
    # The disparity is added at the manual step: it holds within every team as well.
    for team in TEAMS:
        in_team = flagged[flagged["team"] == team]
        base = truth.team_acceptance[team]
        _assert_rate(in_team.loc[in_team["groep"] == "geen", "geselecteerd"], base)
        _assert_rate(
            in_team.loc[in_team["groep"] == "niet-westers", "geselecteerd"],
            base * truth.acceptance_multiplier,
        )


def test_team_spread(biased: pd.DataFrame) -> None:
    truth = welfare_reexamination_truth()
    flagged = biased[biased["geselecteerd_model"] & ~biased["aselect"]]
    rates = flagged.groupby("team")["geselecteerd"].mean()
    assert rates.idxmax() == truth.lenient_team
    team = _by(flagged, "team")
    for name in TEAMS:
        _assert_rate(team(name)["geselecteerd"], truth.team_acceptance_rate[name])
    others = flagged[flagged["team"] != truth.lenient_team]["geselecteerd"]
    _assert_ratio(team(truth.lenient_team)["geselecteerd"], others, truth.team_ratio)


def test_selection_rates_and_ratio(biased: pd.DataFrame) -> None:
    truth = welfare_reexamination_truth()
    group = _by(biased, "groep")
    for name in GROUPS:
        _assert_rate(group(name)["geselecteerd"], truth.selection_rate[name])
    _assert_ratio(
        group("niet-westers")["geselecteerd"], group("geen")["geselecteerd"], truth.selection_ratio
    )
    _assert_rate(biased["geselecteerd"], truth.selection_rate_overall)


def test_model_hit_rates(biased: pd.DataFrame) -> None:
    truth = welfare_reexamination_truth()
    by_model = biased[biased["geselecteerd"] & ~biased["aselect"]]
    _assert_rate(by_model["onrechtmatig"], truth.hit_rate_model_overall)
    for name in ("geen", "niet-westers"):
        _assert_rate(_by(by_model, "groep")(name)["onrechtmatig"], truth.hit_rate_model[name])
    # The profile is "suitable": it finds more irregularities than the random arm.
    assert truth.hit_rate_model_overall > 1.5 * truth.irregularity_rate


@pytest.mark.parametrize("attribute", ["geslacht", "leeftijdsklasse"])
def test_uninvolved_attributes_have_no_disparity(biased: pd.DataFrame, attribute: str) -> None:
    truth = welfare_reexamination_truth()
    for level in biased[attribute].unique():
        _assert_rate(
            biased.loc[biased[attribute] == level, "geselecteerd"], truth.selection_rate_overall
        )


def test_without_bias_every_group_is_selected_equally(fair: pd.DataFrame) -> None:
    truth = welfare_reexamination_truth(bias=False)
    group = _by(fair, "groep")
    for name in GROUPS:
        _assert_rate(group(name)["geselecteerd"], truth.selection_rate[name])
        _assert_rate(group(name)["geselecteerd_model"], truth.flag_rate[name])
    for column in ("geselecteerd", "geselecteerd_model"):
        _assert_ratio(group("niet-westers")[column], group("geen")[column], 1.0)
        _assert_ratio(group("westers")[column], group("geen")[column], 1.0)
    flagged = fair[fair["geselecteerd_model"] & ~fair["aselect"]]
    for team in TEAMS:
        _assert_rate(flagged.loc[flagged["team"] == team, "geselecteerd"], 0.30)
    _assert_ratio(
        flagged.loc[flagged["groep"] == "niet-westers", "geselecteerd"],
        flagged.loc[flagged["groep"] == "geen", "geselecteerd"],
        1.0,
    )
    arm = fair[fair["aselect"]]
    for name in GROUPS:
        _assert_rate(_by(arm, "groep")(name)["onrechtmatig"], truth.irregularity_rate)
