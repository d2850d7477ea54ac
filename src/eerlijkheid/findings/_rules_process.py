"""Rules for the process: the chain, discretion and suitability (codes EE5xx).

* **EE501** — per group, the chain step that adds the disparity (the largest material
  harmful ratio at a step, conditional on the earlier steps or at equal earlier-step
  value), when that step's comparison is established; graded by its ratio.
* **EE502** — how the chain was analysed (strict funnel, or earlier steps as strata) and
  why; ``info``.
* **EE511** — a decision's rate differs by group at equal risk (Mantel–Haenszel rate
  ratio), material and established.
* **EE302** (at equal risk) — a crude disparity that is established and material (an
  EE201 on the same cases) is not material at equal risk: the score bands act as strata,
  and the EE201 gives way to this finding, which names both ratios.
* **EE512** — the spread between handlers or teams is material (homogeneity test and the
  largest handler-versus-others ratio).
* **EE513** — within one handler or team a group's decision rate differs materially from
  the reference's (at equal risk when there is a risk dimension); graded by the rate
  ratio, certainty from the test adjusted over all handler × group comparisons.
* **EE521** — the random arm does not show that the profile finds more than random checks.
* **EE524** — it does: the profile's hit rate is above the random arm's and the ratio's
  interval excludes 1 (``info``, with both rates, the ratio and its interval).
* **EE522** — no random arm (or no outcome): suitability cannot be shown; the evidence holds
  the random sample that would be needed.
* **EE523** — on the random arm, an input feature shows no association with the outcome.
* **EE531** — at equal score band, a group's outcome rate differs from the reference's
  (Mantel–Haenszel, adjusted): the score is miscalibrated for that group.
* **EE532** — a group's score distribution differs materially from the reference's
  (binned Kolmogorov–Smirnov distance of at least 0.1 with an adjusted test below alpha).
"""

from __future__ import annotations

import math
from typing import Any

from eerlijkheid.analyses import (
    ChainEvidence,
    DiscretionEvidence,
    ScoreEvidence,
    SuitabilityEvidence,
)
from eerlijkheid.analyses.discretion import EqualRiskComparison
from eerlijkheid.analyses.necessity import AblationEvidence, AdjustedSelectionEvidence
from eerlijkheid.config import AuditConfig
from eerlijkheid.findings._model import (
    EvidenceValue,
    Finding,
    SeverityLevel,
    Subject,
    certainty_of,
    severity_of_ratio,
)
from eerlijkheid.findings._rules import (
    Msg,
    Num,
    Pct,
    _finding,
    _informative,
    _labels,
    _material,
    disparity_evidence,
    one_level_finding,
)
from eerlijkheid.i18n import get_language

__all__ = ["MAX_EFFECTIVENESS_LOSS", "derive_process_findings", "necessity_findings"]

#: Largest relative loss of hit rate at which a less discriminatory alternative still
#: counts as "marginally less effective" (EE541).  A screening choice of this library, not
#: a legal line: the CRM only says an alternative with fewer proxies counts even if
#: marginally less effective.
MAX_EFFECTIVENESS_LOSS = 0.10
#: Share of the log-ratio an alternative must remove to count as reducing the disparity.
MIN_REDUCTION = 0.25


def _severity(ratio: float, config: AuditConfig) -> SeverityLevel:
    t = config.thresholds
    return severity_of_ratio(ratio, low=t.low, medium=t.medium, high=t.high)


