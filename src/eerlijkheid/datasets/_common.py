"""Helpers shared by the synthetic processes: argument checks, ids and closed-form sums."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "binomial_pmf",
    "check_arguments",
    "check_bias",
    "cramers_v",
    "frozen",
    "nested",
    "row_ids",
    "yes_no",
]


def check_bias(function: str, bias: object) -> None:
    """Raise ``TypeError`` unless ``bias`` is a bool."""
    if not isinstance(bias, bool):
        raise TypeError(
            f"The `bias` parameter of `{function}` must be a bool; got {bias!r} instead."
        )


def check_arguments(function: str, n: object, seed: object, bias: object) -> tuple[int, int]:
    """Validate ``n`` (int >= 1), ``seed`` (int >= 0) and ``bias`` (bool); return ints."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"The `n` parameter of `{function}` must be an int; got {n!r} instead.")
    if n < 1:
        raise ValueError(f"The `n` parameter of `{function}` must be at least 1; got {n} instead.")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(
            f"The `seed` parameter of `{function}` must be an int; got {seed!r} instead."
        )
    if seed < 0:
        raise ValueError(
            f"The `seed` parameter of `{function}` must be non-negative; got {seed} instead."
        )
    check_bias(function, bias)
    return int(n), int(seed)


def row_ids(prefix: str, n: int) -> pd.Series[str]:
    """Return ``prefix + "000001"``, ... (at least six digits), vectorised."""
    width = max(6, len(str(n)))
    numbers = pd.Series(np.arange(1, n + 1, dtype=np.int64)).astype("str")
    ids: pd.Series[str] = prefix + numbers.str.zfill(width)
    return ids


def yes_no(
    values: npt.NDArray[np.bool_], missing: npt.NDArray[np.bool_] | None = None
) -> pd.Series[str]:
    """Spell booleans as ``"ja"`` / ``"nee"``, as municipal extracts do; ``missing`` is NA."""
    codes = values.astype(np.int64)
    if missing is not None:
        codes = np.where(missing, -1, codes)
    levels = pd.Series(np.asarray(["nee", "ja"], dtype=object)).array
    column: pd.Series[str] = pd.Series(levels.take(codes, allow_fill=True))
    return column


def binomial_pmf(trials: int, p: float) -> tuple[float, ...]:
    """P(X = k) for k = 0 .. trials of a binomial distribution, exactly."""
    return tuple(math.comb(trials, k) * p**k * (1 - p) ** (trials - k) for k in range(trials + 1))


def cramers_v(joint: Sequence[Sequence[float]]) -> float:
    """Cramér's V of a joint probability table (the population value, no sample)."""
    table = np.asarray(joint, dtype=np.float64)
    table = table / table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    phi2 = float(((table - expected) ** 2 / expected).sum())
    return math.sqrt(phi2 / (min(table.shape) - 1))


def frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    """Return a read-only copy of a flat mapping."""
    return MappingProxyType(dict(mapping))


def nested(mapping: Mapping[str, Mapping[str, float]]) -> Mapping[str, Mapping[str, float]]:
    """Return a read-only copy of a mapping of mappings."""
    return MappingProxyType({key: frozen(inner) for key, inner in mapping.items()})
