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

Which reference
---------------
* An attribute with a named reference (``config.reference``) is compared with it.
* An attribute without one is compared with ``config.reference_rule`` (the largest group
  by default) **and**, with ``config.compare_with_rest`` (default), with every other case
  together (one against the rest, reference rule ``"rest"``, in :attr:`DisparityEvidence.rest`):
  a largest group that is selected far more often than the others is then compared too.
* An intersection whose attributes are all named is compared with the named cell; one
  whose attributes are named in part follows ``config.partial_reference``: by default
  (``"same-level"``) the group ``(a, b)`` is compared with ``(a_ref, b)`` — the named
  reference at the group's own level of the unnamed attribute — so that the comparison
  isolates the named ground; ``"rule"`` uses ``reference_rule`` on the whole intersection.

Interactions: does an intersection add something to its margins?
----------------------------------------------------------------
For every intersection comparison (selection, hit and error rates, random arm) the
interaction is estimated within the cross-table as a **ratio of rate ratios**.  Each
attribute of the intersection has a *group side* (the group's level) and an *other side*:
the reference's level where the reference differs from the group on that attribute, else
every other level of the attribute (for the random-arm comparison, always every other
level).  With two attributes ``A`` and ``B``::

    interaction = [r(A=g, B=g) / r(A=o, B=g)] / [r(A=g, B=o) / r(A=o, B=o)]

where ``r`` is the pooled rate of the cells on those sides (numerator over denominator of
the metric; for the random arm, profile selections over random-sample cases).  It is the
interaction term of a saturated log-binomial (log-linear) model of that 2×2 table: 1 when
the intersection's ratio equals what its margins give together.  Its interval is the
delta method on the log scale (Wald; ``Σ 1/x − 1/n`` over the four pooled cells, Kish
effective counts when weighted; ``Σ 1/x + 1/y`` for the random arm), its test the Wald
z-test, and its p-values are adjusted within the family of the comparisons (one metric
within one intersection grouping, ``config.adjust``).  With three or more attributes, each
attribute in turn is set against the combination of the others, and the weakest split
(largest p-value) is the intersection's interaction: it must add something beyond every
smaller combination.  A pooled cell without cases leaves the interaction undefined (NaN).

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

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
from scipy import special

from eerlijkheid.config import AuditConfig, Role
from eerlijkheid.counts import UNKNOWN_CODE, CountTable
from eerlijkheid.metrics import METRICS, Disparity, compare_counts, disparities, groupings
from eerlijkheid.stats import adjust_pvalues

__all__ = [
    "ERROR_METRICS",
    "HIT_METRICS",
    "INTERACTION_METHOD",
    "RANDOM_ARM_LABEL",
    "DisparityEvidence",
    "Interaction",
    "analyse_disparity",
    "interaction_adds",
    "ratio_of_rate_ratios",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: How the interaction of an intersection with its margins is estimated.
INTERACTION_METHOD = (
    "ratio of rate ratios in the 2x2 table of group side vs other side per attribute "
    "(log-binomial interaction term); delta-method Wald interval and z-test on the log "
    "scale; adjusted within the intersection family; 3+ attributes: weakest split"
)

#: Reference label of comparisons against the random arm.
RANDOM_ARM_LABEL = "aselect"
#: Error-rate metrics compared between groups.
ERROR_METRICS = ("false_positive_rate", "false_negative_rate", "false_positive_share")
#: Hit-rate metrics compared between groups.
HIT_METRICS = ("precision",)


@dataclass(frozen=True)
class Interaction:
    """How much an intersection comparison adds to its margins (see module docstring).

    Attributes
    ----------
    metric : str
        The metric compared.
    attributes, group, reference : tuple of str
        The intersection comparison it belongs to.
    ratio : float
        The ratio of rate ratios (1: the margins explain the intersection; NaN: undefined).
    low, high : float
        Its interval at the comparison's confidence level.
    pvalue, pvalue_adjusted : float
        Wald test of ``ratio == 1``; adjusted within the intersection family.
    attribute : str
        The attribute set against the others in the reported (weakest) split.
    margins : tuple of str
        The attributes on which the group differs from its reference (their own
        comparisons are the main effects the intersection may be listed under).
    method : str
        The estimator.
    """

    metric: str
    attributes: tuple[str, ...]
    group: tuple[str, ...]
    reference: tuple[str, ...]
    ratio: float
    low: float
    high: float
    pvalue: float
    pvalue_adjusted: float
    attribute: str
    margins: tuple[str, ...]
    method: str = INTERACTION_METHOD


def interaction_adds(interaction: Interaction, *, harm: str, low: float, alpha: float) -> bool:
    """Whether an intersection adds something to its margins: material and certain.

    Material: the interaction reaches ``low`` on the harmful side (``>= low`` when higher
    is worse, ``<= 1/low`` when lower is worse, either when neither side is); certain: its
    adjusted p-value is below ``alpha``.

    Parameters
    ----------
    interaction : Interaction
        The estimate.
    harm : {'higher', 'lower', 'either'}
        Which side of the comparison's metric is worse.
    low : float
        ``thresholds.low``.
    alpha : float
        Significance level.

    Returns
    -------
    bool
        Whether it is material and certain.

    Examples
    --------
    >>> i = Interaction("selection_rate", ("a", "b"), ("x", "y"), ("x0", "y"),
    ...                 1.5, 1.2, 1.9, 0.001, 0.004, "a", ("a",))
    >>> interaction_adds(i, harm="higher", low=1.1, alpha=0.05)
    True
    >>> interaction_adds(i, harm="lower", low=1.1, alpha=0.05)
    False
    """
    r = interaction.ratio
    if not math.isfinite(r) or r <= 0 or not interaction.pvalue_adjusted < alpha:
        return False
    if harm == "higher":
        return r >= low
    if harm == "lower":
        return r <= 1.0 / low
    return r >= low or r <= 1.0 / low


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
    rest : tuple of Disparity
        Per attribute without a named reference: every group against every other case
        together (selection, hit and error rates; reference rule ``"rest"``).
    interactions : tuple of Interaction
        Per intersection comparison: what it adds to its margins.
    """

    selection: tuple[Disparity, ...]
    random_arm: tuple[Disparity, ...]
    hit_rate: tuple[Disparity, ...]
    error_rate: tuple[Disparity, ...]
    outcome_only_when_selected: bool
    rest: tuple[Disparity, ...] = ()
    interactions: tuple[Interaction, ...] = field(default=())

    @cached_property
    def _interaction_index(self) -> dict[tuple[object, ...], Interaction]:
        return {(i.metric, i.attributes, i.group, i.reference): i for i in self.interactions}

    def interaction_of(self, d: Disparity) -> Interaction | None:
        """Return the interaction of an intersection comparison (``None`` for one attribute).

        Parameters
        ----------
        d : Disparity
            A comparison of this evidence.

        Returns
        -------
        Interaction or None
            Its interaction estimate.
        """
        return self._interaction_index.get((d.metric, d.attributes, d.group, d.reference))


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
        "partial_reference": config.partial_reference,
    }
    unnamed = [(a,) for a in table.groups if a not in config.reference]
    rest_common = {
        **common,
        "reference": "rest",
        "attributes": unnamed,
    }
    profile = _profile_arm(table)
    metric_sets = [["selection_rate"]]
    outcome = table.names_with_role(Role.OUTCOME)
    hit: tuple[Disparity, ...] = ()
    error: tuple[Disparity, ...] = ()
    only_selected = False
    selection = disparities(table, metrics=["selection_rate"], where=profile, **common)  # type: ignore[arg-type]
    if outcome:
        decision = table.names_with_role(Role.DECISION)[0]
        cube = table.dense([decision, outcome[0]])
        known_unselected = int(cube[0, :UNKNOWN_CODE].sum())
        only_selected = known_unselected == 0
        hit = disparities(table, metrics=list(HIT_METRICS), where=profile, **common)  # type: ignore[arg-type]
        metric_sets.append(list(HIT_METRICS))
        if not only_selected:
            error = disparities(table, metrics=list(ERROR_METRICS), where=profile, **common)  # type: ignore[arg-type]
            metric_sets.append(list(ERROR_METRICS))
    rest: tuple[Disparity, ...] = ()
    if config.compare_with_rest and unnamed:
        for chosen in metric_sets:
            rest += disparities(table, metrics=chosen, where=profile, **rest_common)  # type: ignore[arg-type]
    random_arm = _random_arm(table, config)
    arm = table.subset(profile) if profile else table
    interactions = _interactions(
        arm, (*selection, *hit, *error), config, _rate_sums(arm)
    ) + _interactions(table, random_arm, config, _random_sums(table))
    return DisparityEvidence(
        selection=selection,
        random_arm=random_arm,
        hit_rate=hit,
        error_rate=error,
        outcome_only_when_selected=only_selected,
        rest=rest,
        interactions=interactions,
    )


# -- interactions -------------------------------------------------------------------------

# (cell sums per statistic for a grouping and metric, and the variance of a log rate)
_Sums = Callable[[tuple[str, ...], str], dict[str, FloatArray]]


def _rate_sums(table: CountTable) -> _Sums:
    """Numerator/denominator sums (weights and squared weights) per cell of a grouping."""
    decision = table.names_with_role(Role.DECISION)[0]
    outcome = table.names_with_role(Role.OUTCOME)

    def cells(grouping: tuple[str, ...], value: str) -> FloatArray:
        names = [*grouping, decision, *outcome]
        dense = np.asarray(table.dense(names, value=value), dtype=np.float64)  # type: ignore[arg-type]
        shape = dense.shape[: len(grouping)]
        out = np.zeros((*shape, 2, 3), dtype=np.float64)
        if outcome:
            out[..., : dense.shape[-1]] = dense
        else:
            out[..., UNKNOWN_CODE] = dense
        return out

    def sums(grouping: tuple[str, ...], metric: str) -> dict[str, FloatArray]:
        m = METRICS[metric]
        n = cells(grouping, "n")
        w = cells(grouping, "weight") if table.weighted else n
        w2 = cells(grouping, "weight_sq") if table.weighted else n
        return {
            "wnum": (w * m.numerator).sum(axis=(-2, -1)),
            "wden": (w * m.denominator).sum(axis=(-2, -1)),
            "w2den": (w2 * m.denominator).sum(axis=(-2, -1)),
        }

    return sums


def _random_sums(table: CountTable) -> _Sums:
    """Profile selections and random-sample cases per cell of a grouping."""
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    decision = table.names_with_role(Role.DECISION)[0]

    def sums(grouping: tuple[str, ...], metric: str) -> dict[str, FloatArray]:
        cube = np.asarray(table.dense([*grouping, decision, random[0]]), dtype=np.float64)
        return {"x": cube[..., 1, 0], "y": cube[..., :, 1].sum(axis=-1)}

    return sums


def _pooled(
    cell: FloatArray, gx: IntArray, gy: IntArray, rx: IntArray, ry: IntArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Sum the four pooled cells (group/other side of X, of Y); -1: every other level."""
    row, col, total = cell.sum(axis=1), cell.sum(axis=0), cell.sum()
    own = cell[gx, gy]
    has_rx, has_ry = rx >= 0, ry >= 0
    rx0, ry0 = np.where(has_rx, rx, 0), np.where(has_ry, ry, 0)
    c11 = own
    c01 = np.where(has_rx, cell[rx0, gy], col[gy] - own)
    c10 = np.where(has_ry, cell[gx, ry0], row[gx] - own)
    c00 = np.where(
        has_rx & has_ry,
        cell[rx0, ry0],
        np.where(
            has_rx,
            row[rx0] - cell[rx0, gy],
            np.where(has_ry, col[ry0] - cell[gx, ry0], total - row[gx] - col[gy] + own),
        ),
    )
    return c11, c01, c10, c00


def _effective_cell(sums: Mapping[str, FloatArray]) -> tuple[FloatArray, FloatArray, bool]:
    """Effective count and size of a pooled cell (``x``, ``y`` for a ratio of two counts)."""
    if "x" in sums:
        return (
            np.asarray(sums["x"], dtype=np.float64),
            np.asarray(sums["y"], dtype=np.float64),
            True,
        )
    wnum, wden, w2den = sums["wnum"], sums["wden"], sums["w2den"]
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(wden > 0, wnum / np.where(wden > 0, wden, 1.0), 0.0)
        n_eff = np.where(w2den > 0, wden**2 / np.where(w2den > 0, w2den, 1.0), 0.0)
    return np.minimum(value * n_eff, n_eff), n_eff, False


def ratio_of_rate_ratios(
    c11: Mapping[str, FloatArray],
    c01: Mapping[str, FloatArray],
    c10: Mapping[str, FloatArray],
    c00: Mapping[str, FloatArray],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Log of ``[r11 / r01] / [r10 / r00]``, its standard error and the two-sided p-value.

    Each cell holds sums: ``wnum``, ``wden``, ``w2den`` (a rate; variance of its log
    ``1/x - 1/n`` with Kish effective counts) or ``x``, ``y`` (a ratio of two counts;
    variance ``1/x + 1/y``).  Where a cell has a count of 0 (or a rate of 1), 0.5 is
    added to every count of the four cells (Haldane–Anscombe; for a rate, 0.5 to the
    numerator and 1 to the denominator).  A cell without cases gives NaN.

    Parameters
    ----------
    c11, c01, c10, c00 : mapping of str to ndarray
        The pooled cells: (group, group), (other, group), (group, other), (other, other)
        sides of the two attributes.

    Returns
    -------
    (log_ratio, standard_error, pvalue) : ndarrays

    Examples
    --------
    >>> import numpy as np
    >>> cell = lambda x, n: {"wnum": np.array([x]), "wden": np.array([n]),
    ...                      "w2den": np.array([n])}
    >>> log, se, p = ratio_of_rate_ratios(cell(40, 100), cell(10, 100), cell(10, 100),
    ...                                   cell(10, 100))
    >>> round(float(np.exp(log[0])), 3), round(float(se[0]), 4)
    (4.0, 0.5339)
    """
    cells = [_effective_cell(c) for c in (c11, c01, c10, c00)]
    poisson = cells[0][2]
    xs = np.stack([c[0] for c in cells])
    ns = np.stack([c[1] for c in cells])
    empty = (ns <= 0).any(axis=0)
    if poisson:
        zero = ((xs <= 0) | (ns <= 0)).any(axis=0)
        xs, ns = xs + 0.5 * zero, ns + 0.5 * zero
    else:
        zero = ((xs <= 0) | (xs >= ns)).any(axis=0)
        xs, ns = xs + 0.5 * zero, ns + 1.0 * zero
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.log(xs) - np.log(ns)
        var = 1.0 / xs + (1.0 / ns if poisson else -1.0 / ns)
    sign = np.array([1.0, -1.0, -1.0, 1.0])[:, None]
    log_ror = np.where(empty, np.nan, (sign * logs).sum(axis=0))
    se = np.where(empty, np.nan, np.sqrt(var.sum(axis=0)))
    with np.errstate(invalid="ignore", divide="ignore"):
        zstat = np.abs(log_ror) / se
    pvalue: FloatArray = np.asarray(special.erfc(zstat / math.sqrt(2.0)), dtype=np.float64)
    return log_ror, se, pvalue


def _interactions(
    table: CountTable, comparisons: Sequence[Disparity], config: AuditConfig, sums_of: _Sums
) -> tuple[Interaction, ...]:
    """Estimate the interaction of every intersection comparison, adjusted per family."""
    families: dict[tuple[str, tuple[str, ...]], list[Disparity]] = {}
    for d in comparisons:
        if len(d.attributes) >= 2:
            families.setdefault((d.metric, d.attributes), []).append(d)
    z = NormalDist().inv_cdf(0.5 + config.confidence_level / 2)
    out: list[Interaction] = []
    for (metric, grouping), family in families.items():
        levels = [table.levels(a) for a in grouping]
        index = [{label: i for i, label in enumerate(lv)} for lv in levels]
        g = np.array(
            [[index[j][label] for j, label in enumerate(d.group)] for d in family], dtype=np.int64
        )
        complement = family[0].reference_rule in ("random-sample", "rest")
        r = np.array(
            [
                [
                    -1 if complement else index[j].get(label, -1)
                    for j, label in enumerate(d.reference)
                ]
                if len(d.reference) == len(grouping)
                else [-1] * len(grouping)
                for d in family
            ],
            dtype=np.int64,
        )
        sums = sums_of(grouping, metric)
        shape = tuple(len(lv) for lv in levels)
        splits = range(1 if len(grouping) == 2 else len(grouping))
        log_ror = np.full((len(splits), len(family)), np.nan)
        se = np.full_like(log_ror, np.nan)
        for s, j in enumerate(splits):
            others = [k for k in range(len(grouping)) if k != j]
            other_shape = tuple(shape[k] for k in others)
            gx, rx = g[:, j], np.where(r[:, j] == g[:, j], -1, r[:, j])
            gy = np.ravel_multi_index(tuple(g[:, others].T), other_shape)
            same_y = (r[:, others] == g[:, others]).all(axis=1) | (r[:, others] < 0).any(axis=1)
            ry_codes = np.where(r[:, others] < 0, 0, r[:, others])
            ry = np.where(same_y, -1, np.ravel_multi_index(tuple(ry_codes.T), other_shape))
            pooled: list[dict[str, FloatArray]] = [{}, {}, {}, {}]
            for key, array in sums.items():
                cell = np.moveaxis(array, j, 0).reshape(shape[j], -1)
                for c, part in enumerate(_pooled(cell, gx, gy, rx, ry)):
                    pooled[c][key] = part
            log_ror[s], se[s], _ = ratio_of_rate_ratios(*pooled)
        with np.errstate(invalid="ignore", divide="ignore"):
            zstat = np.abs(log_ror) / se
        pvalue: FloatArray = np.asarray(special.erfc(zstat / math.sqrt(2.0)), dtype=np.float64)
        # the weakest split: the largest p-value (any undefined split leaves it undefined)
        undefined = np.isnan(pvalue).any(axis=0)
        weakest = np.argmax(np.nan_to_num(pvalue, nan=2.0), axis=0)
        cols = np.arange(len(family))
        p = np.where(undefined, np.nan, pvalue[weakest, cols])
        est = np.where(undefined, np.nan, log_ror[weakest, cols])
        err = np.where(undefined, np.nan, se[weakest, cols])
        adjusted = adjust_pvalues(p, method=config.adjust)
        for i, d in enumerate(family):
            margins = tuple(a for k, a in enumerate(grouping) if complement or r[i, k] != g[i, k])
            out.append(
                Interaction(
                    metric=metric,
                    attributes=grouping,
                    group=d.group,
                    reference=d.reference,
                    ratio=float(np.exp(est[i])),
                    low=float(np.exp(est[i] - z * err[i])),
                    high=float(np.exp(est[i] + z * err[i])),
                    pvalue=float(p[i]),
                    pvalue_adjusted=float(adjusted[i]),
                    attribute=grouping[int(splits[int(weakest[i])])],
                    margins=margins,
                )
            )
    return tuple(out)