def _chain(chain: ChainEvidence, config: AuditConfig, language: str) -> list[Finding]:
    out: list[Finding] = []
    if not chain.steps:
        return out
    out.append(
        _finding(
            "EE502",
            severity=None,
            certainty="not-applicable",
            subject=Subject(stage=chain.steps[-1].name),
            evidence={
                "shape": chain.shape,
                "reason": chain.shape_reason,
                "steps": " → ".join(s.name for s in chain.steps),
            },
            language=language,
            shape=Msg(f"chain-shape-{chain.shape}"),
            reason=Msg(f"chain-reason-{chain.shape_reason}"),
            steps=" → ".join(s.name for s in chain.steps),
        )
    )
    for attribution in chain.attributions:
        adding = attribution.adding
        if adding is None or not adding.established:
            continue
        others = ", ".join(attribution.steps_without_material) or "—"
        evidence: dict[str, float | int | str | bool | None] = {
            "step": adding.step,
            "basis": adding.basis,
            "ratio": adding.ratio,
            "ratio_low": adding.low,
            "ratio_high": adding.high,
            "pvalue_adjusted": adding.pvalue_adjusted,
            "shape": attribution.shape,
            "reference_rule": attribution.reference_rule,
            "steps_without_material": others,
        }
        for ratio in attribution.ratios_by_step:
            evidence[f"ratio_at_{ratio.step}"] = ratio.ratio
        if attribution.overall is not None:
            o = attribution.overall
            evidence.update(
                group_numerator=o.group_numerator,
                group_denominator=o.group_denominator,
                reference_numerator=o.reference_numerator,
                reference_denominator=o.reference_denominator,
            )
        out.append(
            _finding(
                "EE501",
                severity=_severity(adding.ratio, config),
                certainty="established",
                subject=Subject(
                    metric="selection_rate",
                    attributes=attribution.attributes,
                    group=attribution.group,
                    reference=attribution.reference,
                    stage=adding.step,
                ),
                evidence=evidence,
                language=language,
                group=_labels(attribution.group),
                attributes=_labels(attribution.attributes),
                reference=_labels(attribution.reference),
                step=adding.step,
                ratio=Num(adding.ratio),
                low=Num(adding.low),
                high=Num(adding.high),
                others=others,
            )
        )
    return out


def _one_band(
    c: EqualRiskComparison,
    subject: Subject,
    evidence: dict[str, EvidenceValue],
    names: dict[str, Any],
    language: str,
) -> list[Finding]:
    """EE304 beside an EE511 / EE302 whose decisions all fall in one risk level."""
    only = [e for e in c.strata if e.level == c.selected_in_one_stratum]
    if not only:
        return []
    (e,) = only
    return [one_level_finding(e, subject, evidence, {**names, "stratum": c.risk}, language)]


