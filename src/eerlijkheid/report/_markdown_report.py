"""The audit as Markdown, for a merge request comment or a wiki page.

The document has a title, the provenance, the gate's verdict (when a gate or gate report
is given), a summary table of findings per severity, the findings grouped per toets part
(part titles from the catalogue; unverified titles say they are working titles; EE401
"too little data" as one table per grouping in a section of its own), the
research questions the data could not answer with the data that would answer them, and,
with a gate, the findings and baseline entries per status (new, worsened, unchanged,
resolved, stale).

Every value the template prints is escaped for Markdown automatically (the environment's
``finalize`` hook), so a group label such as ``a|b <b>*c*</b>`` cannot break a table,
inject HTML or change the emphasis.  Formatting lives in the template, text in
``locale/report.toml``.  Numbers come only from the suppressed ``to_dict``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from eerlijkheid.audit import AuditResult
from eerlijkheid.findings import SEVERITY_ORDER
from eerlijkheid.gate import Gate, GateReport
from eerlijkheid.report._json import (
    Diagnostic,
    build_view,
    evidence_text,
    labels,
    number,
    output_check,
    part_title,
    percent,
    summary_line,
    verdict_line,
)
from eerlijkheid.report._sufficiency import CODE as SUFFICIENCY_CODE
from eerlijkheid.report._sufficiency import sufficiency_tables

__all__ = ["escape_markdown", "render_markdown"]

#: Characters with a meaning in (GitHub/GitLab-flavoured) Markdown or HTML; each is
#: backslash-escaped, which CommonMark allows for any ASCII punctuation.
_SPECIAL = frozenset("\\`*_{}[]<>|#~&$")


def escape_markdown(value: object) -> str:
    r"""Escape a value for Markdown text and table cells.

    Parameters
    ----------
    value : object
        Any value; converted with ``str``.

    Returns
    -------
    str
        The text with Markdown and HTML characters backslash-escaped and line breaks
        replaced by spaces (a table row is one line).

    Examples
    --------
    >>> print(escape_markdown("a|b <b>*c*</b> 10%"))
    a\|b \<b\>\*c\*\</b\> 10%
    """
    text = str(value).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("eerlijkheid", "report/templates"),
    autoescape=False,  # Markdown, not HTML: `finalize` escapes every printed value instead
    finalize=escape_markdown,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _without_sufficiency(part: dict[str, Any]) -> dict[str, Any]:
    """Take EE401 out of a part's table: it is shown as one table per grouping."""
    diagnostics = part["diagnostics"]
    kept = [d for d in diagnostics if d.code != SUFFICIENCY_CODE]
    return {**part, "diagnostics": kept, "sufficiency": len(diagnostics) - len(kept)}


#: The findings that answer "is the profile suitable?", in the order they are looked for.
_SUITABILITY_CODES = ("EE524", "EE521", "EE522")
#: The findings about a stratified comparison; their strata are listed per level.
_STRATA_CODES = frozenset({"EE301", "EE302", "EE303", "EE304"})


def _strata_rows(
    data: Mapping[str, Any], diagnostics: Sequence[Diagnostic], language: str
) -> list[dict[str, str]]:
    """Per stratum level of every stratified comparison with a finding: rates and ratio."""
    reported = {
        (
            tuple(d.record["subject"]["attributes"]),
            tuple(d.record["subject"]["group"]),
            tuple(d.record["subject"]["reference"]),
            d.record["subject"]["column"],
        )
        for d in diagnostics
        if d.code in _STRATA_CODES
    }
    rows: list[dict[str, str]] = []
    for s in data.get("stratified") or ():
        key = (tuple(s["attributes"]), tuple(s["group"]), tuple(s["reference"]), s["stratum"])
        if key not in reported or s.get("suppressed"):
            continue
        for e in s["strata"]:
            suppressed = bool(e.get("suppressed"))
            rows.append(
                {
                    "group": labels(s["group"]),
                    "reference": labels(s["reference"]),
                    "stratum": f"{s['stratum']} = {e['level']}",
                    "group_rate": "—" if suppressed else percent(e["group_value"], language),
                    "reference_rate": "—"
                    if suppressed
                    else percent(e["reference_value"], language),
                    "ratio": "—"
                    if suppressed
                    else f"{number(e['ratio'], language)}× "
                    f"({number(e['ratio_low'], language)}–{number(e['ratio_high'], language)})",
                }
            )
    return rows


