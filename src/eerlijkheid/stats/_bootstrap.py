"""Nonparametric bootstrap on a table of counts.

Resampling the N underlying rows with replacement is the same, in distribution, as
drawing the cell counts from ``Multinomial(N, counts / N)``; that is what
:func:`bootstrap_counts` does, for all replicates in one call of
:meth:`numpy.random.Generator.multinomial`, so the cost does not grow with N.

Conventions
-----------
* ``fixed_axis=None``: one multinomial over all cells (scheme ``"multinomial"``).
* ``fixed_axis=k``: the total of each slice along axis ``k`` is held fixed -- one
  multinomial per slice, i.e. per-group resampling with fixed group sizes (scheme
  ``"multinomial-fixed-axis-k"``).  A slice with total 0 stays all-zero.
* ``rng=None`` uses a FIXED seed, 0, so results are reproducible by default; pass an
  int seed or a :class:`numpy.random.Generator` for other draws.
* Percentile intervals (linear interpolation, as :func:`numpy.quantile`); the standard
  error is the standard deviation (``ddof=1``) of the replicates.  A NaN replicate
  makes the bounds of that component NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral
from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from eerlijkheid.exceptions import ConfigError, CountsError

from ._results import BootstrapInterval
from ._validate import Described, check_open_unit, fail, is_whole

__all__ = ["DEFAULT_SEED", "BootstrapResult", "bootstrap_counts"]

#: Seed used when ``rng`` is None.
DEFAULT_SEED = 0

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Statistic = Callable[[IntArray], ArrayLike]


@dataclass(frozen=True, eq=False)
class BootstrapResult:
    """Result of :func:`bootstrap_counts`.

    Compared by identity (``eq=False``) because its fields are arrays.

    Parameters
    ----------
    confidence_interval : BootstrapInterval
        Percentile interval; ``low`` and ``high`` are arrays of the statistic's shape
        (``()`` for a scalar statistic, ``(k,)`` for ``k`` components).
    standard_error : numpy.ndarray
        Standard deviation (``ddof=1``) of the replicates, same shape as the bounds.
    bootstrap_distribution : numpy.ndarray
        The replicates, shape ``(n_resamples,)`` or ``(n_resamples, k)``.
    n_resamples : int
        Number of replicates.
    confidence_level : float
        Confidence level of the interval.
    method : str
        ``"percentile"``.
    scheme : str
        ``"multinomial"`` or ``"multinomial-fixed-axis-k"``.
    counts : numpy.ndarray
        The (read-only) count table resampled.

    Examples
    --------
    >>> import numpy as np
    >>> from eerlijkheid.stats import bootstrap_counts
    >>> res = bootstrap_counts(np.array([30, 70]), lambda c: c[:, 0] / c.sum(axis=1))
    >>> res.scheme, res.method, res.bootstrap_distribution.shape
    ('multinomial', 'percentile', (1000,))
    """

    confidence_interval: BootstrapInterval
    standard_error: FloatArray
    bootstrap_distribution: FloatArray
    n_resamples: int
    confidence_level: float
    method: str
    scheme: str
    counts: IntArray


def _is_int(value: object) -> bool:
    """Whether ``value`` is an integer (Python or numpy) but not a bool."""
    return isinstance(value, Integral) and not isinstance(value, bool | np.bool_)


def _generator(rng: object, func: str) -> np.random.Generator:
    if rng is None:
        return np.random.default_rng(DEFAULT_SEED)
    if isinstance(rng, np.random.Generator):
        return rng
    if _is_int(rng) and int(cast(int, rng)) >= 0:
        return np.random.default_rng(int(cast(int, rng)))
    return fail("rng", func, "None, a non-negative int seed or a numpy.random.Generator", rng)


def _counts(counts: ArrayLike, func: str) -> IntArray:
    try:
        raw = np.asarray(counts)
        arr = raw.astype(np.float64)
    except (TypeError, ValueError):
        fail("counts", func, "numeric", Described(f"a {type(counts).__name__}"), CountsError)
    if arr.ndim == 0 or arr.size == 0:
        fail(
            "counts",
            func,
            "an array with at least one cell",
            Described(f"shape {arr.shape}"),
            CountsError,
        )
    bad = ~np.isfinite(arr) | (arr < 0)
    bad[~bad] = ~is_whole(arr[~bad])
    if bad.any():
        fail(
            "counts",
            func,
            "finite non-negative whole numbers",
            float(arr[bad].flat[0]),
            CountsError,
        )
    # Integer input is converted exactly; floats are whole numbers by now.
    out = raw.astype(np.int64) if raw.dtype.kind in "iu" else arr.astype(np.int64)
    out.flags.writeable = False
    return out


def _draw(
    counts: IntArray, fixed_axis: int | None, n_resamples: int, gen: np.random.Generator
) -> IntArray:
    """All replicates at once, shape ``(n_resamples, *counts.shape)``."""
    if fixed_axis is None:
        flat = counts.ravel()
        total = int(flat.sum())
        pvals = flat / total if total > 0 else np.full(flat.shape, 1.0 / flat.size)
        draws = gen.multinomial(total, pvals, size=n_resamples)
        return draws.reshape((n_resamples, *counts.shape))
    moved = np.moveaxis(counts, fixed_axis, 0)
    slices = moved.reshape(moved.shape[0], -1)
    totals = slices.sum(axis=1)
    safe = np.where(totals > 0, totals, 1)[:, None]
    pvals = np.where(totals[:, None] > 0, slices / safe, 1.0 / slices.shape[1])
    draws = gen.multinomial(totals, pvals, size=(n_resamples, slices.shape[0]))
    draws = draws.reshape((n_resamples, *moved.shape))
    return np.moveaxis(draws, 1, fixed_axis + 1)


def bootstrap_counts(
    counts: ArrayLike,
    statistic: Statistic,
    *,
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
    fixed_axis: int | None = None,
    rng: int | np.random.Generator | None = None,
) -> BootstrapResult:
    """Percentile bootstrap of a statistic of a count table.

    Parameters
    ----------
    counts : array_like of int
        Cell counts of any shape, e.g. ``(groups, decision, outcome)``.
    statistic : callable
        Vectorised: receives an int array of shape ``(n_resamples, *counts.shape)`` and
        returns shape ``(n_resamples,)`` or ``(n_resamples, k)``.
    n_resamples : int, default 1000
        Number of bootstrap replicates (at least 2).
    confidence_level : float, default 0.95
        Confidence level, strictly between 0 and 1.
    fixed_axis : int or None, default None
        Hold the totals of each slice along this axis fixed (stratified resampling,
        e.g. fixed group sizes); None resamples all cells together.
    rng : int, numpy.random.Generator or None, default None
        Random source; None means ``numpy.random.default_rng(0)`` (fixed, reproducible).

    Returns
    -------
    BootstrapResult

    Raises
    ------
    ConfigError
        For bad options or a statistic returning the wrong shape.
    CountsError
        For negative, non-finite or fractional counts.

    Notes
    -----
    Drawing ``Multinomial(N, counts / N)`` is equivalent in distribution to resampling
    the N rows with replacement; with `fixed_axis` each slice is a separate multinomial
    with its own total.  The cost depends on the number of cells, not on N.

    Examples
    --------
    >>> import numpy as np
    >>> from eerlijkheid.stats import bootstrap_counts
    >>> counts = np.array([[30, 70], [45, 55]])  # groups x (yes, no)
    >>> def difference(c):
    ...     rates = c[..., 0] / c.sum(axis=-1)
    ...     return rates[:, 0] - rates[:, 1]
    >>> res = bootstrap_counts(counts, difference, fixed_axis=0, rng=1)
    >>> round(float(res.standard_error), 2)
    0.07
    >>> bool(res.confidence_interval.low < -0.15 < res.confidence_interval.high)
    True
    """
    func = "bootstrap_counts"
    table = _counts(counts, func)
    if not callable(statistic):
        fail("statistic", func, "a callable", statistic)
    if not _is_int(n_resamples) or n_resamples < 2:
        fail("n_resamples", func, "an int of at least 2", n_resamples)
    level = check_open_unit(confidence_level, name="confidence_level", func=func)
    if fixed_axis is not None:
        if not _is_int(fixed_axis) or not -table.ndim <= fixed_axis < table.ndim:
            fail("fixed_axis", func, f"None or an axis of `counts` (ndim {table.ndim})", fixed_axis)
        fixed_axis = int(fixed_axis) % table.ndim
    gen = _generator(rng, func)
    n = int(n_resamples)

    draws = _draw(table, fixed_axis, n, gen)
    values = np.array(statistic(draws), dtype=np.float64)  # a copy: made read-only below
    if values.ndim not in (1, 2) or values.shape[0] != n:
        fail(
            "statistic",
            func,
            f"a callable returning shape ({n},) or ({n}, k)",
            Described(f"a result of shape {values.shape}"),
            ConfigError,
        )
    alpha = 1.0 - level
    low, high = np.quantile(values, [alpha / 2.0, 1.0 - alpha / 2.0], axis=0)
    scheme = "multinomial" if fixed_axis is None else f"multinomial-fixed-axis-{fixed_axis}"
    values.flags.writeable = False
    return BootstrapResult(
        confidence_interval=BootstrapInterval(low=np.asarray(low), high=np.asarray(high)),
        standard_error=np.asarray(np.std(values, axis=0, ddof=1)),
        bootstrap_distribution=values,
        n_resamples=n,
        confidence_level=level,
        method="percentile",
        scheme=scheme,
        counts=table,
    )
