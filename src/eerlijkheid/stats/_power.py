"""Power of the two-proportion test and the minimum detectable rate ratio.

The power is the normal approximation used by statsmodels'
``power_proportions_2indep`` for the pooled z-test (= Pearson chi-square) of
``group_rate == reference_rate``: the standard error under the null uses the pooled
rate ``(p_g * n_g + p_r * n_r) / (n_g + n_r)``, the one under the alternative the
unpooled rates; a two-sided test counts both rejection tails.

Conventions
-----------
* The group rate under the alternative is ``min(ratio * reference_rate, 1)``: a ratio
  that would take the group's rate above 1 means "every case", the largest rate a group
  can have.  So the power is defined for every reference rate in [0, 1] and every ratio
  >= 0; e.g. for a reference rate of 0.85 a ratio of 1.25 is a group rate of 1.  On the
  side below 1 no cap is needed (``ratio * reference_rate >= 0``).
* An empty arm (``group_nobs == 0`` or ``reference_nobs == 0``): power 0 (no test is
  possible); the minimum detectable ratio is ``inf`` (increase) or ``0`` (decrease).
* No effect (group rate equal to the reference rate, e.g. ``ratio == 1`` or
  ``reference_rate == 0``): power is ``alpha``, the size of the test.
* Both rates 0 or 1 but different (zero variance under the alternative): power 1.
* :func:`minimum_detectable_ratio` returns ``inf`` (``direction="increase"``) when even
  a group rate of 1 does not reach the power, and ``0`` (``"decrease"``) when even a
  group rate of 0 does not.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from eerlijkheid.exceptions import ConfigError, CountsError

from ._validate import as_float_array, check_alternative, check_open_unit, check_option, fail

__all__ = ["minimum_detectable_ratio", "power_two_proportions"]

FloatArray = NDArray[np.float64]
Alternative = Literal["two-sided", "less", "greater"]

_BISECTION_STEPS = 60


def _power_core(
    n1: FloatArray,
    p2: FloatArray,
    n2: FloatArray,
    p1: FloatArray,
    *,
    alpha: float,
    alternative: str,
) -> FloatArray:
    """Power for group rate ``p1`` vs reference rate ``p2`` (no validation)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        inv = 1.0 / n1 + 1.0 / n2
        se_null = np.sqrt(pooled * (1.0 - pooled) * inv)
        se_alt = np.sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2)
        diff = p1 - p2
        tail = alpha / 2.0 if alternative == "two-sided" else alpha
        crit = -special.ndtri(tail)
        power = np.zeros(np.broadcast(n1, p2, n2, p1).shape)
        if alternative in ("two-sided", "greater"):
            power = power + special.ndtr((diff - crit * se_null) / se_alt)
        if alternative in ("two-sided", "less"):
            power = power + special.ndtr((-diff - crit * se_null) / se_alt)
    power = np.where(diff == 0, alpha, power)
    power = np.where((se_alt == 0) & (diff != 0), _certain(diff, alternative), power)
    return np.where((n1 == 0) | (n2 == 0), 0.0, np.clip(power, 0.0, 1.0))


def _certain(diff: FloatArray, alternative: str) -> FloatArray:
    """Power when the alternative has no variance: 1 if the effect is in a tested tail."""
    if alternative == "greater":
        return np.where(diff > 0, 1.0, 0.0)
    if alternative == "less":
        return np.where(diff < 0, 1.0, 0.0)
    return np.ones_like(diff)


def _nobs(value: ArrayLike, name: str, func: str) -> FloatArray:
    return as_float_array(value, name=name, func=func, error=CountsError)


def _reference_rate(value: ArrayLike, func: str) -> FloatArray:
    p = as_float_array(value, name="reference_rate", func=func, error=ConfigError)
    if (p > 1).any():
        fail("reference_rate", func, "between 0 and 1", float(p[p > 1].flat[0]))
    return p


def power_two_proportions(
    group_nobs: ArrayLike,
    reference_rate: ArrayLike,
    reference_nobs: ArrayLike,
    ratio: ArrayLike,
    *,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
) -> FloatArray:
    """Power to detect a group rate of ``ratio * reference_rate``, vectorised.

    Parameters
    ----------
    group_nobs : array_like
        Group size.
    reference_rate : array_like
        Reference rate, in [0, 1].
    reference_nobs : array_like
        Reference size.
    ratio : array_like
        Rate ratio under the alternative (group rate over reference rate), >= 0.  The
        group rate under the alternative is ``min(ratio * reference_rate, 1)`` (see the
        module conventions).
    alpha : float, default 0.05
        Significance level, strictly between 0 and 1.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Alternative of the test (``"greater"``: the group's rate is higher).

    Returns
    -------
    numpy.ndarray
        Power, the broadcast shape of the array arguments.

    Raises
    ------
    ConfigError
        For bad options, a rate outside [0, 1] or a negative ratio.
    CountsError
        For negative or non-finite sizes.

    Notes
    -----
    Equal to statsmodels' ``power_proportions_2indep(diff=p1 - reference_rate,
    prop2=reference_rate, nobs1=group_nobs, ratio=reference_nobs / group_nobs)`` with
    ``p1 = min(ratio * reference_rate, 1)`` and ``"larger"``/``"smaller"`` for
    ``"greater"``/``"less"``.

    Examples
    --------
    >>> from eerlijkheid.stats import power_two_proportions
    >>> power_two_proportions([100, 400], 0.3, 1000, 1.5).round(4).tolist()
    [0.8541, 0.9995]

    A reference rate of 0.85 (a benefit granted to most applicants): a ratio of 1.25 is
    capped at a group rate of 1; the harmful side of a benefit is a ratio below 1.

    >>> power_two_proportions(30, 0.85, 30, [1.25, 1 / 1.25]).round(4).tolist()
    [0.6011, 0.339]
    """
    func = "power_two_proportions"
    a = check_open_unit(alpha, name="alpha", func=func)
    alt = check_alternative(alternative, func=func)
    n1 = _nobs(group_nobs, "group_nobs", func)
    n2 = _nobs(reference_nobs, "reference_nobs", func)
    p2 = _reference_rate(reference_rate, func)
    r = as_float_array(ratio, name="ratio", func=func, error=ConfigError)
    try:
        n1, p2, n2, r = np.broadcast_arrays(n1, p2, n2, r)
    except ValueError:
        fail("ratio", func, "broadcastable with the other arguments", r.shape)
    with np.errstate(invalid="ignore"):  # inf * 0: the rate stays 0
        p1 = np.minimum(np.where(p2 == 0, 0.0, r * p2), 1.0)
    return _power_core(n1, p2, n2, p1, alpha=a, alternative=alt)


