"""The toets catalogue: parts, norms and research questions, loaded from a TOML file.

The packaged file ``toets/catalogue.toml`` is read once and cached; a municipality can
load its own (updated) catalogue by passing a path.  A user file is checked completely
before use, and every problem raises :class:`~eerlijkheid.exceptions.ConfigError` with
the key path at fault (``questions[3].part``) and the values that are allowed.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import LANGUAGES, Language, get_language, message

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "DATA_ROLES",
    "SCHEMA_VERSION",
    "Catalogue",
    "DataRole",
    "Norm",
    "Part",
    "Question",
    "QuestionCoverage",
    "coverage",
    "load_catalogue",
]

#: The catalogue file format this version of eerlijkheid reads.
SCHEMA_VERSION = 1

DataRole = Literal[
    "decision",
    "groups",
    "outcome",
    "random_sample",
    "stages",
    "strata",
    "score",
    "handler",
    "inputs",
    "features",
    "group_combinations",
    "model",
    "baseline",
]

#: The fixed vocabulary of data a question can need (``Question.needs``).
#: ``group_combinations``: data to search for groups nobody named, i.e. two or more group
#: attributes (their intersections) or per-case features (clusters).
DATA_ROLES: tuple[DataRole, ...] = (
    "decision",
    "groups",
    "outcome",
    "random_sample",
    "stages",
    "strata",
    "score",
    "handler",
    "inputs",
    "features",
    "group_combinations",
    "model",
    "baseline",
)
_ROLES: dict[str, DataRole] = {role: role for role in DATA_ROLES}

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CODE = re.compile(r"[A-Z]{1,4}[0-9]{3}")
_PACKAGED = "catalogue.toml"


def _language(language: str | None) -> Language:
    lang = get_language() if language is None else language
    for known in LANGUAGES:
        if lang == known:
            return known
    raise ValueError(
        message("toets-invalid-language", allowed=", ".join(LANGUAGES), value=repr(language))
    )


def _pick(nl: str, en: str, language: str | None) -> str:
    return nl if _language(language) == "nl" else en


# ---------------------------------------------------------------------------------------
# The data model
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A part of the discriminatietoets (``deel-1`` … ``deel-4``, and ``onderzoek``).

    Only titles with ``title_verified=True`` are official; the others are descriptive
    working titles.  Show a part to people with :meth:`label`, which says so.

    Attributes
    ----------
    id : str
        Stable id, e.g. ``"deel-2"``.
    title_nl, title_en : str
        The title in Dutch and English.
    title_verified : bool
        Whether the Dutch title is the toets's verified, official title.
    summary_nl, summary_en : str
        What the part is about.
    status_note_nl, status_note_en : str
        What is and is not verified about this part.

    Examples
    --------
    >>> from eerlijkheid.toets import load_catalogue
    >>> part = load_catalogue().part("deel-2")
    >>> part.title("nl"), part.title_verified
    ('Bepalen van het onderzoeksproces', True)
    >>> load_catalogue().part("deel-4").label("en")
    'Measures, monitoring and securing them (working title, not verified)'
    """

    id: str
    title_nl: str
    title_en: str
    title_verified: bool
    summary_nl: str
    summary_en: str
    status_note_nl: str
    status_note_en: str

    def title(self, language: str | None = None) -> str:
        """Return the title in ``language`` (default: the message language).

        Parameters
        ----------
        language : {'nl', 'en'}, optional
            Defaults to :func:`eerlijkheid.i18n.get_language`.

        Returns
        -------
        str
            The bare title, without a mark for unverified titles (see :meth:`label`).

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().part("deel-2").title("en")
        'Determining the research process'
        """
        return _pick(self.title_nl, self.title_en, language)

    def label(self, language: str | None = None) -> str:
        """Return the title for people: unverified titles say that they are working titles.

        Parameters
        ----------
        language : {'nl', 'en'}, optional
            Defaults to :func:`eerlijkheid.i18n.get_language`.

        Returns
        -------
        str
            The title, followed by ``(werktitel, niet geverifieerd)`` when it is not
            verified.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().part("deel-3").label("nl")
        'Duiden van de resultaten en rechtvaardiging van onderscheid (werktitel, niet geverifieerd)'
        """
        lang = _language(language)
        title = self.title(lang)
        if self.title_verified:
            return title
        return f"{title} ({message('toets-unverified', language=lang)})"

    def summary(self, language: str | None = None) -> str:
        """Return the summary in ``language``.

        Parameters
        ----------
        language : {'nl', 'en'}, optional
            Defaults to :func:`eerlijkheid.i18n.get_language`.

        Returns
        -------
        str
            What the part is about.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().part("deel-1").summary("en")[:24]
        'A shared vocabulary: for'
        """
        return _pick(self.summary_nl, self.summary_en, language)

    def status_note(self, language: str | None = None) -> str:
        """Return what is and is not verified about this part, in ``language``.

        Parameters
        ----------
        language : {'nl', 'en'}, optional
            Defaults to :func:`eerlijkheid.i18n.get_language`.

        Returns
        -------
        str
            The note.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().part("deel-3").status_note("en")[:13]
        'Not verified.'
        """
        return _pick(self.status_note_nl, self.status_note_en, language)


