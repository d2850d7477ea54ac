"""Rules for groups nobody named: intersections and clusters found by search (codes EE61x).

* **EE611** — a subgroup of two or more group attributes from the intersection scan
  (:func:`eerlijkheid.analyses.subgroups.subgroup_scan`) among the worst-off, on the
  harmful side, whose ratio to the rest reaches ``thresholds.low`` and whose test is
  significant after adjustment over the whole family of tested subgroups (certainty
  ``established``), whose gap no smaller combination of its attributes carries (the
  driver analysis names the full combination), and whose interaction with its margins is
  material and certain: the ratio of rate ratios of the subgroup against the rest of its
  margins (:attr:`DriverAnalysis.interaction_margins`, weakest split) reaches
  ``thresholds.low`` on the harmful side and its p-value, adjusted over the top
  subgroups of order 2 or more, is below ``alpha`` (``interaction_adds``).  Without that,
  the combination's gap is what its margins give together, and the message would claim
  more than was measured.  A gap that a smaller combination carries
  is reported through that combination (EE611 when it is an intersection in the top list;
  a single attribute's gap against its reference group is EE201's), and a subgroup that
  holds a reported, more specific one is not reported itself (its gap is the specific
  one's, diluted).  Graded by the ratio.
* **EE612** — a cluster from the bias-aware clustering
  (:func:`eerlijkheid.analyses.clusters.bias_clusters`) whose rate on the held-out split
  is on the harmful side, reaches ``thresholds.low`` and is significant (one-sided test,
  adjusted over the tested clusters); the message describes the cluster by its most
  distinguishing features.  Graded by the held-out ratio.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from eerlijkheid.analyses.clusters import BiasClusters
from eerlijkheid.analyses.subgroups import (
    REST_LABEL,
    DriverAnalysis,
    SubgroupComparison,
    SubgroupScan,
)
from eerlijkheid.config import AuditConfig
from eerlijkheid.findings._model import (
    Certainty,
    EvidenceValue,
    Finding,
    SeverityLevel,
    Subject,
    certainty_of,
    severity_of_ratio,
)
from eerlijkheid.findings._rules import Msg, Num, Pct, _finding, _labels, disparity_evidence
from eerlijkheid.i18n import LANGUAGES, get_language, message

__all__ = ["group_findings"]


@dataclass(frozen=True)
class _PValue(Num):
    """A p-value in a message: ``< 0,001`` or ``= 0,012`` (decimal comma in Dutch)."""

    def render(self, language: str) -> str:
        """Return the p-value in ``language``."""
        if not math.isfinite(self.value):
            return "—"
        if self.value < 0.001:
            return "< " + Num(0.001, 3).render(language)
        return "= " + Num(self.value, 3).render(language)


@dataclass(frozen=True)
class _Joined(Msg):
    """Catalogue texts joined with ``", "``, each rendered per language."""

    parts: tuple[Msg, ...] = ()

    def render(self, language: str) -> str:
        """Return the joined texts in ``language``."""
        return ", ".join(part.render(language) for part in self.parts)


@dataclass(frozen=True)
class _Texts(Msg):
    """A text already written per language (e.g. a cluster description)."""

    texts: tuple[tuple[str, str], ...] = ()

    def render(self, language: str) -> str:
        """Return the text in ``language``."""
        return dict(self.texts)[language]


def _contains(outer: SubgroupComparison, inner: SubgroupComparison) -> bool:
    """Whether ``outer`` is a more specific subgroup inside ``inner``."""
    labels = dict(zip(outer.attributes, outer.group, strict=True))
    return len(outer.attributes) > len(inner.attributes) and all(
        labels.get(a) == g for a, g in zip(inner.attributes, inner.group, strict=True)
    )


def _intersections(scan: SubgroupScan, config: AuditConfig, language: str) -> list[Finding]:
    out: list[Finding] = []
    t = config.thresholds
    candidates: list[tuple[SubgroupComparison, DriverAnalysis, SeverityLevel, Certainty]] = []
    for s in scan.top:
        if s.order < 2:
            continue
        found = scan.driver_of(s)
        if found is None or not found.interaction or not found.interaction_adds:
            continue
        d = s.comparison
        severity = severity_of_ratio(d.ratio, low=t.low, medium=t.medium, high=t.high)
        certainty = certainty_of(d.test.pvalue, d.pvalue_adjusted, alpha=config.alpha)
        if severity == "info" or certainty != "established" or not d.group_worse_off:
            continue
        candidates.append((s, found, severity, certainty))
    for s, drivers, severity, certainty in candidates:
        if any(_contains(other, s) for other, *_ in candidates):
            # the gap of a wider subgroup that holds a reported, more specific one is that
            # subgroup's gap, diluted: report the specific one only
            continue
        d = s.comparison
        evidence: dict[str, EvidenceValue] = {
            **disparity_evidence(d),
            "rank": s.rank,
            "family_size": scan.family_size,
            "not_tested": len(scan.not_tested),
            "min_size": scan.min_size,
            "max_order": scan.max_order,
            "arm": scan.arm,
            "drivers": " × ".join(drivers.drivers),
            "excess_over_best_parent": drivers.excess_over_best_parent,
            "interaction_ratio": drivers.interaction_ratio,
            "interaction": drivers.interaction_margins,
            "interaction_low": drivers.interaction_low,
            "interaction_high": drivers.interaction_high,
            "interaction_pvalue": drivers.interaction_pvalue,
            "interaction_pvalue_adjusted": drivers.interaction_pvalue_adjusted,
            "driver_method": drivers.method,
        }
        for attribute, effect in drivers.main_effects:
            evidence[f"main_effect[{attribute}]"] = effect
        main = _Joined(
            "subgroup-main-effect",
            parts=tuple(
                Msg(
                    "subgroup-main-effect",
                    (("attribute", a), ("label", label), ("ratio", Num(effect))),
                )
                for (a, effect), label in zip(drivers.main_effects, s.group, strict=True)
            ),
        )
        out.append(
            _finding(
                "EE611",
                severity=severity,
                certainty=certainty,
                subject=Subject(
                    metric=scan.metric,
                    attributes=s.attributes,
                    group=s.group,
                    reference=(REST_LABEL,),
                ),
                evidence=evidence,
                language=language,
                group=_labels(s.group),
                attributes=_labels(s.attributes),
                metric=Msg(f"metric-{scan.metric}"),
                value=Pct(d.group_value),
                rest_value=Pct(d.reference_value),
                ratio=Num(d.ratio),
                low=Num(d.ratio_interval.low),
                high=Num(d.ratio_interval.high),
                family=scan.family_size,
                pvalue=_PValue(d.pvalue_adjusted),
                main_effects=main,
                interaction=Num(drivers.interaction_margins),
                interaction_low=Num(drivers.interaction_low),
                interaction_high=Num(drivers.interaction_high),
            )
        )
    return out


def _cases(size: int, keep: Mapping[str, bool], language: str) -> str:
    """Say how many and which cases were clustered, e.g. "812 zaken met geselecteerd = ja"."""
    if not keep:
        return message("cluster-cases", language=language, size=size)
    conditions = ", ".join(
        message(
            "cluster-keep-condition",
            language=language,
            column=column,
            value=message("cluster-keep-yes" if value else "cluster-keep-no", language=language),
        )
        for column, value in keep.items()
    )
    return message("cluster-cases-with", language=language, size=size, conditions=conditions)


def _clusters(result: BiasClusters, config: AuditConfig, language: str) -> list[Finding]:
    out: list[Finding] = []
    t = config.thresholds
    for test in result.tests:
        d = test.comparison
        severity = severity_of_ratio(d.ratio, low=t.low, medium=t.medium, high=t.high)
        if severity == "info" or not d.group_worse_off or not d.pvalue_adjusted < config.alpha:
            continue
        cluster = result.cluster(test.label)
        evidence: dict[str, EvidenceValue] = {
            **disparity_evidence(d),
            "cluster": cluster.label,
            "size_fit": cluster.size_fit,
            "size_held_out": cluster.size_held_out,
            "rate_fit": cluster.rate_fit,
            "rest_rate_fit": cluster.rest_rate_fit,
            "bias_fit": cluster.bias_fit,
            "clusters": len(result.clusters),
            "splits": result.splits,
            "split_rule": result.split_rule,
            "min_cluster_size": result.min_cluster_size,
            "held_out": result.held_out,
            "seed": result.seed,
            "rows": result.rows,
            "total_rows": result.total_rows,
            "sampled": result.sampled,
            "sample_method": result.sample_method,
            "rows_without_target": result.rows_without_target,
            "cluster_method": result.method,
        }
        for c in cluster.contrasts[:3]:
            key = c.feature if c.level is None else f"{c.feature}={c.level}"
            evidence[f"standardized_difference[{key}]"] = c.standardized_difference
        size = cluster.size_fit + cluster.size_held_out
        cases = _Texts(
            "cluster-cases",
            texts=tuple((lang, _cases(size, result.keep, lang)) for lang in LANGUAGES),
        )
        description = _Texts(
            "cluster-no-description",
            texts=tuple((lang, cluster.describe(language=lang)) for lang in LANGUAGES),
        )
        out.append(
            _finding(
                "EE612",
                severity=severity,
                certainty="established",
                subject=Subject(
                    metric="cluster_rate",
                    attributes=result.features,
                    group=d.group,
                    reference=(REST_LABEL,),
                    column=result.target,
                ),
                evidence=evidence,
                language=language,
                label=cluster.label,
                cases=cases,
                target=result.target,
                value=Pct(d.group_value),
                rest_value=Pct(d.reference_value),
                ratio=Num(d.ratio),
                low=Num(d.ratio_interval.low),
                high=Num(d.ratio_interval.high),
                pvalue=_PValue(d.pvalue_adjusted),
                description=description,
            )
        )
    return out


def group_findings(
    *,
    scan: SubgroupScan | None = None,
    clusters: BiasClusters | None = None,
    config: AuditConfig | None = None,
    language: str | None = None,
) -> tuple[Finding, ...]:
    """Turn the intersection scan and the bias-aware clusters into findings (EE611, EE612).

    Parameters
    ----------
    scan : SubgroupScan, optional
        From :func:`eerlijkheid.analyses.subgroups.subgroup_scan`.
    clusters : BiasClusters, optional
        From :func:`eerlijkheid.analyses.clusters.bias_clusters`.
    config : AuditConfig, optional
        Thresholds and alpha (default settings when omitted).
    language : {'nl', 'en'}, optional
        Default: the library language.

    Returns
    -------
    tuple of Finding
        Most severe first.

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid.analyses.subgroups import subgroup_scan
    >>> from eerlijkheid.config import AuditConfig
    >>> from eerlijkheid.counts import count_table
    >>> # young people of district a: 50% selected, everybody else 10%
    >>> frame = pd.DataFrame({"wijk": ["a"] * 400 + ["b"] * 400,
    ...                       "leeftijd": (["jong"] * 200 + ["oud"] * 200) * 2,
    ...                       "d": [1] * 100 + [0] * 100 + ([1] * 20 + [0] * 180) * 3})
    >>> table = count_table(frame, decision="d", groups=["wijk", "leeftijd"])
    >>> config = AuditConfig(order=2)
    >>> (finding,) = group_findings(scan=subgroup_scan(table, config), config=config,
    ...                             language="en")
    >>> finding.code, finding.subject.group, finding.certainty
    ('EE611', ('a', 'jong'), 'established')
    """
    settings = AuditConfig() if config is None else config
    lang = get_language() if language is None else language
    out: list[Finding] = []
    if scan is not None:
        out += _intersections(scan, settings, lang)
    if clusters is not None:
        out += _clusters(clusters, settings, lang)
    return tuple(sorted(out, key=Finding.sort_key))
