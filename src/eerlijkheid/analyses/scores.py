"""Risk scores per group: calibration, discrimination (AUC), distributions, thresholds.

Two entry points:

:func:`analyse_scores` (count table, the default)
    Works on the score *bands* of the count table (``Role.SCORE_BAND``, labels such as
    ``[0, 0.1)``), so it needs no row access.  Per group of every single attribute:

    (a) *calibration*: the observed outcome rate per band with intervals, the expected
        calibration error and the observed-to-expected ratio, and a group-versus-reference
        comparison of the outcome rate **at equal score** (Mantel–Haenszel over bands);
    (b) the *AUC* from the band histograms of positives and negatives;
    (c) *score distribution differences* against the reference: binned Kolmogorov–Smirnov
        distance, a chi-square test on the band × group table, and the standardized mean
        difference of the band midpoints;
    (d) *selection rate versus threshold*: for every interior band edge, the share of each
        group at or above it, compared with the reference.

:func:`score_metrics_from_rows` (row level, the exception)
    Exact versions of (a) and (b) from the scores themselves: AUC with ties as
    :func:`sklearn.metrics.roc_auc_score`, calibration in fixed or quantile bins with the
    exact mean score per bin.  This needs row-level data and says so
    (:attr:`RowScoreEvidence.row_level`); ontwerp.md: "row-level analyses are the
    exception".

Conventions
-----------
Which cases (count table)
    Calibration and AUC need an observed outcome.  When the table has a random arm they
    use **only the random arm** (``arm="random-sample"``): there the outcome is observed
    independently of the score, so the estimate is unbiased.  Without a random arm they
    use every case with an observed outcome (``arm="observed-outcomes"``); when outcomes
    are known only for selected cases (``outcome_only_when_selected``) that sample is
    selected on the score and the calibration and AUC describe the selected cases only.
    Distributions and threshold curves use every case with a score (all arms): they
    describe who *gets* which score, not whether it is right.
Band midpoints (count table)
    A band's mean score is approximated by its midpoint ``(low + high) / 2`` (the binned
    approximation of the expected calibration error); the bounds are read from the band
    labels, which carry four significant digits, unless ``edges`` is passed.  The row
    version uses the exact mean score per bin.  Cases with a missing score (the trailing
    missing-label band) take no part and are counted in ``n_missing_score``.
Expected calibration error
    ``ECE = Σ_b (n_b / N) · |observed_b − mean score_b|`` over bands with an observed
    outcome (Naeini, Cooper & Hauskrecht 2015; Guo et al. 2017).  It presumes the score
    is a probability of the outcome: when a band edge lies outside [0, 1]
    (``score_is_probability`` false) ECE and the observed-to-expected ratio are NaN.
    With bands, ECE is a binned summary that hides miscalibration inside a band.
Calibration comparison
    Per non-reference group, the outcome of cases in the group and in the reference is
    compared **within each score band** and pooled over bands with the
    Cochran–Mantel–Haenszel test and the Mantel–Haenszel common odds ratio
    (:func:`eerlijkheid.stats.mantel_haenszel`; bands without cases in either group are
    dropped).  A common odds ratio below 1 means the group's outcome is *less* frequent
    than the reference's at equal score: the group is **over-scored** (its scores
    overstate its risk relative to the reference); above 1, under-scored.  ``flagged`` is
    ``pvalue_adjusted < alpha``, with the p-values adjusted over the groups of one
    attribute.  Within a band, a group whose scores sit higher in the band can show a
    slightly higher outcome rate without miscalibration; narrow bands keep this small.
AUC
    Mann–Whitney: the probability that a random positive scores higher than a random
    negative, **ties counting one half** (Hanley & McNeil 1982).  From bands every pair
    within one band is a tie, so the binned AUC equals the row AUC of the band indices
    and is at most as fine as the bands allow (usually a little below the row AUC).  The
    standard error is DeLong et al. (1988), exact for tied (banded) data; the interval is
    ``AUC ± z·se`` clipped to [0, 1].  No positives or no negatives: AUC NaN, interval
    (0, 1).
Distributions
    KS distance ``max_b |F_group(b) − F_reference(b)|`` of the cumulative band shares (the
    two-sample KS statistic of the band indices); the test is Pearson's chi-square on the
    2 × bands table without continuity correction (bands empty in both groups dropped;
    NaN with fewer than two bands left), adjusted over the groups of one attribute.
    Standardized mean difference of the band midpoints
    ``(m_g − m_r) / sqrt((s²_g + s²_r) / 2)`` (Cohen's d with the average variance, as
    Austin 2009 recommends for comparing groups); NaN when both variances are 0.
Thresholds
    Every interior band edge ``t`` is a threshold; the share of a group with a score in a
    band at or above ``t``, compared with the reference's share by
    :func:`eerlijkheid.metrics.compare_counts` (ratio, difference, test; adjusted over
    the groups at each threshold).
Counts, not weights
    Everything uses case counts; case weights of a weighted table are not used here.
Reference
    ``config.reference[attribute]`` when given, else the largest group (never the
    missing-label group when another exists).

References
----------
DeLong, DeLong & Clarke-Pearson (1988), Biometrics 44(3):837-845.
Hanley & McNeil (1982), Radiology 143(1):29-36.
Naeini, Cooper & Hauskrecht (2015), AAAI, "Obtaining well calibrated probabilities using
Bayesian binning".  Guo, Pleiss, Sun & Weinberger (2017), ICML, "On calibration of modern
neural networks".  Austin (2009), Statistics in Medicine 28(25):3083-3107.

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.counts import count_table
>>> from eerlijkheid.config import AuditConfig
>>> frame = pd.DataFrame({"g": ["a", "b"] * 50, "s": [i / 100 for i in range(100)],
...                       "d": [0, 1] * 50, "y": [0, 0, 1, 1] * 25})
>>> table = count_table(frame, decision="d", groups="g", outcome="y", score="s",
...                     score_edges=[0, 0.5, 1])
>>> evidence = analyse_scores(table, AuditConfig())
>>> evidence.arm, [b.label for b in evidence.bands]
('observed-outcomes', ['[0, 0.5)', '[0.5, 1]'])
>>> [(c.group, round(c.ece, 3)) for c in evidence.calibration_summary]
[('a', 0.23), ('b', 0.23)]

Group ``a`` has 12 of 25 positives in ``[0, 0.5)`` and 13 of 25 in ``[0.5, 1]``, so its ECE
is ``(25 * |0.48 - 0.25| + 25 * |0.52 - 0.75|) / 50 = 0.23``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from eerlijkheid.config import AuditConfig, Role
from eerlijkheid.counts import UNKNOWN_CODE, CountTable
from eerlijkheid.exceptions import ConfigError, DataError
from eerlijkheid.i18n import message
from eerlijkheid.metrics import Disparity, compare_counts
from eerlijkheid.stats import (
    ConfidenceInterval,
    MantelHaenszelResult,
    TestResult,
    adjust_pvalues,
    mantel_haenszel,
    proportion_interval,
)

__all__ = [
    "CalibrationBand",
    "CalibrationComparison",
    "GroupAUC",
    "GroupCalibration",
    "RowScoreEvidence",
    "ScoreBand",
    "ScoreDistributionComparison",
    "ScoreEvidence",
    "ThresholdPoint",
    "analyse_scores",
    "auc_delong",
    "score_metrics_from_rows",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Arm = Literal["random-sample", "observed-outcomes", "none"]
CalibrationDirection = Literal["over-scored", "under-scored", "equal", "undefined"]
IntervalMethod = Literal["wilson", "clopper-pearson", "jeffreys"]
AdjustMethod = Literal["holm", "bh", "bonferroni", "none"]

_BAND = re.compile(r"^\[(?P<low>[^,\s]+), (?P<high>[^\)\]\s]+)[\)\]]$")


# -- evidence -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreBand:
    """One score band.

    Attributes
    ----------
    label : str
        The band's label, e.g. ``"[0, 0.1)"`` (the last band is closed).
    low, high : float
        Its bounds.
    midpoint : float
        ``(low + high) / 2``, the band's mean score in the binned approximation.
    """

    label: str
    low: float
    high: float
    midpoint: float


@dataclass(frozen=True)
class CalibrationBand:
    """Observed outcome rate of one group in one score band.

    Attributes
    ----------
    attribute, group : str
        The group attribute and the group's label.
    band : str
        The band label.
    mean_score : float
        Mean score of the band: its midpoint (count table) or the exact mean of the
        group's cases in it (rows); NaN for an empty bin.
    n : int
        Cases with an observed outcome in the band.
    positives : int
        Of which with outcome 1.
    observed_rate : float
        ``positives / n``; NaN when ``n == 0``.
    confidence_interval : ConfidenceInterval
        Interval of ``observed_rate`` (``(0, 1)`` when ``n == 0``).
    confidence_level : float
        Its level.
    method : str
        Interval method.
    """

    attribute: str
    group: str
    band: str
    mean_score: float
    n: int
    positives: int
    observed_rate: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    method: str


@dataclass(frozen=True)
class GroupCalibration:
    """Calibration summary of one group.

    Attributes
    ----------
    attribute, group : str
        The group attribute and the group's label.
    n : int
        Cases with an observed outcome.
    positives : int
        Of which with outcome 1.
    observed_rate : float
        ``positives / n``.
    mean_score : float
        Mean score of those cases (band midpoints for the count table, exact for rows).
    ece : float
        Expected calibration error (NaN when the score is not a probability or ``n == 0``).
    observed_to_expected : float
        ``positives / Σ mean score`` (calibration in the large: below 1 means the scores
        overstate the outcome); NaN when the score is not a probability.
    """

    attribute: str
    group: str
    n: int
    positives: int
    observed_rate: float
    mean_score: float
    ece: float
    observed_to_expected: float


@dataclass(frozen=True)
class CalibrationComparison:
    """Outcome rate at equal score: a group against its reference, pooled over bands.

    Attributes
    ----------
    attribute, group, reference : str
        The attribute, the compared group and the reference group.
    mantel_haenszel : MantelHaenszelResult
        CMH test and common odds ratio of the outcome (group over reference) over bands.
    common_odds_ratio : float
        The Mantel–Haenszel common odds ratio (below 1: lower outcome at equal score).
    confidence_interval : ConfidenceInterval
        Robins–Breslow–Greenland interval of ``common_odds_ratio``.
    confidence_level : float
        Its level.
    pvalue : float
        CMH p-value (NaN when no band has cases in both groups).
    pvalue_adjusted : float
        Adjusted over the groups of the attribute (``adjustment``).
    adjustment : str
        The multiplicity adjustment.
    direction : {'over-scored', 'under-scored', 'equal', 'undefined'}
        ``"over-scored"`` when the common odds ratio is below 1 (the score overstates the
        group's risk relative to the reference), ``"under-scored"`` above 1.
    flagged : bool
        ``pvalue_adjusted < alpha``.
    alpha : float
        The significance level used.
    """

    attribute: str
    group: str
    reference: str
    mantel_haenszel: MantelHaenszelResult
    common_odds_ratio: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    pvalue: float
    pvalue_adjusted: float
    adjustment: str
    direction: CalibrationDirection
    flagged: bool
    alpha: float


@dataclass(frozen=True)
class GroupAUC:
    """Area under the ROC curve of the score for one group.

    Attributes
    ----------
    attribute, group : str
        The attribute and the group's label.
    auc : float
        Mann–Whitney AUC, ties counting one half; NaN without positives or negatives.
    standard_error : float
        DeLong standard error (NaN with fewer than two positives or negatives).
    confidence_interval : ConfidenceInterval
        ``auc ± z·se`` clipped to [0, 1]; ``(0, 1)`` when either is NaN.
    confidence_level : float
        Its level.
    positives, negatives : int
        Cases with outcome 1 and 0.
    method : str
        ``"binned-mann-whitney"`` (count table) or ``"mann-whitney"`` (rows), with
        ``"; delong"``.
    """

    attribute: str
    group: str
    auc: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    positives: int
    negatives: int
    method: str


@dataclass(frozen=True)
class ScoreDistributionComparison:
    """How a group's score distribution differs from its reference's.

    Attributes
    ----------
    attribute, group, reference : str
        The attribute, the compared group and the reference.
    group_n, reference_n : int
        Cases with a score.
    ks_distance : float
        Largest difference of the cumulative band shares (binned Kolmogorov–Smirnov).
    test : TestResult
        Pearson chi-square on the 2 × bands table (``method="chi2"``).
    pvalue_adjusted : float
        Adjusted over the groups of the attribute.
    adjustment : str
        The multiplicity adjustment.
    group_mean, reference_mean : float
        Mean band midpoint.
    standardized_mean_difference : float
        ``(group_mean − reference_mean) / sqrt((s²_g + s²_r) / 2)`` of the midpoints.
    """

    attribute: str
    group: str
    reference: str
    group_n: int
    reference_n: int
    ks_distance: float
    test: TestResult
    pvalue_adjusted: float
    adjustment: str
    group_mean: float
    reference_mean: float
    standardized_mean_difference: float


@dataclass(frozen=True)
class ThresholdPoint:
    """The share of a group at or above one threshold, against the reference.

    Attributes
    ----------
    attribute : str
        The attribute.
    threshold : float
        The band edge used as threshold.
    band : str
        Label of the first band at or above the threshold.
    comparison : Disparity
        ``metric="share_at_or_above_threshold"``: the group's share
        (``group_value``) against the reference's (``reference_value``), with the ratio,
        difference, intervals and test.
    """

    attribute: str
    threshold: float
    band: str
    comparison: Disparity


@dataclass(frozen=True)
class ScoreEvidence:
    """Everything :func:`analyse_scores` found about the risk score.

    Attributes
    ----------
    score : str
        The score column.
    bands : tuple of ScoreBand
        The bands, in increasing order (the missing-score band excluded).
    arm : {'random-sample', 'observed-outcomes', 'none'}
        Which cases calibration and AUC used: the random arm, every case with an observed
        outcome (no random arm), or none (no outcome in the table).
    outcome_only_when_selected : bool
        Outcomes are observed only for selected cases (a caveat when
        ``arm == "observed-outcomes"``: the sample is selected on the score).
    score_is_probability : bool
        All band edges lie in [0, 1], so ECE and observed-to-expected are defined.
    n_missing_score : int
        Cases without a score (left out).
    mean_score_method : str
        ``"band-midpoint"``.
    calibration : tuple of CalibrationBand
        Per attribute, group and band.
    calibration_summary : tuple of GroupCalibration
        Per attribute and group.
    calibration_comparison : tuple of CalibrationComparison
        Per attribute and non-reference group.
    auc : tuple of GroupAUC
        Per attribute and group.
    distribution : tuple of ScoreDistributionComparison
        Per attribute and non-reference group.
    threshold_curve : tuple of ThresholdPoint
        Per attribute, threshold and non-reference group.
    """

    score: str
    bands: tuple[ScoreBand, ...]
    arm: Arm
    outcome_only_when_selected: bool
    score_is_probability: bool
    n_missing_score: int
    mean_score_method: str
    calibration: tuple[CalibrationBand, ...]
    calibration_summary: tuple[GroupCalibration, ...]
    calibration_comparison: tuple[CalibrationComparison, ...]
    auc: tuple[GroupAUC, ...]
    distribution: tuple[ScoreDistributionComparison, ...]
    threshold_curve: tuple[ThresholdPoint, ...]

    @property
    def over_scored(self) -> tuple[CalibrationComparison, ...]:
        """The flagged comparisons whose group is over-scored."""
        return tuple(
            c for c in self.calibration_comparison if c.flagged and c.direction == "over-scored"
        )


@dataclass(frozen=True)
class RowScoreEvidence:
    """Exact score metrics from rows (:func:`score_metrics_from_rows`).

    Attributes
    ----------
    attribute : str
        Name given to the group attribute.
    groups : tuple of str
        The groups, sorted.
    reference : str
        The reference group.
    edges : tuple of float
        The bin edges used for calibration.
    strategy : str
        ``"uniform"``, ``"quantile"`` or ``"edges"`` (given by the caller).
    n : int
        Rows with an observed outcome (used).
    n_unobserved : int
        Rows whose outcome was missing (left out).
    score_is_probability : bool
        All scores lie in [0, 1], so ECE and observed-to-expected are defined.
    calibration, calibration_summary, calibration_comparison, auc
        As in :class:`ScoreEvidence`, with exact mean scores and exact AUC.
    row_level : bool
        Always ``True``: computed from row-level data (ontwerp.md §3).
    """

    attribute: str
    groups: tuple[str, ...]
    reference: str
    edges: tuple[float, ...]
    strategy: str
    n: int
    n_unobserved: int
    score_is_probability: bool
    calibration: tuple[CalibrationBand, ...]
    calibration_summary: tuple[GroupCalibration, ...]
    calibration_comparison: tuple[CalibrationComparison, ...]
    auc: tuple[GroupAUC, ...]
    row_level: bool = True


# -- shared computations over (groups × bands) arrays -------------------------------------


def _z(confidence_level: float) -> float:
    return float(special.ndtri(1.0 - (1.0 - confidence_level) / 2.0))


def _calibration(
    attribute: str,
    labels: Sequence[str],
    band_labels: Sequence[str],
    mean_score: FloatArray,
    positives: FloatArray,
    observed: FloatArray,
    *,
    probability: bool,
    confidence_level: float,
    method: IntervalMethod,
) -> tuple[tuple[CalibrationBand, ...], tuple[GroupCalibration, ...]]:
    """Per-band rates and per-group summaries; arrays are (groups, bands)."""
    low, high = proportion_interval(
        positives, observed, confidence_level=confidence_level, method=method
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(observed > 0, positives / np.where(observed > 0, observed, 1.0), np.nan)
        n = observed.sum(axis=1)
        weights = np.where(observed > 0, observed, 0.0)
        filled = np.where(observed > 0, mean_score, 0.0)
        mean = np.where(n > 0, (weights * filled).sum(axis=1) / np.where(n > 0, n, 1.0), np.nan)
        gap = np.where(observed > 0, np.abs(np.nan_to_num(rate) - filled), 0.0)
        ece = np.where(n > 0, (weights * gap).sum(axis=1) / np.where(n > 0, n, 1.0), np.nan)
        expected = (weights * filled).sum(axis=1)
        o_to_e = np.where(expected > 0, positives.sum(axis=1) / expected, np.nan)
        overall = np.where(n > 0, positives.sum(axis=1) / np.where(n > 0, n, 1.0), np.nan)
    if not probability:
        ece = np.full_like(ece, np.nan)
        o_to_e = np.full_like(o_to_e, np.nan)
    bands = tuple(
        CalibrationBand(
            attribute=attribute,
            group=labels[g],
            band=band_labels[b],
            mean_score=float(mean_score[g, b]),
            n=int(observed[g, b]),
            positives=int(positives[g, b]),
            observed_rate=float(rate[g, b]),
            confidence_interval=ConfidenceInterval(float(low[g, b]), float(high[g, b])),
            confidence_level=confidence_level,
            method=method,
        )
        for g in range(len(labels))
        for b in range(len(band_labels))
    )
    summary = tuple(
        GroupCalibration(
            attribute=attribute,
            group=labels[g],
            n=int(n[g]),
            positives=int(positives[g].sum()),
            observed_rate=float(overall[g]),
            mean_score=float(mean[g]),
            ece=float(ece[g]),
            observed_to_expected=float(o_to_e[g]),
        )
        for g in range(len(labels))
    )
    return bands, summary


def _calibration_comparisons(
    attribute: str,
    labels: Sequence[str],
    reference: int,
    positives: FloatArray,
    observed: FloatArray,
    *,
    confidence_level: float,
    adjust: AdjustMethod,
    alpha: float,
) -> tuple[CalibrationComparison, ...]:
    others = [g for g in range(len(labels)) if g != reference]
    results = [
        mantel_haenszel(positives[g], observed[g], positives[reference], observed[reference])
        for g in others
    ]
    adjusted = adjust_pvalues(
        np.array([r.pvalue for r in results], dtype=np.float64), method=adjust
    )
    out = []
    for g, result, p_adj in zip(others, results, adjusted, strict=True):
        odds = result.common_odds_ratio
        direction: CalibrationDirection = (
            "undefined"
            if np.isnan(odds)
            else "over-scored"
            if odds < 1
            else "under-scored"
            if odds > 1
            else "equal"
        )
        out.append(
            CalibrationComparison(
                attribute=attribute,
                group=labels[g],
                reference=labels[reference],
                mantel_haenszel=result,
                common_odds_ratio=float(odds),
                confidence_interval=result.confidence_interval(confidence_level=confidence_level),
                confidence_level=confidence_level,
                pvalue=float(result.pvalue),
                pvalue_adjusted=float(p_adj),
                adjustment=adjust,
                direction=direction,
                flagged=bool(p_adj < alpha),
                alpha=alpha,
            )
        )
    return tuple(out)


def _delong_binned(positives: FloatArray, negatives: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Binned Mann–Whitney AUC and DeLong standard error; arrays are (groups, bands).

    A positive in band ``b`` beats the negatives of lower bands and ties (one half) with
    those of band ``b``; its placement value is ``V10_b``, a negative's is ``V01_b``.
    """
    n_pos = positives.sum(axis=1)
    n_neg = negatives.sum(axis=1)
    ok = (n_pos > 0) & (n_neg > 0)
    safe_pos = np.where(n_pos > 0, n_pos, 1.0)[:, None]
    safe_neg = np.where(n_neg > 0, n_neg, 1.0)[:, None]
    below = np.cumsum(negatives, axis=1) - negatives  # negatives in lower bands
    above = n_pos[:, None] - np.cumsum(positives, axis=1)  # positives in higher bands
    v10 = (below + 0.5 * negatives) / safe_neg
    v01 = (above + 0.5 * positives) / safe_pos
    auc = np.where(ok, (positives * v10).sum(axis=1) / safe_pos[:, 0], np.nan)
    centre = np.where(ok, auc, 0.0)[:, None]
    enough = (n_pos >= 2) & (n_neg >= 2)
    s10 = (positives * (v10 - centre) ** 2).sum(axis=1) / np.where(enough, n_pos - 1, 1.0)
    s01 = (negatives * (v01 - centre) ** 2).sum(axis=1) / np.where(enough, n_neg - 1, 1.0)
    se = np.sqrt(s10 / safe_pos[:, 0] + s01 / safe_neg[:, 0])
    return auc, np.where(enough, se, np.nan)


def _auc_rows(
    attribute: str,
    labels: Sequence[str],
    auc: FloatArray,
    se: FloatArray,
    positives: Sequence[int],
    negatives: Sequence[int],
    *,
    confidence_level: float,
    method: str,
) -> tuple[GroupAUC, ...]:
    z = _z(confidence_level)
    out = []
    for g, label in enumerate(labels):
        a, s = float(auc[g]), float(se[g])
        if np.isfinite(a) and np.isfinite(s):
            interval = ConfidenceInterval(max(0.0, a - z * s), min(1.0, a + z * s))
        else:
            interval = ConfidenceInterval(0.0, 1.0)
        out.append(
            GroupAUC(
                attribute=attribute,
                group=label,
                auc=a,
                standard_error=s,
                confidence_interval=interval,
                confidence_level=confidence_level,
                positives=int(positives[g]),
                negatives=int(negatives[g]),
                method=f"{method}; delong",
            )
        )
    return tuple(out)


# -- count-table analysis -------------------------------------------------------------------


def _parse_bands(
    table: CountTable, score: str, edges: Sequence[float] | None
) -> tuple[tuple[ScoreBand, ...], IntArray]:
    levels = table.levels(score)
    parsed: list[tuple[int, str, float, float]] = []
    for index, label in enumerate(levels):
        match = _BAND.match(label)
        if match is None:
            continue
        try:
            parsed.append((index, label, float(match["low"]), float(match["high"])))
        except ValueError:
            continue
    if not parsed:
        raise DataError(
            message(
                "invalid-option",
                name=score,
                allowed="score bands such as '[0, 0.1)'",
                value=", ".join(map(repr, levels[:5])),
            )
        )
    if edges is not None:
        given = [float(e) for e in edges]
        ok = len(given) == len(parsed) + 1 and all(
            np.isclose(float(f"{given[k]:.4g}"), low)
            and np.isclose(float(f"{given[k + 1]:.4g}"), high)
            for k, (_, _, low, high) in enumerate(parsed)
        )
        if not ok:
            raise ConfigError(
                message(
                    "invalid-option",
                    name="edges",
                    allowed=f"the {len(parsed) + 1} band edges of '{score}'",
                    value=repr(tuple(edges)),
                )
            )
        parsed = [
            (index, label, given[k], given[k + 1]) for k, (index, label, _, _) in enumerate(parsed)
        ]
    bands = tuple(ScoreBand(label, low, high, (low + high) / 2.0) for _, label, low, high in parsed)
    return bands, np.array([p[0] for p in parsed], dtype=np.int64)


def _reference_index(
    attribute: str,
    labels: Sequence[str],
    sizes: npt.NDArray[np.int64] | FloatArray,
    missing_label: str | None,
    reference: str | None,
) -> int:
    if reference is not None:
        if reference not in labels:
            raise ConfigError(
                message(
                    "reference-not-found",
                    grouping=attribute,
                    label=reference,
                    available=", ".join(labels[:20]),
                )
            )
        return list(labels).index(reference)
    eligible = np.array([label != missing_label for label in labels], dtype=bool)
    if not eligible.any():
        eligible[:] = True
    candidates = np.flatnonzero(eligible)
    return int(candidates[np.argmax(np.asarray(sizes)[candidates])])


def _distribution(
    attribute: str,
    labels: Sequence[str],
    reference: int,
    counts: FloatArray,
    midpoints: FloatArray,
    *,
    adjust: AdjustMethod,
) -> tuple[ScoreDistributionComparison, ...]:
    n = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cdf = np.cumsum(counts, axis=1) / n[:, None]
        mean = (counts * midpoints).sum(axis=1) / n
        var = (counts * (midpoints - mean[:, None]) ** 2).sum(axis=1) / (n - 1)
    others = [g for g in range(len(labels)) if g != reference]
    tests: list[tuple[float, float]] = []
    for g in others:
        pair = counts[[g, reference]]
        pair = pair[:, pair.sum(axis=0) > 0]
        if pair.shape[1] < 2 or (pair.sum(axis=1) == 0).any():
            tests.append((np.nan, np.nan))
            continue
        result = stats.chi2_contingency(pair, correction=False)
        tests.append((float(result.statistic), float(result.pvalue)))
    adjusted = adjust_pvalues(np.array([p for _, p in tests], dtype=np.float64), method=adjust)
    out = []
    for g, (statistic, pvalue), p_adj in zip(others, tests, adjusted, strict=True):
        pooled = np.sqrt((var[g] + var[reference]) / 2.0)
        diff = mean[g] - mean[reference]
        with np.errstate(invalid="ignore", divide="ignore"):
            smd = float(diff / pooled) if pooled > 0 else np.nan
        out.append(
            ScoreDistributionComparison(
                attribute=attribute,
                group=labels[g],
                reference=labels[reference],
                group_n=int(n[g]),
                reference_n=int(n[reference]),
                ks_distance=float(np.nanmax(np.abs(cdf[g] - cdf[reference])))
                if n[g] > 0 and n[reference] > 0
                else np.nan,
                test=TestResult(
                    statistic=statistic, pvalue=pvalue, method="chi2", alternative="two-sided"
                ),
                pvalue_adjusted=float(p_adj),
                adjustment=adjust,
                group_mean=float(mean[g]),
                reference_mean=float(mean[reference]),
                standardized_mean_difference=smd,
            )
        )
    return tuple(out)


def _threshold_curve(
    attribute: str,
    labels: Sequence[str],
    reference: int,
    counts: FloatArray,
    bands: Sequence[ScoreBand],
    config: AuditConfig,
) -> tuple[ThresholdPoint, ...]:
    n = counts.sum(axis=1)
    at_or_above = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]  # (groups, bands)
    others = np.array([g for g in range(len(labels)) if g != reference], dtype=np.int64)
    out: list[ThresholdPoint] = []
    if others.size == 0:
        return ()
    for k in range(1, len(bands)):
        comparisons = compare_counts(
            metric="share_at_or_above_threshold",
            attributes=(attribute,),
            groups=[(labels[g],) for g in others],
            reference=(labels[reference],),
            reference_rule="explicit" if attribute in config.reference else "largest",
            group_counts=(at_or_above[others, k], n[others]),
            reference_counts=(at_or_above[reference, k], n[reference]),
            harm="lower" if config.favourable else "higher",
            confidence_level=config.confidence_level,
            adjust=config.adjust,
        )
        out.extend(
            ThresholdPoint(
                attribute=attribute, threshold=bands[k].low, band=bands[k].label, comparison=c
            )
            for c in comparisons
        )
    return tuple(out)


