"""Process chain: the step of the process at which a disparity arises.

The chain is the table's *stage* dimensions in order (earlier binary decisions: reported,
risk flag, ...) followed by the *decision* dimension (the final step).  Every group (per
single attribute and per intersection up to ``config.order``) is compared with one
reference group at every step.  Two shapes of process are supported, and the evidence
says which one was assumed:

``"funnel"``
    Each step applies only to the cases that passed the previous one (only flagged cases
    can be selected).  Per step ``k``: the **conditional** rate
    ``P(step k = 1 | steps 1..k-1 all = 1)`` and the **cumulative** rate
    ``P(steps 1..k all = 1)`` from the start population.  The cumulative ratio of a group
    is the product of its conditional ratios, so the conditional ratio of a step is what
    that step *adds*.
``"strata"``
    Any case can pass a later step, whatever its earlier values (DUO: students of every
    risk category were selected for a home visit).  The earlier steps are then strata for
    the later step, not gates.  Per step: the **crude** rate ``P(step k = 1)`` from the
    whole population and, for every step after the first, the comparison **at equal
    earlier-step values**: per stratum (each level combination of the earlier steps,
    "not reached / missing" being a level of its own) and pooled over the strata
    (Mantel–Haenszel rate ratio, Cochran–Mantel–Haenszel test and common odds ratio).
``"auto"`` (default)
    ``"funnel"`` when no case passed a step (value 1) without having passed every earlier
    step, else ``"strata"``; checked on the counts
    (:attr:`ChainEvidence.passed_without_earlier`).

Conventions
-----------
* **Missing at a reached step.**  A stage value that is missing (code ``"onbekend"``)
  means "not reached" (:class:`~eerlijkheid.config.Roles`).  In the funnel, a case that
  *did* reach step ``k`` (all earlier steps 1) but has no value there is counted as
  **not passed** (0) — it stays in the step's denominator and leaves the chain — and the
  number of such cases is reported as :attr:`ChainStep.missing_at_reached`, so a data
  gap is visible rather than silently shrinking the population.  Cases that did not
  reach step ``k`` take no part in its conditional rate, whatever their value there.  In
  the strata shape every case is in every step's population; a missing value counts as
  "not passed" in the crude rate and is a stratum of its own for later steps;
  ``missing_at_reached`` then counts all missing values at the step.
* **Reference.**  One reference per grouping for the whole chain, resolved exactly as
  :func:`~eerlijkheid.metrics.disparities` resolves it on the final decision over the
  whole population (``config.reference``, else ``config.reference_rule``), so that a
  group is compared with the same reference at every step.
* **Random arm.**  With a random-sample dimension only the profile arm (cases not drawn
  at random) is analysed: randomly drawn cases skip the chain.
* **Multiplicity.**  Holm (``config.adjust``) within each family = one step × one
  grouping × one kind of comparison (conditional, cumulative, crude, per stratum,
  pooled over strata).
* **Material.**  A step's ratio (the conditional ratio in the funnel; in the strata
  shape the crude ratio for the first step and the Mantel–Haenszel rate ratio at equal
  earlier-step values for later steps) is *material* when it lies on the harmful side at
  least ``config.thresholds.low`` away from 1: ``ratio >= low`` when a higher rate is
  harmful (a burden, ``favourable=False``), ``ratio <= 1 / low`` when a lower rate is
  harmful (a benefit).  A ratio at least as far on the other side *reduces* the
  disparity; in between the step has *no material disparity*.
* **The step that adds the disparity** is the step with the largest material ratio on
  the harmful side (materiality is severity, on the point estimate);
  whether its comparison is *established* (adjusted p-value below ``config.alpha``) is
  reported next to it, as certainty is graded separately from severity throughout the
  library.  No material step: no step is named.

Examples
--------
A strict funnel in which step 2 doubles group ``b``'s rate:

>>> import pandas as pd
>>> from eerlijkheid.counts import count_table
>>> from eerlijkheid.config import AuditConfig
>>> cells = pd.DataFrame({
...     "g":     ["a", "a", "a", "b", "b", "b"],
...     "stap1": ["0", "1", "1", "0", "1", "1"],
...     "besluit": [0, 0, 1, 0, 0, 1],
...     "aantal": [501, 399, 100, 500, 300, 200],
... })
>>> table = count_table(cells, decision="besluit", groups="g", stages="stap1", count="aantal")
>>> evidence = analyse_chain(table, AuditConfig())
>>> evidence.shape, evidence.shape_reason
('funnel', 'no-case-skips-a-step')
>>> (attribution,) = evidence.attributions
>>> attribution.group, attribution.reference, attribution.adding_step
(('b',), ('a',), 'besluit')
>>> [(r.step, round(r.ratio, 2), r.material) for r in attribution.ratios_by_step]
[('stap1', 1.0, False), ('besluit', 2.0, True)]
>>> attribution.steps_without_material
('stap1',)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from eerlijkheid.config import AuditConfig, Role, ratio_size, reaches_threshold
from eerlijkheid.counts import UNKNOWN_CODE, CountTable
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message
from eerlijkheid.metrics import METRICS, Disparity, Harm, compare_counts, disparities, groupings
from eerlijkheid.stats import (
    ConfidenceInterval,
    MantelHaenszelResult,
    adjust_pvalues,
    mantel_haenszel,
    mantel_haenszel_rate_ratio,
)

__all__ = [
    "CONDITIONAL_METRIC",
    "CRUDE_METRIC",
    "CUMULATIVE_METRIC",
    "ChainAttribution",
    "ChainEvidence",
    "ChainShape",
    "ChainStep",
    "StepRatio",
    "StepStratified",
    "analyse_chain",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Grouping = tuple[str, ...]
ChainShape = Literal["funnel", "strata", "none"]
ShapeReason = Literal["requested", "no-case-skips-a-step", "cases-skip-a-step", "no-stages"]
Basis = Literal["conditional", "crude", "stratified"]

#: Metric name of funnel comparisons among the cases that passed every earlier step.
CONDITIONAL_METRIC = "conditional_selection_rate"
#: Metric name of funnel comparisons of passing steps 1..k, from the start population.
CUMULATIVE_METRIC = "cumulative_selection_rate"
#: Metric name of a step's own rate from the whole population (and within a stratum).
CRUDE_METRIC = "selection_rate"

_PASSED = 1  # level code of "1" in stage and decision dimensions


@dataclass(frozen=True)
class StepStratified:
    """A group against its reference at one step, at equal values of the earlier steps.

    Attributes
    ----------
    attributes : tuple of str
        The grouping.
    group, reference : tuple of str
        The compared group and its reference.
    reference_rule : str
        How the reference was chosen.
    strata : tuple of str
        The earlier steps whose level combinations form the strata.
    levels : tuple of tuple of str
        The level combination of each stratum (one label per earlier step), for every
        combination that holds cases in this grouping; ``"onbekend"`` = missing / not
        reached.
    within : tuple of Disparity
        The comparison within each stratum (same order as ``levels``); Holm-adjusted over
        the groups of the grouping within that stratum.
    rate_ratio : float
        Mantel–Haenszel rate ratio over the strata (group over reference).
    rate_ratio_interval : ConfidenceInterval
        Its Greenland–Robins interval.
    mantel_haenszel : MantelHaenszelResult
        Cochran–Mantel–Haenszel test and common odds ratio over the strata.
    pvalue_adjusted : float
        The CMH p-value, adjusted over the groups of the grouping at this step.
    """

    attributes: Grouping
    group: tuple[str, ...]
    reference: tuple[str, ...]
    reference_rule: str
    strata: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    within: tuple[Disparity, ...]
    rate_ratio: float
    rate_ratio_interval: ConfidenceInterval
    mantel_haenszel: MantelHaenszelResult
    pvalue_adjusted: float


@dataclass(frozen=True)
class ChainStep:
    """The comparisons at one step of the chain.

    Attributes
    ----------
    name : str
        The step (a stage column, or the decision column for the last step).
    index : int
        Its position in the chain, from 0.
    population : int
        Cases in the step's population: those that passed every earlier step (funnel), or
        every case (strata shape).
    missing_at_reached : int
        Cases in the step's population without a value at this step, counted as not
        passed (see the module's conventions).
    conditional : tuple of Disparity
        Funnel: rate among the cases that passed every earlier step.  Empty in the strata
        shape.
    cumulative : tuple of Disparity
        Funnel: rate of passing steps 1..k, from the start population.  Empty in the
        strata shape.
    crude : tuple of Disparity
        Strata shape: the step's own rate from the whole population.  Empty in the funnel
        (where it equals the cumulative rate).
    stratified : tuple of StepStratified or None
        Strata shape, steps after the first: the comparison at equal earlier-step values.
        ``None`` otherwise.
    """

    name: str
    index: int
    population: int
    missing_at_reached: int
    conditional: tuple[Disparity, ...]
    cumulative: tuple[Disparity, ...]
    crude: tuple[Disparity, ...]
    stratified: tuple[StepStratified, ...] | None


@dataclass(frozen=True)
class StepRatio:
    """A group's ratio to its reference at one step, as used to attribute the disparity.

    Attributes
    ----------
    step : str
        The step.
    index : int
        Its position in the chain.
    basis : {'conditional', 'crude', 'stratified'}
        Which comparison the ratio comes from: the funnel's conditional rate, the crude
        rate (first step of the strata shape) or the Mantel–Haenszel rate ratio at equal
        earlier-step values (later steps of the strata shape).
    ratio : float
        The ratio (NaN when undefined, e.g. nobody of the group reached the step).
    low, high : float
        Its confidence interval.
    pvalue_adjusted : float
        Adjusted p-value of the comparison.
    established : bool
        ``pvalue_adjusted < config.alpha``.
    material : bool
        The ratio is material on the harmful side.
    """

    step: str
    index: int
    basis: Basis
    ratio: float
    low: float
    high: float
    pvalue_adjusted: float
    established: bool
    material: bool


@dataclass(frozen=True)
class ChainAttribution:
    """Which step of the chain adds a group's disparity against its reference.

    Attributes
    ----------
    attributes : tuple of str
        The grouping.
    group, reference : tuple of str
        The group and its reference.
    reference_rule : str
        How the reference was chosen.
    shape : {'funnel', 'strata'}
        The shape assumed.
    adding_step : str or None
        The step with the largest material ratio on the harmful side; ``None`` when no
        step is material.
    ratios_by_step : tuple of StepRatio
        The ratio the attribution is based on, per step in chain order.
    steps_without_material : tuple of str
        Steps whose ratio is not material in either direction.
    reducing_steps : tuple of str
        Steps whose ratio is material on the favourable side (they reduce the disparity).
    overall : Disparity or None
        The end of the chain from the start population: the cumulative comparison of the
        last step (funnel) or its crude comparison (strata shape).
    """

    attributes: Grouping
    group: tuple[str, ...]
    reference: tuple[str, ...]
    reference_rule: str
    shape: ChainShape
    adding_step: str | None
    ratios_by_step: tuple[StepRatio, ...]
    steps_without_material: tuple[str, ...]
    reducing_steps: tuple[str, ...]
    overall: Disparity | None

    @property
    def adding(self) -> StepRatio | None:
        """The :class:`StepRatio` of :attr:`adding_step` (``None`` when no step is named).

        Returns
        -------
        StepRatio or None
            The ratio, interval and certainty of the step that adds the disparity.
        """
        for ratio in self.ratios_by_step:
            if ratio.step == self.adding_step:
                return ratio
        return None


@dataclass(frozen=True)
class ChainEvidence:
    """The comparisons behind the process-chain findings.

    Attributes
    ----------
    steps : tuple of ChainStep
        One per step, in chain order (empty when the table has no stages).
    attributions : tuple of ChainAttribution
        One per compared group, by grouping and group.
    shape : {'funnel', 'strata', 'none'}
        The shape assumed (``'none'`` without stages).
    shape_reason : {'requested', 'no-case-skips-a-step', 'cases-skip-a-step', 'no-stages'}
        Why: the caller asked for it, or what the counts showed (``shape="auto"``).
    passed_without_earlier : tuple of (str, int)
        Per step after the first: cases that passed it (value 1) without having passed
        every earlier step.  Non-zero anywhere means the process is not a strict funnel.
    """

    steps: tuple[ChainStep, ...]
    attributions: tuple[ChainAttribution, ...]
    shape: ChainShape
    shape_reason: ShapeReason
    passed_without_earlier: tuple[tuple[str, int], ...]

    def step(self, name: str) -> ChainStep:
        """Return the step called ``name``.

        Parameters
        ----------
        name : str
            A step (stage or decision column).

        Returns
        -------
        ChainStep
            The step.

        Raises
        ------
        KeyError
            If the chain has no such step.
        """
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def attribution(self, attributes: Sequence[str], group: Sequence[str]) -> ChainAttribution:
        """Return the attribution of one group.

        Parameters
        ----------
        attributes : sequence of str
            The grouping.
        group : sequence of str
            The group's labels.

        Returns
        -------
        ChainAttribution
            Its attribution.

        Raises
        ------
        KeyError
            If there is no such group (or it is the reference).
        """
        key = (tuple(attributes), tuple(group))
        for item in self.attributions:
            if (item.attributes, item.group) == key:
                return item
        raise KeyError(key)


# -- counts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cells:
    """Counts of one grouping over the chain.

    One row per present group, one column per chain cell (level combination of all steps).
    """

    labels: tuple[tuple[str, ...], ...]
    n: FloatArray  # (groups, cells)
    w: FloatArray
    w2: FloatArray
    weighted: bool


def _cells(table: CountTable, grouping: Grouping, chain: Sequence[str]) -> _Cells:
    dims = [*grouping, *chain]
    sizes = [len(table.levels(a)) for a in grouping]
    n_groups = int(np.prod(sizes, dtype=np.int64))
    n = table.dense(dims).astype(np.float64).reshape(n_groups, -1)
    present = n.sum(axis=1) > 0
    w = table.dense(dims, value="weight").reshape(n_groups, -1) if table.weighted else n
    w2 = table.dense(dims, value="weight_sq").reshape(n_groups, -1) if table.weighted else n
    labels = tuple(
        tuple(table.levels(a)[c] for a, c in zip(grouping, combo, strict=True))
        for combo, keep in zip(itertools.product(*(range(s) for s in sizes)), present, strict=True)
        if keep
    )
    return _Cells(labels, n[present], w[present], w2[present], table.weighted)


@dataclass(frozen=True)
class _Rates:
    num: FloatArray
    den: FloatArray
    value: FloatArray
    x_eff: FloatArray
    n_eff: FloatArray


def _rates(
    num: FloatArray, den: FloatArray, wnum: FloatArray, wden: FloatArray, w2den: FloatArray
) -> _Rates:
    """Rates with Kish effective counts, as :func:`~eerlijkheid.metrics.disparities`."""
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(wden > 0, wnum / np.where(wden > 0, wden, 1.0), np.nan)
        n_eff = np.where(w2den > 0, wden**2 / np.where(w2den > 0, w2den, 1.0), 0.0)
    x_eff = np.minimum(np.where(wden > 0, np.nan_to_num(value) * n_eff, 0.0), n_eff)
    return _Rates(num, den, value, x_eff, n_eff)


def _masked(cells: _Cells, numerator: BoolArray, denominator: BoolArray) -> _Rates:
    num_mask, den_mask = numerator.astype(np.float64), denominator.astype(np.float64)
    return _rates(
        cells.n @ num_mask,
        cells.n @ den_mask,
        cells.w @ num_mask,
        cells.w @ den_mask,
        cells.w2 @ den_mask,
    )


@dataclass(frozen=True)
class _Family:
    """What every comparison of one grouping shares."""

    grouping: Grouping
    labels: tuple[tuple[str, ...], ...]
    ref: int
    others: npt.NDArray[np.int64]
    rule: str
    harm: Harm
    config: AuditConfig
    weighted: bool


def _compare(family: _Family, metric: str, rates: _Rates) -> tuple[Disparity, ...]:
    idx, ref = family.others, family.ref
    return compare_counts(
        metric=metric,
        attributes=family.grouping,
        groups=[family.labels[i] for i in idx],
        reference=family.labels[ref],
        reference_rule=family.rule,
        group_counts=(rates.num[idx], rates.den[idx]),
        reference_counts=(rates.num[ref], rates.den[ref]),
        group_values=rates.value[idx],
        reference_value=float(rates.value[ref]),
        effective_group=(rates.x_eff[idx], rates.n_eff[idx]),
        effective_reference=(float(rates.x_eff[ref]), float(rates.n_eff[ref])),
        harm=family.harm,
        confidence_level=family.config.confidence_level,
        adjust=family.config.adjust,
        weighted=family.weighted,
    )


# -- stratified -----------------------------------------------------------------------------


def _stratified(
    family: _Family,
    cells: _Cells,
    chain_shape: tuple[int, ...],
    chain: Sequence[str],
    levels: Sequence[tuple[str, ...]],
    k: int,
) -> tuple[StepStratified, ...]:
    """Step ``k`` at equal values of steps ``0..k-1``, for every group of the family."""
    n_groups = len(cells.labels)
    later = tuple(range(k + 2, len(chain_shape) + 1))  # axes after step k (axis 0: groups)

    def fold(array: FloatArray) -> FloatArray:
        folded: FloatArray = array.reshape(n_groups, *chain_shape).sum(axis=later)
        return folded.reshape(n_groups, -1, chain_shape[k])  # (groups, strata, levels of k)

    n, w, w2 = fold(cells.n), fold(cells.w), fold(cells.w2)
    observed = n.sum(axis=(0, 2)) > 0
    combos = list(itertools.product(*levels[:k]))
    strata_labels = tuple(tuple(c) for c, keep in zip(combos, observed, strict=True) if keep)
    n, w, w2 = n[:, observed], w[:, observed], w2[:, observed]
    rates = _rates(n[..., _PASSED], n.sum(-1), w[..., _PASSED], w.sum(-1), w2.sum(-1))
    per_stratum = [
        _compare(
            family,
            CRUDE_METRIC,
            _Rates(
                rates.num[:, j],
                rates.den[:, j],
                rates.value[:, j],
                rates.x_eff[:, j],
                rates.n_eff[:, j],
            ),
        )
        for j in range(len(strata_labels))
    ]
    idx, ref = family.others, family.ref
    ratio, low, high = mantel_haenszel_rate_ratio(
        rates.x_eff[idx],
        rates.n_eff[idx],
        rates.x_eff[ref],
        rates.n_eff[ref],
        confidence_level=family.config.confidence_level,
    )
    tests = [
        mantel_haenszel(rates.x_eff[g], rates.n_eff[g], rates.x_eff[ref], rates.n_eff[ref])
        for g in idx
    ]
    adjusted = adjust_pvalues(np.array([t.pvalue for t in tests]), method=family.config.adjust)
    return tuple(
        StepStratified(
            attributes=family.grouping,
            group=family.labels[g],
            reference=family.labels[ref],
            reference_rule=family.rule,
            strata=tuple(chain[:k]),
            levels=strata_labels,
            within=tuple(comparisons[pos] for comparisons in per_stratum),
            rate_ratio=float(ratio[pos]),
            rate_ratio_interval=ConfidenceInterval(float(low[pos]), float(high[pos])),
            mantel_haenszel=tests[pos],
            pvalue_adjusted=float(adjusted[pos]),
        )
        for pos, g in enumerate(idx)
    )


# -- shape and attribution --------------------------------------------------------------------


def _passed_without_earlier(table: CountTable, chain: Sequence[str]) -> tuple[tuple[str, int], ...]:
    cube = table.dense(list(chain))
    codes = np.indices(cube.shape)
    out = []
    for k in range(1, len(chain)):
        skipped = (codes[k] == _PASSED) & np.any(codes[:k] != _PASSED, axis=0)
        out.append((chain[k], int(cube[skipped].sum())))
    return tuple(out)


def _is_material(ratio: float, harm: Harm, low: float) -> tuple[bool, bool]:
    """Return (material on the harmful side, material on the favourable side)."""
    if not reaches_threshold(float(ratio), low):  # NaN does not reach
        return False, False
    up, down = ratio > 1.0, ratio < 1.0
    if harm == "higher":
        return up, down
    if harm == "lower":
        return down, up
    return up or down, False


def _strength(ratio: float, harm: Harm) -> float:
    if harm == "higher":
        return ratio
    if harm == "lower":
        return 1.0 / ratio if ratio > 0 else np.inf
    return ratio_size(ratio)


def _attribute(
    disparity: Disparity,
    shape: ChainShape,
    ratios: list[StepRatio],
    overall: Disparity | None,
    config: AuditConfig,
) -> ChainAttribution:
    harm = disparity.harm
    low = config.thresholds.low
    adding: StepRatio | None = None
    without, reducing = [], []
    for ratio in ratios:
        harmful, favourable = _is_material(ratio.ratio, harm, low)
        if harmful and (
            adding is None or _strength(ratio.ratio, harm) > _strength(adding.ratio, harm)
        ):
            adding = ratio
        if favourable:
            reducing.append(ratio.step)
        elif not harmful and not np.isnan(ratio.ratio):
            without.append(ratio.step)
    return ChainAttribution(
        attributes=disparity.attributes,
        group=disparity.group,
        reference=disparity.reference,
        reference_rule=disparity.reference_rule,
        shape=shape,
        adding_step=None if adding is None else adding.step,
        ratios_by_step=tuple(ratios),
        steps_without_material=tuple(without),
        reducing_steps=tuple(reducing),
        overall=overall,
    )


_RatioSource = Disparity | StepStratified


def _step_ratio(
    step: str, index: int, basis: Basis, source: _RatioSource, harm: Harm, config: AuditConfig
) -> StepRatio:
    if isinstance(source, StepStratified):
        ratio, interval = source.rate_ratio, source.rate_ratio_interval
    else:
        ratio, interval = source.ratio, source.ratio_interval
    return StepRatio(
        step=step,
        index=index,
        basis=basis,
        ratio=ratio,
        low=interval.low,
        high=interval.high,
        pvalue_adjusted=source.pvalue_adjusted,
        established=bool(source.pvalue_adjusted < config.alpha),
        material=_is_material(ratio, harm, config.thresholds.low)[0],
    )


# -- the analysis ---------------------------------------------------------------------------


def analyse_chain(
    table: CountTable,
    config: AuditConfig,
    *,
    shape: Literal["auto", "funnel", "strata"] = "auto",
) -> ChainEvidence:
    """Compare groups at every step of the process chain and name the step that adds.

    Parameters
    ----------
    table : CountTable
        The count table, with stage dimensions (from rows or from pre-aggregated counts).
    config : AuditConfig
        Settings: order, reference, polarity (``favourable``), intervals, adjustment,
        ``alpha`` (established) and ``thresholds.low`` (material).
    shape : {'auto', 'funnel', 'strata'}
        The shape of the process (see the module docstring); ``'auto'`` decides from the
        counts.

    Returns
    -------
    ChainEvidence
        Per step the comparisons, per group the attribution; no steps when the table
        has no stages.

    Raises
    ------
    ConfigError
        If ``shape`` is not one of the allowed values.

    Examples
    --------
    Not a funnel: low-risk cases are selected too, so the risk flag is a stratum for the
    selection.  At equal risk group ``b`` is selected twice as often:

    >>> import pandas as pd
    >>> from eerlijkheid.counts import count_table
    >>> from eerlijkheid.config import AuditConfig
    >>> cells = pd.DataFrame({
    ...     "g":       ["a"] * 4 + ["b"] * 4,
    ...     "risico":  ["0", "0", "1", "1"] * 2,
    ...     "selectie": [0, 1] * 4,
    ...     "aantal":  [792, 8, 184, 16, 768, 32, 168, 32],
    ... })
    >>> table = count_table(cells, decision="selectie", groups="g", stages="risico",
    ...                     count="aantal")
    >>> evidence = analyse_chain(table, AuditConfig())
    >>> evidence.shape, evidence.shape_reason, evidence.passed_without_earlier
    ('strata', 'cases-skip-a-step', (('selectie', 40),))
    >>> (within_risk,) = evidence.step("selectie").stratified
    >>> [(lv, round(d.ratio, 2)) for lv, d in zip(within_risk.levels, within_risk.within)]
    [(('0',), 4.0), (('1',), 2.0)]
    >>> attribution = evidence.attribution(["g"], ["b"])
    >>> attribution.adding_step, round(attribution.adding.ratio, 2), attribution.adding.established
    ('selectie', 2.67, True)
    """
    if shape not in ("auto", "funnel", "strata"):
        raise ConfigError(
            message(
                "invalid-option",
                name="shape",
                allowed="'auto', 'funnel', 'strata'",
                value=repr(shape),
            )
        )
    stages = table.names_with_role(Role.STAGE)
    if not stages:
        return ChainEvidence((), (), "none", "no-stages", ())
    decision = table.names_with_role(Role.DECISION)[0]
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    source = table.subset({random[0]: "0"}) if random else table
    chain = (*stages, decision)
    passed_without = _passed_without_earlier(source, chain)
    chosen: ChainShape
    reason: ShapeReason
    if shape == "auto":
        skipped = any(count > 0 for _, count in passed_without)
        chosen, reason = (
            ("strata", "cases-skip-a-step") if skipped else ("funnel", "no-case-skips-a-step")
        )
    else:
        chosen, reason = shape, "requested"

    harm = METRICS["selection_rate"].harm(favourable=config.favourable)
    base = disparities(
        source,
        order=config.order,
        metrics=["selection_rate"],
        reference=dict(config.reference) or config.reference_rule,
        favourable=config.favourable,
        confidence_level=config.confidence_level,
        adjust=config.adjust,
    )

    levels = [table.levels(name) for name in chain]
    chain_shape = tuple(len(lv) for lv in levels)
    codes = np.indices(chain_shape).reshape(len(chain), -1)  # level code per step, per cell
    passed = codes == _PASSED
    every = np.ones(codes.shape[1], dtype=bool)
    earlier = [np.all(passed[:k], axis=0) for k in range(len(chain))]

    # population and missing per step (over all groups)
    totals = source.dense(list(chain)).reshape(-1).astype(np.float64)
    populations, missing = [], []
    for k in range(len(chain)):
        reach = earlier[k] if chosen == "funnel" else every
        populations.append(int(totals[reach].sum()))
        missing.append(int(totals[reach & (codes[k] == UNKNOWN_CODE)].sum()))

    conditional: list[list[Disparity]] = [[] for _ in chain]
    cumulative: list[list[Disparity]] = [[] for _ in chain]
    crude: list[list[Disparity]] = [[] for _ in chain]
    stratified: list[list[StepStratified]] = [[] for _ in chain]
    per_group: dict[tuple[Grouping, tuple[str, ...]], list[StepRatio]] = {}
    overall: dict[tuple[Grouping, tuple[str, ...]], Disparity] = {}
    attributed: list[Disparity] = []

    for grouping in groupings(source, order=config.order):
        found = [d for d in base if d.attributes == grouping]
        if not found:
            continue  # a single group: nothing to compare
        attributed.extend(found)
        cells = _cells(source, grouping, chain)
        ref = cells.labels.index(found[0].reference)
        family = _Family(
            grouping=grouping,
            labels=cells.labels,
            ref=ref,
            others=np.array([cells.labels.index(d.group) for d in found], dtype=np.int64),
            rule=found[0].reference_rule,
            harm=harm,
            config=config,
            weighted=cells.weighted,
        )
        keys = [(grouping, d.group) for d in found]
        for key in keys:
            per_group[key] = []

        def record(k: int, basis: Basis, ratios: Sequence[_RatioSource]) -> None:
            for key, item in zip(keys, ratios, strict=True):  # noqa: B023 - used at once
                per_group[key].append(_step_ratio(chain[k], k, basis, item, harm, config))

        last = len(chain) - 1
        for k in range(len(chain)):
            if chosen == "funnel":
                cond = _compare(
                    family, CONDITIONAL_METRIC, _masked(cells, earlier[k] & passed[k], earlier[k])
                )
                cum = _compare(
                    family, CUMULATIVE_METRIC, _masked(cells, earlier[k] & passed[k], every)
                )
                conditional[k].extend(cond)
                cumulative[k].extend(cum)
                record(k, "conditional", cond)
                if k == last:
                    overall.update(zip(keys, cum, strict=True))
                continue
            own = _compare(family, CRUDE_METRIC, _masked(cells, passed[k], every))
            crude[k].extend(own)
            if k == last:
                overall.update(zip(keys, own, strict=True))
            if k == 0:
                record(k, "crude", own)
                continue
            strat = _stratified(family, cells, chain_shape, chain, levels, k)
            stratified[k].extend(strat)
            record(k, "stratified", strat)

    steps = tuple(
        ChainStep(
            name=name,
            index=k,
            population=populations[k],
            missing_at_reached=missing[k],
            conditional=tuple(conditional[k]),
            cumulative=tuple(cumulative[k]),
            crude=tuple(crude[k]),
            stratified=tuple(stratified[k]) if chosen == "strata" and k > 0 else None,
        )
        for k, name in enumerate(chain)
    )
    attributions = tuple(
        _attribute(
            d,
            chosen,
            per_group[(d.attributes, d.group)],
            overall.get((d.attributes, d.group)),
            config,
        )
        for d in attributed
    )
    return ChainEvidence(steps, attributions, chosen, reason, passed_without)
