"""Rules from evidence to findings.

Each rule reads the evidence of one analysis and emits :class:`Finding` objects with a
code from the registry, a severity (size) and a certainty (how sure), and a one-sentence
message from the message catalogue (``locale/findings.toml``).

Rules, in the words of the audit:

* **EE101 / EE102** — every input variable that is, or stands for, a protected ground:
  race indicators (CRM list) are ``critical``, other grounds ``high``.  EE101 states the
  norm of its own ground: race never, nationality only in very exceptional cases; it carries
  the norm of that ground only (``crm-ras`` or ``crm-nationaliteit``).
* **EE201 / EE202 / EE203 / EE204** — a comparison becomes a finding when the group is
  worse off than its reference (or, for metrics where neither side is worse, differs from
  it), its ratio reaches ``thresholds.low`` (severity ``low``, ``medium``, ``high``) and its
  test gives at least *indicative* evidence (unadjusted p below ``alpha``).  Comparisons that
  are inconclusive make no disparity finding; when they also lack power they make EE401.

  *Which comparison.*  An attribute without a named reference is compared with the
  reference rule's group (the largest) and with every other case together ("rest"); a
  group gets one finding per code: on the rule's comparison when that one makes a
  finding, otherwise on the comparison with the rest (so a largest group that is selected
  far more often than the others is found).  The subject's reference and the evidence's
  ``reference_rule`` say which comparison a finding uses.

  *Intersections only when they add something.*  An intersection comparison that meets
  the bar above makes its own finding only when its interaction with its margins
  (:class:`~eerlijkheid.analyses.disparity.Interaction`, a ratio of rate ratios) is
  material — it reaches ``thresholds.low`` on the harmful side — and certain — its
  p-value adjusted within the intersection family is below ``alpha`` — or when none of
  its margins (the attributes on which it differs from its reference) has a finding of
  the same code to list it under (then only when its own adjusted test is below ``alpha``:
  certainty ``established``).  Otherwise it is listed under its main effect's
  finding (evidence ``also_in[...]``, and a sentence in the message), not as a finding
  of its own.
* **EE205** — outcomes observed only for selected cases (caveat, ``info``).  With a random
  sample the message points to it as the unbiased estimate instead of advising one.
* **EE301 / EE302** — a crude disparity that is established and material survives the
  stratum (EE301: the Mantel–Haenszel rate ratio, the crude ratio's scale, is significant
  after adjustment, material and points the same way; graded on it) or disappears within
  it (EE302, ``info``; :func:`resolve_explained` then drops the crude EE201): not material
  within the strata, the CMH test defined (a stratum with both decisions) and the
  within-strata interval excluding the crude ratio.  Otherwise neither (the EE201 stays).
* **EE303** — the strata differ (Breslow–Day, adjusted, below ``alpha``; the largest
  stratum ratio at least ``thresholds.low`` times the smallest) and a stratum shows a
  harmful ratio whose interval excludes 1: one common number hides it; graded by the
  worst such stratum, the message lists every stratum.
* **EE304** — every selected case of the two groups falls in one stratum level: the
  comparison "within the strata" is the comparison within that level (``info``).
* **EE401** — a selection-rate comparison without a disparity finding whose power to detect
  ``detectable_ratio`` on the harmful side is below ``power`` and whose interval does not
  already rule out that ratio (sufficiency status ``insufficient``): too little data to
  say.  A statement about evidence, not about the size of a difference: severity
  ``info``.  A comparison whose interval lies inside ``(1 / detectable_ratio,
  detectable_ratio)`` is evidence of no material gap, never EE401 (its sufficiency
  record says ``no-material-gap``).
* **EE402 / EE403** — missing group labels counted as their own group; rounded counts.
* **EE406** — group labels whose spellings differ only in surrounding whitespace or Unicode
  normalisation, counted as one group (the spellings and their counts named).

A norm of :data:`RACE_GROUP_NORMS` (the CRM's "disproportioneel") is about groups defined by
race or nationality only: a finding carries it only when one of its group attributes is, or
is declared as, such a ground (:func:`race_defined`).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eerlijkheid.analyses import (
    DisparityEvidence,
    GroundMatch,
    Interaction,
    StratifiedComparison,
    SufficiencyCheck,
    find_direct_grounds,
    interaction_adds,
)
from eerlijkheid.analyses.disparity import ERROR_METRICS, HIT_METRICS
from eerlijkheid.analyses.strata import StratumEstimate
from eerlijkheid.config import AuditConfig, Role
from eerlijkheid.counts import CountTable
from eerlijkheid.disclosure import is_small
from eerlijkheid.findings._codes import get_code
from eerlijkheid.findings._model import (
    Certainty,
    EvidenceValue,
    Finding,
    SeverityLevel,
    Subject,
    certainty_of,
    severity_of_ratio,
)
from eerlijkheid.i18n import LANGUAGES, message
from eerlijkheid.ingest import LabelMerge
from eerlijkheid.metrics import Disparity

__all__ = [
    "RACE_GROUP_NORMS",
    "derive_findings",
    "disparity_evidence",
    "race_defined",
    "resolve_explained",
]

#: Norms that apply only to a group defined by race or nationality.  The CRM
#: Toetsingskader calls a profile disproportionate when it raises the chance of being
#: investigated *for a group defined by race or nationality* above the chance under random
#: checks; for any other group the comparison with the random sample stands, the norm not.
RACE_GROUP_NORMS = frozenset({"crm-disproportioneel"})

#: The norm of each race-kind ground in EE101 (nationality has its own CRM norm).
_GROUND_NORMS = {"nationality": "crm-nationaliteit"}
_RACE_NORM = "crm-ras"


def race_defined(attributes: Sequence[str], declared: Mapping[str, str] | None = None) -> bool:
    """Whether a group attribute is, or is declared as, a race or nationality ground.

    Parameters
    ----------
    attributes : sequence of str
        The group attributes (column names) of a finding's subject.
    declared : mapping of str to str, optional
        Declared meanings of columns (``AuditConfig.declared_grounds``).

    Returns
    -------
    bool
        True when the direct-grounds vocabulary recognises (or the user declared) one of
        the attributes as a race indicator or nationality.

    Examples
    --------
    >>> race_defined(["migratieachtergrond", "geslacht"])
    True
    >>> race_defined(["wijk"])
    False
    >>> race_defined(["wijk"], declared={"wijk": "origin"})
    True
    """
    return any(m.kind == "race" for m in find_direct_grounds(attributes, declared=declared))


def _fmt(value: float, language: str, digits: int = 2) -> str:
    if not math.isfinite(value):
        return "∞" if value > 0 else "—"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "nl" else text


@dataclass(frozen=True)
class Num:
    """A number in a message, written per language (decimal comma in Dutch)."""

    value: float
    digits: int = 2

    def render(self, language: str) -> str:
        """Return the number in ``language``."""
        return _fmt(self.value, language, self.digits)


@dataclass(frozen=True)
class Pct:
    """A proportion in a message, written as a percentage per language."""

    value: float

    def render(self, language: str) -> str:
        """Return the percentage in ``language``."""
        if not math.isfinite(self.value):
            return "—"
        return _fmt(100 * self.value, language, 1) + "%"


@dataclass(frozen=True)
class Msg:
    """A catalogue text inside a message (a metric or ground name), per language."""

    key: str
    fields: tuple[tuple[str, object], ...] = ()

    def render(self, language: str) -> str:
        """Return the text in ``language``, its own fields rendered likewise."""
        return message(self.key, language=language, **_render(dict(self.fields), language))


@dataclass(frozen=True)
class Joined(Msg):
    """Catalogue texts joined with ``", "``, each rendered per language."""

    parts: tuple[Msg, ...] = ()

    def render(self, language: str) -> str:
        """Return the joined texts in ``language``."""
        return ", ".join(part.render(language) for part in self.parts)


@dataclass(frozen=True)
class Listed:
    """Several catalogue texts in a message (e.g. one per stratum), joined per language."""

    items: tuple[Msg, ...]
    separator: str = "; "

    def render(self, language: str) -> str:
        """Return the texts in ``language``, joined."""
        return self.separator.join(item.render(language) for item in self.items)


def _render(fields: Mapping[str, object], language: str) -> dict[str, object]:
    return {
        k: v.render(language) if isinstance(v, (Num, Pct, Msg, Listed)) else v
        for k, v in fields.items()
    }


def _labels(labels: Sequence[str]) -> str:
    return " × ".join(labels)


def _spelling(text: str) -> str:
    """Write a raw label, with escapes when it is not in NFC form (else it looks equal)."""
    return repr(text) if unicodedata.is_normalized("NFC", text) else ascii(text)


def _merge_text(merges: Sequence[LabelMerge], *, counts: bool) -> str:
    """E.g. ``'man' = 'man' (40) + ' man' (2)``; language-neutral (counts, quoted labels)."""
    return "; ".join(
        f"{m.label!r} = "
        + " + ".join(_spelling(v) + (f" ({n})" if counts else "") for v, n in m.variants)
        for m in merges
    )


def _finding(
    code: str,
    *,
    severity: SeverityLevel | None,
    certainty: Certainty,
    subject: Subject,
    evidence: Mapping[str, EvidenceValue],
    language: str,
    key: str | None = None,
    norms: Sequence[str] | None = None,
    declared: Mapping[str, str] | None = None,
    extra: Sequence[Msg] = (),
    **fields: object,
) -> Finding:
    """Build a finding of ``code``: registry data, and the message in every language.

    ``key`` replaces the message key ``finding-{code}`` (a variant of the message);
    ``extra`` texts are appended to the message (e.g. the intersections listed under a
    main effect);
    ``norms`` replaces the registry's norms; a norm of :data:`RACE_GROUP_NORMS` is kept
    only when the subject's group attributes are race-defined (``declared`` as in
    :func:`race_defined`).
    """
    registered = get_code(code)
    messages: dict[str, str] = {
        lang: " ".join(
            [
                message(
                    key or f"finding-{code}",
                    language=lang,
                    **_render(fields, lang),
                ),
                *(part.render(lang) for part in extra),
            ]
        )
        for lang in LANGUAGES
    }
    chosen = tuple(registered.norms if norms is None else norms)
    if RACE_GROUP_NORMS.intersection(chosen) and not race_defined(subject.attributes, declared):
        chosen = tuple(n for n in chosen if n not in RACE_GROUP_NORMS)
    return Finding(
        code=code,
        name=registered.name,
        severity=registered.default_severity if severity is None else severity,
        certainty=certainty,
        subject=subject,
        evidence=evidence,
        message=messages[language],
        messages=messages,
        toets_parts=registered.toets_parts,
        norms=chosen,
    )


def disparity_evidence(d: Disparity) -> dict[str, EvidenceValue]:
    """Flatten a comparison into the evidence mapping of a finding.

    Parameters
    ----------
    d : Disparity
        The comparison.

    Returns
    -------
    dict
        Counts, values, intervals, test and methods.
    """
    return {
        "group_numerator": d.group_numerator,
        "group_denominator": d.group_denominator,
        "reference_numerator": d.reference_numerator,
        "reference_denominator": d.reference_denominator,
        "group_value": d.group_value,
        "reference_value": d.reference_value,
        "difference": d.difference,
        "difference_low": d.difference_interval.low,
        "difference_high": d.difference_interval.high,
        "ratio": d.ratio,
        "ratio_low": d.ratio_interval.low,
        "ratio_high": d.ratio_interval.high,
        "odds_ratio": d.odds_ratio,
        "statistic": d.test.statistic,
        "pvalue": d.test.pvalue,
        "pvalue_adjusted": d.pvalue_adjusted,
        "test": d.test.method,
        "adjustment": d.adjustment,
        "confidence_level": d.confidence_level,
        "direction": d.direction,
        "harm": d.harm,
        "reference_rule": d.reference_rule,
        "method": d.method,
        "weighted": d.weighted,
    }


def metric_label_key(metric: str, *, favourable: bool) -> str:
    """Return the locale key of a metric's name: a selection of a favourable decision is a grant.

    Parameters
    ----------
    metric : str
        A metric name of the registry.
    favourable : bool
        Whether the decision is favourable (``AuditConfig.favourable``).

    Returns
    -------
    str
        The key for :func:`eerlijkheid.i18n.message`.

    Examples
    --------
    >>> metric_label_key("selection_rate", favourable=True)
    'metric-selection_rate-favourable'
    >>> metric_label_key("precision", favourable=True)
    'metric-precision'
    """
    if metric == "selection_rate" and favourable:
        return "metric-selection_rate-favourable"
    return f"metric-{metric}"


def _material(d: Disparity, config: AuditConfig) -> tuple[SeverityLevel, Certainty] | None:
    if d.direction in ("equal", "undefined") or d.group_worse_off is False:
        return None
    t = config.thresholds
    severity = severity_of_ratio(d.ratio, low=t.low, medium=t.medium, high=t.high)
    certainty = certainty_of(d.test.pvalue, d.pvalue_adjusted, alpha=config.alpha)
    if severity == "info" or certainty == "inconclusive":
        return None
    return severity, certainty


_Graded = tuple[SeverityLevel, Certainty]


def _interaction_evidence(i: Interaction, reason: str) -> dict[str, EvidenceValue]:
    return {
        "interaction": i.ratio,
        "interaction_low": i.low,
        "interaction_high": i.high,
        "interaction_pvalue": i.pvalue,
        "interaction_pvalue_adjusted": i.pvalue_adjusted,
        "interaction_attribute": i.attribute,
        "interaction_margins": " × ".join(i.margins),
        "interaction_method": i.method,
        "reported_because": reason,
    }


def _small(d: Disparity, threshold: int) -> bool:
    return is_small(d.group_numerator, d.group_denominator, threshold=threshold) or is_small(
        d.reference_numerator, d.reference_denominator, threshold=threshold
    )


def _reference_text(d: Disparity) -> str | Msg:
    """Return the reference of a message, saying how it was chosen when nobody named it."""
    if d.reference_rule == "rest":
        return Msg("reference-rest")
    if d.reference_rule in ("largest", "most-favourable"):
        return Msg(f"reference-{d.reference_rule}", (("label", _labels(d.reference)),))
    return _labels(d.reference)


def _comparison_findings(
    code: str,
    comparisons: Iterable[Disparity],
    config: AuditConfig,
    language: str,
    stage: str,
    *,
    rest: Iterable[Disparity] = (),
    interaction_of: Callable[[Disparity], Interaction | None] | None = None,
    listed: set[tuple[tuple[str, ...], tuple[str, ...]]] | None = None,
) -> list[Finding]:
    t = config.thresholds
    singles: dict[tuple[str, str], tuple[Disparity, _Graded]] = {}
    intersections: list[tuple[Disparity, _Graded]] = []
    for d in comparisons:
        graded = _material(d, config)
        if graded is None:
            continue
        if len(d.attributes) == 1:
            singles[(d.attributes[0], d.group[0])] = (d, graded)
        else:
            intersections.append((d, graded))
    rest_of: dict[tuple[str, str], Disparity] = {}
    for d in rest:
        key = (d.attributes[0], d.group[0])
        rest_of[key] = d
        graded = _material(d, config)
        if graded is not None and key not in singles:
            singles[key] = (d, graded)  # the rule's comparison makes no finding: the rest's
    attached: dict[tuple[str, str], list[tuple[Disparity, Interaction | None]]] = {}
    own: list[tuple[Disparity, _Graded, Interaction | None, str]] = []
    for d, graded in intersections:
        inter = interaction_of(d) if interaction_of is not None else None
        if inter is not None and interaction_adds(
            inter, harm=d.harm, low=t.low, alpha=config.alpha
        ):
            own.append((d, graded, inter, "interaction"))
            continue
        margins = [
            (a, label)
            for a, label in zip(d.attributes, d.group, strict=True)
            if (inter is None or a in inter.margins) and (a, label) in singles
        ]
        if margins:
            attached.setdefault(margins[0], []).append((d, inter))
            if listed is not None:  # part of a finding: not "too little data" (EE401)
                listed.add((d.attributes, d.group))
        elif graded[1] == "established":
            # no margin carries it and the interaction does not show it: only a gap that
            # survives the multiplicity adjustment is a finding (an unadjusted p below
            # alpha among dozens of intersections is what chance gives)
            own.append((d, graded, inter, "no-margin-finding"))

    def build(
        d: Disparity, graded: _Graded, evidence: dict[str, EvidenceValue], extra: list[Msg]
    ) -> Finding:
        return _finding(
            code,
            severity=graded[0],
            certainty=graded[1],
            subject=Subject(
                metric=d.metric,
                attributes=d.attributes,
                group=d.group,
                reference=d.reference,
                stage=stage,
            ),
            evidence={**disparity_evidence(d), **evidence},
            language=language,
            declared=config.declared_grounds,
            extra=extra,
            metric=Msg(metric_label_key(d.metric, favourable=config.favourable)),
            attributes=_labels(d.attributes),
            group=_labels(d.group),
            reference=_reference_text(d),
            ratio=Num(d.ratio),
            low=Num(d.ratio_interval.low),
            high=Num(d.ratio_interval.high),
            value=Pct(d.group_value),
            reference_value=Pct(d.reference_value),
        )

    out = []
    for key, (d, graded) in singles.items():
        evidence: dict[str, EvidenceValue] = {}
        other = rest_of.get(key)
        if other is not None and other is not d:
            evidence |= {
                "rest_ratio": other.ratio,
                "rest_ratio_low": other.ratio_interval.low,
                "rest_ratio_high": other.ratio_interval.high,
                "rest_pvalue_adjusted": other.pvalue_adjusted,
            }
        extra: list[Msg] = []
        under = attached.get(key, [])
        parts: list[Msg] = []
        for sub, sub_inter in under:
            label = _labels(sub.group)
            # an intersection with a small cell is listed without numbers: its counts are
            # not in this finding's evidence, so the report's suppression cannot see them
            small = _small(sub, config.suppression_threshold)
            evidence[f"also_in[{label}]"] = math.nan if small else sub.ratio
            evidence[f"also_in_reference[{label}]"] = _labels(sub.reference)
            evidence[f"also_in_interaction[{label}]"] = (
                sub_inter.ratio if sub_inter is not None and not small else math.nan
            )
            parts.append(
                Msg("finding-also-in-item-small", (("group", label),))
                if small
                else Msg("finding-also-in-item", (("group", label), ("ratio", Num(sub.ratio))))
            )
        if under:
            items = Joined("finding-also-in-item", parts=tuple(parts))
            extra.append(Msg("finding-also-in", (("items", items),)))
        out.append(build(d, graded, evidence, extra))
    for d, graded, inter, reason in own:
        evidence = _interaction_evidence(inter, reason) if inter is not None else {}
        if inter is None:
            evidence["reported_because"] = reason
        extra = [
            Msg(
                f"finding-intersection-{reason}",
                (
                    ("interaction", Num(inter.ratio if inter is not None else math.nan)),
                    ("low", Num(inter.low if inter is not None else math.nan)),
                    ("high", Num(inter.high if inter is not None else math.nan)),
                ),
            )
        ]
        out.append(build(d, graded, evidence, extra))
    return out


def _harmful(ratio: float, harm: str) -> bool:
    """Whether a ratio points the way that is worse for the group (NaN: no)."""
    if math.isnan(ratio):
        return False
    return harm == "either" or (ratio > 1 if harm == "higher" else ratio < 1)


def _survives(s: StratifiedComparison, config: AuditConfig) -> bool:
    """Say whether the disparity persists in the strata: significant, material, same way."""
    t = config.thresholds
    size = severity_of_ratio(s.rate_ratio, low=t.low, medium=t.medium, high=t.high)
    same_way = (s.rate_ratio > 1) == (s.crude.ratio > 1)
    return bool(s.pvalue_adjusted < config.alpha) and size != "info" and same_way


def _informative(pvalue: float, low: float, high: float, crude_ratio: float) -> bool:
    """Say whether a within-strata estimate can speak about the crude gap at all.

    The CMH test must be defined (a stratum with both decisions: when every stratum has
    only one decision, the strata *are* the decision rule, e.g. a profile that selects by
    score band, and cannot explain anything) and the within-strata interval must exclude
    the crude ratio (else holding the factor equal did not measurably move the estimate).
    """
    return math.isfinite(pvalue) and not (low <= crude_ratio <= high)


def _stratum_items(s: StratifiedComparison, threshold: int) -> Listed:
    """Each stratum's ratio and rates; a stratum with a small cell only by name."""
    items = []
    for e in s.strata:
        small = is_small(e.group_numerator, e.group_denominator, threshold=threshold) or is_small(
            e.reference_numerator, e.reference_denominator, threshold=threshold
        )
        if small:
            items.append(Msg("stratum-estimate-suppressed", (("level", e.level),)))
            continue
        items.append(
            Msg(
                "stratum-estimate",
                (
                    ("level", e.level),
                    ("ratio", Num(e.ratio)),
                    ("value", Pct(e.group_value)),
                    ("reference_value", Pct(e.reference_value)),
                ),
            )
        )
    return Listed(tuple(items))