def analyse_scores(
    table: CountTable, config: AuditConfig, *, edges: Sequence[float] | None = None
) -> ScoreEvidence:
    """Analyse the risk score per group from the score bands of the count table.

    Parameters
    ----------
    table : CountTable
        A count table with a score (``count_table(..., score=..., score_edges=...)``).
    config : AuditConfig
        References, polarity, interval level and method, adjustment, alpha.
    edges : sequence of float, optional
        The exact band edges used to build the table; default: read from the band
        labels (four significant digits).

    Returns
    -------
    ScoreEvidence
        Calibration, AUC, distribution and threshold comparisons per single attribute.

    Raises
    ------
    ConfigError
        If the table has no score, a configured reference is not a group, or ``edges``
        does not match the bands.

    Notes
    -----
    See the module docstring for which cases each part uses (the random arm for
    calibration and AUC when there is one) and for the binned approximations.

    Examples
    --------
    A score that is right for group ``a`` but too high for group ``b`` (half the outcome
    at equal score); the random arm is used for calibration:

    >>> import numpy as np, pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> from eerlijkheid.config import AuditConfig
    >>> rng = np.random.default_rng(0)
    >>> g = np.where(rng.random(4000) < 0.5, "a", "b")
    >>> s = rng.random(4000)
    >>> y = rng.random(4000) < np.where(g == "a", s, s / 2)
    >>> frame = pd.DataFrame({"g": g, "s": s, "d": s > 0.7, "y": y, "r": True})
    >>> table = count_table(frame, decision="d", groups="g", outcome="y", score="s",
    ...                     random_sample="r", score_edges=np.linspace(0, 1, 11))
    >>> evidence = analyse_scores(table, AuditConfig(reference={"g": "a"}))
    >>> evidence.arm
    'random-sample'
    >>> [(c.group, c.direction, c.flagged) for c in evidence.calibration_comparison]
    [('b', 'over-scored', True)]
    >>> [(a.group, round(a.auc, 2)) for a in evidence.auc]
    [('a', 0.82), ('b', 0.72)]
    """
    scores = table.names_with_role(Role.SCORE_BAND)
    if not scores:
        raise ConfigError(
            message(
                "invalid-option",
                name="score",
                allowed="a count table built with score=...",
                value=repr(None),
            )
        )
    score = scores[0]
    bands, valid = _parse_bands(table, score, edges)
    midpoints = np.array([b.midpoint for b in bands], dtype=np.float64)
    band_labels = [b.label for b in bands]
    probability = bool(min(b.low for b in bands) >= 0.0 and max(b.high for b in bands) <= 1.0)
    n_missing = int(table.total - table.dense([score])[valid].sum())

    outcome = table.names_with_role(Role.OUTCOME)
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    decision = table.names_with_role(Role.DECISION)[0]
    arm: Arm = "none" if not outcome else "random-sample" if random else "observed-outcomes"
    only_selected = False
    if outcome:
        known = table.dense([decision, outcome[0]])
        only_selected = int(known[0, :UNKNOWN_CODE].sum()) == 0

    calibration: list[CalibrationBand] = []
    summaries: list[GroupCalibration] = []
    comparisons: list[CalibrationComparison] = []
    aucs: list[GroupAUC] = []
    distribution: list[ScoreDistributionComparison] = []
    curve: list[ThresholdPoint] = []
    level, method = config.confidence_level, config.interval_method
    for attribute in table.groups:
        sizes = table.dense([attribute])
        present = np.flatnonzero(sizes > 0)
        labels = [table.levels(attribute)[i] for i in present]
        missing_label = table.levels(attribute)[-1] if table.missing_labels.get(attribute) else None
        ref = _reference_index(
            attribute, labels, sizes[present], missing_label, config.reference.get(attribute)
        )
        counts = table.dense([attribute, score]).astype(np.float64)[np.ix_(present, valid)]
        distribution.extend(
            _distribution(attribute, labels, ref, counts, midpoints, adjust=config.adjust)
        )
        curve.extend(_threshold_curve(attribute, labels, ref, counts, bands, config))
        if not outcome:
            continue
        dims = [attribute, score, outcome[0], *random[:1]]
        cube = table.dense(dims).astype(np.float64)
        if random:
            cube = cube[..., 1]
        cube = cube[np.ix_(present, valid)]
        positives, negatives = cube[..., 1], cube[..., 0]
        observed = positives + negatives
        mean_score = np.broadcast_to(midpoints, observed.shape)
        cal, summary = _calibration(
            attribute,
            labels,
            band_labels,
            mean_score,
            positives,
            observed,
            probability=probability,
            confidence_level=level,
            method=method,
        )
        calibration.extend(cal)
        summaries.extend(summary)
        comparisons.extend(
            _calibration_comparisons(
                attribute,
                labels,
                ref,
                positives,
                observed,
                confidence_level=level,
                adjust=config.adjust,
                alpha=config.alpha,
            )
        )
        auc, se = _delong_binned(positives, negatives)
        aucs.extend(
            _auc_rows(
                attribute,
                labels,
                auc,
                se,
                positives.sum(axis=1).astype(np.int64).tolist(),
                negatives.sum(axis=1).astype(np.int64).tolist(),
                confidence_level=level,
                method="binned-mann-whitney",
            )
        )
    return ScoreEvidence(
        score=score,
        bands=bands,
        arm=arm,
        outcome_only_when_selected=only_selected,
        score_is_probability=probability,
        n_missing_score=n_missing,
        mean_score_method="band-midpoint",
        calibration=tuple(calibration),
        calibration_summary=tuple(summaries),
        calibration_comparison=tuple(comparisons),
        auc=tuple(aucs),
        distribution=tuple(distribution),
        threshold_curve=tuple(curve),
    )


