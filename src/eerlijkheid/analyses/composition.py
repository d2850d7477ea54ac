"""Composition tables: group selection rates without individual protected data.

Municipalities often may not hold ethnicity or migration background per case.  A
statistics office (CBS) does publish the *composition* of the population per category of a
feature: the share of each group per postcode area, per education level, ….  Together with
the organisation's own selection table per category (cases and selections), it says
something about the selection rates of the groups — not everything.
:func:`composition_rates` computes what can be said, and how much cannot:

* an **estimate under homogeneity** — within a category the selection rate does not depend
  on the group — with a confidence interval for the binomial uncertainty of the category
  rates;
* **sharp bounds without that assumption** (the method of bounds of Duncan & Davis 1953):
  the lowest and highest group rate that the two tables allow;
* the implied **group-versus-reference ratio** with its interval and its bounds;
* the feature's **proxy strength** from the composition alone, so that features can be
  ranked (:func:`rank_by_composition`).

The tables come as plain mappings, or as one frame with a row per category
(:func:`composition_from_frame`, read through :func:`eerlijkheid.ingest.row_sample`).

Notation
--------
Per category ``c``: ``n_c`` cases, ``S_c`` selections, rate ``r_c = S_c / n_c``, and the
share ``s_gc`` of group ``g`` (the shares of a category add up to 1).  The group's implied
cases are ``N_g = Σ_c n_c · s_gc``.

Assumptions
-----------
Composition of the cases
    The shares describe the *cases* of the category (e.g. the applicants from a postcode
    area), not only its population.  When they come from the population (CBS), this is an
    assumption; the bounds and the estimate both rest on it.  Rounded shares are used as
    given; shares that add up to ``1 ± tolerance`` are rescaled to add up to 1
    (``rescaled``), other sums are an error unless a ``residual`` group takes the rest.
Homogeneity (the estimate only)
    ``rate_g = Σ_c n_c·s_gc·r_c / Σ_c n_c·s_gc`` is the group's rate if, within each
    category, every group is selected at the category's rate.  If a group is selected more
    often than others *within* categories, the estimate is biased towards the category
    average (the ecological fallacy); the bounds then still hold.
Interval (the estimate only)
    The delta method for the binomial uncertainty of the ``r_c`` (categories independent):
    ``Var(rate_g) = Σ_c w_gc² · r̃_c(1 − r̃_c) / n_c`` with ``w_gc = n_c·s_gc / N_g``, where
    ``r̃_c = (S_c + ½) / (n_c + 1)`` keeps the variance of a category with 0 or all cases
    selected above 0.  Wald interval on the logit scale (raw scale, clipped to [0, 1],
    when the rate is 0 or 1).  The ratio: Wald on the log scale with the covariance of the
    two groups' rates, ``Cov = Σ_c w_gc · w_hc · Var(r_c)``; the two-sided z-test of
    ``log ratio = 0`` gives ``pvalue``.  The shares are treated as known.
Bounds (no homogeneity)
    The group's selected count in category ``c`` lies in
    ``[max(0, S_c − (1 − s_gc)·n_c), min(s_gc·n_c, S_c)]``; summed over categories and
    divided by ``N_g`` this bounds the group's rate.  The bounds are *sharp*: every value
    in between is attainable.  For the ratio of group ``g`` to reference ``h`` the bounds
    are ``[low_g / high_h, high_g / low_h]``: the extremes of both groups are attainable at
    the same time (raising one group's count in a category never forces the other's up),
    so these are sharp too (tests check them against a linear program).  A bound of the
    ratio with a zero denominator is ``inf``; when both are 0 it is NaN (undefined).  The
    bounds describe the realised selection in these cases and carry no sampling
    uncertainty.  They are wide when categories are mixed; they pin the rate down only
    where categories are nearly homogeneous in their composition.
Proxy strength from the composition
    The implied feature × group table ``n_c · s_gc``.  Per group: the AUC of the category's
    share ``s_gc`` as a score for membership of the group against the rest (ties one
    half; the population version of the cross-validated AUC of
    :mod:`eerlijkheid.analyses.proxies`) and the index of dissimilarity
    ``D_g = ½ Σ_c |n_c·s_gc / N_g − n_c·(1 − s_gc) / (N − N_g)|``; for the feature,
    Cramér's V of the implied table (no bias correction: it is a population table).  The
    feature's ``strength`` is the largest AUC over the groups.
Reference
    ``reference`` when given, else the group with the most implied cases.

References
----------
Duncan & Davis (1953), "An alternative to ecological correlation", American Sociological
Review 18(6):665-666.  King (1997), *A Solution to the Ecological Inference Problem*,
Princeton University Press, ch. 5 (the method of bounds).

Examples
--------
Two postcode areas; in ``noord`` 60% of the residents have a non-Western migration
background, in ``zuid`` 10%:

>>> evidence = composition_rates(
...     {"noord": (1_000, 120), "zuid": (3_000, 90)},
...     {"noord": {"niet-westers": 0.6, "overig": 0.4},
...      "zuid": {"niet-westers": 0.1, "overig": 0.9}},
...     feature="postcodegebied", reference="overig")
>>> r = {g.group: g for g in evidence.rates}
>>> round(r["niet-westers"].rate, 4), round(r["overig"].rate, 4)
(0.09, 0.0416)
>>> round(r["niet-westers"].lower_bound, 4), round(r["niet-westers"].upper_bound, 4)
(0.0, 0.2333)
>>> c = evidence.comparisons[0]
>>> round(c.ratio, 2), c.interval_excludes_parity, c.bounds_exclude_parity
(2.16, True, False)

Under homogeneity the group is selected about twice as often; without it, anything from
0 to 23% is possible, so the bounds do not exclude parity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from eerlijkheid.exceptions import ConfigError, DataError
from eerlijkheid.i18n import message
from eerlijkheid.ingest import row_sample
from eerlijkheid.stats import ConfidenceInterval

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CompositionEvidence",
    "CompositionStrength",
    "ImpliedComparison",
    "ImpliedGroupRate",
    "composition_from_frame",
    "composition_rates",
    "rank_by_composition",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ImpliedGroupRate:
    """A group's selection rate implied by the selection and composition tables.

    Attributes
    ----------
    group : str
        The group.
    cases : float
        Implied cases ``N_g = Σ n_c·s_gc`` (fractional: shares are fractions).
    selected : float
        Implied selections under homogeneity ``Σ s_gc·S_c``.
    rate : float
        ``selected / cases``, the estimate under homogeneity.
    standard_error : float
        Delta-method standard error of ``rate``.
    interval : ConfidenceInterval
        Its confidence interval (logit-scale Wald).
    selected_lower, selected_upper : float
        Sharp bounds on the group's selections without homogeneity.
    lower_bound, upper_bound : float
        The same divided by ``cases``: sharp bounds on the group's rate.
    """

    group: str
    cases: float
    selected: float
    rate: float
    standard_error: float
    interval: ConfidenceInterval
    selected_lower: float
    selected_upper: float
    lower_bound: float
    upper_bound: float


@dataclass(frozen=True)
class ImpliedComparison:
    """A group's implied selection rate against the reference group's.

    Attributes
    ----------
    group, reference : str
        The compared groups (ratio = group over reference).
    ratio : float
        Ratio of the rates under homogeneity.
    ratio_interval : ConfidenceInterval
        Log-scale delta-method interval.
    pvalue : float
        Two-sided z-test of ``log ratio = 0`` under homogeneity.
    ratio_lower_bound, ratio_upper_bound : float
        Sharp bounds on the ratio without homogeneity (``inf`` / NaN where undefined).
    difference : float
        Difference of the rates under homogeneity.
    difference_interval : ConfidenceInterval
        Its Wald interval.
    difference_lower_bound, difference_upper_bound : float
        Sharp bounds on the difference.
    interval_excludes_parity : bool
        The homogeneity interval of the ratio excludes 1.
    bounds_exclude_parity : bool
        The bounds of the ratio exclude 1: a disparity whatever happens within categories.
    """

    group: str
    reference: str
    ratio: float
    ratio_interval: ConfidenceInterval
    pvalue: float
    ratio_lower_bound: float
    ratio_upper_bound: float
    difference: float
    difference_interval: ConfidenceInterval
    difference_lower_bound: float
    difference_upper_bound: float
    interval_excludes_parity: bool
    bounds_exclude_parity: bool


@dataclass(frozen=True)
class CompositionStrength:
    """How strongly the feature separates one group from the rest, from the composition.

    Attributes
    ----------
    feature, group : str
        The feature and the group.
    auc : float
        AUC of the category's share of the group as a score for membership.
    dissimilarity : float
        Index of dissimilarity of the group against the rest over the categories.
    """

    feature: str
    group: str
    auc: float
    dissimilarity: float


@dataclass(frozen=True)
class CompositionEvidence:
    """Implied group selection rates for one feature, with bounds and proxy strength.

    Attributes
    ----------
    feature : str
        The feature whose categories the tables use.
    attribute : str
        The protected ground the groups belong to (e.g. ``"migratieachtergrond"``).
    categories, groups : tuple of str
        The categories (selection-table order) and the groups (composition order, the
        residual group last).
    reference : str
        The reference group of the comparisons.
    cases, selected : tuple of int
        Per category.
    shares : tuple of tuple of float
        Per category, the share of each group (after rescaling / the residual).
    residual : str or None
        The residual group, if one was added.
    rescaled : bool
        Whether some category's shares were rescaled to add up to 1.
    overall_rate : float
        Selections over cases in all categories.
    rates : tuple of ImpliedGroupRate
        Per group.
    comparisons : tuple of ImpliedComparison
        Every group other than the reference against the reference.
    strength : tuple of CompositionStrength
        Per group.
    cramers_v : float
        Cramér's V of the implied feature × group table.
    proxy_strength : float
        Largest AUC over the groups (the ranking criterion).
    confidence_level : float
        Level of the intervals.
    method : mapping of str to str
        Methods and assumptions in words.
    """

    feature: str
    attribute: str
    categories: tuple[str, ...]
    groups: tuple[str, ...]
    reference: str
    cases: tuple[int, ...]
    selected: tuple[int, ...]
    shares: tuple[tuple[float, ...], ...]
    residual: str | None
    rescaled: bool
    overall_rate: float
    rates: tuple[ImpliedGroupRate, ...]
    comparisons: tuple[ImpliedComparison, ...]
    strength: tuple[CompositionStrength, ...]
    cramers_v: float
    proxy_strength: float
    confidence_level: float
    method: Mapping[str, str] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per group: rate, interval, bounds, comparison and strength.

        Returns
        -------
        pandas.DataFrame
            The reference group's comparison columns are NaN.

        Examples
        --------
        >>> ev = composition_rates({"a": (10, 5), "b": (10, 1)},
        ...                        {"a": {"x": 1.0, "y": 0.0}, "b": {"x": 0.0, "y": 1.0}})
        >>> ev.to_frame()[["group", "rate", "lower_bound", "upper_bound", "ratio"]]
          group  rate  lower_bound  upper_bound  ratio
        0     x   0.5          0.5          0.5    NaN
        1     y   0.1          0.1          0.1    0.2
        """
        import pandas as pd

        comparisons = {c.group: c for c in self.comparisons}
        strength = {s.group: s for s in self.strength}
        records: list[dict[str, object]] = []
        for r in self.rates:
            record: dict[str, object] = {"feature": self.feature}
            for key, value in vars(r).items():
                if isinstance(value, ConfidenceInterval):
                    record["rate_low"], record["rate_high"] = value.low, value.high
                else:
                    record[key] = value
            c = comparisons.get(r.group)
            for key in (
                "ratio",
                "ratio_low",
                "ratio_high",
                "pvalue",
                "ratio_lower_bound",
                "ratio_upper_bound",
                "difference",
                "difference_lower_bound",
                "difference_upper_bound",
                "bounds_exclude_parity",
            ):
                item: object
                if c is None:
                    item = float("nan")
                elif key == "ratio_low":
                    item = c.ratio_interval.low
                elif key == "ratio_high":
                    item = c.ratio_interval.high
                else:
                    item = getattr(c, key)
                record[key] = item
            record["reference"] = self.reference
            record["auc"] = strength[r.group].auc
            record["dissimilarity"] = strength[r.group].dissimilarity
            records.append(record)
        frame: pd.DataFrame = pd.DataFrame(records)
        return frame


