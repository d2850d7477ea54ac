"""Per-feature outcome tables on the random arm: the input of Algoritmekader 3-dat-02.

For each input feature of a profile, the cases of the random arm (the unbiased sample) are
counted per feature level and outcome, inside the user's engine: one narwhals
``group_by(feature, outcome)`` per feature on the random-arm rows, collected as a small
arrow table.  A numeric feature with more than ``bins`` distinct values is banded first,
inside the engine, with the same expression as the score bands of
:func:`~eerlijkheid.ingest.encode_cells`: band index = the number of interior band edges at
or below the value.

A *categorical* feature is never banded: each of its values is a level.  Text is
categorical, and so is a numeric feature that :func:`~eerlijkheid.ingest.is_categorical`
calls a category: listed in ``categorical``, or whole numbers with at most 12 distinct
values, or a code-like name (``postcode``, ``wijk``, ...).  A postcode stored as a number is
therefore counted per postcode, never cut into quantile bands of postcodes.

Banding
-------
``"equal-width"`` (default)
    ``bins`` bands of equal width between the feature's minimum and maximum on the random
    arm (one extra aggregate).
``"quantile"``
    Bands holding about equal numbers of random-arm cases.  Engines cannot all compute
    exact quantiles (Dask with several partitions cannot), so the cut points are taken
    from a fine equal-width histogram (1,000 cells over the range, one extra group-by):
    each cut lies on that grid, within 1/1,000 of the range of the exact quantile.  Cut
    points that coincide are merged, so a feature with a point mass (e.g. side earnings
    that are 0 for most cases) gets fewer, but meaningful, bands: the point mass alone,
    then the rest.  Prefer it for skewed features (incomes, amounts, counts), where
    equal-width bands put almost every case in the first band.
Explicit ``edges``
    ``edges={"feature": (e0, e1, ..., ek)}`` gives the bands ``[e0, e1)``, ...,
    ``[e_k-1, e_k]`` as for ``score_edges``; values outside fall in the first or last band.

Scans: one small group-by on the random-arm column (to read its yes/no spellings), one
aggregate for the minimum, maximum and number of distinct values of the numeric features,
with ``"quantile"`` one histogram group-by per banded feature, and the one group-by per
feature.  Every collected result has at most (levels × 3) rows; no row leaves the engine.

Missing feature values get their own level, ``roles.missing_label`` (never dropped, whatever
``roles.missing_groups`` says: a feature is not a group).  Cases whose outcome is missing
(not observed) are not counted.

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.config import Roles
>>> frame = pd.DataFrame({
...     "taal": ["goed", "slecht", "goed", None, "goed", "slecht"],
...     "aselect": ["ja", "ja", "ja", "ja", "nee", "ja"],
...     "fout": [0, 1, 0, 1, 1, None],
...     "d": [1, 1, 1, 1, 1, 1],
... })
>>> roles = Roles(decision="d", groups="taal", outcome="fout", random_sample="aselect")
>>> levels, counts = feature_outcome_tables(frame, roles, ["taal"])["taal"]
>>> levels, counts.tolist()
(('goed', 'slecht', 'onbekend'), [[2, 0], [0, 1], [0, 1]])
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import narwhals.stable.v2 as nw
import numpy as np
import numpy.typing as npt

from eerlijkheid.config import Role, Roles
from eerlijkheid.exceptions import (
    ColumnNotFoundError,
    ConfigError,
    DataError,
    EmptyDataError,
    RoleError,
)
from eerlijkheid.i18n import message
from eerlijkheid.ingest._database import collect
from eerlijkheid.ingest._frames import (
    UNKNOWN_CODE,
    _dictionary,
    _encode_bands,
    _encode_binary,
    _encode_labels,
    _first_row,
    _numbers,
    _suggest,
    _to_arrow,
    _wrap,
)
from eerlijkheid.ingest._sample import is_categorical

__all__ = ["FeatureTable", "feature_outcome_tables"]

IntArray = npt.NDArray[np.int64]
#: One feature's levels and its ``(levels, 2)`` counts of [outcome 0, outcome 1].
FeatureTable = tuple[tuple[str, ...], IntArray]
Binning = Literal["equal-width", "quantile"]

_N = "__eerlijkheid_n__"
_FINE = 1000  # cells of the histogram behind quantile bands


def _collect(frame: Any) -> Any:
    return collect(frame) if isinstance(frame, nw.LazyFrame) else frame


def _not_found(column: str, role: str, available: Sequence[str]) -> ColumnNotFoundError:
    return ColumnNotFoundError(
        message(
            "column-not-found",
            column=column,
            role=role,
            suggestion=_suggest(column, available),
            available=", ".join(repr(a) for a in available),
        )
    )


def _check(
    schema: Mapping[str, Any],
    roles: Roles,
    features: tuple[str, ...],
    bins: int,
    binning: str,
    edges: Mapping[str, Sequence[float]],
) -> tuple[str, str, dict[str, tuple[float, ...]]]:
    if roles.random_sample is None:
        raise ConfigError(message("role-not-a-name", role="random_sample", value="None"))
    if roles.outcome is None:
        raise ConfigError(message("role-not-a-name", role="outcome", value="None"))
    if not isinstance(bins, int) or isinstance(bins, bool) or bins < 2:
        raise ConfigError(
            message("invalid-option", name="bins", allowed="2, 3, 4, ...", value=repr(bins))
        )
    if binning not in ("equal-width", "quantile"):
        raise ConfigError(
            message(
                "invalid-option",
                name="binning",
                allowed="'equal-width', 'quantile'",
                value=repr(binning),
            )
        )
    available = list(schema)
    for role, column in (("random_sample", roles.random_sample), ("outcome", roles.outcome)):
        if column not in schema:
            raise _not_found(column, role, available)
    for feature in features:
        if not isinstance(feature, str) or not feature:
            raise ConfigError(message("role-not-a-name", role="features", value=repr(feature)))
        if feature not in schema:
            raise _not_found(feature, "feature", available)
        for role, column in (("outcome", roles.outcome), ("random_sample", roles.random_sample)):
            if feature == column:
                raise RoleError(message("role-twice", column=feature, first="feature", second=role))
        if schema[feature].is_nested():
            raise DataError(
                message(
                    "column-wrong-type",
                    column=feature,
                    role="feature",
                    dtype=str(schema[feature]),
                    expected=message("expected-scalar"),
                )
            )
    explicit: dict[str, tuple[float, ...]] = {}
    for feature, given in edges.items():
        if feature not in features:
            raise ConfigError(
                message(
                    "invalid-option",
                    name="edges",
                    allowed=", ".join(repr(f) for f in features),
                    value=repr(feature),
                )
            )
        values = tuple(float(e) for e in given)
        if len(values) < 2 or any(b <= a for a, b in itertools.pairwise(values)):
            raise ConfigError(
                message(
                    "invalid-option",
                    name="edges",
                    allowed="2+ increasing numbers",
                    value=repr(tuple(given)),
                )
            )
        if not schema[feature].is_numeric():
            raise DataError(
                message(
                    "column-wrong-type",
                    column=feature,
                    role="feature",
                    dtype=str(schema[feature]),
                    expected=message("expected-numeric"),
                )
            )
        explicit[feature] = values
    return roles.random_sample, roles.outcome, explicit


def _random_arm(frame: Any, column: str, roles: Roles) -> Any:
    """Keep the random-arm rows: the column's values read as "yes" by the binary vocabulary."""
    counted = _to_arrow(
        _collect(frame.group_by([column], drop_null_keys=False).agg(nw.len().alias(_N)))
    )
    n = _numbers(counted.column(_N), integer=True)
    indices, values = _dictionary(counted.column(column))
    # Raises, with the column named, on spellings that are not yes/no and on missing values.
    codes = _encode_binary(column, Role.RANDOM_SAMPLE, indices, values, n, roles).codes
    wanted = sorted(
        {int(i) for i, code in zip(indices, codes, strict=True) if code == 1 and i >= 0}
    )
    if not wanted:
        raise EmptyDataError(message("empty-data", what=f"'{column}' = 1"))
    return frame.filter(nw.col(column).is_in([values[i] for i in wanted]))


