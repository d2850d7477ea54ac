"""Rules for proxies: neutral features that stand for a protected ground (codes EE60x).

* **EE601** — a feature that on its own predicts membership of a protected group: per
  feature × attribute, the group with the highest cross-validated AUC, when that AUC
  reaches the lowest band (0.7) and the one-sided test of ``AUC > 0.7`` is at least
  indicative.  Severity by the AUC bands :data:`AUC_BANDS` (``low`` from 0.7, ``medium``
  from 0.8, ``high`` from 0.9).
* **EE602** — all features together predict membership of a group (same bands and test)
  while no feature on its own reaches 0.7 for that group; per attribute, the group with the
  highest combined AUC.
* **EE603** — a composition table implies that a group is selected more often than the
  reference (less often when the decision is favourable): ``established`` when the sharp
  bounds exclude parity (whatever happens within the categories), ``indicative`` when only
  the estimate under homogeneity does (its multiplicity-adjusted test below ``alpha``).
  Severity from the estimate's ratio with the audit's ratio thresholds; nothing when that
  ratio stays below ``thresholds.low``.

Conventions
-----------
AUC bands
    0.7 / 0.8 / 0.9 are the "acceptable / excellent / outstanding" discrimination bands of
    Hosmer, Lemeshow & Sturdivant (2013, §5.2.4): a convention for reading an AUC, not a
    legal line.  An AUC of 0.7 means that a random member of the group gets a higher score
    from the feature than a random other case in 70% of pairs.
Test of the band
    ``z = (AUC − 0.7) / se`` with the DeLong standard error, one-sided ``p = 1 − Φ(z)``;
    the p-values of EE601 are adjusted together over every feature × attribute (the
    audit's ``adjust`` method), those of EE602 over every attribute; certainty follows
    :func:`~eerlijkheid.findings._model.certainty_of`.
Composition
    The p-values of the homogeneity comparisons are adjusted together over every feature and
    group.  The bounds carry no sampling uncertainty (they describe the realised selection
    of these cases), so bounds that exclude parity give ``established``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from eerlijkheid.analyses.composition import CompositionEvidence, ImpliedComparison
from eerlijkheid.analyses.proxies import CombinedProxy, GroupProxy, ProxyEvidence
from eerlijkheid.config import AuditConfig
from eerlijkheid.findings._model import (
    Certainty,
    Finding,
    SeverityLevel,
    Subject,
    certainty_of,
    severity_of_ratio,
)
from eerlijkheid.findings._rules import Msg, Num, Pct, _finding
from eerlijkheid.i18n import get_language
from eerlijkheid.stats import adjust_pvalues

__all__ = ["AUC_BANDS", "auc_severity", "proxy_findings"]

#: AUC from which a feature counts as a proxy (low), and the bands for medium and high
#: (Hosmer, Lemeshow & Sturdivant 2013, §5.2.4: acceptable, excellent, outstanding).
AUC_BANDS: tuple[float, float, float] = (0.7, 0.8, 0.9)


def auc_severity(auc: float, bands: tuple[float, float, float] = AUC_BANDS) -> SeverityLevel:
    """Grade an AUC of group membership against the bands.

    Parameters
    ----------
    auc : float
        Cross-validated AUC (membership of the group against the rest).
    bands : (float, float, float), default (0.7, 0.8, 0.9)
        Lower edges of ``low``, ``medium`` and ``high``.

    Returns
    -------
    {'info', 'low', 'medium', 'high'}
        ``'info'`` below the first band or for NaN.

    Examples
    --------
    >>> auc_severity(0.81), auc_severity(0.65), auc_severity(0.93)
    ('medium', 'info', 'high')
    """
    if not auc >= bands[0]:
        return "info"
    if auc >= bands[2]:
        return "high"
    if auc >= bands[1]:
        return "medium"
    return "low"


def _band_pvalue(auc: float, se: float, threshold: float) -> float:
    if not (math.isfinite(auc) and math.isfinite(se)):
        return float("nan")
    if se <= 0:
        return 0.0 if auc > threshold else 1.0
    return float(stats.norm.sf((auc - threshold) / se))


def _adjusted(pvalues: Sequence[float], config: AuditConfig) -> list[float]:
    if not pvalues:
        return []
    p = np.asarray(pvalues, dtype=np.float64)
    out = np.full(p.size, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        out[finite] = adjust_pvalues(p[finite], method=config.adjust)
    return [float(v) for v in out]


def _level(confidence_level: float) -> str:
    return f"{100 * confidence_level:g}%"


def _proxy_rows(
    evidence: ProxyEvidence, config: AuditConfig, language: str, bands: tuple[float, float, float]
) -> list[Finding]:
    out: list[Finding] = []
    threshold = bands[0]
    candidates: list[tuple[GroupProxy, float]] = []
    for a in evidence.associations:
        best = next((g for g in a.groups if g.group == a.strongest_group), None)
        if best is not None:
            p = _band_pvalue(best.auc, best.auc_standard_error, threshold)
            candidates.append((best, p))
    adjusted = _adjusted([p for _, p in candidates], config)
    by_pair = {(a.feature, a.attribute): a for a in evidence.associations}
    for (g, p), p_adj in zip(candidates, adjusted, strict=True):
        if not g.auc >= threshold:
            continue
        certainty = certainty_of(p, p_adj, alpha=config.alpha)
        if certainty == "inconclusive":
            continue
        a = by_pair[(g.feature, g.attribute)]
        if a.kind == "categorical":
            association = Msg(
                "proxy-association-categorical",
                (("v", Num(a.cramers_v)), ("nmi", Num(a.nmi))),
            )
        else:
            association = Msg(
                "proxy-association-numeric",
                (("rank_auc", Num(g.rank_auc)), ("epsilon", Num(a.epsilon_squared, 3))),
            )
        out.append(
            _finding(
                "EE601",
                severity=auc_severity(g.auc, bands),
                certainty=certainty,
                subject=Subject(
                    metric="proxy_auc",
                    attributes=(g.attribute,),
                    group=(g.group,),
                    column=g.feature,
                ),
                evidence={
                    "feature": g.feature,
                    "kind": a.kind,
                    "auc": g.auc,
                    "auc_low": g.auc_interval.low,
                    "auc_high": g.auc_interval.high,
                    "auc_standard_error": g.auc_standard_error,
                    "threshold": threshold,
                    "pvalue": p,
                    "pvalue_adjusted": p_adj,
                    "n_group": g.n_group,
                    "n_rest": g.n_rest,
                    "cramers_v": a.cramers_v,
                    "cramers_v_corrected": a.cramers_v_corrected,
                    "nmi": a.nmi,
                    "epsilon_squared": a.epsilon_squared,
                    "rank_auc": g.rank_auc,
                    "rank": a.rank,
                    "rows": evidence.rows,
                    "total_rows": evidence.total_rows,
                    "sampled": evidence.sampled,
                    "sample_method": evidence.sample_method,
                    "seed": evidence.seed,
                    "cv": evidence.cv,
                    "method": evidence.method.get("auc", ""),
                },
                language=language,
                feature=g.feature,
                group=g.group,
                attribute=g.attribute,
                auc=Num(g.auc),
                level=_level(evidence.confidence_level),
                low=Num(g.auc_interval.low),
                high=Num(g.auc_interval.high),
                association=association,
            )
        )
    combined: list[tuple[CombinedProxy, float]] = []
    for attribute in evidence.attributes:
        rows = [
            c
            for c in evidence.combined
            if c.attribute == attribute
            and math.isfinite(c.auc)
            and not c.best_feature_auc >= threshold
        ]
        if rows:
            best_c = max(rows, key=lambda c: c.auc)
            combined.append(
                (best_c, _band_pvalue(best_c.auc, best_c.auc_standard_error, threshold))
            )
    adjusted_c = _adjusted([p for _, p in combined], config)
    for (c, p), p_adj in zip(combined, adjusted_c, strict=True):
        if not c.auc >= threshold:
            continue
        certainty = certainty_of(p, p_adj, alpha=config.alpha)
        if certainty == "inconclusive":
            continue
        out.append(
            _finding(
                "EE602",
                severity=auc_severity(c.auc, bands),
                certainty=certainty,
                subject=Subject(metric="proxy_auc", attributes=(c.attribute,), group=(c.group,)),
                evidence={
                    "auc": c.auc,
                    "auc_low": c.auc_interval.low,
                    "auc_high": c.auc_interval.high,
                    "auc_standard_error": c.auc_standard_error,
                    "threshold": threshold,
                    "pvalue": p,
                    "pvalue_adjusted": p_adj,
                    "best_feature": c.best_feature,
                    "best_feature_auc": c.best_feature_auc,
                    "features": ", ".join(evidence.features),
                    "n_group": c.n_group,
                    "n_rest": c.n_rest,
                    "rows": evidence.rows,
                    "sampled": evidence.sampled,
                    "seed": evidence.seed,
                    "method": evidence.method.get("combined", ""),
                },
                language=language,
                group=c.group,
                attribute=c.attribute,
                auc=Num(c.auc),
                level=_level(evidence.confidence_level),
                low=Num(c.auc_interval.low),
                high=Num(c.auc_interval.high),
                threshold=Num(threshold),
                best=c.best_feature,
                best_auc=Num(c.best_feature_auc),
            )
        )
    return out


def _worse_off(c: ImpliedComparison, favourable: bool) -> tuple[bool, bool]:
    """Return whether the estimate, and whether the bounds, put the group worse off."""
    if favourable:
        return c.ratio < 1, c.ratio_upper_bound < 1
    return c.ratio > 1, c.ratio_lower_bound > 1


def _composition_rows(
    evidence: Sequence[CompositionEvidence], config: AuditConfig, language: str
) -> list[Finding]:
    pairs = [(e, c) for e in evidence for c in e.comparisons]
    adjusted = _adjusted([c.pvalue for _, c in pairs], config)
    out: list[Finding] = []
    for (e, c), p_adj in zip(pairs, adjusted, strict=True):
        worse, by_bounds = _worse_off(c, config.favourable)
        severity = severity_of_ratio(
            c.ratio,
            low=config.thresholds.low,
            medium=config.thresholds.medium,
            high=config.thresholds.high,
        )
        if not worse or severity == "info":
            continue
        certainty: Certainty
        if by_bounds:
            certainty = "established"
        elif p_adj < config.alpha:
            certainty = "indicative"
        else:
            continue
        rates = {r.group: r for r in e.rates}
        group, reference = rates[c.group], rates[c.reference]
        basis = "bounds" if by_bounds else "homogeneity"
        out.append(
            _finding(
                "EE603",
                severity=severity,
                certainty=certainty,
                subject=Subject(
                    metric="selection_rate",
                    attributes=(e.attribute,),
                    group=(c.group,),
                    reference=(c.reference,),
                    column=e.feature,
                ),
                evidence={
                    "feature": e.feature,
                    "basis": basis,
                    "rate": group.rate,
                    "rate_low": group.interval.low,
                    "rate_high": group.interval.high,
                    "rate_lower_bound": group.lower_bound,
                    "rate_upper_bound": group.upper_bound,
                    "reference_rate": reference.rate,
                    "reference_lower_bound": reference.lower_bound,
                    "reference_upper_bound": reference.upper_bound,
                    "ratio": c.ratio,
                    "ratio_low": c.ratio_interval.low,
                    "ratio_high": c.ratio_interval.high,
                    "ratio_lower_bound": c.ratio_lower_bound,
                    "ratio_upper_bound": c.ratio_upper_bound,
                    "pvalue": c.pvalue,
                    "pvalue_adjusted": p_adj,
                    "implied_cases": group.cases,
                    "reference_implied_cases": reference.cases,
                    "categories": len(e.categories),
                    "method": e.method.get("estimate", ""),
                },
                language=language,
                feature=e.feature,
                group=c.group,
                attribute=e.attribute,
                reference=c.reference,
                ratio=Num(c.ratio),
                rate=Pct(group.rate),
                reference_rate=Pct(reference.rate),
                level=_level(e.confidence_level),
                low=Num(c.ratio_interval.low),
                high=Num(c.ratio_interval.high),
                basis=Msg(
                    f"composition-basis-{basis}",
                    (("lower", Num(c.ratio_lower_bound)), ("upper", Num(c.ratio_upper_bound))),
                ),
            )
        )
    return out


def proxy_findings(
    *,
    proxies: ProxyEvidence | None = None,
    composition: CompositionEvidence | Sequence[CompositionEvidence] | None = None,
    config: AuditConfig | None = None,
    language: str | None = None,
    auc_bands: tuple[float, float, float] = AUC_BANDS,
) -> tuple[Finding, ...]:
    """Turn proxy evidence (rows or composition tables) into findings (EE601–EE603).

    Parameters
    ----------
    proxies : ProxyEvidence, optional
        From :func:`eerlijkheid.analyses.proxies.proxy_strength`.
    composition : CompositionEvidence or sequence of them, optional
        From :func:`eerlijkheid.analyses.composition.composition_rates`, one per feature.
    config : AuditConfig, optional
        ``alpha``, ``adjust``, ``thresholds`` and ``favourable`` (defaults when omitted).
    language : {'nl', 'en'}, optional
        Default: the library language.
    auc_bands : (float, float, float), default (0.7, 0.8, 0.9)
        AUC from which a feature counts as a proxy, and the bands for medium and high.

    Returns
    -------
    tuple of Finding
        Most severe first.

    Examples
    --------
    >>> from eerlijkheid.analyses.composition import composition_rates
    >>> ev = composition_rates({"noord": (1_000, 400), "zuid": (1_000, 20)},
    ...                        {"noord": {"a": 0.9, "b": 0.1}, "zuid": {"a": 0.1, "b": 0.9}},
    ...                        feature="wijk", attribute="herkomst", reference="b")
    >>> [(f.code, f.certainty, f.severity) for f in proxy_findings(composition=ev)]
    [('EE603', 'established', 'high')]
    """
    settings = AuditConfig() if config is None else config
    lang = get_language() if language is None else language
    out: list[Finding] = []
    if proxies is not None:
        out += _proxy_rows(proxies, settings, lang, auc_bands)
    if composition is not None:
        items = [composition] if isinstance(composition, CompositionEvidence) else composition
        out += _composition_rows(list(items), settings, lang)
    return tuple(sorted(out, key=Finding.sort_key))
