"""A trigger case per finding code (``tests/finding_cases/``), like a linter's rule examples.

Every active code of the registry has a case that must trigger it; the completeness test
reads the registry, so a new code fails here until its case is added (see
``tests/finding_cases/README.md``).  The rendered messages of every case are checked
against the forbidden phrases of ``test_finding_texts``, and the CRM norm
"disproportioneel" is checked to be attached only to groups defined by race or nationality.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest

from eerlijkheid.findings import CODES, Finding, get_code
from eerlijkheid.findings._rules import RACE_GROUP_NORMS, race_defined
from finding_cases._build import audit, cells
from test_finding_texts import violations

CASES = Path(__file__).parent / "finding_cases"
ACTIVE = sorted(code for code, entry in CODES.items() if entry.status != "removed")
CASE_FILES = sorted(p.stem for p in CASES.glob("EE*.py"))


@cache
def run(code: str) -> tuple[Finding, ...]:
    module = importlib.import_module(f"finding_cases.{code}")
    return tuple(module.findings())


def test_every_active_code_has_a_case() -> None:
    missing = [code for code in ACTIVE if code not in CASE_FILES]
    assert missing == [], (
        f"no trigger case for {', '.join(missing)}: add tests/finding_cases/<CODE>.py "
        "(see tests/finding_cases/README.md)"
    )


def test_every_case_is_a_registered_code() -> None:
    assert [c for c in CASE_FILES if c not in CODES] == []


@pytest.mark.parametrize("code", CASE_FILES)
def test_the_case_triggers_its_code(code: str) -> None:
    module = importlib.import_module(f"finding_cases.{code}")
    assert module.__doc__ and module.__doc__.startswith(f"{code}:"), "say what the case shows"
    found = run(code)
    assert code in [f.code for f in found], f"{code}'s case gives {[f.code for f in found]}"
    finding = next(f for f in found if f.code == code)
    assert finding.name == get_code(code).name
    assert set(finding.messages) == {"nl", "en"}


@pytest.mark.parametrize("code", CASE_FILES)
def test_the_messages_say_no_more_than_the_data(code: str) -> None:
    problems = [
        f"{f.code} ({lang}): {problem}\n    {text}"
        for f in run(code)
        for lang, text in f.messages.items()
        for problem in violations(f"finding:{f.code}", lang, text)
    ]
    assert problems == []


@pytest.mark.parametrize("code", CASE_FILES)
def test_race_group_norms_only_for_race_defined_groups(code: str) -> None:
    for f in run(code):
        if RACE_GROUP_NORMS.intersection(f.norms):
            assert race_defined(f.subject.attributes), (f.code, f.subject.attributes)


def _ee202(attribute: str) -> Finding:
    module = importlib.import_module("finding_cases.EE202")
    data = cells(
        [attribute if c == "migratieachtergrond" else c for c in module.COLUMNS], module.ROWS
    )
    found = audit(
        data,
        decision="geselecteerd",
        groups=[attribute],
        random_sample="aselect",
        outcome="onrechtmatig",
        count="count",
        reference={attribute: "geen"},
    )
    return next(f for f in found if f.code == "EE202")


def test_ee202_carries_the_crm_norm_only_for_a_race_defined_group() -> None:
    assert "crm-disproportioneel" in _ee202("migratieachtergrond").norms
    # the same counts for a group that is not defined by race or nationality
    plain = _ee202("wijk")
    assert "crm-disproportioneel" not in plain.norms
    assert {"ak-6-imp-02", "ak-5-ver-03"} <= set(plain.norms)


def test_ee501_does_not_map_to_the_crm_disproportionality_norm() -> None:
    assert "crm-disproportioneel" not in get_code("EE501").norms
    (f,) = [f for f in run("EE501") if f.code == "EE501"]
    assert "crm-disproportioneel" not in f.norms


def test_ee101_states_the_norm_of_its_own_ground() -> None:
    by_column = {f.subject.column: f for f in run("EE101") if f.code == "EE101"}
    race, nationality = by_column["geboorteland"], by_column["nationaliteit"]
    assert "nooit" in race.messages["nl"] and "never" in race.messages["en"]
    assert "zeer uitzonderlijke gevallen" in nationality.messages["nl"]
    assert "very exceptional cases" in nationality.messages["en"]
    assert "crm-ras" in race.norms and "crm-nationaliteit" not in race.norms
    assert "crm-nationaliteit" in nationality.norms and "crm-ras" not in nationality.norms


def _ee205(rows: Sequence[tuple[object, ...]], **roles: object) -> Finding:
    found = audit(
        cells(["groep", "aselect", "geselecteerd", "onrechtmatig"], rows),
        decision="geselecteerd",
        groups=["groep"],
        outcome="onrechtmatig",
        count="count",
        **roles,
    )
    return next(f for f in found if f.code == "EE205")


def test_ee205_advises_a_random_sample_only_when_there_is_none() -> None:
    module = importlib.import_module("finding_cases.EE202")
    rows = [(g if g == "geen" else "ander", *rest) for g, *rest in module.ROWS]
    with_sample = _ee205(rows, random_sample="aselect")
    assert "aselect" in with_sample.messages["nl"]
    assert "geeft de zuivere schatting" in with_sample.messages["nl"]
    assert "Gebruik een aselecte steekproef" not in with_sample.messages["nl"]
    assert "Use a random sample" not in with_sample.messages["en"]
    assert with_sample.evidence["random_sample"] == "aselect"
    # the same cases without a random-sample column: then it advises one
    profile_only = [r for r in rows if r[1] == 0]
    without = _ee205(profile_only)
    assert "Gebruik een aselecte steekproef" in without.messages["nl"]
    assert "Use a random sample" in without.messages["en"]
    # the subject (and so the fingerprint of a baseline entry) does not depend on it
    assert with_sample.fingerprint == without.fingerprint
