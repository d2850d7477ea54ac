"""Rows for the row-level analyses: every row of a small frame, or a seeded sample.

Most of eerlijkheid works on the count table, which the user's engine computes.  A few
analyses need individual cases (proxy strength from rows, subgroup clustering, feature
ablation).  They get their rows through :func:`row_sample`, which never collects a large
table silently:

* an eager frame (pandas, polars ``DataFrame``, pyarrow) with at most ``max_rows`` rows is
  taken whole;
* a larger eager frame gives a simple random sample without replacement of exactly
  ``max_rows`` rows, drawn with ``numpy.random.default_rng(seed)``;
* a lazy frame (polars ``LazyFrame``, DuckDB, Dask, Spark) is counted inside its engine; at
  most ``max_rows`` rows are collected whole (only the requested columns).  A larger lazy
  frame is refused with a message that says how to sample it, unless the engine supports a
  seeded sample that eerlijkheid can ask for (see :data:`SAMPLE_METHODS`).

Whatever happens is recorded in the returned :class:`RowSample` (``sampled``, ``method``,
``seed``, ``total_rows``), so an analysis can state it in its evidence.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"wijk": ["a", "b", None, "a"], "inkomen": [1.0, 2.5, 3.0, None]})
>>> s = row_sample(frame, ["wijk", "inkomen"])
>>> s.rows, s.sampled, s.columns["wijk"].tolist(), s.columns["inkomen"].tolist()
(4, False, ['a', 'b', None, 'a'], [1.0, 2.5, 3.0, nan])
>>> row_sample(frame, ["wijk"], max_rows=2, seed=1).rows
2
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import numpy.typing as npt

from eerlijkheid.exceptions import ConfigError, DataError, EmptyDataError
from eerlijkheid.i18n import message
from eerlijkheid.ingest._frames import _suggest, _wrap

__all__ = ["DEFAULT_MAX_ROWS", "SAMPLE_METHODS", "RowSample", "row_sample"]

#: Default largest number of rows a row-level analysis takes.
DEFAULT_MAX_ROWS = 1_000_000

#: How a sample is drawn, per kind of frame (stated in every RowSample).
SAMPLE_METHODS: Mapping[str, str] = MappingProxyType(
    {
        "all": "all rows",
        "eager": "simple random sample without replacement (numpy default_rng(seed))",
    }
)


@dataclass(frozen=True)
class RowSample:
    """Columns of the rows a row-level analysis works on.

    Attributes
    ----------
    columns : mapping of str to ndarray
        One array per requested column, in the requested order: numeric and boolean
        columns as float64 (missing values NaN), all others as object arrays of ``str``
        (missing values ``None``).
    total_rows : int
        Number of rows of the input.
    rows : int
        Number of rows taken.
    sampled : bool
        Whether ``rows < total_rows``.
    seed : int or None
        Seed of the sample (``None`` when every row was taken).
    method : str
        How the rows were taken (a value of :data:`SAMPLE_METHODS`).
    """

    columns: Mapping[str, npt.NDArray[Any]]
    total_rows: int
    rows: int
    sampled: bool
    seed: int | None
    method: str


def _as_array(series: Any) -> npt.NDArray[Any]:
    dtype = series.dtype
    if dtype.is_numeric() or dtype == nw.Boolean:
        values = series.cast(nw.Float64).to_numpy()
        return np.asarray(values, dtype=np.float64)
    values = series.to_numpy()
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values.tolist()):
        missing = v is None or (isinstance(v, float) and math.isnan(v))
        out[i] = None if missing else str(v)
    return out


def row_sample(
    data: Any,
    columns: Sequence[str],
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    seed: int = 0,
) -> RowSample:
    """Take the rows of ``columns`` for a row-level analysis: all, or a seeded sample.

    Parameters
    ----------
    data : frame
        pandas, polars (eager or lazy), pyarrow, DuckDB or Dask.
    columns : sequence of str
        The columns to take.
    max_rows : int, default 1,000,000
        Largest number of rows to take.
    seed : int, default 0
        Seed of the sample when the frame has more rows.

    Returns
    -------
    RowSample
        The columns as numpy arrays, and how they were taken.

    Raises
    ------
    ColumnNotFoundError
        For a column that is not in the data (with a suggestion).
    EmptyDataError
        For a frame without rows.
    DataError
        For a lazy frame with more than ``max_rows`` rows whose engine cannot be asked
        for a seeded sample.
    ConfigError
        For ``max_rows < 1`` or no columns.

    Examples
    --------
    >>> import polars as pl
    >>> s = row_sample(pl.DataFrame({"x": [1, 2, 3]}).lazy(), ["x"])
    >>> s.columns["x"].tolist(), s.method
    ([1.0, 2.0, 3.0], 'all rows')
    """
    from eerlijkheid.exceptions import ColumnNotFoundError

    if max_rows < 1:
        raise ConfigError(
            message("invalid-option", name="max_rows", allowed=">= 1", value=max_rows)
        )
    names = list(dict.fromkeys(columns))
    if not names:
        raise ConfigError(
            message("invalid-option", name="columns", allowed="≥ 1 column", value="[]")
        )
    frame = _wrap(data)
    available = list(frame.collect_schema().names())
    for column in names:
        if column not in available:
            raise ColumnNotFoundError(
                message(
                    "column-not-found",
                    column=column,
                    role="feature",
                    suggestion=_suggest(column, available),
                    available=", ".join(available),
                )
            )
    frame = frame.select(names)
    if isinstance(frame, nw.LazyFrame):
        total = int(frame.select(nw.len()).collect().item())
        if total > max_rows:
            raise DataError(message("row-sample-too-large", rows=total, max_rows=max_rows))
        eager = frame.collect()
    else:
        eager = frame
        total = len(eager)
    if total == 0:
        raise EmptyDataError(message("empty-data", what=message("the-data")))
    taken: Any = eager
    sampled = total > max_rows
    if sampled:
        rng = np.random.default_rng(seed)
        index = np.sort(rng.choice(total, size=max_rows, replace=False))
        taken = eager[index.tolist()]
    arrays = {c: _as_array(taken[c]) for c in names}
    return RowSample(
        columns=MappingProxyType(arrays),
        total_rows=total,
        rows=len(taken),
        sampled=sampled,
        seed=seed if sampled else None,
        method=SAMPLE_METHODS["eager" if sampled else "all"],
    )