def _strata_findings(
    strata: Sequence[StratifiedComparison], config: AuditConfig, language: str, stage: str
) -> list[Finding]:
    """EE301 / EE302 (crude against within strata, both as rate ratios), EE303, EE304."""
    out: list[Finding] = []
    t = config.thresholds
    for s in strata:
        crude = _material(s.crude, config)
        if crude is None or crude[1] != "established":
            continue
        mh = s.stratified
        odds_interval = mh.confidence_interval(confidence_level=config.confidence_level)
        evidence: dict[str, EvidenceValue] = {
            **disparity_evidence(s.crude),
            "stratum": s.stratum,
            "mh_statistic": mh.statistic,
            "mh_pvalue": mh.pvalue,
            "mh_pvalue_adjusted": s.pvalue_adjusted,
            "mh_rate_ratio": s.rate_ratio,
            "mh_rate_ratio_low": s.rate_ratio_interval.low,
            "mh_rate_ratio_high": s.rate_ratio_interval.high,
            "mh_odds_ratio": mh.common_odds_ratio,
            "mh_odds_ratio_low": odds_interval.low,
            "mh_odds_ratio_high": odds_interval.high,
            "homogeneity_pvalue": mh.homogeneity_pvalue,
            "homogeneity_pvalue_adjusted": s.homogeneity_pvalue_adjusted,
            "mh_strata_used": mh.n_strata_used,
            "mh_method": mh.method,
        }
        subject = Subject(
            metric="selection_rate",
            attributes=s.attributes,
            group=s.group,
            reference=s.reference,
            stage=stage,
            column=s.stratum,
        )
        names: dict[str, Any] = {
            "attributes": _labels(s.attributes),
            "group": _labels(s.group),
            "reference": _labels(s.reference),
            "stratum": s.stratum,
        }
        survives = _survives(s, config)
        explained = not survives and _informative(
            mh.pvalue, s.rate_ratio_interval.low, s.rate_ratio_interval.high, s.crude.ratio
        )
        if survives or explained:
            out.append(
                _finding(
                    "EE301" if survives else "EE302",
                    severity=severity_of_ratio(
                        s.rate_ratio, low=t.low, medium=t.medium, high=t.high
                    )
                    if survives
                    else None,
                    certainty="established" if survives else "inconclusive",
                    subject=subject,
                    evidence=evidence,
                    language=language,
                    **names,
                    ratio=Num(s.crude.ratio),
                    rate_ratio=Num(s.rate_ratio),
                    low=Num(s.rate_ratio_interval.low),
                    high=Num(s.rate_ratio_interval.high),
                    pvalue=Num(s.pvalue_adjusted, 3),
                )
            )
        # EE303: the strata differ; the common number hides the stratum where it is largest.
        ratios = [e.ratio for e in s.strata if math.isfinite(e.ratio) and e.ratio > 0]
        spread = max(ratios) / min(ratios) if len(ratios) >= 2 else float("nan")
        harmful = [
            severity_of_ratio(e.ratio, low=t.low, medium=t.medium, high=t.high)
            for e in s.strata
            if _harmful(e.ratio, s.crude.harm) and (e.ratio_low > 1 or e.ratio_high < 1)
        ]
        if s.homogeneity_pvalue_adjusted < config.alpha and spread >= t.low and harmful:
            worst = min(harmful, key=("high", "medium", "low", "info").index)
            out.append(
                _finding(
                    "EE303",
                    severity=worst,
                    certainty="established",
                    subject=subject,
                    evidence={
                        **evidence,
                        **{f"stratum_ratio[{e.level}]": e.ratio for e in s.strata},
                    },
                    language=language,
                    **names,
                    pvalue=Num(s.homogeneity_pvalue_adjusted, 3),
                    strata=_stratum_items(s, config.suppression_threshold),
                )
            )
        if s.selected_in_one_stratum is not None:
            (only,) = [e for e in s.strata if e.level == s.selected_in_one_stratum]
            out.append(one_level_finding(only, subject, evidence, names, language))
    return out


