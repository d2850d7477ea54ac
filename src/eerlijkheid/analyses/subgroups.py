"""Intersections nobody named: scan every subgroup up to an order against the rest.

Disparity analyses compare groups that someone chose (``groups=[...]``) with a reference
group.  A harmed group may instead be a *combination* of levels nobody looked at — young,
single residents of one district.  :func:`subgroup_scan` searches every combination of
levels of every subset of the group attributes up to ``max_order`` attributes, from the
count table alone (marginals, no new scan of the data), and compares each subgroup with
its **complement**: every other case.

Conventions
-----------
Arm
    With a random-sample dimension, the scan uses the *profile arm* (cases not drawn by
    the random sample), like :func:`~eerlijkheid.analyses.analyse_disparity`: the random
    arm would dilute the profile's selections.  ``arm`` in the result says which.
Subgroups and complement
    A subgroup is an observed level combination of a grouping (one to ``max_order``
    attributes); the complement is every case of the arm outside it.  Rates, Wilson
    intervals, ratio (Katz log), difference (Newcombe) and the two-sided test come from
    :func:`eerlijkheid.metrics.compare_counts`.  The test is **Fisher's exact test** by
    default (``test="fisher"``) where the smallest expected cell is below 100
    (``exact_below``), not the chi-square test the other comparisons use: after
    adjustment over a large family only p-values far in the tail count, and there the
    chi-square approximation is anti-conservative for small subgroups (in simulations of
    this library with 59 subgroups of about 125 cases and a rate of 0.1, Holm with
    chi-square gave a family-wise error of 6.4% over 1,000 null data sets, with Fisher's
    test 4.1%; nominal 5%).  Weighted tables use Kish effective sizes, as everywhere in
    :mod:`eerlijkheid.metrics` (rounded to whole numbers for Fisher's test).
Minimum size
    A subgroup whose metric denominator, or whose complement's, is below ``min_size``
    is *not tested*: it is listed in :attr:`SubgroupScan.not_tested` and counted, never
    dropped silently.
Multiplicity
    One family: every tested subgroup of every order.  The p-values are adjusted over it
    with ``config.adjust`` (Holm by default: family-wise error rate ``config.alpha``).
    Each comparison's ``pvalue_adjusted`` is this family-wide value.
Ranking
    The worst-off subgroups are those on the harmful side of the metric
    (``config.favourable``: for a burden a higher selection rate is worse, for a benefit a
    lower one), ranked by the bound of the ratio's interval nearest to 1 (the lower bound
    when higher is worse, the upper bound when lower is worse): the gap the data support
    at least, so that a tiny subgroup with a noisy extreme ratio does not outrank a large,
    clearly worse-off one.  Ties: smaller adjusted p-value, lower order, attribute order.
Which attributes drive the gap
    For each top subgroup of order 2 or more, the rate of every sub-combination of its
    attributes (same labels) is compared with the subgroup's own rate.  The *drivers* are
    the smallest sub-combination whose rate comes within a factor
    ``config.thresholds.low`` of the subgroup's rate, taken at the bound of its interval
    (``config.interval_method``, ``config.confidence_level``) nearest to the
    sub-combinations — the lower bound when higher is worse — so that an interaction is
    only claimed when the data support it (ties: the larger gap).  If a single attribute
    already carries the gap, it is named; if only the full combination does, the gap is
    an interaction.  Gaps are harm-signed log-ratios of a rate to the overall rate of the
    arm (finite even when the rest has rate 0).  Alongside, a log-linear decomposition
    on the rate scale: the main effect of each attribute level (its rate over the overall
    rate) and the interaction (the subgroup's rate over the overall rate, divided by the
    product of the main effects; 1 means the main effects explain the subgroup fully).
Does the combination add something?
    For the same subgroups, the interaction with an interval and a test, estimated as in
    :mod:`eerlijkheid.analyses.disparity`: the ratio of rate ratios of the 2×2 table
    (level of one attribute or not) × (levels of the others or not), each attribute in turn
    against the combination of the others, the weakest split (largest p-value) reported;
    delta-method Wald interval and z-test on the log scale; p-values adjusted
    (``config.adjust``) over the top subgroups of order 2 or more.  ``interaction_adds``
    of :class:`DriverAnalysis` says whether it is material (``thresholds.low`` on the
    harmful side) and certain (adjusted p below ``config.alpha``).

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.config import AuditConfig
>>> from eerlijkheid.counts import count_table
>>> frame = pd.DataFrame({
...     "wijk": ["a", "a", "b", "b"] * 50,
...     "leeftijd": ["jong", "oud"] * 100,
...     "geselecteerd": ([1, 0, 0, 0] + [0] * 4) * 25,
... })
>>> table = count_table(frame, decision="geselecteerd", groups=["wijk", "leeftijd"])
>>> scan = subgroup_scan(table, AuditConfig(order=2), min_size=20)
>>> best = scan.top[0]
>>> best.attributes, best.group, round(best.comparison.ratio, 1)
(('wijk', 'leeftijd'), ('a', 'jong'), inf)
>>> scan.drivers[0].drivers
('wijk', 'leeftijd')
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from eerlijkheid.analyses.disparity import ratio_of_rate_ratios
from eerlijkheid.config import AuditConfig, Role
from eerlijkheid.counts import UNKNOWN_CODE, CountTable
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message
from eerlijkheid.metrics import METRICS, Disparity, compare_counts
from eerlijkheid.stats import adjust_pvalues, proportion_interval

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_ORDER",
    "REST_LABEL",
    "DriverAnalysis",
    "SubgroupComparison",
    "SubgroupScan",
    "UntestedSubgroup",
    "subgroup_scan",
]

#: Highest order the scan accepts: the number of subgroups grows with the product of the
#: attributes' levels, and a family of that size leaves no power after adjustment.
MAX_ORDER = 4
#: Label of the complement (every case outside the subgroup) in comparisons.
REST_LABEL = "overige"

FloatArray = npt.NDArray[np.float64]
Grouping = tuple[str, ...]
Key = tuple[Grouping, tuple[str, ...]]


@dataclass(frozen=True)
class SubgroupComparison:
    """One subgroup compared with the rest of the population.

    Attributes
    ----------
    attributes : tuple of str
        The attributes that define the subgroup.
    group : tuple of str
        Its labels, one per attribute.
    comparison : Disparity
        The subgroup (``group``) against its complement (reference ``("overige",)``,
        reference rule ``"complement"``); ``pvalue_adjusted`` is adjusted over the whole
        family of tested subgroups.
    rank : int or None
        Position among the worst-off subgroups (1 = worst), ``None`` when the subgroup is
        not on the harmful side.
    """

    attributes: Grouping
    group: tuple[str, ...]
    comparison: Disparity
    rank: int | None

    @property
    def order(self) -> int:
        """Number of attributes (1 for a single attribute)."""
        return len(self.attributes)


@dataclass(frozen=True)
class UntestedSubgroup:
    """A subgroup too small to test (below ``min_size``), counted instead of dropped.

    Attributes
    ----------
    attributes, group : tuple of str
        The subgroup.
    size : int
        Its metric denominator (cases).
    rest_size : int
        The complement's metric denominator.
    """

    attributes: Grouping
    group: tuple[str, ...]
    size: int
    rest_size: int


@dataclass(frozen=True)
class DriverAnalysis:
    """Which of a subgroup's attributes carry its gap.

    Attributes
    ----------
    attributes, group : tuple of str
        The subgroup (order 2 or more).
    log_ratio : float
        Harm-signed log of the subgroup's rate over the overall rate (positive: worse off).
    sub_log_ratios : tuple of ((tuple of str), float)
        The same for every proper sub-combination of the attributes (same labels), by
        order then attribute order.
    drivers : tuple of str
        The smallest sub-combination whose rate comes within a factor ``exp(tolerance)``
        of the confidence bound of the subgroup's rate (the subgroup's own attributes when
        none does).
    interaction : bool
        Whether only the full combination carries the gap (``drivers == attributes``).
    excess_over_best_parent : float
        ``log_ratio`` minus the largest log-ratio of a sub-combination one attribute
        smaller (how much the last attribute adds).
    main_effects : tuple of (str, float)
        Per attribute, the rate of its level over the overall rate (log-linear main
        effect on the rate scale).
    interaction_ratio : float
        The subgroup's rate over the overall rate, divided by the product of the main
        effects (1: the main effects explain it).
    tolerance : float
        ``log(thresholds.low)``: how close a sub-combination must come.
    method : str
        How the drivers were found.
    interaction_margins : float
        The ratio of rate ratios of the subgroup against the rest of its margins (see the
        module docstring; 1: its margins explain it; NaN: undefined).
    interaction_low, interaction_high : float
        Its interval at ``config.confidence_level``.
    interaction_pvalue, interaction_pvalue_adjusted : float
        Wald test of no interaction; adjusted over the top subgroups of order 2 or more.
    interaction_adds : bool
        The interaction is material (``thresholds.low`` on the harmful side) and certain
        (adjusted p below ``alpha``).
    """

    attributes: Grouping
    group: tuple[str, ...]
    log_ratio: float
    sub_log_ratios: tuple[tuple[Grouping, float], ...]
    drivers: Grouping
    interaction: bool
    excess_over_best_parent: float
    main_effects: tuple[tuple[str, float], ...]
    interaction_ratio: float
    tolerance: float
    method: str
    interaction_margins: float = math.nan
    interaction_low: float = math.nan
    interaction_high: float = math.nan
    interaction_pvalue: float = math.nan
    interaction_pvalue_adjusted: float = math.nan
    interaction_adds: bool = False


@dataclass(frozen=True)
class SubgroupScan:
    """The subgroups of every order compared with the rest; the worst-off first.

    Attributes
    ----------
    metric : str
        The rate metric compared.
    attributes : tuple of str
        The group attributes scanned.
    max_order : int
        Highest order scanned.
    order_capped : bool
        ``max_order`` was lowered to :data:`MAX_ORDER` (the configured order was higher).
    min_size : int
        Smallest metric denominator of a subgroup (and of its complement) to be tested.
    harm : {'higher', 'lower', 'either'}
        Which side of the metric is worse for a subgroup.
    arm : {'profile', 'all'}
        The cases scanned: the profile arm (random arm left out) or all cases.
    tested : tuple of SubgroupComparison
        Every tested subgroup, by order, grouping and level order.
    not_tested : tuple of UntestedSubgroup
        Subgroups below ``min_size``.
    top : tuple of SubgroupComparison
        The worst-off subgroups (at most ``top``), worst first.
    drivers : tuple of DriverAnalysis
        One per top subgroup of order 2 or more, in the order of ``top``.
    family_size : int
        Number of testable comparisons the p-values were adjusted over.
    adjustment : str
        Multiplicity adjustment over the family.
    confidence_level, alpha : float
        Level of the intervals; significance level.
    method : str
        The methods behind the numbers.
    """

    metric: str
    attributes: Grouping
    max_order: int
    order_capped: bool
    min_size: int
    harm: str
    arm: Literal["profile", "all"]
    tested: tuple[SubgroupComparison, ...]
    not_tested: tuple[UntestedSubgroup, ...]
    top: tuple[SubgroupComparison, ...]
    drivers: tuple[DriverAnalysis, ...]
    family_size: int
    adjustment: str
    confidence_level: float
    alpha: float
    method: str

    def driver_of(self, subgroup: SubgroupComparison) -> DriverAnalysis | None:
        """Return the driver analysis of a top subgroup (``None`` for order 1 or not top).

        Parameters
        ----------
        subgroup : SubgroupComparison
            A subgroup of :attr:`top`.

        Returns
        -------
        DriverAnalysis or None
            Its analysis.
        """
        for d in self.drivers:
            if d.attributes == subgroup.attributes and d.group == subgroup.group:
                return d
        return None

    def to_frame(self) -> pd.DataFrame:
        """Return one row per tested subgroup (tidy), worst-off ranks first.

        Returns
        -------
        pandas.DataFrame
            Attributes, labels, counts, rates, ratio and interval, difference, p-values.
        """
        import pandas as pd

        rows: list[dict[str, object]] = []
        ordered = sorted(
            self.tested, key=lambda s: (s.rank if s.rank is not None else math.inf, s.order)
        )
        for s in ordered:
            d = s.comparison
            rows.append(
                {
                    "rank": s.rank,
                    "order": s.order,
                    "attributes": " × ".join(s.attributes),
                    "group": " × ".join(s.group),
                    "numerator": d.group_numerator,
                    "denominator": d.group_denominator,
                    "rest_numerator": d.reference_numerator,
                    "rest_denominator": d.reference_denominator,
                    "value": d.group_value,
                    "rest_value": d.reference_value,
                    "ratio": d.ratio,
                    "ratio_low": d.ratio_interval.low,
                    "ratio_high": d.ratio_interval.high,
                    "difference": d.difference,
                    "difference_low": d.difference_interval.low,
                    "difference_high": d.difference_interval.high,
                    "pvalue": d.test.pvalue,
                    "pvalue_adjusted": d.pvalue_adjusted,
                    "test": d.test.method,
                }
            )
        frame: pd.DataFrame = pd.DataFrame(rows)
        return frame


@dataclass(frozen=True)
class _Counts:
    """Counts of one grouping's observed level combinations in the arm."""

    labels: tuple[tuple[str, ...], ...]
    num: FloatArray
    den: FloatArray
    wnum: FloatArray
    wden: FloatArray
    w2den: FloatArray


