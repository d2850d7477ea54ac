"""Disparity: selection rates against the reference group and against the random arm.

* Against the reference group: the selection rate of every group (per attribute and per
  intersection up to ``config.order``) in the *profile arm* (cases not drawn by the random
  sample, when a random arm is given) versus its reference group.
* Against the random arm — the CRM definition of *disproportionate*: a group's share of the
  profile's selections versus its share of the random sample.  Under random checks every
  group's share of the checks equals its share of the population, which the random arm
  estimates; a ratio above 1 means the profile raises the group's chance of being checked
  above the chance under random checks.  This works even when the data hold only checked
  cases (profile-selected and randomly selected).
* With an outcome: hit-rate (precision) disparities of the selections, and error-rate
  disparities (FPR, FNR, false-positive share) where outcomes are observed for selected
  and non-selected cases alike; when outcomes exist only for selected cases, error rates
  are not computed and the caveat is reported instead.

Examples
--------
>>> import pandas as pd
>>> from eerlijkheid.counts import count_table
>>> from eerlijkheid.config import AuditConfig
>>> frame = pd.DataFrame({"g": ["a"] * 60 + ["b"] * 60, "d": ([1] * 30 + [0] * 30) * 2,
...                       "r": [1] * 10 + [0] * 50 + [1] * 10 + [0] * 50})
>>> table = count_table(frame, decision="d", groups="g", random_sample="r")
>>> evidence = analyse_disparity(table, AuditConfig())
>>> [(d.group, d.reference) for d in evidence.random_arm]
[(('a',), ('aselect',)), (('b',), ('aselect',))]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eerlijkheid.config import AuditConfig, Role
from eerlijkheid.counts import UNKNOWN_CODE, CountTable
from eerlijkheid.metrics import Disparity, compare_counts, disparities, groupings

__all__ = [
    "ERROR_METRICS",
    "HIT_METRICS",
    "RANDOM_ARM_LABEL",
    "DisparityEvidence",
    "analyse_disparity",
]

#: Reference label of comparisons against the random arm.
RANDOM_ARM_LABEL = "aselect"
#: Error-rate metrics compared between groups.
ERROR_METRICS = ("false_positive_rate", "false_negative_rate", "false_positive_share")
#: Hit-rate metrics compared between groups.
HIT_METRICS = ("precision",)


@dataclass(frozen=True)
class DisparityEvidence:
    """The comparisons behind the disparity findings.

    Attributes
    ----------
    selection : tuple of Disparity
        Selection rate per group versus its reference group (profile arm).
    random_arm : tuple of Disparity
        Share of the profile's selections versus share of the random arm, per group.
    hit_rate, error_rate : tuple of Disparity
        Outcome-based comparisons (empty without an outcome).
    outcome_only_when_selected : bool
        Outcomes are observed only for selected cases.
    """

    selection: tuple[Disparity, ...]
    random_arm: tuple[Disparity, ...]
    hit_rate: tuple[Disparity, ...]
    error_rate: tuple[Disparity, ...]
    outcome_only_when_selected: bool


def _profile_arm(table: CountTable) -> dict[str, str]:
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    return {random[0]: "0"} if random else {}


def _random_arm(table: CountTable, config: AuditConfig) -> tuple[Disparity, ...]:
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    if not random:
        return ()
    decision = table.names_with_role(Role.DECISION)[0]
    out: list[Disparity] = []
    for grouping in groupings(table, order=config.order):
        cube = table.dense([*grouping, decision, random[0]]).reshape(-1, 2, 2)
        present = cube.sum(axis=(1, 2)) > 0
        sizes = [len(table.levels(a)) for a in grouping]
        labels = [
            tuple(table.levels(a)[c] for a, c in zip(grouping, combo, strict=True))
            for combo, keep in zip(np.ndindex(*sizes), present, strict=True)
            if keep
        ]
        profile_selected = cube[present, 1, 0]
        random_cases = cube[present, :, 1].sum(axis=1)
        out.extend(
            compare_counts(
                metric="selection_share_vs_random_sample",
                attributes=grouping,
                groups=labels,
                reference=(RANDOM_ARM_LABEL,),
                reference_rule="random-sample",
                group_counts=(
                    profile_selected,
                    np.full_like(profile_selected, profile_selected.sum()),
                ),
                reference_counts=(random_cases, np.full_like(random_cases, random_cases.sum())),
                harm="higher" if not config.favourable else "lower",
                confidence_level=config.confidence_level,
                adjust=config.adjust,
            )
        )
    return tuple(out)


def analyse_disparity(table: CountTable, config: AuditConfig) -> DisparityEvidence:
    """Compute the comparisons behind the disparity findings.

    Parameters
    ----------
    table : CountTable
        The count table.
    config : AuditConfig
        Settings (order, references, polarity, intervals, adjustment).

    Returns
    -------
    DisparityEvidence
        The comparisons.
    """
    reference = dict(config.reference) or config.reference_rule
    common = {
        "order": config.order,
        "reference": reference,
        "favourable": config.favourable,
        "confidence_level": config.confidence_level,
        "adjust": config.adjust,
    }
    profile = _profile_arm(table)
    selection = disparities(table, metrics=["selection_rate"], where=profile, **common)  # type: ignore[arg-type]
    outcome = table.names_with_role(Role.OUTCOME)
    hit: tuple[Disparity, ...] = ()
    error: tuple[Disparity, ...] = ()
    only_selected = False
    if outcome:
        decision = table.names_with_role(Role.DECISION)[0]
        cube = table.dense([decision, outcome[0]])
        known_unselected = int(cube[0, :UNKNOWN_CODE].sum())
        only_selected = known_unselected == 0
        hit = disparities(table, metrics=list(HIT_METRICS), where=profile, **common)  # type: ignore[arg-type]
        if not only_selected:
            error = disparities(table, metrics=list(ERROR_METRICS), where=profile, **common)  # type: ignore[arg-type]
    return DisparityEvidence(
        selection=selection,
        random_arm=_random_arm(table, config),
        hit_rate=hit,
        error_rate=error,
        outcome_only_when_selected=only_selected,
    )
