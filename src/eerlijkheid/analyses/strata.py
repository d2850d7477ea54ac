"""Legitimate factors: the crude comparison next to the stratified (Mantel–Haenszel) one.

For every group attribute and every stratum variable, each group's selection rate is
compared with its reference's within each stratum level, and the strata are pooled with
the Cochran–Mantel–Haenszel test and the Mantel–Haenszel common odds ratio.  When the crude
disparity is clear but the stratified one is not, the legitimate factor explains it (the
UC Berkeley 1973 case); when both are clear, it survives the factor.

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.counts import count_table
>>> from eerlijkheid.config import AuditConfig
>>> frame = pd.DataFrame({"g": ["a", "b"] * 50, "s": ["x"] * 50 + ["y"] * 50,
...                       "d": [1, 0, 0, 1] * 25})
>>> table = count_table(frame, decision="d", groups="g", strata="s")
>>> [(c.group, c.reference, c.stratum) for c in analyse_strata(table, AuditConfig())]
[(('b',), ('a',), 's')]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eerlijkheid.config import AuditConfig, Role
from eerlijkheid.counts import CountTable
from eerlijkheid.metrics import Disparity, disparities
from eerlijkheid.stats import MantelHaenszelResult, adjust_pvalues, mantel_haenszel

__all__ = ["StratifiedComparison", "analyse_strata"]


@dataclass(frozen=True)
class StratifiedComparison:
    """A group's selection rate against its reference, crude and within strata.

    Attributes
    ----------
    attribute : str
        The group attribute.
    group, reference : tuple of str
        The compared group and its reference.
    stratum : str
        The stratum variable (a legitimate factor).
    crude : Disparity
        The comparison ignoring the stratum.
    stratified : MantelHaenszelResult
        The Mantel–Haenszel comparison within the stratum's levels.
    pvalue_adjusted : float
        The CMH p-value adjusted over the family (all groups of this attribute and stratum).
    """

    attribute: str
    group: tuple[str, ...]
    reference: tuple[str, ...]
    stratum: str
    crude: Disparity
    stratified: MantelHaenszelResult
    pvalue_adjusted: float


def analyse_strata(table: CountTable, config: AuditConfig) -> tuple[StratifiedComparison, ...]:
    """Compare each group with its reference within the levels of each stratum variable.

    Parameters
    ----------
    table : CountTable
        The count table (with stratum dimensions).
    config : AuditConfig
        Settings.

    Returns
    -------
    tuple of StratifiedComparison
        Empty when the table has no strata.
    """
    strata = table.names_with_role(Role.STRATUM)
    if not strata:
        return ()
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    profile = {random[0]: "0"} if random else {}
    source = table.subset(profile) if profile else table
    decision = table.names_with_role(Role.DECISION)[0]
    out: list[StratifiedComparison] = []
    for attribute in table.groups:
        crude = disparities(
            source,
            attributes=[attribute],
            metrics=["selection_rate"],
            reference=dict(config.reference) or config.reference_rule,
            favourable=config.favourable,
            confidence_level=config.confidence_level,
            adjust=config.adjust,
        )
        levels = table.levels(attribute)
        for stratum in strata:
            cube = source.dense([attribute, stratum, decision])  # (groups, strata, 2)
            family: list[tuple[Disparity, MantelHaenszelResult]] = []
            for comparison in crude:
                g, r = levels.index(comparison.group[0]), levels.index(comparison.reference[0])
                result = mantel_haenszel(
                    cube[g, :, 1], cube[g].sum(axis=1), cube[r, :, 1], cube[r].sum(axis=1)
                )
                family.append((comparison, result))
            adjusted = adjust_pvalues(
                np.array([m.pvalue for _, m in family], dtype=float), method=config.adjust
            )
            out.extend(
                StratifiedComparison(
                    attribute=attribute,
                    group=comparison.group,
                    reference=comparison.reference,
                    stratum=stratum,
                    crude=comparison,
                    stratified=result,
                    pvalue_adjusted=float(p),
                )
                for (comparison, result), p in zip(family, adjusted, strict=True)
            )
    return tuple(out)