# -- validation -----------------------------------------------------------------------------


def _count(value: object, feature: str, category: str, what: str) -> int:
    number = float("nan")
    if not isinstance(value, bool) and isinstance(value, (int, np.integer, float, np.floating)):
        number = float(value)
    if not (math.isfinite(number) and number >= 0 and number == int(number)):
        raise DataError(
            message(
                "composition-count-invalid",
                feature=feature,
                category=category,
                what=what,
                value=repr(value),
            )
        )
    return int(number)


def _table(
    selection: Mapping[str, tuple[Any, Any]], feature: str
) -> tuple[list[str], np.ndarray, np.ndarray]:
    categories = [str(c) for c in selection]
    if not categories:
        raise DataError(message("composition-empty", feature=feature))
    cases, chosen = [], []
    for key, pair in selection.items():
        category = str(key)
        try:
            n_raw, s_raw = pair
        except (TypeError, ValueError):
            raise DataError(
                message(
                    "composition-count-invalid",
                    feature=feature,
                    category=category,
                    what="(cases, selected)",
                    value=repr(pair),
                )
            ) from None
        n = _count(n_raw, feature, category, "cases")
        s = _count(s_raw, feature, category, "selected")
        if s > n:
            raise DataError(
                message(
                    "composition-selected-exceeds-cases",
                    feature=feature,
                    category=category,
                    selected=s,
                    cases=n,
                )
            )
        cases.append(n)
        chosen.append(s)
    return categories, np.asarray(cases, dtype=np.float64), np.asarray(chosen, dtype=np.float64)


