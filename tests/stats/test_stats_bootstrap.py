"""Multinomial bootstrap on counts against the binomial SE and scipy.stats.bootstrap."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from scipy import stats

from eerlijkheid.exceptions import ConfigError, CountsError
from eerlijkheid.stats import BootstrapInterval, BootstrapResult, bootstrap_counts


def rate_of_first(c: np.ndarray) -> np.ndarray:
    return c[:, 0] / c.sum(axis=1)


def rate_difference(c: np.ndarray) -> np.ndarray:
    """Counts (n_resamples, 2 groups, 2 outcomes) -> rate of group 0 minus group 1."""
    rates = c[..., 0] / c.sum(axis=-1)
    return rates[:, 0] - rates[:, 1]


def test_standard_error_of_a_proportion_is_binomial() -> None:
    res = bootstrap_counts(np.array([300, 700]), rate_of_first, n_resamples=4000, rng=1)
    expected = np.sqrt(0.3 * 0.7 / 1000)
    assert float(res.standard_error) == pytest.approx(expected, rel=0.05)
    assert float(res.bootstrap_distribution.mean()) == pytest.approx(0.3, abs=0.002)


def test_multinomial_equals_row_resampling_scipy() -> None:
    counts = np.array([30, 70])
    rows = np.repeat([1.0, 0.0], counts)
    ours = bootstrap_counts(counts, rate_of_first, n_resamples=4000, rng=2)
    ref = stats.bootstrap(
        (rows,), np.mean, n_resamples=4000, method="percentile", rng=np.random.default_rng(3)
    )
    assert float(ours.confidence_interval.low) == pytest.approx(
        ref.confidence_interval.low, abs=0.02
    )
    assert float(ours.confidence_interval.high) == pytest.approx(
        ref.confidence_interval.high, abs=0.02
    )
    assert float(ours.standard_error) == pytest.approx(ref.standard_error, rel=0.1)


def test_fixed_axis_equals_per_sample_resampling_scipy() -> None:
    # scipy resamples each sample separately (fixed sizes): our fixed_axis=0 scheme.
    counts = np.array([[30, 70], [45, 55]])
    group_a = np.repeat([1.0, 0.0], counts[0])
    group_b = np.repeat([1.0, 0.0], counts[1])

    def diff_means(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.mean(a, axis=axis) - np.mean(b, axis=axis)

    ours = bootstrap_counts(counts, rate_difference, n_resamples=4000, fixed_axis=0, rng=4)
    ref = stats.bootstrap(
        (group_a, group_b),
        diff_means,
        n_resamples=4000,
        method="percentile",
        rng=np.random.default_rng(5),
    )
    assert float(ours.confidence_interval.low) == pytest.approx(
        ref.confidence_interval.low, abs=0.02
    )
    assert float(ours.confidence_interval.high) == pytest.approx(
        ref.confidence_interval.high, abs=0.02
    )
    assert float(ours.standard_error) == pytest.approx(ref.standard_error, rel=0.1)
    # analytic check: sqrt(p1 q1 / n1 + p2 q2 / n2)
    assert float(ours.standard_error) == pytest.approx(np.sqrt(0.21 / 100 + 0.2475 / 100), rel=0.06)


def test_fixed_axis_holds_slice_totals_exactly() -> None:
    counts = np.arange(24).reshape(2, 3, 4)
    for axis in (0, 1, 2, -1):
        seen: list[np.ndarray] = []

        def capture(c: np.ndarray, seen: list[np.ndarray] = seen) -> np.ndarray:
            seen.append(c)
            return c.reshape(c.shape[0], -1).sum(axis=1).astype(float)

        res = bootstrap_counts(counts, capture, n_resamples=50, fixed_axis=axis)
        draws = seen[0]
        assert draws.shape == (50, 2, 3, 4)
        other = tuple(a for a in range(1, 4) if a != axis % 3 + 1)
        np.testing.assert_array_equal(
            draws.sum(axis=other),
            np.broadcast_to(counts.sum(axis=tuple(a - 1 for a in other)), (50, counts.shape[axis])),
        )
        assert res.scheme == f"multinomial-fixed-axis-{axis % 3}"


def test_unfixed_scheme_holds_only_the_grand_total() -> None:
    seen: list[np.ndarray] = []

    def capture(c: np.ndarray) -> np.ndarray:
        seen.append(c)
        return c[:, 0, 0].astype(float)

    res = bootstrap_counts(np.array([[5, 5], [5, 5]]), capture, n_resamples=200)
    assert res.scheme == "multinomial"
    assert np.all(seen[0].sum(axis=(1, 2)) == 20)
    assert seen[0][:, 0, :].sum(axis=1).std() > 0  # group totals vary


def test_zero_total_slice_stays_zero() -> None:
    seen: list[np.ndarray] = []

    def capture(c: np.ndarray) -> np.ndarray:
        seen.append(c)
        return c[:, 0, 0].astype(float)

    bootstrap_counts(np.array([[0, 0], [3, 7]]), capture, n_resamples=20, fixed_axis=0)
    assert np.all(seen[0][:, 0, :] == 0)


def test_same_seed_same_result_and_default_seed_is_zero() -> None:
    counts = np.array([[30, 70], [45, 55]])
    a = bootstrap_counts(counts, rate_difference, rng=11)
    b = bootstrap_counts(counts, rate_difference, rng=11)
    np.testing.assert_array_equal(a.bootstrap_distribution, b.bootstrap_distribution)
    default1 = bootstrap_counts(counts, rate_difference)
    default2 = bootstrap_counts(counts, rate_difference)
    seeded0 = bootstrap_counts(counts, rate_difference, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(default1.bootstrap_distribution, default2.bootstrap_distribution)
    np.testing.assert_array_equal(default1.bootstrap_distribution, seeded0.bootstrap_distribution)
    other = bootstrap_counts(counts, rate_difference, rng=12)
    assert not np.array_equal(a.bootstrap_distribution, other.bootstrap_distribution)


def test_huge_total_costs_nothing_extra() -> None:
    rng = np.random.default_rng(0)
    weights = rng.random((12, 2, 3))
    counts = np.floor(weights / weights.sum() * 10**9).astype(np.int64)
    assert counts.size == 72 and counts.sum() > 0.999 * 10**9

    def approval_rates(c: np.ndarray) -> np.ndarray:
        return c[:, :, 0, :].sum(axis=-1) / c.sum(axis=(2, 3))

    start = time.perf_counter()
    res = bootstrap_counts(counts, approval_rates, n_resamples=1000, fixed_axis=0)
    res_all = bootstrap_counts(counts, approval_rates, n_resamples=1000)
    assert time.perf_counter() - start < 2.0
    assert res.confidence_interval.low.shape == (12,)
    assert res_all.bootstrap_distribution.shape == (1000, 12)
    assert np.all(res.confidence_interval.low <= res.confidence_interval.high)


def test_vector_statistic_gives_array_bounds() -> None:
    counts = np.array([[30, 70], [45, 55], [10, 10]])

    def rates(c: np.ndarray) -> np.ndarray:
        return c[..., 0] / c.sum(axis=-1)

    res = bootstrap_counts(counts, rates, n_resamples=500, fixed_axis=0, confidence_level=0.9)
    assert isinstance(res, BootstrapResult)
    assert isinstance(res.confidence_interval, BootstrapInterval)
    assert res.confidence_interval.low.shape == res.standard_error.shape == (3,)
    np.testing.assert_allclose(
        res.confidence_interval.low, np.quantile(res.bootstrap_distribution, 0.05, axis=0)
    )
    np.testing.assert_allclose(res.standard_error, res.bootstrap_distribution.std(axis=0, ddof=1))
    assert (res.method, res.n_resamples, res.confidence_level) == ("percentile", 500, 0.9)
    np.testing.assert_array_equal(res.counts, counts)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.n_resamples = 3  # type: ignore[misc]


def test_scalar_statistic_gives_0d_bounds() -> None:
    res = bootstrap_counts([3, 7], rate_of_first, n_resamples=100)
    assert res.confidence_interval.low.shape == ()


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        (
            {"counts": [-1, 3]},
            CountsError,
            "`counts` parameter of `bootstrap_counts` must be finite non-negative whole numbers",
        ),
        ({"counts": [1.5, 3]}, CountsError, "whole numbers; got 1.5 instead"),
        ({"counts": []}, CountsError, "at least one cell"),
        ({"fixed_axis": 1}, ConfigError, "`fixed_axis` parameter"),
        ({"fixed_axis": True}, ConfigError, "`fixed_axis` parameter"),
        ({"rng": np.random.RandomState(0)}, ConfigError, "`rng` parameter"),
        ({"rng": -3}, ConfigError, "`rng` parameter"),
        ({"n_resamples": 1}, ConfigError, "`n_resamples` parameter"),
        ({"confidence_level": 1}, ConfigError, "`confidence_level` parameter"),
        (
            {"statistic": lambda c: c.sum(axis=1)[:5]},
            ConfigError,
            "`statistic` parameter .* returning shape",
        ),
        ({"statistic": "mean"}, ConfigError, "`statistic` parameter .* a callable"),
    ],
)
def test_validation(kwargs: dict[str, object], error: type[Exception], fragment: str) -> None:
    args: dict[str, object] = {"counts": [3, 7], "statistic": rate_of_first, "n_resamples": 10}
    args.update(kwargs)
    with pytest.raises(error, match=fragment):
        bootstrap_counts(**args)  # type: ignore[arg-type]


def test_nan_replicate_makes_bounds_nan() -> None:
    # documented convention: no silent dropping of undefined replicates
    res = bootstrap_counts(
        np.array([1, 1]), lambda c: np.where(c[:, 0] > 0, 1.0, np.nan), n_resamples=50, rng=0
    )
    assert np.isnan(res.confidence_interval.low) and np.isnan(res.confidence_interval.high)
