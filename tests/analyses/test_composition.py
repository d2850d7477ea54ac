"""Composition tables: estimates, intervals and sharp bounds against hand calculations,
a linear program, scikit-learn, and simulations where the true group rates are known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats
from scipy.stats.contingency import association
from sklearn.metrics import roc_auc_score

from eerlijkheid.analyses.composition import (
    composition_from_frame,
    composition_rates,
    rank_by_composition,
)
from eerlijkheid.exceptions import ConfigError, DataError

SELECTION = {"noord": (1_000, 120), "zuid": (3_000, 90)}
COMPOSITION = {
    "noord": {"niet-westers": 0.6, "overig": 0.4},
    "zuid": {"niet-westers": 0.1, "overig": 0.9},
}


def test_estimate_and_bounds_by_hand():
    ev = composition_rates(SELECTION, COMPOSITION, feature="wijk", reference="overig")
    nw, ov = ev.rates
    # niet-westers: 600 + 300 = 900 implied cases; 0.6·120 + 0.1·90 = 81 implied selections
    assert nw.cases == pytest.approx(900) and nw.selected == pytest.approx(81)
    assert nw.rate == pytest.approx(81 / 900)
    # overig: 400 + 2700 = 3100 cases; 0.4·120 + 0.9·90 = 129 selections
    assert ov.rate == pytest.approx(129 / 3100)
    # bounds per category: [max(0, S − (1 − s)·n), min(s·n, S)]
    # niet-westers: noord [max(0, 120 − 400), min(600, 120)] = [0, 120]; zuid [0, 90]
    assert (nw.selected_lower, nw.selected_upper) == pytest.approx((0, 210))
    assert (nw.lower_bound, nw.upper_bound) == pytest.approx((0, 210 / 900))
    # overig: noord [max(0, 120 − 600), min(400, 120)] = [0, 120]; zuid [0, 90]
    assert (ov.lower_bound, ov.upper_bound) == pytest.approx((0, 210 / 3100))
    c = ev.comparisons[0]
    assert c.ratio == pytest.approx((81 / 900) / (129 / 3100))
    assert c.ratio_lower_bound == 0 and c.ratio_upper_bound == np.inf
    assert not c.bounds_exclude_parity and c.interval_excludes_parity
    assert ev.overall_rate == pytest.approx(210 / 4000)


def test_delta_method_by_hand():
    ev = composition_rates(SELECTION, COMPOSITION, reference="overig")
    n = np.array([1_000, 3_000])
    s = np.array([120, 90])
    shares = np.array([[0.6, 0.4], [0.1, 0.9]])
    w = n[:, None] * shares / (n[:, None] * shares).sum(axis=0)
    r_t = (s + 0.5) / (n + 1)
    var_r = r_t * (1 - r_t) / n
    var = (w**2 * var_r[:, None]).sum(axis=0)
    cov = (w[:, 0] * w[:, 1] * var_r).sum()
    nw, ov = ev.rates
    assert nw.standard_error == pytest.approx(np.sqrt(var[0]))
    z = stats.norm.ppf(0.975)
    logit = np.log(nw.rate / (1 - nw.rate))
    half = z * np.sqrt(var[0]) / (nw.rate * (1 - nw.rate))
    assert nw.interval.low == pytest.approx(1 / (1 + np.exp(-(logit - half))))
    assert nw.interval.high == pytest.approx(1 / (1 + np.exp(-(logit + half))))
    var_log = var[0] / nw.rate**2 + var[1] / ov.rate**2 - 2 * cov / (nw.rate * ov.rate)
    c = ev.comparisons[0]
    assert c.ratio_interval.low == pytest.approx(c.ratio * np.exp(-z * np.sqrt(var_log)))
    assert c.pvalue == pytest.approx(2 * stats.norm.sf(abs(np.log(c.ratio)) / np.sqrt(var_log)))


def test_one_category_per_group_is_exact():
    ev = composition_rates(
        {"a": (10, 5), "b": (10, 1)}, {"a": {"x": 1.0, "y": 0.0}, "b": {"x": 0.0, "y": 1.0}}
    )
    x, y = ev.rates
    assert (x.lower_bound, x.rate, x.upper_bound) == (0.5, 0.5, 0.5)
    assert (y.lower_bound, y.rate, y.upper_bound) == (0.1, 0.1, 0.1)
    # reference: the group with the most implied cases, the first on a tie
    assert ev.reference == "x"
    c = ev.comparisons[0]
    assert c.ratio_lower_bound == c.ratio == c.ratio_upper_bound == pytest.approx(0.2)
    assert c.bounds_exclude_parity


# -- the ratio bounds are sharp: against a linear program ------------------------------------


def _ratio_lp(n, s, shares, g, h, sense):
    """Extreme of (Σx_g/N_g) / (Σx_h/N_h) over all allocations (Charnes–Cooper LP)."""
    k = len(n)
    big_g, big_h = (n * shares[:, g]).sum(), (n * shares[:, h]).sum()
    cap_g, cap_h = n * shares[:, g], n * shares[:, h]
    cap_o = n - cap_g - cap_h
    # variables: y_g (k), y_h (k), t
    c = np.concatenate([np.full(k, 1 / big_g), np.zeros(k), [0.0]])
    c = -c if sense == "max" else c
    a_eq = np.concatenate([np.zeros(k), np.full(k, 1 / big_h), [0.0]])[None, :]
    rows = []
    for i in range(k):
        cap = np.zeros(2 * k + 1)
        cap[i], cap[2 * k] = 1, -cap_g[i]  # y_g ≤ t·G
        rows.append(cap)
        cap = np.zeros(2 * k + 1)
        cap[k + i], cap[2 * k] = 1, -cap_h[i]  # y_h ≤ t·H
        rows.append(cap)
        most = np.zeros(2 * k + 1)
        most[i] = most[k + i] = 1
        most[2 * k] = -s[i]  # y_g + y_h ≤ t·S
        rows.append(most)
        least = np.zeros(2 * k + 1)
        least[i] = least[k + i] = -1
        least[2 * k] = s[i] - cap_o[i]  # t·(S − O) ≤ y_g + y_h
        rows.append(least)
    rhs = np.zeros(len(rows))
    res = optimize.linprog(
        c, A_ub=np.array(rows), b_ub=rhs, A_eq=a_eq, b_eq=[1.0], bounds=(0, None)
    )
    if res.status == 3:  # unbounded: the reference can have no selections at all
        return np.inf
    assert res.status == 0, res.message
    return abs(res.fun)


@pytest.mark.parametrize("seed", range(5))
def test_ratio_bounds_equal_the_linear_program(seed):
    rng = np.random.default_rng(seed)
    k = 6
    n = rng.integers(50, 500, size=k)
    s = rng.binomial(n, rng.uniform(0.05, 0.6, size=k))
    shares = rng.dirichlet([1.0, 1.0, 1.0], size=k)
    selection = {f"c{i}": (int(n[i]), int(s[i])) for i in range(k)}
    composition = {
        f"c{i}": {"a": shares[i, 0], "b": shares[i, 1], "o": shares[i, 2]} for i in range(k)
    }
    ev = composition_rates(selection, composition, reference="b")
    c = next(c for c in ev.comparisons if c.group == "a")
    assert c.ratio_upper_bound == pytest.approx(_ratio_lp(n, s, shares, 0, 1, "max"), rel=1e-6)
    assert c.ratio_lower_bound == pytest.approx(_ratio_lp(n, s, shares, 0, 1, "min"), rel=1e-6)
    # the homogeneity estimate always lies inside its bounds
    for r in ev.rates:
        assert r.lower_bound - 1e-12 <= r.rate <= r.upper_bound + 1e-12


# -- simulations with known true rates --------------------------------------------------------


def _population(rng, k=12):
    """Integer group counts per category: m[c, g] for groups a, b, c."""
    n = rng.integers(200, 800, size=k)
    p = rng.dirichlet([0.7, 0.7, 0.7], size=k)
    m = np.array([rng.multinomial(n_c, p_c) for n_c, p_c in zip(n, p, strict=True)])
    return m


def _tables(m, selected):
    n = m.sum(axis=1)
    selection = {f"c{i}": (int(n[i]), int(selected[i].sum())) for i in range(len(n))}
    composition = {f"c{i}": {g: m[i, j] / n[i] for j, g in enumerate("abc")} for i in range(len(n))}
    return selection, composition


@pytest.mark.parametrize("seed", range(30))
def test_bounds_hold_the_truth_even_when_homogeneity_fails(seed):
    rng = np.random.default_rng(seed)
    m = _population(rng)
    base = rng.uniform(0.02, 0.3, size=(m.shape[0], 1))
    # within each category, group a is selected 2.5 times as often: homogeneity is violated
    rates = np.minimum(1.0, base * np.array([2.5, 1.0, 0.7]))
    x = rng.binomial(m, rates)
    ev = composition_rates(*_tables(m, x), reference="b")
    for j, r in enumerate(ev.rates):
        truth = x[:, j].sum() / m[:, j].sum()
        assert r.lower_bound - 1e-12 <= truth <= r.upper_bound + 1e-12
    c = next(c for c in ev.comparisons if c.group == "a")
    true_ratio = (x[:, 0].sum() / m[:, 0].sum()) / (x[:, 1].sum() / m[:, 1].sum())
    assert c.ratio_lower_bound - 1e-12 <= true_ratio <= c.ratio_upper_bound + 1e-12


def test_estimate_is_biased_when_homogeneity_fails():
    """Within every category group a is selected 3× as often as b, in identical mixes: the
    composition cannot see it.  The estimate says parity; the bounds still hold the truth."""
    rng = np.random.default_rng(7)
    k = 10
    m = np.tile([300, 300], (k, 1))
    x = rng.binomial(m, np.array([0.3, 0.1]))
    selection = {f"c{i}": (600, int(x[i].sum())) for i in range(k)}
    composition = {f"c{i}": {"a": 0.5, "b": 0.5} for i in range(k)}
    ev = composition_rates(selection, composition, reference="b")
    c = ev.comparisons[0]
    true_ratio = x[:, 0].sum() / x[:, 1].sum()
    assert true_ratio > 2.5
    assert c.ratio == pytest.approx(1.0)
    assert not c.ratio_interval.low <= true_ratio <= c.ratio_interval.high
    assert c.ratio_lower_bound <= true_ratio <= c.ratio_upper_bound
    assert not c.bounds_exclude_parity


@pytest.mark.slow
def test_interval_covers_the_true_rate_at_the_nominal_rate_under_homogeneity():
    seeds = 200
    rng = np.random.default_rng(2024)
    m = _population(rng)
    n = m.sum(axis=1)
    pi = rng.uniform(0.03, 0.4, size=len(n))
    truth = (m * pi[:, None]).sum(axis=0) / m.sum(axis=0)  # Σ_c w_gc π_c
    covered = np.zeros(3, dtype=int)
    ratio_covered = 0
    true_ratio = truth[0] / truth[1]
    for seed in range(seeds):
        s = np.random.default_rng(seed).binomial(n, pi)
        selection = {f"c{i}": (int(n[i]), int(s[i])) for i in range(len(n))}
        composition = {
            f"c{i}": {g: m[i, j] / n[i] for j, g in enumerate("abc")} for i in range(len(n))
        }
        ev = composition_rates(selection, composition, reference="b")
        for j, r in enumerate(ev.rates):
            covered[j] += r.interval.low <= truth[j] <= r.interval.high
        ratio = ev.comparisons[0].ratio_interval  # group a against reference b
        ratio_covered += ratio.low <= true_ratio <= ratio.high
    # each group's coverage count within the central 99.9% of Binomial(seeds, 0.95)
    low, high = stats.binom.ppf([0.0005, 0.9995], seeds, 0.95)
    assert all(low <= c <= high for c in covered), covered
    assert low <= ratio_covered <= high, ratio_covered


# -- proxy strength from the composition --------------------------------------------------------


def test_strength_against_sklearn_and_scipy():
    selection = {"a": (100, 10), "b": (200, 20), "c": (300, 30), "d": (100, 5)}
    composition = {
        "a": {"x": 0.8, "y": 0.2},
        "b": {"x": 0.5, "y": 0.5},
        "c": {"x": 0.1, "y": 0.9},
        "d": {"x": 0.5, "y": 0.5},
    }
    ev = composition_rates(selection, composition, feature="wijk")
    n = np.array([100, 200, 300, 100])
    sx = np.array([0.8, 0.5, 0.1, 0.5])
    # the implied table as weighted rows: membership of x, score = share of x in the category
    y = np.concatenate([np.ones(4), np.zeros(4)])
    score = np.concatenate([sx, sx])
    weight = np.concatenate([n * sx, n * (1 - sx)])
    strength = {s.group: s for s in ev.strength}
    assert strength["x"].auc == pytest.approx(roc_auc_score(y, score, sample_weight=weight))
    assert strength["y"].auc == pytest.approx(strength["x"].auc)
    nx = n * sx
    d = 0.5 * np.abs(nx / nx.sum() - (n - nx) / (n - nx).sum()).sum()
    assert strength["x"].dissimilarity == pytest.approx(d)
    table = np.column_stack([n * sx, n * (1 - sx)]).round().astype(int)
    assert ev.cramers_v == pytest.approx(association(table, method="cramer"))
    assert ev.proxy_strength == strength["x"].auc


def test_rank_by_composition():
    selection = {"a": (100, 10), "b": (100, 10)}
    weak = composition_rates(
        selection, {"a": {"x": 0.5, "y": 0.5}, "b": {"x": 0.45, "y": 0.55}}, feature="opleiding"
    )
    strong = composition_rates(
        selection, {"a": {"x": 0.9, "y": 0.1}, "b": {"x": 0.2, "y": 0.8}}, feature="wijk"
    )
    flat = composition_rates(
        selection, {"a": {"x": 0.5, "y": 0.5}, "b": {"x": 0.5, "y": 0.5}}, feature="leeftijd"
    )
    assert [e.feature for e in rank_by_composition([flat, weak, strong])] == [
        "wijk",
        "opleiding",
        "leeftijd",
    ]
    assert flat.proxy_strength == 0.5


# -- input handling --------------------------------------------------------------------------------


def test_residual_and_rescaling():
    ev = composition_rates(
        {"a": (100, 30), "b": (100, 10)}, {"a": {"x": 0.8}, "b": {"x": 0.2}}, residual="rest"
    )
    assert ev.groups == ("x", "rest")
    assert ev.shares == ((0.8, pytest.approx(0.2)), (0.2, 0.8))
    assert not ev.rescaled
    rounded = composition_rates({"a": (100, 30)}, {"a": {"x": 0.335, "y": 0.67}})
    assert rounded.rescaled
    assert sum(rounded.shares[0]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("selection", "composition", "kwargs", "error", "pattern"),
    [
        ({}, {}, {}, DataError, "no categories"),
        ({"a": (10, 1)}, {"a": {"x": 1.2, "y": 0.0}}, {}, DataError, "'x'.*'a'.*1.2.*divide"),
        ({"a": (10, 1)}, {"a": {"x": 0.5, "y": 0.3}}, {}, DataError, "'a' add up to 0.8.*residual"),
        (
            {"a": (10, 1), "b": (5, 1)},
            {"a": {"x": 1.0}, "c": {"x": 1.0}},
            {},
            DataError,
            "selection table: b.*composition table: c",
        ),
        ({"a": (10.5, 1)}, {"a": {"x": 0.5, "y": 0.5}}, {}, DataError, "cases.*10.5"),
        ({"a": (10, -1)}, {"a": {"x": 0.5, "y": 0.5}}, {}, DataError, "selected.*-1"),
        (
            {"a": (10, 11)},
            {"a": {"x": 0.5, "y": 0.5}},
            {},
            DataError,
            r"more selections \(11\) than cases \(10\)",
        ),
        (
            {"a": (10, 1), "b": (10, 1)},
            {"a": {"x": 0.5, "y": 0.5}, "b": {"x": 1.0}},
            {},
            DataError,
            "'y'.*'b'.*missing",
        ),
        ({"a": (10, 1)}, {"a": {"x": 0.5, "y": 0.5}}, {"reference": "z"}, ConfigError, "'z'.*x, y"),
        ({"a": (10, 1)}, {"a": {"x": 0.5, "y": 0.5}}, {"residual": "x"}, ConfigError, "'x'"),
        ({"a": (10, 1)}, {"a": {"x": 1.0}}, {}, DataError, "fewer than two groups"),
        (
            {"a": (10, 1)},
            {"a": {"x": 0.5, "y": 0.5}},
            {"confidence_level": 1.5},
            ConfigError,
            "confidence_level",
        ),
    ],
)
def test_invalid_input(selection, composition, kwargs, error, pattern, monkeypatch):
    monkeypatch.setenv("EERLIJKHEID_LANG", "en")
    with pytest.raises(error, match=pattern):
        composition_rates(selection, composition, **kwargs)


def test_errors_are_dutch_by_default(monkeypatch):
    monkeypatch.delenv("EERLIJKHEID_LANG", raising=False)
    with pytest.raises(DataError, match="Alleen in de selectietabel: b"):
        composition_rates({"a": (1, 0), "b": (1, 0)}, {"a": {"x": 0.5, "y": 0.5}})


def test_to_frame_and_determinism():
    one = composition_rates(SELECTION, COMPOSITION, reference="overig").to_frame()
    two = composition_rates(SELECTION, COMPOSITION, reference="overig").to_frame()
    assert one.equals(two)
    assert list(one["group"]) == ["niet-westers", "overig"]
    assert np.isnan(one.loc[1, "ratio"]) and one.loc[0, "ratio"] > 2
    assert {"rate_low", "rate_high", "lower_bound", "upper_bound", "auc", "dissimilarity"} <= set(
        one
    )


# -- one table per feature, from any frame ------------------------------------------------------


def test_composition_from_frame_equals_the_mappings():
    import pandas as pd
    import polars as pl

    table = pd.DataFrame(
        {
            "postcode": [1011, 1012, 9999999],
            "zaken": [1_000, 3_000, 500],
            "geselecteerd": [120, 90, 10],
            "nw": [0.6, 0.1, 0.3],
            "ov": [0.4, 0.9, 0.7],
        }
    )
    shares = {"niet-westers": "nw", "overig": "ov"}
    kwargs = {"category": "postcode", "cases": "zaken", "selected": "geselecteerd"}
    for frame in (table, pl.from_pandas(table), pl.from_pandas(table).lazy()):
        ev = composition_from_frame(frame, shares=shares, reference="overig", **kwargs)
        assert ev.categories == ("1011", "1012", "9999999")
        assert ev.feature == "postcode"
        expected = composition_rates(
            {"1011": (1_000, 120), "1012": (3_000, 90), "9999999": (500, 10)},
            {
                "1011": {"niet-westers": 0.6, "overig": 0.4},
                "1012": {"niet-westers": 0.1, "overig": 0.9},
                "9999999": {"niet-westers": 0.3, "overig": 0.7},
            },
            feature="postcode",
            reference="overig",
        )
        assert ev == expected
    by_name = composition_from_frame(
        table.rename(columns={"nw": "a", "ov": "b"}), shares=["a", "b"], **kwargs
    )
    assert by_name.groups == ("a", "b")


def test_composition_from_frame_errors(monkeypatch):
    import pandas as pd

    from eerlijkheid.exceptions import ColumnNotFoundError

    monkeypatch.setenv("EERLIJKHEID_LANG", "en")
    table = pd.DataFrame(
        {"wijk": ["a", "a"], "n": [10, 10], "s": [1, 2], "x": [0.5, 0.5], "y": [0.5, 0.5]}
    )
    kwargs = {"category": "wijk", "cases": "n", "selected": "s", "shares": ["x", "y"]}
    with pytest.raises(DataError, match="'a' of 'wijk' occurs more than once"):
        composition_from_frame(table, **kwargs)
    with pytest.raises(ColumnNotFoundError, match="'z'"):
        composition_from_frame(table, **{**kwargs, "shares": ["x", "z"]})
    with pytest.raises(DataError, match="more than 1"):
        composition_from_frame(table, max_rows=1, **kwargs)
    gap = pd.DataFrame(
        {"wijk": ["a", "b"], "n": [10, 10], "s": [1, 2], "x": [0.5, None], "y": [0.5, 0.5]}
    )
    with pytest.raises(DataError, match="share of group 'x' in category 'b' is missing"):
        composition_from_frame(gap, **kwargs)
