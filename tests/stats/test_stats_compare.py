"""Group-vs-reference intervals and tests against statsmodels, scipy and Newcombe (1998)."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, fisher_exact
from scipy.stats.contingency import odds_ratio, relative_risk
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from eerlijkheid.exceptions import ConfigError, CountsError
from eerlijkheid.stats import (
    ConfidenceInterval,
    TestResult,
    TwoProportionResult,
    compare_proportions,
    difference_interval,
    odds_ratio_interval,
    ratio_interval,
    two_proportion_test,
)


@contextmanager
def quiet() -> Iterator[None]:
    """Silence numpy/statsmodels warnings raised inside an oracle call."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# Tables (group_count, group_nobs, reference_count, reference_nobs) without zero cells.
INTERIOR = [
    (30, 100, 45, 100),
    (10, 75, 12, 225),
    (1, 3, 7, 9),
    (512, 825, 89, 108),
    (3, 1000, 40, 2000),
    (299, 300, 150, 400),
]
# Tables with at least one zero cell (but both arms non-empty).
ZERO_CELLS = [(0, 20, 12, 225), (5, 20, 0, 30), (20, 20, 10, 30), (0, 10, 0, 20), (7, 7, 0, 9)]


def columns(tables: list[tuple[int, int, int, int]]) -> tuple[np.ndarray, ...]:
    return tuple(np.array(col, dtype=float) for col in zip(*tables, strict=True))


# --------------------------------------------------------------------- difference (Newcombe)


# Newcombe RG (1998) Interval estimation for the difference between independent
# proportions: comparison of eleven methods. Stat Med 17:873-890, Table II, method 10.
NEWCOMBE_1998 = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("table", "expected"), NEWCOMBE_1998)
def test_difference_reproduces_newcombe_1998(
    table: tuple[int, ...], expected: tuple[float, ...]
) -> None:
    low, high = difference_interval(*table)
    assert (round(float(low), 4), round(float(high), 4)) == expected


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_difference_matches_statsmodels_elementwise(level: float) -> None:
    tables = INTERIOR + ZERO_CELLS
    low, high = difference_interval(*columns(tables), confidence_level=level)
    for i, (x1, n1, x2, n2) in enumerate(tables):
        with quiet():
            exp = confint_proportions_2indep(
                x1, n1, x2, n2, compare="diff", method="newcomb", alpha=1 - level
            )
        assert (low[i], high[i]) == pytest.approx(exp, rel=1e-9, abs=1e-12)


def test_difference_empty_arm_is_uninformative() -> None:
    low, high = difference_interval([0, 3, 0], [0, 5, 0], [2, 0, 0], [4, 0, 0])
    assert low.tolist() == [-1.0, -1.0, -1.0]
    assert high.tolist() == [1.0, 1.0, 1.0]


# ------------------------------------------------------------------------ ratio (Katz log)


@pytest.mark.parametrize("level", [0.9, 0.95])
def test_ratio_matches_statsmodels_and_scipy(level: float) -> None:
    low, high = ratio_interval(*columns(INTERIOR), confidence_level=level)
    for i, (x1, n1, x2, n2) in enumerate(INTERIOR):
        exp = confint_proportions_2indep(
            x1, n1, x2, n2, compare="ratio", method="log", alpha=1 - level
        )
        assert (low[i], high[i]) == pytest.approx(exp, rel=1e-9)
        ci = relative_risk(x1, n1, x2, n2).confidence_interval(confidence_level=level)
        assert (low[i], high[i]) == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_ratio_zero_cells_use_haldane_correction() -> None:
    low, high = ratio_interval(*columns(ZERO_CELLS))
    for i, (x1, n1, x2, n2) in enumerate(ZERO_CELLS):
        shifted = np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=float) + 0.5
        exp = Table2x2(shifted, shift_zeros=False).riskratio_confint()
        assert (low[i], high[i]) == pytest.approx(exp, rel=1e-9)
        # same numbers from the Katz formula in statsmodels' two-sample API
        exp2 = confint_proportions_2indep(
            x1 + 0.5, n1 + 1, x2 + 0.5, n2 + 1, compare="ratio", method="log"
        )
        assert (low[i], high[i]) == pytest.approx(exp2, rel=1e-9)
        assert np.isfinite(low[i]) and np.isfinite(high[i]) and low[i] > 0