def _band(column: str, edges: Sequence[float]) -> Any:
    s = nw.col(column)
    band = nw.lit(0)
    for edge in edges[1:-1]:
        band = band + (s >= edge).cast(nw.Int32).cast(nw.Int64)  # PostgreSQL: bool -> int4 only
    return nw.when(s.is_null()).then(None).otherwise(band)


def _quantile_edges(arm: Any, column: str, lo: float, hi: float, bins: int) -> tuple[float, ...]:
    width = (hi - lo) / _FINE
    fine = ((nw.col(column) - lo) / width).floor().clip(0, _FINE - 1)
    hist = _to_arrow(
        _collect(
            arm.filter(~nw.col(column).is_null())
            .with_columns(fine.alias(column))
            .group_by([column])
            .agg(nw.len().alias(_N))
        )
    )
    cells = _numbers(hist.column(column), integer=False, fill=math.nan)
    counts = _numbers(hist.column(_N), integer=False)
    keep = np.isfinite(cells)
    per_cell = np.bincount(cells[keep].astype(np.int64), weights=counts[keep], minlength=_FINE)
    cumulative = np.cumsum(per_cell)
    targets = cumulative[-1] * np.arange(1, bins) / bins
    # The cut after the first cell whose cumulative count reaches the target.
    cuts = np.unique(np.searchsorted(cumulative, targets, side="left") + 1)
    cuts = cuts[(cuts > 0) & (cuts < _FINE)]
    return (lo, *(lo + width * float(c) for c in cuts), hi)


