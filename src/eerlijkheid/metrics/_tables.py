"""Columnar results: every group metric or disparity as one row of numpy columns.

:class:`GroupMetricTable` and :class:`DisparityTable` hold the results of
:func:`~eerlijkheid.metrics.group_metric_table` and
:func:`~eerlijkheid.metrics.disparity_table` as read-only numpy arrays, one element per
result.  Text that repeats (metric names, groupings, group labels, methods) is stored
once, in a tuple, and referenced by an integer code per row.  The tables are sequences:
``len(table)``, ``table[i]`` and ``iter(table)`` give the same frozen
:class:`~eerlijkheid.metrics.GroupMetric` / :class:`~eerlijkheid.metrics.Disparity`
objects as the object functions, built only when accessed.  ``table.to_frame()`` gives
the same columns as :func:`~eerlijkheid.metrics.to_frame` on those objects, built
directly from the arrays.

This is the path for large audits: building a Python object per result costs about
5 microseconds (a :class:`~eerlijkheid.metrics.Disparity` holds five objects), which at
hundreds of thousands of results is most of the time of the object functions.

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.counts import count_table
>>> from eerlijkheid.metrics import disparity_table
>>> frame = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 60,
...                       "d": [1] * 20 + [0] * 20 + [1] * 15 + [0] * 45})
>>> table = disparity_table(count_table(frame, decision="d", groups="g"))
>>> len(table), table.ratio.tolist(), table.label_column("group")
(1, [2.0], ['a'])
>>> table[0].ratio == float(table.ratio[0])
True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

import numpy as np
import numpy.typing as npt

from eerlijkheid.metrics._registry import Harm
from eerlijkheid.metrics._results import DIRECTIONS, Disparity, Grouping, GroupMetric
from eerlijkheid.stats import ConfidenceInterval, TestResult

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["HARMS", "DisparityTable", "GroupMetricTable"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
#: Harm names by code (the ``harm`` column of :class:`DisparityTable`).
HARMS: tuple[Harm, ...] = ("higher", "lower", "either")
_JOIN = " × "


def _column(values: npt.ArrayLike, dtype: type) -> npt.NDArray[Any]:
    array: npt.NDArray[Any] = np.array(values, dtype=dtype).reshape(-1)
    array.setflags(write=False)
    return array


_Row = TypeVar("_Row")


class _Columns(Generic[_Row]):
    """Shared behaviour of the two tables (array fields, length, indexing, selection)."""

    _ints: ClassVar[tuple[str, ...]]
    _floats: ClassVar[tuple[str, ...]]

    def _freeze(self) -> None:
        length = None
        for name in (*self._ints, *self._floats):
            dtype = np.int64 if name in self._ints else np.float64
            array = _column(getattr(self, name), dtype)
            object.__setattr__(self, name, array)
            if length is None:
                length = array.size
            elif array.size != length:
                raise ValueError(f"column {name!r} has {array.size} rows, expected {length}")

    def __len__(self) -> int:
        return int(getattr(self, self._ints[0]).size)

    def _positions(self, index: int | slice) -> range | int:
        return range(len(self))[index]

    def _labels_of(self, codes: IntArray, names: Sequence[tuple[str, ...]]) -> list[str]:
        joined = np.array([_JOIN.join(label) for label in names] or [""], dtype=object)
        return list(joined[codes].tolist())

    def _take_columns(self, indices: npt.ArrayLike) -> dict[str, Any]:
        rows = np.arange(len(self))[np.asarray(indices)]
        return {name: getattr(self, name)[rows] for name in (*self._ints, *self._floats)}

    def _build(self, rows: IntArray | None) -> Iterator[_Row]:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> _Row: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[_Row, ...]: ...

    def __getitem__(self, index: int | slice) -> _Row | tuple[_Row, ...]:
        """Return the row(s) as result object(s), built now.

        Parameters
        ----------
        index : int or slice
            Row position(s).

        Returns
        -------
        object or tuple
            One object for an integer, a tuple for a slice.
        """
        where = self._positions(index)
        if isinstance(where, range):
            return tuple(self._build(np.asarray(where, dtype=np.int64)))
        return next(self._build(np.array([where], dtype=np.int64)))

    def __iter__(self) -> Iterator[_Row]:
        """Iterate over the rows as result objects (built while iterating)."""
        return self._build(None)


@dataclass(frozen=True, eq=False, repr=False)
class GroupMetricTable(_Columns[GroupMetric]):
    """Metrics per group as columns: the columnar form of :func:`group_metrics`.

    Every array has one element per row (one metric for one group); rows are ordered
    by grouping, metric (registry order), group (level order), as :func:`group_metrics`.
    Arrays are read-only.

    Attributes
    ----------
    metrics : tuple of str
        Metric names; ``metric`` holds codes into it.
    metric : ndarray of int64
        Metric code per row.
    groupings : tuple of tuple of str
        The groupings (one attribute or an intersection); ``grouping`` holds codes.
    grouping : ndarray of int64
        Grouping code per row.
    labels : tuple of tuple of str
        Group labels (one label per attribute of the grouping); ``group`` holds codes.
    group : ndarray of int64
        Group code per row.
    numerator, denominator : ndarray of int64
        Case counts of the metric's numerator and denominator cells.
    value : ndarray of float64
        The metric (weighted when the table is weighted); NaN when ``denominator`` is 0.
    effective_denominator : ndarray of float64
        Kish effective sample size of the denominator.
    confidence_low, confidence_high : ndarray of float64
        Interval bounds of ``value``.
    confidence_level : float
        Level of the intervals.
    method : str
        Interval method.

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> from eerlijkheid.metrics import group_metric_table
    >>> frame = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 4, "d": [1, 1, 0, 0, 1, 0, 0, 0]})
    >>> rates = group_metric_table(count_table(frame, decision="d", groups="g"),
    ...                            metrics=["selection_rate"])
    >>> rates.value.tolist(), rates.label_column("group")
    ([0.5, 0.25], ['a', 'b'])
    >>> rates[1].group, rates[1].numerator, rates[1].denominator
    (('b',), 1, 4)
    """

    _ints: ClassVar[tuple[str, ...]] = ("metric", "grouping", "group", "numerator", "denominator")
    _floats: ClassVar[tuple[str, ...]] = (
        "value",
        "effective_denominator",
        "confidence_low",
        "confidence_high",
    )

    metrics: tuple[str, ...]
    metric: IntArray
    groupings: tuple[Grouping, ...]
    grouping: IntArray
    labels: tuple[tuple[str, ...], ...]
    group: IntArray
    numerator: IntArray
    denominator: IntArray
    value: FloatArray
    effective_denominator: FloatArray
    confidence_low: FloatArray
    confidence_high: FloatArray
    confidence_level: float
    method: str

    def __post_init__(self) -> None:
        self._freeze()

    def __repr__(self) -> str:
        return (
            f"GroupMetricTable({len(self)} rows, metrics={list(self.metrics)}, "
            f"groupings={list(self.groupings)}, method={self.method!r}, "
            f"confidence_level={self.confidence_level!r})"
        )

    def _build(self, rows: IntArray | None) -> Iterator[GroupMetric]:
        def col(name: str) -> list[Any]:
            array = getattr(self, name)
            return list((array if rows is None else array[rows]).tolist())

        n = len(self) if rows is None else rows.size
        return map(
            GroupMetric,
            map(self.metrics.__getitem__, col("metric")),
            map(self.groupings.__getitem__, col("grouping")),
            map(self.labels.__getitem__, col("group")),
            col("numerator"),
            col("denominator"),
            col("value"),
            col("effective_denominator"),
            map(ConfidenceInterval, col("confidence_low"), col("confidence_high")),
            repeat(self.confidence_level, n),
            repeat(self.method, n),
        )

    def take(self, indices: npt.ArrayLike) -> GroupMetricTable:
        """Return a table with the given rows (positions or a boolean mask), in that order.

        Parameters
        ----------
        indices : array_like of int or of bool
            Row positions, or a mask of ``len(self)`` booleans.

        Returns
        -------
        GroupMetricTable
            The selected rows; the code tuples are shared.

        Examples
        --------
        >>> import pandas as pd
        >>> from eerlijkheid.counts import count_table
        >>> from eerlijkheid.metrics import group_metric_table
        >>> frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "d": [1, 0, 0, 0]})
        >>> rates = group_metric_table(count_table(frame, decision="d", groups="g"),
        ...                            metrics=["selection_rate", "population_share"])
        >>> rates.take(rates.value >= 0.5).label_column("metric")
        ['selection_rate', 'population_share', 'population_share']
        """
        return replace(self, **self._take_columns(indices))

    def label_column(self, name: str) -> list[str]:
        """Return a text column as a list: ``"metric"``, ``"attributes"`` or ``"group"``.

        Groupings and labels are joined with ``" × "``, as in :meth:`to_frame`.

        Parameters
        ----------
        name : {'metric', 'attributes', 'group'}
            The column.

        Returns
        -------
        list of str
            One string per row.

        Examples
        --------
        >>> import pandas as pd
        >>> from eerlijkheid.counts import count_table
        >>> from eerlijkheid.metrics import group_metric_table
        >>> frame = pd.DataFrame({"g": ["a", "b"], "h": ["x", "y"], "d": [1, 0]})
        >>> rates = group_metric_table(count_table(frame, decision="d", groups=["g", "h"]),
        ...                            attributes=[("g", "h")], metrics=["selection_rate"])
        >>> rates.label_column("attributes"), rates.label_column("group")
        (['g × h', 'g × h'], ['a × x', 'b × y'])
        """
        if name == "metric":
            return self._labels_of(self.metric, [(m,) for m in self.metrics])
        if name == "attributes":
            return self._labels_of(self.grouping, self.groupings)
        if name == "group":
            return self._labels_of(self.group, self.labels)
        raise KeyError(name)

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy pandas DataFrame of :func:`to_frame`, straight from the columns.

        Returns
        -------
        pandas.DataFrame
            Columns ``metric, attributes, group, numerator, denominator, value,
            effective_denominator, confidence_low, confidence_high, confidence_level,
            method``; groupings and labels joined with ``" × "``.

        Examples
        --------
        >>> import pandas as pd
        >>> from eerlijkheid.counts import count_table
        >>> from eerlijkheid.metrics import group_metric_table
        >>> frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "d": [1, 0, 0, 0]})
        >>> rates = group_metric_table(count_table(frame, decision="d", groups="g"),
        ...                            metrics=["selection_rate"])
        >>> rates.to_frame()[["group", "value", "confidence_low"]].round(3)
          group  value  confidence_low
        0     a    0.5           0.095
        1     b    0.0           0.000
        """
        import pandas as pd

        n = len(self)
        if n == 0:
            empty: pd.DataFrame = pd.DataFrame([])
            return empty
        columns: dict[str, Any] = {
            "metric": self.label_column("metric"),
            "attributes": self.label_column("attributes"),
            "group": self.label_column("group"),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.value,
            "effective_denominator": self.effective_denominator,
            "confidence_low": self.confidence_low,
            "confidence_high": self.confidence_high,
            "confidence_level": [self.confidence_level] * n,
            "method": [self.method] * n,
        }
        frame: pd.DataFrame = pd.DataFrame({k: _plain(v) for k, v in columns.items()})
        return frame


