"""Primary suppression: the threshold rule for counts and the dominance rule for weights."""

from __future__ import annotations

from collections.abc import Sequence

from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message

__all__ = [
    "DEFAULT_THRESHOLD",
    "MIN_THRESHOLD",
    "check_threshold",
    "dominated",
    "is_small",
]

#: Default suppression threshold: counts under 10 are not shown (CBS and ESSnet practice).
DEFAULT_THRESHOLD = 10
#: Lowest threshold accepted: below 5 a published interval of width ``threshold`` no longer
#: hides whether a group has one or a handful of members (see ``docs/openbaarheid.md``).
MIN_THRESHOLD = 5


def check_threshold(threshold: object, *, name: str = "suppression_threshold") -> int:
    """Return the threshold, or raise when it is not an integer of at least ``MIN_THRESHOLD``.

    Parameters
    ----------
    threshold : object
        The requested threshold.
    name : str
        Name of the setting, for the message.

    Returns
    -------
    int
        The threshold.

    Raises
    ------
    ConfigError
        When it is not an integer, or below :data:`MIN_THRESHOLD` (``0`` included: an
        output without suppression is not publishable, and ``suppress=False`` says so).

    Examples
    --------
    >>> check_threshold(10)
    10
    >>> check_threshold(0)
    Traceback (most recent call last):
    ...
    eerlijkheid.exceptions.ConfigError: De optie `suppression_threshold` moet ... minstens 5 ...
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < MIN_THRESHOLD:
        raise ConfigError(
            message("threshold-too-low", name=name, value=repr(threshold), minimum=MIN_THRESHOLD)
        )
    return threshold


def is_small(numerator: float, denominator: float, *, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Return whether the proportion ``numerator / denominator`` must be suppressed.

    A proportion is small when the group has fewer than ``threshold`` cases, or when the
    count or its complement is positive but below the threshold.  Zero counts are not
    small: "nobody in this group was selected" describes the group, not a person.

    Parameters
    ----------
    numerator, denominator : float
        Case counts (``numerator <= denominator``).
    threshold : int
        Suppression threshold; ``0`` (only for internal, unsuppressed views) disables it.

    Returns
    -------
    bool
        ``True`` when the group, the count or its complement is a small cell.

    Examples
    --------
    >>> is_small(195, 200, threshold=10), is_small(0, 200, threshold=10)
    (True, False)
    """
    if threshold <= 0:
        return False
    rest = denominator - numerator
    return bool(denominator < threshold or 0 < numerator < threshold or 0 < rest < threshold)


def dominated(
    contributions: Sequence[float], *, p: float = 0.10, n: int = 2, k: float = 0.85
) -> bool:
    """Return whether a weighted total is dominated by a few contributors (p% and (n, k) rules).

    For weighted data a total can reveal one contributor even with many cases.  The
    total is sensitive when the rest, minus the second largest, estimates the largest
    contribution to within ``p`` of its value (p% rule: ``total - x1 - x2 < p * x1``),
    or when the ``n`` largest contributions make up more than ``k`` of it ((n, k)
    dominance rule), as τ-ARGUS and ACRO apply them.

    Parameters
    ----------
    contributions : sequence of float
        The non-negative contributions (e.g. case weights) of one cell.
    p : float
        The p% rule's precision (default 10%).
    n, k : int, float
        The dominance rule: the ``n`` largest hold more than ``k`` of the total.

    Returns
    -------
    bool
        ``True`` when the cell must be suppressed.

    Examples
    --------
    >>> dominated([100.0, 1.0, 1.0, 1.0])
    True
    >>> dominated([1.0] * 20)
    False
    """
    values = sorted((float(v) for v in contributions), reverse=True)
    total = sum(values)
    if total <= 0:
        return False
    first = values[0]
    second = values[1] if len(values) > 1 else 0.0
    if total - first - second < p * first:
        return True
    return sum(values[:n]) > k * total