def test_ratio_zero_cells_differ_from_scipy_epitools_convention() -> None:
    # scipy (R epitools) reports (0, nan) for a zero group count; we document Haldane.
    ci = relative_risk(0, 20, 12, 225).confidence_interval()
    assert ci.low == 0.0 and np.isnan(ci.high)
    low, high = ratio_interval(0, 20, 12, 225)
    assert 0 < float(low) < float(high) < np.inf


def test_ratio_and_odds_ratio_empty_arm_is_uninformative() -> None:
    for func in (ratio_interval, odds_ratio_interval):
        low, high = func([0, 3], [0, 5], [2, 0], [4, 0])
        assert low.tolist() == [0.0, 0.0]
        assert high.tolist() == [np.inf, np.inf]


# ---------------------------------------------------------------------- odds ratio (Woolf)


@pytest.mark.parametrize("level", [0.9, 0.95])
def test_odds_ratio_matches_statsmodels_and_scipy(level: float) -> None:
    low, high = odds_ratio_interval(*columns(INTERIOR), confidence_level=level)
    for i, (x1, n1, x2, n2) in enumerate(INTERIOR):
        table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
        exp = Table2x2(table, shift_zeros=False).oddsratio_confint(alpha=1 - level)
        assert (low[i], high[i]) == pytest.approx(exp, rel=1e-9)
        exp2 = confint_proportions_2indep(
            x1, n1, x2, n2, compare="odds-ratio", method="logit", alpha=1 - level
        )
        assert (low[i], high[i]) == pytest.approx(exp2, rel=1e-9)
        ci = odds_ratio(table, kind="sample").confidence_interval(confidence_level=level)
        assert (low[i], high[i]) == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_odds_ratio_zero_cells_use_haldane_correction() -> None:
    low, high = odds_ratio_interval(*columns(ZERO_CELLS))
    for i, (x1, n1, x2, n2) in enumerate(ZERO_CELLS):
        # statsmodels' "logit-adjusted" adds 0.5 to every cell: Haldane-Anscombe.
        exp = confint_proportions_2indep(
            x1, n1, x2, n2, compare="odds-ratio", method="logit-adjusted"
        )
        assert (low[i], high[i]) == pytest.approx(exp, rel=1e-9)


def test_non_integer_counts_match_statsmodels() -> None:
    x1, n1, x2, n2 = 12.4, 40.7, 30.1, 61.3
    d = difference_interval(x1, n1, x2, n2)
    exp = confint_proportions_2indep(x1, n1, x2, n2, compare="diff", method="newcomb")
    assert (float(d[0]), float(d[1])) == pytest.approx(exp, rel=1e-9)
    r = ratio_interval(x1, n1, x2, n2)
    exp = confint_proportions_2indep(x1, n1, x2, n2, compare="ratio", method="log")
    assert (float(r[0]), float(r[1])) == pytest.approx(exp, rel=1e-9)


# ------------------------------------------------------------------------------- the test


@pytest.mark.parametrize("table", [*INTERIOR, (1, 10, 7, 10), (0, 12, 5, 14)])
def test_chi2_two_sided_matches_scipy_chi2_contingency(table: tuple[int, ...]) -> None:
    x1, n1, x2, n2 = table
    stat, p, used = two_proportion_test(*table, method="chi2")
    exp = chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
    assert float(stat) == pytest.approx(exp.statistic, rel=1e-9)
    assert float(p) == pytest.approx(exp.pvalue, rel=1e-9)
    assert str(used) == "chi2"


