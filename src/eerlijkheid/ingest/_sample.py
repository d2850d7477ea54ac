"""Rows for the row-level analyses: every row of a small frame, or a seeded sample.

Most of eerlijkheid works on the count table, which the user's engine computes.  A few
analyses need individual cases (proxy strength from rows, subgroup clustering, feature
ablation).  They get their rows through :func:`row_sample`, which never collects a large
table silently:

* a frame (eager or lazy) with at most ``max_rows`` rows is taken whole (only the
  requested columns); a lazy frame is counted inside its engine first;
* a larger eager frame (pandas, polars ``DataFrame``, pyarrow) gives a simple random
  sample without replacement of exactly ``max_rows`` rows, drawn with
  ``numpy.random.default_rng(seed)``;
* a larger lazy frame is sampled *inside its engine*, with the engine's own seeded
  sampler, and only the sample is collected:

  ``duckdb``
      ``USING SAMPLE reservoir(max_rows ROWS) REPEATABLE (seed)``: exactly ``max_rows``
      rows.  The same seed on the same data (same rows in the same order, same DuckDB
      version) gives the same rows; this was checked with several threads and with
      parquet input.
  ``polars``
      ``filter(int_range(len()).shuffle(seed) < max_rows)``: a seeded permutation of the
      row numbers keeps exactly ``max_rows`` rows, in their original order.  Same seed,
      same rows in the same order and same polars version: same sample.
  ``pyspark``
      ``DataFrame.sample(False, fraction, seed)`` with the fraction a little above
      ``max_rows / rows`` (five standard deviations, so that fewer than ``max_rows``
      rows is practically impossible), then the ``max_rows`` rows with the smallest
      ``rand(seed)``.  Spark's sampler draws per partition, so the sample repeats for a
      given seed only when the input has the same partitions with the same rows in the
      same order (the same files read with the same settings; not after a
      nondeterministic shuffle).
  ``dask``
      ``DataFrame.sample(frac=fraction, random_state=seed)`` with the same oversampled
      fraction, collected, then exactly ``max_rows`` of those rows drawn with
      ``numpy.random.default_rng(seed)``.  Dask derives one random state per partition
      from the seed, so the sample repeats for the same partitions.

  An Ibis table (PostgreSQL and the other SQL databases Ibis reaches) with more than
  ``max_rows`` rows is refused: Ibis' ``Table.sample`` takes no seed on PostgreSQL, and an
  unseeded sample would make the audit differ from run to run.  Take a repeatable sample
  in the database instead (``--query "SELECT * FROM zaken TABLESAMPLE BERNOULLI (10)
  REPEATABLE (42)"``) or raise ``max_rows``; the count-based analyses never need rows.

  In the rare case that the Bernoulli step of Spark or Dask yields fewer than
  ``max_rows`` rows, all of them are taken and ``rows`` says how many.  A larger lazy
  frame of any other engine is refused with a message that says how to sample it.

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import numpy.typing as npt

from eerlijkheid.exceptions import ConfigError, DataError, EmptyDataError
from eerlijkheid.i18n import message
from eerlijkheid.ingest._database import collect
from eerlijkheid.ingest._frames import _first_row, _numbers, _suggest, _wrap

__all__ = ["DEFAULT_MAX_ROWS", "SAMPLE_METHODS", "RowSample", "row_sample"]

#: Default largest number of rows a row-level analysis takes.
DEFAULT_MAX_ROWS = 1_000_000

#: How a sample is drawn, per kind of frame (stated in every RowSample).
SAMPLE_METHODS: Mapping[str, str] = MappingProxyType(
    {
        "all": "all rows",
        "eager": "simple random sample without replacement (numpy default_rng(seed))",
        "duckdb": "DuckDB USING SAMPLE reservoir(max_rows ROWS) REPEATABLE (seed)",
        "polars": "polars filter(int_range(len()).shuffle(seed) < max_rows)",
        "pyspark": (
            "Spark DataFrame.sample(False, fraction, seed), then the max_rows rows "
            "with the smallest rand(seed)"
        ),
        "dask": (
            "Dask DataFrame.sample(frac=fraction, random_state=seed), then a simple "
            "random sample of max_rows rows (numpy default_rng(seed))"
        ),
    }
)

#: Name of the helper column of the Spark sample; chosen so it cannot clash.
_RAND = "__eerlijkheid_rand__"


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
    # Through arrow, read from its buffers: pyarrow's and narwhals' ``to_numpy`` of an
    # arrow column import pandas, which a polars or DuckDB user should not pay for.
    dtype = series.dtype
    if dtype.is_numeric() or dtype == nw.Boolean:
        values: npt.NDArray[Any] = _numbers(
            series.cast(nw.Float64).to_arrow(), integer=False, fill=math.nan
        )
        return values
    try:
        items = series.to_arrow().to_pylist()
    except (TypeError, ValueError):  # pyarrow errors: e.g. a pandas column of mixed types
        items = series.to_numpy().tolist()
    out = np.empty(len(items), dtype=object)
    for i, v in enumerate(items):
        missing = v is None or (isinstance(v, float) and math.isnan(v))
        out[i] = None if missing else str(v)
    return out


def _fraction(total: int, max_rows: int) -> float:
    """Bernoulli fraction whose sample size falls below ``max_rows`` with probability < 1e-6.

    The expected size is ``max_rows + 5 sqrt(max_rows) + 25``: more than five standard
    deviations above ``max_rows``.
    """
    return min(1.0, (max_rows + 5.0 * math.sqrt(max_rows) + 25.0) / total)


def _duckdb(native: Any, total: int, max_rows: int, seed: int) -> Any:
    view = "__eerlijkheid_rows__"
    return native.query(
        view,
        f"SELECT * FROM {view} USING SAMPLE reservoir({max_rows} ROWS) REPEATABLE ({seed})",
    )


def _polars(native: Any, total: int, max_rows: int, seed: int) -> Any:
    import polars as pl

    return native.filter(pl.int_range(pl.len()).shuffle(seed=seed) < max_rows)


def _pyspark(native: Any, total: int, max_rows: int, seed: int) -> Any:
    return (
        native.sample(False, _fraction(total, max_rows), seed)
        .selectExpr("*", f"rand({seed}) AS {_RAND}")
        .orderBy(_RAND)
        .limit(max_rows)
        .drop(_RAND)
    )


def _dask(native: Any, total: int, max_rows: int, seed: int) -> Any:
    return native.sample(frac=_fraction(total, max_rows), random_state=seed)


#: Seeded samplers inside the engine, per narwhals implementation: (function, method key).
_SAMPLERS: Mapping[Any, tuple[Callable[[Any, int, int, int], Any], str]] = {
    nw.Implementation.DUCKDB: (_duckdb, "duckdb"),
    nw.Implementation.POLARS: (_polars, "polars"),
    nw.Implementation.PYSPARK: (_pyspark, "pyspark"),
    nw.Implementation.PYSPARK_CONNECT: (_pyspark, "pyspark"),
    nw.Implementation.DASK: (_dask, "dask"),
}


def _engine_sample(frame: Any, total: int, max_rows: int, seed: int) -> tuple[Any, str]:
    """Sample a lazy frame inside its engine; return the collected sample and the method."""
    if frame.implementation not in _SAMPLERS:
        raise DataError(message("row-sample-too-large", rows=total, max_rows=max_rows))
    sampler, key = _SAMPLERS[frame.implementation]
    eager = _wrap(sampler(nw.to_native(frame), total, max_rows, seed))
    if isinstance(eager, nw.LazyFrame):
        eager = collect(eager)
    if len(eager) > max_rows:  # Dask: an exact-size draw from the Bernoulli sample
        rng = np.random.default_rng(seed)
        index = np.sort(rng.choice(len(eager), size=max_rows, replace=False))
        eager = eager[index.tolist()]
    return eager, key


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
        pandas, polars (eager or lazy), pyarrow, DuckDB, Dask or PySpark.
    columns : sequence of str
        The columns to take.
    max_rows : int, default 1,000,000
        Largest number of rows to take.
    seed : int, default 0
        Seed of the sample when the frame has more rows (a non-negative integer).

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
        For ``max_rows < 1``, no columns, or a seed that is not a non-negative integer.

    Examples
    --------
    >>> import polars as pl
    >>> s = row_sample(pl.DataFrame({"x": [1, 2, 3]}).lazy(), ["x"])
    >>> s.columns["x"].tolist(), s.method
    ([1.0, 2.0, 3.0], 'all rows')

    A larger lazy frame is sampled inside its engine; only the sample is collected:

    >>> import duckdb
    >>> rel = duckdb.sql("SELECT range AS x FROM range(1000)")
    >>> s = row_sample(rel, ["x"], max_rows=10, seed=3)
    >>> s.rows, s.total_rows, s.sampled, s.seed, s.method
    (10, 1000, True, 3, 'DuckDB USING SAMPLE reservoir(max_rows ROWS) REPEATABLE (seed)')
    """
    from eerlijkheid.exceptions import ColumnNotFoundError

    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ConfigError(
            message("invalid-option", name="seed", allowed="0, 1, 2, ...", value=repr(seed))
        )
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
    taken: Any
    if isinstance(frame, nw.LazyFrame):
        total = int(_first_row(frame.select(nw.len().alias("n")))[0])
        if total == 0:
            raise EmptyDataError(message("empty-data", what=message("the-data")))
        if total > max_rows:
            taken, key = _engine_sample(frame, total, max_rows, seed)
        else:
            taken, key = collect(frame), "all"
    else:
        total = len(frame)
        if total == 0:
            raise EmptyDataError(message("empty-data", what=message("the-data")))
        taken, key = frame, "all"
        if total > max_rows:
            rng = np.random.default_rng(seed)
            index = np.sort(rng.choice(total, size=max_rows, replace=False))
            taken, key = frame[index.tolist()], "eager"
    sampled = key != "all"
    arrays = {c: _as_array(taken[c]) for c in names}
    return RowSample(
        columns=MappingProxyType(arrays),
        total_rows=total,
        rows=len(taken),
        sampled=sampled,
        seed=seed if sampled else None,
        method=SAMPLE_METHODS[key],
    )
