"""Suitability: whether the profile finds more violations than random checks.

The College voor de Rechten van de Mens (Toetsingskader risicoprofilering, 2025) asks of
every profile that uses neutral-looking criteria whether it is *suitable*: empirically,
does it find more violations than random checks?  The random arm (*aselecte steekproef*)
is the baseline.  This module gives three kinds of evidence:

**Profile versus random hit rate** (needs a random arm and an outcome).  The hit rate of
the cases the profile selected (not in the random arm, decision 1, outcome observed)
against the hit rate of the random arm (outcome observed), overall and per group of every
single attribute: ratio and difference with intervals and a test
(:func:`~eerlijkheid.metrics.compare_counts`).  Per group the reference is the same
group's random-arm hit rate: a profile can be suitable overall and not for a group.

**Per input feature on the random arm** (Algoritmekader 3-dat-02: is each input variable
statistically related to the aim, on a random sample?).  From the tables of
:func:`eerlijkheid.ingest.feature_outcome_tables`: the outcome rate per feature level with
intervals, a test of association (:func:`~eerlijkheid.analyses.discretion.homogeneity_test`:
chi-square, Fisher's exact test or a Monte Carlo exact p-value when sparse), adjusted over
the features, and Cramér's V.  A feature without an association cannot make the profile
find more: it only adds risk (a proxy).  Absence of evidence is not evidence of absence:
read ``related=False`` together with the number of cases.

**Sample size for a random arm** (Algoritmekader 6-imp-02: add random samples, sized so
that groups can be compared).  Overall and per group: how many random-arm cases with an
observed outcome are needed to detect that the profile's hit rate is
``config.detectable_ratio`` times the random arm's, with power ``config.power`` at
``config.alpha`` (two-sided pooled z-test, the normal approximation of statsmodels'
``power_proportions_2indep``; solved by bisection over all groups at once).  Computed with
or without a random arm, so an existing arm can be checked against it.

Conventions
-----------
* Hit rate: cases with outcome 1 among cases whose outcome was observed (code 2, "not
  observed", is left out).  Random-arm cases count whatever their decision.  Case counts:
  weights take no part.
* The comparison is two-sided; ``harm`` is ``"lower"`` (a profile that finds fewer
  violations than random checks is the unfavourable side).  Status ``"shown"`` needs the
  overall profile hit rate to be higher with ``pvalue < config.alpha``.
* Without an outcome nothing can be computed (status ``"no-outcome"``); without a random
  arm (or an empty one) suitability cannot be shown (status ``"no-random-arm"``).
* Sample sizes: the random arm's hit rate under the alternative is the profile's hit
  rate divided by ``config.detectable_ratio``; the profile's size is its observed number
  of cases with an outcome.  ``inf`` where no random sample can reach the power (a
  profile hit rate of 0, or too few profile cases).  Totals per attribute leave out the
  missing-label group: ``stratified`` is the sum of the per-group sizes (a random sample
  drawn per group), ``uniform`` the size of one simple random sample that gives every
  group its size in expectation (``max(required / share)``, shares of the table's cases;
  a ``uniform_fraction`` above 1 means a simple random sample cannot do it).

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.counts import count_table
>>> from eerlijkheid.config import AuditConfig
>>> frame = pd.DataFrame({
...     "g": ["a", "b"] * 200,
...     "aselect": [0] * 300 + [1] * 100,
...     "d": [1] * 400,
...     "y": [1, 1, 0, 0] * 75 + [1, 0, 0, 0] * 25,
... })
>>> table = count_table(frame, decision="d", groups="g", outcome="y", random_sample="aselect")
>>> evidence = analyse_suitability(table, AuditConfig())
>>> o = evidence.overall
>>> evidence.status, o.group_value, o.reference_value, round(o.ratio, 2)
('shown', 0.5, 0.25, 2.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from eerlijkheid.analyses.discretion import homogeneity_test
from eerlijkheid.analyses.disparity import RANDOM_ARM_LABEL
from eerlijkheid.config import AuditConfig, Role
from eerlijkheid.counts import UNKNOWN_CODE, CountTable
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message
from eerlijkheid.metrics import Disparity, compare_counts
from eerlijkheid.stats import (
    ConfidenceInterval,
    TestResult,
    adjust_pvalues,
    power_two_proportions,
    proportion_interval,
)

__all__ = [
    "HIT_RATE_METRIC",
    "PROFILE_LABEL",
    "FeatureAssociation",
    "RandomSampleSize",
    "RandomSampleTotal",
    "SuitabilityEvidence",
    "analyse_suitability",
    "required_random_sample",
]

FloatArray = npt.NDArray[np.float64]
Status = Literal["shown", "not-shown", "no-random-arm", "no-outcome"]

#: Name of the profile-versus-random hit-rate comparison.
HIT_RATE_METRIC = "hit_rate_vs_random_sample"
#: Group label of the overall profile in the comparison with the random arm.
PROFILE_LABEL = "profiel"

_LARGEST_SAMPLE = 1e12
_BISECTION_STEPS = 100


@dataclass(frozen=True)
class FeatureAssociation:
    """Whether one input feature is related to the outcome on the random arm.

    Attributes
    ----------
    feature : str
        The feature.
    levels : tuple of str
        Its levels (values or bands).
    negatives, positives : tuple of int
        Random-arm cases with outcome 0 and with outcome 1, per level.
    rates : tuple of float
        Outcome rate per level (NaN for a level without cases).
    intervals : tuple of ConfidenceInterval
        Interval of each rate (``config.interval_method``).
    test : TestResult
        Test of equal rates across the levels (see
        :func:`~eerlijkheid.analyses.discretion.homogeneity_test`).
    pvalue_adjusted : float
        Adjusted over all features (``config.adjust``).
    cramers_v : float
        Cramér's V of the levels × outcome table, ``sqrt(X² / N)`` (0: no association).
    cases : int
        Random-arm cases with an observed outcome.
    related : bool
        ``pvalue_adjusted < config.alpha``: statistically related to the aim.
    """

    feature: str
    levels: tuple[str, ...]
    negatives: tuple[int, ...]
    positives: tuple[int, ...]
    rates: tuple[float, ...]
    intervals: tuple[ConfidenceInterval, ...]
    test: TestResult
    pvalue_adjusted: float
    cramers_v: float
    cases: int
    related: bool


@dataclass(frozen=True)
class RandomSampleSize:
    """The random sample needed to compare the profile's hit rate with random checks.

    Attributes
    ----------
    attributes : tuple of str
        The grouping (``()`` for all cases).
    group : tuple of str
        The group's labels (``(PROFILE_LABEL,)`` for all cases).
    profile_hits, profile_cases : int
        Profile-selected cases with outcome 1, and with an observed outcome.
    profile_hit_rate : float
        ``profile_hits / profile_cases``.
    detectable_ratio : float
        The hit-rate ratio (profile over random) to detect.
    assumed_random_rate : float
        The random arm's hit rate under that alternative.
    required : float
        Random-arm cases with an observed outcome needed (whole number; ``inf``: none
        suffices).
    present : int
        Random-arm cases with an observed outcome in the data.
    population : int
        Cases of the group in the table.
    sampling_fraction : float
        ``required / population``: the share of the group to sample.
    sufficient : bool
        ``present >= required``.
    """

    attributes: tuple[str, ...]
    group: tuple[str, ...]
    profile_hits: int
    profile_cases: int
    profile_hit_rate: float
    detectable_ratio: float
    assumed_random_rate: float
    required: float
    present: int
    population: int
    sampling_fraction: float
    sufficient: bool


@dataclass(frozen=True)
class RandomSampleTotal:
    """Total random sample for one attribute, so that all its groups can be compared.

    Attributes
    ----------
    attribute : str
        The group attribute.
    stratified : float
        Sum of the groups' required sizes: a random sample drawn per group.
    uniform : float
        One simple random sample that gives every group its required size in expectation.
    uniform_fraction : float
        ``uniform`` as a share of the table's cases.
    """

    attribute: str
    stratified: float
    uniform: float
    uniform_fraction: float


@dataclass(frozen=True)
class SuitabilityEvidence:
    """The comparisons behind the suitability findings.

    Attributes
    ----------
    status : {'shown', 'not-shown', 'no-random-arm', 'no-outcome'}
        Whether suitability is shown, not shown, or cannot be assessed, and why.
    overall : Disparity or None
        Profile hit rate versus the random arm's (``None`` without random arm or outcome).
    by_group : tuple of Disparity
        Per group of every single attribute, versus the same group's random arm; adjusted
        within each attribute.
    features : tuple of FeatureAssociation
        Per input feature, on the random arm (empty without feature tables).
    sample_sizes : tuple of RandomSampleSize
        Overall first, then per group (empty without an outcome).
    sample_totals : tuple of RandomSampleTotal
        Per attribute.
    """

    status: Status
    overall: Disparity | None
    by_group: tuple[Disparity, ...]
    features: tuple[FeatureAssociation, ...]
    sample_sizes: tuple[RandomSampleSize, ...]
    sample_totals: tuple[RandomSampleTotal, ...]

    @property
    def unrelated_features(self) -> tuple[str, ...]:
        """Features without a statistically significant relation to the outcome."""
        return tuple(f.feature for f in self.features if not f.related)


# -- sample size ---------------------------------------------------------------------------


def required_random_sample(
    profile_nobs: npt.ArrayLike,
    profile_rate: npt.ArrayLike,
    *,
    ratio: float,
    power: float = 0.8,
    alpha: float = 0.05,
) -> FloatArray:
    """Random-arm size needed to detect a profile hit rate ``ratio`` times the random one.

    Parameters
    ----------
    profile_nobs : array_like
        Profile-selected cases with an observed outcome.
    profile_rate : array_like
        The profile's hit rate.
    ratio : float
        Hit-rate ratio profile / random to detect (> 1).
    power : float, default 0.8
        Required power.
    alpha : float, default 0.05
        Two-sided significance level.

    Returns
    -------
    numpy.ndarray
        The smallest whole number of random-arm cases whose
        :func:`~eerlijkheid.stats.power_two_proportions` reaches ``power``; ``inf`` where
        even 10¹² cases do not.

    Notes
    -----
    Bisection on ``log(n)`` over all elements at once (100 steps), then rounded up.

    Examples
    --------
    >>> required_random_sample([1000, 200, 0], [0.3, 0.3, 0.3], ratio=1.5).tolist()
    [178.0, 501.0, inf]
    """
    n1 = np.asarray(profile_nobs, dtype=np.float64)
    p1 = np.asarray(profile_rate, dtype=np.float64)
    n1, p1 = np.broadcast_arrays(n1, p1)
    if not ratio > 1.0:
        raise ConfigError(
            message("invalid-option", name="ratio", allowed="x > 1", value=repr(ratio))
        )
    p1 = np.nan_to_num(p1, nan=0.0)
    p2 = p1 / ratio

    def reached(m: FloatArray) -> npt.NDArray[np.bool_]:
        achieved = power_two_proportions(n1, p2, m, ratio, alpha=alpha)
        return np.asarray(achieved >= power)

    possible = reached(np.full(n1.shape, _LARGEST_SAMPLE))
    lo = np.zeros(n1.shape)
    hi = np.full(n1.shape, np.log(_LARGEST_SAMPLE))
    for _ in range(_BISECTION_STEPS):
        mid = (lo + hi) / 2.0
        ok = reached(np.exp(mid))
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    size = np.ceil(np.exp(hi) * (1 - 1e-12))
    # Rounding may land one below the threshold: step up where needed.
    size = np.where(reached(size), size, size + 1.0)
    return np.where(possible, size, np.inf)


# -- the analysis --------------------------------------------------------------------------


def _present_labels(
    table: CountTable, attribute: str, sizes: npt.NDArray[np.int64]
) -> list[tuple[int, str]]:
    levels = table.levels(attribute)
    return [(i, levels[i]) for i in range(len(levels)) if sizes[i] > 0]


def _features(
    features: Mapping[str, tuple[Sequence[str], npt.ArrayLike]], config: AuditConfig
) -> tuple[FeatureAssociation, ...]:
    names = list(features)
    parts = []
    for name in names:
        levels, raw = features[name]
        counts = np.asarray(raw, dtype=np.float64)
        if counts.ndim != 2 or counts.shape != (len(tuple(levels)), 2):
            raise ConfigError(
                message(
                    "invalid-option",
                    name=f"features[{name!r}]",
                    allowed="(levels, counts of shape (levels, 2))",
                    value=repr(counts.shape),
                )
            )
        parts.append((tuple(str(v) for v in levels), counts, homogeneity_test(counts)))
    adjusted = adjust_pvalues(
        np.array([t.pvalue for _, _, t in parts], dtype=np.float64), method=config.adjust
    )
    out = []
    for name, (levels, counts, test), p in zip(names, parts, adjusted, strict=True):
        negatives, positives = counts[:, 0], counts[:, 1]
        nobs = negatives + positives
        low, high = proportion_interval(
            positives,
            nobs,
            confidence_level=config.confidence_level,
            method=config.interval_method,
        )
        total = float(nobs.sum())
        with np.errstate(divide="ignore", invalid="ignore"):
            rates = np.where(nobs > 0, positives / np.where(nobs > 0, nobs, 1.0), np.nan)
        chi2 = homogeneity_test(counts, method="chi2").statistic
        v = float(np.sqrt(chi2 / total)) if total > 0 and np.isfinite(chi2) else float("nan")
        out.append(
            FeatureAssociation(
                feature=name,
                levels=levels,
                negatives=tuple(int(x) for x in negatives),
                positives=tuple(int(x) for x in positives),
                rates=tuple(float(r) for r in rates),
                intervals=tuple(
                    ConfidenceInterval(float(a), float(b)) for a, b in zip(low, high, strict=True)
                ),
                test=test,
                pvalue_adjusted=float(p),
                cramers_v=v,
                cases=int(total),
                related=bool(p < config.alpha),
            )
        )
    return tuple(out)


def _hit_counts(cube: npt.NDArray[np.int64]) -> tuple[FloatArray, ...]:
    """From a (..., random, decision, outcome) cube: profile and random hits and cases."""
    observed = cube[..., :UNKNOWN_CODE].astype(np.float64)
    profile = observed[..., 0, 1, :]
    random = observed[..., 1, :, :].sum(axis=-2)
    return profile[..., 1], profile.sum(axis=-1), random[..., 1], random.sum(axis=-1)


def analyse_suitability(
    table: CountTable,
    config: AuditConfig,
    *,
    features: Mapping[str, tuple[Sequence[str], npt.ArrayLike]] | None = None,
) -> SuitabilityEvidence:
    """Compare the profile's hit rate with the random arm's, and test each input feature.

    Parameters
    ----------
    table : CountTable
        The count table; a random arm and an outcome make the comparison possible.
    config : AuditConfig
        Settings: confidence level, interval method, adjustment, ``alpha``, ``power`` and
        ``detectable_ratio`` (sample sizes).
    features : mapping, optional
        Per feature ``(levels, counts)`` with counts of shape ``(levels, 2)``: random-arm
        cases with outcome 0 and 1 per level, as :func:`eerlijkheid.ingest.feature_outcome_tables`
        returns.

    Returns
    -------
    SuitabilityEvidence
        The comparisons, feature tests and sample sizes.

    Raises
    ------
    ConfigError
        If a feature's counts do not have the shape ``(levels, 2)``.

    Examples
    --------
    Without a random arm, the evidence says how large one must be:

    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> from eerlijkheid.config import AuditConfig
    >>> frame = pd.DataFrame({"g": ["a", "b"] * 500, "d": [1] * 1000,
    ...                       "y": [1, 0, 0, 0] * 250})
    >>> table = count_table(frame, decision="d", groups="g", outcome="y")
    >>> evidence = analyse_suitability(table, AuditConfig(detectable_ratio=1.5))
    >>> evidence.status, evidence.overall
    ('no-random-arm', None)
    >>> [(s.group, s.profile_hit_rate, s.required) for s in evidence.sample_sizes]
    [(('profiel',), 0.25, 238.0), (('a',), 0.5, 80.0), (('b',), 0.0, inf)]
    """
    associations = _features(features, config) if features else ()
    outcome = table.names_with_role(Role.OUTCOME)
    if not outcome:
        return SuitabilityEvidence(
            status="no-outcome",
            overall=None,
            by_group=(),
            features=associations,
            sample_sizes=(),
            sample_totals=(),
        )
    decision = table.names_with_role(Role.DECISION)[0]
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    dims = [*random[:1], decision, outcome[0]]

    def expand(cube: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        if random:
            return cube
        # Every case is in the profile arm: add an empty random-arm level.
        full = np.zeros((*cube.shape[:-2], 2, *cube.shape[-2:]), dtype=np.int64)
        full[..., 0, :, :] = cube
        return full

    p_hits, p_cases, r_hits, r_cases = _hit_counts(expand(table.dense(dims)))
    has_arm = bool(r_cases > 0)
    overall: Disparity | None = None
    by_group: list[Disparity] = []
    common = {
        "metric": HIT_RATE_METRIC,
        "reference": (RANDOM_ARM_LABEL,),
        "reference_rule": "random-sample",
        "harm": "lower",
        "confidence_level": config.confidence_level,
        "adjust": config.adjust,
    }
    if has_arm:
        (overall,) = compare_counts(
            attributes=(),
            groups=[(PROFILE_LABEL,)],
            group_counts=([p_hits], [p_cases]),
            reference_counts=([r_hits], [r_cases]),
            **common,  # type: ignore[arg-type]
        )
    sizes: list[RandomSampleSize] = []
    totals: list[RandomSampleTotal] = []
    grand_total = table.total
    rows: list[tuple[tuple[str, ...], tuple[str, ...], float, float, float, int, bool]] = [
        ((), (PROFILE_LABEL,), float(p_hits), float(p_cases), float(r_cases), grand_total, False)
    ]
    for attribute in table.groups:
        cube = expand(table.dense([attribute, *dims]))
        g_hits, g_cases, g_rhits, g_rcases = _hit_counts(cube)
        population = table.dense([attribute])
        present = _present_labels(table, attribute, population)
        missing = table.missing_labels.get(attribute, 0) > 0
        last = len(table.levels(attribute)) - 1
        if has_arm:
            idx = np.array([i for i, _ in present], dtype=np.int64)
            by_group.extend(
                compare_counts(
                    attributes=(attribute,),
                    groups=[(label,) for _, label in present],
                    group_counts=(g_hits[idx], g_cases[idx]),
                    reference_counts=(g_rhits[idx], g_rcases[idx]),
                    **common,  # type: ignore[arg-type]
                )
            )
        rows.extend(
            (
                (attribute,),
                (label,),
                float(g_hits[i]),
                float(g_cases[i]),
                float(g_rcases[i]),
                int(population[i]),
                missing and i == last,
            )
            for i, label in present
        )
    hits = np.array([r[2] for r in rows])
    cases = np.array([r[3] for r in rows])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(cases > 0, hits / np.where(cases > 0, cases, 1.0), np.nan)
    required = required_random_sample(
        cases, rate, ratio=config.detectable_ratio, power=config.power, alpha=config.alpha
    )
    for k, (attrs, group, h, c, rc, pop, _) in enumerate(rows):
        sizes.append(
            RandomSampleSize(
                attributes=attrs,
                group=group,
                profile_hits=int(h),
                profile_cases=int(c),
                profile_hit_rate=float(rate[k]),
                detectable_ratio=config.detectable_ratio,
                assumed_random_rate=float(rate[k] / config.detectable_ratio),
                required=float(required[k]),
                present=int(rc),
                population=pop,
                sampling_fraction=float(required[k] / pop) if pop > 0 else float("inf"),
                sufficient=bool(rc >= required[k]),
            )
        )
    for attribute in table.groups:
        members = [
            (s, row[6])
            for s, row in zip(sizes, rows, strict=True)
            if s.attributes == (attribute,) and not row[6]
        ]
        need = np.array([s.required for s, _ in members])
        share = np.array([s.population / grand_total for s, _ in members])
        uniform = float(np.max(need / share)) if need.size else float("nan")
        totals.append(
            RandomSampleTotal(
                attribute=attribute,
                stratified=float(need.sum()) if need.size else float("nan"),
                uniform=uniform,
                uniform_fraction=uniform / grand_total,
            )
        )
    if not has_arm:
        status: Status = "no-random-arm"
    elif overall is not None and overall.test.pvalue < config.alpha and overall.ratio > 1:
        status = "shown"
    else:
        status = "not-shown"
    return SuitabilityEvidence(
        status=status,
        overall=overall,
        by_group=tuple(by_group),
        features=associations,
        sample_sizes=tuple(sizes),
        sample_totals=tuple(totals),
    )
