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


def load_baseline(text: str | bytes, *, source: str = "baseline") -> tuple[BaselineEntry, ...]:
    """Parse a baseline file's text.

    Parameters
    ----------
    text : str or bytes
        JSON written by :func:`dump_baseline` (bytes must be UTF-8).
    source : str
        Name of the file, for messages.

    Returns
    -------
    tuple of BaselineEntry
        The entries.

    Raises
    ------
    ConfigError
        If the text is not a baseline of a supported version: not UTF-8, not JSON,
        nested too deeply, the JSON of an audit instead of a baseline, an unknown key, a
        missing key, a wrong type, or an unknown severity or certainty.  One line naming
        ``source``, the key path (``findings[2].severity``) and what is allowed.

    Examples
    --------
    >>> load_baseline('{"schema_version": 1, "findings": []}')
    ()
    >>> from eerlijkheid.i18n import set_language
    >>> set_language("en")
    >>> bad = '{"schema_version": 1, "findings": [{"fingerprint": "f", "code": "EE101",'
    >>> bad += ' "severity": "huge", "certainty": "established"}]}'
    >>> try:
    ...     load_baseline(bad, source="b.json")
    ... except ConfigError as exc:
    ...     print(str(exc).split(": ", 1)[1].split(". ")[0])
    findings[0].severity is 'huge'; allowed: info, low, medium, high, critical
    >>> set_language(None)
    """
    try:
        return _parse_baseline(text)
    except _BaselineError as exc:
        raise ConfigError(message("baseline-problem", source=source, detail=str(exc))) from None


class _BaselineError(Exception):
    """What is wrong with a baseline, in the user's language (without the file name)."""


_BASELINE_KEYS = ("schema_version", "findings")
_ENTRY_KEYS = ("fingerprint", "code", "severity", "certainty")
_CERTAINTIES = (*_CERTAINTY_RANK, "not-applicable")
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "true/false"}


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    for kind, name in _JSON_TYPES.items():
        if isinstance(value, kind):
            return name
    return "number"


def _parse_baseline(text: str | bytes) -> tuple[BaselineEntry, ...]:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _BaselineError(message("baseline-not-utf8", position=exc.start)) from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise _BaselineError(message("baseline-too-deep")) from None
    except ValueError as exc:
        raise _BaselineError(message("baseline-not-json", reason=exc)) from None
    if not isinstance(data, dict):
        raise _BaselineError(message("baseline-not-object", found=_json_type(data)))
    if "roles" in data or "rates" in data:
        raise _BaselineError(message("baseline-is-audit"))
    for key in data:
        if key not in _BASELINE_KEYS:
            allowed = ", ".join(_BASELINE_KEYS)
            raise _BaselineError(message("baseline-unknown-key", name=repr(key), allowed=allowed))
    version = data.get("schema_version")
    if version != BASELINE_SCHEMA_VERSION or isinstance(version, bool):
        supported = BASELINE_SCHEMA_VERSION
        raise _BaselineError(
            message("baseline-version", value=json.dumps(version), supported=supported)
        )
    findings = _field(data, "findings", "", list)
    return tuple(_entry(item, f"findings[{i}]") for i, item in enumerate(findings))


def _field(table: Mapping[str, Any], key: str, path: str, kind: type) -> Any:
    where = f"{path}.{key}" if path else key
    if key not in table:
        raise _BaselineError(message("baseline-missing", path=where))
    value = table[key]
    if not isinstance(value, kind):
        expected = _JSON_TYPES.get(kind, "number")
        found = _json_type(value)
        raise _BaselineError(
            message("baseline-wrong-type", path=where, expected=expected, found=found)
        )
    return value


def _entry(item: object, path: str) -> BaselineEntry:
    if not isinstance(item, dict):
        raise _BaselineError(
            message("baseline-wrong-type", path=path, expected="object", found=_json_type(item))
        )
    fingerprint, code, severity, certainty = (_field(item, k, path, str) for k in _ENTRY_KEYS)
    for key, value, allowed in (
        ("severity", severity, SEVERITY_ORDER),
        ("certainty", certainty, _CERTAINTIES),
    ):
        if value not in allowed:
            raise _BaselineError(
                message(
                    "baseline-unknown-value",
                    path=f"{path}.{key}",
                    value=repr(value),
                    allowed=", ".join(allowed),
                )
            )
    subject = item.get("subject", {})
    if not isinstance(subject, dict):
        raise _BaselineError(
            message(
                "baseline-wrong-type",
                path=f"{path}.subject",
                expected="object",
                found=_json_type(subject),
            )
        )
    return BaselineEntry(fingerprint, code, severity, certainty, dict(subject))


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
