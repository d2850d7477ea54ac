"""The audit's row-level analyses end to end: proxies, the intersection scan, clusters.

Truth: :func:`eerlijkheid.datasets.address_checks_truth` — the profile gives a point for
living in postcode areas 3016–3018, where most niet-westers cases live (the proxy, its
Cramér's V given in closed form), and always flags single men aged 18–25 in area 3012
(the hidden subgroup).  Numbers are compared with the truth or with scipy, never with
the library's own output.
"""

from __future__ import annotations

import json

import pytest
from scipy.stats.contingency import association

import eerlijkheid as ee
from eerlijkheid.datasets import address_checks, address_checks_truth

GROUPS = ["migratieachtergrond", "geslacht", "leeftijdsgroep", "huishouden", "postcodegebied"]
INPUTS = ["postcodegebied", "aantal_inschrijvingen"]


@pytest.fixture(scope="module")
def frame():
    return address_checks(n=20_000, seed=2)


@pytest.fixture(scope="module")
def result(frame):
    return ee.audit(
        frame,
        decision="gecontroleerd",
        groups=GROUPS,
        outcome="overtreding",
        random_sample="steekproef",
        inputs=INPUTS,
        config=ee.AuditConfig(order=4),
        language="en",
    )


def test_the_postcode_is_found_as_a_proxy_for_migration_background(result, frame):
    truth = address_checks_truth()
    assert result.proxies is not None
    assert "postcodegebied" not in result.proxies.features  # a group attribute itself
    # postcodegebied is a group attribute here, so the proxy check runs on the other
    # input; the proxy is checked directly below with the group attributes it stands for
    only = ee.audit(
        frame,
        decision="gecontroleerd",
        groups=["migratieachtergrond"],
        random_sample="steekproef",
        inputs=INPUTS,
        language="en",
    )
    (f,) = [f for f in only.findings if f.code == "EE601"]
    assert f.subject.column == "postcodegebied"
    assert f.subject.group == (truth.protected_group,)
    # Cramér's V in the evidence equals scipy on the observed table (no missing labels)
    known = frame[frame["migratieachtergrond"].notna()]
    table = known.groupby(["postcodegebied", "migratieachtergrond"]).size().unstack(fill_value=0)
    expected_v = association(table.to_numpy(), method="cramer")
    evidence = [
        a
        for a in only.proxies.associations
        if a.feature == "postcodegebied" and a.attribute == "migratieachtergrond"
    ]
    (record,) = evidence
    # every row is taken (20,000 < max_rows); rows without a group label are left out
    assert record.cramers_v == pytest.approx(expected_v, rel=1e-9)
    assert record.cramers_v == pytest.approx(truth.proxy_cramers_v, abs=0.03)


def test_the_hidden_subgroup_is_found_by_the_scan(result):
    truth = address_checks_truth()
    scan = result.subgroups
    assert scan is not None and scan.max_order == 4
    top = scan.top[0]
    found = dict(zip(top.attributes, top.group))
    assert found == truth.subgroup
    (f,) = [f for f in result.findings if f.code == "EE611" and f.subject.group == top.group]
    low, high = top.comparison.ratio_interval.low, top.comparison.ratio_interval.high
    assert f.severity == "high"
    assert low > 2.0 and high > low


def test_publishable_json_holds_no_row_level_labels(result):
    data = result.to_dict()
    text = json.dumps(data)
    assert data["subgroups"]["top"] and data["subgroups"]["tested"] > 100
    if data["clusters"] is not None:
        assert "labels" not in data["clusters"] and "held_out_rows" not in data["clusters"]
    assert '"labels"' not in text and "held_out_rows" not in text


def test_row_analyses_can_be_switched_off(frame):
    result = ee.audit(
        frame,
        decision="gecontroleerd",
        groups=["migratieachtergrond"],
        outcome="overtreding",
        random_sample="steekproef",
        inputs=INPUTS,
        config=ee.AuditConfig(row_analyses=False),
    )
    assert result.proxies is None and result.clusters is None
    assert not [f for f in result.findings if f.code in ("EE601", "EE602", "EE612")]


def test_no_rows_no_row_level_analyses_and_the_plan_says_so(frame):
    table = ee.audit(frame, decision="gecontroleerd", groups=["migratieachtergrond"], inputs=INPUTS)
    plan = {p.question: p for p in table.plan()}
    assert plan["v-proxies"].answerable
    counts = (
        frame.assign(n=1)
        .groupby(["migratieachtergrond", "gecontroleerd"], dropna=False)["n"]
        .sum()
        .reset_index()
    )
    counts["migratieachtergrond"] = counts["migratieachtergrond"].fillna("onbekend")
    aggregated = ee.audit(
        counts, decision="gecontroleerd", groups=["migratieachtergrond"], count="n", inputs=INPUTS
    )
    assert aggregated.proxies is None and aggregated.clusters is None
    plan = {p.question: p for p in aggregated.plan()}
    assert not plan["v-proxies"].answerable
    assert "features" in plan["v-proxies"].missing


def test_same_seed_same_json(frame):
    kwargs = {
        "decision": "gecontroleerd",
        "groups": ["migratieachtergrond", "geslacht"],
        "outcome": "overtreding",
        "random_sample": "steekproef",
        "inputs": INPUTS,
    }
    first = ee.audit(frame, **kwargs).to_json()
    assert ee.audit(frame, **kwargs).to_json() == first


def test_custom_yes_no_spellings_reach_the_row_level_analyses(frame):
    """The clustering reads the decision and outcome with the audit's own extra spellings."""
    spelled = frame.assign(
        gecontroleerd=frame["gecontroleerd"].map({"ja": "Gecontroleerd", "nee": "Niet"}),
        overtreding=frame["overtreding"].map({"ja": "Overtreding", "nee": "Geen"}),
    )
    spellings = {"Gecontroleerd": True, "Niet": False, "Overtreding": True, "Geen": False}
    kwargs = {
        "groups": ["migratieachtergrond"],
        "random_sample": "steekproef",
        "inputs": INPUTS,
        "config": ee.AuditConfig(order=1, max_rows=5_000),
    }
    plain = ee.audit(frame, decision="gecontroleerd", outcome="overtreding", **kwargs)
    custom = ee.audit(
        spelled,
        decision="gecontroleerd",
        outcome="overtreding",
        binary_values=spellings,
        **kwargs,
    )
    assert plain.clusters is not None and custom.clusters is not None
    assert custom.clusters.rows == plain.clusters.rows
    assert (custom.clusters.labels == plain.clusters.labels).all()
