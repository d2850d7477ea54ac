"""The audit specification: which column plays which role.

:class:`Roles` names the columns of the data: the decision under audit, the group
attributes, and the optional outcome, score, weight, random-sample flag, process stages,
strata and (for pre-aggregated input) the count column.  It validates itself on
construction, so a contradictory specification fails before any data is read.

A group label is *missing* when the cell is empty: a null (``None``/``NaN``/null), an
empty or whitespace-only text, or a text listed in ``missing_values``.  Nothing else:
``"NA"`` (Namibia), ``"None"`` or ``"nan"`` are labels.  Text labels are compared in
Unicode NFC form without surrounding whitespace, so ``"man"``, ``" man"`` and ``"man "``
are one group (finding EE406 names the spellings).

Missing group labels follow one policy, ``missing_groups``:

``"group"`` (default)
    Missing labels become their own explicit group, labelled
    ``missing_label`` (default ``"onbekend"``), and are counted in
    :attr:`eerlijkheid.counts.CountTable.missing_labels`. They are never dropped.
``"error"``
    Any missing label raises :class:`~eerlijkheid.exceptions.InvalidValuesError`.

Examples
--------
>>> roles = Roles(decision="geselecteerd", groups=("geslacht", "leeftijdsklasse"))
>>> roles.key_columns
('geslacht', 'leeftijdsklasse', 'geselecteerd')
>>> Roles(decision="x", groups=("x",))
Traceback (most recent call last):
...
eerlijkheid.exceptions.RoleError: ...
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Literal, overload

import numpy as np
from numpy.typing import NDArray

from eerlijkheid.disclosure import MIN_THRESHOLD
from eerlijkheid.exceptions import RoleError
from eerlijkheid.i18n import message

__all__ = [
    "BINARY_FALSE",
    "BINARY_TRUE",
    "AuditConfig",
    "MissingPolicy",
    "Role",
    "Roles",
    "SeverityLevel",
    "SeverityThresholds",
    "grade_ratio",
    "ratio_size",
    "reaches_threshold",
]

MissingPolicy = Literal["group", "error"]
#: How large a finding is, from least to most severe: info, low, medium, high, critical.
SeverityLevel = Literal["info", "low", "medium", "high", "critical"]


class Role(str, Enum):
    """The role a column plays in the count table."""

    GROUP = "group"
    STRATUM = "stratum"
    STAGE = "stage"
    DECISION = "decision"
    OUTCOME = "outcome"
    RANDOM_SAMPLE = "random_sample"
    HANDLER = "handler"
    SCORE_BAND = "score_band"


#: Spellings read as "yes" in binary columns (compared after ``strip().lower()``).
BINARY_TRUE: frozenset[str] = frozenset({"1", "1.0", "ja", "j", "true", "t", "yes", "y", "waar"})
#: Spellings read as "no" in binary columns (compared after ``strip().lower()``).
BINARY_FALSE: frozenset[str] = frozenset({"0", "0.0", "nee", "n", "false", "f", "no", "onwaar"})


def _as_tuple(value: str | Sequence[str] | None, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    out = tuple(value)
    for item in out:
        if not isinstance(item, str) or not item:
            raise RoleError(message("role-not-a-name", role=name, value=repr(item)))
    return out


@dataclass(frozen=True)
class Roles:
    """Which column of the data plays which role in the audit.

    Parameters
    ----------
    decision : str
        The decision under audit (selected for a check, granted, ...): binary,
        as booleans, 0/1 or the Dutch/English yes/no spellings in :data:`BINARY_TRUE`
        and :data:`BINARY_FALSE`.
    groups : str or sequence of str
        Group attributes to compare (e.g. ``("nationaliteit", "geslacht")``).
    outcome : str, optional
        The observed outcome (e.g. a violation was found), binary; missing values mean
        "not observed" (common for cases that were never investigated).
    score : str, optional
        A numeric risk score.  It enters the count table as score bands (see
        ``score_edges``), so calibration and decisions at equal score need no row access.
    score_edges : sequence of float, optional
        Band edges of the score, increasing: bands are ``[e0, e1)``, ..., ``[e_k-1, e_k]``;
        they must cover every score (a score outside them is an error, not silently put
        in the first or last band), and NaN is refused.  Default: 10 equal-width
        bands between the score's minimum and maximum (one extra aggregate over the column).
    weight : str, optional
        Non-negative case weights (e.g. survey weights).
    random_sample : str, optional
        Binary flag marking cases selected by the random (aselect) arm.
    stages : str or sequence of str, optional
        Earlier binary decisions of the process chain, in order; a missing value means the
        case did not reach that stage.
    strata : str or sequence of str, optional
        Legitimate factors to stratify on (e.g. risk category, department).
    count : str, optional
        For pre-aggregated input: the column holding the number of cases in each row.
    handler : str, optional
        The case handler or team that took the decision (discretion analysis).
    missing_groups : {'group', 'error'}
        Policy for missing group and stratum labels (see module docstring).
    missing_label : str
        Label of the explicit group for missing labels.
    binary_values : mapping of str to bool, optional
        Extra spellings for binary columns, e.g. ``{"geselecteerd": True, "niet": False}``.
    missing_values : sequence of str, optional
        Texts that mean "no value" in group, stratum and handler columns (and, through
        :func:`~eerlijkheid.read_table`, in a file), e.g. ``("NULL", "-")``; compared
        after stripping.  Default: none (only empty cells are missing).
    """

    decision: str
    groups: tuple[str, ...]
    outcome: str | None = None
    score: str | None = None
    weight: str | None = None
    random_sample: str | None = None
    stages: tuple[str, ...] = ()
    strata: tuple[str, ...] = ()
    count: str | None = None
    handler: str | None = None
    score_edges: tuple[float, ...] = ()
    missing_groups: MissingPolicy = "group"
    missing_label: str = "onbekend"
    binary_values: Mapping[str, bool] = field(default_factory=dict)
    missing_values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", _as_tuple(self.groups, "groups"))
        markers = _as_tuple(self.missing_values, "missing_values")
        object.__setattr__(self, "missing_values", tuple(m.strip() for m in markers))
        object.__setattr__(self, "stages", _as_tuple(self.stages, "stages"))
        object.__setattr__(self, "strata", _as_tuple(self.strata, "strata"))
        edges = tuple(float(e) for e in self.score_edges)
        if any(math.isnan(e) for e in edges):
            raise RoleError(message("score-edges-nan", value=repr(self.score_edges)))
        if edges and (len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges))):
            raise RoleError(
                message(
                    "invalid-option",
                    name="score_edges",
                    allowed="2+ increasing numbers",
                    value=repr(self.score_edges),
                )
            )
        object.__setattr__(self, "score_edges", edges)
        spellings = {str(k).strip().lower(): bool(v) for k, v in dict(self.binary_values).items()}
        object.__setattr__(self, "binary_values", MappingProxyType(spellings))
        if not isinstance(self.decision, str) or not self.decision:
            raise RoleError(message("role-not-a-name", role="decision", value=repr(self.decision)))
        if not self.groups:
            raise RoleError(message("role-no-groups"))
        if self.missing_groups not in ("group", "error"):
            raise RoleError(
                message(
                    "invalid-option",
                    name="missing_groups",
                    allowed="'group', 'error'",
                    value=repr(self.missing_groups),
                )
            )
        seen: dict[str, str] = {}
        for role, column in self.columns():
            if column in seen:
                raise RoleError(
                    message("role-twice", column=column, first=seen[column], second=role)
                )
            seen[column] = role

    def columns(self) -> tuple[tuple[str, str], ...]:
        """Return ``(role, column)`` pairs for every column named, in a fixed order.

        Returns
        -------
        tuple of (str, str)
            The role names and columns.

        Examples
        --------
        >>> Roles(decision="d", groups="g", outcome="y").columns()
        (('groups', 'g'), ('decision', 'd'), ('outcome', 'y'))
        """
        pairs: list[tuple[str, str]] = [("groups", g) for g in self.groups]
        pairs += [("strata", s) for s in self.strata]
        pairs += [("stages", s) for s in self.stages]
        for role in ("decision", "outcome", "random_sample", "score", "weight", "count", "handler"):
            column = getattr(self, role)
            if column is not None:
                pairs.append((role, column))
        return tuple(pairs)

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The columns that form the cells of the count table, in table order."""
        keys = [*self.groups, *self.strata]
        keys += [c for c in (self.handler,) if c is not None]
        keys += [*self.stages]
        keys += [c for c in (self.score,) if c is not None]
        keys.append(self.decision)
        keys += [c for c in (self.outcome, self.random_sample) if c is not None]
        return tuple(keys)

    def role_of(self, column: str) -> Role:
        """Return the count-table :class:`Role` of a key column.

        Parameters
        ----------
        column : str
            One of :attr:`key_columns`.

        Returns
        -------
        Role
            Its role.

        Examples
        --------
        >>> Roles(decision="d", groups="g").role_of("g")
        <Role.GROUP: 'group'>
        """
        if column in self.groups:
            return Role.GROUP
        if column in self.strata:
            return Role.STRATUM
        if column in self.stages:
            return Role.STAGE
        if column == self.decision:
            return Role.DECISION
        if column == self.outcome:
            return Role.OUTCOME
        if column == self.random_sample:
            return Role.RANDOM_SAMPLE
        if column == self.handler:
            return Role.HANDLER
        if column == self.score:
            return Role.SCORE_BAND
        raise RoleError(message("role-unknown-column", column=column))


