"""Result objects at the console and across processes: a short ``repr``, and they pickle."""

from __future__ import annotations

import pickle
from types import MappingProxyType

import pytest

import eerlijkheid as ee
from eerlijkheid.datasets import welfare_reexamination

ROLES = {
    "decision": "geselecteerd",
    "groups": ["migratieachtergrond", "geslacht"],
    "outcome": "onrechtmatig",
    "random_sample": "aselect",
    "reference": {"migratieachtergrond": "geen"},
}


@pytest.fixture(scope="module")
def frame():
    return welfare_reexamination(n=3000, seed=3)


@pytest.fixture(scope="module")
def result(frame):
    return ee.audit(frame, inputs=["taalvaardigheid", "inkomen_bijverdiensten"], **ROLES)


def test_audit_result_repr_is_a_short_summary(result):
    text = repr(result)
    assert len(text) < 1_000
    assert len(text.splitlines()) <= 6
    assert text.startswith("AuditResult(rows=3000, ")
    assert f"findings: {len(result.findings)} (" in text
    top_code = max({f.code for f in result.findings}, key=[f.code for f in result.findings].count)
    assert top_code in text
    severities = {f.severity for f in result.findings}
    assert all(f"{level} " in text for level in severities)


def test_count_table_repr_is_a_short_summary(frame):
    table = ee.count_table(frame, **{k: v for k, v in ROLES.items() if k != "reference"})
    text = repr(table)
    assert len(text) < 1_000
    assert f"rows=3000, cells={table.n.size}" in text
    assert "migratieachtergrond (group, " in text


def test_audit_result_pickles_and_comes_back_equal(result):
    back = pickle.loads(pickle.dumps(result))

    # Findings compare field by field; evidence may hold NaN (an undefined interaction),
    # which equals itself only as the same object, so the evidence is compared through the
    # JSON below, where NaN is written as null.
    def key(f):
        return (f.code, f.subject, f.severity, f.certainty, f.message, tuple(f.evidence))

    assert [key(f) for f in back.findings] == [key(f) for f in result.findings]
    assert [f.fingerprint for f in back.findings] == [f.fingerprint for f in result.findings]
    assert back.to_json() == result.to_json()
    # Read-only mappings stay read-only after the round trip.
    assert isinstance(back.findings[0].evidence, MappingProxyType)
    assert isinstance(back.config.reference, MappingProxyType)


def test_count_table_pickles(frame):
    table = ee.count_table(frame, decision="geselecteerd", groups=["migratieachtergrond"])
    back = pickle.loads(pickle.dumps(table))
    assert back.total == table.total == 3000
    assert (back.codes == table.codes).all()
    assert (back.n == table.n).all()
    assert dict(back.missing_labels) == dict(table.missing_labels)