def one_level_finding(
    only: StratumEstimate,
    subject: Subject,
    evidence: Mapping[str, EvidenceValue],
    names: Mapping[str, Any],
    language: str,
) -> Finding:
    """EE304: every decision of a stratified comparison falls in one level, ``only``.

    ``names`` are the message fields of the comparison (attributes, group, reference and
    ``stratum``, the stratum or score column).
    """
    return _finding(
        "EE304",
        severity=None,
        certainty="not-applicable",
        subject=subject,
        evidence={
            **evidence,
            "level": only.level,
            "level_ratio": only.ratio,
            "level_ratio_low": only.ratio_low,
            "level_ratio_high": only.ratio_high,
        },
        language=language,
        **names,
        level=only.level,
        ratio=Num(only.ratio),
    )


def resolve_explained(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Drop a crude EE201 whose disparity disappears within strata or at equal score.

    An EE302 (which carries the crude comparison in its evidence and names both numbers)
    takes the place of the EE201 of the same group, reference, grouping and step, so
    that an explained gap is not reported as a disparity at the top of the report.  The
    within-strata findings of an intersection (EE301–EE304, EE511) are kept only when the
    intersection has its own EE201, i.e. adds something to its main effects.

    Parameters
    ----------
    findings : sequence of Finding
        All findings of an audit.

    Returns
    -------
    tuple of Finding
        The findings without the explained EE201s, in the given order.
    """

    def key(f: Finding) -> tuple[object, ...]:
        s = f.subject
        return (s.metric, s.attributes, s.group, s.reference, s.stage)

    def comparison(f: Finding) -> tuple[object, ...]:
        s = f.subject
        return (s.metric, s.attributes, s.group, s.reference)

    # An intersection is reported only where it adds something to its main effects (its
    # EE201 says so); its within-strata findings follow that choice.
    crude = {comparison(f) for f in findings if f.code == "EE201"}
    follows = {"EE301", "EE302", "EE303", "EE304", "EE511"}
    kept = [
        f
        for f in findings
        if not (f.code in follows and len(f.subject.attributes) > 1 and comparison(f) not in crude)
    ]
    explained = {key(f) for f in kept if f.code == "EE302"}
    return tuple(f for f in kept if not (f.code == "EE201" and key(f) in explained))


def derive_findings(
    *,
    table: CountTable,
    config: AuditConfig,
    grounds: Sequence[GroundMatch],
    disparity: DisparityEvidence,
    strata: Sequence[StratifiedComparison],
    sufficiency: Sequence[SufficiencyCheck],
    language: str,
) -> tuple[Finding, ...]:
    """Apply every rule to the evidence and return the findings, most severe first.

    Parameters
    ----------
    table : CountTable
        The count table (for data-quality findings).
    config : AuditConfig
        Thresholds, alpha, power.
    grounds, disparity, strata, sufficiency
        Evidence of the analyses.
    language : {'nl', 'en'}
        Language of the messages.

    Returns
    -------
    tuple of Finding
        Ordered by severity (most severe first), code, fingerprint.
    """
    findings: list[Finding] = []
    for match in grounds:
        ground_norm = _GROUND_NORMS.get(match.ground, _RACE_NORM)
        other_race_norms = {_RACE_NORM, *_GROUND_NORMS.values()} - {ground_norm}
        findings.append(
            _finding(
                "EE101" if match.kind == "race" else "EE102",
                severity=None,
                certainty="not-applicable",
                subject=Subject(column=match.column),
                evidence={
                    "ground": match.ground,
                    "kind": match.kind,
                    "term": match.term,
                    "declared": match.declared,
                },
                language=language,
                norms=(
                    [n for n in get_code("EE101").norms if n not in other_race_norms]
                    if match.kind == "race"
                    else None
                ),
                column=match.column,
                ground=Msg(f"ground-{match.ground}"),
                norm=Msg(
                    "ee101-norm-nationality" if match.ground == "nationality" else "ee101-norm-race"
                ),
            )
        )
    # The decision under audit is the process step the comparisons are about.
    stage = table.names_with_role(Role.DECISION)[0]
    listed: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    for code, comparisons, metrics in (
        ("EE201", disparity.selection, ("selection_rate",)),
        ("EE202", disparity.random_arm, ()),
        ("EE203", disparity.error_rate, ERROR_METRICS),
        ("EE204", disparity.hit_rate, HIT_METRICS),
    ):
        findings += _comparison_findings(
            code,
            comparisons,
            config,
            language,
            stage,
            rest=[d for d in disparity.rest if d.metric in metrics],
            interaction_of=disparity.interaction_of,
            listed=listed if code == "EE201" else None,
        )
    if disparity.outcome_only_when_selected:
        # With a random sample, point to it as the unbiased estimate; advise one only
        # when there is none.
        random = table.names_with_role(Role.RANDOM_SAMPLE)
        findings.append(
            _finding(
                "EE205",
                severity=None,
                certainty="not-applicable",
                subject=Subject(),
                evidence={"random_sample": random[0]} if random else {},
                language=language,
                key="finding-EE205-random-sample" if random else None,
                random=random[0] if random else "",
            )
        )
    findings += _strata_findings(strata, config, language, stage)
    flagged = {(f.subject.attributes, f.subject.group) for f in findings if f.code == "EE201"}
    flagged |= listed  # intersections listed under their main effect's EE201
    for check in sufficiency:
        c = check.comparison
        if check.status != "insufficient" or (c.attributes, c.group) in flagged:
            continue
        side = c.harm if c.harm in ("higher", "lower") else "higher"
        reachable = 0.0 < check.minimum_detectable_ratio < math.inf
        findings.append(
            _finding(
                "EE401",
                severity=None,
                certainty="inconclusive",
                subject=Subject(
                    metric=c.metric,
                    attributes=c.attributes,
                    group=c.group,
                    reference=c.reference,
                    stage=stage,
                ),
                evidence={
                    **disparity_evidence(c),
                    "detectable_ratio": check.detectable_ratio,
                    "harmful_ratio": check.harmful_ratio,
                    "power": check.power,
                    "minimum_detectable_ratio": check.minimum_detectable_ratio,
                    "status": check.status,
                },
                language=language,
                attributes=_labels(c.attributes),
                group=_labels(c.group),
                n=c.group_denominator,
                detectable=Num(check.harmful_ratio),
                power=Pct(check.power),
                detection=Msg(
                    f"finding-EE401-{side}" if reachable else "finding-EE401-none",
                    (("mdr", Num(check.minimum_detectable_ratio)),),
                ),
            )
        )
    for attribute, count in table.missing_labels.items():
        if count:
            findings.append(
                _finding(
                    "EE402",
                    severity=None,
                    certainty="not-applicable",
                    subject=Subject(attributes=(attribute,)),
                    evidence={"missing": count, "total": table.total},
                    language=language,
                    attribute=attribute,
                    count=count,
                    share=Pct(count / table.total),
                    label=table.levels(attribute)[-1],
                )
            )
    for attribute, merges in table.merged_labels.items():
        if merges:
            findings.append(
                _finding(
                    "EE406",
                    severity=None,
                    certainty="not-applicable",
                    subject=Subject(attributes=(attribute,)),
                    evidence={
                        "labels": len(merges),
                        "variants": sum(len(m.variants) for m in merges),
                        # a pair for small-cell suppression: the rarest spelling of the cases
                        "smallest_variant": min(c for m in merges for _, c in m.variants),
                        "cases": sum(m.cases for m in merges),
                        "merged": _merge_text(merges, counts=False),
                    },
                    language=language,
                    attribute=attribute,
                    merges=_merge_text(merges, counts=True),
                )
            )
    if table.rounded:
        findings.append(
            _finding(
                "EE403",
                severity=None,
                certainty="not-applicable",
                subject=Subject(),
                evidence={"total": table.total},
                language=language,
            )
        )
    return tuple(sorted(findings, key=Finding.sort_key))
