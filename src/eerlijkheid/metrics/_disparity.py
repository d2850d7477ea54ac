"""Per-group metrics and group-versus-reference disparities, computed from the count table.

Everything here is vectorised over groups: the count table is reduced to a dense cube of
``(group, decision, outcome)`` counts per grouping (a single attribute or an
intersection), and every metric, interval and test is computed for all groups at once.

Conventions
-----------
* Groups are the observed level combinations of the grouping (combinations without any
  case are not groups).  The explicit missing-label group (``"onbekend"``) is compared like
  any other group but is never chosen as a reference automatically.
* A metric whose denominator is 0 for a group has value NaN, interval (0, 1), and NaN
  comparisons; NaN p-values take no part in the multiplicity adjustment.
* Weighted tables: the value is the weighted ratio; intervals and tests use Kish's
  effective sample size ``n_eff = (Σw)² / Σw²`` and effective count ``value × n_eff``.
* Multiplicity: p-values are adjusted per family = one metric within one grouping
  (all groups of that grouping against their reference), Holm by default.
* The reference per grouping is an explicit label (``reference={"attribute": "label"}``;
  for an intersection, all its attributes must be given), the ``"largest"`` group, or the
  ``"most-favourable"`` group on the metric (lowest value when higher is worse, highest
  when lower is worse, the largest group when neither is worse), among groups whose
  denominator is at least ``min_reference_size`` (all groups when none is).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from eerlijkheid.config import Role
from eerlijkheid.counts import UNKNOWN_CODE, CountTable
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message
from eerlijkheid.metrics._registry import METRICS, Harm, Metric, metric_names
from eerlijkheid.stats import (
    ConfidenceInterval,
    TestResult,
    adjust_pvalues,
    difference_interval,
    odds_ratio_interval,
    proportion_interval,
    ratio_interval,
    two_proportion_test,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Disparity",
    "GroupMetric",
    "ReferenceChoice",
    "compare_counts",
    "disparities",
    "group_metrics",
    "groupings",
    "to_frame",
]

FloatArray = npt.NDArray[np.float64]
ReferenceChoice = Literal["largest", "most-favourable"]
Direction = Literal["higher", "lower", "equal", "undefined"]
Grouping = tuple[str, ...]
_DIRECTIONS: tuple[Direction, ...] = ("undefined", "higher", "lower", "equal")


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


# -- building blocks ---------------------------------------------------------------------


def groupings(table: CountTable, *, order: int = 1) -> tuple[Grouping, ...]:
    """Return every single attribute and every intersection up to ``order`` attributes.

    Parameters
    ----------
    table : CountTable
        The count table.
    order : int
        Highest intersection order (1: single attributes only).

    Returns
    -------
    tuple of tuple of str
        Groupings in a fixed order: by order, then by attribute order.

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> frame = pd.DataFrame({"a": ["x", "y"], "b": ["u", "v"], "c": ["p", "q"], "d": [0, 1]})
    >>> groupings(count_table(frame, decision="d", groups=["a", "b", "c"]), order=2)
    (('a',), ('b',), ('c',), ('a', 'b'), ('a', 'c'), ('b', 'c'))
    """
    if not isinstance(order, int) or order < 1:
        raise ConfigError(
            message("invalid-option", name="order", allowed="1, 2, 3, ...", value=repr(order))
        )
    attrs = table.groups
    return tuple(
        combo
        for k in range(1, min(order, len(attrs)) + 1)
        for combo in itertools.combinations(attrs, k)
    )


@dataclass(frozen=True)
class _Cube:
    labels: tuple[tuple[str, ...], ...]
    n: npt.NDArray[np.float64]  # (groups, 2, 3)
    w: npt.NDArray[np.float64]
    w2: npt.NDArray[np.float64]
    missing: npt.NDArray[np.bool_]  # group holds a missing label


def _cube(table: CountTable, attributes: Grouping) -> _Cube:
    decision = table.names_with_role(Role.DECISION)[0]
    outcome = table.names_with_role(Role.OUTCOME)
    dims = [*attributes, decision, *outcome]
    sizes = [len(table.levels(a)) for a in attributes]

    def dense(value: Literal["n", "weight", "weight_sq"]) -> npt.NDArray[np.float64]:
        cube = table.dense(dims, value=value).astype(np.float64)
        cube = cube.reshape(-1, 2, 3 if outcome else 1)
        if not outcome:  # no outcome: every case has an unobserved outcome
            full = np.zeros((*cube.shape[:2], 3))
            full[:, :, UNKNOWN_CODE] = cube[:, :, 0]
            cube = full
        return cube

    n = dense("n")
    present = n.sum(axis=(1, 2)) > 0
    w = dense("weight") if table.weighted else n
    w2 = dense("weight_sq") if table.weighted else n
    combos = list(itertools.product(*(range(s) for s in sizes)))
    labels = tuple(
        tuple(table.levels(a)[c] for a, c in zip(attributes, combo, strict=True))
        for combo, keep in zip(combos, present, strict=True)
        if keep
    )
    missing_label = {
        a: table.levels(a)[-1] if table.missing_labels.get(a) else None for a in attributes
    }
    missing = np.array(
        [
            any(lab == missing_label[a] for a, lab in zip(attributes, group, strict=True))
            for group in labels
        ],
        dtype=bool,
    )
    return _Cube(labels, n[present], w[present], w2[present], missing)


@dataclass(frozen=True)
class _Values:
    num: FloatArray  # case counts
    den: FloatArray
    value: FloatArray
    x_eff: FloatArray  # effective counts for intervals and tests
    n_eff: FloatArray


def _values(cube: _Cube, metric: Metric) -> _Values:
    def total(array: FloatArray, mask: npt.NDArray[np.bool_]) -> FloatArray:
        sums: FloatArray = (array * mask).sum(axis=(1, 2))
        return sums

    num, den = total(cube.n, metric.numerator), total(cube.n, metric.denominator)
    wnum, wden, w2den = (
        total(cube.w, metric.numerator),
        total(cube.w, metric.denominator),
        total(cube.w2, metric.denominator),
    )
    if metric.kind == "share":
        den = np.full_like(den, den.sum())
        wden = np.full_like(wden, wden.sum())
        w2den = np.full_like(w2den, w2den.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(wden > 0, wnum / np.where(wden > 0, wden, 1.0), np.nan)
        n_eff = np.where(w2den > 0, wden**2 / np.where(w2den > 0, w2den, 1.0), 0.0)
    x_eff = np.where(wden > 0, np.nan_to_num(value) * n_eff, 0.0)
    return _Values(num, den, value, np.minimum(x_eff, n_eff), n_eff)


def _selected_metrics(metrics: Sequence[str] | None, table: CountTable) -> tuple[Metric, ...]:
    has_outcome = bool(table.names_with_role(Role.OUTCOME))
    names = metric_names(has_outcome=has_outcome) if metrics is None else tuple(metrics)
    chosen = []
    for name in names:
        if name not in METRICS:
            raise ConfigError(
                message(
                    "invalid-option", name="metrics", allowed=", ".join(METRICS), value=repr(name)
                )
            )
        if METRICS[name].needs_outcome and not has_outcome:
            raise ConfigError(message("metric-needs-outcome", metric=name))
        chosen.append(METRICS[name])
    return tuple(chosen)


def _normalise_groupings(
    table: CountTable, attributes: Sequence[str | Sequence[str]] | None, order: int
) -> tuple[Grouping, ...]:
    if attributes is None:
        return groupings(table, order=order)
    out = []
    for item in attributes:
        grouping = (item,) if isinstance(item, str) else tuple(item)
        for name in grouping:
            if table.dimension(name).role is not Role.GROUP:
                raise ConfigError(message("not-a-group-attribute", name=name))
        out.append(grouping)
    return tuple(out)


def _filtered(table: CountTable, where: Mapping[str, str | Sequence[str]] | None) -> CountTable:
    return table if not where else table.subset(where)


# -- public functions ----------------------------------------------------------------------


def group_metrics(
    table: CountTable,
    *,
    attributes: Sequence[str | Sequence[str]] | None = None,
    order: int = 1,
    metrics: Sequence[str] | None = None,
    where: Mapping[str, str | Sequence[str]] | None = None,
    confidence_level: float = 0.95,
    method: Literal["wilson", "clopper-pearson", "jeffreys"] = "wilson",
) -> tuple[GroupMetric, ...]:
    """Compute metrics per group, with intervals.

    Parameters
    ----------
    table : CountTable
        The count table.
    attributes : sequence of str or of tuples of str, optional
        Groupings to compute; default: every attribute and intersection up to ``order``.
    order : int
        Highest intersection order when ``attributes`` is not given.
    metrics : sequence of str, optional
        Metric names; default: every metric the data supports.
    where : mapping, optional
        Restrict to cells with these levels, e.g. ``{"aselect": "0"}``.
    confidence_level : float
        Interval level.
    method : {'wilson', 'clopper-pearson', 'jeffreys'}
        Interval method.

    Returns
    -------
    tuple of GroupMetric
        Ordered by grouping, metric (registry order), group (level order).

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> frame = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 4, "d": [1, 1, 0, 0, 1, 0, 0, 0]})
    >>> rates = group_metrics(count_table(frame, decision="d", groups="g"),
    ...                       metrics=["selection_rate"])
    >>> [(m.group, m.numerator, m.denominator, m.value) for m in rates]
    [(('a',), 2, 4, 0.5), (('b',), 1, 4, 0.25)]
    """
    table = _filtered(table, where)
    chosen = _selected_metrics(metrics, table)
    out: list[GroupMetric] = []
    for grouping in _normalise_groupings(table, attributes, order):
        cube = _cube(table, grouping)
        for metric in chosen:
            v = _values(cube, metric)
            low, high = proportion_interval(
                v.x_eff, v.n_eff, confidence_level=confidence_level, method=method
            )
            # one object per group, built positionally by map() (no Python-level loop):
            # the numbers go to Python once with .tolist()
            n = len(cube.labels)
            out.extend(
                map(
                    GroupMetric,
                    repeat(metric.name, n),
                    repeat(grouping, n),
                    cube.labels,
                    map(int, v.num.tolist()),
                    map(int, v.den.tolist()),
                    v.value.tolist(),
                    v.n_eff.tolist(),
                    map(ConfidenceInterval, low.tolist(), high.tolist()),
                    repeat(confidence_level, n),
                    repeat(method, n),
                )
            )
    return tuple(out)


def _reference_index(
    cube: _Cube,
    grouping: Grouping,
    values: _Values,
    harm: Harm,
    reference: ReferenceChoice | Mapping[str, str],
    min_reference_size: int,
) -> tuple[int, str]:
    if not isinstance(reference, str):
        if all(a in reference for a in grouping):
            wanted = tuple(str(reference[a]) for a in grouping)
            if wanted not in cube.labels:
                raise ConfigError(
                    message(
                        "reference-not-found",
                        grouping=" × ".join(grouping),
                        label=" × ".join(wanted),
                        available=", ".join(" × ".join(g) for g in cube.labels[:20]),
                    )
                )
            return cube.labels.index(wanted), "explicit"
        rule: str = "largest"
    else:
        rule = reference
    if rule not in ("largest", "most-favourable"):
        raise ConfigError(
            message(
                "invalid-option",
                name="reference",
                allowed="'largest', 'most-favourable', {attribute: label}",
                value=repr(rule),
            )
        )
    size = cube.n.sum(axis=(1, 2))
    eligible = ~cube.missing
    if not eligible.any():
        eligible = np.ones_like(eligible)
    if rule == "most-favourable" and harm != "either":
        big = eligible & (values.den >= min_reference_size) & np.isfinite(values.value)
        pool = big if big.any() else eligible & np.isfinite(values.value)
        if pool.any():
            score = np.where(pool, values.value if harm == "higher" else -values.value, np.inf)
            best = np.flatnonzero(score == score.min())
            return int(best[np.argmax(size[best])]), rule
    candidates = np.flatnonzero(eligible)
    return int(candidates[np.argmax(size[candidates])]), rule


def disparities(
    table: CountTable,
    *,
    attributes: Sequence[str | Sequence[str]] | None = None,
    order: int = 1,
    metrics: Sequence[str] | None = None,
    reference: ReferenceChoice | Mapping[str, str] = "largest",
    favourable: bool = False,
    where: Mapping[str, str | Sequence[str]] | None = None,
    confidence_level: float = 0.95,
    test: Literal["auto", "chi2", "fisher"] = "auto",
    adjust: Literal["holm", "bh", "bonferroni", "none"] = "holm",
    min_reference_size: int = 30,
) -> tuple[Disparity, ...]:
    """Compare every group with its reference group, per metric.

    Parameters
    ----------
    table : CountTable
        The count table.
    attributes : sequence of str or of tuples of str, optional
        Groupings; default: every attribute and intersection up to ``order``.
    order : int
        Highest intersection order when ``attributes`` is not given.
    metrics : sequence of str, optional
        Rate metrics; default: every rate metric the data supports.
    reference : {'largest', 'most-favourable'} or mapping of str to str
        Reference choice (see module docstring); a mapping names the label per attribute
        and falls back to ``'largest'`` for groupings it does not cover.
    favourable : bool
        Whether the decision is a benefit (granted) rather than a burden (selected for a
        check); sets which side of each metric is harmful.
    where : mapping, optional
        Restrict to cells with these levels, e.g. ``{"aselect": "0"}``.
    confidence_level : float
        Level of all intervals.
    test : {'auto', 'chi2', 'fisher'}
        Test of equal values; ``'auto'`` uses Fisher's exact test when an expected cell
        count is below 5, else the chi-square test.
    adjust : {'holm', 'bh', 'bonferroni', 'none'}
        Multiplicity adjustment within each (metric, grouping) family.
    min_reference_size : int
        Smallest denominator for a ``'most-favourable'`` reference.

    Returns
    -------
    tuple of Disparity
        Ordered by grouping, metric (registry order), group (level order); the reference
        itself is not compared with itself.

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> frame = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 60,
    ...                       "d": [1] * 20 + [0] * 20 + [1] * 15 + [0] * 45})
    >>> (d,) = disparities(count_table(frame, decision="d", groups="g"))
    >>> d.group, d.reference, d.group_numerator, d.group_denominator, d.ratio, d.direction
    (('a',), ('b',), 20, 40, 2.0, 'higher')
    """
    table = _filtered(table, where)
    chosen = [m for m in _selected_metrics(metrics, table) if m.kind == "rate"]
    out: list[Disparity] = []
    for grouping in _normalise_groupings(table, attributes, order):
        cube = _cube(table, grouping)
        for metric in chosen:
            v = _values(cube, metric)
            harm = metric.harm(favourable=favourable)
            ref, rule = _reference_index(cube, grouping, v, harm, reference, min_reference_size)
            idx = np.delete(np.arange(len(cube.labels), dtype=np.int64), ref)
            if idx.size == 0:
                continue
            out.extend(
                compare_counts(
                    metric=metric.name,
                    attributes=grouping,
                    groups=cube.labels[:ref] + cube.labels[ref + 1 :],
                    reference=cube.labels[ref],
                    reference_rule=rule,
                    group_counts=(v.num[idx], v.den[idx]),
                    reference_counts=(v.num[ref], v.den[ref]),
                    group_values=v.value[idx],
                    reference_value=float(v.value[ref]),
                    effective_group=(v.x_eff[idx], v.n_eff[idx]),
                    effective_reference=(float(v.x_eff[ref]), float(v.n_eff[ref])),
                    harm=harm,
                    confidence_level=confidence_level,
                    test=test,
                    adjust=adjust,
                    weighted=table.weighted,
                )
            )
    return tuple(out)


def compare_counts(
    *,
    metric: str,
    attributes: Grouping,
    groups: Sequence[tuple[str, ...]],
    reference: tuple[str, ...],
    reference_rule: str,
    group_counts: tuple[npt.ArrayLike, npt.ArrayLike],
    reference_counts: tuple[npt.ArrayLike, npt.ArrayLike],
    harm: Harm,
    group_values: npt.ArrayLike | None = None,
    reference_value: npt.ArrayLike | None = None,
    effective_group: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
    effective_reference: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
    confidence_level: float = 0.95,
    test: Literal["auto", "chi2", "fisher"] = "auto",
    adjust: Literal["holm", "bh", "bonferroni", "none"] = "holm",
    weighted: bool = False,
) -> tuple[Disparity, ...]:
    """Compare groups with one reference from their counts: the engine of every disparity.

    Parameters
    ----------
    metric : str
        Name of what is compared (a metric name, or e.g. ``"share_vs_random_sample"``).
    attributes : tuple of str
        The grouping.
    groups : sequence of tuple of str
        Labels of the compared groups.
    reference : tuple of str
        Label of the reference.
    reference_rule : str
        How the reference was chosen.
    group_counts : (numerators, denominators)
        Case counts per group.
    reference_counts : (numerator, denominator)
        Case counts of the reference: scalars, or one per group when each group has its
        own reference counts (e.g. its share in the random arm).
    harm : {'higher', 'lower', 'either'}
        Which side is worse for a group.
    group_values, reference_value : optional
        Values when they are not ``numerator / denominator`` (weighted data).
    effective_group, effective_reference : optional
        Effective counts for intervals and tests (weighted data); default the counts.
    confidence_level, test, adjust, weighted
        As in :func:`disparities`; the adjustment runs over the groups passed.

    Returns
    -------
    tuple of Disparity
        One per group, in the order given.

    Examples
    --------
    >>> (d,) = compare_counts(metric="selection_rate", attributes=("g",), groups=[("a",)],
    ...                       reference=("b",), reference_rule="explicit",
    ...                       group_counts=([20], [40]), reference_counts=(15, 60), harm="higher")
    >>> round(d.ratio, 2), d.direction, d.group_worse_off
    (2.0, 'higher', True)
    """
    num = np.asarray(group_counts[0], dtype=np.float64)
    den = np.asarray(group_counts[1], dtype=np.float64)

    def arr(values: npt.ArrayLike) -> FloatArray:
        out: FloatArray = np.broadcast_to(np.asarray(values, dtype=np.float64), num.shape).copy()
        return out

    def rate(x: FloatArray, n: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, x / np.where(n > 0, n, 1.0), np.nan)

    rnum, rden = arr(reference_counts[0]), arr(reference_counts[1])
    gv = rate(num, den) if group_values is None else arr(group_values)
    rv = rate(rnum, rden) if reference_value is None else arr(reference_value)
    gx, gn = (
        (num, den)
        if effective_group is None
        else (arr(effective_group[0]), arr(effective_group[1]))
    )
    rxa, rna = (
        (rnum, rden)
        if effective_reference is None
        else (arr(effective_reference[0]), arr(effective_reference[1]))
    )
    kw: dict[str, Any] = {"confidence_level": confidence_level}
    d_lo, d_hi = difference_interval(gx, gn, rxa, rna, **kw)
    r_lo, r_hi = ratio_interval(gx, gn, rxa, rna, **kw)
    o_lo, o_hi = odds_ratio_interval(gx, gn, rxa, rna, **kw)
    stat, pval, used = two_proportion_test(
        np.rint(gx), np.rint(gn), np.rint(rxa), np.rint(rna), method=test
    )
    padj = adjust_pvalues(pval, method=adjust)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = gv / rv
        odds = (gv / (1 - gv)) / (rv / (1 - rv))
    diff = gv - rv
    direction = np.where(
        np.isnan(diff), 0, np.where(diff > 0, 1, np.where(diff < 0, 2, 3))
    ).tolist()
    n = len(groups)
    # One Disparity (with three ConfidenceIntervals and a TestResult) per group, built
    # positionally by map() without a Python-level loop; every array goes to Python
    # once with .tolist().  int() keeps the counts' old conversion (and its errors).
    return tuple(
        map(
            Disparity,
            repeat(metric, n),
            repeat(attributes, n),
            map(tuple, groups),
            repeat(tuple(reference), n),
            repeat(reference_rule, n),
            map(int, num.tolist()),
            map(int, den.tolist()),
            map(int, rnum.tolist()),
            map(int, rden.tolist()),
            gv.tolist(),
            rv.tolist(),
            diff.tolist(),
            map(ConfidenceInterval, d_lo.tolist(), d_hi.tolist()),
            ratio.tolist(),
            map(ConfidenceInterval, r_lo.tolist(), r_hi.tolist()),
            odds.tolist(),
            map(ConfidenceInterval, o_lo.tolist(), o_hi.tolist()),
            map(TestResult, stat.tolist(), pval.tolist(), used.tolist(), repeat("two-sided", n)),
            padj.tolist(),
            repeat(adjust, n),
            map(_DIRECTIONS.__getitem__, direction),
            repeat(harm, n),
            repeat(confidence_level, n),
            repeat(weighted, n),
        )
    )


def to_frame(items: Sequence[GroupMetric] | Sequence[Disparity]) -> pd.DataFrame:
    """Return a tidy pandas DataFrame with one row per group metric or disparity.

    Parameters
    ----------
    items : sequence of GroupMetric or of Disparity
        Results of :func:`group_metrics` or :func:`disparities`.

    Returns
    -------
    pandas.DataFrame
        Intervals and tests flattened into columns (``*_low``, ``*_high``, ``statistic``,
        ``pvalue``, ``test_method``); groups joined with ``" × "``.

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "d": [1, 0, 0, 0]})
    >>> table = count_table(frame, decision="d", groups="g")
    >>> to_frame(group_metrics(table, metrics=["selection_rate"]))[["group", "value"]]
      group  value
    0     a    0.5
    1     b    0.0
    """
    import pandas as pd

    rows: list[dict[str, object]] = []
    for item in items:
        row: dict[str, object] = {}
        for key, val in vars(item).items():
            if isinstance(val, ConfidenceInterval):
                row[f"{key.removesuffix('_interval')}_low"] = val.low
                row[f"{key.removesuffix('_interval')}_high"] = val.high
            elif isinstance(val, TestResult):
                row["statistic"], row["pvalue"], row["test_method"] = (
                    val.statistic,
                    val.pvalue,
                    val.method,
                )
            elif isinstance(val, tuple):
                row[key] = " × ".join(val)
            else:
                row[key] = val
        rows.append(row)
    frame: pd.DataFrame = pd.DataFrame(rows)
    return frame
