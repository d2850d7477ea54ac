"""Stratified comparison of a group with a reference: the Mantel-Haenszel analysis.

Each stratum k contributes the 2x2 table ``[[group_count[k], group_nobs[k] -
group_count[k]], [reference_count[k], reference_nobs[k] - reference_count[k]]]``;
the common odds ratio is the group's odds over the reference's odds.  The numbers
follow R's ``mantelhaen.test``; they are computed here in closed form (numpy), and the
tests check them against R's published output and statsmodels' ``StratifiedTable``.

Conventions
-----------
* A stratum where either arm has ``nobs == 0`` carries no information and is dropped;
  ``n_strata_used`` counts the strata kept.
* With no stratum left: statistic, p-value, common odds ratio and homogeneity p-value
  are NaN and the interval is ``(0, inf)``.
* When the CMH variance is zero (every stratum has no successes or no failures) the
  statistic and p-value are NaN.
* When the common odds ratio is 0, infinite or undefined the interval is ``(0, inf)``.
* The continuity correction (default, as R) subtracts 1/2 from ``|sum(a - E[a])|`` only
  when that is at least 1/2 (as R; statsmodels subtracts it always).
* The Breslow-Day homogeneity p-value (as statsmodels ``test_equal_odds``, no Tarone
  adjustment) is NaN with fewer than two strata or when it is not computable.
* ``crude`` compares the collapsed table summed over ALL strata (the unstratified
  comparison, including strata dropped above).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ._compare import TwoProportionResult
from ._results import ConfidenceInterval
from ._validate import Described, check_counts, check_open_unit, fail

__all__ = ["MantelHaenszelResult", "mantel_haenszel", "mantel_haenszel_rate_ratio"]

FloatArray = NDArray[np.float64]


def _readonly(arr: FloatArray) -> FloatArray:
    out: FloatArray = np.array(arr, dtype=np.float64)
    out.flags.writeable = False
    return out


def _tables(
    x1: FloatArray, n1: FloatArray, x2: FloatArray, n2: FloatArray
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Return the (2, 2, K_used) table array and the mask of strata used."""
    used = (n1 > 0) & (n2 > 0)
    a, m1, c, m2 = x1[used], n1[used], x2[used], n2[used]
    tables = np.array([[a, m1 - a], [c, m2 - c]], dtype=np.float64).reshape(2, 2, -1)
    return tables, used


def _cmh_statistic(tables: FloatArray, *, correction: bool) -> float:
    """Cochran-Mantel-Haenszel chi-square (1 df); NaN when its variance is zero."""
    a, b, c, d = tables[0, 0], tables[0, 1], tables[1, 0], tables[1, 1]
    n = a + b + c + d
    delta = abs(float(np.sum(a - (a + b) * (a + c) / n)))
    if correction and delta >= 0.5:  # R's rule: correct only when |delta| >= 1/2
        delta -= 0.5
    variance = float(np.sum((a + b) * (c + d) * (a + c) * (b + d) / (n**2 * (n - 1.0))))
    return delta**2 / variance if variance > 0 else float("nan")


def _mh_odds_ratio(tables: FloatArray) -> float:
    """Mantel-Haenszel common odds ratio: sum(a d / n) / sum(b c / n)."""
    a, b, c, d = tables[0, 0], tables[0, 1], tables[1, 0], tables[1, 1]
    n = a + b + c + d
    return float(np.sum(a * d / n) / np.sum(b * c / n))


def _rbg_log_se(tables: FloatArray) -> float:
    """Robins-Breslow-Greenland standard error of the log common odds ratio."""
    a, b, c, d = tables[0, 0], tables[0, 1], tables[1, 0], tables[1, 1]
    n = a + b + c + d
    p, q = (a + d) / n, (b + c) / n
    r, s = a * d / n, b * c / n
    big_r, big_s = float(np.sum(r)), float(np.sum(s))
    variance = (
        float(np.sum(p * r)) / (2.0 * big_r**2)
        + float(np.sum(p * s + q * r)) / (2.0 * big_r * big_s)
        + float(np.sum(q * s)) / (2.0 * big_s**2)
    )
    return float(np.sqrt(variance))


def _breslow_day_pvalue(tables: FloatArray, odds_ratio: float) -> float:
    """Breslow-Day test of a common odds ratio (no Tarone adjustment), K - 1 df."""
    a, b, c, d = tables[0, 0], tables[0, 1], tables[1, 0], tables[1, 1]
    row, col, rest = a + b, a + c, d - a
    # the expected first cell e solves (e (rest + e)) / ((row - e) (col - e)) = odds_ratio:
    # (1 - OR) e^2 + (OR (row + col) + rest) e - OR row col = 0
    quad = 1.0 - odds_ratio
    lin = odds_ratio * (row + col) + rest
    const = -odds_ratio * row * col
    with np.errstate(divide="ignore", invalid="ignore"):
        if quad == 0.0:
            expected = -const / lin
        else:
            expected = (-lin + np.sqrt(lin**2 - 4.0 * quad * const)) / (2.0 * quad)
        variance = 1.0 / (
            1.0 / expected
            + 1.0 / (col - expected)
            + 1.0 / (row - expected)
            + 1.0 / (rest + expected)
        )
        statistic = float(np.sum((a - expected) ** 2 / variance))
    df = tables.shape[2] - 1
    return float(special.chdtrc(df, statistic)) if np.isfinite(statistic) else float("nan")