@dataclass(frozen=True)
class Norm:
    """A norm that findings point to: a CRM step, an Algoritmekader measure, an article.

    Attributes
    ----------
    id : str
        Stable id, e.g. ``"crm-disproportioneel"`` or ``"ak-6-imp-02"``.
    title_nl, title_en : str
        A short descriptive title.
    summary_nl, summary_en : str
        What the norm asks, in one or two sentences.
    source : str
        The document the norm comes from.
    url : str or None
        Where to read it, when known.

    Examples
    --------
    >>> from eerlijkheid.toets import load_catalogue
    >>> norm = load_catalogue().norm("crm-ras")
    >>> norm.title("en")
    'Race never as a selection criterion'
    >>> norm.source
    'College voor de Rechten van de Mens, Toetsingskader risicoprofilering (2025)'
    """

    id: str
    title_nl: str
    title_en: str
    summary_nl: str
    summary_en: str
    source: str
    url: str | None = None

    def title(self, language: str | None = None) -> str:
        """Return the title in ``language``.

        Parameters
        ----------
        language : {'nl', 'en'}, optional
            Defaults to :func:`eerlijkheid.i18n.get_language`.

        Returns
        -------
        str
            The title.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().norm("crm-geschikt").title("nl")
        'Rechtvaardigingstoets: geschikt'
        """
        return _pick(self.title_nl, self.title_en, language)

    def summary(self, language: str | None = None) -> str:
        """Return the summary in ``language``.

        Parameters
        ----------
        language : {'nl', 'en'}, optional
            Defaults to :func:`eerlijkheid.i18n.get_language`.

        Returns
        -------
        str
            What the norm asks.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().norm("ak-6-imp-02").summary("en")
        'Add random samples, sized so that groups can be compared with statistical significance.'
        """
        return _pick(self.summary_nl, self.summary_en, language)


@dataclass(frozen=True)
class Question:
    """A research question of the toets, the data it needs and the findings that inform it.

    Attributes
    ----------
    id : str
        Stable id, e.g. ``"v-geschiktheid"``.
    text_nl, text_en : str
        The question.
    part : str
        The id of the toets part the question informs.
    norms : tuple of str
        Ids of the norms behind the question.
    needs : tuple of str
        The data roles (from :data:`DATA_ROLES`) needed to answer it.
    missing_nl, missing_en : str
        What data would answer it, in plain words, for the research plan.
    codes : tuple of str
        Finding codes that inform the question.

    Examples
    --------
    >>> from eerlijkheid.toets import load_catalogue
    >>> q = load_catalogue().question("v-geschiktheid")
    >>> q.text("en"), q.part
    ('Is the profile suitable?', 'deel-3')
    >>> q.needs
    ('decision', 'groups', 'outcome', 'random_sample')
    """

    id: str
    text_nl: str
    text_en: str
    part: str
    norms: tuple[str, ...]
    needs: tuple[DataRole, ...]
    missing_nl: str
    missing_en: str
    codes: tuple[str, ...]

    def text(self, language: str | None = None) -> str:
        """Return the question in ``language``.

        Parameters
        ----------
        language : {'nl', 'en'}, optional
            Defaults to :func:`eerlijkheid.i18n.get_language`.

        Returns
        -------
        str
            The question.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().question("v-blijft-eerlijk").text("nl")
        'Blijft het eerlijk?'
        """
        return _pick(self.text_nl, self.text_en, language)

    def missing_text(self, language: str | None = None) -> str:
        """Return, in plain words, which data would answer the question.

        Parameters
        ----------
        language : {'nl', 'en'}, optional
            Defaults to :func:`eerlijkheid.i18n.get_language`.

        Returns
        -------
        str
            The description for the research plan.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().question("v-voldoende-data").missing_text("en")[:30]
        'Per group the number of cases '
        """
        return _pick(self.missing_nl, self.missing_en, language)