@dataclass(frozen=True)
class SeverityThresholds:
    """Ratio thresholds that grade the *size* of a disparity (severity).

    A group's ratio to its reference (or, when it is below 1, its inverse) at or above
    ``low`` / ``medium`` / ``high`` grades the finding low / medium / high.  The defaults
    are screening conventions, not Dutch law: ``medium`` = 1.25 is the inverse of the US
    "four-fifths" rule (EEOC Uniform Guidelines, 29 CFR 1607.4(D)); ``low`` = 1.1 marks a
    difference worth watching and ``high`` = 2.0 a doubling — steps this library chose
    around it.  Set your own in the audit configuration.

    Attributes
    ----------
    low, medium, high : float
        Ratio thresholds, finite, ``1 < low <= medium <= high``.

    Examples
    --------
    >>> SeverityThresholds(high=3.0).high
    3.0
    >>> SeverityThresholds(high=float("inf"))
    Traceback (most recent call last):
    ...
    eerlijkheid.exceptions.RoleError: ... 1 < low <= medium <= high < inf ...
    """

    low: float = 1.1
    medium: float = 1.25
    high: float = 2.0

    def __post_init__(self) -> None:
        if not 1.0 < self.low <= self.medium <= self.high < math.inf:
            raise RoleError(
                message(
                    "invalid-option",
                    name="thresholds",
                    allowed="1 < low <= medium <= high < inf",
                    value=f"{self.low}, {self.medium}, {self.high}",
                )
            )


