"""The HTML report: one self-contained, printable page for the auditor.

:func:`render_html` turns an :class:`~eerlijkheid.audit.AuditResult` into a single HTML
file with inline CSS and hand-written inline SVG charts: no scripts, no fonts or images
from the network.  Every number comes from ``result.to_dict(suppress=True)``, the
publishable data in which small cells are suppressed (:mod:`eerlijkheid.disclosure`); a
suppressed record keeps its labels and shows "onderdrukt (< 10)" instead of numbers.
Texts come from the message catalogue (``locale/report_html.toml``), the finding-code
registry and the toets catalogue, in Dutch (default) or English.

The page has five sections, each with a stable ``id``:

``summary``
    What was audited, findings per severity, the most severe findings in plain words.
``toets``
    Per toets part (catalogue order): the findings that inform it, with their evidence,
    and the part's questions that the data could and could not answer.
``charts``
    Per group attribute, the selection rate per group with its interval (SVG
    dot-and-whisker chart with a reference marker, and the same data as a table).
    With a process chain (``stages``), a sub-section ``chain`` adds per attribute one
    panel per step (the conditional rate in a funnel, the crude rate in the strata
    shape), a table, and per group the step that adds the disparity.
``unanswered``
    The research-plan questions the data could not answer, and what data would.
``methods``
    Definitions, severity and certainty, intervals and tests, the suppression rule.

Charts are built by the functions in :data:`_CHART_BUILDERS`; each returns
:class:`_Chart` objects, which the template draws whatever their source.  The per-step
charts of the process chain are built by :func:`_chain_charts`: each panel is a
:class:`_Chart` with :attr:`_Chart.stage` set, drawn by the same template macro.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import jinja2

from eerlijkheid.config import SeverityThresholds
from eerlijkheid.disclosure import neutralise_tree
from eerlijkheid.findings import CERTAINTIES, CODES, SEVERITY_ORDER, metric_label_key
from eerlijkheid.i18n import LANGUAGES, message
from eerlijkheid.metrics import METRICS
from eerlijkheid.report._json import output_check
from eerlijkheid.report._sufficiency import CODE as SUFFICIENCY_CODE
from eerlijkheid.report._sufficiency import SufficiencyTable, sufficiency_tables
from eerlijkheid.stats import proportion_interval
from eerlijkheid.toets import Catalogue, load_catalogue

if TYPE_CHECKING:
    from eerlijkheid.audit import AuditResult

__all__ = ["render_html"]

Record = Mapping[str, Any]

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("eerlijkheid", "report/templates"),
    autoescape=True,  # group and column names are user data
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)

#: How many findings the summary repeats in words.
_TOP_FINDINGS = 5
#: Severities, most severe first.
_SEVERITIES = tuple(reversed(SEVERITY_ORDER))
_RANDOM_SAMPLE_RULE = "random-sample"
_MINUS = "\u2212"


# ---------------------------------------------------------------------------------------
# Formatting: numbers in the report language (decimal comma in Dutch)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Format:
    """Texts and number formats in one language, with the suppression threshold."""

    language: str
    threshold: int

    def t(self, key: str, **fields: object) -> str:
        return message(key, language=self.language, **fields)

    def number(self, value: float, digits: int) -> str:
        text = f"{abs(value):,.{digits}f}"
        if self.language == "nl":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        # A value that rounds to zero has no sign.
        negative = value < 0 and any(c not in "0.," for c in text)
        return (_MINUS if negative else "") + text

    def count(self, value: float | None) -> str:
        if value is None:
            return self.undefined
        whole = float(value).is_integer()
        return self.number(value, 0 if whole else 1)

    def pct(self, value: float | None) -> str:
        return self.undefined if value is None else self.number(100 * value, 1) + "%"

    def ratio(self, value: float | None) -> str:
        return self.undefined if value is None else self.number(value, 2) + "×"

    def plain(self, value: float | None, digits: int = 2) -> str:
        return self.undefined if value is None else self.number(value, digits)

    def pvalue(self, value: float | None) -> str:
        if value is None:
            return self.undefined
        if value < 0.001:
            return "< " + self.number(0.001, 3)
        return self.number(value, 3)

    def level(self, confidence: float | None) -> str:
        value = 0.95 if confidence is None else confidence
        digits = 0 if round(100 * value, 6).is_integer() else 1
        return self.number(100 * value, digits) + "%"

    def points(self, value: float | None) -> str:
        if value is None:
            return self.undefined
        sign = "+" if value > 0 else ""
        return self.t("html-percentage-points", value=sign + self.number(100 * value, 1))

    def with_interval(
        self, value: str, low: float | None, high: float | None, fmt: Callable[[float], str]
    ) -> str:
        if low is None or high is None:
            return value
        return self.t("html-value-interval", value=value, low=fmt(low), high=fmt(high))

    @property
    def suppressed(self) -> str:
        return self.t("html-suppressed", threshold=self.threshold)

    @property
    def undefined(self) -> str:
        return self.t("html-not-defined")


#: First strong isolate and pop directional isolate: a label cannot reorder its
#: surroundings (the plain-text form of ``<bdi>``; text nodes get ``<bdi>`` itself).
_FSI, _PDI = "\u2068", "\u2069"
_ISOLATED = re.compile(f"{_FSI}([^{_FSI}{_PDI}<>]*){_PDI}")
_TEXT_NODE = re.compile(r">([^<]+)<")
#: Elements whose content is not HTML text (no ``<bdi>`` inside them).
_RAW = re.compile(r"(<svg\b.*?</svg>|<title>.*?</title>|<style\b.*?</style>)", re.DOTALL)


def _labels(labels: Sequence[str]) -> str:
    """Join labels, isolated: a right-to-left label cannot reorder the numbers around it."""
    return _FSI + " × ".join(str(label) for label in labels) + _PDI


def _bdi(page: str) -> str:
    """Turn the isolated labels in text nodes into ``<bdi>`` elements."""

    def text_node(match: re.Match[str]) -> str:
        return ">" + _ISOLATED.sub(r"<bdi>\1</bdi>", match.group(1)) + "<"

    pieces = _RAW.split(page)
    page = "".join(
        piece if i % 2 else _TEXT_NODE.sub(text_node, piece) for i, piece in enumerate(pieces)
    )
    # in attributes, titles and charts the labels are already neutralised: no marks left
    return page.replace(_FSI, "").replace(_PDI, "")


# ---------------------------------------------------------------------------------------
# Catalogue texts in the report language
# ---------------------------------------------------------------------------------------


class _Texts:
    """Part, question and norm texts in the report language.

    The audit stored part titles and question texts in its own language, from the
    catalogue it used.  In that language they are used as stored; in the other language
    they come from the packaged catalogue when it is the version the audit used, else the
    stored text is kept (a municipality's own catalogue is not available here).
    """

    def __init__(self, data: Record, language: str) -> None:
        self.language = language
        self.same = data["language"] == language
        packaged = load_catalogue()
        version = data["provenance"]["catalogue_version"]
        self.catalogue: Catalogue | None = (
            packaged if packaged.catalogue_version == version else None
        )

    def part_label(self, part_id: str, stored: str) -> str:
        if self.same or self.catalogue is None:
            return stored
        try:
            return self.catalogue.part(part_id).label(self.language)
        except KeyError:
            return stored

    def part_summary(self, part_id: str) -> str:
        if self.catalogue is None:
            return ""
        try:
            return self.catalogue.part(part_id).summary(self.language)
        except KeyError:
            return ""

    def question(self, item: Record) -> tuple[str, str]:
        if self.same or self.catalogue is None:
            return item["text"], item["missing_text"]
        try:
            q = self.catalogue.question(item["question"])
        except KeyError:
            return item["text"], item["missing_text"]
        return q.text(self.language), ("" if item["answerable"] else q.missing_text(self.language))

    def norm(self, norm_id: str) -> str:
        if self.catalogue is None:
            return norm_id
        try:
            return self.catalogue.norm(norm_id).title(self.language)
        except KeyError:
            return norm_id


# ---------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    """The group or the reference in an evidence table: label, count and rate."""

    label: str
    count: str
    rate: str
    suppressed: bool


@dataclass(frozen=True)
class _Stat:
    """One line of evidence: a label and its value."""

    label: str
    value: str
    suppressed: bool = False


@dataclass(frozen=True)
class _AlsoIn:
    """An intersection listed under its main effect's finding (not a finding of its own)."""

    group: str
    reference: str
    ratio: str
    interaction: str


@dataclass(frozen=True)
class _Finding:
    anchor: str
    code: str
    name: str
    severity: str
    certainty: str
    message: str
    suppressed: bool
    attributes: str
    rate_label: str
    sides: tuple[_Side, ...]
    stats: tuple[_Stat, ...]
    method: str
    norms: tuple[str, ...]
    also_in: tuple[_AlsoIn, ...] = ()


_COMPARISON_RULES = ("explicit", "largest", "most-favourable", "rest", "same-level")


def _comparison_stat(ev: Record, fmt: _Format, suppressed: bool) -> list[_Stat]:
    """Which comparison a finding uses, and for an intersection its interaction."""
    out: list[_Stat] = []
    rule = ev.get("reference_rule")
    if rule in (*_COMPARISON_RULES, _RANDOM_SAMPLE_RULE):
        out.append(_Stat(fmt.t("html-comparison"), fmt.t(f"html-comparison-{rule}")))
    if "interaction" in ev and "group_numerator" in ev:
        label = fmt.t("html-comparison-interaction", level=fmt.level(ev.get("confidence_level")))
        if suppressed:
            out.append(_Stat(label, fmt.suppressed, True))
        else:
            value = fmt.with_interval(
                fmt.ratio(ev["interaction"]),
                ev.get("interaction_low"),
                ev.get("interaction_high"),
                fmt.plain,
            )
            out.append(_Stat(label, value))
    return out


def _also_in(ev: Record, fmt: _Format, suppressed: bool) -> tuple[_AlsoIn, ...]:
    """Return the intersections listed under a main effect (evidence ``also_in[...]``)."""
    out = []
    for key in ev:
        if not (key.startswith("also_in[") and key.endswith("]")):
            continue
        label = key[len("also_in[") : -1]
        ratio = ev[key]
        interaction = ev.get(f"also_in_interaction[{label}]")
        hidden = suppressed or ratio is None
        out.append(
            _AlsoIn(
                group=label,
                reference=str(ev.get(f"also_in_reference[{label}]", "")),
                ratio=fmt.suppressed if hidden else fmt.ratio(ratio),
                interaction=fmt.suppressed if hidden else fmt.ratio(interaction),
            )
        )
    return tuple(out)


def _is_suppressed(record: Record, threshold: int) -> bool:
    """Return whether a finding must be shown without numbers (as ``to_dict`` decided)."""
    return bool(record.get("suppressed"))


def _finding_message(record: Record, fmt: _Format, suppressed: bool) -> str:
    """Return the finding's sentence in the report language.

    Findings carry their sentence in every language (``messages``), already without
    numbers when suppressed.
    """
    if suppressed:
        return fmt.t("finding-suppressed", code=record["code"], threshold=fmt.threshold)
    messages = record.get("messages") or {}
    return str(messages.get(fmt.language, record["message"]))


def _method_text(evidence: Record, fmt: _Format) -> str:
    """Name the test and the interval methods in words."""
    parts = []
    test = evidence.get("test")
    if isinstance(test, str) and test:
        parts.append(fmt.t(f"html-test-{test}") if test in ("chi2", "fisher") else test)
    method = evidence.get("method")
    if isinstance(method, str):
        for token in (m.strip() for m in method.split(";")):
            if token in ("newcombe", "katz-log", "woolf"):
                parts.append(fmt.t(f"html-method-{token}"))
    if "stratum" in evidence:
        parts.append(fmt.t("html-method-mantel-haenszel"))
    return "; ".join(parts)


def _adjustment(name: object, fmt: _Format) -> str:
    if name in ("holm", "bh", "bonferroni"):
        return fmt.t(f"html-adjust-{name}")
    return fmt.t("html-adjust-none") if name in (None, "", "none") else str(name)


def _sides(record: Record, data: Record, fmt: _Format, suppressed: bool) -> tuple[_Side, ...]:
    """Return the group and its reference, with counts and rates (or the suppression mark)."""
    ev, subject = record["evidence"], record["subject"]
    if ev.get("reference_rule") == _RANDOM_SAMPLE_RULE:
        column = data["roles"]["random_sample"] or ""
        reference = fmt.t("html-random-sample-label", column=column)
    elif ev.get("reference_rule") == "rest":
        reference = fmt.t("reference-rest")
    else:
        reference = _labels(subject["reference"])
    out = []
    for prefix, key, label in (
        ("group", "html-ev-group", _labels(subject["group"])),
        ("reference", "html-ev-reference", reference),
    ):
        title = fmt.t(key, **{prefix: label})
        if suppressed:
            out.append(_Side(label=title, count=fmt.suppressed, rate="", suppressed=True))
            continue
        x, n = ev[f"{prefix}_numerator"], ev[f"{prefix}_denominator"]
        count = fmt.t("html-ev-count-of", count=fmt.count(x), total=fmt.count(n))
        # Process-chain findings (EE501) carry the counts without the rate.
        value = ev.get(f"{prefix}_value", x / n if x is not None and n else None)
        out.append(_Side(label=title, count=count, rate=fmt.pct(value), suppressed=False))
    return tuple(out)


def _comparison_stats(ev: Record, fmt: _Format, suppressed: bool, config: Record) -> list[_Stat]:
    """Ratio, difference, p-values; power for EE401; Mantel–Haenszel for EE301/EE302.

    Only the statistics the evidence holds are listed (a process-chain finding has a
    step's ratio and adjusted p-value, but no difference).
    """
    level = fmt.level(ev.get("confidence_level"))
    adjustment = _adjustment(ev.get("adjustment", config["adjust"]), fmt)
    listed: list[tuple[str, str, Callable[[], str]]] = [
        (
            "ratio",
            fmt.t("html-ev-ratio", level=level),
            lambda: fmt.with_interval(
                fmt.ratio(ev["ratio"]), ev.get("ratio_low"), ev.get("ratio_high"), fmt.plain
            ),
        ),
        (
            "difference",
            fmt.t("html-ev-difference", level=level),
            lambda: fmt.with_interval(
                fmt.points(ev["difference"]),
                ev.get("difference_low"),
                ev.get("difference_high"),
                lambda v: fmt.number(100 * v, 1),
            ),
        ),
        ("pvalue", fmt.t("html-ev-pvalue"), lambda: fmt.pvalue(ev["pvalue"])),
        (
            "pvalue_adjusted",
            fmt.t("html-ev-pvalue-adjusted", adjustment=adjustment),
            lambda: fmt.pvalue(ev["pvalue_adjusted"]),
        ),
    ]
    wanted = [(label, value) for key, label, value in listed if key in ev]
    power = config["power"]
    if "power" in ev:  # EE401: sufficiency
        detectable = fmt.ratio(ev.get("harmful_ratio", ev.get("detectable_ratio")))
        wanted += [
            (fmt.t("html-ev-power", ratio=detectable), lambda: fmt.pct(ev["power"])),
            (
                fmt.t("html-ev-mdr", power=fmt.pct(power)),
                lambda: fmt.ratio(ev["minimum_detectable_ratio"]),
            ),
        ]
    if "stratum" in ev:  # EE301 / EE302 / EE303 / EE304: within strata (or score bands)
        wanted += [
            (
                fmt.t("html-ev-mh-rate-ratio", level=level),
                lambda: fmt.with_interval(
                    fmt.ratio(ev.get("mh_rate_ratio")),
                    ev.get("mh_rate_ratio_low"),
                    ev.get("mh_rate_ratio_high"),
                    fmt.plain,
                ),
            ),
            (
                fmt.t("html-ev-mh-odds-ratio", level=level),
                lambda: fmt.with_interval(
                    fmt.plain(ev.get("mh_odds_ratio")),
                    ev.get("mh_odds_ratio_low"),
                    ev.get("mh_odds_ratio_high"),
                    fmt.plain,
                ),
            ),
            (fmt.t("html-ev-mh-pvalue"), lambda: fmt.pvalue(ev.get("mh_pvalue_adjusted"))),
        ]
    stats = [
        _Stat(label, fmt.suppressed, True) if suppressed else _Stat(label, value())
        for label, value in wanted
    ]
    if "step" in ev:  # EE501: the step that adds the disparity
        stats.insert(0, _Stat(fmt.t("html-ev-step"), str(ev["step"])))
    if "stratum" in ev:
        stats.insert(0, _Stat(fmt.t("html-ev-stratum"), str(ev["stratum"])))
        if ev.get("mh_strata_used") is not None:
            stats.append(_Stat(fmt.t("html-ev-mh-strata"), fmt.count(ev["mh_strata_used"])))
        if ev.get("homogeneity_pvalue_adjusted") is not None:
            stats.append(
                _Stat(
                    fmt.t("html-ev-homogeneity"),
                    fmt.pvalue(ev["homogeneity_pvalue_adjusted"]),
                )
            )
    return stats


def _stratum_stats(record: Record, data: Record, fmt: _Format) -> list[_Stat]:
    """Per stratum level, beside the common estimate: both rates and their ratio."""
    subject = record["subject"]
    level = fmt.level(data["config"]["confidence_level"])
    for s in data.get("stratified") or ():
        same = (
            s.get("attributes") == subject["attributes"]
            and s["group"] == subject["group"]
            and s["reference"] == subject["reference"]
            and s["stratum"] == subject.get("column")
        )
        if not same:
            continue
        out = []
        for e in s.get("strata") or ():
            label = fmt.t("html-ev-in-stratum", level=e["level"], interval=level)
            if e.get("suppressed"):
                out.append(_Stat(label, fmt.suppressed, True))
                continue
            ratio = fmt.with_interval(
                fmt.ratio(e["ratio"]), e["ratio_low"], e["ratio_high"], fmt.plain
            )
            value = fmt.t(
                "html-ev-in-stratum-value",
                ratio=ratio,
                group=fmt.pct(e["group_value"]),
                group_n=f"{fmt.count(e['group_numerator'])}/{fmt.count(e['group_denominator'])}",
                reference=fmt.pct(e["reference_value"]),
                reference_n=(
                    f"{fmt.count(e['reference_numerator'])}/{fmt.count(e['reference_denominator'])}"
                ),
            )
            out.append(_Stat(label, value))
        return out
    return []


def _other_stats(record: Record, fmt: _Format, suppressed: bool) -> list[_Stat]:
    """Evidence of findings that are not comparisons (EE101/EE102, EE402, EE403)."""
    ev, subject = record["evidence"], record["subject"]
    if subject.get("column") and "ground" in ev:  # EE101 / EE102
        ground = message(f"ground-{ev['ground']}", language=fmt.language)
        kind = "html-ev-kind-race" if ev.get("kind") == "race" else "html-ev-kind-other"
        recognised = (
            fmt.t("html-ev-recognised-declared")
            if ev.get("declared")
            else fmt.t("html-ev-recognised-name", term=ev.get("term", ""))
        )
        return [
            _Stat(fmt.t("html-ev-column"), str(subject["column"])),
            _Stat(fmt.t("html-ev-ground"), fmt.t(kind, ground=ground)),
            _Stat(fmt.t("html-ev-recognised"), recognised),
        ]
    if "missing" in ev:  # EE402
        if suppressed:
            return [_Stat(fmt.t("html-ev-missing"), fmt.suppressed, True)]
        share = ev["missing"] / ev["total"] if ev["total"] else None
        value = fmt.t(
            "html-ev-missing-value",
            count=fmt.count(ev["missing"]),
            total=fmt.count(ev["total"]),
            share=fmt.pct(share),
        )
        return [_Stat(fmt.t("html-ev-missing"), value)]
    if "total" in ev:  # EE403
        return [_Stat(fmt.t("html-ev-total"), fmt.count(ev["total"]))]
    return []


def _finding(record: Record, data: Record, fmt: _Format, texts: _Texts) -> _Finding:
    subject, ev = record["subject"], record["evidence"]
    suppressed = _is_suppressed(record, fmt.threshold)
    metric = subject.get("metric")
    rate_label = ""
    compared = suppressed and subject.get("group") and subject.get("reference")
    if "group_numerator" in ev or (compared and metric in METRICS):
        sides = _sides(record, data, fmt, suppressed)
        stats = _comparison_stat(ev, fmt, suppressed) + _comparison_stats(
            ev, fmt, suppressed, data["config"]
        )
        if "stratum" in ev and not suppressed:
            stats += _stratum_stats(record, data, fmt)
        if metric is None or metric == "selection_share_vs_random_sample":
            rate_label = fmt.t("html-ev-share")
        else:
            key = metric_label_key(metric, favourable=bool(data["config"]["favourable"]))
            rate_label = message(key, language=fmt.language)
            rate_label = rate_label[:1].upper() + rate_label[1:]
    else:
        sides = ()
        stats = _other_stats(record, fmt, suppressed)
    registered = CODES.get(record["code"])
    return _Finding(
        anchor=f"f-{record['fingerprint']}",
        code=record["code"],
        name=registered.name if registered is not None else str(record["name"]),
        severity=record["severity"] or "suppressed",
        certainty=record["certainty"] or "suppressed",
        message=_finding_message(record, fmt, suppressed),
        suppressed=suppressed,
        attributes=_labels(subject["attributes"]),
        rate_label=rate_label,
        sides=sides,
        stats=tuple(stats),
        method=_method_text(ev, fmt),
        norms=tuple(texts.norm(n) for n in record["norms"]),
        also_in=_also_in(ev, fmt, suppressed),
    )


# ---------------------------------------------------------------------------------------
# Toets parts and the research plan
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Question:
    text: str
    needed: str
    part_label: str


@dataclass(frozen=True)
class _Item:
    """A finding within a part: shown in full, or a pointer to where it is shown."""

    finding: _Finding
    full: bool
    shown_in: str


@dataclass(frozen=True)
class _CodeGroup:
    code: str
    name: str
    what: str
    items: tuple[_Item, ...]
    #: EE401 where it is shown in full: its "too little data" tables instead of cards.
    tables: tuple[SufficiencyTable, ...] = ()
    #: EE401 where it is shown elsewhere: one line that points to the tables.
    note: str = ""


@dataclass(frozen=True)
class _Part:
    id: str
    label: str
    verified: bool
    summary: str
    count: int
    groups: tuple[_CodeGroup, ...]
    answered: tuple[_Question, ...]
    open: tuple[_Question, ...]
    has_questions: bool


def _code_what(code: str, language: str) -> str:
    registered = CODES.get(code)
    return registered.doc("what", language) if registered is not None else ""


def _group_by_code(items: Sequence[_Item], language: str) -> tuple[_CodeGroup, ...]:
    order: list[str] = []
    by_code: dict[str, list[_Item]] = {}
    for item in items:
        if item.finding.code not in by_code:
            order.append(item.finding.code)
            by_code[item.finding.code] = []
        by_code[item.finding.code].append(item)
    return tuple(
        _CodeGroup(
            code=code,
            name=by_code[code][0].finding.name,
            what=_code_what(code, language),
            items=tuple(by_code[code]),
        )
        for code in order
    )


def _parts(
    data: Record, findings: Mapping[str, _Finding], fmt: _Format, texts: _Texts
) -> tuple[tuple[_Part, ...], tuple[_CodeGroup, ...]]:
    """Build the parts, each finding shown in full once (in the first part it informs)."""
    labels = {c["part"]: texts.part_label(c["part"], c["title"]) for c in data["coverage"]}
    questions: dict[str, list[tuple[Record, _Question]]] = {}
    for item in data["plan"]:
        text, needed = texts.question(item)
        question = _Question(text=text, needed=needed, part_label=labels.get(item["part"], ""))
        questions.setdefault(item["part"], []).append((item, question))
    shown: dict[str, str] = {}
    parts = []
    for cov in data["coverage"]:
        items = []
        for fingerprint in cov["findings"]:
            finding = findings.get(fingerprint)
            if finding is None:
                continue
            full = fingerprint not in shown
            if full:
                shown[fingerprint] = labels[cov["part"]]
            items.append(_Item(finding=finding, full=full, shown_in=shown[fingerprint]))
        own = questions.get(cov["part"], [])
        parts.append(
            _Part(
                id=cov["part"],
                label=labels[cov["part"]],
                verified=bool(cov["verified"]),
                summary=texts.part_summary(cov["part"]),
                count=len(items),
                groups=_group_by_code(items, fmt.language),
                answered=tuple(q for item, q in own if item["answerable"]),
                open=tuple(q for item, q in own if not item["answerable"]),
                has_questions=bool(own),
            )
        )
    others = [
        _Item(finding=f, full=True, shown_in="")
        for fingerprint, f in findings.items()
        if fingerprint not in shown
    ]
    return tuple(parts), _group_by_code(others, fmt.language)


def _with_sufficiency_tables(
    groups: tuple[_CodeGroup, ...], tables: tuple[SufficiencyTable, ...], fmt: _Format
) -> tuple[_CodeGroup, ...]:
    """EE401 as one table per grouping where it is shown in full, a pointer elsewhere."""
    out = []
    for group in groups:
        if group.code != SUFFICIENCY_CODE or not tables:
            out.append(group)
        elif any(item.full for item in group.items):
            out.append(replace(group, items=(), tables=tables))
        else:
            shown_in = group.items[0].shown_in if group.items else ""
            note = fmt.t("html-sufficiency-pointer", count=len(group.items), part=shown_in)
            out.append(replace(group, items=(), note=note))
    return tuple(out)


def _unanswered(data: Record, texts: _Texts) -> tuple[_Question, ...]:
    labels = {c["part"]: texts.part_label(c["part"], c["title"]) for c in data["coverage"]}
    out = []
    for item in data["plan"]:
        if item["answerable"]:
            continue
        text, needed = texts.question(item)
        out.append(_Question(text=text, needed=needed, part_label=labels.get(item["part"], "")))
    return tuple(out)


# ---------------------------------------------------------------------------------------
# Charts (inline SVG)
# ---------------------------------------------------------------------------------------

_CHART_WIDTH = 560
_LABEL_RIGHT = 160  # right edge of the group labels
_PLOT_LEFT = 172
_PLOT_RIGHT = 490
_VALUE_LEFT = 500
_ROW_HEIGHT = 30
_TOP = 46  # room for the reference label and the axis labels
_BOTTOM = 12
_MAX_LABEL = 22


@dataclass(frozen=True)
class _ChartRow:
    label: str
    short_label: str
    is_reference: bool
    suppressed: bool
    aria: str
    cases: str
    selected: str
    value: str
    interval: str
    y: str
    y_text: str
    x: str = ""
    x_low: str = ""
    x_high: str = ""
    cap_top: str = ""
    cap_bottom: str = ""
    gap_y: str = ""


@dataclass(frozen=True)
class _Tick:
    x: str
    label: str


@dataclass(frozen=True)
class _Chart:
    """One dot-and-whisker chart with its data table.

    ``stage`` is ``None`` for the decision under audit; per-stage charts set it.
    """

    id: str
    title: str
    desc: str
    attribute: str
    metric: str
    stage: str | None
    rows: tuple[_ChartRow, ...]
    ticks: tuple[_Tick, ...]
    width: int
    height: int
    plot_left: int
    plot_right: int
    label_right: int
    value_left: int
    axis_y: str
    reference_x: str
    reference_label_x: str
    reference_label: str
    gap_label_x: str
    grid_top: str
    grid_bottom: str


def _axis(value: float) -> tuple[float, int]:
    """Return a round axis maximum above ``value`` and the number of tick intervals.

    The maximum is 1, 2, 2.5 or 5 times a power of ten, divided into intervals whose
    width is itself round (0.2, 0.5, 0.5 and 1 times that power).
    """
    if value <= 0:
        return 0.01, 5
    exponent = math.floor(math.log10(value))
    for step, divisions in ((1.0, 5), (2.0, 4), (2.5, 5), (5.0, 5), (10.0, 5)):
        candidate = step * 10.0**exponent
        if candidate >= value * (1 - 1e-9):
            return min(candidate, 1.0), divisions
    return 1.0, 5  # pragma: no cover - the loop always returns


def _tick_digits(step: float) -> int:
    """Decimals needed to print a tick step given in percent."""
    for digits in range(4):
        if abs(round(step, digits) - step) < 1e-9:
            return digits
    return 4


def _coordinate(value: float) -> str:
    """SVG coordinates: always a decimal point, one decimal, no locale."""
    return f"{value:.1f}"


def _shorten(label: str) -> str:
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"


def _reference_labels(data: Record) -> dict[tuple[str, ...], tuple[tuple[str, ...], str]]:
    """Return the reference group and rule per grouping, from the selection-rate comparisons."""
    out: dict[tuple[str, ...], tuple[tuple[str, ...], str]] = {}
    for c in data["comparisons"]:
        if c["metric"] == "selection_rate":
            out.setdefault(tuple(c["attributes"]), (tuple(c["reference"]), c["reference_rule"]))
    return out


@dataclass(frozen=True)
class _Point:
    """One group in a dot-and-whisker chart, taken from one publishable record.

    ``value`` ``None`` draws a gap labelled ``gap`` (suppressed, or not defined);
    ``low``/``high`` ``None`` draws the dot without an interval.
    """

    label: str
    is_reference: bool
    value: float | None = None
    low: float | None = None
    high: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    gap: str = ""
    gap_aria: str = ""


def _dot_chart(
    points: Sequence[_Point],
    fmt: _Format,
    *,
    chart_id: str,
    title: str,
    attribute: str,
    metric: str,
    stage: str | None,
    reference: Sequence[str],
    level: str,
) -> _Chart:
    """Lay out one dot-and-whisker chart: an axis rounded above the largest bound."""
    shown = [p for p in points if p.value is not None]
    highs = [p.high for p in shown if p.high is not None] + [
        p.value for p in shown if p.value is not None
    ]
    top, divisions = _axis(max(highs, default=0.0))
    span = _PLOT_RIGHT - _PLOT_LEFT

    def x_of(value: float) -> float:
        return _PLOT_LEFT + span * min(max(value / top, 0.0), 1.0)

    rows = []
    reference_value: float | None = None
    for i, p in enumerate(points):
        y = _TOP + _ROW_HEIGHT * i + _ROW_HEIGHT / 2
        base = _ChartRow(
            label=p.label,
            short_label=_shorten(p.label),
            is_reference=p.is_reference,
            suppressed=True,
            aria=p.gap_aria,
            cases=p.gap,
            selected="",
            value="",
            interval="",
            y=_coordinate(y),
            y_text=_coordinate(y + 4.5),
            gap_y=_coordinate(y - 10),
        )
        if p.value is None:
            rows.append(base)
            continue
        if p.is_reference:
            reference_value = p.value
        if p.low is None or p.high is None:
            low = high = p.value
            aria = fmt.t("html-chart-row-no-interval", group=p.label, value=fmt.pct(p.value))
            interval = fmt.undefined
        else:
            low, high = p.low, p.high
            aria = fmt.t(
                "html-chart-row",
                group=p.label,
                value=fmt.pct(p.value),
                level=level,
                low=fmt.pct(low),
                high=fmt.pct(high),
            )
            interval = fmt.t("html-range", low=fmt.pct(low), high=fmt.pct(high))
        rows.append(
            replace(
                base,
                suppressed=False,
                gap_y="",
                aria=aria,
                cases=fmt.count(p.denominator),
                selected=fmt.count(p.numerator),
                value=fmt.pct(p.value),
                interval=interval,
                x=_coordinate(x_of(p.value)),
                x_low=_coordinate(x_of(low)),
                x_high=_coordinate(x_of(high)),
                cap_top=_coordinate(y - 6),
                cap_bottom=_coordinate(y + 6),
            )
        )
    grid_bottom = _TOP + _ROW_HEIGHT * len(points)
    digits = _tick_digits(100 * top / divisions)
    ticks = tuple(
        _Tick(
            x=_coordinate(x_of(top * k / divisions)),
            label=fmt.number(100 * top * k / divisions, digits) + "%",
        )
        for k in range(divisions + 1)
    )
    reference_label = _labels(reference)
    if reference_value is not None:
        desc = fmt.t(
            "html-chart-desc",
            level=level,
            reference=reference_label,
            value=fmt.pct(reference_value),
        )
    else:
        desc = fmt.t("html-chart-desc-no-reference", level=level)
    return _Chart(
        id=chart_id,
        title=title,
        desc=desc,
        attribute=attribute,
        metric=metric,
        stage=stage,
        rows=tuple(rows),
        ticks=ticks,
        width=_CHART_WIDTH,
        height=grid_bottom + _BOTTOM,
        plot_left=_PLOT_LEFT,
        plot_right=_PLOT_RIGHT,
        label_right=_LABEL_RIGHT,
        value_left=_VALUE_LEFT,
        axis_y=_coordinate(_TOP - 8),
        reference_x="" if reference_value is None else _coordinate(x_of(reference_value)),
        reference_label_x=""
        if reference_value is None
        else _coordinate(min(max(x_of(reference_value), _PLOT_LEFT + 40), _PLOT_RIGHT)),
        reference_label=fmt.t("html-chart-reference-marker", reference=reference_label),
        gap_label_x=_coordinate((_PLOT_LEFT + _PLOT_RIGHT) / 2),
        grid_top=_coordinate(_TOP - 4),
        grid_bottom=_coordinate(grid_bottom),
    )


def _suppressed_point(label: str, is_reference: bool, fmt: _Format) -> _Point:
    return _Point(
        label=label,
        is_reference=is_reference,
        gap=fmt.suppressed,
        gap_aria=fmt.t("html-chart-row-suppressed", group=label, threshold=fmt.threshold),
    )


def _selection_rate_charts(data: Record, fmt: _Format) -> list[_Chart]:
    """One chart per single group attribute: selection rate per group with interval."""
    references = _reference_labels(data)
    key = metric_label_key("selection_rate", favourable=bool(data["config"]["favourable"]))
    metric = message(key, language=fmt.language)
    metric_title = metric[:1].upper() + metric[1:]
    charts = []
    for index, attribute in enumerate(data["roles"]["groups"], start=1):
        records = [
            r
            for r in data["rates"]
            if r["metric"] == "selection_rate" and r["attributes"] == [attribute]
        ]
        if not records:
            continue
        reference = references.get((attribute,), ((), ""))[0]
        points = []
        for r in records:
            label = _labels(r["group"])
            is_reference = tuple(r["group"]) == reference
            if r["suppressed"] or r["value"] is None:
                points.append(_suppressed_point(label, is_reference, fmt))
                continue
            ci = r["confidence_interval"]
            points.append(
                _Point(
                    label=label,
                    is_reference=is_reference,
                    value=r["value"],
                    low=ci["low"] if ci["low"] is not None else r["value"],
                    high=ci["high"] if ci["high"] is not None else r["value"],
                    numerator=r["numerator"],
                    denominator=r["denominator"],
                )
            )
        charts.append(
            _dot_chart(
                points,
                fmt,
                chart_id=f"chart-{index}",
                title=fmt.t("html-chart-title", metric=metric_title, attribute=attribute),
                attribute=attribute,
                metric=metric,
                stage=None,
                reference=reference,
                level=fmt.level(records[0].get("confidence_level")),
            )
        )
    return charts


#: The chart builders of the decision under audit, in the order their charts appear.
#: The process chain has its own builder, :func:`_chain_charts`, whose panels are
#: :class:`_Chart` objects with ``stage`` set.
_CHART_BUILDERS: tuple[Callable[[Record, _Format], list[_Chart]], ...] = (_selection_rate_charts,)


# ---------------------------------------------------------------------------------------
# Per process step (the process chain)
# ---------------------------------------------------------------------------------------

_PANEL_TITLE = 24  # room for a step's title above its panel
_PANEL_GAP = 18  # space between two panels (with a separator line)
_CHAIN_SHAPES = ("funnel", "strata")
_CHAIN_REASONS = ("requested", "no-case-skips-a-step", "cases-skip-a-step")
_CHAIN_BASES = ("conditional", "crude", "stratified")


@dataclass(frozen=True)
class _Panel:
    """One step of a chain chart: its title and a chart of the groups' rates there."""

    title: str
    chart: _Chart
    y: str  # offset of the panel's plot in the chart
    title_y: str
    separator_y: str  # "" for the first panel


@dataclass(frozen=True)
class _Sentence:
    """Per group: who is compared with whom (``lead``), and the step that adds (``text``)."""

    lead: str
    text: str
    step: str | None  # the step named, if any
    suppressed: bool


@dataclass(frozen=True)
class _ChainChart:
    """Per group attribute: one panel per process step, a table, one sentence per group."""

    id: str
    title: str
    desc: str
    attribute: str
    panels: tuple[_Panel, ...]
    width: int
    height: int
    sentences: tuple[_Sentence, ...]


@dataclass(frozen=True)
class _Chain:
    """The section on the process chain: what was assumed, and a chart per attribute."""

    shape: str
    intro: tuple[str, ...]
    charts: tuple[_ChainChart, ...]


def _rate_interval(
    numerator: float | None, denominator: float | None, weighted: bool, data: Record
) -> tuple[float | None, float | None]:
    """Interval of a step's rate from the record's counts, as the audit computes rates.

    Weighted records give no interval: the effective counts are not in the record.
    """
    if weighted or numerator is None or denominator is None or denominator <= 0:
        return None, None
    config = data["config"]
    low, high = proportion_interval(
        numerator,
        denominator,
        confidence_level=config["confidence_level"],
        method=config["interval_method"],
    )
    return float(low), float(high)


def _chain_step_points(
    records: Sequence[Record], order: Sequence[tuple[str, ...]], data: Record, fmt: _Format
) -> tuple[tuple[str, ...], list[_Point]]:
    """Return the reference and every group at one step, in the decision chart's order."""
    reference = tuple(records[0]["reference"])
    by_group = {tuple(r["group"]): r for r in records}
    groups = [g for g in order if g == reference or g in by_group]
    groups += [g for g in [reference, *by_group] if g not in groups]
    known = next(
        (r for r in records if not r["suppressed"] and r["reference_value"] is not None), None
    )
    points = []
    for group in groups:
        label = _labels(group)
        if group == reference:
            if known is None:
                points.append(_suppressed_point(label, True, fmt))
                continue
            x, n, value = (
                known["reference_numerator"],
                known["reference_denominator"],
                known["reference_value"],
            )
        else:
            r = by_group[group]
            if r["suppressed"]:
                points.append(_suppressed_point(label, False, fmt))
                continue
            x, n, value = r["group_numerator"], r["group_denominator"], r["group_value"]
        if value is None:
            points.append(
                _Point(
                    label=label,
                    is_reference=group == reference,
                    gap=fmt.undefined,
                    gap_aria=fmt.t("html-chart-row-undefined", group=label),
                )
            )
            continue
        low, high = _rate_interval(x, n, bool(records[0].get("weighted")), data)
        points.append(
            _Point(
                label=label,
                is_reference=group == reference,
                value=value,
                low=low,
                high=high,
                numerator=x,
                denominator=n,
            )
        )
    return reference, points


def _group_records(step: Record, attribute: str) -> list[Record]:
    """Return the group-versus-reference records of one step for one attribute.

    Conditional and cumulative (funnel) or crude (strata shape): the counts behind the
    step's ratio in the sentences.  A within-stratum cell is not among them: like
    ``to_dict``, the pooled Mantel–Haenszel ratio is published when the step's own
    counts are not small.
    """
    return [
        r
        for key in ("conditional", "cumulative", "crude")
        for r in step.get(key) or ()
        if r["attributes"] == [attribute]
    ]


def _chain_sentence(
    attribution: Record, suppressed: bool, data: Record, fmt: _Format, level: str
) -> _Sentence:
    """One sentence: the step that adds the group's disparity, with its ratio and certainty."""
    lead = fmt.t(
        "html-chain-lead",
        group=_labels(attribution["group"]),
        reference=_labels(attribution["reference"]),
    )
    if suppressed:
        text = fmt.t("html-chain-group-suppressed", threshold=fmt.threshold)
        return _Sentence(lead=lead, text=text, step=None, suppressed=True)
    adding = next(
        (r for r in attribution["ratios_by_step"] if r["step"] == attribution["adding_step"]),
        None,
    )
    if adding is None:
        text = fmt.t("html-chain-no-step", low=fmt.plain(data["config"]["thresholds"]["low"]))
        return _Sentence(lead=lead, text=text, step=None, suppressed=False)
    basis = adding["basis"]
    certainty = "html-chain-established" if adding["established"] else "html-chain-not-established"
    if adding["low"] is None or adding["high"] is None:
        interval = fmt.undefined
    else:
        interval = fmt.t("html-range", low=fmt.plain(adding["low"]), high=fmt.plain(adding["high"]))
    text = fmt.t(
        "html-chain-adds",
        step=adding["step"],
        ratio=fmt.ratio(adding["ratio"]),
        basis=fmt.t(f"html-chain-basis-{basis}") if basis in _CHAIN_BASES else str(basis),
        level=level,
        interval=interval,
        certainty=fmt.t(certainty, pvalue=fmt.pvalue(adding["pvalue_adjusted"])),
    )
    reducing = attribution.get("reducing_steps") or []
    if reducing:
        steps = ", ".join(f"'{s}'" for s in reducing)
        text += " " + fmt.t("html-chain-reducing", steps=steps)
    return _Sentence(lead=lead, text=text, step=str(adding["step"]), suppressed=False)


def _chain_panels(
    data: Record, fmt: _Format, attribute: str, index: int, kind: str, order: Sequence[Any]
) -> tuple[list[_Panel], list[tuple[str, float | None]], tuple[str, ...], int]:
    """One panel per step for one attribute; the reference's rate per step; the height."""
    steps = data["chain"]["steps"]
    decision = data["roles"]["decision"]
    panels: list[_Panel] = []
    reference_values: list[tuple[str, float | None]] = []
    reference: tuple[str, ...] = ()
    offset = 0
    for k, step in enumerate(steps, start=1):
        records = [r for r in step[kind] if r["attributes"] == [attribute]]
        if not records:
            continue
        reference, points = _chain_step_points(records, order, data, fmt)
        key = "html-chain-panel-decision" if step["name"] == decision else "html-chain-panel"
        title = fmt.t(key, index=k, count=len(steps), step=step["name"])
        chart = _dot_chart(
            points,
            fmt,
            chart_id=f"chain-{index}-step-{k}",
            title=title,
            attribute=attribute,
            metric=fmt.t(f"html-chain-metric-{kind}"),
            stage=step["name"],
            reference=reference,
            level=fmt.level(records[0].get("confidence_level")),
        )
        if panels:
            offset += _PANEL_GAP
        panels.append(
            _Panel(
                title=title,
                chart=chart,
                y=_coordinate(offset + _PANEL_TITLE),
                title_y=_coordinate(offset + 16),
                separator_y=_coordinate(offset - _PANEL_GAP / 2) if panels else "",
            )
        )
        offset += _PANEL_TITLE + chart.height
        value = next((p.value for p in points if p.is_reference), None)
        reference_values.append((step["name"], value))
    return panels, reference_values, reference, offset


def _chain_charts(data: Record, fmt: _Format) -> _Chain | None:
    """Per single group attribute, the groups' rates at every step of the process chain.

    In a funnel each step shows the conditional rate (among the cases that reached it);
    in the strata shape the crude rate (over all cases).  The step that adds a group's
    disparity comes from the chain's attributions; a group with a suppressed record
    anywhere in the chain gets no numbers, and no named step either.
    """
    chain = data.get("chain")
    if not chain or not chain["steps"] or chain["shape"] not in _CHAIN_SHAPES:
        return None
    kind = "conditional" if chain["shape"] == "funnel" else "crude"
    level = fmt.level(data["config"]["confidence_level"])
    rate_order = [tuple(r["group"]) for r in data["rates"] if r["metric"] == "selection_rate"]
    charts = []
    for index, attribute in enumerate(data["roles"]["groups"], start=1):
        panels, reference_values, reference, height = _chain_panels(
            data, fmt, attribute, index, kind, rate_order
        )
        if not panels:
            continue
        values = "; ".join(
            fmt.t("html-chain-desc-value", step=step, value=fmt.pct(value))
            for step, value in reference_values
            if value is not None
        )
        desc = fmt.t(f"html-chain-desc-{kind}", level=level, reference=_labels(reference))
        if values:
            desc += " " + fmt.t("html-chain-desc-reference", values=values)
        hidden = {
            tuple(r["group"])
            for step in chain["steps"]
            for r in _group_records(step, attribute)
            if r["suppressed"]
        }
        sentences = tuple(
            _chain_sentence(
                a,
                tuple(a["group"]) in hidden
                or bool(a["overall"] and a["overall"].get("suppressed")),
                data,
                fmt,
                level,
            )
            for a in chain["attributions"]
            if a["attributes"] == [attribute]
        )
        charts.append(
            _ChainChart(
                id=f"chain-chart-{index}",
                title=fmt.t(f"html-chain-title-{kind}", attribute=attribute),
                desc=desc,
                attribute=attribute,
                panels=tuple(panels),
                width=_CHART_WIDTH,
                height=height,
                sentences=sentences,
            )
        )
    if not charts:
        return None
    return _Chain(shape=chain["shape"], intro=_chain_intro(data, fmt), charts=tuple(charts))


def _chain_intro(data: Record, fmt: _Format) -> tuple[str, ...]:
    """Return the intro: what the section shows, which shape was assumed and why."""
    chain = data["chain"]
    shape, reason = chain["shape"], chain["shape_reason"]
    steps = " → ".join(f"'{s['name']}'" for s in chain["steps"])
    weighted = any(
        r.get("weighted") for step in chain["steps"] for r in step["conditional"] + step["crude"]
    )
    return (
        fmt.t("html-chain-intro", level=fmt.level(data["config"]["confidence_level"])),
        fmt.t(
            "html-chain-shape",
            steps=steps,
            shape=fmt.t(f"html-chain-shape-{shape}"),
            reason=fmt.t(f"html-chain-reason-{reason}") if reason in _CHAIN_REASONS else reason,
        ),
        fmt.t(f"html-chain-shown-{shape}"),
    ) + ((fmt.t("html-chain-weighted"),) if weighted else ())


# ---------------------------------------------------------------------------------------
# Summary and methods
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fact:
    label: str
    value: str
    items: tuple[str, ...] = ()


def _audited(data: Record, fmt: _Format) -> tuple[_Fact, ...]:
    roles = data["roles"]
    refs = _reference_labels(data)
    references = []
    for attribute in roles["groups"]:
        if (attribute,) in refs:
            reference, rule = refs[(attribute,)]
            known = rule in ("explicit", "largest", "most-favourable")
            references.append(
                fmt.t(
                    "html-reference-item",
                    attribute=attribute,
                    reference=_labels(reference),
                    rule=fmt.t(f"html-refrule-{rule}") if known else rule,
                )
            )
    facts = [
        _Fact(fmt.t("html-audited-decision"), fmt.t("html-column", column=roles["decision"])),
        _Fact(fmt.t("html-audited-groups"), "", tuple(roles["groups"])),
        _Fact(fmt.t("html-audited-references"), "", tuple(references)),
        _Fact(fmt.t("html-audited-rows"), fmt.count(data["provenance"]["rows"])),
        _Fact(
            fmt.t("html-audited-random"),
            fmt.t("html-column", column=roles["random_sample"])
            if roles["random_sample"]
            else fmt.t("html-audited-random-none"),
        ),
        _Fact(
            fmt.t("html-audited-outcome"),
            fmt.t("html-column", column=roles["outcome"])
            if roles["outcome"]
            else fmt.t("html-audited-outcome-none"),
        ),
    ]
    if roles["stages"]:
        facts.append(_Fact(fmt.t("html-audited-stages"), "", tuple(roles["stages"])))
    if roles["strata"]:
        facts.append(_Fact(fmt.t("html-audited-strata"), "", tuple(roles["strata"])))
    return tuple(facts)


def _top(findings: Sequence[_Finding]) -> tuple[_Finding, ...]:
    """Return the most severe findings; at equal severity the most certain first.

    "Too little data" (EE401) is a statement about the evidence, shown in its own tables,
    never one of the findings the summary leads with.
    """
    ranked = sorted(
        (f for f in findings if f.code != "EE401"),
        key=lambda f: (
            _SEVERITIES.index(f.severity) if f.severity in _SEVERITIES else len(_SEVERITIES),
            CERTAINTIES.index(f.certainty) if f.certainty in CERTAINTIES else len(CERTAINTIES),
            f.suppressed,
        ),
    )
    return tuple(ranked[:_TOP_FINDINGS])


#: The findings that answer "is the profile suitable?", in the order they are looked for.
_SUITABILITY_CODES = ("EE524", "EE521", "EE522")


def _suitability_answer(findings: Sequence[_Finding]) -> _Finding | None:
    """Return the finding that answers the suitability question, positive or negative."""
    for code in _SUITABILITY_CODES:
        for f in findings:
            if f.code == code:
                return f
    return None


def _methods(data: Record, fmt: _Format) -> dict[str, str]:
    config, roles = data["config"], data["roles"]
    thresholds = config["thresholds"]
    defaults = SeverityThresholds()
    is_default = (thresholds["low"], thresholds["medium"], thresholds["high"]) == (
        defaults.low,
        defaults.medium,
        defaults.high,
    )
    level = fmt.level(config["confidence_level"])
    alpha = fmt.plain(config["alpha"])
    rule = config["reference_rule"]
    interval = config["interval_method"]
    # every stratified analysis of this audit: declared strata and the score bands of the
    # comparisons at equal risk (so the methods never say "no strata" beside EE511/EE302)
    strata = [str(name) for name in roles["strata"]]
    discretion = data.get("discretion") or {}
    if discretion.get("risk") and discretion.get("equal_risk"):
        risk = str(discretion["risk"])
        if risk not in strata:
            strata.append(fmt.t("html-stat-strata-score", column=risk))
    return {
        "selection_rate": fmt.t("html-def-selection-rate", decision=roles["decision"]),
        "reference": fmt.t(
            "html-def-reference",
            rule=fmt.t(f"html-refrule-{rule}") if rule in ("largest", "most-favourable") else rule,
        ),
        "random": fmt.t("html-def-random", column=roles["random_sample"])
        if roles["random_sample"]
        else fmt.t("html-def-random-none"),
        "severity": fmt.t(
            "html-def-severity",
            low=fmt.plain(thresholds["low"]),
            medium=fmt.plain(thresholds["medium"]),
            high=fmt.plain(thresholds["high"]),
        ),
        "thresholds_source": fmt.t(
            "html-def-thresholds-source",
            default_low=fmt.plain(defaults.low),
            default_medium=fmt.plain(defaults.medium),
            default_high=fmt.plain(defaults.high),
        ),
        "thresholds_used": fmt.t(
            "html-def-thresholds-default" if is_default else "html-def-thresholds-custom"
        ),
        "certainty": fmt.t("html-def-certainty", alpha=alpha),
        "rates": fmt.t(
            "html-stat-rates",
            method=fmt.t(f"html-interval-{interval}")
            if interval in ("wilson", "clopper-pearson", "jeffreys")
            else interval,
            level=level,
        ),
        "comparisons": fmt.t("html-stat-comparisons"),
        "test": fmt.t("html-stat-test"),
        "adjust": fmt.t(
            "html-stat-adjust", adjustment=_adjustment(config["adjust"], fmt), alpha=alpha
        ),
        "strata": fmt.t("html-stat-strata", strata=", ".join(strata))
        if strata
        else fmt.t("html-stat-strata-none"),
        "power": fmt.t(
            "html-stat-power",
            ratio=fmt.plain(config["detectable_ratio"]),
            alpha=alpha,
            power=fmt.pct(config["power"]),
        ),
        "privacy_rule": fmt.t("html-privacy-rule", threshold=fmt.threshold),
        "privacy_source": fmt.t("html-privacy-source", threshold=fmt.threshold),
    }


# ---------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SearchRow:
    cells: tuple[str, ...]
    suppressed: bool


@dataclass(frozen=True)
class _Search:
    proxies: tuple[_SearchRow, ...]
    proxies_note: str
    subgroups: tuple[_SearchRow, ...]
    subgroups_note: str
    cluster: str


def _search(data: Record, fmt: _Format) -> _Search | None:
    """Tables of the searches: proxies of the inputs, worst-off subgroups, the cluster."""
    proxies, scan, clusters = data.get("proxies"), data.get("subgroups"), data.get("clusters")
    if proxies is None and scan is None and clusters is None:
        return None
    proxy_rows: list[_SearchRow] = []
    proxies_note = ""
    if proxies is not None:
        for a in sorted(proxies["associations"], key=lambda r: (r["attribute"], r["rank"])):
            best = next((g for g in a["groups"] if g["group"] == a["strongest_group"]), None)
            interval = (
                fmt.t(
                    "html-search-interval",
                    low=fmt.plain(best["auc_interval"]["low"]),
                    high=fmt.plain(best["auc_interval"]["high"]),
                )
                if best is not None
                else fmt.undefined
            )
            proxy_rows.append(
                _SearchRow(
                    cells=(
                        str(a["rank"]),
                        str(a["feature"]),
                        f"{a['attribute']} = {a['strongest_group']}",
                        fmt.plain(a["strength"]),
                        interval,
                        fmt.plain(a["cramers_v"]),
                    ),
                    suppressed=False,
                )
            )
        proxies_note = fmt.t(
            "html-search-proxies-note",
            rows=fmt.count(proxies["rows"]),
            total=fmt.count(proxies["total_rows"]),
            folds=proxies["cv"],
        )
    subgroup_rows: list[_SearchRow] = []
    subgroups_note = ""
    if scan is not None:
        for record in scan["top"]:
            labels = ", ".join(
                f"{a} = {g}" for a, g in zip(record["attributes"], record["group"], strict=True)
            )
            small = bool(record.get("suppressed"))
            subgroup_rows.append(
                _SearchRow(
                    cells=(
                        str(record["rank"]),
                        labels,
                        fmt.count(record["group_denominator"]),
                        fmt.pct(record["group_value"]),
                        fmt.pct(record["reference_value"]),
                        fmt.ratio(record["ratio"]),
                        fmt.pvalue(record["pvalue_adjusted"]),
                    ),
                    suppressed=small,
                )
            )
        subgroups_note = fmt.t(
            "html-search-subgroups-note",
            tested=fmt.count(scan["tested"]),
            untested=fmt.count(scan["not_tested"]),
            order=scan["max_order"],
            size=fmt.count(scan["min_size"]),
        )
    cluster = ""
    if clusters is not None and clusters["tests"]:
        test = clusters["tests"][0]
        comparison = test["comparison"]
        described = next((c for c in clusters["clusters"] if c["label"] == test["label"]), None)
        if described is not None and not comparison.get("suppressed"):
            cluster = fmt.t(
                "html-search-cluster",
                label=test["label"],
                target=clusters["target"],
                value=fmt.pct(comparison["group_value"]),
                rest=fmt.pct(comparison["reference_value"]),
                ratio=fmt.ratio(comparison["ratio"]),
                pvalue=fmt.pvalue(comparison["pvalue_adjusted"]),
                description=described["description"],
            )
        elif described is not None:
            cluster = fmt.t("html-search-cluster-suppressed", label=test["label"])
    return _Search(
        proxies=tuple(proxy_rows),
        proxies_note=proxies_note,
        subgroups=tuple(subgroup_rows),
        subgroups_note=subgroups_note,
        cluster=cluster,
    )


def render_html(
    result: AuditResult, *, language: str | None = None, threshold: int | None = None
) -> str:
    """Render an audit result as one self-contained, printable HTML page.

    Parameters
    ----------
    result : AuditResult
        The audit.  Only its publishable data, ``result.to_dict(suppress=True)``, is used
        for numbers, so small cells never appear.
    language : {'nl', 'en'}, optional
        Language of the page (default: the result's language).  Finding sentences are
        rebuilt in this language from the suppressed evidence.
    threshold : int, optional
        Suppression threshold (default: the audit's ``suppression_threshold``).  ``0``
        shows every number and marks the page as not fit for publication.

    Returns
    -------
    str
        The HTML document (UTF-8 text), byte-identical for the same result and options.

    Raises
    ------
    ValueError
        If ``language`` is not ``'nl'`` or ``'en'``.

    Examples
    --------
    >>> import eerlijkheid
    >>> from eerlijkheid.datasets import welfare_reexamination
    >>> result = eerlijkheid.audit(welfare_reexamination(n=5_000, seed=1),
    ...                            decision="geselecteerd", groups=["geslacht"])
    >>> page = render_html(result, language="en")
    >>> page.startswith("<!DOCTYPE html>"), '<section id="summary"' in page
    (True, True)
    """
    lang = result.language if language is None else language
    if lang not in LANGUAGES:
        raise ValueError(
            message(
                "invalid-option",
                name="language",
                allowed=", ".join(repr(x) for x in LANGUAGES),
                value=repr(language),
            )
        )
    # labels are user data: control and format characters become visible escapes
    data = neutralise_tree(result.to_dict(suppress=True, threshold=threshold))
    limit = int(data["suppression"]["threshold"])
    fmt = _Format(language=lang, threshold=limit)
    texts = _Texts(data, lang)

    findings = {r["fingerprint"]: _finding(r, data, fmt, texts) for r in data["findings"]}
    ordered = tuple(findings.values())
    counts: list[tuple[str, int]] = [
        (s, sum(f.severity == s for f in ordered)) for s in _SEVERITIES
    ]
    hidden = sum(f.severity == "suppressed" for f in ordered)
    if hidden:  # their grades are not published, not even in the totals per grade
        counts.append(("suppressed", hidden))
    parts, others = _parts(data, findings, fmt, texts)
    tables = sufficiency_tables(data, lang)
    parts = tuple(
        replace(part, groups=_with_sufficiency_tables(part.groups, tables, fmt)) for part in parts
    )
    others = _with_sufficiency_tables(others, tables, fmt)
    charts = [chart for build in _CHART_BUILDERS for chart in build(data, fmt)]
    provenance = data["provenance"]

    template = _ENV.get_template("report.html.j2")
    return _bdi(
        template.render(
            t=fmt.t,
            lang=lang,
            decision=data["roles"]["decision"],
            version=provenance["library_version"],
            provenance=fmt.t(
                "html-provenance",
                version=provenance["library_version"],
                schema=provenance["schema_version"],
                config=provenance["config_fingerprint"],
                data=provenance["data_fingerprint"],
                catalogue=provenance["catalogue_version"],
                backend=provenance["backend"],
            ),
            audited=_audited(data, fmt),
            counts=counts,
            total=len(ordered),
            suppressed_count=sum(f.suppressed for f in ordered),
            top=_top(ordered),
            suitability=_suitability_answer(ordered),
            parts=parts,
            others=others,
            charts=charts,
            chain=_chain_charts(data, fmt),
            search=_search(data, fmt),
            random_sample=data["roles"]["random_sample"],
            level=fmt.level(data["config"]["confidence_level"]),
            unanswered=_unanswered(data, texts),
            methods=_methods(data, fmt),
            threshold=limit,
            output_check=output_check(data["suppression"], lang),
        )
    )