# -- row-level analysis -----------------------------------------------------------------------


def _fail(name: str, func: str, requirement: str, got: object) -> ConfigError:
    return ConfigError(
        f"The `{name}` parameter of `{func}` must be {requirement}; got {got!r} instead."
    )


def _is_missing(value: object) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, (float, np.floating)) and bool(np.isnan(value))


def _labels_of(values: npt.ArrayLike, missing_label: str) -> npt.NDArray[np.str_]:
    """Group labels as strings; missing labels (None, NaN, pandas NA) become ``missing_label``."""
    raw = np.asarray(values, dtype=object).reshape(-1)
    missing = np.array([_is_missing(v) for v in raw], dtype=bool)
    out = raw.astype(str)
    out[missing] = missing_label
    return out


def _outcome_of(values: npt.ArrayLike, func: str) -> FloatArray:
    """Outcome as float 0/1 with NaN for unobserved (None, NaN, pandas NA)."""
    try:
        out = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raw = np.asarray(values, dtype=object).reshape(-1)
        missing = np.array([_is_missing(v) for v in raw], dtype=bool)
        out = np.full(raw.size, np.nan)
        try:
            out[~missing] = raw[~missing].astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise _fail("outcome", func, "0/1, booleans, or missing", raw[~missing][:3]) from exc
    bad = np.isfinite(out) & (out != 0) & (out != 1)
    bad |= np.isinf(out)
    if bad.any():
        raise _fail("outcome", func, "0/1, booleans, or missing", float(out[bad][0]))
    return out


