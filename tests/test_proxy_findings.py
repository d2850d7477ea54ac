"""Proxy findings (EE601–EE603): the right feature, ground and certainty, in both languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from eerlijkheid.analyses.composition import composition_rates
from eerlijkheid.analyses.proxies import proxy_strength
from eerlijkheid.config import AuditConfig
from eerlijkheid.findings._codes import get_code
from eerlijkheid.findings._rules_proxies import AUC_BANDS, auc_severity, proxy_findings
from eerlijkheid.i18n import LANGUAGES
from eerlijkheid.toets import load_catalogue


def town(n: int = 2_500, seed: int = 11) -> pd.DataFrame:
    """postcode stands for herkomst; ruis and leeftijd are noise; inkomen is weak."""
    rng = np.random.default_rng(seed)
    herkomst = rng.choice(["nederlands", "westers", "niet-westers"], size=n, p=[0.6, 0.15, 0.25])
    nw = herkomst == "niet-westers"
    sorted_area = np.where(nw, rng.integers(0, 3, size=n), rng.integers(3, 10, size=n))
    area = np.where(rng.random(n) < 0.85, sorted_area, rng.integers(0, 10, size=n))
    return pd.DataFrame(
        {
            "herkomst": herkomst,
            "geslacht": rng.choice(["m", "v"], size=n),
            "postcode": [f"pc{a}" for a in area],
            "ruis": rng.choice(list("abcde"), size=n),
            "inkomen": rng.normal(size=n) - 0.25 * nw,
            "leeftijd": rng.normal(40, 12, size=n),
        }
    )


@pytest.fixture(scope="module")
def evidence():
    return proxy_strength(
        town(),
        protected=["herkomst", "geslacht"],
        features=["ruis", "inkomen", "postcode", "leeftijd"],
        n_resamples=50,
    )


def test_strong_proxy_gets_ee601_and_noise_gets_none(evidence):
    findings = proxy_findings(proxies=evidence, language="en")
    ee601 = [f for f in findings if f.code == "EE601"]
    assert [(f.subject.column, f.subject.attributes, f.subject.group) for f in ee601] == [
        ("postcode", ("herkomst",), ("niet-westers",))
    ]
    f = ee601[0]
    auc = f.evidence["auc"]
    assert auc >= 0.8
    assert f.severity == auc_severity(auc) == ("high" if auc >= 0.9 else "medium")
    assert f.certainty == "established"
    assert f.evidence["auc_low"] > 0.7
    # the one-sided band test, by hand
    z = (auc - 0.7) / f.evidence["auc_standard_error"]
    assert f.evidence["pvalue"] == pytest.approx(stats.norm.sf(z))
    assert {"crm-indirect", "ak-3-dat-02"} <= set(f.norms)
    assert "onderzoek" in f.toets_parts
    # nothing for the noise features, the weak one, or the unrelated ground
    assert not [g for g in findings if g.subject.column in ("ruis", "leeftijd", "inkomen")]
    assert not [g for g in findings if g.subject.attributes == ("geslacht",)]
    # the evidence names the sample
    assert f.evidence["rows"] == 2_500 and f.evidence["sampled"] is False
    assert f.evidence["sample_method"] == "all rows"


def test_messages_in_both_languages(evidence):
    f = next(f for f in proxy_findings(proxies=evidence) if f.code == "EE601")
    assert set(f.messages) == set(LANGUAGES)
    assert "'postcode'" in f.messages["nl"] and "'postcode'" in f.messages["en"]
    assert "niet-westers" in f.messages["nl"]
    assert "Cramérs V" in f.messages["nl"] and "Cramér's V" in f.messages["en"]
    assert "95%-interval" in f.messages["nl"] and "95% interval" in f.messages["en"]
    auc = f.evidence["auc"]
    assert f"{auc:.2f}".replace(".", ",") in f.messages["nl"]
    assert f"{auc:.2f}" in f.messages["en"]
    assert f.message == f.messages["nl"]  # Dutch by default


def test_numeric_proxy_message():
    rng = np.random.default_rng(3)
    n = 1_500
    g = rng.choice(["a", "b"], size=n)
    frame = pd.DataFrame({"g": g, "x": rng.normal(size=n) + 2.0 * (g == "b")})
    ev = proxy_strength(frame, protected="g", features=["x"], n_resamples=0, combined=False)
    (f,) = proxy_findings(proxies=ev, language="en")
    assert f.code == "EE601" and f.evidence["kind"] == "numeric"
    assert "rank AUC of the values" in f.message
    assert f.severity == "high"


def test_inputs_together_get_ee602():
    rng = np.random.default_rng(5)
    n = 2_000
    a, b = rng.integers(0, 2, size=n), rng.integers(0, 2, size=n)
    g = np.where((a ^ b) ^ (rng.random(n) < 0.1), "x", "y")
    frame = pd.DataFrame({"g": g, "a": a.astype(str), "b": b.astype(str)})
    ev = proxy_strength(frame, protected="g", features=["a", "b"], n_resamples=0)
    findings = proxy_findings(proxies=ev, language="en")
    assert [f.code for f in findings] == ["EE602"]
    f = findings[0]
    assert f.subject.attributes == ("g",) and f.evidence["best_feature_auc"] < 0.7
    assert f.evidence["auc"] > 0.85 and f.certainty == "established"
    assert "no feature on its own reaches 0.70" in f.message


def test_no_ee602_when_a_single_feature_already_predicts(evidence):
    assert not [f for f in proxy_findings(proxies=evidence) if f.code == "EE602"]


def test_auc_bands():
    assert AUC_BANDS == (0.7, 0.8, 0.9)
    assert [auc_severity(v) for v in (0.5, 0.69, 0.7, 0.79, 0.8, 0.9, float("nan"))] == [
        "info",
        "info",
        "low",
        "low",
        "medium",
        "high",
        "info",
    ]
    assert auc_severity(0.75, (0.6, 0.7, 0.8)) == "medium"


# -- composition -------------------------------------------------------------------------------


def _composition(noord_selected: int, zuid_selected: int, **kwargs):
    return composition_rates(
        {"noord": (1_000, noord_selected), "zuid": (1_000, zuid_selected)},
        {"noord": {"a": 0.9, "b": 0.1}, "zuid": {"a": 0.1, "b": 0.9}},
        feature="wijk",
        attribute="herkomst",
        reference="b",
        **kwargs,
    )


def test_ee603_established_when_the_bounds_exclude_parity():
    ev = _composition(400, 20)
    c = ev.comparisons[0]
    assert c.bounds_exclude_parity
    (f,) = proxy_findings(composition=ev, language="en")
    assert (f.code, f.certainty, f.evidence["basis"]) == ("EE603", "established", "bounds")
    assert f.subject.column == "wijk" and f.subject.group == ("a",)
    assert f.subject.attributes == ("herkomst",) and f.subject.reference == ("b",)
    assert f.severity == "high"  # ratio far above thresholds.high = 2
    assert "the bounds exclude parity" in f.messages["en"]
    assert "sluiten de grenzen gelijkheid uit" in f.messages["nl"] or (
        "de grenzen sluiten gelijkheid uit" in f.messages["nl"]
    )


def test_ee603_indicative_when_only_the_estimate_excludes_parity():
    ev = _composition(200, 20)
    c = ev.comparisons[0]
    assert not c.bounds_exclude_parity and c.interval_excludes_parity
    (f,) = proxy_findings(composition=ev, language="en")
    assert (f.certainty, f.evidence["basis"]) == ("indicative", "homogeneity")
    assert "only the estimate under the assumption excludes parity" in f.message


def test_no_ee603_at_parity_or_for_the_favoured_direction():
    assert not proxy_findings(composition=_composition(50, 50))
    # group a selected more often; when the decision is favourable, a is not worse off
    assert not proxy_findings(
        composition=_composition(400, 20), config=AuditConfig(favourable=True)
    )
    # b is then the worse-off group, seen from reference a
    ev = composition_rates(
        {"noord": (1_000, 400), "zuid": (1_000, 20)},
        {"noord": {"a": 0.9, "b": 0.1}, "zuid": {"a": 0.1, "b": 0.9}},
        reference="a",
    )
    (f,) = proxy_findings(composition=ev, config=AuditConfig(favourable=True))
    assert f.subject.group == ("b",) and f.certainty == "established"


def test_several_composition_tables():
    findings = proxy_findings(composition=[_composition(400, 20), _composition(50, 50)])
    assert [f.code for f in findings] == ["EE603"]


def test_codes_are_registered_and_in_the_proxy_question():
    question = next(q for q in load_catalogue().questions if q.id == "v-proxies")
    for code in ("EE601", "EE602", "EE603"):
        registered = get_code(code)
        assert code in question.codes
        assert "crm-indirect" in registered.norms
        assert "ak-3-dat-02" in registered.norms