def _suggest(value: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.6)
    return message("toets-did-you-mean", candidate=repr(close[0])) if close else ""


def _unknown(value: str, kind: str, ids: tuple[str, ...]) -> KeyError:
    return KeyError(
        message(
            "toets-unknown-id",
            value=repr(value),
            kind=message(kind),
            suggestion=_suggest(value, ids),
            allowed=", ".join(ids),
        )
    )


@dataclass(frozen=True)
class Catalogue:
    """The toets catalogue: parts, norms and questions, each in file order.

    Attributes
    ----------
    schema_version : int
        The file format version.
    catalogue_version : str
        The version of the content, e.g. ``"2026.1"``.
    source : tuple of str
        The public sources the content is based on.
    parts : tuple of Part
        The toets parts.
    norms : tuple of Norm
        The norms.
    questions : tuple of Question
        The research questions.

    Examples
    --------
    >>> from eerlijkheid.toets import load_catalogue
    >>> cat = load_catalogue()
    >>> [p.id for p in cat.parts]
    ['deel-1', 'deel-2', 'onderzoek', 'deel-3', 'deel-4']
    >>> [q.id for q in cat.questions_for_code("EE204")]
    ['v-geschiktheid', 'v-noodzaak-proportionaliteit']
    """

    schema_version: int
    catalogue_version: str
    source: tuple[str, ...]
    parts: tuple[Part, ...]
    norms: tuple[Norm, ...]
    questions: tuple[Question, ...]

    def part(self, id: str) -> Part:
        """Return the part with this id.

        Parameters
        ----------
        id : str
            A part id, e.g. ``"deel-2"``.

        Returns
        -------
        Part
            The part.

        Raises
        ------
        KeyError
            If no part has this id; the message lists the ids that exist.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().part("onderzoek").title_verified
        False
        """
        for part in self.parts:
            if part.id == id:
                return part
        raise _unknown(id, "toets-kind-part", tuple(p.id for p in self.parts))

    def norm(self, id: str) -> Norm:
        """Return the norm with this id.

        Parameters
        ----------
        id : str
            A norm id, e.g. ``"crm-geschikt"``.

        Returns
        -------
        Norm
            The norm.

        Raises
        ------
        KeyError
            If no norm has this id.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().norm("ai-act-art-27").title("en")
        'AI Act Art. 27: fundamental rights impact assessment'
        """
        for norm in self.norms:
            if norm.id == id:
                return norm
        raise _unknown(id, "toets-kind-norm", tuple(n.id for n in self.norms))

    def question(self, id: str) -> Question:
        """Return the question with this id.

        Parameters
        ----------
        id : str
            A question id, e.g. ``"v-proxies"``.

        Returns
        -------
        Question
            The question.

        Raises
        ------
        KeyError
            If no question has this id.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> load_catalogue().question("v-proxies").needs
        ('groups', 'features')
        """
        for question in self.questions:
            if question.id == id:
                return question
        raise _unknown(id, "toets-kind-question", tuple(q.id for q in self.questions))

    def questions_for_code(self, code: str) -> tuple[Question, ...]:
        """Return the questions a finding code informs, in file order.

        Parameters
        ----------
        code : str
            A finding code, e.g. ``"EE202"``.

        Returns
        -------
        tuple of Question
            Empty when no question lists the code.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> [q.id for q in load_catalogue().questions_for_code("EE101")]
        ['v-directe-grond', 'v-proxies']
        """
        return tuple(q for q in self.questions if code in q.codes)

    def questions_for_part(self, part: str) -> tuple[Question, ...]:
        """Return the questions that inform a toets part, in file order.

        Parameters
        ----------
        part : str
            A part id.

        Returns
        -------
        tuple of Question
            Empty when no question informs the part.

        Raises
        ------
        KeyError
            If the part id is not in the catalogue.

        Examples
        --------
        >>> from eerlijkheid.toets import load_catalogue
        >>> [q.id for q in load_catalogue().questions_for_part("deel-4")]
        ['v-blijft-eerlijk']
        """
        self.part(part)
        return tuple(q for q in self.questions if q.part == part)