def _grouping_counts(table: CountTable, grouping: Grouping, metric: str) -> _Counts:
    """Sparse per-combination sums (no dense product of all levels)."""
    decision = table.names_with_role(Role.DECISION)[0]
    outcome = table.names_with_role(Role.OUTCOME)
    spec = METRICS[metric]
    sub = table.marginal([*grouping, decision, *outcome])
    codes = sub.codes
    k = len(grouping)
    out_codes = codes[:, k + 1] if outcome else np.full(codes.shape[0], UNKNOWN_CODE)
    in_num = spec.numerator[codes[:, k], out_codes]
    in_den = spec.denominator[codes[:, k], out_codes]
    keys, inverse = np.unique(codes[:, :k], axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    size = keys.shape[0]
    n = sub.n.astype(np.float64)
    w = n if sub.weight is None else sub.weight
    w2 = n if sub.weight_sq is None else sub.weight_sq

    def total(values: FloatArray, mask: npt.NDArray[np.bool_]) -> FloatArray:
        out: FloatArray = np.asarray(
            np.bincount(inverse, weights=values * mask, minlength=size), dtype=np.float64
        )
        return out

    level_names = [table.levels(a) for a in grouping]
    labels = tuple(
        tuple(level_names[j][int(c)] for j, c in enumerate(row)) for row in keys.tolist()
    )
    return _Counts(
        labels=labels,
        num=total(n, in_num),
        den=total(n, in_den),
        wnum=total(w, in_num),
        wden=total(w, in_den),
        w2den=total(w2, in_den),
    )


def _effective(wnum: FloatArray, wden: FloatArray, w2den: FloatArray) -> tuple[FloatArray, ...]:
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(wden > 0, wnum / np.where(wden > 0, wden, 1.0), np.nan)
        n_eff = np.where(w2den > 0, wden**2 / np.where(w2den > 0, w2den, 1.0), 0.0)
    x_eff = np.minimum(np.where(wden > 0, np.nan_to_num(value) * n_eff, 0.0), n_eff)
    return value, x_eff, n_eff


def _harm_log(group_value: float, rest_value: float, harm: str) -> float:
    """Harm-signed log-ratio of two rates (positive: the group is worse off)."""
    if not (math.isfinite(group_value) and math.isfinite(rest_value)):
        return math.nan
    if group_value == rest_value:
        return 0.0
    if rest_value == 0:
        value = math.inf
    elif group_value == 0:
        value = -math.inf
    else:
        value = math.log(group_value / rest_value)
    return -value if harm == "lower" else value


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(
            message(
                "invalid-option",
                name=name,
                allowed=f"{minimum}, {minimum + 1}, ...",
                value=repr(value),
            )
        )
    return value


def subgroup_scan(
    table: CountTable,
    config: AuditConfig,
    *,
    max_order: int | None = None,
    min_size: int = 30,
    metric: str = "selection_rate",
    top: int = 10,
    test: Literal["fisher", "auto", "chi2"] = "fisher",
    exact_below: float = 100.0,
) -> SubgroupScan:
    """Compare every subgroup up to ``max_order`` attributes with the rest of the population.

    Parameters
    ----------
    table : CountTable
        The count table (a random-sample dimension restricts the scan to the profile arm).
    config : AuditConfig
        Polarity (``favourable``), interval level, adjustment, alpha, severity thresholds
        (``thresholds.low`` is the tolerance of the driver analysis), default order.
    max_order : int, optional
        Highest intersection order; default ``config.order``, capped at :data:`MAX_ORDER`
        and the number of group attributes.  An explicit value above :data:`MAX_ORDER`
        is an error.
    min_size : int, default 30
        Smallest metric denominator of a subgroup and of its complement to be tested.
    metric : str, default "selection_rate"
        A rate metric of :data:`eerlijkheid.metrics.METRICS`.
    top : int, default 10
        Number of worst-off subgroups to report.
    test : {'fisher', 'auto', 'chi2'}, default 'fisher'
        Test of each subgroup against the rest (see the module docstring for why exact).
        ``'fisher'`` uses Fisher's exact test where the smallest expected cell is below
        ``exact_below`` and the chi-square test above it, where the two agree closely and
        the exact test's cost would grow with the number of cases.
    exact_below : float, default 100
        With ``test='fisher'``: the smallest expected cell from which the chi-square test
        is used.  ``math.inf``: Fisher's exact test everywhere.

    Returns
    -------
    SubgroupScan
        Every tested subgroup, the untested ones, the worst-off and their drivers.

    Raises
    ------
    ConfigError
        For an unknown or non-rate metric, a metric that needs an outcome the table lacks,
        or a bad ``max_order``, ``min_size`` or ``top``.

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.config import AuditConfig
    >>> from eerlijkheid.counts import count_table
    >>> frame = pd.DataFrame({"g": ["a"] * 50 + ["b"] * 50,
    ...                       "d": [1] * 25 + [0] * 25 + [1] * 10 + [0] * 40})
    >>> scan = subgroup_scan(count_table(frame, decision="d", groups="g"), AuditConfig())
    >>> [(s.group, s.comparison.group_value, s.comparison.reference_value) for s in scan.top]
    [(('a',), 0.5, 0.2)]
    """
    if metric not in METRICS or METRICS[metric].kind != "rate":
        rates = ", ".join(name for name, m in METRICS.items() if m.kind == "rate")
        raise ConfigError(
            message("invalid-option", name="metric", allowed=rates, value=repr(metric))
        )
    if METRICS[metric].needs_outcome and not table.names_with_role(Role.OUTCOME):
        raise ConfigError(message("metric-needs-outcome", metric=metric))
    min_size = _check_int(min_size, "min_size", 1)
    top = _check_int(top, "top", 0)
    if not (isinstance(exact_below, (int, float)) and exact_below >= 0):
        raise ConfigError(
            message("invalid-option", name="exact_below", allowed="x >= 0", value=exact_below)
        )
    attrs = table.groups
    capped = False
    if max_order is None:
        order = min(config.order, len(attrs))
        if order > MAX_ORDER:
            order, capped = MAX_ORDER, True
    else:
        order = _check_int(max_order, "max_order", 1)
        if order > MAX_ORDER:
            raise ConfigError(
                message(
                    "invalid-option",
                    name="max_order",
                    allowed=f"1 … {MAX_ORDER}",
                    value=repr(order),
                )
            )
        order = min(order, len(attrs))
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    arm: Literal["profile", "all"] = "profile" if random else "all"
    data = table.subset({random[0]: "0"}) if random else table
    harm = METRICS[metric].harm(favourable=config.favourable)

    groupings = [c for k in range(1, order + 1) for c in itertools.combinations(attrs, k)]
    # (value, rest value, effective count, effective size) of every combination
    values: dict[Key, tuple[float, float, float, float]] = {}
    # sums of weights (numerator, denominator) and squared weights of every combination
    sums: dict[Key, tuple[float, float, float]] = {}
    totals = (0.0, 0.0, 0.0)
    overall = float("nan")
    pieces: list[tuple[Grouping, list[tuple[str, ...]], tuple[FloatArray, ...]]] = []
    not_tested: list[UntestedSubgroup] = []
    for grouping in groupings:
        c = _grouping_counts(data, grouping, metric)
        total = (c.num.sum(), c.den.sum(), c.wnum.sum(), c.wden.sum(), c.w2den.sum())
        rnum, rden = total[0] - c.num, total[1] - c.den
        rwnum, rwden, rw2den = total[2] - c.wnum, total[3] - c.wden, total[4] - c.w2den
        # float round-off of the subtraction must not make an empty complement negative
        rwden, rw2den = np.maximum(rwden, 0.0), np.maximum(rw2den, 0.0)
        gv, gx, gn = _effective(c.wnum, c.wden, c.w2den)
        rv, rx, rn = _effective(np.maximum(rwnum, 0.0), rwden, rw2den)
        overall = total[2] / total[3] if total[3] > 0 else float("nan")
        for label, a, b, x, m in zip(
            c.labels, gv.tolist(), rv.tolist(), gx.tolist(), gn.tolist(), strict=True
        ):
            values[(grouping, label)] = (a, b, x, m)
        for label, wn, wd, w2 in zip(
            c.labels, c.wnum.tolist(), c.wden.tolist(), c.w2den.tolist(), strict=True
        ):
            sums[(grouping, label)] = (wn, wd, w2)
        totals = (float(total[2]), float(total[3]), float(total[4]))
        keep = (c.den >= min_size) & (rden >= min_size)
        for i in np.flatnonzero(~keep).tolist():
            not_tested.append(UntestedSubgroup(grouping, c.labels[i], int(c.den[i]), int(rden[i])))
        idx = np.flatnonzero(keep)
        if idx.size:
            pieces.append(
                (
                    grouping,
                    [c.labels[i] for i in idx.tolist()],
                    (
                        c.num[idx],
                        c.den[idx],
                        rnum[idx],
                        rden[idx],
                        gv[idx],
                        rv[idx],
                        gx[idx],
                        gn[idx],
                        rx[idx],
                        rn[idx],
                    ),
                )
            )
    comparisons: list[tuple[Grouping, Disparity]] = []
    for grouping, labels, arrays in pieces:
        gx_, gn_, rx_, rn_ = arrays[6:]
        successes = gx_ + rx_
        with np.errstate(divide="ignore", invalid="ignore"):
            min_expected = (
                np.minimum(gn_, rn_) * np.minimum(successes, gn_ + rn_ - successes) / (gn_ + rn_)
            )
        exact = ~(min_expected >= exact_below) if test == "fisher" else np.zeros(len(labels), bool)
        found: list[Disparity | None] = [None] * len(labels)
        for use_exact in (True, False):
            part = np.flatnonzero(exact == use_exact)
            if not part.size:
                continue
            num, den, rnum_, rden_, gv_, rv_, gx, gn, rx, rn = (a[part] for a in arrays)
            results = compare_counts(
                metric=metric,
                attributes=grouping,
                groups=[labels[i] for i in part.tolist()],
                reference=(REST_LABEL,),
                reference_rule="complement",
                group_counts=(num, den),
                reference_counts=(rnum_, rden_),
                group_values=gv_,
                reference_value=rv_,
                effective_group=(gx, gn),
                effective_reference=(rx, rn),
                harm=harm,
                confidence_level=config.confidence_level,
                test="fisher" if use_exact else ("chi2" if test == "fisher" else test),
                adjust="none",
                weighted=table.weighted,
            )
            for i, d in zip(part.tolist(), results, strict=True):
                found[i] = d
        comparisons.extend((grouping, d) for d in found if d is not None)
    raw = np.array([d.test.pvalue for _, d in comparisons], dtype=np.float64)
    adjusted = adjust_pvalues(raw, method=config.adjust).tolist() if raw.size else []
    family = int(np.isfinite(raw).sum())
    final = [
        replace(d, pvalue_adjusted=p, adjustment=config.adjust)
        for (_, d), p in zip(comparisons, adjusted, strict=True)
    ]

    def bound(d: Disparity) -> float:
        ci = d.ratio_interval
        if harm == "lower":
            return -math.log(ci.high) if ci.high > 0 else math.inf
        return math.log(ci.low) if ci.low > 0 else -math.inf

    worse = [i for i, d in enumerate(final) if d.group_worse_off]
    worse.sort(
        key=lambda i: (
            -bound(final[i]),
            final[i].pvalue_adjusted if math.isfinite(final[i].pvalue_adjusted) else 2.0,
            len(final[i].attributes),
            tuple(attrs.index(a) for a in final[i].attributes),
            i,
        )
    )
    rank = {i: r + 1 for r, i in enumerate(worse)}
    tested = tuple(
        SubgroupComparison(d.attributes, d.group, d, rank.get(i)) for i, d in enumerate(final)
    )
    best = tuple(tested[i] for i in worse[:top])
    drivers = _with_interactions(
        tuple(_drivers(s, values, overall, harm, config) for s in best if s.order >= 2),
        sums,
        totals,
        harm,
        config,
    )
    return SubgroupScan(
        metric=metric,
        attributes=attrs,
        max_order=order,
        order_capped=capped,
        min_size=min_size,
        harm=harm,
        arm=arm,
        tested=tested,
        not_tested=tuple(not_tested),
        top=best,
        drivers=drivers,
        family_size=family,
        adjustment=config.adjust,
        confidence_level=config.confidence_level,
        alpha=config.alpha,
        method=(
            "subgroup vs complement; wilson; newcombe; katz-log; "
            + (
                f"fisher below an expected cell of {exact_below:g}, chi2 above (two-sided); "
                if test == "fisher"
                else f"{test} (two-sided); "
            )
            + f"{config.adjust} over all tested subgroups; ranked by the ratio bound nearest 1"
        ),
    )


def _with_interactions(
    drivers: tuple[DriverAnalysis, ...],
    sums: Mapping[Key, tuple[float, float, float]],
    totals: tuple[float, float, float],
    harm: str,
    config: AuditConfig,
) -> tuple[DriverAnalysis, ...]:
    """Add the interaction with the margins (ratio of rate ratios, weakest split)."""
    if not drivers:
        return drivers
    z = NormalDist().inv_cdf(0.5 + config.confidence_level / 2)
    found: list[tuple[float, float, float]] = []
    for d in drivers:
        own = np.array(sums[(d.attributes, d.group)], dtype=np.float64)
        whole = np.array(totals, dtype=np.float64)
        splits = range(1 if len(d.attributes) == 2 else len(d.attributes))
        best: tuple[float, float, float] | None = (math.nan, math.nan, -1.0)
        for j in splits:
            others = tuple(k for k in range(len(d.attributes)) if k != j)
            x = np.array(sums[((d.attributes[j],), (d.group[j],))], dtype=np.float64)
            y = np.array(
                sums[(tuple(d.attributes[k] for k in others), tuple(d.group[k] for k in others))],
                dtype=np.float64,
            )
            cells = [own, y - own, x - own, whole - x - y + own]
            log, se, pvalue = ratio_of_rate_ratios(
                *(
                    {
                        "wnum": np.array([max(c[0], 0.0)]),
                        "wden": np.array([max(c[1], 0.0)]),
                        "w2den": np.array([max(c[2], 0.0)]),
                    }
                    for c in cells
                )
            )
            pv = float(pvalue[0])
            if not math.isfinite(pv):
                best = None
                break
            if best is not None and pv > best[2]:
                best = (float(log[0]), float(se[0]), pv)
        found.append(best if best is not None else (math.nan, math.nan, math.nan))
    adjusted = adjust_pvalues(np.array([f[2] for f in found]), method=config.adjust)
    out = []
    for d, (est, err, pv), padj in zip(drivers, found, adjusted.tolist(), strict=True):
        ratio = math.exp(est) if math.isfinite(est) else math.nan
        low = config.thresholds.low
        material = math.isfinite(ratio) and (
            ratio >= low
            if harm == "higher"
            else ratio <= 1 / low
            if harm == "lower"
            else (ratio >= low or ratio <= 1 / low)
        )
        out.append(
            replace(
                d,
                interaction_margins=ratio,
                interaction_low=math.exp(est - z * err) if math.isfinite(est) else math.nan,
                interaction_high=math.exp(est + z * err) if math.isfinite(est) else math.nan,
                interaction_pvalue=pv,
                interaction_pvalue_adjusted=float(padj),
                interaction_adds=bool(material and padj < config.alpha),
            )
        )
    return tuple(out)


def _drivers(
    s: SubgroupComparison,
    values: Mapping[Key, tuple[float, float, float, float]],
    overall: float,
    harm: str,
    config: AuditConfig,
) -> DriverAnalysis:
    low = config.thresholds.low

    def gap(rate: float) -> float:
        return _harm_log(rate, overall, harm)

    def carries(rate: float, own: float) -> bool:
        # within a factor ``low`` of the subgroup's own rate, on the harmful side
        return rate * low >= own if harm != "lower" else rate <= own * low

    own_rate, _, own_x, own_n = values[(s.attributes, s.group)]
    lower, upper = proportion_interval(
        own_x, own_n, confidence_level=config.confidence_level, method=config.interval_method
    )
    # the bound of the subgroup's own rate nearest the sub-combinations': a sub-combination
    # that the subgroup's rate cannot be told apart from (within a factor ``low``) carries it
    own_bound = float(upper) if harm == "lower" else float(lower)
    subs: list[tuple[Grouping, float, float]] = []
    positions = range(len(s.attributes))
    for k in range(1, s.order):
        for picked in itertools.combinations(positions, k):
            grouping = tuple(s.attributes[p] for p in picked)
            labels = tuple(s.group[p] for p in picked)
            rate = values[(grouping, labels)][0]
            subs.append((grouping, rate, gap(rate)))
    eligible = [(g, v) for g, rate, v in subs if carries(rate, own_bound)]
    eligible.sort(key=lambda gv: (len(gv[0]), -gv[1]))
    drivers = eligible[0][0] if eligible else s.attributes
    own = gap(own_rate)
    parents = [v for g, _, v in subs if len(g) == s.order - 1]
    with np.errstate(invalid="ignore"):
        excess = float(np.float64(own) - np.float64(max(parents))) if parents else math.nan
    main: list[tuple[str, float]] = []
    product = np.float64(1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        for attribute, label in zip(s.attributes, s.group, strict=True):
            effect = np.float64(values[((attribute,), (label,))][0]) / np.float64(overall)
            main.append((attribute, float(effect)))
            product = product * effect
        interaction = float(np.float64(own_rate) / np.float64(overall) / product)
    return DriverAnalysis(
        attributes=s.attributes,
        group=s.group,
        log_ratio=own,
        sub_log_ratios=tuple((g, v) for g, _, v in subs),
        drivers=drivers,
        interaction=drivers == s.attributes,
        excess_over_best_parent=excess,
        main_effects=tuple(main),
        interaction_ratio=interaction,
        tolerance=math.log(low),
        method=(
            "smallest sub-combination whose rate is within a factor thresholds.low of the "
            "confidence bound of the subgroup's rate (harmful side); log-linear main "
            "effects and interaction on the rate scale, relative to the overall rate"
        ),
    )
