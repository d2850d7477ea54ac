r"""The audit as GitHub Actions workflow commands: an annotation per finding.

One line per finding, most severe first::

    ::error title=EE201 selection-rate-disparity::[medium/establhed, nieuw] Groep …

``::error`` for a finding that blocks the gate (new or worsened), ``::warning`` for a
finding below the bar or accepted in the baseline (unchanged), ``::notice`` for an
``info`` finding below the bar.  Then a line per baseline entry: ``::notice`` when it is
resolved, ``::warning`` when it is stale (remove it from the baseline).

GitHub reads a workflow command up to the end of the line and splits its properties on
``,`` and ``::``, so data is escaped as GitHub's toolkit does (``%`` → ``%25``, ``\r`` →
``%0D``, ``\n`` → ``%0A``) and property values also escape ``:`` → ``%3A`` and ``,`` →
``%2C``.  A group label can therefore never start a second command or end the title.
"""

from __future__ import annotations

from eerlijkheid.audit import AuditResult
from eerlijkheid.gate import Gate, GateReport
from eerlijkheid.report._json import Diagnostic, View, build_view, output_check

__all__ = ["escape_data", "escape_property", "render_github"]


def escape_data(text: str) -> str:
    r"""Escape the message of a workflow command.

    Parameters
    ----------
    text : str
        The message.

    Returns
    -------
    str
        The message with ``%``, carriage returns and line feeds escaped.

    Examples
    --------
    >>> escape_data("50% of\na")
    '50%25 of%0Aa'
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (such as ``title``) of a workflow command.

    Parameters
    ----------
    text : str
        The value.

    Returns
    -------
    str
        The value escaped like data, and ``:`` and ``,`` escaped too.

    Examples
    --------
    >>> escape_property("a: b, c%")
    'a%3A b%2C c%25'
    """
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, title: str, text: str) -> str:
    return f"::{level} title={escape_property(title)}::{escape_data(text)}"


def _finding_line(d: Diagnostic, view: View) -> str:
    grade = f"{d.severity}/{d.certainty}"
    if d.status is not None:
        grade += ", " + view.t(f"fmt-status-{d.status}")
    subject = f"{d.subject}: " if d.subject else ""
    return _command(d.level, f"{d.code} {d.name}", f"[{grade}] {subject}{d.message}")


def render_github(
    result: AuditResult,
    *,
    gate: Gate,
    report: GateReport | None = None,
    language: str | None = None,
) -> str:
    """Render the audit as GitHub Actions annotations, one workflow command per line.

    Parameters
    ----------
    result : AuditResult
        The audit.
    gate : Gate
        The bar that makes a finding an error.
    report : GateReport, optional
        :func:`eerlijkheid.gate.evaluate` of this audit with ``gate``, usually against a
        baseline: then only new and worsened findings are errors.
    language : {'nl', 'en'}, optional
        Language of the texts around the findings (default: the audit's language).

    Returns
    -------
    str
        The commands, one per line, ending with a newline (empty without findings and
        baseline entries).

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
    >>> print(render_github(result, gate=Gate(fail_on="medium")).splitlines()[0][:60])
    ::error title=EE201 selection-rate-disparity::[medium/establ
    """
    view = build_view(result, function="render_github", gate=gate, report=report, language=language)
    lines = [_finding_line(d, view) for d in view.diagnostics]
    for key, level, entries in (
        ("fmt-baseline-resolved", "notice", view.resolved),
        ("fmt-baseline-stale", "warning", view.stale),
    ):
        for e in entries:
            text = view.t(
                key, code=e.code, subject=view.entry_subject(e) or "—", fingerprint=e.fingerprint
            )
            lines.append(_command(level, f"{e.code} baseline", text))
    lines.append(
        _command("notice", "eerlijkheid", output_check(view.data["suppression"], view.language))
    )
    return "".join(line + "\n" for line in lines)
