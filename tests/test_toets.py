"""The toets catalogue: the packaged file, coverage, and checking a user's own file."""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import pytest

from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import set_language
from eerlijkheid.toets import (
    DATA_ROLES,
    Catalogue,
    QuestionCoverage,
    coverage,
    load_catalogue,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PACKAGED = Path(__file__).resolve().parents[1] / "src/eerlijkheid/toets/catalogue.toml"

PART_IDS = ("deel-1", "deel-2", "onderzoek", "deel-3", "deel-4")
NORM_IDS = {
    "crm-ras",
    "crm-nationaliteit",
    "crm-disproportioneel",
    "crm-indirect",
    "crm-legitiem-doel",
    "crm-geschikt",
    "crm-noodzakelijk",
    "crm-proportioneel",
    "crm-periodiek",
    "ak-5-ver-03",
    "ak-3-dat-02",
    "ak-6-imp-02",
    "ak-7-mon-07",
    "ak-4-owk-08",
    "ak-0-org-15",
    "ai-act-annex-iii-5a",
    "ai-act-art-10-2-fg",
    "ai-act-art-10-5",
    "ai-act-art-27",
    "iama-deel-4",
}
QUESTION_IDS = (
    "v-directe-grond",
    "v-waar-verschil",
    "v-beleidsvrijheid",
    "v-geschiktheid",
    "v-proxies",
    "v-onbenoemde-groepen",
    "v-foutpercentages",
    "v-noodzaak-proportionaliteit",
    "v-voldoende-data",
    "v-blijft-eerlijk",
)


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


@pytest.fixture(autouse=True)
def _english():
    """Messages in English for the match patterns; back to the default afterwards."""
    set_language("en")
    yield
    set_language(None)


# --- the packaged catalogue -------------------------------------------------------------


def test_packaged_catalogue_loads_and_is_cached(cat):
    assert cat.schema_version == 1
    assert cat.catalogue_version == "2026.1"
    assert cat.source
    assert load_catalogue() is cat
    assert load_catalogue(None) is cat


def test_ids_in_file_order(cat):
    assert tuple(p.id for p in cat.parts) == PART_IDS
    assert {n.id for n in cat.norms} == NORM_IDS
    assert tuple(q.id for q in cat.questions) == QUESTION_IDS


def test_every_part_has_both_titles_and_a_verified_flag(cat):
    for part in cat.parts:
        assert part.title_nl.strip() and part.title_en.strip()
        assert isinstance(part.title_verified, bool)
        for text in (part.summary_nl, part.summary_en, part.status_note_nl, part.status_note_en):
            assert text.strip()


def test_only_part_2_title_is_verified(cat):
    """domein.md §1: only "Bepalen van het onderzoeksproces" is a verified title."""
    assert [p.id for p in cat.parts if p.title_verified] == ["deel-2"]
    assert cat.part("deel-2").title_nl == "Bepalen van het onderzoeksproces"


def test_unverified_titles_are_never_shown_as_official(cat):
    for part in cat.parts:
        for lang, marker in (("nl", "werktitel, niet geverifieerd"), ("en", "working title")):
            label = part.label(lang)
            assert (marker in label) is (not part.title_verified), (part.id, label)
            assert label.startswith(part.title(lang))
    # The status notes say what is unverified.
    assert "Not verified" in cat.part("deel-3").status_note("en")
    assert "Not verified" in cat.part("deel-4").status_note("en")


def test_language_follows_the_message_language(cat):
    part = cat.part("deel-2")
    assert part.title() == "Determining the research process"
    set_language("nl")
    assert part.title() == "Bepalen van het onderzoeksproces"
    with pytest.raises(ValueError, match="'fr'"):
        part.title("fr")


def test_every_norm_has_texts_and_a_source(cat):
    for norm in cat.norms:
        for text in (norm.title_nl, norm.title_en, norm.summary_nl, norm.summary_en, norm.source):
            assert text.strip(), norm.id
        assert norm.url is None or norm.url.startswith("https://")


def test_questions_reference_existing_parts_norms_and_roles(cat):
    part_ids = {p.id for p in cat.parts}
    norm_ids = {n.id for n in cat.norms}
    for q in cat.questions:
        assert q.part in part_ids
        assert q.norms and set(q.norms) <= norm_ids, q.id
        assert q.needs and set(q.needs) <= set(DATA_ROLES), q.id
        assert q.codes, q.id
        for text in (q.text_nl, q.text_en, q.missing_nl, q.missing_en):
            assert text.strip(), q.id


def test_question_parts_follow_the_toets(cat):
    """Research questions inform part 2 / the research; justification part 3; monitoring 4."""
    assert cat.question("v-waar-verschil").part in {"deel-2", "onderzoek"}
    assert cat.question("v-geschiktheid").part == "deel-3"
    assert cat.question("v-noodzaak-proportionaliteit").part == "deel-3"
    assert cat.question("v-blijft-eerlijk").part == "deel-4"
    assert [q.id for q in cat.questions_for_part("deel-4")] == ["v-blijft-eerlijk"]


def test_lookups(cat):
    assert cat.norm("crm-disproportioneel").source.startswith("College voor de Rechten")
    assert [q.id for q in cat.questions_for_code("EE205")] == [
        "v-geschiktheid",
        "v-foutpercentages",
    ]
    assert cat.questions_for_code("EE999") == ()
    with pytest.raises(KeyError, match=r"'deel-9'.*Did you mean 'deel-4'.*deel-1, deel-2"):
        cat.part("deel-9")
    with pytest.raises(KeyError, match="norm id"):
        cat.norm("crm-rass")
    with pytest.raises(KeyError, match="question id"):
        cat.question("nope")


def test_objects_are_frozen(cat):
    with pytest.raises(dataclasses.FrozenInstanceError):
        cat.parts[0].title_verified = True  # type: ignore[misc]


# --- coverage -------------------------------------------------------------------------


def _answerable(cat, available):
    return {c.question_id for c in coverage(cat, available) if c.answerable}


def test_coverage_without_outcome_or_random_sample(cat):
    cov = coverage(cat, ["decision", "groups", "stages"])
    assert len(cov) == len(cat.questions)
    assert all(isinstance(c, QuestionCoverage) for c in cov)
    by_id = {c.question_id: c for c in cov}
    assert by_id["v-voldoende-data"].answerable
    assert by_id["v-voldoende-data"].missing == ()
    assert not by_id["v-foutpercentages"].answerable
    assert by_id["v-foutpercentages"].missing == ("outcome",)
    assert by_id["v-waar-verschil"].missing == ("random_sample",)
    assert by_id["v-geschiktheid"].missing == ("outcome", "random_sample")
    assert by_id["v-geschiktheid"].part == "deel-3"


def test_coverage_with_outcome_and_random_sample(cat):
    base = {"decision", "groups", "stages"}
    with_outcome = _answerable(cat, base | {"outcome"})
    assert "v-foutpercentages" in with_outcome
    assert "v-geschiktheid" not in with_outcome
    both = _answerable(cat, base | {"outcome", "random_sample"})
    assert {"v-foutpercentages", "v-geschiktheid", "v-waar-verschil"} <= both
    assert "v-geschiktheid" not in _answerable(cat, base | {"random_sample"})


def test_coverage_with_everything_and_with_nothing(cat):
    assert all(c.answerable for c in coverage(cat, DATA_ROLES))
    nothing = coverage(cat, [])
    assert not any(c.answerable for c in nothing)
    for c, q in zip(nothing, cat.questions, strict=True):
        assert c.missing == q.needs


def test_coverage_rejects_unknown_roles(cat):
    with pytest.raises(ConfigError, match=r"`available\[1\]`: 'outcom' is not a data role"):
        coverage(cat, ["decision", "outcom"])
    # A single string is one role, not its characters.
    assert coverage(cat, "inputs")[0].answerable


# --- a user's own catalogue -------------------------------------------------------------


def _packaged_text() -> str:
    return PACKAGED.read_text("utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mijn-catalogus.toml"
    path.write_text(text, "utf-8")
    return path


def _replace(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


def test_user_copy_of_the_packaged_file_loads(tmp_path, cat):
    user = load_catalogue(_write(tmp_path, _packaged_text()))
    assert user == cat
    assert user is not cat
    assert load_catalogue(str(_write(tmp_path, _packaged_text()))) == cat


def test_user_file_can_update_a_title_and_verification(tmp_path):
    text = _replace(
        _packaged_text(),
        'title_nl = "Maatregelen, monitoring en borging"\ntitle_en = "Measures, monitoring and '
        'securing them"\ntitle_verified = false',
        'title_nl = "Borgen"\ntitle_en = "Securing"\ntitle_verified = true',
    )
    user = load_catalogue(_write(tmp_path, text))
    assert user.part("deel-4").label("nl") == "Borgen"


QUESTION_3 = 'id = "v-geschiktheid"'

BAD_FILES = [
    pytest.param(
        lambda t: _replace(
            t,
            'part = "deel-3"\nnorms = ["crm-geschikt"',
            'part = "deel-9"\nnorms = ["crm-geschikt"',
        ),
        r"`questions\[3\]\.part`: 'deel-9' is not a part id; allowed: deel-1, deel-2, onderzoek, "
        r"deel-3, deel-4",
        id="unknown-part",
    ),
    pytest.param(
        lambda t: _replace(
            t, 'norms = ["crm-geschikt",', 'norms = ["crm-geschikt", "crm-bestaat-niet",'
        ),
        r"`questions\[3\]\.norms\[1\]`: 'crm-bestaat-niet' is not a norm id; allowed: crm-ras, ",
        id="unknown-norm",
    ),
    pytest.param(
        lambda t: _replace(
            t,
            'needs = ["decision", "groups", "outcome", "random_sample"]',
            'needs = ["decision", "groups", "uitkomst"]',
        ),
        r"`questions\[3\]\.needs\[2\]`: 'uitkomst' is not a data role; allowed: decision, groups, "
        r"outcome, random_sample, stages, strata, score, handler, inputs, features, "
        r"group_combinations, model, baseline",
        id="unknown-role",
    ),
    pytest.param(
        lambda t: _replace(t, 'id = "v-proxies"', 'id = "v-geschiktheid"'),
        r"`questions\[4\]\.id`: 'v-geschiktheid' occurs twice \(first at `questions\[3\]\.id`\)",
        id="duplicate-question",
    ),
    pytest.param(
        lambda t: _replace(t, 'id = "crm-nationaliteit"', 'id = "crm-ras"'),
        r"`norms\[1\]\.id`: 'crm-ras' occurs twice \(first at `norms\[0\]\.id`\)",
        id="duplicate-norm",
    ),
    pytest.param(
        lambda t: _replace(t, 'id = "deel-2"', 'id = "deel-1"'),
        r"`parts\[1\]\.id`: 'deel-1' occurs twice",
        id="duplicate-part",
    ),
    pytest.param(
        lambda t: _replace(
            t,
            'missing_en = "The outcome of the investigation',
            'missing_english = "The outcome of the investigation',
        ),
        r"`questions\[3\]\.missing_english` is not a known key; allowed: id, text_nl, ",
        id="unknown-key",
    ),
    pytest.param(
        lambda t: re.sub(r'\ntitle_en = "Determining the research process"', "", t),
        r"`parts\[1\]\.title_en` is missing; this key is required",
        id="missing-part-key",
    ),
    pytest.param(
        lambda t: _replace(t, 'catalogue_version = "2026.1"\n', ""),
        r"`catalogue_version` is missing",
        id="missing-top-key",
    ),
    pytest.param(
        lambda t: _replace(t, "schema_version = 1", "schema_version = 2"),
        r"`schema_version`: version 2 is not supported; supported: 1",
        id="schema-version",
    ),
    pytest.param(
        lambda t: _replace(t, "schema_version = 1", 'schema_version = "1"'),
        r"`schema_version` must be an integer; got '1' instead",
        id="schema-version-type",
    ),
    pytest.param(
        lambda t: _replace(t, "title_verified = true", 'title_verified = "ja"'),
        r"`parts\[1\]\.title_verified` must be true or false; got 'ja' instead",
        id="verified-not-bool",
    ),
    pytest.param(
        lambda t: _replace(t, 'text_en = "Is the profile suitable?"', 'text_en = "  "'),
        r"`questions\[3\]\.text_en` is empty",
        id="empty-text",
    ),
    pytest.param(
        lambda t: _replace(t, 'needs = ["inputs"]', "needs = []"),
        r"`questions\[0\]\.needs` is empty; name at least one",
        id="empty-needs",
    ),
    pytest.param(
        lambda t: _replace(t, 'needs = ["inputs"]', 'needs = "inputs"'),
        r"`questions\[0\]\.needs` must be a list of texts",
        id="needs-not-a-list",
    ),
    pytest.param(
        lambda t: _replace(t, 'codes = ["EE204", "EE205",', 'codes = ["EE204", "ee205",'),
        r"`questions\[3\]\.codes\[1\]`: 'ee205' is not a valid finding code",
        id="bad-code",
    ),
    pytest.param(
        lambda t: _replace(t, 'id = "deel-2"', 'id = "Deel 2"'),
        r"`parts\[1\]\.id`: 'Deel 2' is not a valid id",
        id="bad-id",
    ),
    pytest.param(
        lambda t: _replace(t, 'needs = ["inputs"]', 'needs = ["inputs", "inputs"]'),
        r"`questions\[0\]\.needs\[1\]`: 'inputs' occurs twice",
        id="duplicate-in-list",
    ),
    pytest.param(
        lambda t: "onbekend = 1\n" + t,
        r"`onbekend` is not a known key; allowed: schema_version, catalogue_version",
        id="unknown-top-key",
    ),
    pytest.param(
        lambda t: t[: t.index("[[parts]]")] + "parts = 3\n" + t[t.index("[[norms]]") :],
        r"`parts` must be a list of tables \(\[\[...\]\]\); got 3 instead",
        id="parts-not-a-list",
    ),
    pytest.param(
        lambda t: t + "\n[[questions\n",
        r"this is not valid TOML",
        id="invalid-toml",
    ),
]


@pytest.mark.parametrize(("edit", "pattern"), BAD_FILES)
def test_user_file_errors_name_the_key_path(tmp_path, edit, pattern):
    path = _write(tmp_path, edit(_packaged_text()))
    with pytest.raises(ConfigError, match=pattern) as info:
        load_catalogue(path)
    assert str(info.value).startswith(f"Error in {path}: ")


def test_question_3_is_the_one_the_bad_files_edit():
    data = tomllib.loads(_packaged_text())
    assert data["questions"][3]["id"] == "v-geschiktheid"
    assert QUESTION_3 in _packaged_text()


def test_user_file_errors_are_dutch_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("EERLIJKHEID_LANG", raising=False)
    set_language(None)
    path = _write(tmp_path, _replace(_packaged_text(), 'part = "deel-3"', 'part = "deel-9"'))
    with pytest.raises(ConfigError, match=r"Fout in .*'deel-9' is geen id van een toetsonderdeel"):
        load_catalogue(path)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        load_catalogue(tmp_path / "bestaat-niet.toml")


def test_wrong_type_values_are_shortened(tmp_path):
    long = "x" * 200
    path = _write(
        tmp_path, _replace(_packaged_text(), "title_verified = true", f'title_verified = "{long}"')
    )
    with pytest.raises(ConfigError) as info:
        load_catalogue(path)
    assert long not in str(info.value)
    assert "..." in str(info.value)
