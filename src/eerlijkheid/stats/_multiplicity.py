"""Adjusting p-values for multiple comparisons.

Conventions
-----------
* NaN p-values (untestable comparisons) stay NaN and are not counted in the family
  size.
* Adjusted p-values are capped at 1, as R's ``p.adjust``.
* The input may have any shape; the output has the same shape.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from eerlijkheid.exceptions import ConfigError

from ._validate import Described, check_option, fail

__all__ = ["adjust_pvalues"]

AdjustMethod = Literal["holm", "bh", "bonferroni", "none"]


def _adjust(p: NDArray[np.float64], method: str) -> NDArray[np.float64]:
    """Adjust finite p-values (closed forms of R's ``p.adjust``; statsmodels is the oracle)."""
    m = p.size
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "bonferroni":
        adjusted = ranked * m
    elif method == "holm":
        adjusted = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:  # Benjamini-Hochberg
        adjusted = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def adjust_pvalues(pvalues: ArrayLike, *, method: AdjustMethod = "holm") -> NDArray[np.float64]:
    """Adjust a family of p-values for multiple testing.

    Parameters
    ----------
    pvalues : array_like
        P-values in [0, 1]; NaN marks an untestable comparison.
    method : {"holm", "bh", "bonferroni", "none"}, default "holm"
        Holm's step-down (family-wise error rate), Benjamini-Hochberg (false discovery
        rate), Bonferroni, or no adjustment.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same shape as `pvalues`; NaN where the input is NaN.

    Raises
    ------
    ConfigError
        For an unknown `method`, or p-values outside [0, 1] (NaN is allowed).

    Notes
    -----
    The family size is the number of non-NaN p-values.  The closed forms of R's
    ``p.adjust`` are computed directly (statsmodels' ``multipletests`` is the test oracle;
    it runs a garbage collection on every call, which dominated the audit's run time).

    Examples
    --------
    >>> from eerlijkheid.stats import adjust_pvalues
    >>> adjust_pvalues([0.01, 0.04, 0.03, 0.005]).round(4).tolist()
    [0.03, 0.06, 0.06, 0.02]
    >>> adjust_pvalues([0.01, float("nan"), 0.04], method="bh").round(4).tolist()
    [0.02, nan, 0.04]
    """
    func = "adjust_pvalues"
    chosen = check_option(
        method, name="method", func=func, options=("holm", "bh", "bonferroni", "none")
    )
    try:
        p: NDArray[np.float64] = np.array(pvalues, dtype=np.float64)
    except (TypeError, ValueError):
        fail("pvalues", func, "numeric", Described(f"a {type(pvalues).__name__}"), ConfigError)
    finite = ~np.isnan(p)
    bad = finite & ~((p >= 0.0) & (p <= 1.0))
    if bad.any():
        fail("pvalues", func, "between 0 and 1 (or NaN)", float(p[bad].flat[0]))
    out: NDArray[np.float64] = p.copy()
    if chosen == "none" or not finite.any():
        return out
    out[finite] = _adjust(p[finite], chosen)
    return out
