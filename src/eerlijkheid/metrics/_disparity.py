"""Per-group metrics and group-versus-reference disparities, computed from the count table.

Everything here is vectorised over groups *and* groupings: the count table is reduced,
per grouping (a single attribute or an intersection), to the ``(decision, outcome)``
counts of every observed group; the groups of all groupings are stacked into one block,
and every metric, interval and test is computed for all of them at once.  The results
come as columns (:func:`group_metric_table`, :func:`disparity_table`, the path for large
audits) or as frozen objects (:func:`group_metrics`, :func:`disparities`, built from
those columns).

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
* The reference per grouping is an explicit label (``reference={"attribute": "label"}``),
  the ``"largest"`` group, the ``"most-favourable"`` group on the metric (lowest value
  when higher is worse, highest when lower is worse, the largest group when neither is
  worse), among groups whose denominator is at least ``min_reference_size`` (all groups
  when none is), or ``"rest"``: every other case of the grouping together (one against
  the rest; the reference is labelled :data:`REST_REFERENCE`, rule ``"rest"``).
* An intersection whose attributes are only partly named in a ``reference`` mapping
  (``partial_reference``): ``"same-level"`` (default) compares the group ``(a, b)`` with
  ``(a_ref, b)`` — the named reference at the group's own level of every unnamed
  attribute — so the comparison isolates the named ground (rule ``"same-level"``; the
  groups at the reference level are the references and are not compared themselves; a
  reference cell without cases gives an empty reference and NaN comparisons).
  ``"rule"`` uses the fallback rule ``"largest"`` on the intersection as a whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from eerlijkheid.config import Role
from eerlijkheid.counts import UNKNOWN_CODE, CountTable
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message
from eerlijkheid.metrics._registry import METRICS, Harm, Metric, metric_names
from eerlijkheid.metrics._results import Disparity, Grouping, GroupMetric
from eerlijkheid.metrics._tables import HARMS, DisparityTable, GroupMetricTable
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
    "REST_REFERENCE",
    "Disparity",
    "GroupMetric",
    "PartialReference",
    "ReferenceChoice",
    "compare_counts",
    "disparities",
    "disparity_table",
    "group_metric_table",
    "group_metrics",
    "groupings",
    "to_frame",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ReferenceChoice = Literal["largest", "most-favourable", "rest"]
PartialReference = Literal["same-level", "rule"]
#: Label of the reference "every other case together" (reference rule ``"rest"``).
REST_REFERENCE = "overige"


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


# -- the block: every group of every grouping, stacked --------------------------------------

_CELLS = 6  # (decision 0/1) x (outcome 0/1/not observed), flattened as decision * 3 + outcome


@dataclass(frozen=True)
class _Block:
    """The cells of every group of every grouping, one row per group (groupings stacked).

    Rows are ordered by grouping, then by the group's level codes (level order); only
    groups with at least one case are rows.
    """

    groupings: tuple[Grouping, ...]
    bounds: tuple[int, ...]  # rows of grouping k: bounds[k] : bounds[k + 1]
    codes: IntArray  # (rows, len(attributes)) level codes; -1: attribute not in the grouping
    attributes: tuple[str, ...]
    n: FloatArray  # (rows, 6) case counts
    w: FloatArray  # (rows, 6) sums of weights (the counts when unweighted)
    w2: FloatArray  # (rows, 6) sums of squared weights
    missing: npt.NDArray[np.bool_]  # the group holds a missing label
    labels: tuple[tuple[str, ...], ...]  # one per row

    @property
    def grouping(self) -> IntArray:
        sizes = [stop - start for start, stop in itertools.pairwise(self.bounds)]
        out: IntArray = np.repeat(np.arange(len(self.groupings), dtype=np.int64), sizes)
        return out


def _group_keys(codes: IntArray, sizes: Sequence[int]) -> tuple[IntArray, IntArray | None]:
    """Integer key per cell for a grouping, and the distinct level-code rows when not dense.

    Returns ``(keys, None)`` with ``keys = ravel_multi_index(codes)`` when the product of the
    sizes is small enough to count densely, else ``(inverse, unique_rows)`` from a sort.
    """
    total = float(np.prod(np.asarray(sizes, dtype=np.float64)))
    if total <= max(float(1 << 22), 4.0 * codes.shape[0]):
        keys: IntArray = np.asarray(np.ravel_multi_index(tuple(codes.T), tuple(sizes)))
        return keys.astype(np.int64, copy=False), None
    unique, inverse = np.unique(codes, axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), unique.astype(np.int64)


def _block(table: CountTable, grouping_list: Sequence[Grouping]) -> _Block:
    attributes = table.groups
    position = {name: i for i, name in enumerate(table.names)}
    decision = table.names_with_role(Role.DECISION)[0]
    outcome = table.names_with_role(Role.OUTCOME)
    cell = table.codes[:, position[decision]] * 3 + (
        table.codes[:, position[outcome[0]]] if outcome else UNKNOWN_CODE
    )
    sources = {"n": table.n.astype(np.float64)}
    if table.weight is not None and table.weight_sq is not None:
        sources["w"], sources["w2"] = table.weight, table.weight_sq
    column = {a: i for i, a in enumerate(attributes)}
    level_arrays = {a: np.array(table.levels(a), dtype=object) for a in attributes}
    missing_code = {a: len(table.levels(a)) - 1 for a in attributes if table.missing_labels.get(a)}
    bounds = [0]
    parts: dict[str, list[FloatArray]] = {key: [] for key in sources}
    code_parts: list[IntArray] = []
    labels: list[tuple[str, ...]] = []
    for grouping in grouping_list:
        sizes = [len(table.levels(a)) for a in grouping]
        keys, unique = _group_keys(table.codes[:, [position[a] for a in grouping]], sizes)
        groups = int(np.prod(sizes, dtype=np.int64)) if unique is None else unique.shape[0]
        flat = keys * _CELLS + cell
        sums: dict[str, FloatArray] = {
            key: np.bincount(flat, weights=values, minlength=groups * _CELLS)
            .astype(np.float64, copy=False)
            .reshape(groups, _CELLS)
            for key, values in sources.items()
        }
        present = np.flatnonzero(sums["n"].sum(axis=1) > 0)
        if unique is None:
            level_codes = np.column_stack(np.unravel_index(present, sizes)).astype(np.int64)
        else:
            level_codes = unique[present]
        codes = np.full((present.size, len(attributes)), -1, dtype=np.int64)
        for j, a in enumerate(grouping):
            codes[:, column[a]] = level_codes[:, j]
        code_parts.append(codes)
        for key in sources:
            parts[key].append(sums[key][present])
        labels.extend(
            zip(
                *(level_arrays[a][level_codes[:, j]].tolist() for j, a in enumerate(grouping)),
                strict=True,
            )
        )
        bounds.append(bounds[-1] + present.size)
    codes = (
        np.concatenate(code_parts) if code_parts else np.zeros((0, len(attributes)), dtype=np.int64)
    )
    missing = np.zeros(codes.shape[0], dtype=bool)
    for a, code in missing_code.items():
        missing |= codes[:, column[a]] == code

    def stacked(key: str) -> FloatArray:
        chosen = parts.get(key, parts["n"])
        out: FloatArray = (
            np.concatenate(chosen) if chosen else np.zeros((0, _CELLS), dtype=np.float64)
        )
        return out

    n = stacked("n")
    return _Block(
        groupings=tuple(grouping_list),
        bounds=tuple(bounds),
        codes=codes,
        attributes=attributes,
        n=n,
        w=stacked("w") if "w" in parts else n,
        w2=stacked("w2") if "w2" in parts else n,
        missing=missing,
        labels=tuple(labels),
    )


@dataclass(frozen=True)
class _Values:
    """Per metric (rows) and group (columns): counts, values and effective counts."""

    num: FloatArray  # case counts, (metrics, groups)
    den: FloatArray
    value: FloatArray
    x_eff: FloatArray  # effective counts for intervals and tests
    n_eff: FloatArray
    wnum: FloatArray  # sums of weights (the counts when unweighted)
    wden: FloatArray
    w2den: FloatArray  # sums of squared weights of the denominator


def _values(block: _Block, chosen: Sequence[Metric]) -> _Values:
    def total(array: FloatArray, mask: npt.NDArray[np.bool_]) -> FloatArray:
        cells = np.flatnonzero(mask.reshape(-1))
        sums: FloatArray = array[:, cells].sum(axis=1)
        return sums

    def stack(array: FloatArray, part: str) -> FloatArray:
        out: FloatArray = np.array(
            [total(array, getattr(m, part)) for m in chosen], dtype=np.float64
        ).reshape(len(chosen), array.shape[0])
        return out

    num, den = stack(block.n, "numerator"), stack(block.n, "denominator")
    weighted = block.w is not block.n
    wnum = stack(block.w, "numerator") if weighted else num
    wden = stack(block.w, "denominator") if weighted else den
    w2den = stack(block.w2, "denominator") if weighted else den
    for k, metric in enumerate(chosen):
        if metric.kind == "share":  # divide by the total over the groups of the grouping
            for start, stop in itertools.pairwise(block.bounds):
                for array in {id(a): a for a in (den, wden, w2den)}.values():
                    array[k, start:stop] = array[k, start:stop].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(wden > 0, wnum / np.where(wden > 0, wden, 1.0), np.nan)
        n_eff = np.where(w2den > 0, wden**2 / np.where(w2den > 0, w2den, 1.0), 0.0)
    x_eff = np.where(wden > 0, np.nan_to_num(value) * n_eff, 0.0)
    return _Values(num, den, value, np.minimum(x_eff, n_eff), n_eff, wnum, wden, w2den)


def _effective(wnum: FloatArray, wden: FloatArray, w2den: FloatArray) -> tuple[FloatArray, ...]:
    """Value, effective count and effective size from sums of weights (Kish)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(wden > 0, wnum / np.where(wden > 0, wden, 1.0), np.nan)
        n_eff = np.where(w2den > 0, wden**2 / np.where(w2den > 0, w2den, 1.0), 0.0)
    x_eff = np.where(wden > 0, np.nan_to_num(value) * n_eff, 0.0)
    return value, np.minimum(x_eff, n_eff), n_eff


