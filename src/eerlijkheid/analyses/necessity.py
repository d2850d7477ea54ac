"""Necessity and proportionality: what a selection with less disparity would cost.

The CRM *Toetsingskader risicoprofilering* (2025) asks of a profile that uses neutral-looking
criteria whether it is **necessary** — "an alternative with fewer proxies counts even if
marginally less effective" — and **proportional**; IAMA part 4 asks the same
(domein.md §2, §3 "Is it necessary and proportional?").  This module computes the
evidence: effectiveness against disparity for alternatives to the actual selection.

:func:`adjusted_selection`
    For a fixed budget of checks, the actual selection (the top ``budget`` by score)
    against alternatives that swap the lowest-scored selected cases of the over-selected
    group for the highest-scored non-selected other cases, step by step up to parity of
    selection rates, and purely random selection as the end point.
:func:`feature_ablation`
    Refit the model without each flagged feature (and without all of them), select the
    top ``budget`` by cross-validated predicted score, and report the change in
    effectiveness (hit rate, cases found, AUC) against the change in disparity.
:func:`threshold_alternatives` (optional, needs fairlearn)
    Group-specific thresholds from :class:`fairlearn.postprocessing.ThresholdOptimizer`.
    They use the protected attribute at decision time: every such row carries
    ``uses_protected_attribute=True`` and the evidence ``direct_distinction=True`` —
    group-specific thresholds on a protected ground are themselves direct distinction
    under Dutch law, so they show a trade-off, not a remedy.

Both are **row-level** analyses (ontwerp.md: "row-level analyses are the exception, and
say so"): they need the score, group and outcome of every case, or a documented, seeded
sample of them; the evidence carries ``row_level=True``.

Conventions
-----------
Outcomes must be known for the cases an alternative selects
    An alternative selects cases the actual selection did not, so its effectiveness can
    only be measured when outcomes are known for non-selected cases too: use the random
    arm (outcomes observed independently of the score), or a simulation.  Unknown outcomes
    (missing values) are left out of the hit rate (``found / outcomes observed``) and do
    not count as found; ``outcome_complete`` says whether every outcome was known, and each
    row reports how many of its selected cases had one.  With outcomes only for the actual
    selection, the alternatives' effectiveness is not measurable: do not read it.
Selection and ties
    The top ``budget`` cases by score; ties in the score are broken at random with the
    seeded ``rng`` (never by row order, which may correlate with a group).
Disparity
    The selection rate of each group against the reference group
    (:func:`eerlijkheid.metrics.compare_counts`: ratio with the Katz log interval,
    Newcombe difference interval, chi-square or Fisher test).
Adjusted selection
    The over-selected group is the protected group when its selection rate exceeds the
    reference's, otherwise the reference.  A swap removes the lowest-scored selected case
    of the over-selected group and adds the highest-scored non-selected case of any other
    group, so the budget stays fixed.  *Parity* is the smallest number of swaps after
    which the over-selected group's rate no longer exceeds the other's; the ``steps``
    rows are evenly spaced swap counts from 0 to parity (``parity_reached`` is false when
    the candidates run out first).  The adjusted rows **use the group at decision time**
    (``uses_protected_attribute=True``): they are a yardstick for what parity would cost,
    not a rule to deploy — selecting on a protected ground is itself direct distinction.
Random selection
    Expected values, no draw: every group's selection rate is ``budget / n`` (ratio 1),
    the hit rate is the prevalence among known outcomes, and the cases found are
    ``budget × positives / n``.  Its intervals use these expected (fractional) counts.
Feature ablation
    Predictions are cross-validated (:func:`sklearn.model_selection.cross_val_predict`)
    with the *same* folds for every variant — ``cv=int`` means
    ``StratifiedKFold(cv, shuffle=True, random_state=rng)`` for classifiers and
    ``KFold(cv, shuffle=True, random_state=rng)`` otherwise — and the score is
    ``predict_proba(...)[:, 1]`` (``decision_function`` when there is no ``predict_proba``;
    ``predict`` for regressors).  Each variant refits a :func:`sklearn.base.clone` of the
    estimator on the data without the dropped columns.  A pipeline that names a dropped
    column (e.g. a ``ColumnTransformer`` with a column list) cannot run without it: the
    error names the column; select columns by type (``make_column_selector``) to let
    the pipeline adapt.  The deltas are variant minus the model with all features.
    AUC is the Mann–Whitney AUC (as :func:`sklearn.metrics.roc_auc_score`) with a DeLong
    interval.

Examples
--------
The Rotterdam-style welfare re-examination (synthetic): in the random arm the outcome is
known for everyone, so alternatives can be measured.

>>> from eerlijkheid.datasets import welfare_reexamination
>>> frame = welfare_reexamination(20_000, seed=1)
>>> arm = frame[frame["aselect"]]
>>> evidence = adjusted_selection(arm["risicoscore"], arm["migratieachtergrond"],
...                               arm["onrechtmatig"], budget=100,
...                               protected="niet-westers", reference="geen", steps=4)
>>> [(r.kind, r.swaps) for r in evidence.rows]  # doctest: +NORMALIZE_WHITESPACE
[('actual', 0), ('adjusted', 1), ('adjusted', 2), ('adjusted', 3), ('adjusted', 4),
 ('random', None)]
>>> [round(r.disparity.ratio, 2) for r in evidence.rows]
[1.22, 1.15, 1.08, 1.02, 0.95, 1.0]
>>> [r.found for r in evidence.rows]
[36.0, 36.0, 35.0, 35.0, 35.0, 15.1]

Parity costs one case found out of 36; random selection would find 15.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from eerlijkheid.analyses.scores import (
    _fail,
    _labels_of,
    _outcome_of,
    _reference_index,
    _z,
    auc_delong,
)
from eerlijkheid.exceptions import ColumnNotFoundError, ConfigError
from eerlijkheid.i18n import message
from eerlijkheid.metrics import Disparity, compare_counts
from eerlijkheid.stats import ConfidenceInterval, proportion_interval

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AblationEvidence",
    "AblationVariant",
    "AdjustedSelectionEvidence",
    "SelectionAlternative",
    "ThresholdAlternative",
    "ThresholdAlternativesEvidence",
    "adjusted_selection",
    "feature_ablation",
    "threshold_alternatives",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
AlternativeKind = Literal["actual", "adjusted", "random"]
AdjustMethod = Literal["holm", "bh", "bonferroni", "none"]
Seed = int | np.random.Generator | None


# -- evidence -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionAlternative:
    """One selection of ``budget`` cases: its effectiveness and its disparity.

    Attributes
    ----------
    kind : {'actual', 'adjusted', 'random'}
        The actual top-``budget`` selection, a swap-adjusted one, or random selection.
    swaps : int or None
        Number of swaps (0 for the actual selection; ``None`` for random).
    selected : int
        The budget.
    selected_protected, selected_reference : float
        Selected cases in the protected and reference group (expected values for random).
    selection_rate_protected, selection_rate_reference : float
        Their selection rates.
    disparity : Disparity
        Selection rate of the protected group against the reference (ratio, difference,
        intervals, test).
    found : float
        Selected cases with a positive outcome (violations found).
    outcomes_observed : float
        Selected cases whose outcome is known.
    hit_rate : float
        ``found / outcomes_observed``.
    hit_rate_interval : ConfidenceInterval
        Its interval (``confidence_level`` of the evidence).
    recall : float
        ``found`` over all known positives (share of the violations found).
    expected : bool
        Values are expectations (random selection), not a realised selection.
    uses_protected_attribute : bool
        The selection uses group membership at decision time (the adjusted rows).
    """

    kind: AlternativeKind
    swaps: int | None
    selected: int
    selected_protected: float
    selected_reference: float
    selection_rate_protected: float
    selection_rate_reference: float
    disparity: Disparity
    found: float
    outcomes_observed: float
    hit_rate: float
    hit_rate_interval: ConfidenceInterval
    recall: float
    expected: bool
    uses_protected_attribute: bool


def _frame(rows: Sequence[object]) -> pd.DataFrame:
    import pandas as pd

    records: list[dict[str, object]] = []
    for row in rows:
        record: dict[str, object] = {}
        for key, value in vars(row).items():
            if isinstance(value, ConfidenceInterval):
                record[f"{key.removesuffix('_interval')}_low"] = value.low
                record[f"{key.removesuffix('_interval')}_high"] = value.high
            elif isinstance(value, Disparity):
                record["ratio"] = value.ratio
                record["ratio_low"] = value.ratio_interval.low
                record["ratio_high"] = value.ratio_interval.high
                record["pvalue"] = value.test.pvalue
            elif isinstance(value, tuple) and value and isinstance(value[0], Disparity):
                for d in value:
                    name = " × ".join(d.group)
                    record[f"ratio[{name}]"] = d.ratio
                    record[f"ratio_low[{name}]"] = d.ratio_interval.low
                    record[f"ratio_high[{name}]"] = d.ratio_interval.high
            elif isinstance(value, tuple):
                record[key] = ", ".join(map(str, value))
            elif isinstance(value, Mapping):
                for name, item in value.items():
                    record[f"{key}[{name}]"] = item
            else:
                record[key] = value
        records.append(record)
    frame: pd.DataFrame = pd.DataFrame(records)
    return frame


@dataclass(frozen=True)
class AdjustedSelectionEvidence:
    """Effectiveness against disparity of the actual, adjusted and random selections.

    Attributes
    ----------
    attribute : str
        Name of the group attribute.
    protected, reference : str
        The compared groups (ratios are protected over reference).
    over_selected : str
        The group whose lowest-scored selected cases are swapped out.
    budget : int
        Number of checks.
    n, n_protected, n_reference : int
        Cases in total and in both groups.
    positives_known, outcomes_known : int
        Known positive outcomes and known outcomes over all cases.
    outcome_complete : bool
        Every case's outcome is known (see the module notes).
    parity_reached : bool
        Swapping reached parity before the candidates ran out.
    parity_swaps : int
        Swaps at parity (or at the last possible swap).
    rows : tuple of SelectionAlternative
        The actual selection, the adjusted steps (increasing swaps), random selection.
    confidence_level : float
        Level of all intervals.
    tie_break : str
        How ties in the score were broken.
    row_level : bool
        Always ``True``.
    """

    attribute: str
    protected: str
    reference: str
    over_selected: str
    budget: int
    n: int
    n_protected: int
    n_reference: int
    positives_known: int
    outcomes_known: int
    outcome_complete: bool
    parity_reached: bool
    parity_swaps: int
    rows: tuple[SelectionAlternative, ...]
    confidence_level: float
    tie_break: str
    row_level: bool = True

    @property
    def actual(self) -> SelectionAlternative:
        """The actual top-``budget`` selection."""
        return self.rows[0]

    @property
    def parity(self) -> SelectionAlternative:
        """The last adjusted row: parity (or the most swaps possible)."""
        return self.rows[-2]

    @property
    def random(self) -> SelectionAlternative:
        """Random selection (expected values)."""
        return self.rows[-1]

    def curve(self) -> dict[str, FloatArray]:
        """Return the effectiveness-versus-disparity curve as arrays, one entry per row.

        Returns
        -------
        dict of str to ndarray
            ``"swaps"`` (NaN for random), ``"selection_ratio"``, ``"hit_rate"``,
            ``"found"``.

        Examples
        --------
        >>> import numpy as np
        >>> ev = adjusted_selection(np.arange(8.0), ["p"] * 4 + ["r"] * 4, [0, 1] * 4,
        ...                         budget=2, protected="r", steps=1)
        >>> ev.curve()["selection_ratio"].tolist()
        [inf, 1.0, 1.0]
        """
        return {
            "swaps": np.array(
                [np.nan if r.swaps is None else r.swaps for r in self.rows], dtype=np.float64
            ),
            "selection_ratio": np.array([r.disparity.ratio for r in self.rows]),
            "hit_rate": np.array([r.hit_rate for r in self.rows]),
            "found": np.array([r.found for r in self.rows]),
        }

    def to_frame(self) -> pd.DataFrame:
        """Return the rows as a tidy pandas DataFrame (one row per alternative).

        Returns
        -------
        pandas.DataFrame
            Intervals flattened to ``*_low`` / ``*_high`` columns; the disparity as
            ``ratio``, ``ratio_low``, ``ratio_high``, ``pvalue``.
        """
        return _frame(self.rows)


@dataclass(frozen=True)
class AblationVariant:
    """The model refitted without some features: effectiveness and disparity.

    Attributes
    ----------
    variant : str
        ``"all features"``, ``"without <feature>"`` or ``"without all flagged"``.
    dropped : tuple of str
        The dropped features (empty for the full model).
    auc : float
        Cross-validated AUC.
    auc_interval : ConfidenceInterval
        DeLong interval of the AUC.
    selected : int
        The budget.
    found : int
        Selected cases with outcome 1.
    hit_rate : float
        ``found / selected``.
    hit_rate_interval : ConfidenceInterval
        Its interval.
    recall : float
        ``found`` over all positives.
    selection_rate : mapping of str to float
        Selection rate per group.
    disparities : tuple of Disparity
        Selection rate of each non-reference group against the reference.
    delta_auc, delta_hit_rate : float
        Variant minus the full model.
    delta_found : int
        Variant minus the full model.
    delta_ratio : mapping of str to float
        Change of each group's selection-rate ratio against the reference.
    """

    variant: str
    dropped: tuple[str, ...]
    auc: float
    auc_interval: ConfidenceInterval
    selected: int
    found: int
    hit_rate: float
    hit_rate_interval: ConfidenceInterval
    recall: float
    selection_rate: Mapping[str, float]
    disparities: tuple[Disparity, ...]
    delta_auc: float
    delta_hit_rate: float
    delta_found: int
    delta_ratio: Mapping[str, float]


@dataclass(frozen=True)
class AblationEvidence:
    """Feature ablation: the CRM necessity question in numbers.

    Attributes
    ----------
    attribute : str
        Name of the group attribute.
    reference : str
        Reference group of the disparities.
    groups : tuple of str
        All groups, sorted.
    features : tuple of str
        The flagged features.
    budget : int
        Number of checks selected per variant.
    n : int
        Cases.
    cv : str
        The cross-validation splitter used (its ``repr``).
    method : str
        The prediction method (``"predict_proba"``, ``"decision_function"``, ``"predict"``).
    estimator : str
        Class name of the estimator.
    rows : tuple of AblationVariant
        The full model first, then each feature alone, then all flagged together.
    confidence_level : float
        Level of all intervals.
    row_level : bool
        Always ``True``.
    """

    attribute: str
    reference: str
    groups: tuple[str, ...]
    features: tuple[str, ...]
    budget: int
    n: int
    cv: str
    method: str
    estimator: str
    rows: tuple[AblationVariant, ...]
    confidence_level: float
    row_level: bool = True

    @property
    def baseline(self) -> AblationVariant:
        """The model with all features."""
        return self.rows[0]

    def to_frame(self) -> pd.DataFrame:
        """Return the variants as a tidy pandas DataFrame (one row per variant).

        Returns
        -------
        pandas.DataFrame
            Intervals flattened; per-group values as ``selection_rate[group]``,
            ``ratio[group]``, ``delta_ratio[group]`` columns.
        """
        return _frame(self.rows)


# -- helpers ----------------------------------------------------------------------------------


def _generator(rng: Seed) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)


def _top(score: FloatArray, budget: int, tiebreak: FloatArray) -> tuple[IntArray, IntArray]:
    """Return (order by score descending with random tie-break, the selected indices)."""
    order = np.lexsort((tiebreak, -score)).astype(np.int64)
    return order, order[:budget]


def _budget(budget: object, n: int, func: str) -> int:
    if isinstance(budget, bool):
        raise _fail("budget", func, f"a whole number 1..{n} or a share in (0, 1)", budget)
    if isinstance(budget, (int, np.integer)):
        value = int(budget)
    elif isinstance(budget, (float, np.floating)) and 0.0 < budget < 1.0:
        value = round(float(budget) * n)
    else:
        raise _fail("budget", func, f"a whole number 1..{n} or a share in (0, 1)", budget)
    if not 1 <= value <= n:
        raise _fail("budget", func, f"a whole number 1..{n} or a share in (0, 1)", budget)
    return value


def _interval(count: FloatArray, nobs: FloatArray, level: float) -> list[ConfidenceInterval]:
    low, high = proportion_interval(count, nobs, confidence_level=level)
    return [
        ConfidenceInterval(float(lo), float(hi))
        for lo, hi in zip(np.atleast_1d(low), np.atleast_1d(high), strict=True)
    ]


def _rate(x: FloatArray, n: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(n > 0, x / np.where(n > 0, n, 1.0), np.nan)
    return out


# -- adjusted selection -------------------------------------------------------------------------


def adjusted_selection(
    score: npt.ArrayLike,
    group: npt.ArrayLike,
    outcome: npt.ArrayLike,
    *,
    budget: int,
    protected: str,
    reference: str | None = None,
    steps: int = 20,
    rng: Seed = 0,
    attribute: str = "group",
    confidence_level: float = 0.95,
    missing_label: str = "onbekend",
) -> AdjustedSelectionEvidence:
    """Compare the actual selection with swap-adjusted and random selections of equal size.

    Row level: needs every case's score, group and (where known) outcome.

    Parameters
    ----------
    score : array_like of float
        Risk score per case; the actual selection is the top ``budget``.
    group : array_like
        Group label per case (missing labels become ``missing_label``).
    outcome : array_like
        Outcome per case, 0/1 or booleans, missing when unknown.  Outcomes of
        non-selected cases must be known to measure the alternatives (random arm or
        simulation; see the module notes).
    budget : int
        Number of checks.
    protected : str
        The protected group.
    reference : str, optional
        The reference group; default the largest other group (not the missing label).
    steps : int, default 20
        Number of evenly spaced swap counts from 0 to parity.
    rng : int, numpy.random.Generator or None, default 0
        Seed of the random tie-break among equal scores (``None`` means 0).
    attribute : str, default 'group'
        Name of the group attribute in the evidence.
    confidence_level : float, default 0.95
        Level of all intervals.
    missing_label : str, default 'onbekend'
        Label of cases with a missing group.

    Returns
    -------
    AdjustedSelectionEvidence
        One row for the actual selection, one per adjusted step, one for random
        selection; and :meth:`~AdjustedSelectionEvidence.curve`.

    Raises
    ------
    ConfigError
        For mismatched lengths, non-finite scores, a bad budget or steps, or an unknown
        protected or reference group.

    Examples
    --------
    Eight cases, two groups; the top two by score are both in group ``r``:

    >>> import numpy as np
    >>> ev = adjusted_selection(np.arange(8.0), ["p"] * 4 + ["r"] * 4, [0, 1] * 4,
    ...                         budget=2, protected="r", steps=1)
    >>> [(row.kind, row.swaps, row.selected_protected, row.found) for row in ev.rows]
    [('actual', 0, 2.0, 1.0), ('adjusted', 1, 1.0, 2.0), ('random', None, 1.0, 1.0)]
    >>> ev.over_selected, ev.parity_reached, ev.parity.uses_protected_attribute
    ('r', True, True)
    """
    func = "adjusted_selection"
    s = np.asarray(score, dtype=np.float64).reshape(-1)
    labels = _labels_of(group, missing_label)
    y = _outcome_of(outcome, func)
    n = s.size
    if not (labels.size == y.size == n):
        raise _fail("group", func, f"as long as `score` ({n})", (labels.size, y.size))
    if n == 0 or not np.isfinite(s).all():
        raise _fail("score", func, "one or more finite numbers", "non-finite or empty")
    chosen_budget = _budget(budget, n, func)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise _fail("steps", func, "a positive whole number", steps)
    names = sorted(set(labels.tolist()))
    if protected not in names:
        raise _fail("protected", func, f"one of the groups {names}", protected)
    if reference is None:
        others = [g for g in names if g != protected]
        if not others:
            raise _fail("group", func, "at least two groups", names)
        sizes = np.array([(labels == g).sum() for g in others])
        reference = others[_reference_index(attribute, others, sizes, missing_label, None)]
        rule = "largest"
    else:
        if reference not in names or reference == protected:
            raise _fail("reference", func, f"a group other than {protected!r}", reference)
        rule = "explicit"

    gen = _generator(rng)
    order, top = _top(s, chosen_budget, gen.random(n))
    selected = np.zeros(n, dtype=bool)
    selected[top] = True
    is_p, is_r = labels == protected, labels == reference
    n_p, n_r = int(is_p.sum()), int(is_r.sum())
    sel_p0, sel_r0 = int((selected & is_p).sum()), int((selected & is_r).sum())
    over_protected = sel_p0 * n_r >= sel_r0 * n_p
    is_o = is_p if over_protected else is_r
    ascending = order[::-1]
    removal = ascending[selected[ascending] & is_o[ascending]]
    addition = order[~selected[order] & ~is_o[order]]
    k_max = int(min(removal.size, addition.size))
    removal, addition = removal[:k_max], addition[:k_max]

    def cum(mask: npt.NDArray[np.bool_] | FloatArray, idx: IntArray) -> FloatArray:
        out: FloatArray = np.concatenate([[0.0], np.cumsum(np.asarray(mask, np.float64)[idx])])
        return out

    sel_p = sel_p0 - cum(is_p, removal) + cum(is_p, addition)
    sel_r = sel_r0 - cum(is_r, removal) + cum(is_r, addition)
    rate_p, rate_r = sel_p / max(n_p, 1), sel_r / max(n_r, 1)
    done = rate_p <= rate_r if over_protected else rate_r <= rate_p
    parity_reached = bool(done.any())
    k_star = int(np.argmax(done)) if parity_reached else k_max
    ks = np.unique(np.rint(np.linspace(0, k_star, int(steps) + 1)).astype(np.int64))

    known = np.isfinite(y)
    positive = known & (y == 1)
    found = positive[top].sum() - cum(positive, removal) + cum(positive, addition)
    observed = known[top].sum() - cum(known, removal) + cum(known, addition)
    total_pos, total_known = int(positive.sum()), int(known.sum())

    # Random selection: expected values.
    share = chosen_budget / n
    exp_p, exp_r = share * n_p, share * n_r
    all_found = np.append(found[ks], share * total_pos)
    all_obs = np.append(observed[ks], share * total_known)
    all_p = np.append(sel_p[ks], exp_p)
    all_r = np.append(sel_r[ks], exp_r)
    values_p = np.append(rate_p[ks], share if n_p else np.nan)
    values_r = np.append(rate_r[ks], share if n_r else np.nan)
    count = ks.size + 1
    disparity = compare_counts(
        metric="selection_rate",
        attributes=(attribute,),
        groups=[(protected,)] * count,
        reference=(reference,),
        reference_rule=rule,
        group_counts=(np.rint(all_p), np.full(count, float(n_p))),
        reference_counts=(np.rint(all_r), np.full(count, float(n_r))),
        group_values=values_p,
        reference_value=values_r,
        effective_group=(all_p, np.full(count, float(n_p))),
        effective_reference=(all_r, np.full(count, float(n_r))),
        harm="higher",
        confidence_level=confidence_level,
        adjust="none",
    )
    hit = _rate(all_found, all_obs)
    hit[-1] = total_pos / total_known if total_known else np.nan
    hit_ci = _interval(all_found[:-1], all_obs[:-1], confidence_level)
    hit_ci += _interval(
        np.array([total_pos], float), np.array([total_known], float), confidence_level
    )
    recall = _rate(all_found, np.full(count, float(total_pos)))
    rows = []
    for j in range(count):
        is_random = j == count - 1
        swaps = None if is_random else int(ks[j])
        rows.append(
            SelectionAlternative(
                kind="random" if is_random else "actual" if swaps == 0 else "adjusted",
                swaps=swaps,
                selected=chosen_budget,
                selected_protected=float(all_p[j]),
                selected_reference=float(all_r[j]),
                selection_rate_protected=float(values_p[j]),
                selection_rate_reference=float(values_r[j]),
                disparity=disparity[j],
                found=float(all_found[j]),
                outcomes_observed=float(all_obs[j]),
                hit_rate=float(hit[j]),
                hit_rate_interval=hit_ci[j],
                recall=float(recall[j]),
                expected=is_random,
                uses_protected_attribute=bool(swaps),
            )
        )
    return AdjustedSelectionEvidence(
        attribute=attribute,
        protected=protected,
        reference=reference,
        over_selected=protected if over_protected else reference,
        budget=chosen_budget,
        n=n,
        n_protected=n_p,
        n_reference=n_r,
        positives_known=total_pos,
        outcomes_known=total_known,
        outcome_complete=bool(known.all()),
        parity_reached=parity_reached,
        parity_swaps=k_star,
        rows=tuple(rows),
        confidence_level=confidence_level,
        tie_break="random (seeded)",
    )


# -- feature ablation ---------------------------------------------------------------------------


def _splitter(cv: Any, classifier: bool, seed: int) -> Any:
    from sklearn.model_selection import KFold, StratifiedKFold

    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        if classifier:
            return StratifiedKFold(n_splits=int(cv), shuffle=True, random_state=seed)
        return KFold(n_splits=int(cv), shuffle=True, random_state=seed)
    return cv


def _predict(
    estimator: Any,
    X: Any,  # noqa: N803 - scikit-learn's name
    y: FloatArray,
    splitter: Any,
    method: str,
    dropped: tuple[str, ...],
) -> FloatArray:
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_predict

    target = y.astype(np.int64) if method != "predict" else y
    try:
        prediction = cross_val_predict(clone(estimator), X, target, cv=splitter, method=method)
    except (KeyError, ValueError) as exc:
        needed = [f for f in dropped if repr(f) in str(exc) or f"'{f}'" in str(exc)]
        if needed or (dropped and isinstance(exc, KeyError)):
            column = needed[0] if needed else dropped[0]
            raise ConfigError(
                f"The estimator of `feature_ablation` needs the column {column!r}, which this "
                f"variant drops; select the pipeline's columns by type "
                f"(sklearn.compose.make_column_selector) or leave {column!r} out of the "
                f"`features` to ablate. ({exc})"
            ) from exc
        raise
    out = np.asarray(prediction, dtype=np.float64)
    if out.ndim == 2:
        out = out[:, -1]
    return out


def feature_ablation(
    estimator: Any,
    X: Any,  # noqa: N803 - scikit-learn's name
    y: npt.ArrayLike,
    group: npt.ArrayLike,
    *,
    features: Sequence[str],
    budget: int | float,
    cv: Any = 5,
    rng: int | None = 0,
    reference: str | None = None,
    attribute: str = "group",
    confidence_level: float = 0.95,
    adjust: AdjustMethod = "holm",
    missing_label: str = "onbekend",
) -> AblationEvidence:
    """Refit the model without each flagged feature and compare effectiveness and disparity.

    Row level: needs the model's training data.  This answers the CRM necessity question
    "would an alternative with fewer proxies do (almost) as well?".

    Parameters
    ----------
    estimator : scikit-learn estimator or pipeline
        Unfitted; it is cloned for every variant and every fold.
    X : pandas.DataFrame
        Features; flagged features are dropped by column name.
    y : array_like of {0, 1}
        Outcome per row, known for every row (e.g. the random arm, or a simulation).
    group : array_like
        Group label per row (missing labels become ``missing_label``); not passed to the
        estimator unless it is also a column of ``X``.
    features : sequence of str
        The flagged features (proxies) to ablate: each alone, and all together.
    budget : int or float
        Number of checks (int), or a share of the rows in (0, 1).
    cv : int or cross-validation splitter, default 5
        Folds (see the module notes for the splitter an int means).
    rng : int or None, default 0
        Seed of the fold shuffle and of the random tie-break among equal scores.
    reference : str, optional
        Reference group; default the largest group (not the missing label).
    attribute : str, default 'group'
        Name of the group attribute in the evidence.
    confidence_level : float, default 0.95
        Level of all intervals.
    adjust : {'holm', 'bh', 'bonferroni', 'none'}, default 'holm'
        Adjustment of the disparity tests over the groups of one variant.
    missing_label : str, default 'onbekend'
        Label of rows with a missing group.

    Returns
    -------
    AblationEvidence
        One :class:`AblationVariant` per variant, the full model first.

    Raises
    ------
    ConfigError
        If ``X`` is not a DataFrame, ``y`` is not binary and complete, the budget is
        invalid, or the estimator needs a dropped column (the message names it).
    ColumnNotFoundError
        If a feature is not a column of ``X``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> g = np.where(rng.random(4000) < 0.3, "b", "a")
    >>> X = pd.DataFrame({"x": rng.normal(size=4000),
    ...                   "proxy": (rng.random(4000) < np.where(g == "b", 0.6, 0.1)) * 1.0})
    >>> y = (rng.random(4000) < 1 / (1 + np.exp(1 - 1.5 * X["x"] - 0.8 * X["proxy"]))) * 1
    >>> ev = feature_ablation(LogisticRegression(), X, y, g, features=["proxy"], budget=0.2)
    >>> [row.variant for row in ev.rows]
    ['all features', 'without proxy']
    >>> [round(row.disparities[0].ratio, 2) for row in ev.rows]
    [1.33, 0.94]
    >>> round(ev.rows[1].delta_auc, 3), ev.rows[1].delta_found
    (-0.009, 5)

    Dropping the proxy removes the over-selection of group ``b`` at (here) no loss of cases
    found: the alternative with fewer proxies that the CRM necessity test asks about.
    """
    func = "feature_ablation"
    from sklearn.base import is_classifier

    if not (hasattr(X, "columns") and hasattr(X, "drop")):
        raise _fail(
            "X", func, "a pandas DataFrame (features are dropped by name)", type(X).__name__
        )
    columns = [str(c) for c in X.columns]
    flagged = tuple(features) if not isinstance(features, str) else (features,)
    if not flagged:
        raise _fail("features", func, "one or more column names", flagged)
    for feature in flagged:
        if feature not in columns:
            raise ColumnNotFoundError(
                message(
                    "column-not-found",
                    column=feature,
                    role="features",
                    suggestion="",
                    available=", ".join(repr(c) for c in columns),
                )
            )
    target = _outcome_of(y, func)
    labels = _labels_of(group, missing_label)
    n = target.size
    if len(X) != n or labels.size != n:
        raise _fail("y", func, f"as long as `X` ({len(X)})", (n, labels.size))
    if not np.isfinite(target).all():
        raise _fail("y", func, "known (0/1) for every row", "missing values")
    chosen_budget = _budget(budget, n, func)
    if not 0.0 < confidence_level < 1.0:
        raise _fail("confidence_level", func, "a number strictly between 0 and 1", confidence_level)
    seed = 0 if rng is None else int(rng)
    classifier = bool(is_classifier(estimator))
    method = (
        ("predict_proba" if hasattr(estimator, "predict_proba") else "decision_function")
        if classifier
        else "predict"
    )
    splitter = _splitter(cv, classifier, seed)
    tiebreak = np.random.default_rng(seed).random(n)
    names, codes = np.unique(labels, return_inverse=True)
    groups = [str(g) for g in names]
    sizes = np.bincount(codes, minlength=len(groups)).astype(np.float64)
    ref = _reference_index(attribute, groups, sizes, missing_label, reference)
    others = np.array([g for g in range(len(groups)) if g != ref], dtype=np.int64)
    if others.size == 0:
        raise _fail("group", func, "at least two groups", groups)
    total_pos = float(target.sum())
    z = _z(confidence_level)

    variants: list[tuple[str, tuple[str, ...]]] = [("all features", ())]
    variants += [(f"without {f}", (f,)) for f in flagged]
    if len(flagged) > 1:
        variants.append(("without all flagged", flagged))
    rows: list[AblationVariant] = []
    for name, dropped in variants:
        data = X.drop(columns=list(dropped)) if dropped else X
        prediction = _predict(estimator, data, target, splitter, method, dropped)
        _, top = _top(prediction, chosen_budget, tiebreak)
        found = int(target[top].sum())
        auc, se = auc_delong(prediction, target)
        auc_ci = (
            ConfidenceInterval(max(0.0, auc - z * se), min(1.0, auc + z * se))
            if np.isfinite(auc) and np.isfinite(se)
            else ConfidenceInterval(0.0, 1.0)
        )
        chosen = np.bincount(codes[top], minlength=len(groups)).astype(np.float64)
        disparities = compare_counts(
            metric="selection_rate",
            attributes=(attribute,),
            groups=[(groups[g],) for g in others],
            reference=(groups[ref],),
            reference_rule="explicit" if reference is not None else "largest",
            group_counts=(chosen[others], sizes[others]),
            reference_counts=(chosen[ref], sizes[ref]),
            harm="higher",
            confidence_level=confidence_level,
            adjust=adjust,
        )
        base = rows[0] if rows else None
        ratios = {d.group[0]: d.ratio for d in disparities}
        base_ratios = {} if base is None else {d.group[0]: d.ratio for d in base.disparities}
        rows.append(
            AblationVariant(
                variant=name,
                dropped=dropped,
                auc=auc,
                auc_interval=auc_ci,
                selected=chosen_budget,
                found=found,
                hit_rate=found / chosen_budget,
                hit_rate_interval=_interval(
                    np.array([found], float), np.array([chosen_budget], float), confidence_level
                )[0],
                recall=found / total_pos if total_pos else float("nan"),
                selection_rate=MappingProxyType(
                    dict(zip(groups, (chosen / sizes).tolist(), strict=True))
                ),
                disparities=disparities,
                delta_auc=0.0 if base is None else auc - base.auc,
                delta_hit_rate=0.0 if base is None else found / chosen_budget - base.hit_rate,
                delta_found=0 if base is None else found - base.found,
                delta_ratio=MappingProxyType(
                    {g: 0.0 if base is None else r - base_ratios[g] for g, r in ratios.items()}
                ),
            )
        )
    return AblationEvidence(
        attribute=attribute,
        reference=groups[ref],
        groups=tuple(groups),
        features=flagged,
        budget=chosen_budget,
        n=n,
        cv=repr(splitter),
        method=method,
        estimator=type(estimator).__name__,
        rows=tuple(rows),
        confidence_level=confidence_level,
    )


# -- group-specific thresholds (fairlearn) --------------------------------------------------------


@dataclass(frozen=True)
class ThresholdAlternative:
    """One decision rule of :func:`threshold_alternatives`.

    Attributes
    ----------
    name : str
        ``"single threshold"`` (the estimator's own ``predict``) or the fairlearn
        constraint, e.g. ``"demographic_parity"``.
    constraint : str or None
        The fairlearn constraint (``None`` for the single threshold).
    uses_protected_attribute : bool
        The rule needs the group at decision time (every fairlearn row): direct
        distinction when the group is a protected ground.
    selected, found : int
        Cases selected, and of those with outcome 1.
    hit_rate : float
        ``found / selected`` (NaN when nothing is selected).
    hit_rate_interval : ConfidenceInterval
        Its interval.
    recall : float
        ``found`` over all positives.
    selection_rate : mapping of str to float
        Selection rate per group.
    disparities : tuple of Disparity
        Selection rate of each non-reference group against the reference.
    """

    name: str
    constraint: str | None
    uses_protected_attribute: bool
    selected: int
    found: int
    hit_rate: float
    hit_rate_interval: ConfidenceInterval
    recall: float
    selection_rate: Mapping[str, float]
    disparities: tuple[Disparity, ...]


@dataclass(frozen=True)
class ThresholdAlternativesEvidence:
    """Group-specific thresholds against the single threshold.

    Attributes
    ----------
    attribute, reference : str
        The group attribute and the reference group.
    groups : tuple of str
        All groups, sorted.
    objective : str
        The fairlearn objective the thresholds optimise.
    rows : tuple of ThresholdAlternative
        The single threshold first, then one row per constraint.
    confidence_level : float
        Level of all intervals.
    direct_distinction : bool
        Always ``True``: group-specific thresholds on a protected ground are themselves
        direct distinction under Dutch law (the findings and report must say so).
    in_sample : bool
        Always ``True``: fitted and evaluated on the same rows.
    row_level : bool
        Always ``True``.
    """

    attribute: str
    reference: str
    groups: tuple[str, ...]
    objective: str
    rows: tuple[ThresholdAlternative, ...]
    confidence_level: float
    direct_distinction: bool = True
    in_sample: bool = True
    row_level: bool = True

    def to_frame(self) -> pd.DataFrame:
        """Return the rules as a tidy pandas DataFrame (one row per rule).

        Returns
        -------
        pandas.DataFrame
            Intervals flattened; per-group values as ``selection_rate[group]`` and
            ``ratio[group]`` columns.
        """
        return _frame(self.rows)


def threshold_alternatives(
    estimator: Any,
    X: Any,  # noqa: N803 - scikit-learn's name
    y: npt.ArrayLike,
    group: npt.ArrayLike,
    *,
    constraints: Sequence[str] = ("demographic_parity", "true_positive_rate_parity"),
    objective: str = "accuracy_score",
    reference: str | None = None,
    rng: int | None = 0,
    attribute: str = "group",
    confidence_level: float = 0.95,
    adjust: AdjustMethod = "holm",
    missing_label: str = "onbekend",
) -> ThresholdAlternativesEvidence:
    """Compare the estimator's own decisions with fairlearn's group-specific thresholds.

    Row level and in-sample: the estimator and the thresholds are fitted on ``X, y`` and
    evaluated on the same rows.  Every fairlearn row **uses the protected attribute at
    decision time** (``uses_protected_attribute=True``) and the evidence carries
    ``direct_distinction=True``: group-specific thresholds on a protected ground are
    themselves direct distinction under Dutch law.  Read the rows as the price of parity,
    not as a measure to deploy.

    Parameters
    ----------
    estimator : scikit-learn classifier or pipeline
        Unfitted; cloned for the single threshold and for every constraint.
    X : array_like or pandas.DataFrame
        Features (the group is passed separately, as fairlearn's ``sensitive_features``).
    y : array_like of {0, 1}
        Outcome, known for every row.
    group : array_like
        Group label per row.
    constraints : sequence of str
        fairlearn constraints, e.g. ``"demographic_parity"``, ``"equalized_odds"``,
        ``"true_positive_rate_parity"``, ``"false_negative_rate_parity"``.
    objective : str, default 'accuracy_score'
        fairlearn objective.
    reference : str, optional
        Reference group; default the largest group (not the missing label).
    rng : int or None, default 0
        ``random_state`` of fairlearn's randomised predictions.
    attribute, confidence_level, adjust, missing_label
        As in :func:`feature_ablation`.

    Returns
    -------
    ThresholdAlternativesEvidence
        The single threshold first, then one row per constraint.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> g = np.where(rng.random(3000) < 0.3, "b", "a")
    >>> x = rng.normal(size=3000) + 0.5 * (g == "b")
    >>> y = (rng.random(3000) < 1 / (1 + np.exp(-1.5 * x))).astype(int)
    >>> ev = threshold_alternatives(LogisticRegression(), x[:, None], y, g,
    ...                             constraints=["demographic_parity"])
    >>> [(r.name, r.uses_protected_attribute) for r in ev.rows]
    [('single threshold', False), ('demographic_parity', True)]
    >>> ev.direct_distinction
    True
    """
    func = "threshold_alternatives"
    from fairlearn.postprocessing import ThresholdOptimizer
    from sklearn.base import clone

    target = _outcome_of(y, func)
    labels = _labels_of(group, missing_label)
    n = target.size
    if len(X) != n or labels.size != n:
        raise _fail("y", func, f"as long as `X` ({len(X)})", (n, labels.size))
    if not np.isfinite(target).all():
        raise _fail("y", func, "known (0/1) for every row", "missing values")
    if isinstance(constraints, str):
        constraints = (constraints,)
    names, codes = np.unique(labels, return_inverse=True)
    groups = [str(g) for g in names]
    sizes = np.bincount(codes, minlength=len(groups)).astype(np.float64)
    ref = _reference_index(attribute, groups, sizes, missing_label, reference)
    others = np.array([g for g in range(len(groups)) if g != ref], dtype=np.int64)
    if others.size == 0:
        raise _fail("group", func, "at least two groups", groups)
    seed = 0 if rng is None else int(rng)
    y_int = target.astype(np.int64)
    decisions: list[tuple[str, str | None, FloatArray]] = [
        (
            "single threshold",
            None,
            np.asarray(clone(estimator).fit(X, y_int).predict(X), dtype=np.float64),
        )
    ]
    for constraint in constraints:
        optimizer = ThresholdOptimizer(
            estimator=clone(estimator),
            constraints=constraint,
            objective=objective,
            predict_method="auto",
        )
        optimizer.fit(X, y_int, sensitive_features=labels)
        chosen = optimizer.predict(X, sensitive_features=labels, random_state=seed)
        decisions.append((constraint, constraint, np.asarray(chosen, dtype=np.float64)))
    total_pos = float(target.sum())
    rows = []
    for name, rule, decision in decisions:
        selected = decision == 1
        per_group = np.bincount(codes[selected], minlength=len(groups)).astype(np.float64)
        found = int(target[selected].sum())
        count = int(selected.sum())
        rows.append(
            ThresholdAlternative(
                name=name,
                constraint=rule,
                uses_protected_attribute=rule is not None,
                selected=count,
                found=found,
                hit_rate=found / count if count else float("nan"),
                hit_rate_interval=_interval(
                    np.array([found], float), np.array([count], float), confidence_level
                )[0],
                recall=found / total_pos if total_pos else float("nan"),
                selection_rate=MappingProxyType(
                    dict(zip(groups, (per_group / sizes).tolist(), strict=True))
                ),
                disparities=compare_counts(
                    metric="selection_rate",
                    attributes=(attribute,),
                    groups=[(groups[g],) for g in others],
                    reference=(groups[ref],),
                    reference_rule="explicit" if reference is not None else "largest",
                    group_counts=(per_group[others], sizes[others]),
                    reference_counts=(per_group[ref], sizes[ref]),
                    harm="higher",
                    confidence_level=confidence_level,
                    adjust=adjust,
                ),
            )
        )
    return ThresholdAlternativesEvidence(
        attribute=attribute,
        reference=groups[ref],
        groups=tuple(groups),
        objective=objective,
        rows=tuple(rows),
        confidence_level=confidence_level,
    )
