"""Direct grounds: which input variables are, or stand for, a protected ground.

Matching uses a documented, extensible vocabulary of Dutch and English column-name terms
(:data:`VOCABULARY`).  A column name is normalised (lower case, accents removed, split on
anything that is not a letter or digit) and matches a term when the term's words appear
as consecutive words of the name, or when the name without separators contains the term
without separators (``geboorteland_ouder`` and ``GeboortelandOuder`` both match
``geboorteland``).  Declared meanings override matching.

Race indicators per the CRM Toetsingskader risicoprofilering (skin colour, ethnicity,
national or ethnic origin, migration background, nationality, country of birth, a name's
origin) are the most severe kind; the other grounds of the Dutch equal-treatment law need
justification.

Examples
--------
>>> [(m.column, m.ground, m.kind) for m in find_direct_grounds(["inkomen", "Nationaliteit"])]
[('Nationaliteit', 'nationality', 'race')]
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message

__all__ = ["GROUND_KINDS", "VOCABULARY", "GroundKind", "GroundMatch", "find_direct_grounds"]

GroundKind = Literal["race", "other"]

#: Ground -> (kind, terms).  Terms are matched against normalised column names.
VOCABULARY: Mapping[str, tuple[GroundKind, tuple[str, ...]]] = MappingProxyType(
    {
        "nationality": (
            "race",
            ("nationaliteit", "nationality", "staatsburgerschap", "citizenship", "nationaliteiten"),
        ),
        "country_of_birth": (
            "race",
            (
                "geboorteland",
                "country of birth",
                "birth country",
                "geboorte land",
                "land van geboorte",
                "birthplace country",
            ),
        ),
        "migration_background": (
            "race",
            (
                "migratieachtergrond",
                "migratie achtergrond",
                "migration background",
                "allochtoon",
                "autochtoon",
                "westers",
                "niet westers",
                "non western",
            ),
        ),
        "origin": (
            "race",
            (
                "herkomst",
                "herkomstland",
                "land van herkomst",
                "afkomst",
                "origin",
                "country of origin",
                "etnische",
                "national origin",
            ),
        ),
        "ethnicity": (
            "race",
            (
                "etniciteit",
                "ethnicity",
                "ethnic",
                "etnisch",
                "ras",
                "race",
                "huidskleur",
                "skin colour",
                "skin color",
            ),
        ),
        "name_origin": (
            "race",
            (
                "naam herkomst",
                "naamherkomst",
                "name origin",
                "buitenlandse naam",
                "foreign name",
                "naam afkomst",
            ),
        ),
        "sex": ("other", ("geslacht", "sex", "gender", "man vrouw")),
        "age": (
            "other",
            (
                "leeftijd",
                "age",
                "geboortedatum",
                "geboortejaar",
                "date of birth",
                "birth date",
                "year of birth",
                "leeftijdsklasse",
            ),
        ),
        "religion": (
            "other",
            ("religie", "godsdienst", "religion", "levensovertuiging", "geloof", "belief"),
        ),
        "disability": (
            "other",
            ("handicap", "beperking", "disability", "chronische ziekte", "chronic illness"),
        ),
        "sexual_orientation": (
            "other",
            ("seksuele gerichtheid", "seksuele geaardheid", "sexual orientation"),
        ),
        "marital_status": ("other", ("burgerlijke staat", "marital status", "gehuwd", "married")),
        "political_opinion": ("other", ("politieke gezindheid", "political opinion")),
        "pregnancy": ("other", ("zwangerschap", "zwanger", "pregnancy", "pregnant")),
    }
)

#: Kind of each ground.
GROUND_KINDS: Mapping[str, GroundKind] = MappingProxyType(
    {ground: kind for ground, (kind, _) in VOCABULARY.items()}
)


@dataclass(frozen=True)
class GroundMatch:
    """An input variable that is, or stands for, a protected ground.

    Attributes
    ----------
    column : str
        The input variable.
    ground : str
        The ground (a key of :data:`VOCABULARY`).
    kind : {'race', 'other'}
        ``'race'`` for the CRM race indicators, ``'other'`` for the other grounds.
    term : str
        The vocabulary term that matched, or ``"declared"``.
    declared : bool
        Whether the user declared the meaning explicitly.
    """

    column: str
    ground: str
    kind: GroundKind
    term: str
    declared: bool


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"([a-z])([A-Z])", r"\1 \2", plain).lower()
    return [w for w in re.split(r"[^a-z0-9]+", plain) if w]


def _matches(name_words: list[str], term: str) -> bool:
    term_words = _words(term)
    k = len(term_words)
    if any(name_words[i : i + k] == term_words for i in range(len(name_words) - k + 1)):
        return True
    joined, joined_term = "".join(name_words), "".join(term_words)
    # Substring matching only for distinctive terms: "ras" must not match "grasveld".
    return len(joined_term) >= 7 and joined_term in joined


def find_direct_grounds(
    inputs: Iterable[str],
    *,
    declared: Mapping[str, str] | None = None,
    vocabulary: Mapping[str, tuple[GroundKind, tuple[str, ...]]] = VOCABULARY,
) -> tuple[GroundMatch, ...]:
    """Flag input variables that are, or stand for, a protected ground.

    Parameters
    ----------
    inputs : iterable of str
        The model's or rule set's input variables (e.g. a feature frame's columns).
    declared : mapping of str to str, optional
        Explicit meaning of columns: a ground of the vocabulary, or ``"none"`` to state
        that a column that looks like a ground is not one.
    vocabulary : mapping, optional
        Extend or replace :data:`VOCABULARY` (``{ground: (kind, terms)}``).

    Returns
    -------
    tuple of GroundMatch
        Race indicators first, then other grounds; in input order within each.

    Raises
    ------
    ConfigError
        If a declared ground is not in the vocabulary (a ``ValueError`` too); the
        message suggests the nearest ground and lists the allowed ones.

    Examples
    --------
    >>> declared = {"kenmerk_17": "nationality"}
    >>> found = find_direct_grounds(["kenmerk_17", "leeftijd"], declared=declared)
    >>> [(m.column, m.ground, m.kind, m.declared) for m in found]
    [('kenmerk_17', 'nationality', 'race', True), ('leeftijd', 'age', 'other', False)]
    """
    declared = dict(declared or {})
    for column, ground in declared.items():
        if ground != "none" and ground not in vocabulary:
            close = difflib.get_close_matches(str(ground), [*vocabulary, "none"], n=1)
            raise ConfigError(
                message(
                    "declared-ground-unknown",
                    ground=repr(ground),
                    column=repr(column),
                    suggestion=message("did-you-mean", candidate=close[0]) if close else "",
                    allowed=", ".join(sorted(vocabulary)),
                )
            )
    found: list[GroundMatch] = []
    for column in dict.fromkeys(inputs):
        if column in declared:
            ground = declared[column]
            if ground != "none":
                found.append(GroundMatch(column, ground, vocabulary[ground][0], "declared", True))
            continue
        words = _words(column)
        for ground, (kind, terms) in vocabulary.items():
            term = next((t for t in terms if _matches(words, t)), None)
            if term is not None:
                found.append(GroundMatch(column, ground, kind, term, False))
                break
    return tuple(sorted(found, key=lambda m: m.kind != "race"))