def _shares(
    composition: Mapping[str, Mapping[str, float]],
    categories: Sequence[str],
    feature: str,
    residual: str | None,
    tolerance: float,
) -> tuple[list[str], FloatArray, bool]:
    given = {str(c): dict(v) for c, v in composition.items()}
    only_selection = [c for c in categories if c not in given]
    only_composition = [c for c in given if c not in set(categories)]
    if only_selection or only_composition:
        raise DataError(
            message(
                "composition-categories-mismatch",
                feature=feature,
                only_selection=", ".join(only_selection) or "—",
                only_composition=", ".join(only_composition) or "—",
            )
        )
    groups: list[str] = []
    for shares in given.values():
        for g in shares:
            if str(g) not in groups:
                groups.append(str(g))
    if residual is not None:
        if residual in groups:
            raise ConfigError(
                message("composition-residual-exists", residual=residual, feature=feature)
            )
        groups.append(residual)
    matrix = np.zeros((len(categories), len(groups)), dtype=np.float64)
    rescaled = False
    for i, category in enumerate(categories):
        shares = {str(k): v for k, v in given[category].items()}
        for j, g in enumerate(groups):
            if g == residual:
                continue
            if shares.get(g) is None:
                raise DataError(
                    message(
                        "composition-share-missing", feature=feature, group=g, category=category
                    )
                )
            value = shares[g]
            valid = not isinstance(value, bool) and isinstance(
                value, (int, float, np.integer, np.floating)
            )
            if not valid or not 0.0 <= float(value) <= 1.0:
                raise DataError(
                    message(
                        "composition-share-invalid",
                        feature=feature,
                        group=g,
                        category=category,
                        value=repr(value),
                    )
                )
            matrix[i, j] = float(value)
        total = float(matrix[i].sum())
        if residual is not None and total <= 1.0 + tolerance:
            matrix[i, -1] = max(0.0, 1.0 - total)
            total = float(matrix[i].sum())
        if abs(total - 1.0) > tolerance or total <= 0:
            raise DataError(
                message(
                    "composition-shares-sum",
                    feature=feature,
                    category=category,
                    total=f"{total:.4g}",
                    tolerance=tolerance,
                )
            )
        if total != 1.0:
            rescaled = rescaled or abs(total - 1.0) > 1e-12
            matrix[i] /= total
    if len(groups) < 2:
        raise DataError(message("composition-no-groups", feature=feature))
    return groups, matrix, rescaled