@dataclass(frozen=True, eq=False, repr=False)
class DisparityTable(_Columns[Disparity]):
    """Group-versus-reference comparisons as columns: the columnar form of :func:`disparities`.

    Every array has one element per row (one group compared with its reference on one
    metric); rows are ordered as :func:`disparities` orders them.  Arrays are read-only.

    Attributes
    ----------
    metrics : tuple of str
        Names of what is compared; ``metric`` holds codes into it.
    metric : ndarray of int64
        Metric code per row.
    groupings : tuple of tuple of str
        The groupings; ``grouping`` holds codes into it.
    grouping : ndarray of int64
        Grouping code per row.
    labels : tuple of tuple of str
        Group labels; ``group`` and ``reference`` hold codes into it.
    group, reference : ndarray of int64
        Label codes of the compared group and of its reference.
    reference_rules : tuple of str
        How references were chosen (``"explicit"``, ``"largest"``, ``"most-favourable"``,
        or a caller's own rule); ``reference_rule`` holds codes into it.
    reference_rule : ndarray of int64
        Reference-rule code per row.
    group_numerator, group_denominator : ndarray of int64
        The group's case counts.
    reference_numerator, reference_denominator : ndarray of int64
        The reference's case counts.
    group_value, reference_value : ndarray of float64
        The metric for the group and the reference.
    difference, difference_low, difference_high : ndarray of float64
        ``group_value - reference_value`` with its Newcombe hybrid-score interval.
    ratio, ratio_low, ratio_high : ndarray of float64
        ``group_value / reference_value`` with its Katz log interval.
    odds_ratio, odds_ratio_low, odds_ratio_high : ndarray of float64
        The odds ratio with its Woolf (logit) interval.
    statistic, pvalue : ndarray of float64
        Test of equal values; NaN where the table is not testable.
    test_methods : tuple of str
        Test names; ``test_method`` holds codes into it (``"chi2"`` or ``"fisher"``).
    test_method : ndarray of int64
        Test code per row.
    pvalue_adjusted : ndarray of float64
        The p-value adjusted within its family (one metric within one grouping).
    direction : ndarray of int64
        Codes into :data:`DIRECTIONS`: ``undefined, higher, lower, equal``.
    harm : ndarray of int64
        Codes into :data:`HARMS`: which side of the metric is worse (``higher, lower,
        either``).
    adjustment : str
        Multiplicity adjustment method.
    confidence_level : float
        Level of all intervals.
    weighted : bool
        Whether values are weighted (intervals then use effective sample sizes).
    alternative : str
        Alternative of the test (``"two-sided"``).
    difference_method, ratio_method, odds_ratio_method : str
        Interval methods (``"newcombe"``, ``"katz-log"``, ``"woolf"``).

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> from eerlijkheid.metrics import disparity_table
    >>> frame = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 60 + ["c"] * 30,
    ...                       "d": [1] * 20 + [0] * 20 + [1] * 15 + [0] * 45 + [0] * 30})
    >>> table = disparity_table(count_table(frame, decision="d", groups="g"))
    >>> table.label_column("group"), table.label_column("reference")
    (['a', 'c'], ['b', 'b'])
    >>> table.group_numerator.tolist(), table.ratio.round(2).tolist()
    ([20, 0], [2.0, 0.0])
    >>> table.label_column("direction"), table.label_column("test_method")
    (['higher', 'lower'], ['chi2', 'chi2'])
    >>> d = table[0]
    >>> d.group, d.reference, d.ratio, d.test.method
    (('a',), ('b',), 2.0, 'chi2')
    """

    _ints: ClassVar[tuple[str, ...]] = (
        "metric",
        "grouping",
        "group",
        "reference",
        "reference_rule",
        "group_numerator",
        "group_denominator",
        "reference_numerator",
        "reference_denominator",
        "test_method",
        "direction",
        "harm",
    )
    _floats: ClassVar[tuple[str, ...]] = (
        "group_value",
        "reference_value",
        "difference",
        "difference_low",
        "difference_high",
        "ratio",
        "ratio_low",
        "ratio_high",
        "odds_ratio",
        "odds_ratio_low",
        "odds_ratio_high",
        "statistic",
        "pvalue",
        "pvalue_adjusted",
    )

    metrics: tuple[str, ...]
    metric: IntArray
    groupings: tuple[Grouping, ...]
    grouping: IntArray
    labels: tuple[tuple[str, ...], ...]
    group: IntArray
    reference: IntArray
    reference_rules: tuple[str, ...]
    reference_rule: IntArray
    group_numerator: IntArray
    group_denominator: IntArray
    reference_numerator: IntArray
    reference_denominator: IntArray
    group_value: FloatArray
    reference_value: FloatArray
    difference: FloatArray
    difference_low: FloatArray
    difference_high: FloatArray
    ratio: FloatArray
    ratio_low: FloatArray
    ratio_high: FloatArray
    odds_ratio: FloatArray
    odds_ratio_low: FloatArray
    odds_ratio_high: FloatArray
    statistic: FloatArray
    pvalue: FloatArray
    test_methods: tuple[str, ...]
    test_method: IntArray
    pvalue_adjusted: FloatArray
    direction: IntArray
    harm: IntArray
    adjustment: str
    confidence_level: float
    weighted: bool
    alternative: str = "two-sided"
    difference_method: str = field(default="newcombe")
    ratio_method: str = field(default="katz-log")
    odds_ratio_method: str = field(default="woolf")

    def __post_init__(self) -> None:
        self._freeze()

    def __repr__(self) -> str:
        return (
            f"DisparityTable({len(self)} rows, metrics={list(self.metrics)}, "
            f"groupings={list(self.groupings)}, adjustment={self.adjustment!r}, "
            f"confidence_level={self.confidence_level!r}, weighted={self.weighted!r})"
        )

    def _build(self, rows: IntArray | None) -> Iterator[Disparity]:
        def col(name: str) -> list[Any]:
            array = getattr(self, name)
            return list((array if rows is None else array[rows]).tolist())

        def interval(name: str) -> Iterator[ConfidenceInterval]:
            return map(ConfidenceInterval, col(f"{name}_low"), col(f"{name}_high"))

        n = len(self) if rows is None else rows.size
        labels = self.labels.__getitem__
        # positional map() over lists, no Python-level loop (about 5 us per Disparity)
        return map(
            Disparity,
            map(self.metrics.__getitem__, col("metric")),
            map(self.groupings.__getitem__, col("grouping")),
            map(labels, col("group")),
            map(labels, col("reference")),
            map(self.reference_rules.__getitem__, col("reference_rule")),
            col("group_numerator"),
            col("group_denominator"),
            col("reference_numerator"),
            col("reference_denominator"),
            col("group_value"),
            col("reference_value"),
            col("difference"),
            interval("difference"),
            col("ratio"),
            interval("ratio"),
            col("odds_ratio"),
            interval("odds_ratio"),
            map(
                TestResult,
                col("statistic"),
                col("pvalue"),
                map(self.test_methods.__getitem__, col("test_method")),
                repeat(self.alternative, n),
            ),
            col("pvalue_adjusted"),
            repeat(self.adjustment, n),
            map(DIRECTIONS.__getitem__, col("direction")),
            map(HARMS.__getitem__, col("harm")),
            repeat(self.confidence_level, n),
            repeat(self.weighted, n),
        )

    def take(self, indices: npt.ArrayLike) -> DisparityTable:
        """Return a table with the given rows (positions or a boolean mask), in that order.

        Parameters
        ----------
        indices : array_like of int or of bool
            Row positions, or a mask of ``len(self)`` booleans.

        Returns
        -------
        DisparityTable
            The selected rows; the code tuples are shared.

        Examples
        --------
        >>> import pandas as pd
        >>> from eerlijkheid.counts import count_table
        >>> from eerlijkheid.metrics import disparity_table
        >>> frame = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 60 + ["c"] * 30,
        ...                       "d": [1] * 20 + [0] * 20 + [1] * 15 + [0] * 45 + [0] * 30})
        >>> table = disparity_table(count_table(frame, decision="d", groups="g"))
        >>> table.take(table.pvalue_adjusted < 0.05).label_column("group")
        ['a', 'c']
        """
        return replace(self, **self._take_columns(indices))

    @property
    def worse_off(self) -> npt.NDArray[np.float64]:
        """Whether each group is worse off than its reference: 1.0, 0.0, or NaN for no side.

        The columnar form of :attr:`Disparity.group_worse_off` (NaN for ``None``).

        Returns
        -------
        ndarray of float64
            1.0 where the group's value lies on the harmful side, 0.0 where not, NaN where
            no side is worse or the direction is undefined.

        Examples
        --------
        >>> import pandas as pd
        >>> from eerlijkheid.counts import count_table
        >>> from eerlijkheid.metrics import disparity_table
        >>> frame = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 6, "d": [1, 1, 0, 0, 1, 0, 0, 0, 0, 0]})
        >>> disparity_table(count_table(frame, decision="d", groups="g")).worse_off.tolist()
        [1.0]
        """
        either = np.asarray(HARMS.index("either"))
        undefined = np.asarray(DIRECTIONS.index("undefined"))
        # direction codes 1 (higher) and 2 (lower) equal the harm codes 0 and 1 plus one
        out = np.where(self.direction == self.harm + 1, 1.0, 0.0)
        out[(self.harm == either) | (self.direction == undefined)] = np.nan
        return out

    def label_column(self, name: str) -> list[str]:
        """Return a text column as a list.

        Parameters
        ----------
        name : {'metric', 'attributes', 'group', 'reference', 'reference_rule', \
'test_method', 'direction', 'harm'}
            The column; groupings and labels are joined with ``" × "``, as in
            :meth:`to_frame`.

        Returns
        -------
        list of str
            One string per row.

        Examples
        --------
        >>> import pandas as pd
        >>> from eerlijkheid.counts import count_table
        >>> from eerlijkheid.metrics import disparity_table
        >>> frame = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 6, "d": [1, 1, 0, 0, 1, 0, 0, 0, 0, 0]})
        >>> table = disparity_table(count_table(frame, decision="d", groups="g"))
        >>> table.label_column("harm"), table.label_column("reference_rule")
        (['higher'], ['largest'])
        """
        coded: dict[str, tuple[IntArray, Sequence[tuple[str, ...]]]] = {
            "metric": (self.metric, [(m,) for m in self.metrics]),
            "attributes": (self.grouping, self.groupings),
            "group": (self.group, self.labels),
            "reference": (self.reference, self.labels),
            "reference_rule": (self.reference_rule, [(r,) for r in self.reference_rules]),
            "test_method": (self.test_method, [(t,) for t in self.test_methods]),
            "direction": (self.direction, [(d,) for d in DIRECTIONS]),
            "harm": (self.harm, [(h,) for h in HARMS]),
        }
        codes, names = coded[name]
        return self._labels_of(codes, names)

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy pandas DataFrame of :func:`to_frame`, straight from the columns.

        Returns
        -------
        pandas.DataFrame
            The columns of :func:`to_frame` on the :class:`Disparity` objects, in the same
            order: intervals as ``*_low``/``*_high``, the test as ``statistic``,
            ``pvalue``, ``test_method``; groupings and labels joined with ``" × "``.

        Examples
        --------
        >>> import pandas as pd
        >>> from eerlijkheid.counts import count_table
        >>> from eerlijkheid.metrics import disparity_table
        >>> frame = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 60,
        ...                       "d": [1] * 20 + [0] * 20 + [1] * 15 + [0] * 45})
        >>> table = disparity_table(count_table(frame, decision="d", groups="g"))
        >>> table.to_frame()[["group", "reference", "ratio", "ratio_low"]].round(3)
          group reference  ratio  ratio_low
        0     a         b    2.0      1.169
        """
        import pandas as pd

        n = len(self)
        if n == 0:
            empty: pd.DataFrame = pd.DataFrame([])
            return empty
        text = self.label_column
        columns: dict[str, Any] = {
            "metric": text("metric"),
            "attributes": text("attributes"),
            "group": text("group"),
            "reference": text("reference"),
            "reference_rule": text("reference_rule"),
        }
        for name in (
            "group_numerator",
            "group_denominator",
            "reference_numerator",
            "reference_denominator",
            "group_value",
            "reference_value",
        ):
            columns[name] = getattr(self, name)
        for name in ("difference", "ratio", "odds_ratio"):
            columns[name] = getattr(self, name)
            columns[f"{name}_low"] = getattr(self, f"{name}_low")
            columns[f"{name}_high"] = getattr(self, f"{name}_high")
        columns["statistic"] = self.statistic
        columns["pvalue"] = self.pvalue
        columns["test_method"] = text("test_method")
        columns["pvalue_adjusted"] = self.pvalue_adjusted
        columns["adjustment"] = [self.adjustment] * n
        columns["direction"] = text("direction")
        columns["harm"] = text("harm")
        columns["confidence_level"] = [self.confidence_level] * n
        columns["weighted"] = [self.weighted] * n
        frame: pd.DataFrame = pd.DataFrame({k: _plain(v) for k, v in columns.items()})
        return frame


def _plain(values: Any) -> Any:
    """Return a writable copy of a read-only column (pandas may keep a view of it)."""
    return values.copy() if isinstance(values, np.ndarray) else values
