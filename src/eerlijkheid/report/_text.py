"""The CLI's default text output, like a linter's: one line per finding, then a summary.

EE401 ("too little data") is shown as one table per grouping after the lines, unless a
finding of it blocks the gate (then it keeps its line too).

::

    EE201 [high/established] migratieachtergrond=niet-westers · selection_rate: Groep …
    …
    3 bevindingen (1 nieuw, 2 ongewijzigd); 1 opgelost; 1 verouderd baseline-item
    Poort niet geslaagd: 1 bevinding blokkeert (ernst hoog of hoger, …).

Severity and certainty are shown as their stable values (``high/established``), the
values ``--fail-on`` takes; everything else comes from ``locale/report.toml``.  With
``color=True`` the code is coloured by level (red: blocks the gate, yellow: warning,
cyan: notice) and the verdict green or red, with ANSI escape codes.
"""

from __future__ import annotations

from collections.abc import Sequence

from eerlijkheid.audit import AuditResult
from eerlijkheid.gate import Gate, GateReport
from eerlijkheid.report._json import (
    Diagnostic,
    View,
    build_view,
    output_check,
    summary_line,
    verdict_line,
)
from eerlijkheid.report._sufficiency import CODE as SUFFICIENCY_CODE
from eerlijkheid.report._sufficiency import SufficiencyTable, sufficiency_tables

__all__ = ["render_text"]

_RESET = "\x1b[0m"
_STYLE = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "notice": "\x1b[1;36m",
    "pass": "\x1b[1;32m",
    "fail": "\x1b[1;31m",
    "dim": "\x1b[2m",
}


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_STYLE[style]}{text}{_RESET}" if color else text


def _line(d: Diagnostic, view: View, color: bool) -> str:
    code = _paint(d.code, d.level, color)
    grade = f"[{d.severity}/{d.certainty}]"
    status = ""
    if d.status is not None and view.report is not None and view.report.baseline_used:
        status = " " + _paint(f"({view.t(f'fmt-status-{d.status}')})", "dim", color)
    subject = f" {d.subject}" if d.subject else f" {d.name}"
    text = f"{code} {grade}{subject}{status}: {d.message}"
    return " ".join(text.splitlines())


def _sufficiency_lines(tables: Sequence[SufficiencyTable], view: View, color: bool) -> list[str]:
    """EE401 as one aligned table per grouping ("too little data to say anything")."""
    lines: list[str] = []
    for table in tables:
        head = (
            view.t("fmt-sufficiency-col-group"),
            view.t("fmt-sufficiency-col-cases"),
            table.power_heading,
            table.mdr_heading,
            view.t("fmt-sufficiency-col-verdict"),
        )
        body = [(r.group, r.cases, r.power, r.mdr, r.verdict) for r in table.rows]
        widths = [max(len(row[i]) for row in (head, *body)) for i in range(len(head) - 1)]
        lines.append(f"{_paint(SUFFICIENCY_CODE, 'notice', color)} {table.title}")
        for row in (head, *body):
            cells = [
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=False))
            ]
            lines.append("    " + "  ".join([*cells, row[-1]]))
    return lines


def render_text(
    result: AuditResult,
    *,
    gate: Gate,
    report: GateReport | None = None,
    color: bool = False,
    language: str | None = None,
) -> str:
    """Render the audit as the CLI prints it: a line per finding, a summary and the verdict.

    Parameters
    ----------
    result : AuditResult
        The audit.
    gate : Gate
        The bar.
    report : GateReport, optional
        :func:`eerlijkheid.gate.evaluate` of this audit with ``gate``, usually against a
        baseline (then each line shows its status, and resolved and stale baseline
        entries are listed).
    color : bool
        Colour with ANSI escape codes (for a terminal).
    language : {'nl', 'en'}, optional
        Language of the texts around the findings (default: the audit's language).

    Returns
    -------
    str
        The text, ending with a newline.

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
    >>> print(render_text(result, gate=Gate(fail_on="medium")).splitlines()[-1])
    Gate failed: 1 finding blocks it (severity medium or higher, certainty established or stronger).
    """
    view = build_view(result, function="render_text", gate=gate, report=report, language=language)
    tables = sufficiency_tables(view.data, view.language)
    lines = [
        _line(d, view, color)
        for d in view.diagnostics
        if d.code != SUFFICIENCY_CODE or d.fails  # EE401: in the tables unless it blocks
    ]
    lines += _sufficiency_lines(tables, view, color)
    for status, entries in (("resolved", view.resolved), ("stale", view.stale)):
        for e in entries:
            label = _paint(view.t(f"fmt-status-{status}"), "dim", color)
            lines.append(
                view.t(
                    "fmt-baseline-entry",
                    status=label,
                    code=e.code,
                    subject=view.entry_subject(e) or "—",
                    fingerprint=e.fingerprint,
                )
            )
    if lines:
        lines.append("")
    lines.append(output_check(view.data["suppression"], view.language))
    lines.append(summary_line(view))
    lines.append(_paint(verdict_line(view), "pass" if view.passed else "fail", color))
    return "\n".join(lines) + "\n"