def _complement(block: _Block, values: _Values) -> _Values:
    """Per group, every other case of its grouping together (the ``"rest"`` reference)."""

    def rest(array: FloatArray) -> FloatArray:
        out = np.empty_like(array)
        for start, stop in itertools.pairwise(block.bounds):
            part = array[:, start:stop]
            out[:, start:stop] = part.sum(axis=1, keepdims=True) - part
        clipped: FloatArray = np.maximum(out, 0.0)
        return clipped

    num, den = rest(values.num), rest(values.den)
    same = values.wnum is values.num
    wnum = num if same else rest(values.wnum)
    wden = den if same else rest(values.wden)
    w2den = den if same else rest(values.w2den)
    value, x_eff, n_eff = _effective(wnum, wden, w2den)
    return _Values(num, den, value, x_eff, n_eff, wnum, wden, w2den)


def _reference_row(
    block: _Block,
    k: int,
    values: _Values,
    m: int,
    harm: Harm,
    reference: ReferenceChoice | Mapping[str, str],
    min_reference_size: int,
    table: CountTable,
) -> tuple[int, str]:
    """Row (within grouping ``k``'s rows) of the one reference group, and the rule used."""
    start, stop = block.bounds[k], block.bounds[k + 1]
    grouping = block.groupings[k]
    if not isinstance(reference, str):
        if all(a in reference for a in grouping):
            wanted = tuple(str(reference[a]) for a in grouping)
            match = np.ones(stop - start, dtype=bool)
            for a, label in zip(grouping, wanted, strict=True):
                levels = table.levels(a)
                code = levels.index(label) if label in levels else -2
                match &= block.codes[start:stop, block.attributes.index(a)] == code
            found = np.flatnonzero(match)
            if found.size == 0:
                raise ConfigError(
                    message(
                        "reference-not-found",
                        grouping=" × ".join(grouping),
                        label=" × ".join(wanted),
                        available=", ".join(
                            " × ".join(g) for g in block.labels[start : min(stop, start + 20)]
                        ),
                    )
                )
            return int(found[0]), "explicit"
        rule: str = "largest"
    else:
        rule = reference
    if rule not in ("largest", "most-favourable"):
        raise ConfigError(
            message(
                "invalid-option",
                name="reference",
                allowed="'largest', 'most-favourable', 'rest', {attribute: label}",
                value=repr(rule),
            )
        )
    size = block.n[start:stop].sum(axis=1)
    eligible = ~block.missing[start:stop]
    if not eligible.any():
        eligible = np.ones_like(eligible)
    if rule == "most-favourable" and harm != "either":
        value = values.value[m, start:stop]
        big = eligible & (values.den[m, start:stop] >= min_reference_size) & np.isfinite(value)
        pool = big if big.any() else eligible & np.isfinite(value)
        if pool.any():
            score = np.where(pool, value if harm == "higher" else -value, np.inf)
            best = np.flatnonzero(score == score.min())
            return int(best[np.argmax(size[best])]), rule
    candidates = np.flatnonzero(eligible)
    return int(candidates[np.argmax(size[candidates])]), rule


