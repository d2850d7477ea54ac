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
      The ``max_rows`` rows with the smallest ``hash(columns..., k, seed)``, where ``k``
      numbers the copies of identical rows (``row_number() OVER (PARTITION BY
      columns...)``): exactly ``max_rows`` rows, a seeded random order of the rows that
      depends on their values only, so the same cases and seed give the same sample in any
      row order, with any number of threads (same DuckDB version).
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

Row order
---------
A result must be a function of the *set* of cases, not of their order in the frame.  So
the rows a :class:`RowSample` holds are always in a canonical order: sorted by the
requested columns, in the order requested (numbers ascending with missing values last,
text by its characters with missing values last).  An eager frame larger than
``max_rows`` is put in that order *before* the seeded draw, and a polars ``LazyFrame`` is
sorted inside its engine before its seeded shuffle, so the same cases and seed give the
same sample whatever their order.  DuckDB, Spark and Dask draw inside the engine from
the order the engine has (see above); their samples repeat for the same input, and the
rows taken are put in the canonical order as well.

Categorical or numeric
----------------------
:func:`is_categorical` is the one rule the row-level analyses and the feature tables use
to decide whether a column is a category (never averaged, never cut into bands) or a
number:

* a column listed in ``categorical`` (``AuditConfig.categorical``) is categorical;
* a column that is not numeric (text, a code with leading zeros as ``read_table`` keeps
  it, dates) is categorical;
* a numeric column of whole numbers is categorical when it has at most
  :data:`MAX_CODE_LEVELS` (12) distinct values (labels such as 1/2/3 for a category, or
  yes/no as 0/1), or when its name looks like a code: a word of the name (split at
  ``_``, ``-``, spaces) starts with ``postcode``, ``pc4``, ``pc6``, ``wijk``, ``buurt``
  or ``gemeente``, ends with ``code``, or is ``id`` or ``nr``;
* every other numeric column is numeric.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"wijk": ["a", "b", None, "a"], "inkomen": [1.0, 2.5, 3.0, None]})
>>> s = row_sample(frame, ["wijk", "inkomen"])
>>> s.rows, s.sampled, s.columns["wijk"].tolist(), s.columns["inkomen"].tolist()
(4, False, ['a', 'a', 'b', None], [1.0, nan, 2.5, 3.0])
>>> row_sample(frame, ["wijk"], max_rows=2, seed=1).rows
2
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import numpy.typing as npt

from eerlijkheid.exceptions import ConfigError, DataError, EmptyDataError
from eerlijkheid.i18n import message
from eerlijkheid.ingest._database import collect
from eerlijkheid.ingest._frames import _first_row, _numbers, _suggest, _wrap

__all__ = [
    "DEFAULT_MAX_ROWS",
    "MAX_CODE_LEVELS",
    "SAMPLE_METHODS",
    "RowSample",
    "as_labels",
    "canonical_order",
    "categorical_columns",
    "is_categorical",
    "row_sample",
]

#: Whole-number columns with at most this many distinct values are categories by default.
MAX_CODE_LEVELS = 12

_CODE_WORD = re.compile(r"^(postcode|pc4|pc6|wijk|buurt|gemeente).*$|^.*code$|^(id|nr)$")


def is_categorical(
    name: str,
    *,
    numeric: bool,
    whole: bool = False,
    distinct: int = 0,
    declared: Collection[str] = (),
) -> bool:
    """Decide whether a column is a category or a number (see the module notes).

    Parameters
    ----------
    name : str
        The column name.
    numeric : bool
        Whether the column's type is numeric (or boolean).
    whole : bool
        Whether every value is a whole number (only read when ``numeric``).
    distinct : int
        Number of distinct non-missing values (only read when ``numeric``).
    declared : collection of str
        Columns the user declared categorical.

    Returns
    -------
    bool
        ``True`` for a category.

    Examples
    --------
    >>> is_categorical("postcode", numeric=True, whole=True, distinct=400)
    True
    >>> is_categorical("inkomen", numeric=True, whole=True, distinct=400)
    False
    >>> is_categorical("kinderen", numeric=True, whole=True, distinct=6)
    True
    >>> is_categorical("score", numeric=True, whole=False, distinct=6)
    False
    >>> is_categorical("inkomen", numeric=True, whole=False, distinct=900, declared=["inkomen"])
    True
    """
    if name in declared or not numeric:
        return True
    if not whole:
        return False
    if distinct <= MAX_CODE_LEVELS:
        return True
    words = [w for w in re.split(r"[\s_\-.]+", name.lower()) if w]
    return any(_CODE_WORD.match(w) for w in words)