@pytest.mark.parametrize(
    ("alternative", "sm_alternative"),
    [("greater", "larger"), ("less", "smaller"), ("two-sided", "two-sided")],
)
def test_chi2_is_pooled_z_test_of_statsmodels(alternative: str, sm_alternative: str) -> None:
    stat, p, _ = two_proportion_test(*columns(INTERIOR), method="chi2", alternative=alternative)
    for i, (x1, n1, x2, n2) in enumerate(INTERIOR):
        z, exp_p = proportions_ztest([x1, x2], [n1, n2], alternative=sm_alternative)
        expected_stat = z * z if alternative == "two-sided" else z
        assert stat[i] == pytest.approx(expected_stat, rel=1e-9)
        assert p[i] == pytest.approx(exp_p, rel=1e-9)


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_fisher_matches_scipy(alternative: str) -> None:
    tables = [*INTERIOR[:3], (1, 10, 7, 10), (0, 12, 5, 14), (3, 3, 1, 6)]
    stat, p, used = two_proportion_test(*columns(tables), method="fisher", alternative=alternative)
    assert set(used.tolist()) == {"fisher"}
    for i, (x1, n1, x2, n2) in enumerate(tables):
        exp = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative=alternative)
        assert p[i] == pytest.approx(exp.pvalue, rel=1e-9)
        assert stat[i] == pytest.approx(exp.statistic, rel=1e-9)


@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)),
        min_size=1,
        max_size=60,
    ),
    st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_distinct_tables_equal_numpy_unique_rows(rows: list[tuple[int, ...]], huge: bool) -> None:
    # the fast path must give np.unique(axis=0)'s tables in np.unique's order: Fisher's
    # padded blocks, and so the last bits of its p-values, depend on that order
    from eerlijkheid.stats._compare import _distinct_tables

    cells = np.array([(a, a + b, c, c + d) for a, b, c, d in rows], dtype=np.int64)
    if huge:  # above 2**31 cases in an arm: the np.unique(axis=0) fallback
        cells[:, 1] += 1 << 32
    tables, inverse = _distinct_tables(cells)
    expected, expected_inverse = np.unique(cells, axis=0, return_inverse=True)
    assert np.array_equal(tables, expected)
    assert np.array_equal(inverse, expected_inverse.reshape(-1))


def test_auto_uses_cochran_rule() -> None:
    # min expected count: 10*8/20 = 4 (< 5: Fisher); 10*10/20 = 5 (chi2)
    _, p, used = two_proportion_test([1, 2, 30], [10, 10, 100], [7, 8, 45], [10, 10, 100])
    assert used.tolist() == ["fisher", "chi2", "chi2"]
    assert p[0] == pytest.approx(fisher_exact([[1, 9], [7, 3]]).pvalue, rel=1e-9)
    assert p[1] == pytest.approx(
        chi2_contingency([[2, 8], [8, 2]], correction=False).pvalue, rel=1e-9
    )


def test_auto_with_fractional_counts_uses_chi2() -> None:
    _, _, used = two_proportion_test(1.5, 10, 7, 10)
    assert used.tolist() == "chi2"


def test_fisher_rejects_fractional_counts() -> None:
    with pytest.raises(
        CountsError, match="`group_count` parameter of `two_proportion_test`.*whole"
    ):
        two_proportion_test(1.5, 10, 7, 10, method="fisher")


@pytest.mark.parametrize("method", ["auto", "chi2", "fisher"])
@pytest.mark.parametrize(
    "table",
    [(0, 0, 3, 10), (3, 10, 0, 0), (0, 0, 0, 0), (0, 10, 0, 20), (10, 10, 20, 20)],
    ids=["empty-group", "empty-reference", "both-empty", "no-successes", "no-failures"],
)
def test_degenerate_table_is_not_testable(method: str, table: tuple[int, ...]) -> None:
    stat, p, _ = two_proportion_test(*table, method=method)
    assert np.isnan(stat) and np.isnan(p)
    # scipy's own convention differs (documented): Fisher gives p = 1.0
    if table[1] and table[3]:
        x1, n1, x2, n2 = table
        assert fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue == 1.0


