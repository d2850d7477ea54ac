"""Confidence intervals for one proportion.

Conventions
-----------
* Counts may be non-integer (effective counts of weighted data); they must be finite,
  non-negative and at most ``nobs`` (a count above ``nobs`` by less than a relative
  1e-9 is floating-point noise and is clipped to ``nobs``).
* ``nobs == 0`` (an empty group): the rate is NaN and every interval is ``(0.0, 1.0)``
  -- no information.
* ``count == 0``: the lower bound is exactly 0 for every method; ``count == nobs``: the
  upper bound is exactly 1.  For ``"wilson"`` and ``"clopper-pearson"`` this is what the
  formulas give; for ``"jeffreys"`` it is the boundary modification of Brown, Cai &
  DasGupta (2001, sec. 4.1.2) -- statsmodels' ``proportion_confint(method="jeffreys")``
  returns the unmodified equal-tailed Beta quantile there, the other bound is identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ._results import ConfidenceInterval
from ._validate import check_counts, check_open_unit, check_option, check_scalar

__all__ = ["ProportionResult", "proportion", "proportion_interval"]

ProportionMethod = Literal["wilson", "clopper-pearson", "jeffreys"]
PROPORTION_METHODS: tuple[str, ...] = ("wilson", "clopper-pearson", "jeffreys")

FloatArray = NDArray[np.float64]


def wilson_bounds(count: FloatArray, nobs: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """Wilson score bounds, vectorised (no validation; ``nobs == 0`` gives (0, 1))."""
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = nobs + z2
        center = (count + z2 / 2.0) / denom
        half = z / denom * np.sqrt(count * (nobs - count) / nobs + z2 / 4.0)
    low = np.clip(center - half, 0.0, 1.0)
    high = np.clip(center + half, 0.0, 1.0)
    low = np.where(count == 0, 0.0, low)
    high = np.where(count == nobs, 1.0, high)
    empty = nobs == 0
    return np.where(empty, 0.0, low), np.where(empty, 1.0, high)


def _beta_bounds(
    count: FloatArray, nobs: FloatArray, alpha: float, method: str
) -> tuple[FloatArray, FloatArray]:
    """Clopper-Pearson or Jeffreys bounds from Beta quantiles."""
    at_zero = count == 0
    at_full = count == nobs
    if method == "clopper-pearson":
        a_low, b_low = count, nobs - count + 1.0
        a_high, b_high = count + 1.0, nobs - count
    else:  # jeffreys
        a_low = a_high = count + 0.5
        b_low = b_high = nobs - count + 0.5
    # Substitute harmless parameters where the bound is fixed, so no NaN is computed.
    low = special.betaincinv(
        np.where(at_zero, 1.0, a_low), np.where(at_zero, 1.0, b_low), alpha / 2
    )
    high = special.betaincinv(
        np.where(at_full, 1.0, a_high), np.where(at_full, 1.0, b_high), 1.0 - alpha / 2
    )
    low = np.where(at_zero, 0.0, low)
    high = np.where(at_full, 1.0, high)
    empty = nobs == 0
    return np.where(empty, 0.0, low), np.where(empty, 1.0, high)


def interval_core(
    count: FloatArray, nobs: FloatArray, confidence_level: float, method: str
) -> tuple[FloatArray, FloatArray]:
    """Compute validated proportion bounds (shared by the public entry points)."""
    alpha = 1.0 - confidence_level
    if method == "wilson":
        return wilson_bounds(count, nobs, float(special.ndtri(1.0 - alpha / 2)))
    return _beta_bounds(count, nobs, alpha, method)


def proportion_interval(
    count: ArrayLike,
    nobs: ArrayLike,
    *,
    confidence_level: float = 0.95,
    method: ProportionMethod = "wilson",
) -> tuple[FloatArray, FloatArray]:
    """Confidence interval for a proportion ``count / nobs``, vectorised.

    Parameters
    ----------
    count : array_like
        Number of successes; floats are allowed (effective counts of weighted data).
    nobs : array_like
        Number of trials, broadcastable with `count`.
    confidence_level : float, default 0.95
        Confidence level, strictly between 0 and 1.
    method : {"wilson", "clopper-pearson", "jeffreys"}, default "wilson"
        Wilson score interval; Clopper-Pearson exact (Beta quantile) interval; Jeffreys
        equal-tailed Beta(count + 1/2, nobs - count + 1/2) interval with the
        Brown-Cai-DasGupta boundary modification.

    Returns
    -------
    low, high : numpy.ndarray
        Bounds of the broadcast shape of `count` and `nobs` (0-d for scalars).

    Raises
    ------
    ConfigError
        For an unknown `method` or a `confidence_level` outside (0, 1).
    CountsError
        For negative or non-finite counts, or ``count > nobs``.

    Notes
    -----
    ``nobs == 0`` gives ``(0.0, 1.0)``; ``count == 0`` gives a lower bound of exactly 0
    and ``count == nobs`` an upper bound of exactly 1 (see the module docstring).

    Examples
    --------
    >>> from eerlijkheid.stats import proportion_interval
    >>> low, high = proportion_interval([3, 0, 0], [10, 10, 0])
    >>> low.round(4).tolist(), high.round(4).tolist()
    ([0.1078, 0.0, 0.0], [0.6032, 0.2775, 1.0])
    """
    func = "proportion_interval"
    level = check_open_unit(confidence_level, name="confidence_level", func=func)
    chosen = check_option(method, name="method", func=func, options=PROPORTION_METHODS)
    c, n = check_counts(count, nobs, func=func)
    return interval_core(c, n, level, chosen)


@dataclass(frozen=True)
class ProportionResult:
    """A proportion with the counts it came from.

    Parameters
    ----------
    count : float
        Number of successes (may be an effective, non-integer count).
    nobs : float
        Number of trials.

    Examples
    --------
    >>> from eerlijkheid.stats import proportion
    >>> res = proportion(3, 10)
    >>> res.statistic
    0.3
    >>> ci = res.confidence_interval(method="clopper-pearson")
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.0667, 0.6525)
    """

    count: float
    nobs: float

    @property
    def statistic(self) -> float:
        """The proportion ``count / nobs``; NaN when ``nobs == 0``."""
        return self.count / self.nobs if self.nobs > 0 else float("nan")

    def confidence_interval(
        self, *, confidence_level: float = 0.95, method: ProportionMethod = "wilson"
    ) -> ConfidenceInterval:
        """Confidence interval for the proportion.

        Parameters
        ----------
        confidence_level : float, default 0.95
            Confidence level, strictly between 0 and 1.
        method : {"wilson", "clopper-pearson", "jeffreys"}, default "wilson"
            See :func:`proportion_interval`.

        Returns
        -------
        ConfidenceInterval
            ``(0.0, 1.0)`` when ``nobs == 0``.

        Examples
        --------
        >>> from eerlijkheid.stats import proportion
        >>> ci = proportion(0, 0).confidence_interval()
        >>> ci.low, ci.high
        (0.0, 1.0)
        """
        func = "ProportionResult.confidence_interval"
        level = check_open_unit(confidence_level, name="confidence_level", func=func)
        chosen = check_option(method, name="method", func=func, options=PROPORTION_METHODS)
        low, high = interval_core(
            np.array(self.count, dtype=np.float64),
            np.array(self.nobs, dtype=np.float64),
            level,
            chosen,
        )
        return ConfidenceInterval(low=float(low), high=float(high))


def proportion(count: float, nobs: float) -> ProportionResult:
    """Build a :class:`ProportionResult` for one group.

    Parameters
    ----------
    count : float
        Number of successes; non-integer effective counts are allowed.
    nobs : float
        Number of trials (``nobs == 0`` is allowed: an empty group).

    Returns
    -------
    ProportionResult

    Raises
    ------
    ConfigError
        If `count` or `nobs` is not a single number.
    CountsError
        For negative or non-finite counts, or ``count > nobs``.

    Examples
    --------
    >>> from eerlijkheid.stats import proportion
    >>> res = proportion(42, 120)
    >>> res.statistic
    0.35
    >>> ci = res.confidence_interval()
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.2705, 0.4388)
    """
    func = "proportion"
    check_scalar(count, name="count", func=func)
    check_scalar(nobs, name="nobs", func=func)
    c, n = check_counts(count, nobs, func=func)
    return ProportionResult(count=float(c), nobs=float(n))