def _midranks(x: FloatArray) -> FloatArray:
    ranks: FloatArray = np.asarray(stats.rankdata(x, method="average"), dtype=np.float64)
    return ranks


def auc_delong(score: npt.ArrayLike, outcome: npt.ArrayLike) -> tuple[float, float]:
    """Mann–Whitney AUC (ties one half) and DeLong standard error from rows.

    Parameters
    ----------
    score : array_like of float
        Scores.
    outcome : array_like of {0, 1}
        Outcomes.

    Returns
    -------
    auc, standard_error : float
        NaN AUC without positives or negatives; NaN error with fewer than two of either.

    Notes
    -----
    The fast midrank form of DeLong et al. (1988) (Sun & Xu 2014); the AUC equals
    :func:`sklearn.metrics.roc_auc_score`.

    Examples
    --------
    >>> auc, se = auc_delong([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    >>> auc
    0.75
    """
    s = np.asarray(score, dtype=np.float64).reshape(-1)
    y = np.asarray(outcome, dtype=np.float64).reshape(-1)
    pos, neg = s[y == 1], s[y == 0]
    m, n = pos.size, neg.size
    if m == 0 or n == 0:
        return float("nan"), float("nan")
    tz = _midranks(np.concatenate([pos, neg]))
    v10 = (tz[:m] - _midranks(pos)) / n
    v01 = 1.0 - (tz[m:] - _midranks(neg)) / m
    auc = float(v10.mean())
    if m < 2 or n < 2:
        return auc, float("nan")
    se = float(np.sqrt(v10.var(ddof=1) / m + v01.var(ddof=1) / n))
    return auc, se


