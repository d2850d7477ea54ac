"""The audit as JUnit XML, so a CI dashboard shows every toets part as a test suite.

One ``<testsuite>`` per toets part (catalogue order; name = part id and label), with one
``<testcase>`` per finding that informs the part (``classname="eerlijkheid.EE201"``,
``name`` = code and subject).  A finding that blocks the gate (new or worsened) has a
``<failure>``; a finding accepted in the baseline (unchanged) is
``<skipped message="baseline">``; a finding below the bar passes, with its message in
``<system-out>``.  A part without findings gets one passing test case, so the dashboard
lists every part.  Each finding is one test case, in the suite of the first part it
informs (catalogue order), so the dashboard counts as many failures as the gate does; all
the parts it informs are in its ``toets_parts`` property.

The XML is built with :mod:`xml.etree.ElementTree` (escaping is automatic), characters
that XML 1.0 cannot hold are replaced by U+FFFD, and nothing carries a timestamp or a
duration: the same audit gives byte-identical XML.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from eerlijkheid.audit import AuditResult
from eerlijkheid.gate import Gate, GateReport
from eerlijkheid.report._json import (
    Diagnostic,
    View,
    build_view,
    evidence_text,
    output_check,
    part_title,
)

__all__ = ["render_junit"]

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    """Replace characters that XML 1.0 cannot represent."""
    return _INVALID_XML.sub("\ufffd", text)


def _details(d: Diagnostic, view: View) -> str:
    status = view.t(f"fmt-status-{d.status}" if d.status else "fmt-status-below")
    lines = [
        d.message,
        view.t("fmt-junit-grade", severity=d.severity, certainty=d.certainty, status=status),
    ]
    evidence = evidence_text(d, view)
    if evidence:
        lines.append(evidence)
    lines += [
        view.t("fmt-junit-fingerprint", fingerprint=d.fingerprint),
        view.t("fmt-junit-explain", code=d.code),
    ]
    return _clean("\n".join(lines))


def _testcase(d: Diagnostic, view: View, parts: list[str]) -> ET.Element:
    name = f"{d.code} {d.subject}" if d.subject else f"{d.code} {d.name}"
    case = ET.Element("testcase", {"classname": f"eerlijkheid.{d.code}", "name": _clean(name)})
    properties = ET.SubElement(case, "properties")
    ET.SubElement(properties, "property", {"name": "toets_parts", "value": " ".join(parts)})
    if d.fails:
        failure = ET.SubElement(
            case,
            "failure",
            {
                "message": _clean(d.message),
                "type": f"{d.code} {d.name} [{d.severity}/{d.certainty}]",
            },
        )
        failure.text = _details(d, view)
    elif d.status == "unchanged":
        skipped = ET.SubElement(case, "skipped", {"message": "baseline"})
        skipped.text = _details(d, view)
    else:
        ET.SubElement(case, "system-out").text = _details(d, view)
    return case


def _count(suite: ET.Element) -> dict[str, int]:
    cases = suite.findall("testcase")
    return {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": 0,
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }


def render_junit(
    result: AuditResult,
    *,
    gate: Gate,
    report: GateReport | None = None,
    language: str | None = None,
) -> str:
    """Render the audit as JUnit XML: a test suite per toets part, a test case per finding.

    Parameters
    ----------
    result : AuditResult
        The audit.
    gate : Gate
        The bar that makes a finding a failure.
    report : GateReport, optional
        :func:`eerlijkheid.gate.evaluate` of this audit with ``gate``, usually against a
        baseline: then only new and worsened findings fail, and unchanged ones are
        skipped with ``message="baseline"``.
    language : {'nl', 'en'}, optional
        Language of the texts around the findings (default: the audit's language).

    Returns
    -------
    str
        The XML document, with an XML declaration; deterministic (no timestamps).

    Raises
    ------
    ValueError
        If ``report`` was made with another gate or for another audit.

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> from eerlijkheid import audit
    >>> from eerlijkheid.datasets import welfare_reexamination
    >>> from eerlijkheid.gate import Gate
    >>> result = audit(welfare_reexamination(n=20_000, seed=0), decision="geselecteerd",
    ...                groups="migratieachtergrond", reference={"migratieachtergrond": "geen"},
    ...                language="en")
    >>> root = ET.fromstring(render_junit(result, gate=Gate(fail_on="medium")))
    >>> [suite.get("name")[:6] for suite in root]
    ['deel-1', 'deel-2', 'onderz', 'deel-3', 'deel-4']
    """
    view = build_view(result, function="render_junit", gate=gate, report=report, language=language)
    by_fingerprint = {d.fingerprint: d for d in view.diagnostics}
    root = ET.Element("testsuites", {"name": "eerlijkheid"})
    checked = _clean(output_check(view.data["suppression"], view.language))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    parts_of: dict[str, list[str]] = {}
    for record in view.data["coverage"]:
        for fp in record["findings"]:
            parts_of.setdefault(str(fp), []).append(str(record["part"]))
    for record in view.data["coverage"]:
        part = str(record["part"])
        suite = ET.SubElement(
            root, "testsuite", {"name": _clean(f"{part} {part_title(record, view)}")}
        )
        ET.SubElement(
            ET.SubElement(suite, "properties"),
            "property",
            {"name": "output_check", "value": checked},
        )
        diagnostics = [
            by_fingerprint[fp]
            for fp in record["findings"]
            if fp in by_fingerprint and parts_of[str(fp)][0] == part
        ]
        for d in diagnostics:
            suite.append(_testcase(d, view, parts_of[d.fingerprint]))
        if not diagnostics:
            homes = sorted(
                {parts_of[str(fp)][0] for fp in record["findings"] if fp in by_fingerprint},
                key=[str(r["part"]) for r in view.data["coverage"]].index,
            )
            name = (
                view.t("fmt-junit-part-elsewhere", parts=", ".join(homes))
                if homes
                else view.t("fmt-junit-part-clean")
            )
            ET.SubElement(suite, "testcase", {"classname": f"eerlijkheid.{part}", "name": name})
        counts = _count(suite)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
