"""The finding-code registry: complete docs, stable identities, and the toets map."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eerlijkheid.exceptions import ConfigError
from eerlijkheid.findings import _codes
from eerlijkheid.findings._codes import (
    CODES,
    RETIRED_CODES,
    SECTIONS,
    SEVERITIES,
    STATUSES,
    FindingCode,
    get_code,
)
from eerlijkheid.i18n import LANGUAGES, message, set_language
from eerlijkheid.toets import load_catalogue

REGISTRY = Path(__file__).resolve().parents[1] / "src/eerlijkheid/findings/codes.toml"

EXPECTED = {
    "EE101": ("race-ground-in-inputs", "critical"),
    "EE102": ("protected-ground-in-inputs", "high"),
    "EE201": ("selection-rate-disparity", "medium"),
    "EE202": ("selection-above-random-sample", "high"),
    "EE203": ("error-rate-disparity", "medium"),
    "EE204": ("hit-rate-disparity", "medium"),
    "EE205": ("outcome-observed-only-when-selected", "info"),
    "EE301": ("disparity-persists-within-strata", "high"),
    "EE302": ("disparity-explained-by-strata", "info"),
    "EE303": ("strata-differ", "medium"),
    "EE304": ("selections-in-one-stratum", "info"),
    "EE401": ("insufficient-evidence", "info"),
    "EE402": ("missing-group-labels", "low"),
    "EE403": ("approximate-counts", "info"),
    "EE406": ("merged-label-spellings", "info"),
    "EE501": ("disparity-arises-at-step", "high"),
    "EE502": ("process-shape-assumed", "info"),
    "EE511": ("unequal-treatment-at-equal-risk", "high"),
    "EE512": ("handler-spread", "medium"),
    "EE513": ("group-disparity-within-handler", "medium"),
    "EE521": ("profile-not-better-than-random", "high"),
    "EE522": ("suitability-not-shown", "medium"),
    "EE523": ("input-unrelated-to-aim", "medium"),
    "EE524": ("profile-better-than-random", "info"),
    "EE531": ("score-miscalibrated-for-group", "high"),
    "EE532": ("score-distribution-differs", "low"),
    "EE541": ("less-discriminatory-alternative", "high"),
    "EE542": ("group-specific-thresholds-are-direct-distinction", "info"),
    "EE601": ("feature-is-proxy", "medium"),
    "EE602": ("inputs-together-are-proxy", "medium"),
    "EE603": ("composition-implied-disparity", "medium"),
    "EE611": ("intersection-worse-off", "medium"),
    "EE612": ("cluster-worse-off", "medium"),
}


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language(None)


def test_exactly_the_agreed_codes():
    assert {c: (fc.name, fc.default_severity) for c, fc in CODES.items()} == EXPECTED
    assert list(CODES) == sorted(CODES)


# --- per code ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", list(CODES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_section_is_documented(code, language):
    """Fails when a code lacks a section in either language, or has an empty one."""
    fc = CODES[code]
    for section in SECTIONS:
        value = fc.doc(section, language)
        if section == "sources":
            assert isinstance(value, tuple), (code, language)
            assert value, (code, language, section)
            assert all(isinstance(s, str) and s.strip() for s in value), (code, language)
        else:
            assert isinstance(value, str), (code, section)
            assert value.strip(), (code, language, section)


@pytest.mark.parametrize("code", list(CODES))
def test_identity_and_life_cycle(code):
    fc = CODES[code]
    assert isinstance(fc, FindingCode)
    assert fc.code == code
    assert re.fullmatch(r"EE[1-9][0-9]{2}", code)
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", fc.name), fc.name
    assert fc.status in STATUSES
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", fc.since)
    assert fc.default_severity in SEVERITIES
    assert fc.toets_parts and fc.norms


@pytest.mark.parametrize("code", list(CODES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_render_doc_has_every_heading(code, language):
    text = CODES[code].render_doc(language)
    assert text.splitlines()[0] == f"{code} {CODES[code].name}"
    for section in SECTIONS:
        heading = message(f"code-section-{section}", language=language)
        assert f"\n{heading}\n" in text, (code, heading)
    for key in ("code-heading-parts", "code-heading-norms", "code-heading-questions"):
        assert message(key, language=language) in text
    for source in CODES[code].doc("sources", language):
        assert source.split()[0] in text
    assert not any(line != line.rstrip() for line in text.splitlines())


def test_render_doc_marks_unverified_part_titles():
    text = get_code("EE201").render_doc("en")
    assert "deel-2  Determining the research process\n" in text
    assert "deel-3  Interpreting the results and whether distinctions are justified " in text
    assert "(working title, not verified)" in text
    nl = get_code("EE201").render_doc("nl")
    assert "(werktitel, niet geverifieerd)" in nl
    assert "Wat het meet" in nl


def test_doc_defaults_to_message_language():
    assert get_code("EE101").doc("what") == get_code("EE101").doc_en.what
    set_language("nl")
    assert get_code("EE101").doc("what") == get_code("EE101").doc_nl.what
    with pytest.raises(ValueError, match="section"):
        get_code("EE101").doc("nope")  # type: ignore[call-overload]


# --- the registry as a whole --------------------------------------------------------------


def test_codes_and_names_are_unique():
    names = [fc.name for fc in CODES.values()]
    assert len(set(names)) == len(names)
    assert len(set(CODES)) == len(CODES)
    # TOML itself forbids two [codes.EExxx] tables with the same code; keep it so.
    text = REGISTRY.read_text("utf-8")
    headers = re.findall(r"^\[codes\.(EE[0-9]{3})\]$", text, flags=re.MULTILINE)
    assert sorted(headers) == sorted(CODES)


def test_retired_codes_are_never_reused():
    assert not set(RETIRED_CODES) & set(CODES)
    assert all(re.fullmatch(r"EE[0-9]{3}", c) for c in RETIRED_CODES)


def test_severities_are_ordered_low_to_high():
    assert SEVERITIES == ("info", "low", "medium", "high", "critical")


def test_registry_parts_and_norms_exist_in_the_catalogue():
    cat = load_catalogue()
    parts = {p.id for p in cat.parts}
    norms = {n.id for n in cat.norms}
    for fc in CODES.values():
        assert set(fc.toets_parts) <= parts, fc.code
        assert set(fc.norms) <= norms, fc.code


def test_every_question_code_is_registered():
    for q in load_catalogue().questions:
        unknown = set(q.codes) - set(CODES)
        assert not unknown, (q.id, unknown)


def test_every_code_informs_a_question():
    cat = load_catalogue()
    for code in CODES:
        assert cat.questions_for_code(code), f"{code} informs no question of the catalogue"


# --- get_code ---------------------------------------------------------------------------


def test_get_code_by_code_or_name():
    assert get_code("EE201") is CODES["EE201"]
    assert get_code(" ee201 ") is CODES["EE201"]
    assert get_code("selection-rate-disparity") is CODES["EE201"]


def test_get_code_unknown_suggests_the_closest():
    with pytest.raises(ConfigError, match=r"'EE2010' is not a known finding code\. Did you mean"):
        get_code("EE2010")
    with pytest.raises(ConfigError, match="Did you mean 'hit-rate-disparity'"):
        get_code("hit-rate-disparities")
    with pytest.raises(ConfigError, match=r"Known codes: EE101, EE102, EE201") as info:
        get_code("zzzz")
    assert "Did you mean" not in str(info.value)


def test_get_code_retired(monkeypatch):
    monkeypatch.setattr(_codes, "RETIRED_CODES", ("EE999",))
    with pytest.raises(ConfigError, match="'EE999' is a retired finding code"):
        get_code("ee999")


# --- the registry checks itself on load ---------------------------------------------------


def _text() -> str:
    return REGISTRY.read_text("utf-8")


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_packaged_registry_text_round_trips():
    codes, retired = _codes._load_codes(_text())
    assert dict(codes) == dict(CODES)
    assert retired == RETIRED_CODES


BAD = [
    pytest.param(
        lambda t: _replace(t, "retired = []", 'retired = ["EE201"]'),
        r"`codes\.EE201`: 'EE201' is a retired code; codes are never reused",
        id="retired-reused",
    ),
    pytest.param(
        lambda t: _replace(t, 'name = "hit-rate-disparity"', 'name = "Hit rate disparity"'),
        r"`codes\.EE204\.name`: 'Hit rate disparity' is not a kebab-case name",
        id="not-kebab",
    ),
    pytest.param(
        lambda t: _replace(t, 'name = "hit-rate-disparity"', 'name = "error-rate-disparity"'),
        r"`codes\.EE204\.name`: 'error-rate-disparity' occurs twice "
        r"\(first at `codes\.EE203\.name`\)",
        id="duplicate-name",
    ),
    pytest.param(
        lambda t: _replace(t, 'default_severity = "critical"', 'default_severity = "severe"'),
        r"`codes\.EE101\.default_severity`: 'severe' is not a severity; "
        r"allowed: info, low, medium, high, critical",
        id="bad-severity",
    ),
    pytest.param(
        lambda t: _replace(t, 'status = "stable"', 'status = "beta"'),
        r"`codes\.EE101\.status`: 'beta' is not a status; allowed: stable, preview",
        id="bad-status",
    ),
    pytest.param(
        lambda t: _replace(t, 'toets_parts = ["deel-2", "deel-3"]', 'toets_parts = ["deel-5"]'),
        r"`codes\.EE101\.toets_parts\[0\]`: 'deel-5' is not a part id",
        id="unknown-part",
    ),
    pytest.param(
        lambda t: _replace(t, 'norms = ["crm-ras",', 'norms = ["crm-race",'),
        r"`codes\.EE101\.norms\[0\]`: 'crm-race' is not a norm id",
        id="unknown-norm",
    ),
    pytest.param(
        lambda t: _replace(t, "[codes.EE101]", "[codes.E101]"),
        r"`codes\.E101`: 'E101' is not a valid finding code",
        id="bad-code",
    ),
    pytest.param(
        lambda t: re.sub(r"\nexample = \"Een regelset[^\n]*", "", t, count=1),
        r"`codes\.EE101\.nl\.example` is missing",
        id="missing-section",
    ),
    pytest.param(
        lambda t: re.sub(r"\nwhy = \"According to[^\n]*", '\nwhy = ""', t, count=1),
        r"`codes\.EE101\.en\.why` is empty",
        id="empty-section",
    ),
    pytest.param(
        lambda t: _replace(t, 'toets_parts = ["onderzoek"]', "toets_parts = []"),
        r"`codes\.EE205\.toets_parts` is empty",
        id="no-parts",
    ),
    pytest.param(
        lambda t: _replace(t, "[codes.EE101.en]", "[codes.EE101.fr]"),
        r"`codes\.EE101\.fr` is not a known key",
        id="unknown-language",
    ),
    pytest.param(
        lambda t: _replace(t, "schema_version = 1", "schema_version = 3"),
        r"`schema_version`: version 3 is not supported",
        id="schema-version",
    ),
]


@pytest.mark.parametrize(("edit", "pattern"), BAD)
def test_registry_checks_itself(edit, pattern):
    with pytest.raises(ConfigError, match=pattern) as info:
        _codes._load_codes(edit(_text()))
    assert str(info.value).startswith("Error in codes.toml: ")
