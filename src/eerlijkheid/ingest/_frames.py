"""From any supported frame to encoded cells: the one group-by inside the user's engine.

The frame is wrapped with narwhals (stable API), the roles are checked against its schema,
and a single ``group_by(key columns).agg(...)`` runs inside the user's engine (pandas,
polars, pyarrow, DuckDB, Dask, PySpark).  Only that small aggregate is collected, as a
pyarrow table, and encoded: group labels become sorted string levels, binary columns are
mapped explicitly to 0/1, missing labels follow the :class:`~eerlijkheid.config.Roles`
policy.  The input frame is never modified.

The collected arrow columns are read into numpy from their buffers (``_numbers``),
not with pyarrow's ``to_numpy``: pyarrow imports pandas for that, and a polars or DuckDB
user should not pay for pandas (``tests/test_import_cost.py``).
"""

from __future__ import annotations

import difflib
import math
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from eerlijkheid.config import BINARY_FALSE, BINARY_TRUE, Role, Roles
from eerlijkheid.exceptions import (
    ColumnNotFoundError,
    CountsError,
    DataError,
    EmptyDataError,
    InvalidValuesError,
    MixedTypesError,
    RoleError,
    RoundedCountsWarning,
    SingleLevelError,
)
from eerlijkheid.i18n import message
from eerlijkheid.ingest._database import collect

__all__ = [
    "UNKNOWN_CODE",
    "EncodedCells",
    "EncodedColumn",
    "LabelMerge",
    "column_names",
    "did_you_mean",
    "encode_cells",
    "score_band_labels",
]

#: Code of "not observed / not reached" in outcome and stage columns (levels 0, 1, unknown).
UNKNOWN_CODE = 2

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Names of the aggregate columns; chosen so they cannot clash with a user's column.
_N = "__eerlijkheid_n__"
_W = "__eerlijkheid_w__"
_W2 = "__eerlijkheid_w2__"
_WNULL = "__eerlijkheid_wnull__"
_WMIN = "__eerlijkheid_wmin__"
_WMAX = "__eerlijkheid_wmax__"
_CFRAC = "__eerlijkheid_cfrac__"
_CTEN = "__eerlijkheid_cten__"
_CF = "__eerlijkheid_cf__"  # counts as float: a sum that cannot wrap around
_CMAX = "__eerlijkheid_cmax__"
_S = "__eerlijkheid_s__"  # the raw score, for its range
_SMIN = "__eerlijkheid_smin__"
_SMAX = "__eerlijkheid_smax__"

#: Largest count (and total of counts) the count table holds exactly: int64.
INT64_MAX = 2**63 - 1

#: Default limit on the number of distinct labels of one group, stratum or handler column.
MAX_LEVELS = 10_000


@dataclass(frozen=True)
class LabelMerge:
    """One group label made of raw labels that differ only in whitespace or Unicode form.

    Attributes
    ----------
    label : str
        The label used: the raw text in Unicode NFC form without surrounding whitespace.
    variants : tuple of (str, int)
        Each raw spelling found in the data and its number of cases, sorted by spelling.

    Examples
    --------
    >>> LabelMerge("man", (("man", 3), (" man", 1))).cases
    4
    """

    label: str
    variants: tuple[tuple[str, int], ...]

    @property
    def cases(self) -> int:
        """Number of cases under this label."""
        return sum(count for _, count in self.variants)


@dataclass(frozen=True)
class EncodedColumn:
    """One key column of the collected aggregate, encoded as integer codes.

    Attributes
    ----------
    name : str
        The user's column name.
    role : Role
        Its role.
    levels : tuple of str
        The labels; ``codes`` index into them.
    codes : ndarray of int64
        One code per aggregate row.
    merged : tuple of LabelMerge
        Labels whose raw spelling was normalised (surrounding whitespace, Unicode form),
        with the raw variants and their counts; empty when every label was used as is.
    """

    name: str
    role: Role
    levels: tuple[str, ...]
    codes: IntArray
    merged: tuple[LabelMerge, ...] = ()


