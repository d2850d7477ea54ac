"""Power and minimum detectable ratio against statsmodels' power_proportions_2indep."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import power_proportions_2indep

from eerlijkheid.exceptions import ConfigError, CountsError
from eerlijkheid.stats import minimum_detectable_ratio, power_two_proportions

SM_ALT = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}


def sm_power(
    n1: float,
    p2: float,
    n2: float,
    ratio: float,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> float:
    """statsmodels' power; its `ratio` is the sample-size ratio nobs2 / nobs1."""
    return float(
        power_proportions_2indep(
            diff=(ratio - 1) * p2,
            prop2=p2,
            nobs1=n1,
            ratio=n2 / n1,
            alpha=alpha,
            alternative=SM_ALT[alternative],
            return_results=False,
        )
    )


GRID = list(itertools.product([20, 150, 2000], [0.05, 0.3, 0.6], [40, 1000], [0.5, 0.8, 1.2, 1.6]))


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
@pytest.mark.parametrize("alpha", [0.01, 0.05])
def test_power_matches_statsmodels_elementwise(alternative: str, alpha: float) -> None:
    n1, p2, n2, ratio = (np.array(c, dtype=float) for c in zip(*GRID, strict=True))
    got = power_two_proportions(n1, p2, n2, ratio, alpha=alpha, alternative=alternative)  # type: ignore[arg-type]
    for i, args in enumerate(GRID):
        assert got[i] == pytest.approx(sm_power(*args, alpha, alternative), rel=1e-10, abs=1e-14)


def test_power_edge_conventions() -> None:
    # empty arm: no test possible
    assert power_two_proportions([0, 10], 0.3, [10, 0], 2.0).tolist() == [0.0, 0.0]
    # no effect: the size of the test
    assert power_two_proportions(100, [0.3, 0.0], 100, [1.0, 3.0]).tolist() == [0.05, 0.05]
    # the statsmodels formula gives alpha at ratio 1 too
    assert sm_power(100, 0.3, 100, 1.0) == pytest.approx(0.05)
    # certain difference (zero variance under the alternative): power 1
    assert float(power_two_proportions(10, 1.0, 10, 0.0)) == 1.0
    assert float(power_two_proportions(10, 1.0, 10, 0.0, alternative="greater")) == 0.0


def test_power_caps_the_alternative_at_rate_one_per_statsmodels() -> None:
    # A benefit granted to 85% (issue 12): 1.25 x 0.85 > 1 means a group rate of 1, and
    # the harmful side (the group receives less) is 0.85 / 1.25 = 0.68.
    got = power_two_proportions([30, 30, 400], [0.85, 0.85, 0.6], [30, 30, 400], [1.25, 0.8, 2.0])
    expected = [
        sm_power(30, 0.85, 30, 1 / 0.85),
        sm_power(30, 0.85, 30, 0.8),
        sm_power(400, 0.6, 400, 1 / 0.6),
    ]
    assert got.tolist() == pytest.approx(expected, rel=1e-10)
    # statsmodels' own figures for the two rates of the first two (pooled z-test)
    assert expected[:2] == pytest.approx([0.601143337690028, 0.33903837208358223], rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0, 1),
    st.floats(0, 50, allow_subnormal=False),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)
def test_power_is_defined_for_every_rate_and_ratio(
    rate: float, ratio: float, n1: int, n2: int
) -> None:
    power = float(power_two_proportions(n1, rate, n2, ratio))
    assert 0.0 <= power <= 1.0
    for direction in ("increase", "decrease"):
        mdr = float(minimum_detectable_ratio(n1, rate, n2, direction=direction))  # type: ignore[arg-type]
        assert mdr >= 1.0 if direction == "increase" else 0.0 <= mdr <= 1.0


def test_power_at_the_edges_of_the_reference_rate() -> None:
    # reference rate 1 (everybody "ja"): a decrease is detectable, an increase is no effect
    assert float(power_two_proportions(1000, 1.0, 1000, 1.25)) == 0.05
    assert float(power_two_proportions(1000, 1.0, 1000, 0.8)) == pytest.approx(
        sm_power(1000, 1.0, 1000, 0.8), rel=1e-10
    )
    # reference rate 0: every ratio leaves the rate at 0, no effect
    assert power_two_proportions(1000, 0.0, 1000, [0.8, 1.25, 40.0]).tolist() == [0.05] * 3