def _discretion(
    evidence: DiscretionEvidence, config: AuditConfig, language: str, decision: str | None
) -> list[Finding]:
    out: list[Finding] = []
    for c in evidence.equal_risk:
        interval = c.stratified.confidence_interval(confidence_level=config.confidence_level)
        mh_evidence: dict[str, EvidenceValue] = {
            **disparity_evidence(c.crude),
            "risk": c.risk,
            "mh_rate_ratio": c.rate_ratio,
            "mh_rate_ratio_low": c.rate_ratio_interval.low,
            "mh_rate_ratio_high": c.rate_ratio_interval.high,
            "mh_odds_ratio": c.stratified.common_odds_ratio,
            "mh_odds_ratio_low": interval.low,
            "mh_odds_ratio_high": interval.high,
            "mh_pvalue": c.stratified.pvalue,
            "mh_pvalue_adjusted": c.pvalue_adjusted,
            "mh_strata_used": c.stratified.n_strata_used,
            "mh_method": c.stratified.method,
        }
        names: dict[str, Any] = {
            "group": _labels(c.group),
            "attributes": _labels(c.attributes),
            "reference": _labels(c.reference),
        }
        if not c.material:
            # The crude gap (an EE201 on the same cases) disappears at equal risk: say so
            # (EE302, the risk bands are the strata) instead of reporting the crude gap.
            crude = _material(c.crude, config)
            if evidence.reached is not None or crude is None or crude[1] != "established":
                continue
            interval_rr = c.rate_ratio_interval
            if not _informative(
                c.stratified.pvalue, interval_rr.low, interval_rr.high, c.crude.ratio
            ):
                continue  # e.g. a profile that selects by score band: the score is the rule
            out.append(
                _finding(
                    "EE302",
                    severity=None,
                    certainty="inconclusive",
                    subject=Subject(
                        metric="selection_rate",
                        attributes=c.attributes,
                        group=c.group,
                        reference=c.reference,
                        stage=decision,
                        column=c.risk,
                    ),
                    evidence={**mh_evidence, "stratum": c.risk},
                    language=language,
                    **names,
                    stratum=c.risk,
                    ratio=Num(c.crude.ratio),
                    rate_ratio=Num(c.rate_ratio),
                    low=Num(c.rate_ratio_interval.low),
                    high=Num(c.rate_ratio_interval.high),
                    pvalue=Num(c.pvalue_adjusted, 3),
                )
            )
            out += _one_band(c, out[-1].subject, mh_evidence, names, language)
            continue
        out.append(
            _finding(
                "EE511",
                severity=_severity(c.rate_ratio, config),
                certainty="established",
                subject=Subject(
                    metric="selection_rate",
                    attributes=c.attributes,
                    group=c.group,
                    reference=c.reference,
                    stage=evidence.reached,
                    column=c.risk,
                ),
                evidence=mh_evidence,
                language=language,
                **names,
                risk=c.risk,
                ratio=Num(c.rate_ratio),
                low=Num(c.rate_ratio_interval.low),
                high=Num(c.rate_ratio_interval.high),
                crude=Num(c.crude.ratio),
            )
        )
        out += _one_band(c, out[-1].subject, mh_evidence, names, language)
    spread = evidence.handlers
    if spread is not None and spread.material:
        out.append(
            _finding(
                "EE512",
                severity=_severity(spread.largest_ratio, config),
                certainty="established",
                subject=Subject(
                    attributes=(spread.dimension,),
                    group=(spread.most_deviant,),
                    reference=("overige",),
                    column=spread.dimension,
                ),
                evidence={
                    "statistic": spread.test.statistic,
                    "pvalue": spread.test.pvalue,
                    "test": spread.test.method,
                    "intraclass_correlation": spread.intraclass_correlation,
                    "max_min_ratio": spread.max_min_ratio,
                    "largest_ratio": spread.largest_ratio,
                    "handlers": len(spread.rates),
                },
                language=language,
                handler=spread.dimension,
                most=spread.most_deviant,
                ratio=Num(spread.largest_ratio),
                spread=Num(spread.max_min_ratio),
                icc=Num(spread.intraclass_correlation, 3),
            )
        )
    dimension = spread.dimension if spread is not None else ""
    for h in evidence.handler_groups:
        if not h.material:
            continue
        pvalue = h.stratified.pvalue if h.stratified is not None else h.crude.test.pvalue
        out.append(
            _finding(
                "EE513",
                severity=_severity(h.rate_ratio, config),
                certainty=certainty_of(pvalue, h.pvalue_adjusted, alpha=config.alpha),
                subject=Subject(
                    metric="selection_rate",
                    attributes=(dimension, h.attribute),
                    group=(h.handler, *h.group),
                    reference=(h.handler, *h.reference),
                    stage=evidence.reached,
                    column=dimension,
                ),
                evidence={
                    **disparity_evidence(h.crude),
                    "handler_dimension": dimension,
                    "handler": h.handler,
                    "risk": evidence.risk,
                    "rate_ratio": h.rate_ratio,
                    "mh_pvalue": pvalue,
                    "mh_pvalue_adjusted": h.pvalue_adjusted,
                    "mh_odds_ratio": h.stratified.common_odds_ratio
                    if h.stratified is not None
                    else None,
                },
                language=language,
                handler=h.handler,
                dimension=dimension,
                group=_labels(h.group),
                attributes=h.attribute,
                reference=_labels(h.reference),
                ratio=Num(h.rate_ratio),
                crude=Num(h.crude.ratio),
                basis=Msg("handler-basis-risk", (("risk", evidence.risk),))
                if evidence.risk is not None and h.stratified is not None
                else Msg("handler-basis-crude"),
                pvalue=Num(h.pvalue_adjusted, 3),
            )
        )
    return out


