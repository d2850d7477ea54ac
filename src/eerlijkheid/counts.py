"""The count table: the sufficient statistics every count-based metric is computed from.

One row per observed cell (group combination × strata × stages × decision × outcome ×
random arm) with the number of cases and, with weights, the sum of weights and of squared
weights.  It is built by *one* ``group_by().agg()`` inside the user's engine
(:func:`count_table`) or from pre-aggregated counts (``count=`` column), and collected
once.  Single attributes and lower-order intersections are marginals of it
(:meth:`CountTable.marginal`, :meth:`CountTable.dense`), never new scans.

Cells are stored sparse (only observed cells) in a canonical order, so the same data
gives the same table whatever the engine, the row order or the chunking.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({
...     "geslacht": ["v", "v", "m", "m", "m"],
...     "geselecteerd": ["ja", "nee", "ja", "ja", "nee"],
... })
>>> table = count_table(frame, decision="geselecteerd", groups=["geslacht"])
>>> table.dense(["geslacht", "geselecteerd"]).tolist()
[[1, 2], [1, 1]]
>>> table.levels("geslacht")
('m', 'v')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from eerlijkheid.config import MissingPolicy, Role, Roles
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message
from eerlijkheid.ingest import MAX_LEVELS, UNKNOWN_CODE, EncodedCells, LabelMerge, encode_cells

__all__ = ["UNKNOWN_CODE", "CountTable", "Dimension", "count_table"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Value = Literal["n", "weight", "weight_sq"]


@dataclass(frozen=True)
class Dimension:
    """One dimension of the count table.

    Attributes
    ----------
    name : str
        The user's column name.
    role : Role
        Its role (group, stratum, stage, decision, outcome, random sample).
    levels : tuple of str
        Labels of the codes ``0 .. len(levels) - 1``.  Binary dimensions have levels
        ``("0", "1")``; outcome and stage dimensions add a third level for "not observed /
        not reached" (code :data:`UNKNOWN_CODE`).
    """

    name: str
    role: Role
    levels: tuple[str, ...]


def _short(mapping: Mapping[str, int], limit: int = 6) -> str:
    """Render a mapping for a summary ``repr``, the first ``limit`` items only."""
    items = list(mapping.items())
    text = ", ".join(f"{k}: {v}" for k, v in items[:limit])
    if len(items) > limit:
        text += f", … {len(items) - limit} more"
    return "{" + text + "}"


def _readonly(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


def _cell_keys(codes: IntArray, sizes: Sequence[int]) -> IntArray:
    if len(sizes) == 0:
        return np.zeros(codes.shape[0], dtype=np.int64)
    if float(np.prod(np.asarray(sizes, dtype=np.float64))) >= 2.0**62:
        # Too many level combinations for one int64 key: fall back to row-wise unique.
        _, inverse = np.unique(codes, axis=0, return_inverse=True)
        return inverse.reshape(-1).astype(np.int64)
    keys: IntArray = np.asarray(np.ravel_multi_index(tuple(codes.T), tuple(sizes)), dtype=np.int64)
    return keys


@dataclass(frozen=True, eq=False)
class CountTable:
    """Sparse table of case counts per cell; the contract between data and statistics.

    Build it with :func:`count_table`; construct it directly only from already encoded
    arrays (cells may repeat, they are merged and put in canonical order).

    Attributes
    ----------
    dimensions : tuple of Dimension
        The key dimensions, in order: groups, strata, stages, decision, outcome, random arm.
    codes : ndarray of int64, shape (cells, len(dimensions))
        Level codes per cell.
    n : ndarray of int64, shape (cells,)
        Number of cases per cell.
    weight, weight_sq : ndarray of float64 or None
        Sum of case weights and of squared weights per cell, when weighted.
    missing_labels : mapping of str to int
        Per group/stratum dimension, how many cases had a missing label (counted in the
        explicit missing-label group; never dropped).
    rounded : bool
        The counts were declared rounded (e.g. statistics-office tables rounded to tens);
        results computed from them are approximate.
    backend : str
        The engine that computed the aggregate (``"pandas"``, ``"polars"``, ...).
    merged_labels : mapping of str to tuple of LabelMerge
        Per dimension, the labels whose raw spellings differed only in surrounding
        whitespace or Unicode normalisation and were counted as one (finding EE406).
    """

    dimensions: tuple[Dimension, ...]
    codes: IntArray
    n: IntArray
    weight: FloatArray | None = None
    weight_sq: FloatArray | None = None
    missing_labels: Mapping[str, int] = field(default_factory=dict)
    rounded: bool = False
    backend: str = "numpy"
    merged_labels: Mapping[str, tuple[LabelMerge, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        codes = np.asarray(self.codes, dtype=np.int64).reshape(-1, len(self.dimensions))
        n = np.asarray(self.n, dtype=np.int64).reshape(-1)
        sizes = [len(d.levels) for d in self.dimensions]
        keys = _cell_keys(codes, sizes)
        unique_keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        # Summed in int64, not through bincount's float64: counts past 2**53 stay exact.
        merged_n = np.zeros(unique_keys.size, dtype=np.int64)
        np.add.at(merged_n, inverse.reshape(-1), n)
        object.__setattr__(self, "codes", _readonly(codes[first]))
        object.__setattr__(self, "n", _readonly(merged_n))
        for name in ("weight", "weight_sq"):
            values = getattr(self, name)
            if values is not None:
                summed = np.bincount(
                    inverse, weights=np.asarray(values, dtype=np.float64), minlength=first.size
                )
                object.__setattr__(self, name, _readonly(summed))
        object.__setattr__(self, "missing_labels", MappingProxyType(dict(self.missing_labels)))
        object.__setattr__(self, "merged_labels", MappingProxyType(dict(self.merged_labels)))

    def __repr__(self) -> str:
        # A summary: the arrays themselves can hold many thousands of cells.
        shown = ", ".join(
            f"{d.name} ({d.role.value}, {len(d.levels)} levels)" for d in self.dimensions[:8]
        )
        more = len(self.dimensions) - 8
        if more > 0:
            shown += f", … {more} more"
        missing = {k: v for k, v in self.missing_labels.items() if v}
        return (
            f"CountTable(rows={self.total}, cells={self.n.size}, backend={self.backend!r}, "
            f"weighted={self.weighted}, rounded={self.rounded},\n"
            f"    dimensions: {shown}"
            + (f",\n    missing labels: {_short(missing)}" if missing else "")
            + ")"
        )

    @classmethod
    def from_encoded(cls, cells: EncodedCells, *, rounded: bool = False) -> CountTable:
        """Build the table from the encoded aggregate that :mod:`eerlijkheid.ingest` returns.

        Parameters
        ----------
        cells : EncodedCells
            The encoded aggregate.
        rounded : bool
            Whether the counts were declared rounded.

        Returns
        -------
        CountTable
            The merged, canonically ordered table.
        """
        dims = tuple(Dimension(c.name, c.role, c.levels) for c in cells.columns)
        codes = (
            np.column_stack([c.codes for c in cells.columns])
            if cells.columns
            else np.zeros((cells.n.size, 0), dtype=np.int64)
        )
        return cls(
            dimensions=dims,
            codes=codes,
            n=cells.n,
            weight=cells.weight,
            weight_sq=cells.weight_sq,
            missing_labels=cells.missing_labels,
            rounded=rounded,
            backend=cells.backend,
            merged_labels=cells.merged_labels,
        )

    # -- lookup ---------------------------------------------------------------------------

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the dimensions, in order."""
        return tuple(d.name for d in self.dimensions)

    @property
    def total(self) -> int:
        """Total number of cases."""
        return int(self.n.sum())

    @property
    def weighted(self) -> bool:
        """Whether the table carries case weights."""
        return self.weight is not None

    def names_with_role(self, role: Role) -> tuple[str, ...]:
        """Return the names of the dimensions with ``role``, in order.

        Parameters
        ----------
        role : Role
            The role.

        Returns
        -------
        tuple of str
            Dimension names.
        """
        return tuple(d.name for d in self.dimensions if d.role is role)

    @property
    def groups(self) -> tuple[str, ...]:
        """Names of the group attributes."""
        return self.names_with_role(Role.GROUP)

    def dimension(self, name: str) -> Dimension:
        """Return the dimension called ``name``.

        Parameters
        ----------
        name : str
            A dimension name.

        Returns
        -------
        Dimension
            The dimension.

        Raises
        ------
        ConfigError
            If there is no such dimension.
        """
        for dim in self.dimensions:
            if dim.name == name:
                return dim
        raise ConfigError(
            message("unknown-dimension", name=name, available=", ".join(map(repr, self.names)))
        )

    def levels(self, name: str) -> tuple[str, ...]:
        """Return the level labels of dimension ``name``.

        Parameters
        ----------
        name : str
            A dimension name.

        Returns
        -------
        tuple of str
            Its levels.
        """
        return self.dimension(name).levels

    def _positions(self, names: Sequence[str]) -> list[int]:
        index = {d.name: i for i, d in enumerate(self.dimensions)}
        positions = []
        for name in names:
            if name not in index:
                self.dimension(name)  # raises with the list of dimensions
            positions.append(index[name])
        return positions

    def subset(self, where: Mapping[str, object]) -> CountTable:
        """Keep only the cells whose levels match ``where``.

        Parameters
        ----------
        where : mapping of str to label or sequence of labels
            Dimension name to the level(s) to keep.  Binary dimensions (decision, outcome,
            random arm, stages) also accept ``True``/``False`` and ``1``/``0``.

        Returns
        -------
        CountTable
            The table restricted to those cells (dimensions and levels unchanged).

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"g": ["a", "b", "b"], "d": [1, 0, 1], "r": [0, 0, 1]})
        >>> table = count_table(frame, decision="d", groups="g", random_sample="r")
        >>> table.subset({"r": False}).total
        2
        """
        keep = np.ones(self.n.size, dtype=bool)
        for name, wanted in where.items():
            position = self._positions([name])[0]
            dim = self.dimensions[position]
            values = [wanted] if isinstance(wanted, (str, bool, int)) else list(wanted)  # type: ignore[call-overload]
            codes = []
            for value in values:
                label = str(int(value)) if isinstance(value, (bool, int)) else str(value)
                if label not in dim.levels:
                    raise ConfigError(
                        message(
                            "unknown-level",
                            label=label,
                            name=name,
                            available=", ".join(map(repr, dim.levels)),
                        )
                    )
                codes.append(dim.levels.index(label))
            keep &= np.isin(self.codes[:, position], codes)

        def pick(values: FloatArray | None) -> FloatArray | None:
            return None if values is None else values[keep]

        return CountTable(
            dimensions=self.dimensions,
            codes=self.codes[keep],
            n=self.n[keep],
            weight=pick(self.weight),
            weight_sq=pick(self.weight_sq),
            missing_labels=self.missing_labels,
            rounded=self.rounded,
            backend=self.backend,
            merged_labels=self.merged_labels,
        )

    # -- marginals --------------------------------------------------------------------------

    def marginal(self, names: Sequence[str]) -> CountTable:
        """Sum the table over every dimension not in ``names``.

        Parameters
        ----------
        names : sequence of str
            Dimensions to keep, in the order wanted.

        Returns
        -------
        CountTable
            The marginal table (no new scan of the data).

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"g": ["a", "a", "b"], "h": ["x", "y", "x"], "d": [1, 0, 1]})
        >>> table = count_table(frame, decision="d", groups=["g", "h"])
        >>> table.marginal(["h", "d"]).n.tolist()
        [2, 1]
        """
        positions = self._positions(names)
        return CountTable(
            dimensions=tuple(self.dimensions[p] for p in positions),
            codes=self.codes[:, positions],
            n=self.n,
            weight=self.weight,
            weight_sq=self.weight_sq,
            missing_labels={k: v for k, v in self.missing_labels.items() if k in names},
            rounded=self.rounded,
            backend=self.backend,
            merged_labels={k: v for k, v in self.merged_labels.items() if k in names},
        )

    def dense(self, names: Sequence[str], *, value: Value = "n") -> npt.NDArray[Any]:
        """Return the marginal over ``names`` as a dense array with one axis per dimension.

        Parameters
        ----------
        names : sequence of str
            Dimensions, one axis each, of length ``len(levels)``.
        value : {'n', 'weight', 'weight_sq'}
            Which sufficient statistic to sum.

        Returns
        -------
        ndarray
            int64 for ``"n"``, float64 for weights; zeros where no case fell.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"g": ["a", "a", "b"], "d": [1, 0, 1]})
        >>> count_table(frame, decision="d", groups="g").dense(["g", "d"]).tolist()
        [[1, 1], [0, 1]]
        """
        positions = self._positions(names)
        shape = tuple(len(self.dimensions[p].levels) for p in positions)
        source = {"n": self.n, "weight": self.weight, "weight_sq": self.weight_sq}[value]
        if source is None:
            raise ConfigError(message("table-not-weighted"))
        size = int(np.prod(shape, dtype=np.int64)) if shape else 1
        keys = (
            np.ravel_multi_index(tuple(self.codes[:, positions].T), shape)
            if shape
            else np.zeros(self.n.size, dtype=np.int64)
        )
        if value == "n":
            counts = np.zeros(size, dtype=np.int64)
            np.add.at(counts, np.asarray(keys, dtype=np.int64).reshape(-1), source)
            return counts.reshape(shape)
        out = np.bincount(keys, weights=source.astype(np.float64), minlength=size)
        return out.reshape(shape)