def test_test_broadcasts_against_one_reference() -> None:
    stat, p, used = two_proportion_test(np.array([10, 20, 30]), 100, 45, 100, method="chi2")
    assert stat.shape == p.shape == used.shape == (3,)


def test_invalid_options() -> None:
    with pytest.raises(
        ConfigError,
        match=(
            r"The `alternative` parameter of `two_proportion_test` must be one of "
            r"'two-sided', 'less', 'greater'; got 'larger' instead\."
        ),
    ):
        two_proportion_test(1, 10, 2, 10, alternative="larger")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="`method` parameter of `two_proportion_test`"):
        two_proportion_test(1, 10, 2, 10, method="z")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="`method` parameter of `ratio_interval`"):
        ratio_interval(1, 10, 2, 10, method="log")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="`confidence_level` parameter of `difference_interval`"):
        difference_interval(1, 10, 2, 10, confidence_level=1.5)
    with pytest.raises(
        CountsError,
        match="`reference_count` parameter of `odds_ratio_interval` must be at most",
    ):
        odds_ratio_interval(1, 10, 12, 10)
    with pytest.raises(ConfigError, match="broadcastable"):
        difference_interval([1, 2], [10, 10], [1, 2, 3], [10, 10, 10])


# ------------------------------------------------------------------------ scalar result