def score_metrics_from_rows(
    score: npt.ArrayLike,
    outcome: npt.ArrayLike,
    group: npt.ArrayLike,
    *,
    reference: str | None = None,
    bins: int | Sequence[float] = 10,
    strategy: Literal["uniform", "quantile"] = "uniform",
    attribute: str = "group",
    confidence_level: float = 0.95,
    method: IntervalMethod = "wilson",
    adjust: AdjustMethod = "holm",
    alpha: float = 0.05,
    missing_label: str = "onbekend",
) -> RowScoreEvidence:
    """Compute exact per-group AUC and calibration from row-level scores.

    Row level, documented as such: use it when the rows (or a seeded sample of them) are
    at hand; :func:`analyse_scores` gives the binned versions from the count table.

    Parameters
    ----------
    score : array_like of float
        The risk score per row (finite).
    outcome : array_like
        Observed outcome per row: 0/1 or booleans; missing (``None``, NaN, ``pd.NA``)
        means "not observed" and the row is left out (counted in ``n_unobserved``).
        Pass only the rows whose outcome is observed independently of the score (the
        random arm) for unbiased calibration.
    group : array_like
        Group label per row; missing labels become ``missing_label``.
    reference : str, optional
        Reference group of the calibration comparison; default the largest group (not
        the missing-label group).
    bins : int or sequence of float, default 10
        Number of calibration bins, or the bin edges themselves.
    strategy : {'uniform', 'quantile'}, default 'uniform'
        With an int ``bins``: equal-width bins over [0, 1] (over [min, max] when a score
        lies outside [0, 1]), as :func:`sklearn.calibration.calibration_curve`; or bins
        at the pooled quantiles of the scores (repeated edges merged).  Bins are shared by
        all groups, so the groups are compared at equal score.
    attribute : str, default 'group'
        Name of the attribute in the evidence.
    confidence_level : float, default 0.95
        Level of all intervals.
    method : {'wilson', 'clopper-pearson', 'jeffreys'}, default 'wilson'
        Interval of the per-bin outcome rate.
    adjust : {'holm', 'bh', 'bonferroni', 'none'}, default 'holm'
        Multiplicity adjustment of the calibration comparisons.
    alpha : float, default 0.05
        Level at which a calibration comparison is flagged.
    missing_label : str, default 'onbekend'
        Label of rows with a missing group.

    Returns
    -------
    RowScoreEvidence
        Exact AUC (DeLong interval), calibration per bin with the exact mean score, ECE,
        and the Mantel–Haenszel comparison at equal score.

    Raises
    ------
    ConfigError
        For mismatched lengths, non-finite scores, a non-binary outcome, or bad options.

    Notes
    -----
    Binning follows the count table: a score falls in bin ``k`` when it is at or above
    the ``k``-th interior edge; scores outside the edges fall in the first or last bin.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> s = rng.random(2000)
    >>> g = np.where(rng.random(2000) < 0.5, "a", "b")
    >>> y = rng.random(2000) < s
    >>> evidence = score_metrics_from_rows(s, y, g, bins=5)
    >>> [(a.group, round(a.auc, 2)) for a in evidence.auc]
    [('a', 0.83), ('b', 0.84)]
    >>> [round(c.ece, 2) for c in evidence.calibration_summary]
    [0.02, 0.02]
    >>> evidence.row_level
    True
    """
    func = "score_metrics_from_rows"
    s = np.asarray(score, dtype=np.float64).reshape(-1)
    y = _outcome_of(outcome, func)
    labels_all = _labels_of(group, missing_label)
    if not (s.size == y.size == labels_all.size):
        raise _fail(
            "outcome",
            func,
            f"as long as `score` ({s.size})",
            f"lengths {y.size}, {labels_all.size}",
        )
    if not np.isfinite(s).all():
        raise _fail("score", func, "finite numbers", float(s[~np.isfinite(s)][0]))
    if strategy not in ("uniform", "quantile"):
        raise _fail("strategy", func, "one of 'uniform', 'quantile'", strategy)
    if not 0.0 < confidence_level < 1.0:
        raise _fail("confidence_level", func, "a number strictly between 0 and 1", confidence_level)
    observed_rows = np.isfinite(y)
    n_unobserved = int((~observed_rows).sum())
    s, y, labels_all = s[observed_rows], y[observed_rows], labels_all[observed_rows]
    if s.size == 0:
        raise _fail("outcome", func, "observed for at least one row", "no observed outcome")
    probability = bool(s.min() >= 0.0 and s.max() <= 1.0)

    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        if bins < 1:
            raise _fail("bins", func, "a positive int or a sequence of edges", bins)
        used_strategy: str = strategy
        if strategy == "quantile":
            edges = np.unique(np.quantile(s, np.linspace(0.0, 1.0, int(bins) + 1)))
            if edges.size < 2:
                edges = np.array([edges[0], edges[0] + 1.0])
        else:
            lo, hi = (0.0, 1.0) if probability else (float(s.min()), float(s.max()))
            edges = np.linspace(lo, hi if hi > lo else lo + 1.0, int(bins) + 1)
    else:
        edges = np.asarray(bins, dtype=np.float64).reshape(-1)
        if edges.size < 2 or not (np.diff(edges) > 0).all():
            raise _fail("bins", func, "a positive int or 2+ increasing edges", tuple(edges))
        used_strategy = "edges"
    n_bins = edges.size - 1
    band = np.searchsorted(edges[1:-1], s, side="right")
    band_labels = [
        f"[{edges[k]:.4g}, {edges[k + 1]:.4g}{']' if k == n_bins - 1 else ')'}"
        for k in range(n_bins)
    ]

    groups, codes = np.unique(labels_all, return_inverse=True)
    labels = [str(g) for g in groups]
    flat = codes * n_bins + band
    size = len(labels) * n_bins
    observed = np.bincount(flat, minlength=size).astype(np.float64).reshape(-1, n_bins)
    positives = np.asarray(np.bincount(flat, weights=y, minlength=size), dtype=np.float64)
    positives = positives.reshape(-1, n_bins)
    score_sum = np.asarray(np.bincount(flat, weights=s, minlength=size), dtype=np.float64)
    score_sum = score_sum.reshape(-1, n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_score = np.where(observed > 0, score_sum / np.where(observed > 0, observed, 1), np.nan)
    sizes = np.bincount(codes, minlength=len(labels))
    ref = _reference_index(attribute, labels, sizes, missing_label, reference)
    cal, summary = _calibration(
        attribute,
        labels,
        band_labels,
        mean_score,
        positives,
        observed,
        probability=probability,
        confidence_level=confidence_level,
        method=method,
    )
    comparisons = _calibration_comparisons(
        attribute,
        labels,
        ref,
        positives,
        observed,
        confidence_level=confidence_level,
        adjust=adjust,
        alpha=alpha,
    )
    auc = np.empty(len(labels))
    se = np.empty(len(labels))
    for g in range(len(labels)):
        auc[g], se[g] = auc_delong(s[codes == g], y[codes == g])
    n_pos = positives.sum(axis=1).astype(np.int64).tolist()
    n_neg = (observed - positives).sum(axis=1).astype(np.int64).tolist()
    return RowScoreEvidence(
        attribute=attribute,
        groups=tuple(labels),
        reference=labels[ref],
        edges=tuple(float(e) for e in edges),
        strategy=used_strategy,
        n=int(s.size),
        n_unobserved=n_unobserved,
        score_is_probability=probability,
        calibration=cal,
        calibration_summary=summary,
        calibration_comparison=comparisons,
        auc=_auc_rows(
            attribute,
            labels,
            auc,
            se,
            n_pos,
            n_neg,
            confidence_level=confidence_level,
            method="mann-whitney",
        ),
    )