def _named_levels(
    block: _Block, k: int, reference: Mapping[str, str], table: CountTable
) -> dict[int, int]:
    """Column (in ``block.codes``) to level code of the named reference, per named attribute."""
    out: dict[int, int] = {}
    for a in block.groupings[k]:
        if a not in reference:
            continue
        label = str(reference[a])
        levels = table.levels(a)
        if label not in levels:
            raise ConfigError(
                message(
                    "reference-not-found",
                    grouping=a,
                    label=label,
                    available=", ".join(levels[:20]),
                )
            )
        out[block.attributes.index(a)] = levels.index(label)
    return out


def _same_level_rows(
    block: _Block, k: int, named: Mapping[int, int], table: CountTable
) -> tuple[IntArray, list[tuple[int, tuple[str, ...]]]]:
    """Per group of grouping ``k``: the row of its same-level reference.

    Returns the reference row per group (``-1``: the group is a reference itself;
    ``-2 - j``: the ``j``-th reference cell without cases) and those empty cells as
    ``(group row, reference labels)``.
    """
    start, stop = block.bounds[k], block.bounds[k + 1]
    codes = block.codes[start:stop]
    row_of = {tuple(c): start + i for i, c in enumerate(codes.tolist())}
    columns = list(named)
    wanted = codes.copy()
    wanted[:, columns] = [named[c] for c in columns]
    grouping = block.groupings[k]
    out = np.empty(stop - start, dtype=np.int64)
    empty: list[tuple[int, tuple[str, ...]]] = []
    for i, (own, want) in enumerate(zip(codes.tolist(), wanted.tolist(), strict=True)):
        if own == want:
            out[i] = -1
            continue
        found = row_of.get(tuple(want))
        if found is None:
            labels = list(block.labels[start + i])
            for j, a in enumerate(grouping):
                column = block.attributes.index(a)
                if column in named:
                    labels[j] = table.levels(a)[named[column]]
            out[i] = -2 - len(empty)
            empty.append((start + i, tuple(labels)))
        else:
            out[i] = found
    return out, empty