def test_two_proportion_result_point_estimates() -> None:
    res = compare_proportions(30, 100, 45, 100)
    assert isinstance(res, TwoProportionResult)
    assert (res.group_count, res.group_nobs, res.reference_count, res.reference_nobs) == (
        30.0,
        100.0,
        45.0,
        100.0,
    )
    assert res.group_rate == 0.3 and res.reference_rate == 0.45
    assert res.difference == pytest.approx(-0.15)
    assert res.ratio == pytest.approx(relative_risk(30, 100, 45, 100).relative_risk)
    assert res.odds_ratio == pytest.approx(
        odds_ratio([[30, 70], [45, 55]], kind="sample").statistic
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.group_count = 3  # type: ignore[misc]


def test_two_proportion_result_uncorrected_point_estimates_at_zeros() -> None:
    assert compare_proportions(5, 10, 0, 10).ratio == np.inf
    assert np.isnan(compare_proportions(0, 10, 0, 10).ratio)
    assert compare_proportions(0, 10, 4, 10).ratio == 0.0
    assert compare_proportions(10, 10, 4, 10).odds_ratio == np.inf
    assert np.isnan(compare_proportions(0, 10, 0, 10).odds_ratio)
    empty = compare_proportions(0, 0, 4, 10)
    assert np.isnan(empty.group_rate) and np.isnan(empty.difference)
    assert np.isnan(empty.ratio) and np.isnan(empty.odds_ratio)


@pytest.mark.parametrize("table", INTERIOR + ZERO_CELLS + [(0, 0, 3, 10)])
def test_result_methods_equal_vectorised_functions(table: tuple[int, ...]) -> None:
    res = compare_proportions(*table)
    for method_name, func in (
        ("difference_interval", difference_interval),
        ("ratio_interval", ratio_interval),
        ("odds_ratio_interval", odds_ratio_interval),
    ):
        ci = getattr(res, method_name)(confidence_level=0.9)
        low, high = func(*table, confidence_level=0.9)
        assert ci == ConfidenceInterval(float(low), float(high))
    stat, p, used = two_proportion_test(*table, alternative="less")
    got = res.test(alternative="less")
    assert isinstance(got, TestResult)
    assert got.method == str(used) and got.alternative == "less"
    np.testing.assert_equal([got.statistic, got.pvalue], [float(stat), float(p)])


def test_compare_proportions_validates() -> None:
    with pytest.raises(
        ConfigError, match="`group_nobs` parameter of `compare_proportions` must be a single number"
    ):
        compare_proportions(1, [10, 20], 2, 10)  # type: ignore[arg-type]
    with pytest.raises(CountsError, match="`group_count` parameter of `compare_proportions`"):
        compare_proportions(-1, 10, 2, 10)
    with pytest.raises(ConfigError, match="TwoProportionResult.test"):
        compare_proportions(1, 10, 2, 10).test(method="exact")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- properties


tables = st.tuples(st.integers(1, 400), st.floats(0, 1), st.integers(1, 400), st.floats(0, 1)).map(
    lambda t: (round(t[0] * t[1]), t[0], round(t[2] * t[3]), t[2])
)


@settings(max_examples=40, deadline=None)
@given(st.lists(tables, min_size=1, max_size=8))
def test_vectorised_intervals_equal_statsmodels_elementwise(
    table_list: list[tuple[int, int, int, int]],
) -> None:
    cols = columns(table_list)
    d_low, d_high = difference_interval(*cols)
    o_low, o_high = odds_ratio_interval(*cols)
    for i, (x1, n1, x2, n2) in enumerate(table_list):
        with quiet():
            exp = confint_proportions_2indep(x1, n1, x2, n2, compare="diff", method="newcomb")
        assert (d_low[i], d_high[i]) == pytest.approx(exp, rel=1e-8, abs=1e-12)
        any_zero = 0 in (x1, n1 - x1, x2, n2 - x2)
        method = "logit-adjusted" if any_zero else "logit"
        with quiet():
            exp = confint_proportions_2indep(x1, n1, x2, n2, compare="odds-ratio", method=method)
        assert (o_low[i], o_high[i]) == pytest.approx(exp, rel=1e-8)


def test_many_groups_at_once_is_fast() -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(1, 5000, size=20_000).astype(float)
    x = np.floor(rng.random(n.size) * (n + 1))
    for func in (difference_interval, ratio_interval, odds_ratio_interval):
        low, high = func(x, n, 4000, 10_000)
        assert np.all(low <= high)
    _, p, _ = two_proportion_test(x, n, 4000, 10_000, method="chi2")
    assert np.all((p >= 0) | np.isnan(p))


# ------------------------------------------------------------- vectorised Fisher exact test


def fisher_exact_rational(table: tuple[int, int, int, int], alternative: str) -> float:
    """Exact p-value with rational arithmetic: the oracle where scipy loses digits."""
    a, m1, c, m2 = table
    s = a + c
    lo, hi = max(0, s - m2), min(s, m1)
    rel = {lo: Fraction(1)}
    for k in range(lo, hi):
        rel[k + 1] = rel[k] * Fraction((m1 - k) * (s - k), (k + 1) * (m2 - s + k + 1))
    if alternative == "less":
        kept = sum(v for k, v in rel.items() if k <= a)
    elif alternative == "greater":
        kept = sum(v for k, v in rel.items() if k >= a)
    else:
        kept = sum(v for v in rel.values() if v <= rel[a])
    return float(kept / sum(rel.values()))


def is_degenerate(table: tuple[int, int, int, int]) -> bool:
    x1, n1, x2, n2 = table
    return n1 == 0 or n2 == 0 or x1 + x2 in (0, n1 + n2)


def check_fisher_against_scipy(tables: list[tuple[int, int, int, int]], alternative: str) -> None:
    stat, p, used = two_proportion_test(*columns(tables), method="fisher", alternative=alternative)
    assert set(used.tolist()) == {"fisher"}
    for i, table in enumerate(tables):
        if is_degenerate(table):  # the module's convention, not scipy's (nan, 1.0)
            assert np.isnan(stat[i]) and np.isnan(p[i])
            continue
        x1, n1, x2, n2 = table
        exp = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative=alternative)
        assert p[i] == pytest.approx(exp.pvalue, rel=1e-12, abs=0), table
        assert stat[i] == exp.statistic, table  # same formula, bit for bit


