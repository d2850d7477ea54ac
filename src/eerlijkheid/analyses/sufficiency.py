"""Sufficiency: whether the data can detect a disparity of the configured size.

For every selection-rate comparison, the power to detect a ratio of
``config.detectable_ratio`` against the reference (two-sided, at ``config.alpha``), and
the minimum detectable ratio at ``config.power``.  A comparison that cannot reach the
configured power is *insufficient evidence*: "too little data to say", never a silent pass.

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.counts import count_table
>>> from eerlijkheid.config import AuditConfig
>>> from eerlijkheid.metrics import disparities
>>> frame = pd.DataFrame({"g": ["a"] * 1000 + ["b"] * 20, "d": [1, 0] * 510})
>>> table = count_table(frame, decision="d", groups="g")
>>> [c.sufficient for c in analyse_sufficiency(disparities(table), AuditConfig())]
[False]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from eerlijkheid.config import AuditConfig
from eerlijkheid.metrics import Disparity
from eerlijkheid.stats import minimum_detectable_ratio, power_two_proportions

__all__ = ["SufficiencyCheck", "analyse_sufficiency"]


@dataclass(frozen=True)
class SufficiencyCheck:
    """Whether one comparison can detect a disparity of the configured size.

    Attributes
    ----------
    comparison : Disparity
        The comparison checked.
    detectable_ratio : float
        The configured disparity size.
    power : float
        Power to detect it.
    minimum_detectable_ratio : float
        Smallest ratio above 1 detectable with the configured power (inf: none).
    sufficient : bool
        ``power >= config.power``.
    """

    comparison: Disparity
    detectable_ratio: float
    power: float
    minimum_detectable_ratio: float
    sufficient: bool


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
    """
    if not comparisons:
        return ()
    group_n = np.array([c.group_denominator for c in comparisons], dtype=float)
    ref_n = np.array([c.reference_denominator for c in comparisons], dtype=float)
    ref_rate = np.nan_to_num(np.array([c.reference_value for c in comparisons], dtype=float))
    power = power_two_proportions(
        group_n, ref_rate, ref_n, np.full_like(group_n, config.detectable_ratio), alpha=config.alpha
    )
    mdr = minimum_detectable_ratio(group_n, ref_rate, ref_n, power=config.power, alpha=config.alpha)
    return tuple(
        SufficiencyCheck(
            comparison=c,
            detectable_ratio=config.detectable_ratio,
            power=float(p),
            minimum_detectable_ratio=float(m),
            sufficient=bool(p >= config.power),
        )
        for c, p, m in zip(comparisons, power, mdr, strict=True)
    )