@dataclass(frozen=True)
class QuestionCoverage:
    """Whether a question can be answered with the data at hand.

    Attributes
    ----------
    question_id : str
        The question.
    part : str
        The toets part the question informs.
    answerable : bool
        True when every data role the question needs is available.
    missing : tuple of str
        The needed data roles that are not available, in the question's order.

    Examples
    --------
    >>> from eerlijkheid.toets import coverage, load_catalogue
    >>> cov = coverage(load_catalogue(), ["decision", "groups"])
    >>> cov[-2]
    QuestionCoverage(question_id='v-voldoende-data', part='deel-2', answerable=True, missing=())
    """

    question_id: str
    part: str
    answerable: bool
    missing: tuple[DataRole, ...]


def coverage(catalogue: Catalogue, available: Iterable[str]) -> tuple[QuestionCoverage, ...]:
    """Say per question whether the available data can answer it, and what is missing.

    Parameters
    ----------
    catalogue : Catalogue
        The catalogue, e.g. ``load_catalogue()``.
    available : iterable of str
        The data roles at hand, from :data:`DATA_ROLES` (a single string counts as one
        role).

    Returns
    -------
    tuple of QuestionCoverage
        One per question, in catalogue order.

    Raises
    ------
    ConfigError
        If ``available`` names a role outside :data:`DATA_ROLES`.

    Examples
    --------
    >>> from eerlijkheid.toets import coverage, load_catalogue
    >>> cov = coverage(load_catalogue(), ["decision", "groups", "outcome"])
    >>> [c.question_id for c in cov if c.answerable]
    ['v-foutpercentages', 'v-voldoende-data']
    >>> next(c.missing for c in cov if c.question_id == "v-geschiktheid")
    ('random_sample',)
    """
    roles = (available,) if isinstance(available, str) else tuple(available)
    have: set[str] = set()
    for i, role in enumerate(roles):
        if role not in _ROLES:
            raise ConfigError(
                message(
                    "toets-unknown-ref",
                    path=f"available[{i}]",
                    value=repr(role),
                    kind=message("toets-kind-role"),
                    allowed=", ".join(DATA_ROLES),
                )
            )
        have.add(role)
    out = []
    for q in catalogue.questions:
        missing = tuple(role for role in q.needs if role not in have)
        out.append(QuestionCoverage(q.id, q.part, not missing, missing))
    return tuple(out)


# ---------------------------------------------------------------------------------------
# Reading and checking a file
# ---------------------------------------------------------------------------------------