def count_table(
    data: Any,
    *,
    decision: str,
    groups: str | Sequence[str],
    outcome: str | None = None,
    score: str | None = None,
    weight: str | None = None,
    random_sample: str | None = None,
    stages: str | Sequence[str] = (),
    strata: str | Sequence[str] = (),
    count: str | None = None,
    handler: str | None = None,
    score_edges: Sequence[float] = (),
    rounded: bool = False,
    missing_groups: MissingPolicy = "group",
    missing_label: str = "onbekend",
    binary_values: Mapping[str, bool] | None = None,
    max_levels: int = MAX_LEVELS,
) -> CountTable:
    """Build the count table of ``data`` with one group-by inside its engine.

    Parameters
    ----------
    data : frame
        Rows are cases: pandas, polars (eager or lazy), pyarrow, DuckDB relation or Dask.
        With ``count=``, rows are pre-aggregated cells (e.g. a statistics-office table or
        a SQL ``GROUP BY`` result).
    decision, groups, outcome, score, weight, random_sample, stages, strata : str, optional
        Column roles; see :class:`eerlijkheid.config.Roles`.
    missing_groups, missing_label, binary_values : optional
        The missing-label policy and extra binary spellings; see :class:`~eerlijkheid.config.Roles`.
    count : str, optional
        Column with the number of cases per row, for pre-aggregated input: non-negative
        whole numbers.
    handler : str, optional
        The case handler or team column.
    score_edges : sequence of float, optional
        Band edges of ``score`` (default: 10 equal-width bands over its range).
    rounded : bool
        Declare that pre-aggregated counts are rounded (e.g. to tens, as CBS publishes
        them): the table is marked approximate.  Without it, counts that are all multiples
        of ten raise a :class:`~eerlijkheid.exceptions.RoundedCountsWarning`.
    max_levels : int
        Most distinct labels a group, stratum or handler column may have (default
        10,000); more raise an :class:`~eerlijkheid.exceptions.InvalidValuesError`
        naming the column and its number of labels, before any per-group result is built.

    Returns
    -------
    CountTable
        The table of sufficient statistics.

    Examples
    --------
    Pre-aggregated input builds the same table as rows do:

    >>> import pandas as pd
    >>> cells = pd.DataFrame({"g": ["a", "a", "b"], "d": [1, 0, 1], "aantal": [3, 4, 2]})
    >>> count_table(cells, decision="d", groups="g", count="aantal").dense(["g", "d"]).tolist()
    [[4, 3], [0, 2]]
    """
    roles = Roles(
        decision=decision,
        groups=groups,  # type: ignore[arg-type]  # normalised to a tuple by Roles
        outcome=outcome,
        score=score,
        weight=weight,
        random_sample=random_sample,
        stages=stages,  # type: ignore[arg-type]
        strata=strata,  # type: ignore[arg-type]
        count=count,
        handler=handler,
        score_edges=tuple(score_edges),
        missing_groups=missing_groups,
        missing_label=missing_label,
        binary_values=binary_values or {},
    )
    cells = encode_cells(data, roles, rounded=rounded, max_levels=max_levels)
    return CountTable.from_encoded(cells, rounded=rounded)