# -- measures -------------------------------------------------------------------------------


def _share_auc(positives: FloatArray, negatives: FloatArray, score: FloatArray) -> float:
    """Weighted Mann–Whitney AUC with ties one half (score per category)."""
    total_p, total_n = positives.sum(), negatives.sum()
    if total_p <= 0 or total_n <= 0:
        return float("nan")
    levels, inverse = np.unique(score, return_inverse=True)
    pos = np.bincount(inverse, weights=positives, minlength=levels.size)
    neg = np.bincount(inverse, weights=negatives, minlength=levels.size)
    below = np.concatenate([[0.0], np.cumsum(neg)[:-1]])
    return float((pos * (below + 0.5 * neg)).sum() / (total_p * total_n))


def _divide(num: float, den: float) -> float:
    if den > 0:
        return num / den
    return float("inf") if num > 0 else float("nan")


def composition_rates(
    selection: Mapping[str, tuple[int, int]],
    composition: Mapping[str, Mapping[str, float]],
    *,
    feature: str = "feature",
    attribute: str = "groep",
    reference: str | None = None,
    residual: str | None = None,
    tolerance: float = 0.01,
    confidence_level: float = 0.95,
) -> CompositionEvidence:
    """Implied selection rates of groups from a selection table and a composition table.

    Parameters
    ----------
    selection : mapping of str to (int, int)
        Per category of the feature: ``(cases, selected)``, e.g.
        ``{"1011": (420, 31), ...}``.
    composition : mapping of str to mapping of str to float
        Per category: the share (0–1) of each group, e.g.
        ``{"1011": {"niet-westers": 0.34, "westers": 0.12, "nederlands": 0.54}, ...}``.
        The categories must be those of ``selection``.
    feature : str, default "feature"
        Name of the feature, for messages and evidence.
    attribute : str, default "groep"
        Name of the protected ground the groups belong to, for messages and evidence.
    reference : str, optional
        Reference group of the comparisons (default: most implied cases).
    residual : str, optional
        Name of a group that receives ``1 − Σ shares`` in every category (for a table
        that lists only some groups).
    tolerance : float, default 0.01
        Largest deviation of a category's share sum from 1 that is rescaled away.
    confidence_level : float, default 0.95
        Level of the intervals.

    Returns
    -------
    CompositionEvidence
        Estimates under homogeneity with intervals, sharp bounds without it, the
        comparisons with the reference, and the proxy strength.

    Raises
    ------
    DataError
        For counts that are not non-negative integers, selections above cases, shares
        outside [0, 1] or not adding up to 1, a missing share, or categories that differ
        between the two tables (the message names them).
    ConfigError
        For an unknown reference, a residual name that is already a group, or invalid
        options.

    Examples
    --------
    >>> ev = composition_rates({"a": (100, 30), "b": (100, 10)},
    ...                        {"a": {"x": 0.8}, "b": {"x": 0.2}}, residual="rest")
    >>> ev.groups, [round(r.rate, 2) for r in ev.rates]
    (('x', 'rest'), [0.26, 0.14])
    >>> [(round(r.lower_bound, 2), round(r.upper_bound, 2)) for r in ev.rates]
    [(0.1, 0.4), (0.0, 0.3)]
    """
    if not 0 < confidence_level < 1:
        raise ConfigError(
            message(
                "invalid-option", name="confidence_level", allowed="(0, 1)", value=confidence_level
            )
        )
    if not 0 <= tolerance < 1:
        raise ConfigError(
            message("invalid-option", name="tolerance", allowed="[0, 1)", value=tolerance)
        )
    categories, n, s = _table(selection, feature)
    groups, shares, rescaled = _shares(composition, categories, feature, residual, tolerance)
    if reference is not None and reference not in groups:
        raise ConfigError(
            message(
                "composition-unknown-reference",
                reference=reference,
                feature=feature,
                groups=", ".join(groups),
            )
        )
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    implied = n[:, None] * shares  # cases per category × group
    group_cases = implied.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(n > 0, s / np.where(n > 0, n, 1.0), 0.0)
        r_tilde = (s + 0.5) / (n + 1.0)
        var_r = np.where(n > 0, r_tilde * (1 - r_tilde) / np.where(n > 0, n, 1.0), 0.0)
        weights = np.where(group_cases > 0, implied / np.where(group_cases > 0, group_cases, 1), 0)
    rate = (weights * r[:, None]).sum(axis=0)
    rate = np.where(group_cases > 0, rate, np.nan)
    cov = weights.T @ (var_r[:, None] * weights)  # groups × groups
    low_count = np.maximum(0.0, s[:, None] - (1 - shares) * n[:, None]).sum(axis=0)
    high_count = np.minimum(implied, s[:, None]).sum(axis=0)
    rates: list[ImpliedGroupRate] = []
    for j, g in enumerate(groups):
        se = float(math.sqrt(cov[j, j]))
        p = float(rate[j])
        if not math.isfinite(p):
            ci = ConfidenceInterval(float("nan"), float("nan"))
        elif 0 < p < 1:
            centre, half = math.log(p / (1 - p)), z * se / (p * (1 - p))
            ci = ConfidenceInterval(
                float(1 / (1 + math.exp(-(centre - half)))),
                float(1 / (1 + math.exp(-(centre + half)))),
            )
        else:
            ci = ConfidenceInterval(max(0.0, p - z * se), min(1.0, p + z * se))
        cases_g = float(group_cases[j])
        rates.append(
            ImpliedGroupRate(
                group=g,
                cases=cases_g,
                selected=float((shares[:, j] * s).sum()),
                rate=p,
                standard_error=se,
                interval=ci,
                selected_lower=float(low_count[j]),
                selected_upper=float(high_count[j]),
                lower_bound=_divide(float(low_count[j]), cases_g),
                upper_bound=_divide(float(high_count[j]), cases_g),
            )
        )
    ref = reference if reference is not None else groups[int(np.argmax(group_cases))]
    h = groups.index(ref)
    comparisons: list[ImpliedComparison] = []
    for j, g in enumerate(groups):
        if j == h:
            continue
        a, b = rates[j], rates[h]
        ratio = _divide(a.rate, b.rate)
        diff = a.rate - b.rate
        var_diff = cov[j, j] + cov[h, h] - 2 * cov[j, h]
        se_diff = math.sqrt(max(var_diff, 0.0))
        if a.rate > 0 and b.rate > 0:
            var_log = (
                cov[j, j] / a.rate**2 + cov[h, h] / b.rate**2 - 2 * cov[j, h] / (a.rate * b.rate)
            )
            se_log = math.sqrt(max(var_log, 0.0))
            log_ratio = math.log(ratio)
            ratio_ci = ConfidenceInterval(
                math.exp(log_ratio - z * se_log), math.exp(log_ratio + z * se_log)
            )
            pvalue = (
                float(2 * stats.norm.sf(abs(log_ratio) / se_log)) if se_log > 0 else float("nan")
            )
        else:
            ratio_ci = ConfidenceInterval(float("nan"), float("nan"))
            pvalue = float("nan")
        ratio_low = _divide(a.lower_bound, b.upper_bound)
        ratio_high = _divide(a.upper_bound, b.lower_bound)
        comparisons.append(
            ImpliedComparison(
                group=g,
                reference=ref,
                ratio=ratio,
                ratio_interval=ratio_ci,
                pvalue=pvalue,
                ratio_lower_bound=ratio_low,
                ratio_upper_bound=ratio_high,
                difference=diff,
                difference_interval=ConfidenceInterval(diff - z * se_diff, diff + z * se_diff),
                difference_lower_bound=a.lower_bound - b.upper_bound,
                difference_upper_bound=a.upper_bound - b.lower_bound,
                interval_excludes_parity=bool(ratio_ci.low > 1 or ratio_ci.high < 1),
                bounds_exclude_parity=bool(ratio_low > 1 or ratio_high < 1),
            )
        )
    total = float(n.sum())
    strength: list[CompositionStrength] = []
    for j, g in enumerate(groups):
        positives = implied[:, j]
        negatives = n - positives
        rest = total - float(group_cases[j])
        if group_cases[j] > 0 and rest > 0:
            dissimilarity = 0.5 * float(np.abs(positives / group_cases[j] - negatives / rest).sum())
        else:
            dissimilarity = float("nan")
        strength.append(
            CompositionStrength(
                feature=feature,
                group=g,
                auc=_share_auc(positives, negatives, shares[:, j]),
                dissimilarity=dissimilarity,
            )
        )
    table = implied[n > 0][:, group_cases > 0]
    k = min(table.shape)
    if k >= 2 and total > 0:
        expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / total
        chi2 = float(((table - expected) ** 2 / expected).sum())
        cramers_v = math.sqrt(chi2 / (total * (k - 1)))
    else:
        cramers_v = float("nan")
    aucs = [x.auc for x in strength if math.isfinite(x.auc)]
    method = {
        "estimate": "homogeneity within categories: rate_g = Σ n_c·s_gc·r_c / Σ n_c·s_gc",
        "interval": "delta method, binomial variance of r_c with (S_c + 1/2)/(n_c + 1); "
        "logit-scale Wald for rates, log-scale Wald for ratios",
        "bounds": "Duncan–Davis method of bounds per category, summed (sharp)",
        "strength": "AUC of the category share as score; index of dissimilarity; "
        "Cramér's V of the implied table",
        "assumption": "the shares describe the cases of each category",
    }
    return CompositionEvidence(
        feature=feature,
        attribute=attribute,
        categories=tuple(categories),
        groups=tuple(groups),
        reference=ref,
        cases=tuple(int(x) for x in n),
        selected=tuple(int(x) for x in s),
        shares=tuple(tuple(float(v) for v in row) for row in shares),
        residual=residual,
        rescaled=rescaled,
        overall_rate=_divide(float(s.sum()), total),
        rates=tuple(rates),
        comparisons=tuple(comparisons),
        strength=tuple(strength),
        cramers_v=cramers_v,
        proxy_strength=max(aucs) if aucs else float("nan"),
        confidence_level=confidence_level,
        method=MappingProxyType(method),
    )


