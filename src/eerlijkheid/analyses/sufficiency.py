"""Sufficiency: whether the data can detect a disparity of the configured size.

For every selection-rate comparison, the power to detect a ratio of
``config.detectable_ratio`` against the reference on the *harmful* side (two-sided test at
``config.alpha``), and the minimum detectable ratio on that side at ``config.power``:

* a burden (``favourable=False``, selected for a check): harm is a *higher* rate, the
  alternative is ``detectable_ratio`` (e.g. 1.25);
* a benefit (``favourable=True``, granted): harm is a *lower* rate, the alternative is
  ``1 / detectable_ratio`` (e.g. 0.8), and the minimum detectable ratio is below 1.

Power is defined for every reference rate in [0, 1] (a group rate under the alternative
above 1 counts as 1, see :mod:`eerlijkheid.stats`), so a benefit granted to 85% of the
reference, or to everybody, is checked like any other.

Each check has a status, a statement about evidence and not about the size of a
difference:

``"no-material-gap"``
    The ratio's confidence interval lies wholly inside ``(1 / detectable_ratio,
    detectable_ratio)``: the data rule out a disparity of the detectable size, whatever
    the power (a group of 1,269 with ratio 1.00 (0.84–1.20) at 1.25).
``"insufficient"``
    Otherwise, when the power is below ``config.power``: too little data to say.
``"sufficient"``
    Otherwise.

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.counts import count_table
>>> from eerlijkheid.config import AuditConfig
>>> from eerlijkheid.metrics import disparities
>>> frame = pd.DataFrame({"g": ["a"] * 1000 + ["b"] * 20, "d": [1, 0] * 510})
>>> table = count_table(frame, decision="d", groups="g")
>>> [(c.sufficient, c.status) for c in analyse_sufficiency(disparities(table), AuditConfig())]
[(False, 'insufficient')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from eerlijkheid.config import AuditConfig
from eerlijkheid.metrics import Disparity
from eerlijkheid.stats import minimum_detectable_ratio, power_two_proportions

__all__ = ["SufficiencyCheck", "SufficiencyStatus", "analyse_sufficiency"]

SufficiencyStatus = Literal["sufficient", "insufficient", "no-material-gap"]


@dataclass(frozen=True)
class SufficiencyCheck:
    """Whether one comparison can detect a disparity of the configured size.

    Attributes
    ----------
    comparison : Disparity
        The comparison checked.
    detectable_ratio : float
        The configured disparity size (> 1; the harmful side is :attr:`harmful_ratio`).
    power : float
        Power to detect :attr:`harmful_ratio`.
    minimum_detectable_ratio : float
        The ratio on the harmful side closest to 1 that is detectable with the configured
        power: above 1 for a burden (``inf``: none), below 1 for a benefit (``0``: none).
    sufficient : bool
        ``power >= config.power``.
    harmful_ratio : float
        The alternative the power is computed for: ``detectable_ratio`` when a higher rate
        is harmful, ``1 / detectable_ratio`` when a lower rate is.
    rules_out_detectable : bool
        The ratio's interval lies wholly inside ``(1 / detectable_ratio,
        detectable_ratio)``: evidence of no disparity of the detectable size.
    status : {'sufficient', 'insufficient', 'no-material-gap'}
        See the module docstring.
    """

    comparison: Disparity
    detectable_ratio: float
    power: float
    minimum_detectable_ratio: float
    sufficient: bool
    harmful_ratio: float
    rules_out_detectable: bool
    status: SufficiencyStatus


def analyse_sufficiency(
    comparisons: Sequence[Disparity], config: AuditConfig
) -> tuple[SufficiencyCheck, ...]:
    """Check the power of each comparison to detect ``config.detectable_ratio``.

    Parameters
    ----------
    comparisons : sequence of Disparity
        Comparisons (typically selection rates versus the reference).
    config : AuditConfig
        Settings (detectable ratio, power, alpha).

    Returns
    -------
    tuple of SufficiencyCheck
        One per comparison, in order.

    Examples
    --------
    A benefit granted to 85% of the reference: the harmful side is a lower rate.

    >>> from eerlijkheid.metrics import compare_counts
    >>> (d,) = compare_counts(metric="selection_rate", attributes=("g",), groups=[("a",)],
    ...     reference=("b",), reference_rule="explicit", group_counts=([80], [100]),
    ...     reference_counts=(850, 1000), harm="lower")
    >>> (check,) = analyse_sufficiency([d], AuditConfig(favourable=True))
    >>> check.harmful_ratio, round(check.power, 3), round(check.minimum_detectable_ratio, 3)
    (0.8, 0.974, 0.866)
    """
    if not comparisons:
        return ()
    group_n = np.array([c.group_denominator for c in comparisons], dtype=float)
    ref_n = np.array([c.reference_denominator for c in comparisons], dtype=float)
    ref_rate = np.nan_to_num(np.array([c.reference_value for c in comparisons], dtype=float))
    lower = np.array([c.harm == "lower" for c in comparisons])
    detectable = config.detectable_ratio
    harmful = np.where(lower, 1.0 / detectable, detectable)
    power = power_two_proportions(group_n, ref_rate, ref_n, harmful, alpha=config.alpha)
    mdr = np.empty_like(group_n)
    sides: tuple[tuple[NDArray[np.bool_], Literal["increase", "decrease"]], ...] = (
        (lower, "decrease"),
        (~lower, "increase"),
    )
    for side, direction in sides:
        if side.any():
            mdr[side] = minimum_detectable_ratio(
                group_n[side],
                ref_rate[side],
                ref_n[side],
                power=config.power,
                alpha=config.alpha,
                direction=direction,
            )
    out = []
    for c, h, p, m in zip(comparisons, harmful, power, mdr, strict=True):
        low, high = c.ratio_interval.low, c.ratio_interval.high
        rules_out = bool(1.0 / detectable < low and high < detectable)
        sufficient = bool(p >= config.power)
        status: SufficiencyStatus = (
            "no-material-gap" if rules_out else "sufficient" if sufficient else "insufficient"
        )
        out.append(
            SufficiencyCheck(
                comparison=c,
                detectable_ratio=detectable,
                power=float(p),
                minimum_detectable_ratio=float(m),
                sufficient=sufficient,
                harmful_ratio=float(h),
                rules_out_detectable=rules_out,
                status=status,
            )
        )
    return tuple(out)
