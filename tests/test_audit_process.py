"""The audit of a whole process: the injected step, team and proxy are found end to end.

Truth: :func:`eerlijkheid.datasets.welfare_reexamination_truth` (closed form) — the
manual step accepts niet-westers 1.8x as often at equal model flag, team C accepts 2x as
often, the model's proxy input (taalvaardigheid) is unrelated to the true irregularity.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import eerlijkheid as ee
from eerlijkheid.datasets import welfare_reexamination, welfare_reexamination_truth

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "cases-raw"


@pytest.fixture(scope="module")
def process() -> ee.AuditResult:
    frame = welfare_reexamination(n=60_000, seed=8)
    return ee.audit(
        frame,
        decision="geselecteerd",
        groups=["migratieachtergrond"],
        stages=["geselecteerd_model"],
        handler="team",
        score="risicoscore",
        score_edges=[0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0],
        outcome="onrechtmatig",
        random_sample="aselect",
        reference={"migratieachtergrond": "geen"},
        inputs=["taalvaardigheid", "inkomen_bijverdiensten"],
        config=ee.AuditConfig(order=1),
        language="en",
    )


def by(result: ee.AuditResult, code: str) -> list[ee.Finding]:
    return [f for f in result.findings if f.code == code]


def test_the_manual_step_is_named(process):
    truth = welfare_reexamination_truth()
    (f,) = [f for f in by(process, "EE501") if f.subject.group == ("niet-westers",)]
    assert f.subject.stage == "geselecteerd"  # the manual step, after the model flag
    assert f.evidence["ratio_low"] <= truth.acceptance_ratio <= f.evidence["ratio_high"]
    assert "arises at step 'geselecteerd'" in f.message
    (shape,) = by(process, "EE502")
    assert shape.evidence["shape"] == "funnel"


def test_unequal_treatment_at_equal_score_and_the_lenient_team(process):
    (equal_risk,) = [f for f in by(process, "EE511") if f.subject.group == ("niet-westers",)]
    assert equal_risk.evidence["mh_rate_ratio"] > 1.3
    (team,) = by(process, "EE512")
    assert team.subject.group == ("team C",)
    assert 1.6 < team.evidence["largest_ratio"] < 2.5  # injected 2.0 (closed form)


def test_suitability_and_inputs(process):
    assert process.suitability is not None and process.suitability.status == "shown"
    assert not by(process, "EE521") and not by(process, "EE522")
    # the positive answer is a finding too (issue 12), with both rates and the interval
    (suitable,) = by(process, "EE524")
    o = process.suitability.overall
    assert suitable.severity == "info" and suitable.evidence["ratio_low"] > 1
    assert suitable.evidence["group_value"] == o.group_value
    assert suitable.evidence["reference_value"] == o.reference_value
    unrelated = {f.subject.column for f in by(process, "EE523")}
    assert "taalvaardigheid" in unrelated and "inkomen_bijverdiensten" not in unrelated


def test_process_evidence_is_in_the_publishable_json(process):
    data = process.to_dict()
    assert data["chain"]["shape"] == "funnel"
    assert data["discretion"]["handlers"]["most_deviant"] == "team C"
    assert data["scores"] is not None
    text = process.to_json()
    assert process.to_json() == text  # deterministic


def test_no_random_arm_says_what_sample_is_needed():
    frame = welfare_reexamination(n=20_000, seed=0)
    result = ee.audit(
        frame,
        decision="geselecteerd",
        groups="migratieachtergrond",
        outcome="onrechtmatig",
        language="en",
    )
    (f,) = by(result, "EE522")
    assert f.certainty == "inconclusive"
    assert f.evidence["required_random_sample"] > 100
    assert "random sample of about" in f.message


def test_random_arm_without_outcome_asks_for_the_outcome_not_a_sample():
    frame = welfare_reexamination(n=20_000, seed=0)
    result = ee.audit(
        frame,
        decision="geselecteerd",
        groups="migratieachtergrond",
        random_sample="aselect",
        language="en",
    )
    (f,) = by(result, "EE522")
    assert f.evidence["status"] == "no-outcome"
    assert "Record the outcome of the checked cases" in f.message
    assert "add a random sample" not in f.message


@pytest.mark.usefixtures("shared_cases")  # ../shared/cases-raw; fails under CI when absent
def test_duo_2019_the_selection_step_adds_the_disparity():
    table = pd.read_csv(SHARED / "duo-cub" / "table2_population_2019.csv")
    rows = []
    for category in range(1, 7):
        for selected in ("yes", "no"):
            line = table[
                table["category"] == f"Risk category {category} & Selected for control: {selected}"
            ]
            if line.empty:
                pytest.skip("table layout differs")
            line = line.iloc[0]
            for label, column in (
                ("niet-Europees", "origin_outside_europe"),
                ("Nederlands", "born_nl_x_origin_nl"),
            ):
                rows.append(
                    {
                        "herkomst": label,
                        "risico_hoog": None if category == 6 else category in (1, 2),
                        "geselecteerd": selected == "yes",
                        "aantal": int(line[column]),
                    }
                )
    result = ee.audit(
        pd.DataFrame(rows),
        decision="geselecteerd",
        groups="herkomst",
        stages=["risico_hoog"],
        count="aantal",
        rounded=True,
        reference={"herkomst": "Nederlands"},
        language="en",
    )
    (step,) = by(result, "EE501")
    assert step.subject.stage == "geselecteerd" and step.subject.group == ("niet-Europees",)
    assert step.evidence["ratio_at_risico_hoog"] == pytest.approx(0.94, abs=0.05)  # published 0.9
    assert by(result, "EE502")[0].evidence["shape"] == "strata"  # not a strict funnel


def test_every_renderer_handles_a_full_process_audit(process):
    from jsonschema import Draft202012Validator

    from eerlijkheid.gate import Gate
    from eerlijkheid.report import (
        render_github,
        render_html,
        render_json,
        render_junit,
        render_markdown,
        render_text,
        schema,
    )

    gate = Gate(fail_on="medium")
    outputs = {
        "html": render_html(process),
        "json": render_json(process),
        "markdown": render_markdown(process, gate=gate),
        "junit": render_junit(process, gate=gate),
        "github": render_github(process, gate=gate),
        "text": render_text(process, gate=gate),
    }
    for name, text in outputs.items():
        assert "EE501" in text, name
    import json

    Draft202012Validator(schema()).validate(json.loads(outputs["json"]))


def test_the_cluster_finding_says_which_cases_were_clustered():
    """In the audit the clusters are of the profile's selected cases (random arm left out)."""
    frame = welfare_reexamination(n=60_000, seed=8)
    for language, text in (
        ("nl", "zaken met geselecteerd = ja, aselect = nee"),
        ("en", "cases with geselecteerd = yes, aselect = no"),
    ):
        result = ee.audit(
            frame,
            decision="geselecteerd",
            groups=["migratieachtergrond"],
            outcome="onrechtmatig",
            random_sample="aselect",
            reference={"migratieachtergrond": "geen"},
            inputs=["taalvaardigheid", "inkomen_bijverdiensten", "risicoscore"],
            language=language,
        )
        assert result.clusters is not None
        assert dict(result.clusters.keep) == {"geselecteerd": True, "aselect": False}
        # every clustered case is a selected case of the profile arm
        kept = frame["geselecteerd"] & ~frame["aselect"] & frame["onrechtmatig"].notna()
        c = result.clusters
        assert c.rows - c.rows_excluded - c.rows_without_target == int(kept.sum())
        assert int((c.labels > 0).sum()) == int(kept.sum())  # every kept case has a cluster
        (f,) = [f for f in result.findings if f.code == "EE612"]
        assert text in f.message