def test_power_validation() -> None:
    with pytest.raises(ConfigError, match="`reference_rate` parameter .* between 0 and 1"):
        power_two_proportions(10, 1.5, 10, 0.5)
    with pytest.raises(ConfigError, match="`ratio` parameter .* finite and non-negative"):
        power_two_proportions(10, 0.5, 10, -1.0)
    with pytest.raises(CountsError, match="`group_nobs` parameter"):
        power_two_proportions(-10, 0.5, 10, 1.5)
    with pytest.raises(ConfigError, match="`alpha` parameter"):
        power_two_proportions(10, 0.5, 10, 1.5, alpha=0)
    with pytest.raises(ConfigError, match="`alternative` parameter"):
        power_two_proportions(10, 0.5, 10, 1.5, alternative="larger")  # type: ignore[arg-type]


MDR_GRID = list(itertools.product([30, 200, 5000], [0.02, 0.2, 0.5], [100, 3000]))


@pytest.mark.parametrize(
    ("alternative", "direction"),
    [
        ("two-sided", "increase"),
        ("two-sided", "decrease"),
        ("greater", "increase"),
        ("less", "decrease"),
    ],
)
@pytest.mark.parametrize("target", [0.8, 0.9])
def test_minimum_detectable_ratio_has_the_power_per_statsmodels(
    alternative: str, direction: str, target: float
) -> None:
    n1, p2, n2 = (np.array(c, dtype=float) for c in zip(*MDR_GRID, strict=True))
    mdr = minimum_detectable_ratio(
        n1,
        p2,
        n2,
        power=target,
        alternative=alternative,
        direction=direction,  # type: ignore[arg-type]
    )
    reached = 0
    for i, (a, b, c) in enumerate(MDR_GRID):
        r = mdr[i]
        if direction == "increase":
            if np.isinf(r):
                assert sm_power(a, b, c, 1 / b, 0.05, alternative) < target
                continue
            assert r > 1
        else:
            if r == 0:
                assert sm_power(a, b, c, 0.0, 0.05, alternative) < target
                continue
            assert 0 < r < 1
        reached += 1
        assert sm_power(a, b, c, r, 0.05, alternative) == pytest.approx(target, abs=1e-9)
        # a slightly smaller effect does not reach the power
        weaker = 1 + (r - 1) * 0.99
        assert sm_power(a, b, c, weaker, 0.05, alternative) < target
    assert reached >= len(MDR_GRID) // 2


def test_minimum_detectable_ratio_unreachable_and_empty() -> None:
    # tiny groups: even a rate of 1 (or 0) is not detectable with 80% power
    assert float(minimum_detectable_ratio(3, 0.5, 5)) == np.inf
    assert float(minimum_detectable_ratio(3, 0.5, 5, direction="decrease")) == 0.0
    assert sm_power(3, 0.5, 5, 2.0) < 0.8 and sm_power(3, 0.5, 5, 0.0) < 0.8
    # empty arm
    assert minimum_detectable_ratio([0, 100], 0.3, [100, 0]).tolist() == [np.inf, np.inf]
    assert minimum_detectable_ratio([0, 100], 0.3, [100, 0], direction="decrease").tolist() == [
        0.0,
        0.0,
    ]
    # reference rate 0: no ratio changes the rate; rate 1: no increase possible
    assert float(minimum_detectable_ratio(1000, 0.0, 1000)) == np.inf
    assert float(minimum_detectable_ratio(1000, 0.0, 1000, direction="decrease")) == 0.0
    assert float(minimum_detectable_ratio(1000, 1.0, 1000)) == np.inf
    assert 0 < float(minimum_detectable_ratio(1000, 1.0, 1000, direction="decrease")) < 1


def test_minimum_detectable_ratio_validation() -> None:
    with pytest.raises(
        ConfigError,
        match="`power` parameter of `minimum_detectable_ratio` must be greater than `alpha`",
    ):
        minimum_detectable_ratio(100, 0.3, 100, power=0.04)
    with pytest.raises(
        ConfigError, match="`alternative` parameter .* 'two-sided' or in the direction 'increase'"
    ):
        minimum_detectable_ratio(100, 0.3, 100, alternative="less")
    with pytest.raises(ConfigError, match="`direction` parameter"):
        minimum_detectable_ratio(100, 0.3, 100, direction="up")  # type: ignore[arg-type]


def test_vectorised_over_many_groups_is_fast() -> None:
    rng = np.random.default_rng(0)
    n1 = rng.integers(5, 5000, 20_000).astype(float)
    start = time.perf_counter()
    mdr = minimum_detectable_ratio(n1, 0.25, 50_000)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0
    assert np.all(np.diff(mdr[np.argsort(n1)]) <= 1e-9)  # bigger groups detect smaller ratios
