"""Discretion: unequal treatment by a manual step at equal risk, or between case handlers.

Two questions of domein.md §3 ("Does discretion produce unequal treatment?"):

**At equal risk.**  When the count table has a score-band dimension (or a stratum named as
the risk, e.g. a risk category), each group's decision rate (every attribute and every
intersection up to ``config.order``, as the crude comparisons) is compared with its
reference's *within* each risk band and pooled over the bands with the
Cochran–Mantel–Haenszel test, next to the crude comparison.  A difference at equal risk is
not explained by the score: it arises in the step after it (the DUO case of 2019: no
disparity in the risk model, 3.6× in selection).

**Case handlers or teams.**  With a handler dimension: each handler's decision rate with
its interval and against the pooled rate of the other handlers, a chi-square test of
homogeneity across handlers, the share of the variance that lies between handlers
(intraclass correlation), and per handler the comparison of groups (does one team treat
groups differently?).  The Arnhem pilot of the discriminatietoets found exactly this: too
much *beleidsvrijheid* led to unequal treatment.

Conventions
-----------
Population
    The profile arm: cases drawn by the random sample are excluded when the table has a
    random arm (their selection is not anyone's discretion).  When the table has stage
    dimensions, only the cases that reached the decision step (the last stage is 1) are
    counted (``condition_on_stage=True``, the default), so a rate is the step's own
    acceptance rate and not diluted by cases the step never saw; the evidence names the
    stage (``reached``).
Reference
    As :func:`~eerlijkheid.metrics.disparities`: ``config.reference`` when it names labels,
    else ``config.reference_rule``; the crude comparison resolves it and the stratified one
    reuses it.
Strata
    Every level of the risk dimension is a stratum, including the missing-score band
    (cases without a score are compared among themselves).  A band in which either arm has
    no case carries no information and is dropped (``n_strata_used``).
Sizes
    Case counts; weights take no part in the stratified and handler analyses (the crude
    comparison is weighted as in :func:`~eerlijkheid.metrics.disparities`).
Handlers
    The missing-label handler (cases without a recorded handler) is not a handler: it is
    left out and counted in ``missing_cases``.
Material
    *At equal risk* and *handler × group*: the adjusted p-value is below ``config.alpha``
    and the Mantel–Haenszel rate ratio (the crude ratio without risk bands), or its inverse
    when below 1, reaches ``config.thresholds.low``.  *Handlers*: the homogeneity test is
    significant at ``config.alpha`` and the largest ratio of one handler to the pooled rate
    of the others (or its inverse) reaches ``config.thresholds.low``.  Either direction
    counts: a lenient handler and a strict one both mean unequal treatment.
Multiplicity
    ``config.adjust`` within each family: all groups of one attribute (at equal risk), all
    handlers against the others, and all handler × group comparisons of one attribute.

Measures and sources
--------------------
* Cochran–Mantel–Haenszel test with continuity correction and the Mantel–Haenszel common
  odds ratio with the Robins–Breslow–Greenland interval, as R's ``mantelhaen.test``
  (:func:`~eerlijkheid.stats.mantel_haenszel`).
* Mantel–Haenszel rate ratio ``Σ a_k n0_k / N_k ÷ Σ c_k n1_k / N_k`` (Greenland & Robins
  1985, *Biometrics* 41:55–68; statsmodels ``StratifiedTable.riskratio_pooled``): the
  size of the disparity on the ratio scale of the severity thresholds.
* Pearson chi-square test of homogeneity of k proportions (:func:`homogeneity_test`).
* Intraclass correlation on the observed (0/1) scale, ANOVA estimator
  ``ρ = (MSB − MSW) / (MSB + (n₀ − 1) MSW)`` with ``n₀ = (N − Σ nᵢ² / N) / (k − 1)``
  (Fleiss 1981, *Statistical Methods for Rates and Proportions*, ch. 13; Ridout, Demétrio
  & Firth 1999, *Biometrics* 55:137–148, who recommend it among the estimators for binary
  data): the share of the variance of the individual decisions that lies between
  handlers.  0 means handlers differ only by chance; it can be slightly negative by
  chance (read as 0).

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.counts import count_table
>>> from eerlijkheid.config import AuditConfig
>>> frame = pd.DataFrame({
...     "g": ["a", "b"] * 200,
...     "band": ["laag"] * 200 + ["hoog"] * 200,
...     "team": ["t1"] * 100 + ["t2"] * 100 + ["t1"] * 100 + ["t2"] * 100,
...     "d": [0, 0] * 100 + [1, 0] * 50 + [1, 1] * 50,
... })
>>> table = count_table(frame, decision="d", groups="g", strata="band", handler="team")
>>> evidence = analyse_discretion(table, AuditConfig(), risk="band")
>>> [(c.group, c.reference, round(c.rate_ratio, 2)) for c in evidence.equal_risk]
[(('b',), ('a',), 0.5)]
>>> [(r.handler, r.selected, r.cases) for r in evidence.handlers.rates]
[('t1', 50, 200), ('t2', 100, 200)]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special

from eerlijkheid.analyses.strata import StratumEstimate, stratum_arms, stratum_estimates
from eerlijkheid.config import AuditConfig, Role, ratio_size, reaches_threshold
from eerlijkheid.counts import CountTable
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message
from eerlijkheid.metrics import METRICS, Disparity, compare_counts, disparities, groupings
from eerlijkheid.stats import (
    ConfidenceInterval,
    MantelHaenszelResult,
    TestResult,
    adjust_pvalues,
    mantel_haenszel,
    proportion_interval,
    two_proportion_test,
)
from eerlijkheid.stats import mantel_haenszel_rate_ratio as stats_rate_ratio

__all__ = [
    "OTHERS_LABEL",
    "DiscretionEvidence",
    "EqualRiskComparison",
    "HandlerGroupComparison",
    "HandlerRate",
    "HandlerSpread",
    "analyse_discretion",
    "homogeneity_test",
    "intraclass_correlation",
    "mantel_haenszel_rate_ratio",
]

FloatArray = npt.NDArray[np.float64]

#: Reference label of a handler compared with the pooled other handlers.
OTHERS_LABEL = "overige"


# -- building blocks -----------------------------------------------------------------------


def homogeneity_test(
    counts: npt.ArrayLike,
    *,
    method: Literal["auto", "chi2", "monte-carlo"] = "auto",
    resamples: int = 9999,
    rng: np.random.Generator | int | None = None,
) -> TestResult:
    """Test whether k proportions are equal: Pearson's chi-square, exact when sparse.

    Parameters
    ----------
    counts : array_like, shape (k, 2)
        Per row (handler, feature level, ...) the cases with outcome 0 and with outcome 1.
        Rows without cases are left out.
    method : {'auto', 'chi2', 'monte-carlo'}, default 'auto'
        ``'chi2'``: Pearson's chi-square test (no continuity correction), ``k - 1``
        degrees of freedom.  ``'monte-carlo'``: the same statistic with its p-value from
        ``resamples`` tables with the observed margins, as R's
        ``chisq.test(simulate.p.value = TRUE)`` (Hope 1968).  ``'auto'``: for two rows the
        rule of :func:`~eerlijkheid.stats.two_proportion_test` (Fisher's exact test when an
        expected count is below 5); for more rows chi-square when Cochran's (1954)
        condition holds (every expected count at least 1, at most 20% below 5), else
        Monte Carlo.
    resamples : int, default 9999
        Number of simulated tables for the Monte Carlo p-value.
    rng : numpy.random.Generator or int, optional
        Source of the simulated tables; ``None`` means the fixed seed 0 (deterministic).

    Returns
    -------
    TestResult
        ``statistic`` (X², or the odds ratio for Fisher's test), ``pvalue`` and
        ``method`` (``"chi2"``, ``"fisher"`` or ``"chi2-monte-carlo"``).  Fewer than two
        non-empty rows, or no case with outcome 0 or none with outcome 1: not testable,
        statistic and p-value NaN.

    Examples
    --------
    >>> res = homogeneity_test([[70, 30], [60, 40], [45, 55]])
    >>> round(res.statistic, 4), round(res.pvalue, 6), res.method
    (13.0286, 0.001482, 'chi2')
    """
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != 2:
        raise ConfigError(
            message(
                "invalid-option", name="counts", allowed="an array of shape (k, 2)", value=c.shape
            )
        )
    if method not in ("auto", "chi2", "monte-carlo"):
        raise ConfigError(
            message(
                "invalid-option",
                name="method",
                allowed="'auto', 'chi2', 'monte-carlo'",
                value=repr(method),
            )
        )
    if not isinstance(resamples, int) or isinstance(resamples, bool) or resamples < 1:
        raise ConfigError(
            message(
                "invalid-option", name="resamples", allowed="1, 2, 3, ...", value=repr(resamples)
            )
        )
    c = c[c.sum(axis=1) > 0]
    nan = float("nan")
    columns = c.sum(axis=0)
    if c.shape[0] < 2 or columns.min() <= 0:
        return TestResult(statistic=nan, pvalue=nan, method="chi2", alternative="two-sided")
    rows = c.sum(axis=1)
    total = float(c.sum())
    expected = np.outer(rows, columns) / total
    statistic = float(((c - expected) ** 2 / expected).sum())
    whole = bool(np.all(c == np.round(c)))
    chosen = method
    if method == "auto":
        if c.shape[0] == 2:
            stat, pval, used = two_proportion_test(c[0, 1], rows[0], c[1, 1], rows[1])
            return TestResult(
                statistic=float(stat),
                pvalue=float(pval),
                method=str(used),
                alternative="two-sided",
            )
        sparse = bool((expected < 1).any() or (expected < 5).mean() > 0.2)
        chosen = "monte-carlo" if sparse and whole else "chi2"
    if chosen == "chi2":
        pvalue = float(special.chdtrc(c.shape[0] - 1, statistic))
        return TestResult(
            statistic=statistic, pvalue=pvalue, method="chi2", alternative="two-sided"
        )
    generator = np.random.default_rng(0 if rng is None else rng)
    ones = generator.multivariate_hypergeometric(
        np.rint(rows).astype(np.int64), int(np.rint(columns[1])), size=int(resamples)
    ).astype(np.float64)
    simulated = np.stack([rows - ones, ones], axis=-1)
    stats = ((simulated - expected) ** 2 / expected).sum(axis=(1, 2))
    almost_one = 1.0 + 64 * np.finfo(np.float64).eps  # R's tolerance
    pvalue = float((1 + np.sum(stats >= statistic / almost_one)) / (resamples + 1))
    return TestResult(
        statistic=statistic, pvalue=pvalue, method="chi2-monte-carlo", alternative="two-sided"
    )


def intraclass_correlation(selected: npt.ArrayLike, cases: npt.ArrayLike) -> float:
    """ANOVA estimator of the intraclass correlation of binary decisions within clusters.

    Parameters
    ----------
    selected, cases : array_like
        Per cluster (handler, team): decisions equal to 1, and all decisions.

    Returns
    -------
    float
        ``(MSB - MSW) / (MSB + (n0 - 1) MSW)`` (see the module docstring); NaN with fewer
        than two non-empty clusters, no within-cluster degrees of freedom, or no variance.

    Examples
    --------
    >>> round(intraclass_correlation([10, 30], [100, 100]), 4)
    0.1087
    """
    y = np.asarray(selected, dtype=np.float64)
    n = np.asarray(cases, dtype=np.float64)
    keep = n > 0
    y, n = y[keep], n[keep]
    k, total = y.size, float(n.sum())
    if k < 2 or total - k <= 0:
        return float("nan")
    between_ss = float(np.sum(y**2 / n) - y.sum() ** 2 / total)
    within_ss = float(y.sum() - np.sum(y**2 / n))
    msb = between_ss / (k - 1)
    msw = within_ss / (total - k)
    n0 = (total - float(np.sum(n**2)) / total) / (k - 1)
    denominator = msb + (n0 - 1.0) * msw
    if denominator <= 0:
        return float("nan")
    return (msb - msw) / denominator


def mantel_haenszel_rate_ratio(
    group_count: npt.ArrayLike,
    group_nobs: npt.ArrayLike,
    reference_count: npt.ArrayLike,
    reference_nobs: npt.ArrayLike,
) -> float:
    """Mantel–Haenszel estimate of the common rate ratio over strata (Greenland & Robins 1985).

    Parameters
    ----------
    group_count, group_nobs, reference_count, reference_nobs : array_like
        1-D arrays over strata.

    Returns
    -------
    float
        ``Σ a_k m_k / N_k ÷ Σ c_k n_k / N_k`` with ``a, n`` the group's count and size,
        ``c, m`` the reference's and ``N = n + m``; strata with an empty arm add nothing.
        ``inf`` when only the denominator is 0, NaN when both are.

    Examples
    --------
    >>> round(mantel_haenszel_rate_ratio([10, 20], [50, 60], [15, 40], [50, 80]), 4)
    0.6667
    """
    ratio, _, _ = stats_rate_ratio(group_count, group_nobs, reference_count, reference_nobs)
    return float(ratio)


def _reaches(ratio: float, threshold: float) -> bool:
    """Whether a ratio, or its inverse when below 1, reaches the threshold (NaN: no)."""
    return bool(reaches_threshold(float(ratio), threshold))


# -- evidence ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EqualRiskComparison:
    """A group's decision rate against its reference's at equal risk (within risk bands).

    Attributes
    ----------
    attribute : str
        The group attribute(s), joined with ``" × "`` for an intersection.
    attributes : tuple of str
        The grouping (one attribute, or an intersection up to ``config.order``).
    group, reference : tuple of str
        The compared group and its reference.
    risk : str
        The risk dimension whose levels are the strata (score bands or a risk category).
    crude : Disparity
        The comparison ignoring the risk (same population).
    stratified : MantelHaenszelResult
        The Mantel–Haenszel comparison within the risk levels (its ``crude`` is the
        collapsed table).
    rate_ratio : float
        Mantel–Haenszel common rate ratio (group over reference).
    rate_ratio_interval : ConfidenceInterval
        Its Greenland–Robins interval at the configured level.
    odds_ratio_interval : ConfidenceInterval
        Robins–Breslow–Greenland interval of the common odds ratio at the configured level.
    pvalue_adjusted : float
        CMH p-value adjusted over the family (all groups of the attribute).
    material : bool
        See the module docstring.
    strata : tuple of StratumEstimate
        Per risk level with cases: both rates and their ratio.
    selected_in_one_stratum : str or None
        The one risk level that holds every case with the decision, when more than one
        level has cases ("at equal risk" is then the comparison within that level).
    """

    attribute: str
    attributes: tuple[str, ...]
    group: tuple[str, ...]
    reference: tuple[str, ...]
    risk: str
    crude: Disparity
    stratified: MantelHaenszelResult
    rate_ratio: float
    rate_ratio_interval: ConfidenceInterval
    odds_ratio_interval: ConfidenceInterval
    pvalue_adjusted: float
    material: bool
    strata: tuple[StratumEstimate, ...] = ()
    selected_in_one_stratum: str | None = None

    @property
    def common_odds_ratio(self) -> float:
        """The Mantel–Haenszel common odds ratio (group over reference)."""
        return self.stratified.common_odds_ratio


@dataclass(frozen=True)
class HandlerRate:
    """One handler's decision rate, with its interval and against the other handlers.

    Attributes
    ----------
    handler : str
        The handler's (team's) label.
    selected, cases : int
        Decisions equal to 1, and all decisions, of this handler.
    rate : float
        ``selected / cases`` (NaN without cases).
    confidence_interval : ConfidenceInterval
        Interval of the rate (``config.interval_method``, Wilson by default).
    versus_others : Disparity
        The handler against the pooled cases of all other handlers (reference label
        :data:`OTHERS_LABEL`), adjusted over all handlers.
    """

    handler: str
    selected: int
    cases: int
    rate: float
    confidence_interval: ConfidenceInterval
    versus_others: Disparity


@dataclass(frozen=True)
class HandlerSpread:
    """How much the decision rate varies between case handlers or teams.

    Attributes
    ----------
    dimension : str
        The handler column.
    rates : tuple of HandlerRate
        Per handler, in level order.
    test : TestResult
        Test of equal rates across handlers (:func:`homogeneity_test`).
    intraclass_correlation : float
        Share of the variance of the decisions between handlers (ANOVA estimator).
    max_min_ratio : float
        Highest handler rate over the lowest (inf when the lowest is 0).
    largest_ratio : float
        The largest ratio of a handler's rate to the pooled rate of the others, taken as
        its inverse when below 1 (so always >= 1).
    most_deviant : str
        The handler with ``largest_ratio``.
    missing_cases : int
        Cases without a recorded handler (left out).
    material : bool
        ``test.pvalue < config.alpha`` and ``largest_ratio >= config.thresholds.low``.
    """

    dimension: str
    rates: tuple[HandlerRate, ...]
    test: TestResult
    intraclass_correlation: float
    max_min_ratio: float
    largest_ratio: float
    most_deviant: str
    missing_cases: int
    material: bool


@dataclass(frozen=True)
class HandlerGroupComparison:
    """Within one handler, a group's decision rate against its reference's.

    Attributes
    ----------
    handler : str
        The handler's label.
    attribute : str
        The group attribute.
    group, reference : tuple of str
        The compared group and its reference (the reference of the whole analysis).
    crude : Disparity
        The comparison within the handler, ignoring risk.
    stratified : MantelHaenszelResult or None
        Within the handler and the risk levels (``None`` without a risk dimension).
    rate_ratio : float
        The Mantel–Haenszel rate ratio (stratified), else the crude ratio.
    pvalue_adjusted : float
        The CMH p-value (stratified) or the crude test's p-value, adjusted over all
        handler × group comparisons of the attribute.
    material : bool
        See the module docstring.
    """

    handler: str
    attribute: str
    group: tuple[str, ...]
    reference: tuple[str, ...]
    crude: Disparity
    stratified: MantelHaenszelResult | None
    rate_ratio: float
    pvalue_adjusted: float
    material: bool


@dataclass(frozen=True)
class DiscretionEvidence:
    """The comparisons behind the discretion findings.

    Attributes
    ----------
    risk : str or None
        The risk dimension used for "at equal risk" (``None``: none available).
    reached : str or None
        The stage whose cases (last stage = 1) form the population, if any.
    profile_arm_only : bool
        Random-arm cases were excluded.
    equal_risk : tuple of EqualRiskComparison
        Per attribute and group, at equal risk (empty without a risk dimension).
    handlers : HandlerSpread or None
        The spread between handlers (``None`` without a handler dimension).
    handler_groups : tuple of HandlerGroupComparison
        Per handler, attribute and group.
    """

    risk: str | None
    reached: str | None
    profile_arm_only: bool
    equal_risk: tuple[EqualRiskComparison, ...]
    handlers: HandlerSpread | None
    handler_groups: tuple[HandlerGroupComparison, ...]

    @property
    def material(self) -> bool:
        """Whether any part of the evidence is material."""
        return (
            any(c.material for c in self.equal_risk)
            or (self.handlers is not None and self.handlers.material)
            or any(c.material for c in self.handler_groups)
        )


# -- the analysis --------------------------------------------------------------------------


def _risk_dimension(table: CountTable, risk: str | None) -> str | None:
    if risk is None:
        bands = table.names_with_role(Role.SCORE_BAND)
        return bands[0] if bands else None
    allowed = (*table.names_with_role(Role.SCORE_BAND), *table.names_with_role(Role.STRATUM))
    if risk not in allowed:
        table.dimension(risk)  # an unknown name raises with the list of dimensions
        raise ConfigError(
            message(
                "invalid-option",
                name="risk",
                allowed=", ".join(repr(a) for a in allowed) or "-",
                value=repr(risk),
            )
        )
    return risk


def _equal_risk(
    source: CountTable,
    risk: str,
    decision: str,
    crude_by_grouping: Mapping[tuple[str, ...], tuple[Disparity, ...]],
    config: AuditConfig,
) -> tuple[EqualRiskComparison, ...]:
    out: list[EqualRiskComparison] = []
    for grouping, crude in crude_by_grouping.items():
        results: list[
            tuple[
                Disparity,
                MantelHaenszelResult,
                float,
                ConfidenceInterval,
                tuple[tuple[StratumEstimate, ...], str | None],
            ]
        ] = []
        for comparison in crude:
            arms = stratum_arms(source, comparison, risk, decision)
            if arms is None:
                continue
            ratio, low, high = stats_rate_ratio(*arms, confidence_level=config.confidence_level)
            results.append(
                (
                    comparison,
                    mantel_haenszel(*arms),
                    float(ratio),
                    ConfidenceInterval(float(low), float(high)),
                    stratum_estimates(source.levels(risk), arms, config.confidence_level),
                )
            )
        adjusted = adjust_pvalues(
            np.array([m.pvalue for _, m, *_ in results], dtype=np.float64), method=config.adjust
        )
        out.extend(
            EqualRiskComparison(
                attribute=" × ".join(grouping),
                attributes=grouping,
                group=comparison.group,
                reference=comparison.reference,
                risk=risk,
                crude=comparison,
                stratified=result,
                rate_ratio=ratio,
                rate_ratio_interval=interval,
                odds_ratio_interval=result.confidence_interval(
                    confidence_level=config.confidence_level
                ),
                pvalue_adjusted=float(p),
                material=bool(p < config.alpha) and _reaches(ratio, config.thresholds.low),
                strata=estimates,
                selected_in_one_stratum=one,
            )
            for (comparison, result, ratio, interval, (estimates, one)), p in zip(
                results, adjusted, strict=True
            )
        )
    return tuple(out)


def _handler_levels(source: CountTable, handler: str) -> tuple[list[int], int]:
    """Return the codes of real handlers and the number of cases without one."""
    levels = source.levels(handler)
    missing = source.missing_labels.get(handler, 0) > 0
    counts = source.dense([handler])
    keep = [i for i in range(len(levels)) if not (missing and i == len(levels) - 1)]
    return keep, int(counts[-1]) if missing else 0


def _handler_spread(
    source: CountTable, handler: str, decision: str, config: AuditConfig
) -> HandlerSpread:
    keep, missing_cases = _handler_levels(source, handler)
    levels = source.levels(handler)
    cube = source.dense([handler, decision]).astype(np.float64)[keep]  # (handlers, 2)
    present = cube.sum(axis=1) > 0
    cube = cube[present]
    labels = [levels[i] for i, p in zip(keep, present, strict=True) if p]
    selected, cases = cube[:, 1], cube.sum(axis=1)
    harm = METRICS["selection_rate"].harm(favourable=config.favourable)
    versus = compare_counts(
        metric="selection_rate",
        attributes=(handler,),
        groups=[(label,) for label in labels],
        reference=(OTHERS_LABEL,),
        reference_rule="others",
        group_counts=(selected, cases),
        reference_counts=(selected.sum() - selected, cases.sum() - cases),
        harm=harm,
        confidence_level=config.confidence_level,
        adjust=config.adjust,
    )
    low, high = proportion_interval(
        selected,
        cases,
        confidence_level=config.confidence_level,
        method=config.interval_method,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = selected / cases
        ratios = np.array([d.ratio for d in versus], dtype=np.float64)
        symmetric = ratio_size(ratios)
    if symmetric.size and not np.isnan(symmetric).all():
        worst = int(np.nanargmax(symmetric))
        largest, deviant = float(symmetric[worst]), labels[worst]
    else:
        largest, deviant = float("nan"), ""
    test = homogeneity_test(np.column_stack([cases - selected, selected]))
    max_min = float("nan")
    if rate.size and rate.max() > 0:
        max_min = float(rate.max() / rate.min()) if rate.min() > 0 else float("inf")
    return HandlerSpread(
        dimension=handler,
        rates=tuple(
            HandlerRate(
                handler=labels[i],
                selected=int(selected[i]),
                cases=int(cases[i]),
                rate=float(rate[i]),
                confidence_interval=ConfidenceInterval(float(low[i]), float(high[i])),
                versus_others=versus[i],
            )
            for i in range(len(labels))
        ),
        test=test,
        intraclass_correlation=intraclass_correlation(selected, cases),
        max_min_ratio=max_min,
        largest_ratio=largest,
        most_deviant=deviant,
        missing_cases=missing_cases,
        material=bool(test.pvalue < config.alpha) and _reaches(largest, config.thresholds.low),
    )


def _handler_groups(
    source: CountTable,
    handler: str,
    risk: str | None,
    decision: str,
    crude_by_attribute: Mapping[str, tuple[Disparity, ...]],
    config: AuditConfig,
) -> tuple[HandlerGroupComparison, ...]:
    keep, _ = _handler_levels(source, handler)
    handler_levels = source.levels(handler)
    harm = METRICS["selection_rate"].harm(favourable=config.favourable)
    out: list[HandlerGroupComparison] = []
    for attribute, crude in crude_by_attribute.items():
        levels = source.levels(attribute)
        dims = [handler, attribute, *([risk] if risk else []), decision]
        cube = source.dense(dims).astype(np.float64)
        if not risk:
            cube = cube[:, :, np.newaxis, :]  # one stratum
        # (handler, group, reference) triples where both arms have cases in the handler.
        pairs: list[tuple[int, int, int]] = []
        for h in keep:
            for comparison in crude:
                g, r = levels.index(comparison.group[0]), levels.index(comparison.reference[0])
                if cube[h, g].sum() > 0 and cube[h, r].sum() > 0:
                    pairs.append((h, g, r))
        if not pairs:
            continue
        hs, gs, rs = (np.array(v, dtype=np.int64) for v in zip(*pairs, strict=True))
        group_sel, group_n = cube[hs, gs, :, 1].sum(axis=1), cube[hs, gs].sum(axis=(1, 2))
        ref_sel, ref_n = cube[hs, rs, :, 1].sum(axis=1), cube[hs, rs].sum(axis=(1, 2))
        crude_within = compare_counts(
            metric="selection_rate",
            attributes=(attribute,),
            groups=[(levels[g],) for g in gs],
            reference=(levels[int(rs[0])],),
            reference_rule=crude[0].reference_rule,
            group_counts=(group_sel, group_n),
            reference_counts=(ref_sel, ref_n),
            harm=harm,
            confidence_level=config.confidence_level,
            adjust=config.adjust,
        )
        stratified: list[MantelHaenszelResult | None] = []
        ratios: list[float] = []
        for k, (h, g, r) in enumerate(pairs):
            if risk:
                args = (
                    cube[h, g, :, 1],
                    cube[h, g].sum(axis=1),
                    cube[h, r, :, 1],
                    cube[h, r].sum(axis=1),
                )
                stratified.append(mantel_haenszel(*args))
                ratios.append(mantel_haenszel_rate_ratio(*args))
            else:
                stratified.append(None)
                ratios.append(crude_within[k].ratio)
        pvalues = np.array(
            [
                s.pvalue if s is not None else d.test.pvalue
                for s, d in zip(stratified, crude_within, strict=True)
            ],
            dtype=np.float64,
        )
        adjusted = adjust_pvalues(pvalues, method=config.adjust)
        out.extend(
            HandlerGroupComparison(
                handler=handler_levels[h],
                attribute=attribute,
                group=(levels[g],),
                reference=(levels[r],),
                crude=crude_within[k],
                stratified=stratified[k],
                rate_ratio=ratios[k],
                pvalue_adjusted=float(adjusted[k]),
                material=bool(adjusted[k] < config.alpha)
                and _reaches(ratios[k], config.thresholds.low),
            )
            for k, (h, g, r) in enumerate(pairs)
        )
    return tuple(out)


def analyse_discretion(
    table: CountTable,
    config: AuditConfig,
    *,
    risk: str | None = None,
    condition_on_stage: bool = True,
) -> DiscretionEvidence:
    """Compare decision rates at equal risk, and between case handlers.

    Parameters
    ----------
    table : CountTable
        The count table; a score-band dimension (``score=``) or a stratum named in
        ``risk`` enables the equal-risk comparison, a handler dimension (``handler=``) the
        handler analysis.
    config : AuditConfig
        Settings: reference, polarity, confidence level, interval method, adjustment,
        ``alpha`` and ``thresholds.low`` for materiality.
    risk : str, optional
        The dimension to hold equal: a score band or a stratum (e.g. a risk category).
        Default: the score band, if any.
    condition_on_stage : bool, default True
        With stage dimensions, count only cases whose last stage is 1 (see the module
        docstring).

    Returns
    -------
    DiscretionEvidence
        The comparisons (parts without the needed dimension are empty / ``None``).

    Raises
    ------
    ConfigError
        If ``risk`` is not a score-band or stratum dimension, or a reference is not found.

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> from eerlijkheid.config import AuditConfig
    >>> frame = pd.DataFrame({
    ...     "g": ["a", "b"] * 150,
    ...     "team": ["t1"] * 100 + ["t2"] * 100 + ["t3"] * 100,
    ...     "d": [1] * 40 + [0] * 60 + [1] * 80 + [0] * 20 + [1] * 40 + [0] * 60,
    ... })
    >>> table = count_table(frame, decision="d", groups="g", handler="team")
    >>> evidence = analyse_discretion(table, AuditConfig())
    >>> h = evidence.handlers
    >>> h.most_deviant, round(h.largest_ratio, 2), round(h.max_min_ratio, 2), h.material
    ('t2', 2.0, 2.0, True)
    >>> evidence.equal_risk  # no score bands and no risk named
    ()
    """
    chosen_risk = _risk_dimension(table, risk)
    where: dict[str, str] = {}
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    if random:
        where[random[0]] = "0"
    stages = table.names_with_role(Role.STAGE)
    reached = stages[-1] if stages and condition_on_stage else None
    if reached is not None:
        where[reached] = "1"
    source = table.subset(where) if where else table
    decision = table.names_with_role(Role.DECISION)[0]
    empty = DiscretionEvidence(
        risk=chosen_risk,
        reached=reached,
        profile_arm_only=bool(random),
        equal_risk=(),
        handlers=None,
        handler_groups=(),
    )
    if source.total == 0:
        return empty
    reference = dict(config.reference) or config.reference_rule

    def crude(grouping: str | tuple[str, ...]) -> tuple[Disparity, ...]:
        """Return the crude selection-rate comparisons of one grouping, as the audit does."""
        return disparities(
            source,
            attributes=[grouping],
            metrics=["selection_rate"],
            reference=reference,
            favourable=config.favourable,
            confidence_level=config.confidence_level,
            adjust=config.adjust,
        )

    crude_by_attribute = {attribute: crude(attribute) for attribute in table.groups}
    equal_risk: tuple[EqualRiskComparison, ...] = ()
    if chosen_risk is not None:
        crude_by_grouping = {
            grouping: crude_by_attribute[grouping[0]] if len(grouping) == 1 else crude(grouping)
            for grouping in groupings(source, order=config.order)
        }
        equal_risk = _equal_risk(source, chosen_risk, decision, crude_by_grouping, config)
    handlers = table.names_with_role(Role.HANDLER)
    spread = _handler_spread(source, handlers[0], decision, config) if handlers else None
    handler_groups = (
        _handler_groups(source, handlers[0], chosen_risk, decision, crude_by_attribute, config)
        if handlers
        else ()
    )
    return DiscretionEvidence(
        risk=chosen_risk,
        reached=reached,
        profile_arm_only=bool(random),
        equal_risk=equal_risk,
        handlers=spread,
        handler_groups=handler_groups,
    )