def _suitability(
    evidence: SuitabilityEvidence, config: AuditConfig, language: str
) -> list[Finding]:
    out: list[Finding] = []
    if evidence.status == "not-shown" and evidence.overall is not None:
        o = evidence.overall
        worse = o.ratio < 1 and o.pvalue_adjusted < config.alpha
        out.append(
            _finding(
                "EE521",
                severity=None,
                certainty="established" if worse else "inconclusive",
                subject=Subject(metric="precision", reference=("aselect",)),
                evidence=disparity_evidence(o),
                language=language,
                profile=Pct(o.group_value),
                random=Pct(o.reference_value),
                ratio=Num(o.ratio),
                low=Num(o.ratio_interval.low),
                high=Num(o.ratio_interval.high),
            )
        )
    if evidence.status == "shown" and evidence.overall is not None:
        o = evidence.overall
        if o.ratio_interval.low > 1:
            out.append(
                _finding(
                    "EE524",
                    severity=None,
                    certainty=certainty_of(o.test.pvalue, o.pvalue_adjusted, alpha=config.alpha),
                    subject=Subject(metric="precision", group=o.group, reference=("aselect",)),
                    evidence=disparity_evidence(o),
                    language=language,
                    profile=Pct(o.group_value),
                    random=Pct(o.reference_value),
                    ratio=Num(o.ratio),
                    low=Num(o.ratio_interval.low),
                    high=Num(o.ratio_interval.high),
                )
            )
    if evidence.status in ("no-random-arm", "no-outcome"):
        # The random sample needed to compare the profile as a whole with random checks;
        # per-group sizes (to compare groups too) stay in the evidence object.
        needed = next((s.required for s in evidence.sample_sizes if not s.attributes), float("nan"))
        out.append(
            _finding(
                "EE522",
                severity=None,
                certainty="inconclusive",
                subject=Subject(metric="precision"),
                evidence={
                    "status": evidence.status,
                    "detectable_ratio": config.detectable_ratio,
                    "power": config.power,
                    "required_random_sample": needed,
                },
                language=language,
                reason=Msg(f"suitability-{evidence.status}"),
                size=Msg(
                    "suitability-size",
                    (("needed", Num(needed, 0)), ("detectable", Num(config.detectable_ratio))),
                )
                if math.isfinite(needed)
                else Msg(
                    "suitability-size-unknown-no-outcome"
                    if evidence.status == "no-outcome"
                    else "suitability-size-unknown"
                ),
            )
        )
    for feature in evidence.features:
        if feature.related:
            continue
        out.append(
            _finding(
                "EE523",
                severity=None,
                certainty="inconclusive",
                subject=Subject(column=feature.feature),
                evidence={
                    "statistic": feature.test.statistic,
                    "pvalue": feature.test.pvalue,
                    "pvalue_adjusted": feature.pvalue_adjusted,
                    "test": feature.test.method,
                    "cramers_v": feature.cramers_v,
                    "cases": feature.cases,
                },
                language=language,
                feature=feature.feature,
                cases=feature.cases,
                v=Num(feature.cramers_v, 3),
            )
        )
    return out


#: Binned KS distance from which a score-distribution difference is reported (EE532).
KS_MATERIAL = 0.1


def _scores(evidence: ScoreEvidence, config: AuditConfig, language: str) -> list[Finding]:
    out: list[Finding] = []
    for c in evidence.calibration_comparison:
        if not c.flagged:
            continue
        ratio = c.common_odds_ratio
        out.append(
            _finding(
                "EE531",
                severity=_severity(ratio, config),
                certainty="established",
                subject=Subject(
                    metric="calibration",
                    attributes=(c.attribute,),
                    group=(c.group,),
                    reference=(c.reference,),
                    column=evidence.score,
                ),
                evidence={
                    "mh_odds_ratio": ratio,
                    "mh_odds_ratio_low": c.confidence_interval.low,
                    "mh_odds_ratio_high": c.confidence_interval.high,
                    "pvalue": c.pvalue,
                    "pvalue_adjusted": c.pvalue_adjusted,
                    "adjustment": c.adjustment,
                    "direction": c.direction,
                    "arm": evidence.arm,
                },
                language=language,
                group=c.group,
                attributes=c.attribute,
                reference=c.reference,
                score=evidence.score,
                direction=Msg(f"calibration-{c.direction}"),
                odds_ratio=Num(ratio),
                low=Num(c.confidence_interval.low),
                high=Num(c.confidence_interval.high),
            )
        )
    for d in evidence.distribution:
        if d.ks_distance < KS_MATERIAL or not d.pvalue_adjusted < config.alpha:
            continue
        out.append(
            _finding(
                "EE532",
                severity=None,
                certainty="established",
                subject=Subject(
                    metric="score_distribution",
                    attributes=(d.attribute,),
                    group=(d.group,),
                    reference=(d.reference,),
                    column=evidence.score,
                ),
                evidence={
                    "group_n": d.group_n,
                    "reference_n": d.reference_n,
                    "ks_distance": d.ks_distance,
                    "statistic": d.test.statistic,
                    "pvalue": d.test.pvalue,
                    "pvalue_adjusted": d.pvalue_adjusted,
                    "test": d.test.method,
                    "standardized_mean_difference": d.standardized_mean_difference,
                },
                language=language,
                group=d.group,
                attributes=d.attribute,
                reference=d.reference,
                score=evidence.score,
                ks=Num(d.ks_distance),
                smd=Num(d.standardized_mean_difference),
            )
        )
    return out


