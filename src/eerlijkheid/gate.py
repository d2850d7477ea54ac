"""The CI gate: which findings fail a build, and baselines that accept known findings.

A finding *fails* the gate when its severity is at or above ``fail_on`` and it is
sure enough: its certainty is at least ``certainty`` (``established`` > ``indicative`` >
``inconclusive``), or it is not a statistical finding at all (``not-applicable``, e.g. a
protected ground among the inputs).

A baseline records the failing findings of an accepted audit by fingerprint (the subject,
never the values or wording).  Compared with a new audit, every failing finding is
``new`` (not in the baseline), ``worsened`` (in the baseline with a lower severity or a
weaker certainty) or ``unchanged``; every baseline entry that no longer fails is
``resolved`` when its subject is still audited, or ``stale`` when it is not (the attribute,
input or code is gone) — a stale entry should be removed from the baseline.  With a
baseline, only new and worsened findings fail the gate.

Examples
--------
>>> gate = Gate(fail_on="high", certainty="established")
>>> gate.fails("high", "established"), gate.fails("high", "indicative")
(True, False)
>>> gate.fails("critical", "not-applicable")
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eerlijkheid.audit import AuditResult
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.findings import CODES, SEVERITY_ORDER, Finding, SeverityLevel
from eerlijkheid.i18n import message

__all__ = [
    "BASELINE_SCHEMA_VERSION",
    "BaselineEntry",
    "Gate",
    "GateReport",
    "Status",
    "baseline_from",
    "dump_baseline",
    "evaluate",
    "load_baseline",
]

BASELINE_SCHEMA_VERSION = 1
Status = Literal["new", "worsened", "unchanged", "resolved", "stale"]
_CERTAINTY_RANK = {"inconclusive": 0, "indicative": 1, "established": 2}


@dataclass(frozen=True)
class Gate:
    """The bar a finding must reach to fail the gate.

    Attributes
    ----------
    fail_on : {'info', 'low', 'medium', 'high', 'critical'}
        Lowest failing severity.
    certainty : {'inconclusive', 'indicative', 'established'}
        Weakest failing certainty of statistical findings.
    """

    fail_on: SeverityLevel = "medium"
    certainty: Literal["inconclusive", "indicative", "established"] = "established"

    def __post_init__(self) -> None:
        if self.fail_on not in SEVERITY_ORDER:
            raise ConfigError(
                message(
                    "invalid-option",
                    name="fail_on",
                    allowed=", ".join(SEVERITY_ORDER),
                    value=repr(self.fail_on),
                )
            )
        if self.certainty not in _CERTAINTY_RANK:
            raise ConfigError(
                message(
                    "invalid-option",
                    name="certainty",
                    allowed=", ".join(_CERTAINTY_RANK),
                    value=repr(self.certainty),
                )
            )

    def fails(self, severity: str, certainty: str) -> bool:
        """Return whether a finding with this severity and certainty fails the gate.

        Parameters
        ----------
        severity, certainty : str
            The finding's grades.

        Returns
        -------
        bool
            ``True`` when at or above the bar.
        """
        if SEVERITY_ORDER.index(severity) < SEVERITY_ORDER.index(self.fail_on):
            return False
        if certainty == "not-applicable":
            return True
        return _CERTAINTY_RANK[certainty] >= _CERTAINTY_RANK[self.certainty]

    def failing(self, findings: Iterable[Finding]) -> tuple[Finding, ...]:
        """Return the findings that fail the gate, in their order.

        Parameters
        ----------
        findings : iterable of Finding
            Findings of an audit.

        Returns
        -------
        tuple of Finding
            The failing ones.
        """
        return tuple(f for f in findings if self.fails(f.severity, f.certainty))


@dataclass(frozen=True)
class BaselineEntry:
    """An accepted finding in a baseline file.

    Attributes
    ----------
    fingerprint : str
        The finding's subject fingerprint.
    code : str
        Its code.
    severity, certainty : str
        Its grades when it was accepted.
    subject : mapping
        Its subject (for people reading the baseline, and to tell resolved from stale).
    """

    fingerprint: str
    code: str
    severity: str
    certainty: str
    subject: Mapping[str, Any]


@dataclass(frozen=True)
class GateReport:
    """The verdict of the gate on one audit.

    Attributes
    ----------
    gate : Gate
        The bar.
    statuses : tuple of (Finding, Status)
        Every failing finding with its status (``new``/``worsened``/``unchanged``;
        ``new`` without a baseline).
    resolved, stale : tuple of BaselineEntry
        Baseline entries that no longer fail, with their subject still audited (resolved)
        or gone (stale).
    baseline_used : bool
        Whether a baseline was given.
    """

    gate: Gate
    statuses: tuple[tuple[Finding, Status], ...]
    resolved: tuple[BaselineEntry, ...]
    stale: tuple[BaselineEntry, ...]
    baseline_used: bool

    @property
    def blocking(self) -> tuple[Finding, ...]:
        """Findings that make the gate fail: new or worsened."""
        return tuple(f for f, s in self.statuses if s in ("new", "worsened"))

    @property
    def passed(self) -> bool:
        """Whether the gate passes (no new or worsened failing finding)."""
        return not self.blocking

    @property
    def exit_code(self) -> int:
        """0 when the gate passes, 1 when findings block it."""
        return 0 if self.passed else 1


def baseline_from(findings: Iterable[Finding]) -> tuple[BaselineEntry, ...]:
    """Turn findings into baseline entries, sorted by fingerprint.

    Parameters
    ----------
    findings : iterable of Finding
        Usually the failing findings of an accepted audit.

    Returns
    -------
    tuple of BaselineEntry
        One entry per fingerprint.
    """
    entries = {
        f.fingerprint: BaselineEntry(
            f.fingerprint, f.code, f.severity, f.certainty, f.subject.as_dict()
        )
        for f in findings
    }
    return tuple(entries[k] for k in sorted(entries))


def dump_baseline(entries: Sequence[BaselineEntry]) -> str:
    """Serialise baseline entries as canonical JSON.

    Parameters
    ----------
    entries : sequence of BaselineEntry
        The entries.

    Returns
    -------
    str
        JSON text, stable for the same entries.
    """
    data = {
        "schema_version": BASELINE_SCHEMA_VERSION,
        "findings": [
            {
                "fingerprint": e.fingerprint,
                "code": e.code,
                "severity": e.severity,
                "certainty": e.certainty,
                "subject": dict(e.subject),
            }
            for e in sorted(entries, key=lambda e: e.fingerprint)
        ],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_baseline(text: str, *, source: str = "baseline") -> tuple[BaselineEntry, ...]:
    """Parse a baseline file's text.

    Parameters
    ----------
    text : str
        JSON written by :func:`dump_baseline`.
    source : str
        Name of the file, for messages.

    Returns
    -------
    tuple of BaselineEntry
        The entries.

    Raises
    ------
    ConfigError
        If the text is not a baseline of a supported version.
    """
    try:
        data = json.loads(text)
        if data.get("schema_version") != BASELINE_SCHEMA_VERSION:
            raise ValueError
        return tuple(
            BaselineEntry(
                str(e["fingerprint"]),
                str(e["code"]),
                str(e["severity"]),
                str(e["certainty"]),
                dict(e.get("subject", {})),
            )
            for e in data["findings"]
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(message("baseline-invalid", source=source)) from exc


def _still_audited(entry: BaselineEntry, result: AuditResult) -> bool:
    if entry.code not in CODES:
        return False
    subject = entry.subject
    groups = set(result.roles.groups)
    if any(a not in groups for a in subject.get("attributes", [])):
        return False
    column = subject.get("column")
    return not (column and column not in result.config.inputs and column not in result.roles.strata)


def evaluate(
    result: AuditResult, gate: Gate, baseline: Sequence[BaselineEntry] | None = None
) -> GateReport:
    """Judge an audit against the gate, optionally relative to a baseline.

    Parameters
    ----------
    result : AuditResult
        The audit.
    gate : Gate
        The bar.
    baseline : sequence of BaselineEntry, optional
        Accepted findings.

    Returns
    -------
    GateReport
        Statuses of the failing findings, resolved and stale baseline entries.
    """
    failing = gate.failing(result.findings)
    known = {e.fingerprint: e for e in baseline or ()}
    statuses: list[tuple[Finding, Status]] = []
    for f in failing:
        before = known.get(f.fingerprint)
        if before is None:
            statuses.append((f, "new"))
            continue
        worse = SEVERITY_ORDER.index(f.severity) > SEVERITY_ORDER.index(before.severity)
        surer = _CERTAINTY_RANK.get(f.certainty, 3) > _CERTAINTY_RANK.get(before.certainty, 3)
        statuses.append((f, "worsened" if worse or surer else "unchanged"))
    current = {f.fingerprint for f in failing}
    gone = [e for e in baseline or () if e.fingerprint not in current]
    return GateReport(
        gate=gate,
        statuses=tuple(statuses),
        resolved=tuple(e for e in gone if _still_audited(e, result)),
        stale=tuple(e for e in gone if not _still_audited(e, result)),
        baseline_used=baseline is not None,
    )
