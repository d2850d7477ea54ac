"""Findings for groups nobody named (EE611, EE612): when they fire, what they say, the map."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from eerlijkheid.analyses.clusters import bias_clusters
from eerlijkheid.analyses.subgroups import subgroup_scan
from eerlijkheid.config import AuditConfig, SeverityThresholds
from eerlijkheid.counts import count_table
from eerlijkheid.findings import CODES
from eerlijkheid.findings._rules_groups import group_findings
from eerlijkheid.toets import load_catalogue

sys.path.insert(0, str(Path(__file__).parent / "analyses"))
from test_clusters import FEATURES
from test_clusters import hidden_subgroup as cluster_data
from test_subgroups import GROUPS, HIDDEN
from test_subgroups import hidden_subgroup as scan_data


def _scan(frame, config):
    return subgroup_scan(count_table(frame, decision="geselecteerd", groups=GROUPS), config)


@pytest.fixture(scope="module")
def scan_finding():
    config = AuditConfig(order=3)
    findings = group_findings(scan=_scan(scan_data(), config), config=config, language="nl")
    assert [f.code for f in findings] == ["EE611"]
    return findings[0]


def test_ee611_names_the_hidden_combination(scan_finding):
    f = scan_finding
    assert f.subject.attributes == tuple(GROUPS)
    assert f.subject.group == HIDDEN
    assert f.subject.reference == ("overige",)
    assert f.certainty == "established"
    ratio = f.evidence["ratio"]
    # severity from the thresholds: low 1.1, medium 1.25, high 2.0
    assert f.severity == ("high" if ratio >= 2 else "medium")
    assert f.evidence["drivers"] == " × ".join(GROUPS)
    assert f.evidence["family_size"] == 59
    assert f.evidence["pvalue_adjusted"] < 0.05
    nl, en = f.messages["nl"], f.messages["en"]
    assert "Centrum × <27 × ja (wijk × leeftijdsklasse × alleenstaand)" in nl
    assert "p aangepast over 59 geteste combinaties < 0,001" in nl
    assert "wijk = Centrum" in en and "alleenstaand = ja" in en
    assert f.toets_parts == ("onderzoek",)
    assert set(f.norms) >= {"ak-5-ver-03", "ai-act-art-10-2-fg"}


def test_severity_follows_the_configured_thresholds():
    config = AuditConfig(order=3, thresholds=SeverityThresholds(low=1.05, medium=3.0, high=4.0))
    (f,) = group_findings(scan=_scan(scan_data(), config), config=config)
    assert f.severity == "low"


def test_a_gap_carried_by_one_attribute_makes_no_ee611():
    config = AuditConfig(order=3)
    scan = _scan(scan_data(seed=1, only_wijk=True, effect=1.6), config)
    assert scan.top[0].comparison.pvalue_adjusted < 1e-6  # the gap is there (EE201's)
    assert group_findings(scan=scan, config=config) == ()


def test_no_structure_no_findings():
    config = AuditConfig(order=3)
    frame = scan_data(n=5000, seed=3, effect=1.0)
    assert group_findings(scan=_scan(frame, config), config=config) == ()
    data, _ = cluster_data(n=3000, seed=3, effect=1.0)
    clusters = bias_clusters(data, features=FEATURES, target="geselecteerd", seed=3)
    assert clusters.tests[0].comparison.pvalue_adjusted >= 0.05
    assert group_findings(clusters=clusters, config=config) == ()


def test_ee612_describes_the_cluster_by_its_features():
    frame, _ = cluster_data()
    clusters = bias_clusters(frame, features=FEATURES, target="geselecteerd", min_cluster_size=250)
    (f,) = group_findings(clusters=clusters, language="en")
    assert f.code == "EE612"
    assert f.certainty == "established"
    assert f.subject.group == ("cluster 1",)
    assert f.subject.column == "geselecteerd"
    d = clusters.tests[0].comparison
    assert f.evidence["ratio"] == d.ratio
    assert f.evidence["test"] in ("chi2", "fisher")
    assert f.evidence["rows"] == 10_000
    nl = f.messages["nl"]
    assert nl.startswith("Cluster 1 (")
    assert "wijk = Centrum: 100,0% van het cluster" in nl
    assert "leeftijd: gemiddeld" in nl
    assert "eenzijdige p < 0,001" in nl
    assert "wijk = Centrum: 100.0% of the cluster" in f.message
    assert f.toets_parts == ("onderzoek",)
    assert "crm-indirect" in f.norms


def test_the_codes_inform_the_unnamed_groups_question():
    catalogue = load_catalogue()
    for code in ("EE611", "EE612"):
        assert code in CODES
        ids = {q.id for q in catalogue.questions_for_code(code)}
        assert "v-onbenoemde-groepen" in ids


def test_findings_are_deterministic():
    frame, _ = cluster_data(n=4000, seed=9, effect=3.0)
    a = bias_clusters(frame, features=FEATURES, target="geselecteerd", seed=2)
    b = bias_clusters(frame, features=FEATURES, target="geselecteerd", seed=2)
    fa, fb = group_findings(clusters=a), group_findings(clusters=b)
    assert [f.fingerprint for f in fa] == [f.fingerprint for f in fb]
    assert [dict(f.evidence) for f in fa] == [dict(f.evidence) for f in fb]
    assert np.array_equal(a.labels, b.labels)