class _Checker:
    """Typed access to parsed TOML that raises ConfigError naming the key path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, **fields: str) -> ConfigError:
        return ConfigError(
            message("toets-file-error", file=self.file, detail=message(key, **fields))
        )

    def keys(
        self,
        table: Mapping[str, object],
        path: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> None:
        allowed = required + optional
        for key in table:
            if key not in allowed:
                raise self.fail(
                    "toets-unknown-key", path=_join(path, key), allowed=", ".join(allowed)
                )
        for key in required:
            if key not in table:
                raise self.fail("toets-missing-key", path=_join(path, key))

    def wrong(self, path: str, expected: str, value: object) -> ConfigError:
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return self.fail("toets-wrong-type", path=path, expected=message(expected), value=shown)

    def text(self, table: Mapping[str, object], key: str, path: str) -> str:
        value = table[key]
        where = _join(path, key)
        if not isinstance(value, str):
            raise self.wrong(where, "toets-type-text", value)
        if not value.strip():
            raise self.fail("toets-empty-text", path=where)
        return value

    def optional_text(self, table: Mapping[str, object], key: str, path: str) -> str | None:
        return self.text(table, key, path) if key in table else None

    def boolean(self, table: Mapping[str, object], key: str, path: str) -> bool:
        value = table[key]
        if not isinstance(value, bool):
            raise self.wrong(_join(path, key), "toets-type-bool", value)
        return value

    def integer(self, table: Mapping[str, object], key: str, path: str) -> int:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.wrong(_join(path, key), "toets-type-int", value)
        return value

    def texts(
        self, table: Mapping[str, object], key: str, path: str, *, non_empty: bool = False
    ) -> tuple[str, ...]:
        value = table[key]
        where = _join(path, key)
        if not isinstance(value, list):
            raise self.wrong(where, "toets-type-text-list", value)
        out: list[str] = []
        first: dict[str, int] = {}
        for i, item in enumerate(value):
            here = f"{where}[{i}]"
            if not isinstance(item, str):
                raise self.wrong(here, "toets-type-text", item)
            if not item.strip():
                raise self.fail("toets-empty-text", path=here)
            if item in first:
                raise self.fail(
                    "toets-duplicate", path=here, value=repr(item), first=f"{where}[{first[item]}]"
                )
            first[item] = i
            out.append(item)
        if non_empty and not out:
            raise self.fail("toets-empty-list", path=where)
        return tuple(out)

    def table(self, value: object, path: str) -> Mapping[str, object]:
        if not isinstance(value, dict):
            raise self.wrong(path, "toets-type-table", value)
        return value

    def tables(self, table: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.wrong(key, "toets-type-table-list", value)
        return list(value)

    def ref(self, value: str, path: str, kind: str, allowed: Iterable[str]) -> None:
        ids = tuple(allowed)
        if value not in ids:
            raise self.fail(
                "toets-unknown-ref",
                path=path,
                value=repr(value),
                kind=message(kind),
                allowed=", ".join(ids),
            )

    def ident(self, table: Mapping[str, object], path: str, seen: dict[str, str]) -> str:
        where = _join(path, "id")
        value = self.text(table, "id", path)
        if not _ID.fullmatch(value):
            raise self.fail("toets-bad-id", path=where, value=repr(value))
        if value in seen:
            raise self.fail("toets-duplicate", path=where, value=repr(value), first=seen[value])
        seen[value] = where
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def read_toml(
    text: str | None, path: str | os.PathLike[str] | None, file: str
) -> dict[str, object]:
    """Parse TOML text, or read and parse the file at ``path``; errors name ``file``.

    Shared with :mod:`eerlijkheid.findings` (the code registry) so both files report
    problems the same way.
    """
    check = _Checker(file)
    if text is None:
        if path is None:  # pragma: no cover - internal misuse
            raise TypeError("read_toml needs text or path")
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise check.fail("toets-read-failed", error=exc.strerror or str(exc)) from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise check.fail("toets-not-utf8", position=str(exc.start)) from None
    try:
        parsed: dict[str, object] = tomllib.loads(text)
        return parsed
    except tomllib.TOMLDecodeError as exc:
        raise check.fail("toets-invalid-toml", error=str(exc)) from exc
    except RecursionError:
        raise check.fail("toets-too-deep") from None


_PART_KEYS = (
    "id",
    "title_nl",
    "title_en",
    "title_verified",
    "summary_nl",
    "summary_en",
    "status_note_nl",
    "status_note_en",
)
_NORM_KEYS = ("id", "title_nl", "title_en", "summary_nl", "summary_en", "source")
_QUESTION_KEYS = (
    "id",
    "text_nl",
    "text_en",
    "part",
    "norms",
    "needs",
    "missing_nl",
    "missing_en",
    "codes",
)


def _parse(data: Mapping[str, object], file: str) -> Catalogue:
    check = _Checker(file)
    check.keys(
        data, "", ("schema_version", "catalogue_version", "source", "parts", "norms", "questions")
    )
    schema = check.integer(data, "schema_version", "")
    if schema != SCHEMA_VERSION:
        raise check.fail(
            "toets-schema-version",
            path="schema_version",
            value=repr(schema),
            allowed=str(SCHEMA_VERSION),
        )
    version = check.text(data, "catalogue_version", "")
    source = check.texts(data, "source", "")

    parts: list[Part] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(check.tables(data, "parts")):
        path = f"parts[{i}]"
        check.keys(raw, path, _PART_KEYS)
        parts.append(
            Part(
                id=check.ident(raw, path, seen),
                title_nl=check.text(raw, "title_nl", path),
                title_en=check.text(raw, "title_en", path),
                title_verified=check.boolean(raw, "title_verified", path),
                summary_nl=check.text(raw, "summary_nl", path),
                summary_en=check.text(raw, "summary_en", path),
                status_note_nl=check.text(raw, "status_note_nl", path),
                status_note_en=check.text(raw, "status_note_en", path),
            )
        )

    norms: list[Norm] = []
    seen = {}
    for i, raw in enumerate(check.tables(data, "norms")):
        path = f"norms[{i}]"
        check.keys(raw, path, _NORM_KEYS, ("url",))
        norms.append(
            Norm(
                id=check.ident(raw, path, seen),
                title_nl=check.text(raw, "title_nl", path),
                title_en=check.text(raw, "title_en", path),
                summary_nl=check.text(raw, "summary_nl", path),
                summary_en=check.text(raw, "summary_en", path),
                source=check.text(raw, "source", path),
                url=check.optional_text(raw, "url", path),
            )
        )

    part_ids = tuple(p.id for p in parts)
    norm_ids = tuple(n.id for n in norms)
    questions: list[Question] = []
    seen = {}
    for i, raw in enumerate(check.tables(data, "questions")):
        path = f"questions[{i}]"
        check.keys(raw, path, _QUESTION_KEYS)
        qid = check.ident(raw, path, seen)
        part = check.text(raw, "part", path)
        check.ref(part, f"{path}.part", "toets-kind-part", part_ids)
        q_norms = check.texts(raw, "norms", path)
        for j, norm in enumerate(q_norms):
            check.ref(norm, f"{path}.norms[{j}]", "toets-kind-norm", norm_ids)
        needs: list[DataRole] = []
        for j, role in enumerate(check.texts(raw, "needs", path, non_empty=True)):
            check.ref(role, f"{path}.needs[{j}]", "toets-kind-role", DATA_ROLES)
            needs.append(_ROLES[role])
        codes = check.texts(raw, "codes", path)
        for j, code in enumerate(codes):
            if not _CODE.fullmatch(code):
                raise check.fail("toets-bad-code", path=f"{path}.codes[{j}]", value=repr(code))
        questions.append(
            Question(
                id=qid,
                text_nl=check.text(raw, "text_nl", path),
                text_en=check.text(raw, "text_en", path),
                part=part,
                norms=q_norms,
                needs=tuple(needs),
                missing_nl=check.text(raw, "missing_nl", path),
                missing_en=check.text(raw, "missing_en", path),
                codes=codes,
            )
        )
    return Catalogue(
        schema_version=schema,
        catalogue_version=version,
        source=source,
        parts=tuple(parts),
        norms=tuple(norms),
        questions=tuple(questions),
    )


@cache
def _packaged() -> Catalogue:
    text = resources.files("eerlijkheid.toets").joinpath(_PACKAGED).read_text("utf-8")
    return _parse(read_toml(text, None, _PACKAGED), _PACKAGED)


def load_catalogue(path: str | os.PathLike[str] | None = None) -> Catalogue:
    """Load the toets catalogue: the packaged one, or a user's own file.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A catalogue TOML file in the packaged file's format.  ``None`` (default) loads
        the catalogue shipped with eerlijkheid (read once, then cached).

    Returns
    -------
    Catalogue
        The checked catalogue.

    Raises
    ------
    ConfigError
        If the file cannot be read, is not TOML, or breaks the format: a missing or
        unknown key, a wrong type, an empty text, a duplicate id, an unsupported
        ``schema_version``, or a reference to a part, norm or data role that does not
        exist.  The message names the file, the key path (``questions[3].part``) and
        the allowed values.

    Examples
    --------
    >>> from eerlijkheid.toets import load_catalogue
    >>> cat = load_catalogue()
    >>> cat.schema_version, cat.catalogue_version
    (1, '2026.1')
    >>> [p.id for p in cat.parts if p.title_verified]
    ['deel-2']
    """
    if path is None:
        return _packaged()
    return _parse(read_toml(None, path, os.fspath(path)), os.fspath(path))