def minimum_detectable_ratio(
    group_nobs: ArrayLike,
    reference_rate: ArrayLike,
    reference_nobs: ArrayLike,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    direction: Literal["increase", "decrease"] = "increase",
) -> FloatArray:
    """Smallest rate ratio (or largest, for a decrease) detectable with `power`, vectorised.

    Parameters
    ----------
    group_nobs : array_like
        Group size.
    reference_rate : array_like
        Reference rate, in [0, 1].
    reference_nobs : array_like
        Reference size.
    power : float, default 0.8
        Target power, strictly between `alpha` and 1.
    alpha : float, default 0.05
        Significance level, strictly between 0 and 1.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Alternative of the test; a one-sided alternative must agree with `direction`
        (``"greater"`` with ``"increase"``, ``"less"`` with ``"decrease"``).
    direction : {"increase", "decrease"}, default "increase"
        Look for a ratio above 1 or below 1.

    Returns
    -------
    numpy.ndarray
        The ratio at which :func:`power_two_proportions` equals `power` (to ~1e-15
        relative accuracy); ``inf`` / ``0`` where it is not reachable.

    Raises
    ------
    ConfigError
        For bad options or a rate outside [0, 1].
    CountsError
        For negative or non-finite sizes.

    Notes
    -----
    Bisection over all elements at once (60 steps): in log-ratio space between 1 and
    ``1 / reference_rate`` for an increase, in ratio space between 0 and 1 for a
    decrease.

    Examples
    --------
    >>> from eerlijkheid.stats import minimum_detectable_ratio
    >>> minimum_detectable_ratio([100, 400, 0], 0.3, 1000).round(4).tolist()
    [1.4627, 1.2599, inf]
    >>> minimum_detectable_ratio(100, 0.3, 1000, direction="decrease").round(4).tolist()
    0.576
    """
    func = "minimum_detectable_ratio"
    a = check_open_unit(alpha, name="alpha", func=func)
    target = check_open_unit(power, name="power", func=func)
    if target <= a:
        fail("power", func, f"greater than `alpha` ({a!r})", power)
    alt = check_alternative(alternative, func=func)
    way = check_option(direction, name="direction", func=func, options=("increase", "decrease"))
    if (alt, way) in (("less", "increase"), ("greater", "decrease")):
        fail("alternative", func, f"'two-sided' or in the direction {way!r}", alternative)
    n1 = _nobs(group_nobs, "group_nobs", func)
    n2 = _nobs(reference_nobs, "reference_nobs", func)
    p2 = _reference_rate(reference_rate, func)
    try:
        n1, p2, n2 = np.broadcast_arrays(n1, p2, n2)
    except ValueError:
        fail("reference_nobs", func, "broadcastable with the other arguments", n2.shape)

    def reached(p1: FloatArray) -> NDArray[np.bool_]:
        return _power_core(n1, p2, n2, p1, alpha=a, alternative=alt) >= target

    if way == "increase":
        possible = reached(np.ones_like(p2)) & (p2 > 0) & (p2 < 1)
        log_p2 = np.log(np.where(p2 > 0, p2, 1.0))
        lo = np.zeros_like(p2)
        hi = np.where(possible, -log_p2, 0.0)
        for _ in range(_BISECTION_STEPS):
            mid = (lo + hi) / 2.0
            # exp(log p2 + mid), not p2 * exp(mid): no overflow for a subnormal rate
            ok = reached(np.minimum(np.exp(log_p2 + mid), 1.0))
            hi = np.where(ok, mid, hi)
            lo = np.where(ok, lo, mid)
        with np.errstate(over="ignore"):  # 1 / a subnormal rate: inf
            return np.where(possible, np.exp(hi), np.inf)

    possible = reached(np.zeros_like(p2)) & (p2 > 0)
    lo, hi = np.zeros_like(p2), np.ones_like(p2)
    for _ in range(_BISECTION_STEPS):
        mid = (lo + hi) / 2.0
        ok = reached(p2 * mid)
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    return np.where(possible, lo, 0.0)