def _is_ibis(frame: Any) -> bool:
    return bool(frame.implementation is nw.Implementation.IBIS)


def _ibis_summary(arm: Any, numeric: Sequence[str]) -> tuple[Any, ...]:
    """``_numeric_summary``'s row, asked of Ibis directly.

    narwhals' ``n_unique`` on Ibis casts a boolean to int8, which PostgreSQL refuses;
    Ibis' own ``nunique`` counts the distinct non-missing values (null count 0 here).
    """
    native = nw.to_native(arm)
    aggs = {}
    for k, name in enumerate(numeric):
        aggs[f"lo{k}"] = native[name].min()
        aggs[f"hi{k}"] = native[name].max()
        aggs[f"nu{k}"] = native[name].nunique()
        aggs[f"fr{k}"] = (native[name] - native[name].round(0)).abs().max()
    values = native.aggregate(**aggs).to_pyarrow().to_pylist()[0]
    row: list[Any] = []
    for k in range(len(numeric)):
        row += [values[f"lo{k}"], values[f"hi{k}"], values[f"nu{k}"], 0, values[f"fr{k}"]]
    return tuple(row)


def _numeric_summary(arm: Any, numeric: Sequence[str]) -> dict[str, tuple[Any, Any, int, bool]]:
    """Return min, max, number of distinct values and whether all are whole, per feature."""
    if not numeric:
        return {}
    exprs = []
    for k, name in enumerate(numeric):
        c = nw.col(name)
        exprs += [
            c.min().alias(f"__eerlijkheid_lo{k}__"),
            c.max().alias(f"__eerlijkheid_hi{k}__"),
            c.n_unique().alias(f"__eerlijkheid_nu{k}__"),
            c.null_count().alias(f"__eerlijkheid_nc{k}__"),
            (c - c.round(0)).abs().max().alias(f"__eerlijkheid_fr{k}__"),
        ]
    row = _first_row(arm.select(*exprs)) if not _is_ibis(arm) else _ibis_summary(arm, numeric)
    out = {}
    for k, name in enumerate(numeric):
        lo, hi, n_unique, n_null, fraction = row[5 * k : 5 * k + 5]
        distinct = int(n_unique) - (1 if int(n_null) > 0 else 0)
        whole = fraction is None or float(fraction) == 0.0
        out[name] = (lo, hi, distinct, whole)
    return out


