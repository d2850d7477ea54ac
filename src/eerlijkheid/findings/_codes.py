"""The finding-code registry: stable codes with documentation, like a linter's rules.

Every finding eerlijkheid reports has a stable code (``EE201``), a kebab-case name
(``selection-rate-disparity``), a status, the version it appeared in, a default severity,
the toets parts and norms it informs, and documentation with fixed sections in Dutch and
English.  The registry is data (``findings/codes.toml``) and is checked when it is
loaded: part and norm ids must exist in the packaged toets catalogue, names are
kebab-case and unique, severities and statuses are known, and no active code reuses a
retired one.  Codes are never reused.

Examples
--------
>>> from eerlijkheid.findings._codes import CODES, get_code
>>> get_code("EE202").name
'selection-above-random-sample'
>>> get_code("selection-rate-disparity").code
'EE201'
>>> CODES["EE101"].default_severity
'critical'
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Literal, overload

from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message
from eerlijkheid.toets import Catalogue, load_catalogue
from eerlijkheid.toets._catalogue import _Checker, _language, read_toml

__all__ = [
    "CODES",
    "RETIRED_CODES",
    "SECTIONS",
    "SEVERITIES",
    "STATUSES",
    "CodeDoc",
    "FindingCode",
    "Section",
    "Severity",
    "Status",
    "get_code",
]

Severity = Literal["info", "low", "medium", "high", "critical"]
#: Severities ordered from lowest to highest.
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")

Status = Literal["stable", "preview", "deprecated", "removed"]
#: The life-cycle states of a code.
STATUSES: tuple[Status, ...] = ("stable", "preview", "deprecated", "removed")

Section = Literal["what", "why", "example", "action", "toets", "sources"]
_TextSection = Literal["what", "why", "example", "action", "toets"]
_TEXT_SECTIONS: tuple[_TextSection, ...] = ("what", "why", "example", "action", "toets")
#: The fixed documentation sections, in the order they are shown.
SECTIONS: tuple[Section, ...] = (*_TEXT_SECTIONS, "sources")

_SEVERITY: dict[str, Severity] = {s: s for s in SEVERITIES}
_STATUS: dict[str, Status] = {s: s for s in STATUSES}
_CODE = re.compile(r"EE[0-9]{3}")
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_FILE = "codes.toml"
_WIDTH = 88
_INDENT = "    "


@dataclass(frozen=True)
class CodeDoc:
    """The documentation of a finding code in one language.

    Attributes
    ----------
    what : str
        What it measures.
    why : str
        Why it matters.
    example : str
        An example, with its source when it is a real case.
    action : str
        What to do.
    toets : str
        Which toets part and norm it informs, in words.
    sources : tuple of str
        The sources, by name.

    Examples
    --------
    >>> from eerlijkheid.findings._codes import CODES
    >>> CODES["EE205"].doc_en.why[:38]
    'Someone who is never investigated can '
    """

    what: str
    why: str
    example: str
    action: str
    toets: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class FindingCode:
    """One finding code: identity, life cycle, default severity, toets map and docs.

    Attributes
    ----------
    code : str
        The stable code, e.g. ``"EE201"``; never reused.
    name : str
        The stable kebab-case name, e.g. ``"selection-rate-disparity"``.
    status : {'stable', 'preview', 'deprecated', 'removed'}
        The life-cycle state.
    since : str
        The eerlijkheid version that introduced the code.
    default_severity : {'info', 'low', 'medium', 'high', 'critical'}
        The severity when a rule does not grade it by size.
    toets_parts : tuple of str
        Ids of the toets parts the code informs (see :mod:`eerlijkheid.toets`).
    norms : tuple of str
        Ids of the norms the code informs.
    doc_nl, doc_en : CodeDoc
        The documentation in Dutch and English.

    Examples
    --------
    >>> from eerlijkheid.findings._codes import get_code
    >>> code = get_code("EE302")
    >>> code.default_severity, code.toets_parts
    ('info', ('deel-3',))
    >>> code.doc("sources", "en")[0][:16]
    'Bickel, Hammel a'
    """

    code: str
    name: str
    status: Status
    since: str
    default_severity: Severity
    toets_parts: tuple[str, ...]
    norms: tuple[str, ...]
    doc_nl: CodeDoc
    doc_en: CodeDoc

    @overload
    def doc(self, section: Literal["sources"], language: str | None = None) -> tuple[str, ...]: ...

    @overload
    def doc(self, section: _TextSection, language: str | None = None) -> str: ...

    def doc(self, section: Section, language: str | None = None) -> str | tuple[str, ...]:
        """Return one documentation section in ``language``.

        Parameters
        ----------
        section : {'what', 'why', 'example', 'action', 'toets', 'sources'}
            The section; ``'sources'`` returns a tuple of source names, the others a text.
        language : {'nl', 'en'}, optional
            Defaults to :func:`eerlijkheid.i18n.get_language`.

        Returns
        -------
        str or tuple of str
            The section.

        Raises
        ------
        ValueError
            If ``section`` or ``language`` is not known.

        Examples
        --------
        >>> from eerlijkheid.findings._codes import get_code
        >>> get_code("EE401").doc("what", "en")[:50]
        'Whether a group is large enough to detect a dispar'
        """
        docs = self.doc_nl if _language(language) == "nl" else self.doc_en
        if section == "sources":
            return docs.sources
        if section in _TEXT_SECTIONS:
            text: str = getattr(docs, section)
            return text
        msg = f"The `section` parameter must be one of {SECTIONS}; got {section!r} instead."
        raise ValueError(msg)

    def render_doc(self, language: str | None = None) -> str:
        """Render the documentation as plain text, as ``eerlijkheid explain CODE`` prints it.

        Parameters
        ----------
        language : {'nl', 'en'}, optional
            Defaults to :func:`eerlijkheid.i18n.get_language`.

        Returns
        -------
        str
            The code and name, the status line, every section under its heading, the
            toets parts (titles from the packaged catalogue; unverified titles are marked
            as working titles), the norms, the research questions it informs, and the
            sources.

        Examples
        --------
        >>> from eerlijkheid.findings._codes import get_code
        >>> text = get_code("EE202").render_doc("en")
        >>> print(text.splitlines()[0])
        EE202 selection-above-random-sample
        >>> print(text.splitlines()[1])
        Status: stable · since 0.1.0 · default severity: high
        >>> "What to do" in text and "    deel-3  Interpreting the results" in text
        True
        """
        lang = _language(language)
        docs = self.doc_nl if lang == "nl" else self.doc_en
        catalogue = load_catalogue()
        lines = [
            f"{self.code} {self.name}",
            message(
                "code-status-line",
                language=lang,
                status=self.status,
                since=self.since,
                severity=self.default_severity,
            ),
        ]
        for section in _TEXT_SECTIONS:
            lines += ["", message(f"code-section-{section}", language=lang)]
            lines += textwrap.wrap(
                getattr(docs, section),
                width=_WIDTH,
                initial_indent=_INDENT,
                subsequent_indent=_INDENT,
            )
        lines += ["", message("code-heading-parts", language=lang)]
        lines += [f"{_INDENT}{p}  {catalogue.part(p).label(lang)}" for p in self.toets_parts]
        lines += ["", message("code-heading-norms", language=lang)]
        lines += [f"{_INDENT}{n}  {catalogue.norm(n).title(lang)}" for n in self.norms]
        questions = catalogue.questions_for_code(self.code)
        if questions:
            lines += ["", message("code-heading-questions", language=lang)]
            lines += [f"{_INDENT}{q.id}  {q.text(lang)}" for q in questions]
        lines += ["", message("code-section-sources", language=lang)]
        for source in docs.sources:
            lines += textwrap.wrap(
                source,
                width=_WIDTH,
                initial_indent=f"{_INDENT}- ",
                subsequent_indent=f"{_INDENT}  ",
            )
        return "\n".join(lines)


def _parse_doc(check: _Checker, raw: Mapping[str, object], path: str) -> CodeDoc:
    check.keys(raw, path, SECTIONS)
    return CodeDoc(
        what=check.text(raw, "what", path),
        why=check.text(raw, "why", path),
        example=check.text(raw, "example", path),
        action=check.text(raw, "action", path),
        toets=check.text(raw, "toets", path),
        sources=check.texts(raw, "sources", path, non_empty=True),
    )


def _load_codes(
    text: str, file: str = _FILE, catalogue: Catalogue | None = None
) -> tuple[Mapping[str, FindingCode], tuple[str, ...]]:
    """Parse and check a registry file; return the codes (file order) and retired codes."""
    cat = load_catalogue() if catalogue is None else catalogue
    part_ids = tuple(p.id for p in cat.parts)
    norm_ids = tuple(n.id for n in cat.norms)
    check = _Checker(file)
    data = read_toml(text, None, file)
    check.keys(data, "", ("schema_version", "retired", "codes"))
    schema = check.integer(data, "schema_version", "")
    if schema != 1:
        raise check.fail(
            "toets-schema-version", path="schema_version", value=repr(schema), allowed="1"
        )
    retired = check.texts(data, "retired", "")
    for i, code in enumerate(retired):
        if not _CODE.fullmatch(code):
            raise check.fail("toets-bad-code", path=f"retired[{i}]", value=repr(code))

    codes: dict[str, FindingCode] = {}
    names: dict[str, str] = {}
    for code, value in check.table(data["codes"], "codes").items():
        path = f"codes.{code}"
        if not _CODE.fullmatch(code):
            raise check.fail("toets-bad-code", path=path, value=repr(code))
        if code in retired:
            raise check.fail("code-retired-reused", path=path, value=repr(code))
        raw = check.table(value, path)
        check.keys(
            raw,
            path,
            ("name", "status", "since", "default_severity", "toets_parts", "norms", "nl", "en"),
        )
        name = check.text(raw, "name", path)
        if not _NAME.fullmatch(name):
            raise check.fail("code-bad-name", path=f"{path}.name", value=repr(name))
        if name in names:
            raise check.fail(
                "toets-duplicate", path=f"{path}.name", value=repr(name), first=names[name]
            )
        names[name] = f"{path}.name"
        status = check.text(raw, "status", path)
        check.ref(status, f"{path}.status", "toets-kind-status", STATUSES)
        severity = check.text(raw, "default_severity", path)
        check.ref(severity, f"{path}.default_severity", "toets-kind-severity", SEVERITIES)
        parts = check.texts(raw, "toets_parts", path, non_empty=True)
        for j, part in enumerate(parts):
            check.ref(part, f"{path}.toets_parts[{j}]", "toets-kind-part", part_ids)
        norms = check.texts(raw, "norms", path, non_empty=True)
        for j, norm in enumerate(norms):
            check.ref(norm, f"{path}.norms[{j}]", "toets-kind-norm", norm_ids)
        codes[code] = FindingCode(
            code=code,
            name=name,
            status=_STATUS[status],
            since=check.text(raw, "since", path),
            default_severity=_SEVERITY[severity],
            toets_parts=parts,
            norms=norms,
            doc_nl=_parse_doc(check, check.table(raw["nl"], f"{path}.nl"), f"{path}.nl"),
            doc_en=_parse_doc(check, check.table(raw["en"], f"{path}.en"), f"{path}.en"),
        )
    return MappingProxyType(codes), retired


@cache
def _packaged() -> tuple[Mapping[str, FindingCode], tuple[str, ...]]:
    text = resources.files("eerlijkheid.findings").joinpath(_FILE).read_text("utf-8")
    return _load_codes(text)


#: Every finding code, by code, in file order (read from ``findings/codes.toml``).
CODES: Mapping[str, FindingCode] = _packaged()[0]
#: Codes that were withdrawn; they are never used again.
RETIRED_CODES: tuple[str, ...] = _packaged()[1]


def get_code(code: str) -> FindingCode:
    """Return a finding code by its code (``"EE201"``, any case) or its name.

    Parameters
    ----------
    code : str
        A code such as ``"EE201"`` or a name such as ``"selection-rate-disparity"``.

    Returns
    -------
    FindingCode
        The registered code.

    Raises
    ------
    ConfigError
        If the code is unknown (the message suggests the closest known code or name and
        lists the known codes), or was retired.

    Examples
    --------
    >>> from eerlijkheid.findings._codes import get_code
    >>> get_code("ee403").name
    'approximate-counts'
    >>> get_code("EE209")
    Traceback (most recent call last):
    ...
    eerlijkheid.exceptions.ConfigError: 'EE209' ...
    """
    key = code.strip()
    if key.upper() in CODES:
        return CODES[key.upper()]
    for finding_code in CODES.values():
        if finding_code.name == key.lower():
            return finding_code
    if key.upper() in RETIRED_CODES:
        raise ConfigError(message("code-retired", value=repr(key.upper())))
    candidates = [*CODES, *(c.name for c in CODES.values())]
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(key.upper(), candidates, n=1, cutoff=0.6)
    suggestion = message("toets-did-you-mean", candidate=repr(close[0])) if close else ""
    raise ConfigError(
        message("code-unknown", value=repr(code), suggestion=suggestion, allowed=", ".join(CODES))
    )