def composition_from_frame(
    data: Any,
    *,
    category: str,
    cases: str,
    selected: str,
    shares: Sequence[str] | Mapping[str, str],
    max_rows: int = 1_000_000,
    **options: Any,
) -> CompositionEvidence:
    """Run :func:`composition_rates` on one table with a row per category.

    The table (any frame :func:`eerlijkheid.ingest.row_sample` reads) holds per category
    the number of cases, the number of selections and one column per group with its share
    (0–1), e.g. the municipality's selection per neighbourhood joined to the CBS shares.

    Parameters
    ----------
    data : frame
        pandas, polars, pyarrow, DuckDB or Dask; one row per category.
    category, cases, selected : str
        Columns with the category, the number of cases and the number of selections.
    shares : sequence of str or mapping of str to str
        The share columns (the group is the column name), or ``{group: column}``.
    max_rows : int, default 1,000,000
        Largest number of rows (categories) read; a larger table is refused, never sampled.
    **options
        Passed to :func:`composition_rates` (``feature`` defaults to ``category``).

    Returns
    -------
    CompositionEvidence
        As :func:`composition_rates`.

    Raises
    ------
    DataError
        For a category that occurs twice or is missing, more than ``max_rows`` rows, and
        every error of :func:`composition_rates`.
    ColumnNotFoundError
        For a column that is not in the table.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"wijk": ["noord", "zuid"], "zaken": [1_000, 3_000],
    ...                       "geselecteerd": [120, 90], "nw": [0.6, 0.1], "ov": [0.4, 0.9]})
    >>> ev = composition_from_frame(table, category="wijk", cases="zaken",
    ...                             selected="geselecteerd",
    ...                             shares={"niet-westers": "nw", "overig": "ov"})
    >>> ev.feature, ev.groups, round(ev.rates[0].rate, 4)
    ('wijk', ('niet-westers', 'overig'), 0.09)
    """
    columns = dict(shares) if isinstance(shares, Mapping) else {str(c): str(c) for c in shares}
    feature = str(options.pop("feature", category))
    sample = row_sample(
        data, [category, cases, selected, *columns.values()], max_rows=max_rows, seed=0
    )
    if sample.sampled:
        raise DataError(
            message(
                "composition-table-too-large",
                feature=feature,
                rows=sample.total_rows,
                max_rows=max_rows,
            )
        )

    def _value(column: str, i: int) -> object:
        value = sample.columns[column][i]
        if isinstance(value, float) and math.isnan(value):
            return None
        return value.item() if isinstance(value, np.generic) else value

    selection: dict[str, tuple[Any, Any]] = {}
    composition: dict[str, dict[str, Any]] = {}
    labels = sample.columns[category]
    for i in range(sample.rows):
        raw = labels[i]
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            raise DataError(
                message(
                    "composition-count-invalid",
                    feature=feature,
                    category="—",
                    what=category,
                    value="None",
                )
            )
        key = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
        if key in selection:
            raise DataError(
                message("composition-duplicate-category", category=key, feature=feature)
            )
        selection[key] = (_value(cases, i), _value(selected, i))
        composition[key] = {g: _value(c, i) for g, c in columns.items()}
    return composition_rates(selection, composition, feature=feature, **options)