def feature_outcome_tables(
    data: Any,
    roles: Roles,
    features: Sequence[str],
    *,
    bins: int = 5,
    binning: Binning = "equal-width",
    edges: Mapping[str, Sequence[float]] | None = None,
    categorical: Sequence[str] = (),
) -> dict[str, FeatureTable]:
    """Count the random arm's outcomes per level of each feature, inside the data's engine.

    Parameters
    ----------
    data : frame
        Rows are cases: pandas, polars (eager or lazy), pyarrow, DuckDB relation, Dask or
        PySpark.
    roles : Roles
        The column roles; ``random_sample`` and ``outcome`` are required.  Binary spellings
        (``binary_values``) and ``missing_label`` are taken from it.
    features : sequence of str
        The input features (e.g. ``config.inputs``).
    bins : int, default 5
        Numeric features with more distinct values on the random arm are banded into (at
        most) this many bands.
    binning : {'equal-width', 'quantile'}, default 'equal-width'
        How bands are cut (see the module docstring).
    edges : mapping of str to sequence of float, optional
        Explicit band edges per numeric feature (always banded, whatever ``bins``).
    categorical : sequence of str, optional
        Numeric features that are categories (never banded); the others follow
        :func:`~eerlijkheid.ingest.is_categorical`.

    Returns
    -------
    dict of str to (tuple of str, ndarray of int64)
        Per feature, in the order given: the level labels (sorted values, or band labels
        ``"[a, b)"``; the missing label last when a value is missing) and the counts of
        shape ``(levels, 2)``: random-arm cases with outcome 0 and with outcome 1.

    Raises
    ------
    ConfigError
        Without a random arm or outcome in ``roles``, or for bad ``bins``/``binning``/``edges``.
    ColumnNotFoundError
        For an unknown column, with the closest name suggested.
    InvalidValuesError
        When the random-arm or outcome column holds values that are not yes/no.
    EmptyDataError
        When no row is in the random arm.

    Examples
    --------
    A numeric feature is banded inside the engine:

    >>> import pandas as pd
    >>> from eerlijkheid.config import Roles
    >>> frame = pd.DataFrame({"x": [0.0, 1.5, 2.0, 3.0, 4.0, 10.0], "r": [1] * 6,
    ...                       "y": [0, 0, 1, 0, 1, 1], "d": [1] * 6})
    >>> roles = Roles(decision="d", groups="x", outcome="y", random_sample="r")
    >>> levels, counts = feature_outcome_tables(frame, roles, ["x"], bins=2)["x"]
    >>> levels, counts.tolist()
    (('[0, 5)', '[5, 10]'), [[3, 2], [0, 1]])
    """
    names = (features,) if isinstance(features, str) else tuple(features)
    frame = _wrap(data)
    schema = frame.collect_schema()
    random, outcome, explicit = _check(schema, roles, names, bins, binning, edges or {})
    policy = dataclasses.replace(roles, missing_groups="group")
    arm = _random_arm(frame, random, roles)
    numeric = [f for f in names if f not in explicit and schema[f].is_numeric()]
    summary = _numeric_summary(arm, numeric)

    band_edges: dict[str, tuple[float, ...]] = dict(explicit)
    for name, (lo, hi, distinct, whole) in summary.items():
        code = is_categorical(
            name, numeric=True, whole=whole, distinct=distinct, declared=categorical
        )
        if code or distinct <= bins or lo is None or hi is None:
            continue
        lo_f, hi_f = float(lo), float(hi)
        if not (math.isfinite(lo_f) and math.isfinite(hi_f)) or hi_f <= lo_f:
            continue
        if binning == "quantile":
            band_edges[name] = _quantile_edges(arm, name, lo_f, hi_f, bins)
        else:
            band_edges[name] = tuple(lo_f + (hi_f - lo_f) * k / bins for k in range(bins + 1))

    out: dict[str, FeatureTable] = {}
    for name in names:
        source = arm
        if name in band_edges:
            source = arm.with_columns(_band(name, band_edges[name]).alias(name))
        counted = _to_arrow(
            _collect(source.group_by([name, outcome], drop_null_keys=False).agg(nw.len().alias(_N)))
        )
        n = _numbers(counted.column(_N), integer=True)
        y_indices, y_values = _dictionary(counted.column(outcome))
        y = _encode_binary(outcome, Role.OUTCOME, y_indices, y_values, n, roles).codes
        f_indices, f_values = _dictionary(counted.column(name))
        if name in band_edges:
            column, _ = _encode_bands(name, f_indices, f_values, n, policy, band_edges[name])
        else:
            column, _ = _encode_labels(name, Role.STRATUM, f_indices, f_values, n, policy)
        levels = column.levels
        counts = np.zeros((len(levels), 2), dtype=np.int64)
        observed = y != UNKNOWN_CODE
        np.add.at(counts, (column.codes[observed], y[observed]), n[observed])
        out[name] = (tuple(levels), counts)
    return out
