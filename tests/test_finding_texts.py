"""Nothing shown says more than the data or the norm allow.

A finding says what was measured, how sure, and which question or norm of the toets it
informs; the legal conclusion ("discriminatie", "ongelijke behandeling", "met minder reden
gecontroleerd", "disproportioneel") is the organisation's to draw.  This test reads every
text a person can see, in every language: the messages of ``locale/*.toml``, the
documentation sections of the code registry (``findings/codes.toml``, from which
``docs/bevindingen/*.md`` are generated) and the toets catalogue, and fails on the phrases
of :data:`FORBIDDEN`.

Two norms of the CRM Toetsingskader risicoprofilering are easy to overstate, so they have
their own checks: race is *never* allowed as a selection criterion, nationality only in very
exceptional cases with conclusive proof of necessity (so no clause puts "nooit"/"never"
next to nationality); and "disproportioneel" is a norm for groups defined by race or
nationality, attached per finding (``tests/finding_cases`` checks the rendered messages of
real findings against the same phrases).

Exceptions are listed in :data:`ALLOWED`, each with its reason: a research question of
the toets may *ask* about unequal treatment; a cited public source may be quoted with
attribution.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PACKAGE = Path(str(files("eerlijkheid")))
LOCALE = PACKAGE / "locale"
REGISTRY = PACKAGE / "findings" / "codes.toml"
CATALOGUE = PACKAGE / "toets" / "catalogue.toml"

#: Phrases that draw a legal conclusion or overstate a norm, per language (regular
#: expressions, case-insensitive).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "nl": (
        r"ongelijke behandeling",
        r"met minder reden",
        r"\bis discriminatie\b",
        r"\bdiscriminatie is\b",
        r"\bdiscrimineer?t\b",
        r"\bdiscriminerend",
        r"\bdiscriminatoir",
        r"onrechtmatig onderscheid",
        r"\bis (een )?ongerechtvaardigd",
        r"\bis (dus |daarmee )?disproportioneel\b(?! als)",
        r"\bin strijd met\b",
    ),
    "en": (
        r"unequal treatment",
        r"less reason",
        r"\bis discrimination\b",
        r"\bdiscriminates\b",
        r"\bdiscriminatory\b",
        r"unlawful distinction",
        r"\bis (an )?unjustified",
        r"\bis (thus |therefore )?disproportionate\b(?! if)",
        r"\bin breach of\b",
        r"\bviolates the\b",
    ),
}

#: Nationality is not "never" allowed (CRM: only in very exceptional cases, with conclusive
#: proof of necessity); race is.  No clause may put the two words together.
NEVER = {"nl": (r"nationaliteit", r"\bnooit\b"), "en": (r"nationality", r"\bnever\b")}

#: Explicit, visible exceptions: (text id, phrase) -> reason.
ALLOWED: dict[tuple[str, str], str] = {
    (
        "catalogue:questions:v-beleidsvrijheid:text_nl",
        r"ongelijke behandeling",
    ): "a research question of the toets asks; it concludes nothing",
    (
        "catalogue:questions:v-beleidsvrijheid:text_en",
        r"unequal treatment",
    ): "a research question of the toets asks; it concludes nothing",
    (
        "codes:EE511:nl:example",
        r"ongelijke behandeling",
    ): "the public account of the Arnhem pilot, attributed to that reporting",
    (
        "codes:EE511:en:example",
        r"unequal treatment",
    ): "the public account of the Arnhem pilot, attributed to that reporting",
}

#: Sections of a registry entry that a person reads (``sources`` are publication titles).
DOC_SECTIONS = ("what", "why", "example", "action", "toets")


def _load(path: Path) -> dict[str, object]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _texts() -> Iterator[tuple[str, str, str]]:
    """Yield (text id, language, text) for every person-facing text."""
    for path in sorted(LOCALE.glob("*.toml")):
        for key, entry in _load(path).items():
            if isinstance(entry, dict):
                for lang in ("nl", "en"):
                    if isinstance(entry.get(lang), str):
                        yield f"locale:{path.stem}:{key}", lang, entry[lang]
    codes = _load(REGISTRY)["codes"]
    assert isinstance(codes, dict)
    for code, entry in codes.items():
        for lang in ("nl", "en"):
            for section in DOC_SECTIONS:
                text = entry.get(lang, {}).get(section)
                if isinstance(text, str):
                    yield f"codes:{code}:{lang}:{section}", lang, text
    catalogue = _load(CATALOGUE)
    for kind in ("parts", "norms", "questions"):
        items = catalogue[kind]
        assert isinstance(items, list)
        for item in items:
            for field, text in item.items():
                lang = field.rsplit("_", 1)[-1]
                if lang in ("nl", "en") and isinstance(text, str):
                    yield f"catalogue:{kind}:{item['id']}:{field}", lang, text


TEXTS = list(_texts())


def violations(text_id: str, language: str, text: str) -> list[str]:
    """Return the forbidden phrases in ``text`` that are not explicitly allowed."""
    found = [
        pattern
        for pattern in FORBIDDEN[language]
        if re.search(pattern, text, re.IGNORECASE) and (text_id, pattern) not in ALLOWED
    ]
    subject, never = NEVER[language]
    for clause in re.split(r"[.;]\s", text):
        if re.search(subject, clause, re.IGNORECASE) and re.search(never, clause, re.IGNORECASE):
            found.append(f"{never} next to {subject}: {clause.strip()!r}")
    return found


def test_the_texts_are_found() -> None:
    ids = {text_id for text_id, _, _ in TEXTS}
    # every source is read: finding messages, registry docs, catalogue questions and norms
    assert "locale:findings:finding-EE204" in ids
    assert "codes:EE101:nl:why" in ids
    assert "catalogue:questions:v-beleidsvrijheid:text_nl" in ids
    assert "catalogue:norms:crm-disproportioneel:summary_en" in ids
    assert len(TEXTS) > 500


def test_no_legal_conclusion_or_overstated_norm() -> None:
    found = [
        f"{text_id} ({language}): {problem}\n    {text}"
        for text_id, language, text in TEXTS
        for problem in violations(text_id, language, text)
    ]
    assert found == [], "texts that say more than the data or the norm:\n" + "\n".join(found)


def test_every_exception_is_still_needed() -> None:
    """An exception that no longer matches is dead weight: remove it."""
    texts = {(text_id, lang): text for text_id, lang, text in TEXTS}
    for (text_id, pattern), reason in ALLOWED.items():
        lang = "en" if text_id.endswith(("_en", ":en:example")) else "nl"
        assert re.search(pattern, texts[text_id, lang], re.IGNORECASE), (text_id, reason)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "De groep wordt met minder reden gecontroleerd."),
        ("nl", "Dit is ongelijke behandeling bij dezelfde risicoscore."),
        ("nl", "Dit profiel discrimineert."),
        ("nl", "Het profiel is dus disproportioneel."),
        ("nl", "Nationaliteit mag nooit een selectiecriterium zijn."),
        ("en", "The group is checked with less reason."),
        ("en", "Per the institute, nationality may never be used."),
        ("en", "This is discrimination."),
    ],
)
def test_the_check_catches_what_it_should(language: str, text: str) -> None:
    assert violations("example", language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Een verschil is nog geen discriminatie."),
        ("nl", "Ras is nooit toegestaan; nationaliteit alleen in zeer uitzonderlijke gevallen."),
        ("nl", "Een profiel is disproportioneel als het de kans verhoogt."),
        ("en", "A profile is disproportionate if it raises the chance."),
        ("en", "Race never; nationality only in very exceptional cases."),
    ],
)
def test_the_check_lets_measurements_and_norms_pass(language: str, text: str) -> None:
    assert violations("example", language, text) == []