#: A ratio within this relative distance below a threshold counts as reaching it: ratios
#: are quotients of rates, and e.g. 88/199 against 110/199 (4/5 on paper) is
#: 0.8000000000000002 in floating point, whose inverse would fall just short of 1.25.
_RELATIVE_TOLERANCE = 1e-9


@overload
def ratio_size(ratio: float) -> float: ...
@overload
def ratio_size(ratio: NDArray[np.float64]) -> NDArray[np.float64]: ...
def ratio_size(ratio: float | NDArray[np.float64]) -> float | NDArray[np.float64]:
    """How far a ratio is from parity, the same for a ratio and its inverse.

    The one measure of size behind every graded ratio (disparity findings, equal-risk and
    handler comparisons, the process chain): ``max(r, 1 / r)``.

    Parameters
    ----------
    ratio : float or numpy.ndarray
        Group value over reference value (>= 0).

    Returns
    -------
    float or numpy.ndarray
        ``max(ratio, 1 / ratio)``, >= 1; ``inf`` for a ratio of 0 or ``inf`` (the group
        has none, or only the group has any: the largest disparity there is); NaN for NaN
        or a negative ratio (undefined).  A float for a float, an array for an array.

    Examples
    --------
    >>> ratio_size(0.5), ratio_size(2.0), ratio_size(0.0), ratio_size(float("inf"))
    (2.0, 2.0, inf, inf)
    >>> ratio_size(np.array([0.8, 1.0, np.nan])).tolist()
    [1.25, 1.0, nan]
    """
    r = np.asarray(ratio, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.where(r >= 1.0, r, 1.0 / r)
    size = np.where(r < 0, np.nan, size)
    if isinstance(ratio, np.ndarray):
        return size
    return float(size)


def _reaches(size: NDArray[np.float64], threshold: float) -> NDArray[np.bool_]:
    with np.errstate(invalid="ignore"):
        return np.asarray(size * (1.0 + _RELATIVE_TOLERANCE) >= threshold)


@overload
def grade_ratio(ratio: float, thresholds: SeverityThresholds) -> SeverityLevel: ...
@overload
def grade_ratio(ratio: NDArray[np.float64], thresholds: SeverityThresholds) -> NDArray[np.str_]: ...
def grade_ratio(
    ratio: float | NDArray[np.float64], thresholds: SeverityThresholds
) -> SeverityLevel | NDArray[np.str_]:
    """Grade the size of a ratio against the thresholds: info, low, medium or high.

    Parameters
    ----------
    ratio : float or numpy.ndarray
        Group value over reference value.  A ratio and its inverse grade alike
        (:func:`ratio_size`); a ratio within a relative 1e-9 below a threshold reaches it
        (floating-point rounding of quotients of rates).
    thresholds : SeverityThresholds
        The ``low``, ``medium`` and ``high`` ratio thresholds.

    Returns
    -------
    str or numpy.ndarray of str
        ``'high'`` at or beyond ``high`` (also a ratio of 0 or ``inf``), ``'medium'``,
        ``'low'``, and ``'info'`` below ``low`` or for an undefined (NaN) ratio.

    Examples
    --------
    >>> t = SeverityThresholds()
    >>> grade_ratio(6.2, t), grade_ratio(0.7, t), grade_ratio(0.0, t), grade_ratio(1.05, t)
    ('high', 'medium', 'high', 'info')
    >>> grade_ratio(np.array([1.1, 0.5, np.nan]), t).tolist()
    ['low', 'high', 'info']
    """
    size = ratio_size(np.asarray(ratio, dtype=np.float64))
    graded = np.select(
        [
            _reaches(size, thresholds.high),
            _reaches(size, thresholds.medium),
            _reaches(size, thresholds.low),
        ],
        ["high", "medium", "low"],
        default="info",
    )
    if isinstance(ratio, np.ndarray):
        return graded
    level: SeverityLevel = str(graded)  # type: ignore[assignment]
    return level


def reaches_threshold(
    ratio: float | NDArray[np.float64], threshold: float
) -> bool | NDArray[np.bool_]:
    """Whether a ratio's size (:func:`ratio_size`) reaches a threshold (NaN: no).

    Parameters
    ----------
    ratio : float or numpy.ndarray
        Group value over reference value.
    threshold : float
        A ratio threshold > 1, e.g. ``SeverityThresholds.low``.

    Returns
    -------
    bool or numpy.ndarray of bool
        Graded as :func:`grade_ratio` does: a ratio and its inverse alike, 0 and ``inf``
        reach every threshold.

    Examples
    --------
    >>> reaches_threshold(0.9, 1.1), reaches_threshold(0.0, 1.1), reaches_threshold(1.05, 1.1)
    (True, True, False)
    """
    reached = _reaches(ratio_size(np.asarray(ratio, dtype=np.float64)), threshold)
    if isinstance(ratio, np.ndarray):
        return reached
    return bool(reached)


@dataclass(frozen=True)
class AuditConfig:
    """Settings of an audit beyond the column roles.

    Attributes
    ----------
    order : int
        Highest intersection order analysed (1: single attributes only).
    reference : mapping of str to str
        Reference label per group attribute; attributes not named use ``reference_rule``.
    reference_rule : {'largest', 'most-favourable'}
        Reference for attributes without an explicit label.
    compare_with_rest : bool
        Also compare every group of an attribute without an explicit label with every
        other case together (one against the rest), so that a largest group that is
        selected far more often than the others is compared too (default ``True``).
    partial_reference : {'same-level', 'rule'}
        Reference of an intersection whose attributes ``reference`` names only in part:
        ``'same-level'`` (default) compares ``(a, b)`` with ``(a_ref, b)``, the named
        reference at the group's own level of the unnamed attribute; ``'rule'`` uses
        ``reference_rule`` on the intersection as a whole.
    favourable : bool
        ``True`` when the decision is a benefit (granted), ``False`` (default) when it is a
        burden (selected for a check).
    confidence_level : float
        Level of all intervals.
    interval_method : {'wilson', 'clopper-pearson', 'jeffreys'}
        Interval for rates.
    adjust : {'holm', 'bh', 'bonferroni'}
        Multiplicity adjustment within each family of comparisons.
    alpha : float
        Significance level of the adjusted tests (certainty of a finding).
    thresholds : SeverityThresholds
        Ratio thresholds that grade severity.
    detectable_ratio : float
        The disparity size the audit must be able to detect (sufficiency), as a ratio.
    power : float
        Required power to detect ``detectable_ratio``.
    suppression_threshold : int
        Cells with fewer cases are suppressed in every rendered output; at least
        :data:`eerlijkheid.disclosure.MIN_THRESHOLD` (5): ``0`` is an error.
    inputs : tuple of str
        Input variables of the model or rule set (for the direct-grounds check).  When the
        audit gets rows, every input must be a column (else a
        :class:`~eerlijkheid.exceptions.ColumnNotFoundError` with the closest name).
    categorical : tuple of str
        Inputs that are categories even though they hold numbers (a postcode, a wijk code,
        a code list).  Categories are never averaged nor cut into bands.  Inputs not
        listed follow the default guess of :func:`eerlijkheid.ingest.is_categorical`:
        text is categorical; a whole-number column is categorical when it has at most 12
        distinct values or its name looks like a code (``postcode``, ``wijk``, ``buurt``,
        ``gemeente``, ``code``, ...).
    declared_grounds : mapping of str to str
        Explicit meaning of input variables, e.g. ``{"kenmerk_17": "nationality"}``.
    row_analyses : bool
        Run the row-level analyses (proxy strength of the inputs, bias-aware clustering)
        when the audit gets rows and ``inputs``.  They work on at most ``max_rows`` rows.
    max_rows : int
        Largest number of rows the row-level analyses take; beyond it a seeded sample
        (:func:`eerlijkheid.ingest.row_sample`).
    seed : int
        Seed of the row sample, the cross-validation splits and the clustering.
    """

    order: int = 2
    reference: Mapping[str, str] = field(default_factory=dict)
    reference_rule: Literal["largest", "most-favourable"] = "largest"
    compare_with_rest: bool = True
    partial_reference: Literal["same-level", "rule"] = "same-level"
    favourable: bool = False
    confidence_level: float = 0.95
    interval_method: Literal["wilson", "clopper-pearson", "jeffreys"] = "wilson"
    adjust: Literal["holm", "bh", "bonferroni"] = "holm"
    alpha: float = 0.05
    thresholds: SeverityThresholds = field(default_factory=SeverityThresholds)
    detectable_ratio: float = 1.25
    power: float = 0.8
    suppression_threshold: int = 10
    inputs: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    declared_grounds: Mapping[str, str] = field(default_factory=dict)
    row_analyses: bool = True
    max_rows: int = 200_000
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "reference", MappingProxyType(dict(self.reference)))
        object.__setattr__(self, "declared_grounds", MappingProxyType(dict(self.declared_grounds)))
        object.__setattr__(self, "inputs", _as_tuple(self.inputs, "inputs"))
        object.__setattr__(self, "categorical", _as_tuple(self.categorical, "categorical"))
        checks: list[tuple[str, bool, str]] = [
            ("order", isinstance(self.order, int) and self.order >= 1, "1, 2, 3, ..."),
            ("confidence_level", 0.0 < self.confidence_level < 1.0, "0 < x < 1"),
            ("alpha", 0.0 < self.alpha < 1.0, "0 < x < 1"),
            ("power", 0.0 < self.power < 1.0, "0 < x < 1"),
            ("detectable_ratio", 1.0 < self.detectable_ratio < math.inf, "1 < x < inf"),
            (
                "suppression_threshold",
                isinstance(self.suppression_threshold, int)
                and not isinstance(self.suppression_threshold, bool)
                and self.suppression_threshold >= MIN_THRESHOLD,
                f"{MIN_THRESHOLD}, {MIN_THRESHOLD + 1}, {MIN_THRESHOLD + 2}, ...",
            ),
            ("row_analyses", isinstance(self.row_analyses, bool), "true, false"),
            ("compare_with_rest", isinstance(self.compare_with_rest, bool), "true, false"),
            (
                "partial_reference",
                self.partial_reference in ("same-level", "rule"),
                "'same-level', 'rule'",
            ),
            (
                "max_rows",
                isinstance(self.max_rows, int)
                and not isinstance(self.max_rows, bool)
                and self.max_rows >= 1,
                "1, 2, 3, ...",
            ),
            (
                "seed",
                isinstance(self.seed, int) and not isinstance(self.seed, bool) and self.seed >= 0,
                "0, 1, 2, ...",
            ),
            (
                "reference_rule",
                self.reference_rule in ("largest", "most-favourable"),
                "'largest', 'most-favourable'",
            ),
            (
                "interval_method",
                self.interval_method in ("wilson", "clopper-pearson", "jeffreys"),
                "'wilson', 'clopper-pearson', 'jeffreys'",
            ),
            ("adjust", self.adjust in ("holm", "bh", "bonferroni"), "'holm', 'bh', 'bonferroni'"),
        ]
        for name, ok, allowed in checks:
            if not ok:
                raise RoleError(
                    message(
                        "invalid-option",
                        name=name,
                        allowed=allowed,
                        value=repr(getattr(self, name)),
                    )
                )
