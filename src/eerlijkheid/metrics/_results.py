"""The result objects of :mod:`eerlijkheid.metrics`: one frozen object per group or comparison.

:class:`GroupMetric` and :class:`Disparity` are what :func:`~eerlijkheid.metrics.group_metrics`
and :func:`~eerlijkheid.metrics.disparities` return, and what the columnar tables
(:class:`~eerlijkheid.metrics.GroupMetricTable`, :class:`~eerlijkheid.metrics.DisparityTable`)
build on access.

Examples
--------
>>> from eerlijkheid.stats import ConfidenceInterval
>>> m = GroupMetric("selection_rate", ("g",), ("a",), 2, 4, 0.5, 4.0,
...                 ConfidenceInterval(0.15, 0.85), 0.95, "wilson")
>>> m.value, m.confidence_interval.low
(0.5, 0.15)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eerlijkheid.metrics._registry import Harm
from eerlijkheid.stats import ConfidenceInterval, TestResult

__all__ = ["DIRECTIONS", "Direction", "Disparity", "GroupMetric", "Grouping"]

Direction = Literal["higher", "lower", "equal", "undefined"]
Grouping = tuple[str, ...]
#: Direction names by code (the code used in :class:`~eerlijkheid.metrics.DisparityTable`).
DIRECTIONS: tuple[Direction, ...] = ("undefined", "higher", "lower", "equal")


@dataclass(frozen=True)
class GroupMetric:
    """One metric for one group, with its counts and interval.

    Attributes
    ----------
    metric : str
        Metric name (see :data:`~eerlijkheid.metrics.METRICS`).
    attributes : tuple of str
        The grouping: one attribute, or several for an intersection.
    group : tuple of str
        The group's labels, one per attribute.
    numerator, denominator : int
        Case counts of the metric's numerator and denominator cells.
    value : float
        The metric (weighted when the table is weighted); NaN when ``denominator`` is 0.
    effective_denominator : float
        Kish effective sample size of the denominator (equals ``denominator`` unweighted).
    confidence_interval : ConfidenceInterval
        Interval for ``value``.
    confidence_level : float
        Its level.
    method : str
        Interval method.

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> from eerlijkheid.metrics import group_metrics
    >>> frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "d": [1, 0, 0, 0]})
    >>> m = group_metrics(count_table(frame, decision="d", groups="g"),
    ...                   metrics=["selection_rate"])[0]
    >>> m.group, m.numerator, m.denominator, m.value, m.method
    (('a',), 1, 2, 0.5, 'wilson')
    """

    metric: str
    attributes: Grouping
    group: tuple[str, ...]
    numerator: int
    denominator: int
    value: float
    effective_denominator: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    method: str


@dataclass(frozen=True)
class Disparity:
    """A group compared with its reference on one metric.

    Attributes
    ----------
    metric : str
        Metric name.
    attributes : tuple of str
        The grouping (one attribute or an intersection).
    group, reference : tuple of str
        Labels of the compared group and of the reference group.
    reference_rule : str
        How the reference was chosen: ``"explicit"``, ``"largest"`` or ``"most-favourable"``.
    group_numerator, group_denominator, reference_numerator, reference_denominator : int
        The case counts behind both values.
    group_value, reference_value : float
        The metric for the group and the reference.
    difference : float
        ``group_value - reference_value``.
    difference_interval : ConfidenceInterval
        Newcombe hybrid-score interval of the difference.
    ratio : float
        ``group_value / reference_value``.
    ratio_interval : ConfidenceInterval
        Katz log interval of the ratio.
    odds_ratio : float
        Odds ratio of group versus reference.
    odds_ratio_interval : ConfidenceInterval
        Woolf (logit) interval of the odds ratio.
    test : TestResult
        Test of equal values (chi-square or Fisher exact; see ``test.method``).
    pvalue_adjusted : float
        The p-value adjusted over the family (``adjustment``).
    adjustment : str
        Multiplicity adjustment method.
    direction : {'higher', 'lower', 'equal', 'undefined'}
        The group's value relative to the reference's.
    harm : {'higher', 'lower', 'either'}
        Which side of this metric is worse for a group, given the decision's polarity.
    confidence_level : float
        Level of all intervals.
    weighted : bool
        Whether values are weighted (intervals then use effective sample sizes).

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> from eerlijkheid.metrics import disparities
    >>> frame = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 60,
    ...                       "d": [1] * 20 + [0] * 20 + [1] * 15 + [0] * 45})
    >>> (d,) = disparities(count_table(frame, decision="d", groups="g"))
    >>> d.group, d.reference, d.ratio, d.group_worse_off, d.method
    (('a',), ('b',), 2.0, True, 'newcombe; katz-log; woolf; chi2; holm')
    """

    metric: str
    attributes: Grouping
    group: tuple[str, ...]
    reference: tuple[str, ...]
    reference_rule: str
    group_numerator: int
    group_denominator: int
    reference_numerator: int
    reference_denominator: int
    group_value: float
    reference_value: float
    difference: float
    difference_interval: ConfidenceInterval
    ratio: float
    ratio_interval: ConfidenceInterval
    odds_ratio: float
    odds_ratio_interval: ConfidenceInterval
    test: TestResult
    pvalue_adjusted: float
    adjustment: str
    direction: Direction
    harm: Harm
    confidence_level: float
    weighted: bool

    @property
    def group_worse_off(self) -> bool | None:
        """Whether the group is worse off than its reference (``None``: no side is worse).

        Returns
        -------
        bool or None
            ``True`` when the group's value lies on the harmful side.
        """
        if self.harm == "either" or self.direction == "undefined":
            return None
        return self.direction == self.harm

    @property
    def method(self) -> str:
        """The methods behind the numbers, e.g. ``"newcombe; katz-log; woolf; chi2; holm"``."""
        return f"newcombe; katz-log; woolf; {self.test.method}; {self.adjustment}"