def _codes(names: Sequence[str], values: Sequence[str]) -> tuple[tuple[str, ...], IntArray]:
    """Distinct names (first-seen order) and the code of each value."""
    distinct = tuple(dict.fromkeys(names))
    index = {name: i for i, name in enumerate(distinct)}
    return distinct, np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values))


def _compare(
    *,
    metrics: tuple[str, ...],
    metric: IntArray,
    groupings: tuple[Grouping, ...],
    grouping: IntArray,
    labels: tuple[tuple[str, ...], ...],
    group: IntArray,
    reference: IntArray,
    reference_rules: tuple[str, ...],
    reference_rule: IntArray,
    counts: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    values: tuple[FloatArray, FloatArray],
    effective: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    harm: IntArray,
    families: Sequence[tuple[int, int]],
    confidence_level: float,
    test: Literal["auto", "chi2", "fisher"],
    adjust: Literal["holm", "bh", "bonferroni", "none"],
    weighted: bool,
) -> DisparityTable:
    """Every comparison at once: intervals, tests, and the adjustment within each family."""
    num, den, rnum, rden = counts
    gv, rv = values
    gx, gn, rx, rn = effective
    kw: dict[str, Any] = {"confidence_level": confidence_level}
    d_lo, d_hi = difference_interval(gx, gn, rx, rn, **kw)
    r_lo, r_hi = ratio_interval(gx, gn, rx, rn, **kw)
    o_lo, o_hi = odds_ratio_interval(gx, gn, rx, rn, **kw)
    stat, pval, padj = (np.full(gx.shape, np.nan) for _ in range(3))
    fisher = np.zeros(gx.shape, dtype=np.int64)
    rounded = [np.rint(a) for a in (gx, gn, rx, rn)]
    for start, stop in families:
        # the test runs per family, as it always has: Fisher's exact test works in padded
        # blocks of distinct tables, whose composition can move a p-value in its last bit
        part = slice(start, stop)
        stat[part], pval[part], used = two_proportion_test(*(a[part] for a in rounded), method=test)
        fisher[part] = used == "fisher"
        padj[part] = adjust_pvalues(pval[part], method=adjust)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = gv / rv
        odds = (gv / (1 - gv)) / (rv / (1 - rv))
    diff = gv - rv
    direction = np.where(np.isnan(diff), 0, np.where(diff > 0, 1, np.where(diff < 0, 2, 3)))
    return DisparityTable(
        metrics=metrics,
        metric=metric,
        groupings=groupings,
        grouping=grouping,
        labels=labels,
        group=group,
        reference=reference,
        reference_rules=reference_rules,
        reference_rule=reference_rule,
        group_numerator=_whole(num),
        group_denominator=_whole(den),
        reference_numerator=_whole(rnum),
        reference_denominator=_whole(rden),
        group_value=gv,
        reference_value=rv,
        difference=diff,
        difference_low=d_lo,
        difference_high=d_hi,
        ratio=ratio,
        ratio_low=r_lo,
        ratio_high=r_hi,
        odds_ratio=odds,
        odds_ratio_low=o_lo,
        odds_ratio_high=o_hi,
        statistic=stat,
        pvalue=pval,
        test_methods=_TESTS,
        test_method=fisher,
        pvalue_adjusted=padj,
        direction=direction,
        harm=harm,
        adjustment=adjust,
        confidence_level=confidence_level,
        weighted=weighted,
    )


