"""Small result containers shared by the :mod:`eerlijkheid.stats` functions.

The richer results (:class:`~eerlijkheid.stats.ProportionResult`,
:class:`~eerlijkheid.stats.TwoProportionResult`, ...) live next to the functions that
build them; the classes here carry only numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["BootstrapInterval", "ConfidenceInterval", "TestResult"]


@dataclass(frozen=True)
class ConfidenceInterval:
    """A two-sided confidence interval for one number.

    Parameters
    ----------
    low : float
        Lower bound.
    high : float
        Upper bound.

    Examples
    --------
    >>> from eerlijkheid.stats import ConfidenceInterval
    >>> ci = ConfidenceInterval(low=0.1, high=0.3)
    >>> ci.low, ci.high
    (0.1, 0.3)
    """

    low: float
    high: float


@dataclass(frozen=True)
class TestResult:
    """Outcome of a hypothesis test.

    Parameters
    ----------
    statistic : float
        The test statistic; its meaning depends on ``method`` (see the function that
        produced it).
    pvalue : float
        The p-value (NaN when the test is not defined for the data).
    method : str
        The test actually used (e.g. ``"chi2"`` or ``"fisher"``).
    alternative : str
        ``"two-sided"``, ``"less"`` or ``"greater"``.

    Examples
    --------
    >>> from eerlijkheid.stats import TestResult
    >>> TestResult(statistic=4.0, pvalue=0.0455, method="chi2", alternative="two-sided").pvalue
    0.0455
    """

    __test__ = False  # not a pytest test class despite its name

    statistic: float
    pvalue: float
    method: str
    alternative: str


@dataclass(frozen=True, eq=False)
class BootstrapInterval:
    """A bootstrap confidence interval whose bounds are always arrays.

    The bounds have the shape of one value of the statistic: ``()`` for a scalar
    statistic, ``(k,)`` for a statistic with ``k`` components.  Compared by identity
    (``eq=False``) because its fields are arrays.

    Parameters
    ----------
    low : numpy.ndarray
        Lower bounds.
    high : numpy.ndarray
        Upper bounds.

    Examples
    --------
    >>> import numpy as np
    >>> from eerlijkheid.stats import BootstrapInterval
    >>> ci = BootstrapInterval(low=np.array([0.1, 0.2]), high=np.array([0.3, 0.4]))
    >>> ci.high.tolist()
    [0.3, 0.4]
    """

    low: NDArray[np.float64]
    high: NDArray[np.float64]