cells = st.integers(0, 60)
# (group_count, group_nobs, reference_count, reference_nobs) from the four cells
small_tables = st.tuples(cells, cells, cells, cells).map(
    lambda t: (t[0], t[0] + t[1], t[2], t[2] + t[3])
)
# a small group against a large reference, as `auto` sends to Fisher; scipy is exact to
# 1e-15 up to about 10^5 cases (beyond that its hypergeometric pmf loses digits)
wide_tables = st.tuples(
    st.integers(0, 30), st.integers(0, 30), st.integers(0, 3_000), st.integers(0, 40_000)
).map(lambda t: (t[0], t[0] + t[1], t[2], t[2] + t[3]))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(small_tables, wide_tables), min_size=1, max_size=25),
    st.sampled_from(["two-sided", "less", "greater"]),
)
def test_vectorised_fisher_equals_scipy(
    table_list: list[tuple[int, int, int, int]], alternative: str
) -> None:
    check_fisher_against_scipy(table_list, alternative)


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_vectorised_fisher_equals_scipy_on_every_small_table(alternative: str) -> None:
    # every table with both arms of at most 7 cases: zeros, degenerate margins, ties
    # between mirror-image tables (equal arms), the observed table at the mode
    tables = [
        (x1, n1, x2, n2)
        for n1 in range(8)
        for n2 in range(8)
        for x1 in range(n1 + 1)
        for x2 in range(n2 + 1)
    ]
    check_fisher_against_scipy(tables, alternative)


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
@pytest.mark.parametrize(
    "table",
    [
        (9, 96, 680_897, 7_976_601),
        (8, 54, 1_664_240, 9_822_633),
        (83, 87, 8_498_030, 9_394_159),
        (0, 40, 12, 2_000_000),
        (3, 1_500, 400, 3_000),
        (30, 30, 1, 5_000_000),
    ],
)
def test_vectorised_fisher_is_exact_for_large_margins(
    table: tuple[int, int, int, int], alternative: str
) -> None:
    # scipy's fisher_exact is off by up to ~1e-9 relative at 10^7 cases (lgamma-based
    # pmf); the ratio recursion stays exact to ~1e-15
    _, p, _ = two_proportion_test(*table, method="fisher", alternative=alternative)
    assert float(p) == pytest.approx(fisher_exact_rational(table, alternative), rel=1e-12)


def test_vectorised_fisher_tiny_pvalues_and_wide_supports() -> None:
    # supports of thousands of tables are processed in bounded blocks; p-values of
    # 1e-233 to 1e-84 keep their relative precision; (0, 2000, 1900, 2000) underflows to 0
    tables = [
        (900, 1_500, 100, 1_500),
        (1_500, 3_000, 500, 3_000),
        (60, 3_000, 800, 3_000),
        (600, 1_500, 150, 1_500),
        (0, 2_000, 1_900, 2_000),
    ]
    for alternative in ("two-sided", "less", "greater"):
        _, p, _ = two_proportion_test(*columns(tables), method="fisher", alternative=alternative)
        for i, table in enumerate(tables):
            exp = fisher_exact_rational(table, alternative)
            assert p[i] == pytest.approx(exp, rel=1e-12), (table, alternative)


# ------------------------------------------- result objects built from arrays (metrics)


def field_types_are_python(item: object) -> None:
    """Every field holds a plain Python value of its annotated kind, never a numpy scalar."""
    kinds = {"int": int, "float": float, "str": str, "bool": bool}
    for field in dataclasses.fields(item):  # type: ignore[arg-type]
        value = getattr(item, field.name)
        kind = kinds.get(str(field.type))
        if kind is not None:
            assert type(value) is kind, (field.name, type(value))
        elif isinstance(value, ConfidenceInterval):
            assert type(value.low) is float and type(value.high) is float
        elif isinstance(value, TestResult):
            assert type(value.statistic) is float and type(value.pvalue) is float
            assert type(value.method) is str and type(value.alternative) is str
        elif isinstance(value, tuple):
            assert all(type(label) is str for label in value)