_TESTS = ("chi2", "fisher")


def _whole(counts: FloatArray) -> IntArray:
    """Return counts as int64, truncated as ``int()`` does (and failing where ``int()`` fails)."""
    if not np.isfinite(counts).all():
        int(counts[~np.isfinite(counts)][0])  # raises ValueError / OverflowError as before
    out: IntArray = np.trunc(counts).astype(np.int64)
    return out


_RULES = ("explicit", "largest", "most-favourable", "rest", "same-level")


def _empty_int() -> IntArray:
    return np.zeros(0, dtype=np.int64)


# -- public functions ----------------------------------------------------------------------


def group_metric_table(
    table: CountTable,
    *,
    attributes: Sequence[str | Sequence[str]] | None = None,
    order: int = 1,
    metrics: Sequence[str] | None = None,
    where: Mapping[str, str | Sequence[str]] | None = None,
    confidence_level: float = 0.95,
    method: Literal["wilson", "clopper-pearson", "jeffreys"] = "wilson",
) -> GroupMetricTable:
    """Compute metrics per group, with intervals, as columns: the path for large audits.

    The same numbers as :func:`group_metrics`, computed for every grouping and metric at
    once and returned as numpy columns; :class:`GroupMetric` objects are built only when
    rows are accessed (``table[i]``, iteration).

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
    GroupMetricTable
        One row per grouping, metric (registry order) and group (level order).

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> frame = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 4, "h": ["x", "y"] * 4,
    ...                       "d": [1, 1, 0, 0, 1, 0, 0, 0]})
    >>> rates = group_metric_table(count_table(frame, decision="d", groups=["g", "h"]),
    ...                            order=2, metrics=["selection_rate"])
    >>> len(rates), rates.groupings
    (8, (('g',), ('h',), ('g', 'h')))
    >>> rates.label_column("group")[-4:], rates.value[-4:].tolist()
    (['a × x', 'a × y', 'b × x', 'b × y'], [0.5, 0.5, 0.5, 0.0])
    >>> rates.to_frame().columns[:5].tolist()
    ['metric', 'attributes', 'group', 'numerator', 'denominator']
    """
    table = _filtered(table, where)
    chosen = _selected_metrics(metrics, table)
    block = _block(table, _normalise_groupings(table, attributes, order))
    values = _values(block, chosen)
    low, high = proportion_interval(
        values.x_eff, values.n_eff, confidence_level=confidence_level, method=method
    )
    rows = block.n.shape[0]
    metric_index = np.arange(len(chosen), dtype=np.int64)[:, None] * rows
    # (metric, group) positions in the output order: grouping, metric, group
    flat = np.concatenate(
        [
            (metric_index + np.arange(start, stop, dtype=np.int64)[None, :]).reshape(-1)
            for start, stop in itertools.pairwise(block.bounds)
        ]
        or [_empty_int()]
    )
    metric, group = np.divmod(flat, rows) if rows else (flat, flat)
    return GroupMetricTable(
        metrics=tuple(m.name for m in chosen),
        metric=metric,
        groupings=block.groupings,
        grouping=block.grouping[group],
        labels=block.labels,
        group=group,
        numerator=values.num.reshape(-1)[flat].astype(np.int64),
        denominator=values.den.reshape(-1)[flat].astype(np.int64),
        value=values.value.reshape(-1)[flat],
        effective_denominator=values.n_eff.reshape(-1)[flat],
        confidence_low=np.asarray(low).reshape(-1)[flat],
        confidence_high=np.asarray(high).reshape(-1)[flat],
        confidence_level=confidence_level,
        method=method,
    )


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

    The objects of :func:`group_metric_table` (same arguments, same numbers); for
    hundreds of thousands of results use that table, which builds no objects.

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
    return tuple(
        group_metric_table(
            table,
            attributes=attributes,
            order=order,
            metrics=metrics,
            where=where,
            confidence_level=confidence_level,
            method=method,
        )
    )