def rank_by_composition(
    evidence: Sequence[CompositionEvidence],
) -> tuple[CompositionEvidence, ...]:
    """Order features by their proxy strength from the composition, strongest first.

    Parameters
    ----------
    evidence : sequence of CompositionEvidence
        One per feature.

    Returns
    -------
    tuple of CompositionEvidence
        By ``proxy_strength`` (largest AUC over the groups), then Cramér's V, then input
        order; NaN last.

    Examples
    --------
    >>> mixed = composition_rates({"a": (10, 1), "b": (10, 1)},
    ...                           {"a": {"x": 0.5, "y": 0.5}, "b": {"x": 0.4, "y": 0.6}},
    ...                           feature="opleiding")
    >>> sorted_ = composition_rates({"a": (10, 1), "b": (10, 1)},
    ...                             {"a": {"x": 0.9, "y": 0.1}, "b": {"x": 0.1, "y": 0.9}},
    ...                             feature="wijk")
    >>> [e.feature for e in rank_by_composition([mixed, sorted_])]
    ['wijk', 'opleiding']
    """
    items = list(evidence)

    def key(i: int) -> tuple[bool, float, float, int]:
        e = items[i]
        return (
            not math.isfinite(e.proxy_strength),
            -np.nan_to_num(e.proxy_strength),
            -np.nan_to_num(e.cramers_v),
            i,
        )

    return tuple(items[i] for i in sorted(range(len(items)), key=key))
