"""Statistics for comparing decision rates between groups.

Every computation has a vectorised form (numpy arrays in, arrays out) for thousands
of groups at once; the scalar result objects (:class:`ProportionResult`,
:class:`TwoProportionResult`, ...) call those vectorised functions.  Results are frozen
dataclasses that keep the counts they came from and use scipy's vocabulary
(``statistic``, ``pvalue``, ``confidence_level``, ``alternative``, ``method``,
``rng``).  Two-group functions take NAMED counts ``group_count, group_nobs,
reference_count, reference_nobs`` and describe the group relative to the reference.

Conventions
-----------
Counts
    Finite, non-negative, ``count <= nobs``; non-integer (effective, weighted) counts
    are allowed everywhere except Fisher's exact test and the bootstrap.  A count above
    ``nobs`` by less than a relative 1e-9 is clipped to ``nobs``.  Bad counts raise
    :class:`~eerlijkheid.exceptions.CountsError`, bad options
    :class:`~eerlijkheid.exceptions.ConfigError`.
One proportion (:func:`proportion_interval`)
    ``nobs == 0``: rate NaN, interval ``(0, 1)``.  0 successes: lower bound exactly 0;
    all successes: upper bound exactly 1 (for ``"jeffreys"`` this is the
    Brown-Cai-DasGupta boundary modification).
Two proportions (:func:`difference_interval`, :func:`ratio_interval`, :func:`odds_ratio_interval`)
    An empty arm gives no information: difference ``(-1, 1)``, ratio and odds ratio
    ``(0, inf)``.  If any cell of the 2x2 table is zero, the ratio (Katz-log) and odds
    ratio (Woolf) intervals add 0.5 to all four cells (Haldane-Anscombe); the point
    estimates on :class:`TwoProportionResult` are uncorrected (``x/0 = inf``,
    ``0/0 = NaN``).  The Newcombe difference interval needs no correction.
Tests (:func:`two_proportion_test`)
    ``method="auto"`` uses Fisher's exact test when any expected cell count is below 5
    (Cochran's rule) and the counts are whole, otherwise Pearson's chi-square without
    continuity correction (= pooled z-test).  The chi-square statistic is ``X**2``
    for a two-sided test and the signed ``z`` for a one-sided one; Fisher's statistic
    is the sample odds ratio.  A degenerate table (an empty arm, or no successes or no
    failures at all) is not testable: statistic and p-value NaN.
Strata (:func:`mantel_haenszel`)
    Strata with an empty arm are dropped (``n_strata_used``).  Continuity correction as
    R's ``mantelhaen.test``; interval by Robins-Breslow-Greenland.  Nothing left, or a
    zero CMH variance: NaN statistic and p-value; pooled odds ratio 0, inf or NaN:
    interval ``(0, inf)``.  Breslow-Day p-value NaN with fewer than 2 strata.
Multiplicity (:func:`adjust_pvalues`)
    NaN p-values stay NaN and do not count in the family size.
Power (:func:`power_two_proportions`, :func:`minimum_detectable_ratio`)
    Normal approximation of the pooled z-test as statsmodels'
    ``power_proportions_2indep``: pooled variance under the null, unpooled under the
    alternative, both tails for a two-sided test.  Empty arm: power 0, detectable ratio
    ``inf`` (increase) / ``0`` (decrease); no effect: power ``alpha``; unreachable
    power: ``inf`` / ``0``.
Bootstrap (:func:`bootstrap_counts`)
    Cell counts are drawn from ``Multinomial(N, counts / N)`` (= resampling rows), or one
    multinomial per slice along ``fixed_axis`` (fixed group sizes).  Percentile
    intervals, bounds always arrays.  ``rng=None`` means the FIXED seed 0.

Examples
--------
>>> from eerlijkheid.stats import compare_proportions
>>> res = compare_proportions(group_count=30, group_nobs=100,
...                           reference_count=45, reference_nobs=100)
>>> round(res.ratio, 4)
0.6667
"""

from ._bootstrap import BootstrapResult, bootstrap_counts
from ._compare import (
    TwoProportionResult,
    compare_proportions,
    difference_interval,
    odds_ratio_interval,
    ratio_interval,
    two_proportion_test,
)
from ._multiplicity import adjust_pvalues
from ._power import minimum_detectable_ratio, power_two_proportions
from ._proportion import ProportionResult, proportion, proportion_interval
from ._results import BootstrapInterval, ConfidenceInterval, TestResult
from ._stratified import MantelHaenszelResult, mantel_haenszel, mantel_haenszel_rate_ratio

__all__ = [
    "BootstrapInterval",
    "BootstrapResult",
    "ConfidenceInterval",
    "MantelHaenszelResult",
    "ProportionResult",
    "TestResult",
    "TwoProportionResult",
    "adjust_pvalues",
    "bootstrap_counts",
    "compare_proportions",
    "difference_interval",
    "mantel_haenszel",
    "mantel_haenszel_rate_ratio",
    "minimum_detectable_ratio",
    "odds_ratio_interval",
    "power_two_proportions",
    "proportion",
    "proportion_interval",
    "ratio_interval",
    "two_proportion_test",
]
