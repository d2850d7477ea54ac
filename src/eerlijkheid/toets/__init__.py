"""The Discriminatietoets Publieke Dienstverlening as data: parts, norms and questions.

The catalogue is a versioned TOML file shipped with the package
(``toets/catalogue.toml``); a municipality can load its own, updated copy with
:func:`load_catalogue`.  Only part 2's title ("Bepalen van het onderzoeksproces") is
verified; the other titles are working titles, and :meth:`Part.label` says so.

Examples
--------
>>> from eerlijkheid.toets import coverage, load_catalogue
>>> cat = load_catalogue()
>>> cat.part("deel-2").label("nl")
'Bepalen van het onderzoeksproces'
>>> cat.part("deel-1").label("en")
'Vocabulary: forms of discrimination and (un)justified distinction (working title, not verified)'
>>> [c.question_id for c in coverage(cat, ["decision", "groups"]) if c.answerable]
['v-voldoende-data']
"""

from eerlijkheid.toets._catalogue import (
    DATA_ROLES,
    SCHEMA_VERSION,
    Catalogue,
    DataRole,
    Norm,
    Part,
    Question,
    QuestionCoverage,
    coverage,
    load_catalogue,
)

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
