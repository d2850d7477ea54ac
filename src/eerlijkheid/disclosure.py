"""Small-cell suppression: which numbers may appear in a publishable output.

A proportion ``x / n`` of a group is *small* — and every number that reveals it (its
counts, its rate, its interval, and any comparison that involves it) is suppressed in
rendered outputs — when the group has fewer than ``threshold`` cases, or when the count or
its complement is positive but below the threshold (``0 < x < threshold`` or
``0 < n - x < threshold``): with the group size, a rate would reveal that small count.
Zero counts are not small: "nobody in this group was selected" describes the group, not a
person.  This follows the practice of publishing confusion matrices with cells under 10
suppressed (Amsterdam "Slimme Check", 2023) and CBS's rule of not publishing small cells.

Examples
--------
>>> is_small(3, 200, threshold=10), is_small(0, 200, threshold=10), is_small(50, 200, threshold=10)
(True, False, False)
>>> is_small(5, 8, threshold=10)
True
"""

from __future__ import annotations

__all__ = ["DEFAULT_THRESHOLD", "is_small"]

#: Default suppression threshold (cells under 10 are not shown).
DEFAULT_THRESHOLD = 10


def is_small(numerator: float, denominator: float, *, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Return whether the proportion ``numerator / denominator`` must be suppressed.

    Parameters
    ----------
    numerator, denominator : float
        Case counts (``numerator <= denominator``).
    threshold : int
        Suppression threshold; 0 disables suppression.

    Returns
    -------
    bool
        ``True`` when the group, the count or its complement is a small cell.

    Examples
    --------
    >>> is_small(195, 200, threshold=10)
    True
    """
    if threshold <= 0:
        return False
    rest = denominator - numerator
    return bool(denominator < threshold or 0 < numerator < threshold or 0 < rest < threshold)