def render_markdown(
    result: AuditResult,
    *,
    gate: Gate | None = None,
    report: GateReport | None = None,
    threshold: int | None = None,
    language: str | None = None,
) -> str:
    """Render the audit as Markdown for a merge request or a wiki.

    Parameters
    ----------
    result : AuditResult
        The audit.
    gate : Gate, optional
        The CI bar.  With a gate (or a report) the document shows the verdict, a status
        per finding and the new/worsened/unchanged/resolved/stale sections.
    report : GateReport, optional
        :func:`eerlijkheid.gate.evaluate` of this audit, usually against a baseline.
        Without it, a given ``gate`` judges the audit without a baseline.
    threshold : int, optional
        Small-cell suppression threshold (default: the audit's).
    language : {'nl', 'en'}, optional
        Language of the document's own texts (default: the audit's language).  Finding
        messages and research questions keep the language the audit was run in.

    Returns
    -------
    str
        The Markdown document (ends with a newline).

    Raises
    ------
    ValueError
        If ``report`` was made with another gate or for another audit.

    Examples
    --------
    >>> from eerlijkheid import audit
    >>> from eerlijkheid.datasets import welfare_reexamination
    >>> from eerlijkheid.gate import Gate
    >>> result = audit(welfare_reexamination(n=20_000, seed=0), decision="geselecteerd",
    ...                groups="migratieachtergrond", reference={"migratieachtergrond": "geen"},
    ...                language="en")
    >>> text = render_markdown(result, gate=Gate(fail_on="medium"))
    >>> text.splitlines()[0]
    '# eerlijkheid: audit findings'
    >>> "## Gate" in text and "| Severity | Findings | Blocking |" in text
    True
    """
    report_gate = gate if gate is not None else (report.gate if report is not None else None)
    view = build_view(
        result,
        function="render_markdown",
        gate=report_gate,
        report=report,
        threshold=threshold,
        language=language,
    )
    data = view.data
    by_fingerprint = {d.fingerprint: d for d in view.diagnostics}
    parts = [
        {
            "id": record["part"],
            "title": part_title(record, view),
            "diagnostics": [
                by_fingerprint[fp] for fp in record["findings"] if fp in by_fingerprint
            ],
        }
        for record in data["coverage"]
    ]
    parts = [_without_sufficiency(part) for part in parts]
    severities = [
        {
            "severity": s,
            "count": sum(1 for d in view.diagnostics if d.severity == s),
            "blocking": sum(1 for d in view.diagnostics if d.severity == s and d.fails),
        }
        for s in reversed(SEVERITY_ORDER)
    ]
    sections: list[dict[str, Any]] = []
    if view.report is not None:
        for status in ("new", "worsened", "unchanged"):
            items = [d for d in view.diagnostics if d.status == status]
            if items:
                sections.append({"status": status, "diagnostics": items, "entries": []})
        for status, entries in (("resolved", view.resolved), ("stale", view.stale)):
            if entries:
                sections.append({"status": status, "diagnostics": [], "entries": entries})

    def status_text(d: Diagnostic) -> str:
        return view.t(f"fmt-status-{d.status}" if d.status else "fmt-status-below")

    def grade(d: Diagnostic) -> str:
        return f"{view.t(f'fmt-severity-{d.severity}')} / {view.t(f'fmt-certainty-{d.certainty}')}"

    provenance = data["provenance"]
    roles = data["roles"]
    suitability = next(
        (d for code in _SUITABILITY_CODES for d in view.diagnostics if d.code == code), None
    )
    template = _ENV.get_template("audit.md.j2")
    return template.render(
        t=view.t,
        view=view,
        provenance=view.t(
            "fmt-md-provenance",
            rows=provenance["rows"],
            decision=roles["decision"],
            groups=", ".join(roles["groups"]),
            version=provenance["library_version"],
            catalogue=provenance["catalogue_version"],
            data=provenance["data_fingerprint"],
            config=provenance["config_fingerprint"],
        ),
        verdict=verdict_line(view),
        passed=view.passed,
        baseline_used=view.report is not None and view.report.baseline_used,
        summary=summary_line(view),
        output_check=output_check(view.data["suppression"], view.language),
        severities=severities,
        parts=parts,
        open_questions=[item for item in data["plan"] if not item["answerable"]],
        suitability=suitability,
        strata=_strata_rows(data, view.diagnostics, view.language),
        sections=sections,
        sufficiency=sufficiency_tables(data, view.language),
        status_text=status_text,
        grade=grade,
        evidence=lambda d: evidence_text(d, view),
        labels=labels,
    )