@dataclass(frozen=True)
class EncodedCells:
    """The collected aggregate: key columns as codes, and the sufficient statistics.

    Attributes
    ----------
    columns : tuple of EncodedColumn
        The key columns, in :attr:`Roles.key_columns` order.
    n : ndarray of int64
        Cases per aggregate row.
    weight, weight_sq : ndarray of float64 or None
        Sum of weights and of squared weights per row, when a weight role is given.
    missing_labels : mapping of str to int
        Per group/stratum column, the number of cases whose label was missing (empty,
        whitespace-only, or listed in :attr:`Roles.missing_values`).
    backend : str
        The engine the group-by ran in.
    merged_labels : mapping of str to tuple of LabelMerge
        Per group/stratum/handler column with normalised labels, what was merged.
    """

    columns: tuple[EncodedColumn, ...]
    n: IntArray
    weight: FloatArray | None
    weight_sq: FloatArray | None
    missing_labels: Mapping[str, int]
    backend: str
    merged_labels: Mapping[str, tuple[LabelMerge, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )


def _wrap(data: Any) -> Any:
    with warnings.catch_warnings():
        # narwhals announces that Dask support moves to a plugin package; nothing to act on.
        warnings.filterwarnings(
            "ignore", message=".*Dask support is moving", category=FutureWarning
        )
        try:
            return nw.from_native(data)
        except TypeError as exc:
            raise DataError(message("unsupported-frame", type=type(data).__name__)) from exc


def column_names(data: Any) -> tuple[str, ...]:
    """Return the column names of any supported frame (from its schema; no data is read).

    Parameters
    ----------
    data : frame
        pandas, polars, pyarrow, DuckDB, Dask or PySpark.

    Returns
    -------
    tuple of str
        The names, in order.

    Examples
    --------
    >>> import pandas as pd
    >>> column_names(pd.DataFrame({"a": [1], "b": [2]}))
    ('a', 'b')
    """
    return tuple(_wrap(data).collect_schema().names())


def did_you_mean(name: str, available: Sequence[str]) -> str:
    """Return ``" Bedoelde u 'x'?"`` for the name in ``available`` closest to ``name``.

    Case and surrounding spaces are ignored first; otherwise the closest spelling
    (:func:`difflib.get_close_matches`, cutoff 0.6).  Empty when nothing is close.

    Parameters
    ----------
    name : str
        What the user wrote.
    available : sequence of str
        The names (or labels) that exist.

    Returns
    -------
    str
        The sentence (with a leading space), in the library language, or ``""``.

    Examples
    --------
    >>> did_you_mean("inkomen_x", ["inkomen", "wijk"])
    " Bedoelde u 'inkomen'?"
    >>> did_you_mean("zzz", ["inkomen"])
    ''
    """
    lowered = {a.lower().strip(): a for a in available}
    if name.lower().strip() in lowered:
        return message("did-you-mean", candidate=lowered[name.lower().strip()])
    close = difflib.get_close_matches(name, list(available), n=1, cutoff=0.6)
    return message("did-you-mean", candidate=close[0]) if close else ""


def _suggest(column: str, available: Sequence[str]) -> str:
    return did_you_mean(column, available)


def _not_a_number(frame: Any, column: str) -> str:
    """Return a sentence naming the first value of a text column that is not a number."""
    c = nw.col(column)
    number = r"^\s*[-+]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?\s*$"
    odd = frame.select(c).filter(~c.is_null() & ~c.str.contains(number)).head(1)
    if isinstance(odd, nw.LazyFrame):
        odd = odd.collect()
    if len(odd) == 0:
        return ""
    (value,) = _first_row(odd)
    return " " + message("not-a-number-example", value=str(value)[:40])


def _check_schema(schema: Mapping[str, Any], roles: Roles, frame: Any = None) -> None:
    available = list(schema)
    for role, column in roles.columns():
        if column not in schema:
            raise ColumnNotFoundError(
                message(
                    "column-not-found",
                    column=column,
                    role=role,
                    suggestion=_suggest(column, available),
                    available=", ".join(repr(a) for a in available),
                )
            )
        dtype = schema[column]
        if role in ("score", "weight", "count"):
            if not dtype.is_numeric():
                example = ""
                if frame is not None and dtype == nw.String:
                    example = _not_a_number(frame, column)
                raise DataError(
                    message(
                        "column-wrong-type",
                        column=column,
                        role=role,
                        dtype=str(dtype),
                        expected=message("expected-numeric"),
                    )
                    + example
                )
        elif dtype.is_nested():
            raise DataError(
                message(
                    "column-wrong-type",
                    column=column,
                    role=role,
                    dtype=str(dtype),
                    expected=message("expected-scalar"),
                )
            )


def _first_row(frame: Any) -> tuple[Any, ...]:
    """Collect a (one-row) frame and return its first row as Python values.

    Through arrow's ``to_pylist``: narwhals' ``row`` on an arrow table converts a Python
    list to arrow, which makes pyarrow import pandas.
    """
    if isinstance(frame, nw.LazyFrame):
        frame = collect(frame)
    row = _to_arrow(frame).slice(0, 1).to_pylist()[0]
    return tuple(row[name] for name in frame.columns)  # not a pandas index column


def _score_edges(frame: Any, roles: Roles) -> tuple[float, ...]:
    """Return the score's band edges: given, or 10 equal-width bands over its range."""
    if roles.score_edges or roles.score is None:
        return roles.score_edges
    s = nw.col(roles.score)
    lo, hi = _first_row(frame.select(s.min().alias("lo"), s.max().alias("hi")))
    if lo is None or hi is None:
        raise InvalidValuesError(message("score-no-values", column=roles.score))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise InvalidValuesError(message("score-not-finite", column=roles.score, lo=lo, hi=hi))
    if hi <= lo:
        hi = lo + 1.0
    return tuple(lo + (hi - lo) * k / 10 for k in range(11))


def score_band_labels(edges: Sequence[float]) -> tuple[str, ...]:
    """Return the labels of the score bands: ``[a, b)`` and a closed last band ``[a, b]``.

    Parameters
    ----------
    edges : sequence of float
        Increasing band edges.

    Returns
    -------
    tuple of str
        One label per band.

    Examples
    --------
    >>> score_band_labels([0.0, 0.5, 1.0])
    ('[0, 0.5)', '[0.5, 1]')
    """
    last = len(edges) - 2
    return tuple(
        f"[{edges[k]:.4g}, {edges[k + 1]:.4g}{']' if k == last else ')'}"
        for k in range(len(edges) - 1)
    )


def _flag(condition: Any) -> Any:
    """Return a boolean expression as 0/1 int64, in every engine.

    Through int32: PostgreSQL (through Ibis) casts boolean to integer but not to bigint.
    """
    return condition.cast(nw.Int32).cast(nw.Int64)


def _aggregate(frame: Any, roles: Roles, edges: tuple[float, ...]) -> Any:
    keys = list(roles.key_columns)
    extra: dict[str, Any] = {}
    aggs: list[Any] = []
    # PostgreSQL sums a bigint to numeric, which Ibis declares int64 and cannot read (and
    # Ibis drops a cast to the type it believes): on Ibis the integer sums are read as
    # decimals, which the encoding turns into int64 like DuckDB's HUGEINT.  Ibis also
    # compiles ``c / 1`` of an integer to integer division: there, cast to float.
    on_ibis = frame.implementation is nw.Implementation.IBIS

    def int_sum(expr: Any) -> Any:
        return expr.sum().cast(nw.Decimal()) if on_ibis else expr.sum()

    if roles.score is not None:
        # Band index = number of interior edges at or below the score: one expression that
        # every engine evaluates, so the scores never leave the engine.
        s = nw.col(roles.score)
        band = nw.lit(0)
        for edge in edges[1:-1]:
            band = band + _flag(s >= edge)
        extra[roles.score] = nw.when(s.is_null()).then(None).otherwise(band)
        # The score's range in the same pass, to check that the edges cover it.
        extra[_S] = s
        aggs += [nw.col(_S).min().alias(_SMIN), nw.col(_S).max().alias(_SMAX)]
    if roles.count is not None:
        if roles.weight is not None:
            raise RoleError(message("count-with-weight", weight=roles.weight, count=roles.count))
        c = nw.col(roles.count)
        aggs += [
            int_sum(c).alias(_N),
            c.min().alias(_WMIN),
            int_sum(nw.col(_WNULL)).alias(_WNULL),
        ]
        extra[_WNULL] = _flag(c.is_null())
        # On the float copy: PostgreSQL rounds a bigint to numeric, which Ibis reads as a
        # float it cannot convert; an integer stays integer-valued as a float.
        cf = c.cast(nw.Float64) if on_ibis else c / 1
        extra[_CFRAC] = (cf - cf.round(0)).abs()
        extra[_CTEN] = _flag(c % 10 != 0)
        # ``c / 1`` is a float in every engine (pyarrow refuses a checked cast of large
        # integers to float); its sum cannot wrap around as an integer sum can past 2**63.
        extra[_CF] = cf
        aggs += [
            nw.col(_CFRAC).max().alias(_CFRAC),
            int_sum(nw.col(_CTEN)).alias(_CTEN),
            nw.col(_CF).sum().alias(_CF),
            c.max().alias(_CMAX),
        ]
    else:
        aggs.append(nw.len().alias(_N))
    if roles.weight is not None:
        w = nw.col(roles.weight)
        extra[_W2] = w * w
        extra[_WNULL] = _flag(w.is_null())
        aggs += [
            w.sum().alias(_W),
            nw.col(_W2).sum().alias(_W2),
            int_sum(nw.col(_WNULL)).alias(_WNULL),
            w.min().alias(_WMIN),
            w.max().alias(_WMAX),
        ]
    if extra:
        frame = frame.with_columns(**extra)
    grouped = frame.group_by(keys, drop_null_keys=False).agg(*aggs)
    if isinstance(grouped, nw.LazyFrame):
        grouped = collect(grouped)
    return grouped


def _to_arrow(grouped: Any) -> pa.Table:
    try:
        table = grouped.to_arrow()
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        for name in grouped.columns:
            values = [v for v in grouped[name].to_list() if not _is_missing(v)]
            kinds = sorted({type(v).__name__ for v in values})
            if len(kinds) > 1:
                examples = ", ".join(
                    repr(next(v for v in values if type(v).__name__ == k)) for k in kinds
                )
                raise MixedTypesError(
                    message("mixed-types", column=name, types=", ".join(kinds), examples=examples)
                ) from exc
        raise  # pragma: no cover - a conversion failure that is not a type mix
    return table


def _numbers(column: pa.ChunkedArray | pa.Array, *, integer: bool, fill: float = 0) -> Any:
    """Return an arrow column as a numpy int64 or float64 array, with ``fill`` for nulls.

    The values are read from the arrow buffers directly: pyarrow's own ``to_numpy`` (and
    any conversion of Python objects to arrow) imports pandas, and a polars or DuckDB user
    should not pay for that import.
    """
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    target, dtype = (pa.int64(), np.int64) if integer else (pa.float64(), np.float64)
    size = len(array)
    if size == 0:
        return np.zeros(0, dtype=dtype)
    if pa.types.is_null(array.type):
        return np.full(size, fill, dtype=dtype)
    if array.type != target:
        array = array.cast(target)
    validity, data = array.buffers()[:2]
    values = np.frombuffer(data, dtype=dtype, count=size, offset=array.offset * 8).copy()
    if array.null_count:
        bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        valid = bits[array.offset : array.offset + size].astype(bool)
        values[~valid] = fill
    return values


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _dictionary(column: pa.ChunkedArray) -> tuple[IntArray, list[Any]]:
    """Return (indices with -1 for missing, distinct values) of an arrow column."""
    array = column.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    encoded = pc.dictionary_encode(array)
    indices: IntArray = _numbers(encoded.indices, integer=True, fill=-1)
    values = encoded.dictionary.to_pylist()
    nan_positions = [i for i, v in enumerate(values) if _is_missing(v)]
    if nan_positions:
        indices = np.where(np.isin(indices, nan_positions), -1, indices)
    return indices, values


def _label(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sort_key(value: object) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, str(value))


def _binary_value(value: object, spellings: Mapping[str, bool]) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return int(value) if value in (0, 1) else None
    text = str(value).strip().lower()
    if text in spellings:
        return int(spellings[text])
    if text in BINARY_TRUE:
        return 1
    if text in BINARY_FALSE:
        return 0
    return None


def _encode_binary(
    name: str, role: Role, indices: IntArray, values: list[Any], n: IntArray, roles: Roles
) -> EncodedColumn:
    mapped = [_binary_value(v, roles.binary_values) for v in values]
    unknown = sorted({repr(v) for v, m in zip(values, mapped, strict=True) if m is None})
    if unknown:
        shown = ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        raise InvalidValuesError(
            message("binary-unknown-values", column=name, role=role.value, values=shown)
        )
    missing = indices < 0
    allows_missing = role in (Role.OUTCOME, Role.STAGE)
    if missing.any() and not allows_missing:
        raise InvalidValuesError(
            message("binary-missing", column=name, role=role.value, count=int(n[missing].sum()))
        )
    lookup = np.array([*(m for m in mapped if m is not None), UNKNOWN_CODE], dtype=np.int64)
    codes = lookup[indices]  # index -1 picks the trailing UNKNOWN_CODE
    levels = ("0", "1", roles.missing_label) if allows_missing else ("0", "1")
    return EncodedColumn(name, role, levels, codes)


def _normalised_text(value: object) -> str:
    """Return the label of a raw value: NFC form without surrounding whitespace for text."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return _label(value)


def _encode_labels(
    name: str, role: Role, indices: IntArray, values: list[Any], n: IntArray, roles: Roles
) -> tuple[EncodedColumn, int]:
    """Encode a label column of the (small) aggregate.

    Runs after the engine's group-by, on its distinct values only: each text label is put
    in Unicode NFC form and stripped of surrounding whitespace; an empty result or one of
    ``roles.missing_values`` is missing; raw labels with the same normalised form become
    one level, and every normalised raw spelling is recorded in ``EncodedColumn.merged``.
    """
    texts = [_normalised_text(v) for v in values]
    markers = set(roles.missing_values)
    blank = [
        isinstance(v, str) and (t == "" or t in markers) for v, t in zip(values, texts, strict=True)
    ]
    if any(blank):
        lookup_missing = np.array([*blank, True], dtype=bool)
        indices = np.where(lookup_missing[indices], -1, indices)
    # One representative sort key per normalised label (numbers sort as numbers).
    keys: dict[str, tuple[int, Any]] = {}
    for value, text, is_blank in zip(values, texts, blank, strict=True):
        if not is_blank:
            key = (2, text) if isinstance(value, str) else _sort_key(value)
            keys[text] = min(keys.get(text, key), key)
    labels = sorted(keys, key=lambda t: (keys[t], t))
    position = {label: k for k, label in enumerate(labels)}
    missing = indices < 0
    n_missing = int(n[missing].sum())
    if missing.any():
        if roles.missing_groups == "error":
            raise InvalidValuesError(
                message(
                    "group-missing-error",
                    column=name,
                    role=role.value,
                    count=n_missing,
                    label=roles.missing_label,
                )
            )
        if roles.missing_label in position:
            raise InvalidValuesError(
                message("group-missing-label-clash", column=name, label=roles.missing_label)
            )
    rank = np.array(
        [*(-1 if b else position[t] for t, b in zip(texts, blank, strict=True)), len(labels)],
        dtype=np.int64,
    )
    rank[rank < 0] = len(labels)
    codes = rank[indices]  # missing (index -1) goes to the trailing missing label
    levels = (*labels, roles.missing_label) if missing.any() else tuple(labels)
    types: dict[str, set[str]] = {}
    for value, text, is_blank in zip(values, texts, blank, strict=True):
        if not is_blank:
            types.setdefault(text, set()).add(type(value).__name__)
    if any(len(kinds) > 1 for kinds in types.values()):
        # A number and a text with the same label (1 and "1"): a type mix, not a spelling.
        raise MixedTypesError(
            message("mixed-types", column=name, types="?", examples=", ".join(levels))
        )
    if role is Role.GROUP and len(levels) < 2:
        raise SingleLevelError(message("single-level", column=name, value=levels[0]))
    return EncodedColumn(
        name, role, levels, codes, _merges(indices, values, texts, blank, n)
    ), n_missing


def _merges(
    indices: IntArray, values: list[Any], texts: list[str], blank: list[bool], n: IntArray
) -> tuple[LabelMerge, ...]:
    """Return the normalised labels with a raw text spelling that differs from the label."""
    changed = {
        t
        for v, t, b in zip(values, texts, blank, strict=True)
        if isinstance(v, str) and not b and v != t
    }
    if not changed:
        return ()
    valid = indices >= 0
    per_value = np.bincount(indices[valid], weights=n[valid], minlength=len(values))
    variants: dict[str, list[tuple[str, int]]] = {}
    for k, (value, text) in enumerate(zip(values, texts, strict=True)):
        if text in changed and not blank[k]:
            variants.setdefault(text, []).append((str(value), round(float(per_value[k]))))
    return tuple(LabelMerge(label, tuple(sorted(variants[label]))) for label in sorted(variants))


def _encode_bands(
    name: str,
    indices: IntArray,
    values: list[Any],
    n: IntArray,
    roles: Roles,
    edges: tuple[float, ...],
) -> tuple[EncodedColumn, int]:
    labels = score_band_labels(edges)
    lookup = np.array([*(int(v) for v in values), len(labels)], dtype=np.int64)
    codes = lookup[indices]  # index -1 (missing score) picks the trailing missing level
    missing = indices < 0
    n_missing = int(n[missing].sum())
    if missing.any() and roles.missing_groups == "error":
        raise InvalidValuesError(
            message(
                "group-missing-error",
                column=name,
                role=Role.SCORE_BAND.value,
                count=n_missing,
                label=roles.missing_label,
            )
        )
    levels = (*labels, roles.missing_label) if missing.any() else labels
    return EncodedColumn(name, Role.SCORE_BAND, levels, codes), n_missing


def encode_cells(
    data: Any, roles: Roles, *, rounded: bool = False, max_levels: int = MAX_LEVELS
) -> EncodedCells:
    """Aggregate ``data`` by the role columns inside its engine and encode the result.

    Parameters
    ----------
    data : frame
        pandas, polars (eager or lazy), pyarrow, DuckDB relation, Dask or PySpark
        DataFrame; rows are cases, or, with ``roles.count``, pre-aggregated cells.
    roles : Roles
        The column roles.
    rounded : bool
        For pre-aggregated input: acknowledge that counts are rounded (e.g. to tens).
    max_levels : int
        Most distinct labels a group, stratum or handler column may have (default
        :data:`MAX_LEVELS`).  More stop the audit before any per-level result is built:
        a column with that many labels is usually an identifier, and every level costs
        memory in every analysis.

    Returns
    -------
    EncodedCells
        The encoded aggregate (cells may repeat; :mod:`eerlijkheid.counts` merges them).

    Raises
    ------
    ColumnNotFoundError, InvalidValuesError, MixedTypesError, EmptyDataError,
    SingleLevelError, CountsError, DataError
        With a message that names the column and what to do.
    """
    frame = _wrap(data)
    schema = frame.collect_schema()
    if roles.count is not None and schema.get(roles.count) == nw.String:
        _check_text_counts(frame, roles.count)
    _check_schema(schema, roles, frame)
    backend = str(frame.implementation).rsplit(".", 1)[-1].lower()
    edges = _score_edges(frame, roles) if roles.score is not None else ()
    table = _to_arrow(_group_by(frame, roles, edges))
    if roles.count is not None:
        _check_counts(table, roles.count, rounded)
        n = _exact_counts(table, roles.count)
    else:
        n = _numbers(table.column(_N), integer=True)
    if table.num_rows == 0 or int(n.sum()) == 0:
        raise EmptyDataError(message("empty-data", what=message("the-data")))
    if roles.score is not None and roles.score_edges:
        _check_score_range(table, roles.score, roles.score_edges)

    weight = weight_sq = None
    if roles.weight is not None:
        weight, weight_sq = _checked_weights(table, roles.weight)

    columns: list[EncodedColumn] = []
    missing_labels: dict[str, int] = {}
    for name in roles.key_columns:
        role = roles.role_of(name)
        indices, values = _dictionary(table.column(name))
        if role in (Role.GROUP, Role.STRATUM, Role.HANDLER) and len(values) > max_levels:
            raise InvalidValuesError(
                message(
                    "too-many-levels",
                    column=name,
                    role=role.value,
                    levels=_thousands(len(values)),
                    limit=_thousands(max_levels),
                )
            )
        if role is Role.SCORE_BAND:
            column, n_missing = _encode_bands(name, indices, values, n, roles, edges)
            missing_labels[name] = n_missing
        elif role in (Role.GROUP, Role.STRATUM, Role.HANDLER):
            column, n_missing = _encode_labels(name, role, indices, values, n, roles)
            missing_labels[name] = n_missing
        else:
            column = _encode_binary(name, role, indices, values, n, roles)
        columns.append(column)
    return EncodedCells(
        columns=tuple(columns),
        n=n,
        weight=weight,
        weight_sq=weight_sq,
        missing_labels=MappingProxyType(missing_labels),
        backend=backend,
        merged_labels=MappingProxyType({c.name: c.merged for c in columns if c.merged}),
    )


def _thousands(value: int) -> str:
    """Write an integer with Dutch thousands dots: ``9.223.372.036.854.775.807``."""
    return f"{value:,}".replace(",", ".")


def _counts_too_large(table: pa.Table, column: str, total: float) -> CountsError:
    largest = pc.max(table.column(_CMAX)).as_py()
    shown = _thousands(int(largest)) if largest is not None else "?"
    return CountsError(
        message(
            "counts-too-large",
            column=column,
            largest=shown,
            total=f"{total:.4g}",
            limit=_thousands(INT64_MAX),
        )
    )


def _exact_counts(table: pa.Table, column: str) -> IntArray:
    """Return the summed counts per cell exactly, or fail if a sum or the total passes int64.

    An engine sums integers in 64 bits and wraps around past 2**63 (pandas, polars,
    pyarrow) or returns a wider type (DuckDB's HUGEINT, as a decimal).  The float sum of
    the same counts (``_CF``) cannot wrap: an exact sum more than 2**62 away from it
    wrapped.  The total is summed in Python integers when it comes near the limit.
    """
    sums = table.column(_N)
    approx = _numbers(table.column(_CF), integer=False, fill=0.0)
    if any(math.isnan(value) for value in approx):
        count = sum(math.isnan(value) for value in approx)
        raise CountsError(message("counts-missing", column=column, count=count))
    with np.errstate(over="ignore"):
        total = float(approx.sum())
    if not math.isfinite(total):
        raise _counts_too_large(table, column, total)
    if pa.types.is_integer(sums.type) and (
        pa.types.is_signed_integer(sums.type) or sums.type.bit_width < 64
    ):
        values = _numbers(sums, integer=True)
        wrapped = bool((np.abs(values.astype(np.float64) - approx) > 2.0**62).any())
        exact = values
    else:  # unsigned 64-bit, decimal (DuckDB) or float sums: through Python integers
        python = [
            0 if v is None else round(v) if isinstance(v, float) else int(v)
            for v in sums.to_pylist()
        ]
        wrapped = any(
            v > INT64_MAX or abs(v - a) > 2.0**62 for v, a in zip(python, approx, strict=True)
        )
        if wrapped:
            raise _counts_too_large(table, column, total)
        exact = np.asarray(python, dtype=np.int64)
    result: IntArray = exact
    if wrapped:
        raise _counts_too_large(table, column, total)
    if total > 2.0**62 and sum(int(v) for v in exact.tolist()) > INT64_MAX:
        raise _counts_too_large(table, column, total)
    return result


def _check_text_counts(frame: Any, column: str) -> None:
    """Fail with a clear message if a text count column holds integers past int64.

    The readers keep integers that do not fit in 64 bits as text, so such a count
    column arrives as text; saying "type String" would hide the reason.
    """
    c = nw.col(column).str.strip_chars()
    digits = frame.select(c).filter(~nw.col(column).is_null())
    numeric, longest = _first_row(
        digits.select(
            nw.col(column).str.contains(r"^[0-9]+$").all().alias("numeric"),
            nw.col(column).str.len_chars().max().alias("longest"),
        )
    )
    if not numeric or longest is None or longest < len(str(INT64_MAX)):
        return
    longest_values = digits.filter(nw.col(column).str.len_chars() == longest)
    (largest,) = _first_row(longest_values.select(nw.col(column).max()))
    if int(largest) <= INT64_MAX:
        return
    raise CountsError(
        message(
            "counts-too-large",
            column=column,
            largest=_thousands(int(largest)),
            total=f"{float(int(largest)):.4g}",
            limit=_thousands(INT64_MAX),
        )
    )


def _checked_weights(table: pa.Table, column: str) -> tuple[FloatArray, FloatArray]:
    """Return the weight sums per cell; fail on missing, negative, non-finite or all-zero."""
    nulls = int(_numbers(table.column(_WNULL), integer=True).sum())
    if nulls:
        raise InvalidValuesError(message("weight-missing", column=column, count=nulls))
    wmin = pc.min(table.column(_WMIN)).as_py()
    if wmin is not None and wmin < 0:
        raise InvalidValuesError(message("weight-negative", column=column, value=wmin))
    weight: FloatArray = _numbers(table.column(_W), integer=False, fill=math.nan)
    weight_sq: FloatArray = _numbers(table.column(_W2), integer=False, fill=math.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        total, total_sq = float(weight.sum()), float(weight_sq.sum())
    if not (math.isfinite(total) and math.isfinite(total_sq)):
        largest = pc.max(table.column(_WMAX)).as_py()
        raise InvalidValuesError(message("weight-not-finite", column=column, value=largest))
    if total <= 0:
        raise InvalidValuesError(message("weight-all-zero", column=column))
    return weight, weight_sq


def _check_score_range(table: pa.Table, column: str, edges: Sequence[float]) -> None:
    """Fail if the score holds inf or NaN, or the given edges do not cover its range."""
    lo = pc.min(table.column(_SMIN)).as_py()
    hi = pc.max(table.column(_SMAX)).as_py()
    if lo is None or hi is None:
        return  # every score missing: they are counted in the missing band
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise InvalidValuesError(message("score-not-finite", column=column, lo=lo, hi=hi))
    if lo < edges[0] or hi > edges[-1]:
        raise InvalidValuesError(
            message(
                "score-edges-not-covering",
                column=column,
                lo=f"{lo:.6g}",
                hi=f"{hi:.6g}",
                first=f"{edges[0]:.6g}",
                last=f"{edges[-1]:.6g}",
            )
        )


def _nested_key(frame: Any, roles: Roles) -> tuple[str, str] | None:
    """Return (column, value type) of a key column holding lists or structs, if any.

    pandas keeps Parquet lists and structs as object columns of arrays and dicts, which
    its group-by cannot hash; the schema shows only ``Object``.
    """
    native = nw.to_native(frame)
    if type(native).__module__.split(".")[0] != "pandas":
        return None
    for name in roles.key_columns:
        kinds = {type(v).__name__ for v in native[name].dropna()}
        nested = sorted(kinds & {"list", "tuple", "dict", "set", "ndarray"})
        if nested:
            return name, nested[0]
    return None


def _group_by(frame: Any, roles: Roles, edges: tuple[float, ...]) -> Any:
    try:
        return _aggregate(frame, roles, edges)
    except TypeError as exc:
        nested = _nested_key(frame, roles)
        if nested is None:
            raise
        name, kind = nested
        raise DataError(
            message(
                "column-wrong-type",
                column=name,
                role=roles.role_of(name).value,
                dtype=f"object ({kind})",
                expected=message("expected-scalar"),
            )
        ) from exc


def _check_counts(table: pa.Table, column: str, rounded: bool) -> None:
    nulls = int(_numbers(table.column(_WNULL), integer=True).sum())
    if nulls:
        raise CountsError(message("counts-missing", column=column, count=nulls))
    cmin = pc.min(table.column(_WMIN)).as_py()
    if cmin is not None and cmin < 0:
        raise CountsError(message("counts-negative", column=column, value=cmin))
    frac = pc.max(table.column(_CFRAC)).as_py()
    if frac is not None and frac > 1e-9:
        raise CountsError(message("counts-not-integer", column=column, value=frac))
    not_tens = int(_numbers(table.column(_CTEN), integer=True).sum())
    if not rounded and not_tens == 0:
        warnings.warn(
            message("counts-look-rounded", column=column), RoundedCountsWarning, stacklevel=4
        )
