"""The Finding model: a stable code, a subject, evidence, severity and certainty.

Severity (how large) and certainty (how sure) are separate axes:

* severity — ``info`` < ``low`` < ``medium`` < ``high`` < ``critical``; for disparities it
  grades the ratio against :class:`~eerlijkheid.config.SeverityThresholds`.
* certainty — ``established`` (the multiplicity-adjusted test excludes parity),
  ``indicative`` (only the unadjusted test does), ``inconclusive`` (neither), or
  ``not-applicable`` for findings that are not statistical (an input variable that is a
  protected ground).

The fingerprint identifies the *subject* (code, metric, attributes, group, reference,
stage, column), never the measured values or the wording, so a baseline recognises the
same finding in a later audit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from eerlijkheid.config import SeverityLevel, SeverityThresholds, grade_ratio

__all__ = [
    "CERTAINTIES",
    "SEVERITY_ORDER",
    "Certainty",
    "Finding",
    "SeverityLevel",
    "Subject",
    "certainty_of",
    "severity_of_ratio",
]

Certainty = Literal["established", "indicative", "inconclusive", "not-applicable"]
#: Severities from least to most severe.
SEVERITY_ORDER: tuple[SeverityLevel, ...] = ("info", "low", "medium", "high", "critical")
#: Certainties from most to least sure.
CERTAINTIES: tuple[Certainty, ...] = ("established", "indicative", "inconclusive", "not-applicable")

EvidenceValue = float | int | str | bool | None


@dataclass(frozen=True)
class Subject:
    """What a finding is about.

    Attributes
    ----------
    metric : str or None
        The metric compared (``None`` for non-statistical findings).
    attributes : tuple of str
        The grouping (one attribute, or an intersection).
    group : tuple of str
        The group's labels.
    reference : tuple of str
        The reference group's labels (``("aselecte steekproef",)`` for the random arm).
    stage : str or None
        The process stage, when the audit has a chain.
    column : str or None
        The input variable, for direct-ground findings.
    """

    metric: str | None = None
    attributes: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    reference: tuple[str, ...] = ()
    stage: str | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the subject as a plain, JSON-ready dict.

        Returns
        -------
        dict
            Field name to value (tuples as lists).
        """
        return {
            "metric": self.metric,
            "attributes": list(self.attributes),
            "group": list(self.group),
            "reference": list(self.reference),
            "stage": self.stage,
            "column": self.column,
        }


@dataclass(frozen=True)
class Finding:
    """One finding of an audit.

    Attributes
    ----------
    code : str
        Stable finding code (e.g. ``"EE201"``).
    name : str
        Its kebab-case name.
    severity : {'info', 'low', 'medium', 'high', 'critical'}
        How large.
    certainty : {'established', 'indicative', 'inconclusive', 'not-applicable'}
        How sure.
    subject : Subject
        What it is about.
    evidence : mapping of str to value
        Estimates, counts, interval bounds, test, method — everything behind the finding.
    message : str
        One sentence for a person, for this occurrence, in the audit's language.
    messages : mapping of str to str
        The same sentence in every language (``{"nl": ..., "en": ...}``), so a report in
        another language than the audit's needs no re-wording.
    toets_parts, norms : tuple of str
        Part and norm ids of the toets catalogue that the finding informs.
    """

    code: str
    name: str
    severity: SeverityLevel
    certainty: Certainty
    subject: Subject
    evidence: Mapping[str, EvidenceValue]
    message: str
    messages: Mapping[str, str] = field(default_factory=dict)
    toets_parts: tuple[str, ...] = ()
    norms: tuple[str, ...] = ()
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "evidence", MappingProxyType(dict(self.evidence)))
        messages = dict(self.messages) or {"nl": self.message, "en": self.message}
        object.__setattr__(self, "messages", MappingProxyType(messages))
        key = json.dumps({"code": self.code, **self.subject.as_dict()}, sort_keys=True)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        object.__setattr__(self, "fingerprint", digest)

    def sort_key(self) -> tuple[int, str, int, tuple[str, ...], tuple[str, ...], str, str]:
        """Return the order key: severity (most severe first), code, then subject.

        Within a code, single attributes come before intersections, then attribute and
        group labels; the fingerprint breaks ties.

        Returns
        -------
        tuple
            The key.
        """
        s = self.subject
        return (
            -SEVERITY_ORDER.index(self.severity),
            self.code,
            len(s.attributes),
            s.attributes,
            s.group,
            s.column or "",
            self.fingerprint,
        )


def severity_of_ratio(ratio: float, *, low: float, medium: float, high: float) -> SeverityLevel:
    """Grade a ratio (or its inverse when below 1) against the thresholds.

    A thin wrapper of :func:`eerlijkheid.config.grade_ratio`, the one grading of ratio
    sizes in the library.

    Parameters
    ----------
    ratio : float
        Group value over reference value.
    low, medium, high : float
        Thresholds, ``1 < low <= medium <= high``.

    Returns
    -------
    {'info', 'low', 'medium', 'high'}
        ``'high'`` for a ratio of 0 or ``inf`` (the largest disparity there is);
        ``'info'`` below ``low`` or when the ratio is undefined (NaN).

    Examples
    --------
    >>> severity_of_ratio(6.2, low=1.1, medium=1.25, high=2.0)
    'high'
    >>> severity_of_ratio(0.7, low=1.1, medium=1.25, high=2.0)
    'medium'
    >>> severity_of_ratio(0.0, low=1.1, medium=1.25, high=2.0)
    'high'
    """
    return grade_ratio(float(ratio), SeverityThresholds(low=low, medium=medium, high=high))


def certainty_of(pvalue: float, pvalue_adjusted: float, *, alpha: float) -> Certainty:
    """Grade how sure a statistical finding is.

    Parameters
    ----------
    pvalue, pvalue_adjusted : float
        Unadjusted and multiplicity-adjusted p-values (NaN: no test possible).
    alpha : float
        Significance level.

    Returns
    -------
    {'established', 'indicative', 'inconclusive'}
        See the module docstring.

    Examples
    --------
    >>> certainty_of(0.001, 0.004, alpha=0.05), certainty_of(0.03, 0.09, alpha=0.05)
    ('established', 'indicative')
    """
    if pvalue_adjusted < alpha:
        return "established"
    if pvalue < alpha:
        return "indicative"
    return "inconclusive"
