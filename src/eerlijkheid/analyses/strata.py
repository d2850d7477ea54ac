"""Legitimate factors: the crude comparison next to the stratified (Mantel–Haenszel) one.

For every grouping (each group attribute and each intersection up to ``config.order``)
and every stratum variable, each group's selection rate is compared with its reference's
within each stratum level, and the strata are pooled with the Cochran–Mantel–Haenszel
test, the Mantel–Haenszel common rate ratio (the scale of the crude ratio) and the common
odds ratio.  When the crude disparity is clear but the stratified one is not, the
legitimate factor explains it (the UC Berkeley 1973 case); when both are clear, it
survives the factor.

Next to the common estimate every stratum keeps its own: both rates and their ratio with
its interval, so that a common number never hides a stratum where the disparity is
larger (the Breslow–Day test says whether one common number fits), and a flag when every
selected case of the two groups falls in one stratum (then "within the strata" is simply
the comparison within that one stratum).

Measures and sources
--------------------
* Cochran–Mantel–Haenszel test and Mantel–Haenszel common odds ratio with the
  Robins–Breslow–Greenland interval, Breslow–Day homogeneity test
  (:func:`~eerlijkheid.stats.mantel_haenszel`, as R's ``mantelhaen.test``).
* Mantel–Haenszel rate ratio with the Greenland–Robins (1985) interval
  (:func:`~eerlijkheid.stats.mantel_haenszel_rate_ratio`; statsmodels
  ``StratifiedTable.riskratio_pooled``).
* Per stratum: the rate ratio with Katz's log interval
  (:func:`~eerlijkheid.stats.ratio_interval`).

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.counts import count_table
>>> from eerlijkheid.config import AuditConfig
>>> frame = pd.DataFrame({"g": ["a", "b"] * 50, "s": ["x"] * 50 + ["y"] * 50,
...                       "d": [1, 0, 0, 1] * 25})
>>> table = count_table(frame, decision="d", groups="g", strata="s")
>>> [(c.group, c.reference, c.stratum) for c in analyse_strata(table, AuditConfig())]
[(('b',), ('a',), 's')]
>>> [(e.level, e.group_numerator, e.group_denominator) for e in
...  analyse_strata(table, AuditConfig())[0].strata]
[('x', 12, 25), ('y', 13, 25)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from eerlijkheid.config import AuditConfig, Role
from eerlijkheid.counts import CountTable
from eerlijkheid.metrics import Disparity, disparities, groupings
from eerlijkheid.stats import (
    ConfidenceInterval,
    MantelHaenszelResult,
    adjust_pvalues,
    mantel_haenszel,
    mantel_haenszel_rate_ratio,
    ratio_interval,
)

__all__ = [
    "StratifiedComparison",
    "StratumEstimate",
    "analyse_strata",
    "stratum_arms",
    "stratum_estimates",
]


@dataclass(frozen=True)
class StratumEstimate:
    """A group's selection rate against its reference's within one stratum level.

    Attributes
    ----------
    level : str
        The stratum level.
    group_numerator, group_denominator : int
        Selected cases and all cases of the group in this level.
    reference_numerator, reference_denominator : int
        The same for the reference.
    group_value, reference_value : float
        The two rates (NaN for an empty arm).
    ratio : float
        Group rate over reference rate (``inf`` / NaN as in
        :class:`~eerlijkheid.stats.TwoProportionResult`).
    ratio_low, ratio_high : float
        Katz log interval of the ratio at the configured level (``(0, inf)`` for an
        empty arm).
    """

    level: str
    group_numerator: int
    group_denominator: int
    reference_numerator: int
    reference_denominator: int
    group_value: float
    reference_value: float
    ratio: float
    ratio_low: float
    ratio_high: float


@dataclass(frozen=True)
class StratifiedComparison:
    """A group's selection rate against its reference, crude and within strata.

    Attributes
    ----------
    attribute : str
        The group attribute(s), joined with ``" × "`` for an intersection.
    attributes : tuple of str
        The grouping.
    group, reference : tuple of str
        The compared group and its reference.
    stratum : str
        The stratum variable (a legitimate factor).
    crude : Disparity
        The comparison ignoring the stratum.
    stratified : MantelHaenszelResult
        The Mantel–Haenszel comparison within the stratum's levels (odds-ratio scale,
        CMH test, Breslow–Day homogeneity).
    rate_ratio : float
        Mantel–Haenszel common rate ratio (group over reference): the scale of
        ``crude.ratio``.
    rate_ratio_interval : ConfidenceInterval
        Its Greenland–Robins interval at the configured level.
    pvalue_adjusted : float
        The CMH p-value adjusted over the family (all groups of this grouping and stratum).
    homogeneity_pvalue_adjusted : float
        The Breslow–Day p-value (one common odds ratio fits every stratum) adjusted over
        the same family; NaN with fewer than two strata used.
    strata : tuple of StratumEstimate
        Per stratum level with cases in either arm: both rates and their ratio.
    selected_in_one_stratum : str or None
        The one level that holds every selected case of the group and the reference,
        when there are cases in more than one level; ``None`` otherwise.
    """

    attribute: str
    attributes: tuple[str, ...]
    group: tuple[str, ...]
    reference: tuple[str, ...]
    stratum: str
    crude: Disparity
    stratified: MantelHaenszelResult
    rate_ratio: float
    rate_ratio_interval: ConfidenceInterval
    pvalue_adjusted: float
    homogeneity_pvalue_adjusted: float
    strata: tuple[StratumEstimate, ...]
    selected_in_one_stratum: str | None

    @property
    def homogeneity_pvalue(self) -> float:
        """Breslow–Day p-value for one common odds ratio over the strata (NaN: < 2 strata)."""
        return self.stratified.homogeneity_pvalue


FloatArray = npt.NDArray[np.float64]


def stratum_arms(
    source: CountTable, comparison: Disparity, stratum: str, decision: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None:
    """Return the group's and the reference's selected cases and cases per stratum level.

    Parameters
    ----------
    source : CountTable
        The population of the comparison.
    comparison : Disparity
        A selection-rate comparison of one grouping (single attribute or intersection).
    stratum : str
        The dimension whose levels are the strata.
    decision : str
        The decision dimension.

    Returns
    -------
    tuple of four arrays or None
        ``(group_selected, group_cases, reference_selected, reference_cases)`` over the
        stratum's levels; ``None`` when the group or the reference is not a level
        combination of the table (e.g. a pooled reference).
    """
    names = list(comparison.attributes)
    cube = source.dense([*names, stratum, decision]).astype(np.float64)
    index: list[tuple[int, ...]] = []
    for labels in (comparison.group, comparison.reference):
        if len(labels) != len(names):
            return None
        codes = []
        for name, label in zip(names, labels, strict=True):
            levels = source.levels(name)
            if label not in levels:
                return None
            codes.append(levels.index(label))
        index.append(tuple(codes))
    g, r = cube[index[0]], cube[index[1]]  # (levels, 2)
    return g[:, 1], g.sum(axis=1), r[:, 1], r.sum(axis=1)


def stratum_estimates(
    levels: Sequence[str],
    arms: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    confidence_level: float,
) -> tuple[tuple[StratumEstimate, ...], str | None]:
    """Return each stratum's estimate and the one level holding every selection, if so.

    Parameters
    ----------
    levels : sequence of str
        The stratum's level labels.
    arms : tuple of four arrays
        As returned by :func:`stratum_arms`.
    confidence_level : float
        Level of the per-stratum ratio intervals.

    Returns
    -------
    estimates : tuple of StratumEstimate
        One per level with cases in either arm.
    selected_in_one_stratum : str or None
        The only level with selected cases, when more than one level has cases.
    """
    a, n1, c, n0 = arms
    low, high = ratio_interval(a, n1, c, n0, confidence_level=confidence_level)
    out: list[StratumEstimate] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = np.where(n1 > 0, a / np.where(n1 > 0, n1, 1.0), np.nan)
        p0 = np.where(n0 > 0, c / np.where(n0 > 0, n0, 1.0), np.nan)
        ratio = p1 / p0
    for k, level in enumerate(levels):
        if n1[k] + n0[k] == 0:
            continue
        out.append(
            StratumEstimate(
                level=level,
                group_numerator=round(a[k]),
                group_denominator=round(n1[k]),
                reference_numerator=round(c[k]),
                reference_denominator=round(n0[k]),
                group_value=float(p1[k]),
                reference_value=float(p0[k]),
                ratio=float(ratio[k]),
                ratio_low=float(low[k]),
                ratio_high=float(high[k]),
            )
        )
    selected = [e.level for e in out if e.group_numerator + e.reference_numerator > 0]
    one = selected[0] if len(out) > 1 and len(selected) == 1 else None
    return tuple(out), one


def analyse_strata(table: CountTable, config: AuditConfig) -> tuple[StratifiedComparison, ...]:
    """Compare each group with its reference within the levels of each stratum variable.

    Parameters
    ----------
    table : CountTable
        The count table (with stratum dimensions).
    config : AuditConfig
        Settings (``order`` sets the intersections compared, as for the crude ones).

    Returns
    -------
    tuple of StratifiedComparison
        Empty when the table has no strata.
    """
    strata = table.names_with_role(Role.STRATUM)
    if not strata:
        return ()
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    profile = {random[0]: "0"} if random else {}
    source = table.subset(profile) if profile else table
    decision = table.names_with_role(Role.DECISION)[0]
    out: list[StratifiedComparison] = []
    for grouping in groupings(table, order=config.order):
        crude = disparities(
            source,
            attributes=[grouping],
            metrics=["selection_rate"],
            reference=dict(config.reference) or config.reference_rule,
            favourable=config.favourable,
            confidence_level=config.confidence_level,
            adjust=config.adjust,
        )
        for stratum in strata:
            levels = source.levels(stratum)
            family = []
            for comparison in crude:
                arms = stratum_arms(source, comparison, stratum, decision)
                if arms is None:
                    continue
                ratio, low, high = mantel_haenszel_rate_ratio(
                    *arms, confidence_level=config.confidence_level
                )
                family.append(
                    (
                        comparison,
                        mantel_haenszel(*arms),
                        float(ratio),
                        ConfidenceInterval(float(low), float(high)),
                        stratum_estimates(levels, arms, config.confidence_level),
                    )
                )
            adjusted = adjust_pvalues(
                np.array([m.pvalue for _, m, *_ in family], dtype=float), method=config.adjust
            )
            homogeneity = adjust_pvalues(
                np.array([m.homogeneity_pvalue for _, m, *_ in family], dtype=float),
                method=config.adjust,
            )
            out.extend(
                StratifiedComparison(
                    attribute=" × ".join(grouping),
                    attributes=tuple(grouping),
                    group=comparison.group,
                    reference=comparison.reference,
                    stratum=stratum,
                    crude=comparison,
                    stratified=result,
                    rate_ratio=ratio,
                    rate_ratio_interval=interval,
                    pvalue_adjusted=float(p),
                    homogeneity_pvalue_adjusted=float(h),
                    strata=estimates,
                    selected_in_one_stratum=one,
                )
                for (comparison, result, ratio, interval, (estimates, one)), p, h in zip(
                    family, adjusted, homogeneity, strict=True
                )
            )
    return tuple(out)