@dataclass(frozen=True, eq=False)
class MantelHaenszelResult:
    """Result of :func:`mantel_haenszel`.

    Compared by identity (``eq=False``) because its count fields are arrays; the arrays
    are read-only.

    Parameters
    ----------
    group_count, group_nobs, reference_count, reference_nobs : numpy.ndarray
        The per-stratum counts as given (including dropped strata).
    statistic : float
        Cochran-Mantel-Haenszel chi-square statistic (1 degree of freedom).
    pvalue : float
        Its p-value.
    common_odds_ratio : float
        Mantel-Haenszel estimate of the common odds ratio (group over reference).
    homogeneity_pvalue : float
        Breslow-Day p-value for equal odds ratios across strata.
    n_strata_used : int
        Number of strata with both arms non-empty.
    crude : TwoProportionResult
        The comparison of the collapsed (summed) table.
    method : str
        Description of the test, as R prints it.

    Examples
    --------
    >>> from eerlijkheid.stats import mantel_haenszel
    >>> res = mantel_haenszel([10, 20], [50, 60], [15, 40], [50, 80])
    >>> round(res.common_odds_ratio, 4), res.n_strata_used
    (0.5287, 2)
    """

    group_count: FloatArray
    group_nobs: FloatArray
    reference_count: FloatArray
    reference_nobs: FloatArray
    statistic: float
    pvalue: float
    common_odds_ratio: float
    homogeneity_pvalue: float
    n_strata_used: int
    crude: TwoProportionResult
    method: str

    def confidence_interval(self, *, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Robins-Breslow-Greenland interval for the common odds ratio (as R).

        Parameters
        ----------
        confidence_level : float, default 0.95
            Confidence level, strictly between 0 and 1.

        Returns
        -------
        ConfidenceInterval
            ``(0, inf)`` when no stratum is used or the estimate is 0, inf or NaN.

        Examples
        --------
        >>> from eerlijkheid.stats import mantel_haenszel
        >>> ci = mantel_haenszel([10, 20], [50, 60], [15, 40], [50, 80]).confidence_interval()
        >>> round(ci.low, 4), round(ci.high, 4)
        (0.304, 0.9194)
        """
        func = "MantelHaenszelResult.confidence_interval"
        level = check_open_unit(confidence_level, name="confidence_level", func=func)
        estimate = self.common_odds_ratio
        if self.n_strata_used == 0 or not (np.isfinite(estimate) and estimate > 0):
            return ConfidenceInterval(low=0.0, high=float("inf"))
        tables, _ = _tables(
            self.group_count, self.group_nobs, self.reference_count, self.reference_nobs
        )
        with np.errstate(all="ignore"):
            se = _rbg_log_se(tables)
        z = float(special.ndtri(0.5 + level / 2.0))
        log_or = float(np.log(estimate))
        return ConfidenceInterval(
            low=float(np.exp(log_or - z * se)), high=float(np.exp(log_or + z * se))
        )


def mantel_haenszel(
    group_count: ArrayLike,
    group_nobs: ArrayLike,
    reference_count: ArrayLike,
    reference_nobs: ArrayLike,
    *,
    correction: bool = True,
) -> MantelHaenszelResult:
    """Cochran-Mantel-Haenszel test and common odds ratio over strata.

    Parameters
    ----------
    group_count, group_nobs : array_like
        1-D arrays over strata: successes and trials in the group.
    reference_count, reference_nobs : array_like
        1-D arrays over strata: successes and trials in the reference.
    correction : bool, default True
        Apply the continuity correction to the CMH statistic (as R's default).

    Returns
    -------
    MantelHaenszelResult

    Raises
    ------
    ConfigError
        If an argument is not 1-D, the lengths differ, or `correction` is not a bool.
    CountsError
        For negative or non-finite counts, or a count above its nobs.

    Notes
    -----
    Strata with an empty arm are dropped (see the module docstring for all edge cases).

    Examples
    --------
    UC Berkeley admissions, departments A and B (group: men, reference: women):

    >>> from eerlijkheid.stats import mantel_haenszel
    >>> res = mantel_haenszel([512, 353], [825, 560], [89, 17], [108, 25])
    >>> round(res.statistic, 4), round(res.pvalue, 4), round(res.common_odds_ratio, 4)
    (14.7265, 0.0001, 0.4252)
    """
    func = "mantel_haenszel"
    if not isinstance(correction, bool | np.bool_):
        fail("correction", func, "True or False", correction)
    names = ("group_count", "group_nobs", "reference_count", "reference_nobs")
    values = (group_count, group_nobs, reference_count, reference_nobs)
    for name, value in zip(names, values, strict=True):
        ndim = np.ndim(value)
        if ndim != 1:
            fail(name, func, "a 1-D array over strata", Described(f"{ndim} dimensions"))
    x1, n1 = check_counts(
        group_count, group_nobs, func=func, count_name=names[0], nobs_name=names[1]
    )
    x2, n2 = check_counts(
        reference_count, reference_nobs, func=func, count_name=names[2], nobs_name=names[3]
    )
    if x2.shape != x1.shape:
        fail(
            names[2],
            func,
            f"as long as `group_count` ({x1.shape[0]})",
            Described(f"length {x2.shape[0]}"),
        )
    crude = TwoProportionResult(
        group_count=float(x1.sum()),
        group_nobs=float(n1.sum()),
        reference_count=float(x2.sum()),
        reference_nobs=float(n2.sum()),
    )
    method = "Mantel-Haenszel chi-squared test " + (
        "with continuity correction" if correction else "without continuity correction"
    )
    tables, used = _tables(x1, n1, x2, n2)
    n_used = int(used.sum())
    nan = float("nan")
    statistic = pvalue = odds_ratio = homogeneity = nan
    if n_used > 0:
        with np.errstate(all="ignore"):
            statistic = _cmh_statistic(tables, correction=correction)
            odds_ratio = _mh_odds_ratio(tables)
            if n_used >= 2:
                homogeneity = _breslow_day_pvalue(tables, odds_ratio)
        if not np.isfinite(statistic):
            statistic = nan
        pvalue = float(special.chdtrc(1.0, statistic))
        if not np.isfinite(homogeneity):
            homogeneity = nan
    return MantelHaenszelResult(
        group_count=_readonly(x1),
        group_nobs=_readonly(n1),
        reference_count=_readonly(x2),
        reference_nobs=_readonly(n2),
        statistic=statistic,
        pvalue=pvalue,
        common_odds_ratio=odds_ratio,
        homogeneity_pvalue=homogeneity,
        n_strata_used=n_used,
        crude=crude,
        method=method,
    )


def mantel_haenszel_rate_ratio(
    group_count: ArrayLike,
    group_nobs: ArrayLike,
    reference_count: ArrayLike,
    reference_nobs: ArrayLike,
    *,
    confidence_level: float = 0.95,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mantel–Haenszel common rate ratio over strata, with the Greenland–Robins interval.

    Vectorised over leading axes: the last axis holds the strata, and the reference's
    arrays broadcast against the group's (e.g. groups × strata against strata).

    Parameters
    ----------
    group_count, group_nobs, reference_count, reference_nobs : array_like
        Successes and trials per stratum (last axis).
    confidence_level : float
        Level of the log-scale interval (Greenland & Robins 1985).

    Returns
    -------
    ratio, low, high : ndarray
        ``Σ a_k m_k / N_k ÷ Σ c_k n_k / N_k`` (``a, n`` the group's count and size,
        ``c, m`` the reference's, ``N = n + m``) and its interval.  Strata with an empty arm
        add nothing.  The ratio is ``inf`` when only the denominator is 0 and NaN when both
        are; the interval is then ``(0, inf)``.

    Examples
    --------
    >>> ratio, low, high = mantel_haenszel_rate_ratio([10, 20], [50, 60], [15, 40], [50, 80])
    >>> round(float(ratio), 4)
    0.6667
    """
    a = np.asarray(group_count, dtype=np.float64)
    n1 = np.asarray(group_nobs, dtype=np.float64)
    c = np.asarray(reference_count, dtype=np.float64)
    n0 = np.asarray(reference_nobs, dtype=np.float64)
    total = n1 + n0
    used = (n1 > 0) & (n0 > 0)  # a stratum with an empty arm carries no information
    safe = np.where(used, total, 1.0)
    r = np.where(used, a * n0 / safe, 0.0).sum(axis=-1)
    s = np.where(used, c * n1 / safe, 0.0).sum(axis=-1)
    v = np.where(used, (n1 * n0 * (a + c) - a * c * total) / safe**2, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.asarray(r / s, dtype=np.float64)
        se = np.sqrt(v / (r * s))
    z = float(special.ndtri(0.5 + confidence_level / 2.0))
    defined = (r > 0) & (s > 0) & np.isfinite(se)
    log_ratio = np.log(np.where(defined, ratio, 1.0))
    low = np.where(defined, np.exp(log_ratio - z * se), 0.0)
    high = np.where(defined, np.exp(log_ratio + z * se), np.inf)
    return ratio, np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
