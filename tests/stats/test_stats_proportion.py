"""One-proportion intervals against statsmodels and scipy (independent oracles)."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from statsmodels.stats.proportion import proportion_confint

from eerlijkheid.exceptions import ConfigError, CountsError
from eerlijkheid.stats import ConfidenceInterval, ProportionResult, proportion, proportion_interval

SM_NAME = {"wilson": "wilson", "clopper-pearson": "beta", "jeffreys": "jeffreys"}
METHODS = tuple(SM_NAME)

# Integer grid with interior counts, 0 successes and all successes.
GRID = [(x, n) for n in (1, 2, 5, 17, 100, 1234) for x in sorted({0, 1, n // 3, n - 1, n})]


def sm_interval(x: float, n: float, method: str, level: float) -> tuple[float, float]:
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        low, high = proportion_confint(x, n, alpha=1 - level, method=SM_NAME[method])
    return float(low), float(high)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("level", [0.8, 0.95, 0.99])
def test_interior_matches_statsmodels_elementwise(method: str, level: float) -> None:
    counts = np.array([x for x, _ in GRID], dtype=float)
    nobs = np.array([n for _, n in GRID], dtype=float)
    low, high = proportion_interval(counts, nobs, confidence_level=level, method=method)
    for i, (x, n) in enumerate(GRID):
        exp_low, exp_high = sm_interval(x, n, method, level)
        if method == "jeffreys" and x == 0:
            exp_low = 0.0  # Brown-Cai-DasGupta modification (documented)
        if method == "jeffreys" and x == n:
            exp_high = 1.0
        assert low[i] == pytest.approx(exp_low, rel=1e-9, abs=1e-12), (x, n)
        assert high[i] == pytest.approx(exp_high, rel=1e-9, abs=1e-12), (x, n)


@pytest.mark.parametrize(
    ("method", "scipy_method"), [("wilson", "wilson"), ("clopper-pearson", "exact")]
)
def test_matches_scipy_binomtest(method: str, scipy_method: str) -> None:
    for x, n in GRID:
        ci = binomtest(x, n).proportion_ci(confidence_level=0.9, method=scipy_method)
        low, high = proportion_interval(x, n, confidence_level=0.9, method=method)
        assert float(low) == pytest.approx(ci.low, rel=1e-9, abs=1e-12)
        assert float(high) == pytest.approx(ci.high, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_non_integer_effective_counts_match_statsmodels(method: str) -> None:
    counts = np.array([0.4, 2.5, 10.25, 99.9])
    nobs = np.array([3.7, 8.2, 40.5, 100.0])
    low, high = proportion_interval(counts, nobs, method=method)
    for i in range(counts.size):
        exp_low, exp_high = sm_interval(counts[i], nobs[i], method, 0.95)
        assert low[i] == pytest.approx(exp_low, rel=1e-9, abs=1e-12)
        assert high[i] == pytest.approx(exp_high, rel=1e-9, abs=1e-12)


# ---------------------------------------------------------------- edge-case conventions


@pytest.mark.parametrize("method", METHODS)
def test_empty_group_gives_no_information(method: str) -> None:
    low, high = proportion_interval(0, 0, method=method)
    assert (float(low), float(high)) == (0.0, 1.0)
    assert np.isnan(proportion(0, 0).statistic)
    assert proportion(0, 0).confidence_interval(method=method) == ConfidenceInterval(0.0, 1.0)


@pytest.mark.parametrize("method", METHODS)
def test_zero_successes_lower_bound_exactly_zero(method: str) -> None:
    low, high = proportion_interval(0, 20, method=method)
    assert float(low) == 0.0
    # the other bound is the oracle's (for jeffreys too: only the boundary is modified)
    assert float(high) == pytest.approx(sm_interval(0, 20, method, 0.95)[1], rel=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_all_successes_upper_bound_exactly_one(method: str) -> None:
    low, high = proportion_interval(20, 20, method=method)
    assert float(high) == 1.0
    assert float(low) == pytest.approx(sm_interval(20, 20, method, 0.95)[0], rel=1e-9)


def test_jeffreys_boundary_differs_from_unmodified_statsmodels() -> None:
    # statsmodels returns the raw Beta quantile (> 0); we document the modification.
    assert sm_interval(0, 10, "jeffreys", 0.95)[0] > 0
    assert float(proportion_interval(0, 10, method="jeffreys")[0]) == 0.0


def test_shapes_broadcast_and_scalar_is_0d() -> None:
    low, high = proportion_interval(np.array([[1, 2, 3]]), np.array([[10], [20]]))
    assert low.shape == high.shape == (2, 3)
    low0, _ = proportion_interval(1, 10)
    assert low0.shape == ()


def test_count_over_nobs_by_rounding_noise_is_clipped() -> None:
    n = 0.1 + 0.2  # 0.30000000000000004
    _, high = proportion_interval(0.3 * (1 + 1e-12), 0.3)
    assert float(high) == 1.0
    assert proportion(n, 0.3).statistic == 1.0


@pytest.mark.parametrize(
    ("count", "nobs", "fragment"),
    [
        (-1, 10, "`count` parameter of `proportion_interval` must be finite and non-negative"),
        (np.nan, 10, "must be finite"),
        (1, np.inf, "`nobs` parameter"),
        (11, 10, "`count` parameter of `proportion_interval` must be at most `nobs`"),
    ],
)
def test_invalid_counts_raise_counts_error(count: float, nobs: float, fragment: str) -> None:
    with pytest.raises(CountsError, match=fragment):
        proportion_interval(count, nobs)


def test_invalid_options_raise_config_error() -> None:
    with pytest.raises(ConfigError, match=r"^The `method` parameter of `proportion_interval`"):
        proportion_interval(1, 10, method="wald")  # type: ignore[arg-type]
    for level in (0.0, 1.0, 95, np.nan, "0.95", True):
        with pytest.raises(ConfigError, match="`confidence_level`.* strictly between 0 and 1"):
            proportion_interval(1, 10, confidence_level=level)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="`nobs` parameter .* broadcastable"):
        proportion_interval([1, 2, 3], [10, 20])
    with pytest.raises(CountsError, match="numeric"):
        proportion_interval("a", 10)  # type: ignore[arg-type]


# ------------------------------------------------------------------------- scalar result


def test_proportion_result_keeps_counts_and_calls_vectorised_form() -> None:
    res = proportion(42, 120)
    assert isinstance(res, ProportionResult)
    assert (res.count, res.nobs) == (42.0, 120.0)
    assert res.statistic == 42 / 120
    for method in METHODS:
        ci = res.confidence_interval(confidence_level=0.9, method=method)
        exp = sm_interval(42, 120, method, 0.9)
        assert (ci.low, ci.high) == pytest.approx(exp, rel=1e-9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.count = 1  # type: ignore[misc]


def test_proportion_validates_scalars() -> None:
    with pytest.raises(ConfigError, match="`count` parameter of `proportion` must be a single"):
        proportion([1, 2], 10)  # type: ignore[arg-type]
    with pytest.raises(CountsError, match="`count` parameter of `proportion`"):
        proportion(5, 4)
    with pytest.raises(ConfigError, match="ProportionResult.confidence_interval"):
        proportion(1, 4).confidence_interval(method="exact")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(
    n=st.floats(min_value=0.5, max_value=1e6, allow_nan=False),
    # Counts are 0 or at least 1e-9 of nobs: tinier (near-subnormal) effective counts are
    # outside what scipy's Beta quantile resolves and never arise from real data.
    frac=st.one_of(st.just(0.0), st.floats(min_value=1e-9, max_value=1)),
    level=st.floats(min_value=0.5, max_value=0.999),
)
def test_interval_contains_estimate_and_nests(n: float, frac: float, level: float) -> None:
    x = n * frac
    for method in METHODS:
        low, high = proportion_interval(x, n, confidence_level=level, method=method)
        wider_low, wider_high = proportion_interval(
            x, n, confidence_level=min(level + 0.0005, 0.9999), method=method
        )
        assert 0.0 <= float(low) <= float(high) <= 1.0
        if method != "jeffreys":  # an equal-tailed Bayesian interval need not contain x/n
            assert float(low) <= x / n + 1e-12
            assert x / n - 1e-12 <= float(high)
        assert float(wider_low) <= float(low) + 1e-12
        assert float(wider_high) >= float(high) - 1e-12