def test_compare_counts_builds_the_same_objects_as_the_keyword_constructor() -> None:
    from eerlijkheid.metrics import Disparity, compare_counts
    from eerlijkheid.stats import adjust_pvalues

    num = np.array([3.0, 0.0, 20.0, 7.0, 0.0, 2.0])
    den = np.array([10.0, 4.0, 40.0, 7.0, 0.0, 8.0])
    ref = (15.0, 60.0)
    groups = [("a",), ("b",), ("c",), ("d",), ("e",), ("f",)]
    got = compare_counts(
        metric="selection_rate",
        attributes=("g",),
        groups=groups,
        reference=("r",),
        reference_rule="largest",
        group_counts=(num, den),
        reference_counts=ref,
        harm="higher",
    )
    with np.errstate(all="ignore"):
        gv = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        rv = np.float64(ref[0] / ref[1])
        ratio, odds = gv / rv, (gv / (1 - gv)) / (rv / (1 - rv))
    d_ci, r_ci, o_ci = (
        f(num, den, *ref) for f in (difference_interval, ratio_interval, odds_ratio_interval)
    )
    stat, p, used = two_proportion_test(num, den, *ref)
    padj = adjust_pvalues(p, method="holm")
    assert len(got) == len(groups)
    for k, item in enumerate(got):
        diff = float(gv[k] - rv)
        expected = Disparity(
            metric="selection_rate",
            attributes=("g",),
            group=groups[k],
            reference=("r",),
            reference_rule="largest",
            group_numerator=int(num[k]),
            group_denominator=int(den[k]),
            reference_numerator=15,
            reference_denominator=60,
            group_value=float(gv[k]),
            reference_value=float(rv),
            difference=diff,
            difference_interval=ConfidenceInterval(float(d_ci[0][k]), float(d_ci[1][k])),
            ratio=float(ratio[k]),
            ratio_interval=ConfidenceInterval(float(r_ci[0][k]), float(r_ci[1][k])),
            odds_ratio=float(odds[k]),
            odds_ratio_interval=ConfidenceInterval(float(o_ci[0][k]), float(o_ci[1][k])),
            test=TestResult(float(stat[k]), float(p[k]), str(used[k]), "two-sided"),
            pvalue_adjusted=float(padj[k]),
            adjustment="holm",
            direction="undefined"
            if np.isnan(diff)
            else "higher"
            if diff > 0
            else "lower"
            if diff < 0
            else "equal",
            harm="higher",
            confidence_level=0.95,
            weighted=False,
        )
        assert type(item) is Disparity
        assert repr(item) == repr(expected)  # NaN fields make == False for both
        assert list(vars(item)) == list(vars(expected))  # field order: to_frame's columns
        field_types_are_python(item)
        if not np.isnan(diff):
            assert item == expected and hash(item) == hash(expected)
        with pytest.raises(dataclasses.FrozenInstanceError):
            item.ratio = 1.0  # type: ignore[misc]


def test_group_metrics_builds_the_same_objects_as_the_keyword_constructor() -> None:
    import pandas as pd

    from eerlijkheid.counts import count_table
    from eerlijkheid.metrics import GroupMetric, group_metrics
    from eerlijkheid.stats import proportion_interval

    frame = pd.DataFrame(
        {
            "g": ["a"] * 6 + ["b"] * 3 + ["c"],
            "d": [1, 1, 0, 0, 0, 1, 0, 0, 0, 1],
            "y": [1, 0, 0, 1, 0, 1, 0, 0, 0, 0],
        }
    )
    table = count_table(frame, decision="d", groups="g", outcome="y")
    got = group_metrics(table, confidence_level=0.9)
    assert got
    for item in got:
        low, high = proportion_interval(item.numerator, item.denominator, confidence_level=0.9)
        value = item.numerator / item.denominator if item.denominator else float("nan")
        expected = GroupMetric(
            metric=item.metric,
            attributes=("g",),
            group=item.group,
            numerator=item.numerator,
            denominator=item.denominator,
            value=value,
            effective_denominator=float(item.denominator),
            confidence_interval=ConfidenceInterval(float(low), float(high)),
            confidence_level=0.9,
            method="wilson",
        )
        assert type(item) is GroupMetric
        assert repr(item) == repr(expected)
        assert list(vars(item)) == list(vars(expected))
        field_types_are_python(item)
        if item.denominator:
            assert item == expected and hash(item) == hash(expected)