def disparity_table(
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
    partial_reference: PartialReference = "same-level",
) -> DisparityTable:
    """Compare every group with its reference group, per metric, as columns.

    The same numbers as :func:`disparities`, computed for every grouping and metric at
    once (one call of each interval over all comparisons; the test and the adjustment
    within each family, as before) and returned as numpy columns; :class:`Disparity`
    objects are built only when rows are accessed.  This is the path for large audits.

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
    reference : {'largest', 'most-favourable', 'rest'} or mapping of str to str
        Reference choice (see the module docstring of :mod:`eerlijkheid.metrics`); a
        mapping names the label per attribute and falls back to ``'largest'`` for
        groupings it does not cover (``partial_reference`` for intersections it covers
        in part).
    favourable : bool
        Whether the decision is a benefit (granted) rather than a burden.
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
    partial_reference : {'same-level', 'rule'}
        Reference of an intersection whose attributes the ``reference`` mapping names only
        partly: the named reference at the group's own level of the unnamed attributes
        (``'same-level'``), or the ``'largest'`` group of the intersection (``'rule'``).

    Returns
    -------
    DisparityTable
        One row per comparison, ordered by grouping, metric (registry order), group
        (level order); the reference is not compared with itself.

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> frame = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 60,
    ...                       "h": ["x", "y", "y", "y"] * 25,
    ...                       "d": [1] * 20 + [0] * 20 + [1] * 15 + [0] * 45})
    >>> table = disparity_table(count_table(frame, decision="d", groups=["g", "h"]))
    >>> table.label_column("group"), table.label_column("reference")
    (['a', 'x'], ['b', 'y'])
    >>> table.ratio.round(3).tolist(), table.pvalue_adjusted.round(4).tolist()
    ([2.0, 1.038], [0.0102, 0.9037])
    >>> significant = table.take(table.pvalue_adjusted < 0.05)
    >>> [(d.group, d.reference, d.test.method) for d in significant]
    [(('a',), ('b',), 'chi2')]
    """
    table = _filtered(table, where)
    chosen = [m for m in _selected_metrics(metrics, table) if m.kind == "rate"]
    block = _block(table, _normalise_groupings(table, attributes, order))
    values = _values(block, chosen)
    if partial_reference not in ("same-level", "rule"):
        raise ConfigError(
            message(
                "invalid-option",
                name="partial_reference",
                allowed="'same-level', 'rule'",
                value=repr(partial_reference),
            )
        )
    rows_total = block.n.shape[0]
    rest = _complement(block, values) if reference == "rest" else None
    empty: list[tuple[int, tuple[str, ...]]] = []  # reference cells without cases
    harms = [m.harm(favourable=favourable) for m in chosen]
    picks: list[IntArray] = []
    refs: list[IntArray] = []
    metric_of: list[IntArray] = []
    rule_of: list[IntArray] = []
    families: list[tuple[int, int]] = []
    done = 0
    for k, (start, stop) in enumerate(itertools.pairwise(block.bounds)):
        grouping = block.groupings[k]
        per_group: IntArray | None = None
        fixed_rule = ""
        if reference == "rest":
            per_group, fixed_rule = np.arange(start, stop, dtype=np.int64) + rows_total, "rest"
        elif (
            not isinstance(reference, str)
            and partial_reference == "same-level"
            and any(a in reference for a in grouping)
            and not all(a in reference for a in grouping)
        ):
            named = _named_levels(block, k, reference, table)
            per_group, cells = _same_level_rows(block, k, named, table)
            missing_ref = per_group <= -2
            offset = rows_total * (2 if rest is not None else 1) + len(empty)
            per_group[missing_ref] = offset + (-2 - per_group[missing_ref])
            empty.extend(cells)
            fixed_rule = "same-level"
        for m, harm in enumerate(harms):
            if per_group is None:
                ref, rule = _reference_row(
                    block, k, values, m, harm, reference, min_reference_size, table
                )
                rows = np.delete(np.arange(start, stop, dtype=np.int64), ref)
                targets = np.full(rows.size, start + ref, dtype=np.int64)
            else:
                keep = per_group >= 0
                rows = np.arange(start, stop, dtype=np.int64)[keep]
                targets, rule = per_group[keep], fixed_rule
            if rows.size == 0:
                continue
            picks.append(rows)
            refs.append(targets)
            metric_of.append(np.full(rows.size, m, dtype=np.int64))
            rule_of.append(np.full(rows.size, _RULES.index(rule), dtype=np.int64))
            families.append((done, done + rows.size))
            done += rows.size
    gi = np.concatenate(picks or [_empty_int()])
    ri = np.concatenate(refs or [_empty_int()])
    ki = np.concatenate(metric_of or [_empty_int()])
    # the references beyond the groups' own rows: the complement of each group ("rest"),
    # then the reference cells without cases (counts 0)
    extra = len(empty)
    zeros = np.zeros((len(chosen), extra), dtype=np.float64)
    ext = {
        f: np.concatenate(
            [getattr(values, f)]
            + ([getattr(rest, f)] if rest is not None else [])
            + [np.full_like(zeros, np.nan) if f == "value" else zeros],
            axis=1,
        )
        for f in ("num", "den", "value", "x_eff", "n_eff")
    }
    rest_labels = ((REST_REFERENCE,),) * (rows_total if rest is not None else 0)
    labels = block.labels + rest_labels + tuple(label for _, label in empty)

    def at(array: FloatArray, rows: IntArray) -> FloatArray:
        out: FloatArray = array[ki, rows]
        return out

    def at_ext(name: str, rows: IntArray) -> FloatArray:
        out: FloatArray = ext[name][ki, rows]
        return out

    harm_codes = np.array([HARMS.index(h) for h in harms] or [0], dtype=np.int64)
    return _compare(
        metrics=tuple(m.name for m in chosen),
        metric=ki,
        groupings=block.groupings,
        grouping=block.grouping[gi],
        labels=labels,
        group=gi,
        reference=ri,
        reference_rules=_RULES,
        reference_rule=np.concatenate(rule_of or [_empty_int()]),
        counts=(at(values.num, gi), at(values.den, gi), at_ext("num", ri), at_ext("den", ri)),
        values=(at(values.value, gi), at_ext("value", ri)),
        effective=(
            at(values.x_eff, gi),
            at(values.n_eff, gi),
            at_ext("x_eff", ri),
            at_ext("n_eff", ri),
        ),
        harm=harm_codes[ki],
        families=families,
        confidence_level=confidence_level,
        test=test,
        adjust=adjust,
        weighted=table.weighted,
    )


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
    partial_reference: PartialReference = "same-level",
) -> tuple[Disparity, ...]:
    """Compare every group with its reference group, per metric.

    The objects of :func:`disparity_table` (same arguments, same numbers); for hundreds
    of thousands of comparisons use that table, which builds no objects.

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
    reference : {'largest', 'most-favourable', 'rest'} or mapping of str to str
        Reference choice (see module docstring); a mapping names the label per attribute
        and falls back to ``'largest'`` for groupings it does not cover
        (``partial_reference`` for intersections it covers in part).
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
    partial_reference : {'same-level', 'rule'}
        Reference of an intersection whose attributes the ``reference`` mapping names only
        partly: the named reference at the group's own level of the unnamed attributes
        (``'same-level'``), or the ``'largest'`` group of the intersection (``'rule'``).

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
    return tuple(
        disparity_table(
            table,
            attributes=attributes,
            order=order,
            metrics=metrics,
            reference=reference,
            favourable=favourable,
            where=where,
            confidence_level=confidence_level,
            test=test,
            adjust=adjust,
            min_reference_size=min_reference_size,
            partial_reference=partial_reference,
        )
    )


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
    num = np.asarray(group_counts[0], dtype=np.float64).reshape(-1)
    den = np.asarray(group_counts[1], dtype=np.float64).reshape(-1)
    n = num.size
    if len(groups) != n:
        raise ConfigError(
            message(
                "invalid-option",
                name="groups",
                allowed=f"{n} labels (one per group count)",
                value=len(groups),
            )
        )
    if harm not in HARMS:
        raise ConfigError(
            message("invalid-option", name="harm", allowed=", ".join(HARMS), value=repr(harm))
        )

    def arr(values: npt.ArrayLike) -> FloatArray:
        out: FloatArray = np.broadcast_to(np.asarray(values, dtype=np.float64), num.shape).copy()
        return out

    def rate(x: FloatArray, nobs: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(nobs > 0, x / np.where(nobs > 0, nobs, 1.0), np.nan)

    rnum, rden = arr(reference_counts[0]), arr(reference_counts[1])
    gv = rate(num, den) if group_values is None else arr(group_values)
    rv = rate(rnum, rden) if reference_value is None else arr(reference_value)
    gx, gn = (
        (num, den)
        if effective_group is None
        else (arr(effective_group[0]), arr(effective_group[1]))
    )
    rx, rn = (
        (rnum, rden)
        if effective_reference is None
        else (arr(effective_reference[0]), arr(effective_reference[1]))
    )
    zeros = np.zeros(n, dtype=np.int64)
    table = _compare(
        metrics=(metric,),
        metric=zeros,
        groupings=(attributes,),
        grouping=zeros,
        labels=(*map(tuple, groups), tuple(reference)),
        group=np.arange(n, dtype=np.int64),
        reference=np.full(n, n, dtype=np.int64),
        reference_rules=(reference_rule,),
        reference_rule=zeros,
        counts=(num, den, rnum, rden),
        values=(gv, rv),
        effective=(gx, gn, rx, rn),
        harm=np.full(n, HARMS.index(harm), dtype=np.int64),
        families=[(0, n)],
        confidence_level=confidence_level,
        test=test,
        adjust=adjust,
        weighted=weighted,
    )
    return tuple(table)


def to_frame(
    items: Sequence[GroupMetric] | Sequence[Disparity] | GroupMetricTable | DisparityTable,
) -> pd.DataFrame:
    """Return a tidy pandas DataFrame with one row per group metric or disparity.

    Parameters
    ----------
    items : sequence of GroupMetric or of Disparity, or GroupMetricTable or DisparityTable
        Results of :func:`group_metrics` or :func:`disparities`, or their columnar
        forms (then the same as ``items.to_frame()``, built from the columns).

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
    if isinstance(items, (GroupMetricTable, DisparityTable)):
        return items.to_frame()

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
