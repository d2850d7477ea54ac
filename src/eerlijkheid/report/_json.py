"""The JSON output, its JSON Schema, and the one diagnostic model every other format renders.

Like ruff, eerlijkheid has one diagnostic model and several renderers (json, markdown,
junit, github, text).  The model here is built from the *publishable* data only
(:func:`publishable`: ``result.to_dict(suppress=True, threshold=...)``).  A renderer never
reads numbers from the :class:`~eerlijkheid.audit.AuditResult` itself, so a small cell that
the suppression hides cannot reappear in any format.  The gate adds a status to each
finding: ``new``, ``worsened`` or ``unchanged`` when it reaches the bar (see
:mod:`eerlijkheid.gate`), and ``None`` when it stays below it.

The JSON document is :meth:`AuditResult.to_json` with suppression on (plus the EE402
guard of :func:`publishable`): sorted keys, no NaN, no timestamps, so the same input gives
byte-identical output.  Its layout is described by
a JSON Schema (draft 2020-12) shipped as ``report/schema/audit-1.schema.json``; the ``1``
is :data:`eerlijkheid.audit.SCHEMA_VERSION`.

Examples
--------
>>> from eerlijkheid.report._json import schema
>>> s = schema()
>>> s["$schema"], s["properties"]["schema_version"]["const"]
('https://json-schema.org/draft/2020-12/schema', 1)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from eerlijkheid.audit import AuditResult
from eerlijkheid.disclosure import is_hidden_character, neutralise_tree
from eerlijkheid.gate import BaselineEntry, Gate, GateReport, Status, evaluate
from eerlijkheid.i18n import message, message_keys
from eerlijkheid.toets import load_catalogue

__all__ = ["render_json", "schema"]

_SCHEMA_FILE = "audit-1.schema.json"

Level = Literal["error", "warning", "notice"]


def publishable(result: AuditResult, *, threshold: int | None = None) -> dict[str, Any]:
    """Return the publishable data every format renders: ``to_dict(suppress=True)``.

    Every record whose counts include a small cell — comparisons, rates, findings (also
    the missing-label count of EE402), process evidence — has its numbers set to ``null``
    and a message without numbers (see :mod:`eerlijkheid.disclosure`).

    Parameters
    ----------
    result : AuditResult
        The audit.
    threshold : int, optional
        Suppression threshold (default: the audit's).

    Returns
    -------
    dict
        JSON-ready data.
    """
    return result.to_dict(suppress=True, threshold=threshold)


def _output_label(key: str, language: str) -> str:
    """Return the reader's word for an output-check identifier (else the identifier)."""
    full = f"fmt-output-{key}"
    return message(full, language=language) if full in message_keys() else key.split("-", 1)[1]


def output_check(summary: Mapping[str, Any], language: str) -> str:
    """Return the output-checking summary in one sentence (as ACRO reports it).

    Examples
    --------
    >>> output_check({"applied": False, "threshold": 10}, "en")
    'Output check: NOT applied; this output is for internal use only.'
    """
    if not summary.get("applied"):
        return message("fmt-output-check-off", language=language)
    return message(
        "fmt-output-check",
        language=language,
        rule=_output_label(f"rule-{summary.get('rule', 'threshold')}", language),
        threshold=summary["threshold"],
        protection=summary.get("protection", summary["threshold"]),
        records=summary.get("records", 0),
        primary=summary.get("primary", 0),
        secondary=summary.get("secondary", 0),
        derived=summary.get("derived", 0),
        findings=summary.get("findings", 0),
        checked=", ".join(
            _output_label(f"section-{k}", language) for k in summary.get("checked", ())
        ),
    )


#: Candidates for a hidden character (anything but printable ASCII and the layout of
#: the document); :func:`eerlijkheid.disclosure.is_hidden_character` decides.
_CANDIDATE = re.compile(r"[^\x20-\x7e\n]")


def _escape_hidden(text: str) -> str:
    """Write control and format characters as JSON escapes (the data is unchanged)."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if not is_hidden_character(char):
            return char
        code = ord(char)
        if code > 0xFFFF:  # a surrogate pair, as JSON writes it
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"

    return _CANDIDATE.sub(escape, text)


def render_json(result: AuditResult, *, threshold: int | None = None) -> str:
    """Render the audit as canonical, publishable JSON (small cells suppressed).

    Parameters
    ----------
    result : AuditResult
        The audit.
    threshold : int, optional
        Suppression threshold (default: the audit's ``suppression_threshold``).

    Returns
    -------
    str
        The JSON document: sorted keys, two-space indent, UTF-8 text; byte-identical for
        identical input.  It validates against :func:`schema`.

    Examples
    --------
    >>> import json
    >>> from eerlijkheid import audit
    >>> from eerlijkheid.datasets import welfare_reexamination
    >>> result = audit(welfare_reexamination(n=2_000, seed=0), decision="geselecteerd",
    ...                groups="geslacht", language="en")
    >>> data = json.loads(render_json(result))
    >>> check = data["suppression"]
    >>> data["schema_version"], check["applied"], check["threshold"], check["rule"]
    (1, True, 10, 'threshold')
    """
    text = json.dumps(
        publishable(result, threshold=threshold),
        indent=2,
        sort_keys=True,
        ensure_ascii=False,
        allow_nan=False,
    )
    return _escape_hidden(text)


@cache
def _schema_text() -> str:
    return (
        resources.files("eerlijkheid.report")
        .joinpath("schema")
        .joinpath(_SCHEMA_FILE)
        .read_text("utf-8")
    )


def schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the JSON output, as a fresh dict.

    Returns
    -------
    dict
        The schema of :func:`render_json`'s document (``schema_version`` 1).

    Examples
    --------
    >>> schema()["title"]
    'eerlijkheid audit result'
    """
    loaded: dict[str, Any] = json.loads(_schema_text())
    return loaded


# ---------------------------------------------------------------------------------------
# The shared diagnostic model
# ---------------------------------------------------------------------------------------


def labels(values: Sequence[str]) -> str:
    """Join group labels or attribute names as the finding messages do (``a × b``)."""
    return " × ".join(values)


def subject_text(subject: Mapping[str, Any], *, with_stage: bool = False) -> str:
    """Describe a finding's subject in one language-neutral line.

    ``migratieachtergrond=niet-westers, geslacht=man · selection_rate`` for a comparison,
    the column for an input variable, the attribute for a data-quality finding, and an
    empty string for findings about the whole audit.  The metric is part of it because
    one group can have findings on several metrics under the same code.
    """
    parts: list[str] = []
    attributes = [str(a) for a in subject.get("attributes") or ()]
    group = [str(g) for g in subject.get("group") or ()]
    if group and len(group) == len(attributes):
        parts.append(", ".join(f"{a}={g}" for a, g in zip(attributes, group, strict=True)))
    elif attributes:
        parts.append(", ".join(attributes))
    if subject.get("column"):
        parts.append(str(subject["column"]))
    if subject.get("metric"):
        parts.append(str(subject["metric"]))
    if with_stage and subject.get("stage"):
        parts.append(str(subject["stage"]))
    return " · ".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    """One finding as the renderers show it: publishable data plus its gate status.

    Attributes
    ----------
    record : mapping
        The finding as in ``to_dict(suppress=True)``: evidence blanked and message
        without numbers when it involves a small cell.
    subject : str
        :func:`subject_text` of the finding's subject.
    status : {'new', 'worsened', 'unchanged'} or None
        Its gate status; ``None`` when it is below the bar or no gate was given.
    level : {'error', 'warning', 'notice'}
        ``error`` when it blocks the gate (new or worsened), ``notice`` for an
        ``info`` finding below the bar, ``warning`` otherwise.
    language : {'nl', 'en'}
        Language of the message.
    """

    record: Mapping[str, Any]
    subject: str
    status: Status | None
    level: Level
    language: str = "nl"

    @property
    def code(self) -> str:
        """The finding code."""
        return str(self.record["code"])

    @property
    def name(self) -> str:
        """The code's kebab-case name."""
        return str(self.record["name"])

    @property
    def severity(self) -> str:
        """How large (``"suppressed"`` when the finding is not published)."""
        severity = self.record["severity"]
        return "suppressed" if severity is None else str(severity)

    @property
    def certainty(self) -> str:
        """How sure (``"suppressed"`` when the finding is not published)."""
        certainty = self.record["certainty"]
        return "suppressed" if certainty is None else str(certainty)

    @property
    def fingerprint(self) -> str:
        """The subject fingerprint."""
        return str(self.record["fingerprint"])

    @property
    def message(self) -> str:
        """The publishable one-sentence message, in the view's language."""
        messages: Mapping[str, str] = self.record.get("messages") or {}
        return str(messages.get(self.language, self.record["message"]))

    @property
    def evidence(self) -> Mapping[str, Any]:
        """The publishable evidence."""
        evidence: Mapping[str, Any] = self.record["evidence"]
        return evidence

    @property
    def suppressed(self) -> bool:
        """Whether the finding involves a small cell."""
        return bool(self.record["suppressed"])

    @property
    def fails(self) -> bool:
        """Whether the finding blocks the gate."""
        return self.status in ("new", "worsened")


@dataclass(frozen=True)
class View:
    """The publishable data of an audit, its diagnostics and (optionally) the gate verdict.

    Attributes
    ----------
    data : dict
        ``result.to_dict(suppress=True, threshold=threshold)``.
    language : str
        Language of the frame texts.
    diagnostics : tuple of Diagnostic
        One per finding, in the result's order (most severe first).
    report : GateReport or None
        The gate's verdict, when a gate or report was given.
    with_stage : bool
        Whether the audit has a process chain (then subjects name the stage).
    """

    data: Mapping[str, Any]
    language: str
    diagnostics: tuple[Diagnostic, ...]
    report: GateReport | None
    with_stage: bool

    @property
    def threshold(self) -> int:
        """The suppression threshold applied."""
        return int(self.data["suppression"]["threshold"])

    @property
    def gate(self) -> Gate | None:
        """The gate, when one was given."""
        return None if self.report is None else self.report.gate

    @property
    def resolved(self) -> tuple[BaselineEntry, ...]:
        """Baseline entries that no longer reach the bar."""
        return () if self.report is None else self.report.resolved

    @property
    def stale(self) -> tuple[BaselineEntry, ...]:
        """Baseline entries whose subject is no longer audited."""
        return () if self.report is None else self.report.stale

    @property
    def passed(self) -> bool:
        """Whether the gate passes (no blocking diagnostic)."""
        return not any(d.fails for d in self.diagnostics)

    def count(self, status: Status | None) -> int:
        """Count the diagnostics with this status (``None``: below the bar)."""
        return sum(1 for d in self.diagnostics if d.status == status)

    def t(self, key: str, **fields: object) -> str:
        """Return the message ``key`` in the view's language."""
        return message(key, language=self.language, **fields)

    def entry_subject(self, entry: BaselineEntry) -> str:
        """Describe a baseline entry's subject like a finding's."""
        return subject_text(entry.subject, with_stage=self.with_stage)


def _describe(gate: Gate) -> str:
    return f"fail_on={gate.fail_on}, certainty={gate.certainty}"


def build_view(
    result: AuditResult,
    *,
    function: str,
    gate: Gate | None = None,
    report: GateReport | None = None,
    threshold: int | None = None,
    language: str | None = None,
) -> View:
    """Build the shared model: publishable data, diagnostics and the gate verdict.

    Parameters
    ----------
    result : AuditResult
        The audit.
    function : str
        Name of the public renderer, for error messages.
    gate : Gate, optional
        The bar.  Without ``report`` the audit is judged without a baseline.
    report : GateReport, optional
        The verdict of :func:`eerlijkheid.gate.evaluate` on this audit (with or without
        a baseline).
    threshold : int, optional
        Suppression threshold (default: the audit's).
    language : {'nl', 'en'}, optional
        Language of the frame texts (default: the audit's language).

    Raises
    ------
    ValueError
        If ``report`` was made with another gate than ``gate``, or for another audit.
    """
    lang = result.language if language is None else language
    message("fmt-md-title", language=lang)  # validates the language early
    if report is None and gate is not None:
        report = evaluate(result, gate)
    elif report is not None and gate is not None and report.gate != gate:
        raise ValueError(
            message(
                "fmt-gate-mismatch",
                language=lang,
                function=function,
                report_gate=_describe(report.gate),
                gate=_describe(gate),
            )
        )
    # labels are user data: control and format characters become visible escapes
    data = neutralise_tree(publishable(result, threshold=threshold))
    statuses: dict[str, Status] = {}
    if report is not None:
        statuses = {f.fingerprint: s for f, s in report.statuses}
        known = {str(r["fingerprint"]) for r in data["findings"]}
        foreign = [fp for fp in statuses if fp not in known]
        if foreign:
            raise ValueError(
                message("fmt-report-mismatch", language=lang, function=function, count=len(foreign))
            )
    with_stage = bool(data["roles"]["stages"])
    diagnostics = []
    for record in data["findings"]:
        status = statuses.get(str(record["fingerprint"]))
        level: Level
        if status in ("new", "worsened"):
            level = "error"
        elif status is None and record["severity"] == "info":
            level = "notice"
        else:
            level = "warning"
        diagnostics.append(
            Diagnostic(
                record=record,
                subject=subject_text(record["subject"], with_stage=with_stage),
                status=status,
                level=level,
                language=lang,
            )
        )
    return View(
        data=data,
        language=lang,
        diagnostics=tuple(diagnostics),
        report=report,
        with_stage=with_stage,
    )


def number(value: float | None, language: str, spec: str = ".2f") -> str:
    """Format a number with the decimal comma in Dutch; ``—`` for a missing value."""
    if value is None:
        return "—"
    text = format(value, spec)
    return text.replace(".", ",") if language == "nl" else text


def percent(value: float | None, language: str) -> str:
    """Format a proportion as a percentage with one decimal."""
    if value is None:
        return "—"
    return number(100 * value, language, ".1f") + "%"


def summary_line(view: View) -> str:
    """Return the summary: findings by status, then resolved and stale baseline entries.

    For example ``3 bevindingen (1 nieuw, 2 ongewijzigd); 1 opgelost; 1 verouderd
    baseline-item``.  Without a gate only the number of findings is given.
    """
    total = len(view.diagnostics)
    line = view.t(
        "fmt-count-findings-one" if total == 1 else "fmt-count-findings-other", count=total
    )
    if view.report is None:
        return line
    pieces = [
        view.t(f"fmt-count-{key}", count=n)
        for key, n in (
            ("new", view.count("new")),
            ("worsened", view.count("worsened")),
            ("unchanged", view.count("unchanged")),
            ("below", view.count(None)),
        )
        if n
    ]
    if pieces:
        line += f" ({', '.join(pieces)})"
    if view.resolved:
        line += "; " + view.t("fmt-count-resolved", count=len(view.resolved))
    if view.stale:
        n = len(view.stale)
        line += "; " + view.t("fmt-count-stale-one" if n == 1 else "fmt-count-stale-other", count=n)
    return line


def verdict_line(view: View) -> str:
    """Return the gate's verdict in one sentence (empty without a gate)."""
    gate = view.gate
    if gate is None:
        return ""
    bar = {
        "fail_on": view.t(f"fmt-severity-{gate.fail_on}"),
        "certainty": view.t(f"fmt-certainty-{gate.certainty}"),
    }
    blocking = sum(1 for d in view.diagnostics if d.fails)
    if not blocking:
        return view.t("fmt-verdict-pass", **bar)
    key = "fmt-verdict-fail-one" if blocking == 1 else "fmt-verdict-fail-other"
    return view.t(key, count=blocking, **bar)


def evidence_text(diagnostic: Diagnostic, view: View) -> str:
    """Summarise the key evidence: ratio with interval and adjusted p, or what applies."""
    lang = view.language
    ev = diagnostic.evidence
    if diagnostic.suppressed:
        return view.t("fmt-evidence-suppressed", threshold=view.threshold)
    pieces: list[str] = []
    if isinstance(ev.get("ground"), str):
        try:
            ground = message(f"ground-{ev['ground']}", language=lang)
        except KeyError:
            ground = str(ev["ground"])
        pieces.append(view.t("fmt-evidence-ground", ground=ground))
    if ev.get("ratio") is not None:
        level = ev.get("confidence_level")
        pieces.append(
            view.t(
                "fmt-evidence-ratio",
                ratio=number(ev["ratio"], lang),
                level=f"{round(100 * level)}%" if isinstance(level, (int, float)) else "95%",
                low=number(ev.get("ratio_low"), lang),
                high=number(ev.get("ratio_high"), lang),
            )
        )
    if ev.get("mh_rate_ratio") is not None:  # within strata: the crude ratio's scale
        pieces.append(
            view.t(
                "fmt-evidence-mh-ratio",
                ratio=number(ev["mh_rate_ratio"], lang),
                low=number(ev.get("mh_rate_ratio_low"), lang),
                high=number(ev.get("mh_rate_ratio_high"), lang),
                pvalue=number(ev.get("mh_pvalue_adjusted"), lang, ".3g"),
            )
        )
    elif ev.get("mh_odds_ratio") is not None:
        pieces.append(
            view.t(
                "fmt-evidence-mh",
                odds_ratio=number(ev["mh_odds_ratio"], lang),
                low=number(ev.get("mh_odds_ratio_low"), lang),
                high=number(ev.get("mh_odds_ratio_high"), lang),
                pvalue=number(ev.get("mh_pvalue_adjusted"), lang, ".3g"),
            )
        )
    elif ev.get("pvalue_adjusted") is not None:
        pieces.append(
            view.t("fmt-evidence-padj", pvalue=number(ev["pvalue_adjusted"], lang, ".3g"))
        )
    if ev.get("power") is not None:
        harmful = ev.get("harmful_ratio")
        lower = harmful is not None and harmful < 1  # a benefit: the harmful side is below 1
        pieces.append(
            view.t(
                "fmt-evidence-power-lower" if lower else "fmt-evidence-power",
                power=percent(ev["power"], lang),
                mdr=number(ev.get("minimum_detectable_ratio"), lang),
            )
        )
    return "; ".join(pieces)


def part_title(record: Mapping[str, Any], view: View) -> str:
    """Return a coverage record's part label in the view's language.

    The audit's own title (``Part.label``, working titles marked) when the languages
    match; otherwise the packaged catalogue's label for the same part id.
    """
    if view.language == view.data["language"]:
        return str(record["title"])
    catalogue = load_catalogue()
    if any(p.id == record["part"] for p in catalogue.parts):
        return catalogue.part(str(record["part"])).label(view.language)
    return str(record["title"])