def derive_process_findings(
    *,
    chain: ChainEvidence | None,
    discretion: DiscretionEvidence | None,
    suitability: SuitabilityEvidence | None,
    config: AuditConfig,
    language: str,
    scores: ScoreEvidence | None = None,
    decision: str | None = None,
) -> tuple[Finding, ...]:
    """Apply the process rules (EE5xx) to the evidence.

    Parameters
    ----------
    chain, discretion, suitability, scores : evidence or None
        Evidence of the process analyses (``None`` when not run).
    config : AuditConfig
        Thresholds and alpha.
    language : {'nl', 'en'}
        Language of the messages.
    decision : str, optional
        The decision under audit (the step of the crude EE201s): an EE302 at equal risk
        names it, so that :func:`~eerlijkheid.findings._rules.resolve_explained` can drop
        the EE201 it explains.

    Returns
    -------
    tuple of Finding
        Unordered; the caller sorts all findings together.
    """
    out: list[Finding] = []
    if chain is not None:
        out += _chain(chain, config, language)
    if discretion is not None:
        out += _discretion(discretion, config, language, decision)
    if suitability is not None:
        out += _suitability(suitability, config, language)
    if scores is not None:
        out += _scores(scores, config, language)
    return tuple(out)


def necessity_findings(
    *,
    ablation: AblationEvidence | None = None,
    adjusted: AdjustedSelectionEvidence | None = None,
    config: AuditConfig | None = None,
    language: str | None = None,
) -> tuple[Finding, ...]:
    """Turn necessity evidence (row-level, computed by the user) into findings.

    * **EE541** — a feature-ablation variant removes at least ``MIN_REDUCTION`` of a
      material disparity's log-ratio while losing at most ``MAX_EFFECTIVENESS_LOSS`` of
      the full model's hit rate: an alternative with fewer proxies, which the CRM counts
      even if marginally less effective.  Certainty ``indicative`` (cross-validated
      estimates, no formal test).
    * **EE542** — adjusted selection uses the protected attribute at decision time; its
      rows are a yardstick for what parity costs, not a lawful remedy.

    Parameters
    ----------
    ablation : AblationEvidence, optional
        From :func:`eerlijkheid.analyses.necessity.feature_ablation`.
    adjusted : AdjustedSelectionEvidence, optional
        From :func:`eerlijkheid.analyses.necessity.adjusted_selection`.
    config : AuditConfig, optional
        Thresholds (default settings when omitted).
    language : {'nl', 'en'}, optional
        Default: the library language.

    Returns
    -------
    tuple of Finding
        Most severe first.
    """
    settings = AuditConfig() if config is None else config
    lang = get_language() if language is None else language
    low = math.log(settings.thresholds.low)
    out: list[Finding] = []
    if ablation is not None and ablation.rows:
        full = ablation.rows[0]
        by_group = {d.group: d for d in full.disparities}
        for variant in ablation.rows[1:]:
            loss = -variant.delta_hit_rate / full.hit_rate if full.hit_rate > 0 else math.inf
            for d in variant.disparities:
                before = by_group.get(d.group)
                if before is None or not (before.ratio > 0 and d.ratio > 0):
                    continue
                size_before, size_after = abs(math.log(before.ratio)), abs(math.log(d.ratio))
                if size_before < low or size_after > (1 - MIN_REDUCTION) * size_before:
                    continue
                if loss > MAX_EFFECTIVENESS_LOSS:
                    continue
                out.append(
                    _finding(
                        "EE541",
                        severity=None,
                        certainty="indicative",
                        subject=Subject(
                            metric="selection_rate",
                            attributes=(ablation.attribute,),
                            group=d.group,
                            reference=d.reference,
                            column=", ".join(variant.dropped),
                        ),
                        evidence={
                            "variant": variant.variant,
                            "ratio_before": before.ratio,
                            "ratio_after": d.ratio,
                            "hit_rate_before": full.hit_rate,
                            "hit_rate_after": variant.hit_rate,
                            "auc_before": full.auc,
                            "auc_after": variant.auc,
                            "relative_hit_rate_loss": loss,
                            "method": ablation.method,
                        },
                        language=lang,
                        dropped=", ".join(variant.dropped),
                        group=_labels(d.group),
                        before=Num(before.ratio),
                        after=Num(d.ratio),
                        loss=Pct(max(loss, 0.0)),
                    )
                )
    if adjusted is not None and any(r.uses_protected_attribute for r in adjusted.rows):
        out.append(
            _finding(
                "EE542",
                severity=None,
                certainty="not-applicable",
                subject=Subject(attributes=(adjusted.attribute,), group=(adjusted.protected,)),
                evidence={
                    "parity_reached": adjusted.parity_reached,
                    "parity_swaps": adjusted.parity_swaps,
                    "budget": adjusted.budget,
                },
                language=lang,
                attribute=adjusted.attribute,
            )
        )
    return tuple(sorted(out, key=Finding.sort_key))