def categorical_columns(
    columns: Mapping[str, npt.NDArray[Any]], declared: Collection[str] = ()
) -> dict[str, bool]:
    """Apply :func:`is_categorical` to the columns of a :class:`RowSample`.

    Parameters
    ----------
    columns : mapping of str to ndarray
        ``RowSample.columns`` (float64 for numbers, object for text).
    declared : collection of str
        Columns declared categorical.

    Returns
    -------
    dict of str to bool
        Per column, whether it is categorical.

    Examples
    --------
    >>> import numpy as np
    >>> categorical_columns({"wijk": np.array([3012.0, 3013.0]), "x": np.array([0.5, 1.5])})
    {'wijk': True, 'x': False}
    """
    out: dict[str, bool] = {}
    for name, values in columns.items():
        numeric = values.dtype == np.float64
        whole, distinct = False, 0
        if numeric:
            known = values[~np.isnan(values)]
            whole = bool(np.all(np.isfinite(known) & (known == np.round(known))))
            distinct = int(np.unique(known).size)
        out[name] = is_categorical(
            name, numeric=numeric, whole=whole, distinct=distinct, declared=declared
        )
    return out


def as_labels(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Return a float64 column of a :class:`RowSample` as text labels (``3012.0`` → ``"3012"``).

    Parameters
    ----------
    values : ndarray
        A float64 column (missing values NaN) or an object column (returned as is).

    Returns
    -------
    ndarray of object
        ``str`` labels, ``None`` for missing values.

    Examples
    --------
    >>> import numpy as np
    >>> as_labels(np.array([3012.0, np.nan, 0.5])).tolist()
    ['3012', None, '0.5']
    """
    if values.dtype != np.float64:
        return values
    out = np.empty(values.size, dtype=object)
    for i, v in enumerate(values.tolist()):
        out[i] = None if math.isnan(v) else (str(int(v)) if float(v).is_integer() else f"{v:g}")
    return out


#: Default largest number of rows a row-level analysis takes.
DEFAULT_MAX_ROWS = 1_000_000

#: How a sample is drawn, per kind of frame (stated in every RowSample).
SAMPLE_METHODS: Mapping[str, str] = MappingProxyType(
    {
        "all": "all rows",
        "eager": "simple random sample without replacement (numpy default_rng(seed))",
        "duckdb": ("DuckDB: the max_rows rows with the smallest hash(columns, copy number, seed)"),
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
        (missing values ``None``).  Text is in Unicode NFC form without surrounding
        whitespace, and empty text is missing, as group labels in the count table.  The
        rows are in the canonical order (see the module notes), not in the frame's order.
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
    order : ndarray of int64
        Where each row of ``columns`` was among the rows as taken: row ``i`` of
        ``columns`` is row ``order[i]`` of the frame (all rows) or of the sample, so a
        per-row result can be put back in that order (``out[order] = result``).
    """

    columns: Mapping[str, npt.NDArray[Any]]
    total_rows: int
    rows: int
    sampled: bool
    seed: int | None
    method: str
    order: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def _as_array(series: Any, missing_values: Collection[str] = ()) -> npt.NDArray[Any]:
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
    # Text labels as the count table has them: NFC form without surrounding whitespace,
    # and an empty or whitespace-only text is missing (see encode_cells).
    out = np.empty(len(items), dtype=object)
    normalised: dict[str, str | None] = {}
    for i, v in enumerate(items):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out[i] = None
        elif isinstance(v, str):
            if v not in normalised:
                text = unicodedata.normalize("NFC", v).strip()
                normalised[v] = None if not text or text in missing_values else text
            out[i] = normalised[v]
        else:
            out[i] = str(v)
    return out


def canonical_order(
    arrays: Mapping[str, npt.NDArray[Any]], names: Sequence[str]
) -> npt.NDArray[np.int64]:
    """Return the row permutation that sorts columns by ``names`` (first most significant).

    Numbers ascend with NaN last; text sorts by its characters with ``None`` last.  Rows
    equal in every column are interchangeable, so the order is a function of the set.

    Parameters
    ----------
    arrays : mapping of str to ndarray
        Columns as :class:`RowSample` holds them (float64, or object with ``None``).
    names : sequence of str
        The columns to sort by.

    Returns
    -------
    ndarray of int64
        ``arrays[c][order]`` is sorted.

    Examples
    --------
    >>> import numpy as np
    >>> canonical_order({"a": np.array(["b", None, "a"], dtype=object)}, ["a"]).tolist()
    [2, 0, 1]
    """
    keys: list[npt.NDArray[Any]] = []
    for name in names:
        values = arrays[name]
        if values.dtype == np.float64:
            missing = np.isnan(values)
            keys += [missing, np.where(missing, 0.0, values)]
        else:
            missing = np.array([v is None for v in values], dtype=bool)
            text = np.array(["" if v is None else v for v in values], dtype=object)
            _, codes = np.unique(text.astype(str), return_inverse=True)
            keys += [missing, codes.reshape(-1)]
    # np.lexsort: the last key is the primary one
    if not keys:
        return np.arange(0, dtype=np.int64)
    return np.lexsort(keys[::-1]).astype(np.int64)


def _keyed(
    arrays: Mapping[str, npt.NDArray[Any]],
    sort_keys: Mapping[str, Callable[[npt.NDArray[Any]], npt.NDArray[np.float64]]] | None,
) -> dict[str, npt.NDArray[Any]]:
    keys = sort_keys or {}
    return {
        c: (np.asarray(keys[c](v), dtype=np.float64) if c in keys else v) for c, v in arrays.items()
    }


def _fraction(total: int, max_rows: int) -> float:
    """Bernoulli fraction whose sample size falls below ``max_rows`` with probability < 1e-6.

    The expected size is ``max_rows + 5 sqrt(max_rows) + 25``: more than five standard
    deviations above ``max_rows``.
    """
    return min(1.0, (max_rows + 5.0 * math.sqrt(max_rows) + 25.0) / total)


def _duckdb(native: Any, total: int, max_rows: int, seed: int) -> Any:
    view = "__eerlijkheid_rows__"
    names = ", ".join('"' + str(c).replace('"', '""') + '"' for c in native.columns)
    copy = "__eerlijkheid_copy__"
    # A seeded order that depends on the values only: identical rows are told apart by
    # their copy number, so each row is equally likely to be taken.
    return native.query(
        view,
        f"SELECT {names} FROM (SELECT *, row_number() OVER (PARTITION BY {names}) AS {copy} "
        f"FROM {view}) ORDER BY hash({names}, {copy}, {seed}), {names}, {copy} "
        f"LIMIT {max_rows}",
    )


def _polars(native: Any, total: int, max_rows: int, seed: int) -> Any:
    import polars as pl

    # Sorted inside the engine first, so the draw does not depend on the row order.
    ordered = native.sort(native.collect_schema().names(), nulls_last=True, maintain_order=True)
    return ordered.filter(pl.int_range(pl.len()).shuffle(seed=seed) < max_rows)


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
    sort_keys: Mapping[str, Callable[[npt.NDArray[Any]], npt.NDArray[np.float64]]] | None = None,
    missing_values: Sequence[str] = (),
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
    sort_keys : mapping of str to callable, optional
        Per column, a function of its array giving the float64 values it is sorted by in
        the canonical order instead of its own values, e.g. a yes/no column decoded to
        0/1, so that the order (and an eager sample) does not depend on the spelling.
    missing_values : sequence of str, optional
        Texts that mean "no value" (``Roles.missing_values``), read as missing like an
        empty cell.

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
    >>> s.rows, s.total_rows, s.sampled, s.seed, s.method == SAMPLE_METHODS["duckdb"]
    (10, 1000, True, 3, True)
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
    markers = frozenset(str(m).strip() for m in missing_values)
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
            # Put the rows in the canonical order before the draw: the same cases and seed
            # give the same sample whatever the frame's row order.
            whole = {c: _as_array(frame[c], markers) for c in names}
            order = canonical_order(_keyed(whole, sort_keys), names)
            rng = np.random.default_rng(seed)
            index = np.sort(rng.choice(total, size=max_rows, replace=False))
            taken, key = frame[order[index].tolist()], "eager"
    sampled = key != "all"
    arrays = {c: _as_array(taken[c], markers) for c in names}
    order = canonical_order(_keyed(arrays, sort_keys), names)
    arrays = {c: values[order] for c, values in arrays.items()}
    return RowSample(
        columns=MappingProxyType(arrays),
        total_rows=total,
        rows=len(taken),
        sampled=sampled,
        seed=seed if sampled else None,
        method=SAMPLE_METHODS[key],
        order=order,
    )
