"""Disclosure control: no published number reveals a small count, directly or by subtraction.

The oracles are independent of the walker: a scan of the published JSON for any count or
complement between 1 and the threshold (by the names the evidence types use), and an
attacker who takes every published count, sets up the linear system over the cube of
group attributes × arm × decision × outcome, and computes with ``scipy.optimize.linprog``
the feasible interval of every suppressed small count.  The protection level is the
threshold itself: the attacker may not narrow a suppressed count to an interval shorter
than the threshold (which is what a small cell hides: "fewer than 10").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eerlijkheid as ee
from eerlijkheid.audit import _Boxes, _modelled_records
from eerlijkheid.configfile import load_spec
from eerlijkheid.datasets import address_checks, welfare_reexamination, wmo_allocation
from eerlijkheid.disclosure import (
    MIN_THRESHOLD,
    Cube,
    Target,
    attack,
    check_threshold,
    dominated,
    is_small,
    neutralise,
    protect,
)
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.gate import Gate
from eerlijkheid.report import (
    render_github,
    render_html,
    render_json,
    render_junit,
    render_markdown,
    render_text,
)

T = 10
#: Numbers that are settings or positions, not counts of cases.
_NOT_COUNTS = frozenset(
    {
        "rank",
        "cv",
        "levels",
        "seed",
        "n_resamples",
        "min_group_size",
        "numeric_bins",
        "max_order",
        "min_size",
        "family_size",
        "strata_used",
        "n_strata_used",
        "n_clusters",
        "splits",
        "min_cluster_size",
        "tested",
        "not_tested",
    }
)
_PAIRS = (
    ("group_numerator", "group_denominator"),
    ("reference_numerator", "reference_denominator"),
    ("numerator", "denominator"),
    ("group_count", "group_nobs"),
    ("reference_count", "reference_nobs"),
    ("selected", "cases"),
    ("positives", "n"),
    ("profile_hits", "profile_cases"),
    ("missing", "total"),
)
_SPLITS = (("positives", "negatives"), ("n_group", "n_rest"))
_META = ("provenance", "config", "roles", "suppression", "coverage", "plan", "schema_version")


def _small(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < T


def _leaks(value: Any, path: str = "") -> Iterator[str]:
    """Every count or complement between 1 and the threshold in a published tree."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaks(item, f"{path}[{i}]")
        return
    if not isinstance(value, dict):
        return
    for x_key, n_key in _PAIRS:
        xs, ns = value.get(x_key), value.get(n_key)
        pairs = (
            zip(xs, ns, strict=False)
            if isinstance(xs, list) and isinstance(ns, list)
            else [(xs, ns)]
        )
        for x, n in pairs:
            if (
                isinstance(x, (int, float))
                and isinstance(n, (int, float))
                and (_small(x) or _small(n) or _small(n - x))
            ):
                yield f"{path}.{x_key}/{n_key} = {x}/{n}"
    for a_key, b_key in _SPLITS:
        a_s, b_s = value.get(a_key), value.get(b_key)
        pairs = (
            zip(a_s, b_s, strict=False)
            if isinstance(a_s, list) and isinstance(b_s, list)
            else [(a_s, b_s)]
        )
        for a, b in pairs:
            if _small(a) or _small(b):
                yield f"{path}.{a_key}/{b_key} = {a}/{b}"
    for key, item in value.items():
        if key in _NOT_COUNTS:
            continue
        if isinstance(item, int) and not isinstance(item, bool) and _small(item):
            yield f"{path}.{key} = {item}"
        yield from _leaks(item, f"{path}.{key}")


def _published_leaks(data: dict[str, Any]) -> list[str]:
    return [leak for key in data if key not in _META for leak in _leaks(data[key], key)]


# ---------------------------------------------------------------------------------------
# The fullest audits that can be built
# ---------------------------------------------------------------------------------------


def _welfare() -> ee.AuditResult:
    return ee.audit(
        welfare_reexamination(n=4_000, seed=3),
        decision="geselecteerd",
        groups=["migratieachtergrond", "geslacht", "leeftijdsklasse"],
        outcome="onrechtmatig",
        random_sample="aselect",
        score="risicoscore",
        handler="team",
        inputs=["risicoscore", "taalvaardigheid", "inkomen_bijverdiensten", "wijk"],
        config=ee.AuditConfig(order=3),
        language="nl",
    )


def _wmo() -> ee.AuditResult:
    return ee.audit(
        wmo_allocation(n=2_000, seed=3),
        decision="toegekend",
        groups=["migratieachtergrond", "geslacht", "leeftijdsgroep"],
        score="urgentiescore",
        handler="team",
        inputs=["urgentiescore", "wijk", "voorziening"],
        config=ee.AuditConfig(order=3, favourable=True),
        language="nl",
    )


def _address() -> ee.AuditResult:
    return ee.audit(
        address_checks(n=4_000, seed=3),
        decision="gecontroleerd",
        groups=["migratieachtergrond", "geslacht", "huishouden"],
        outcome="overtreding",
        random_sample="steekproef",
        score="risicopunten",
        inputs=["postcodegebied", "aantal_inschrijvingen", "risicopunten"],
        config=ee.AuditConfig(order=3),
        language="nl",
    )


_AUDITS: dict[str, Callable[[], ee.AuditResult]] = {
    "welfare": _welfare,
    "wmo": _wmo,
    "address": _address,
}
_CACHE: dict[str, ee.AuditResult] = {}


@pytest.fixture(scope="module", params=sorted(_AUDITS))
def full(request: pytest.FixtureRequest) -> ee.AuditResult:
    name = str(request.param)
    if name not in _CACHE:
        _CACHE[name] = _AUDITS[name]()
    return _CACHE[name]


def test_no_small_count_or_complement_is_published(full: ee.AuditResult) -> None:
    data = full.to_dict()
    assert _published_leaks(data) == []
    raw = full.to_dict(suppress=False)
    assert _published_leaks(raw), "the audit has small cells, so the check checks something"
    # the same holds for the JSON text, and every view-based format renders only this data
    assert _published_leaks(json.loads(render_json(full))) == []


def test_the_suppression_summary_is_the_output_check(full: ee.AuditResult) -> None:
    summary = full.to_dict()["suppression"]
    assert summary["applied"] and summary["threshold"] == T and summary["protection"] == T
    assert summary["primary"] > 0 and summary["unprotected"] == 0
    assert {"comparisons", "rates", "findings"} <= set(summary["checked"])
    for text in (
        render_text(full, gate=Gate()),
        render_markdown(full),
        render_github(full, gate=Gate()),
        render_junit(full, gate=Gate()),
        render_html(full),
    ):
        assert f"{summary['primary']} primair en {summary['secondary']} secundair" in text


def _attacker_intervals(result: ee.AuditResult) -> list[tuple[str, float, float, float]]:
    """Attack the published output: every published count against every suppressed one."""
    cube = _cube_of_result(result)
    boxes = _Boxes(cube, result.roles)
    published_tree = result._tagged()  # the same records, to find their paths
    data = result.to_dict()
    raw = result.to_dict(suppress=False)
    published: set[Any] = {()}
    if boxes.random is not None:
        axis = boxes.axis[boxes.random]
        published |= {((axis, (0,)),), ((axis, (1,)),)}
    targets: list[tuple[str, Target, float]] = []
    for path, _ in _modelled_records(published_tree):
        shown = _at(data, path)
        hidden = _at(raw, path)
        if path[0] == "findings":
            continue  # a finding's evidence repeats a comparison
        sides = boxes.sides(hidden)
        if sides is None:
            continue
        if not shown.get("suppressed"):
            for x, n, _, _ in sides:
                published.update(b for b in (*x, *n) if b is not None)
            continue
        for (xp, xm), (np_, nm), xv, nv in sides:
            for (plus, minus), value in (((xp, xm), xv), ((np_, nm), nv)):
                if 0 < value < T:
                    targets.append((f"{path}", Target(plus, minus), value))
            if 0 < nv - xv < T and xm is None and nm is None and xp != np_:
                targets.append((f"{path} complement", Target(np_, xp), nv - xv))
    # the proxies publish per-group sizes over all rows: the attacker uses them too
    proxies = data.get("proxies")
    for association in (proxies or {}).get("associations", ()):
        for g in association["groups"]:
            if g.get("suppressed") or g["n_group"] is None:
                continue
            box = boxes.box("all", [g["attribute"]], [g["group"]], np.ones((2, 3), bool))
            if box is not None and cube.value(box) == g["n_group"]:
                published.add(box)
    unique = {t[1]: t for t in targets}
    found = attack(cube, sorted(published), [t for _, t, _ in unique.values()])
    return [
        (label, value, lo, hi)
        for (label, _, value), (lo, hi) in zip(unique.values(), found, strict=True)
    ]


def _cube_of_result(result: ee.AuditResult) -> Cube:
    cube = result._cube
    assert cube is not None
    return cube


def _at(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def test_the_attacker_recovers_no_suppressed_count(full: ee.AuditResult) -> None:
    intervals = _attacker_intervals(full)
    assert intervals, "there are suppressed small counts to attack"
    narrow = [(label, v, lo, hi) for label, v, lo, hi in intervals if hi - lo < T - 1e-6]
    assert narrow == []
    for _, value, lo, hi in intervals:  # the true value is always feasible
        assert lo - 1e-6 <= value <= hi + 1e-6


def test_the_attacker_does_recover_a_cell_without_secondary_suppression() -> None:
    # 115 - (14 + 31 + 33 + 29) = 8: the random-sample cell of the issue
    cube = Cube(("g",), (("a", "b", "c", "d", "e"),), np.array([14, 31, 33, 29, 8]))
    shown = [(), *(cube.box(g=g) for g in "abcd")]
    assert attack(cube, shown, [Target(cube.box(g="e"))]) == [(8.0, 8.0)]
    records = {g: [cube.box(g=g)] for g in "abcde"}
    out = protect(
        cube,
        records,
        always=[()],
        primary={"e": records["e"]},
        targets=[Target(cube.box(g="e"))],
        protection=T,
    )
    assert sorted(out.suppressed) == ["a", "e"]  # the smallest other cell goes too
    ((lo, hi),) = out.intervals
    assert (lo, hi) == (0.0, 22.0)


@st.composite
def _tables(draw: st.DrawFn) -> pd.DataFrame:
    """Small two-attribute tables with some tiny cells, and a random arm."""
    sizes = draw(st.lists(st.integers(1, 40), min_size=6, max_size=6))
    rows = []
    for k, size in enumerate(sizes):
        selected = draw(st.integers(0, size))
        for i in range(size):
            rows.append(
                {"a": "xyz"[k % 3], "b": "pq"[k // 3], "d": int(i < selected), "r": int(i % 7 == 0)}
            )
    # a large, mixed group keeps every rate away from 0 and 1 (a degenerate reference)
    base = [{"a": "x", "b": "p", "d": i % 3 == 0, "r": int(i % 11 == 0)} for i in range(120)]
    return pd.DataFrame(rows + base).astype({"d": int})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_hypothesis_tables_leak_nothing(frame: pd.DataFrame) -> None:
    result = ee.audit(
        frame,
        decision="d",
        groups=["a", "b"],
        random_sample="r",
        reference={"a": "x", "b": "p"},
        language="en",
    )
    assert _published_leaks(result.to_dict()) == []
    intervals = _attacker_intervals(result)
    unprotected = result.to_dict()["suppression"]["unprotected"]
    narrow = [i for i in intervals if i[3] - i[2] < T - 1e-6]
    assert len(narrow) <= unprotected
    if narrow:  # only where the totals, which every report shows, already pin them
        cube = _cube_of_result(result)
        totals = [(), *(((cube.names.index("r"), (v,)),) for v in (0, 1))]
        assert unprotected > 0 and totals


# ---------------------------------------------------------------------------------------
# Findings about a suppressed subject
# ---------------------------------------------------------------------------------------


def test_a_suppressed_finding_publishes_its_code_and_nothing_else() -> None:
    frame = pd.DataFrame(
        {
            "g": ["groot"] * 300 + ["klein"] * 5 + ["middel"] * 100,
            "d": [1, 0] * 150 + [1, 1, 1, 1, 0] + [1] * 30 + [0] * 70,
        }
    )
    result = ee.audit(frame, decision="d", groups="g", reference={"g": "groot"}, language="nl")
    in_memory = {f.fingerprint: f for f in result.findings}
    published = result.to_dict()["findings"]
    hidden = [f for f in published if f["suppressed"]]
    assert hidden
    for record in hidden:
        assert record["severity"] is None and record["certainty"] is None
        assert record["evidence"] == {"suppressed": True}
        assert "onderdrukt" in record["message"]
        assert not re.search(r"\d", record["message"].replace(record["code"], "").replace("10", ""))
        # the gate still sees the full finding
        assert in_memory[record["fingerprint"]].severity in (
            "low",
            "medium",
            "high",
            "critical",
            "info",
        )
    if any(r["code"] != "EE401" for r in hidden):  # EE401 is a table in the text output
        assert "[suppressed/suppressed]" in render_text(result, gate=Gate())


# ---------------------------------------------------------------------------------------
# Row-level values
# ---------------------------------------------------------------------------------------


def test_feature_tables_name_only_values_of_enough_cases() -> None:
    data = _CACHE.get("address") or _address()
    _CACHE["address"] = data
    for feature in data.to_dict()["suitability"]["features"]:
        for level, pos, neg in zip(
            feature["levels"], feature["positives"], feature["negatives"], strict=True
        ):
            if level == "overige":
                continue
            assert not _small(pos) and not _small(neg), (feature["feature"], level, pos, neg)


# ---------------------------------------------------------------------------------------
# The threshold
# ---------------------------------------------------------------------------------------


def test_threshold_zero_is_an_error_everywhere(tmp_path: Any) -> None:
    with pytest.raises(ConfigError):
        ee.AuditConfig(suppression_threshold=0)
    with pytest.raises(ConfigError):
        ee.AuditConfig(suppression_threshold=MIN_THRESHOLD - 1)
    toml = tmp_path / "eerlijkheid.toml"
    toml.write_text(
        '[roles]\ndecision = "d"\ngroups = ["g"]\n[audit]\nsuppression_threshold = 0\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="suppression_threshold"):
        load_spec(toml)
    frame = pd.DataFrame({"g": ["a", "b"] * 50, "d": [1, 0, 0, 0] * 25})
    result = ee.audit(frame, decision="d", groups="g", language="en")
    for call in (
        lambda: result.to_dict(threshold=0),
        lambda: render_json(result, threshold=0),
        lambda: render_html(result, threshold=0),
    ):
        with pytest.raises(ConfigError):
            call()
    assert check_threshold(MIN_THRESHOLD) == MIN_THRESHOLD
    assert result.to_dict(suppress=False)["suppression"] == {"applied": False, "threshold": 10}


def test_primary_rule_and_dominance() -> None:
    assert is_small(3, 200, threshold=T) and is_small(195, 200, threshold=T)
    assert not is_small(0, 200, threshold=T) and not is_small(200, 200, threshold=T)
    # p% rule (p = 10%): 100 = largest, the others sum to 3: total - x1 - x2 = 2 < 10
    assert dominated([100.0, 1.0, 1.0, 1.0])
    # (2, 85%) rule: the two largest hold 90 of 100
    assert dominated([50.0, 40.0] + [1.0] * 10)
    assert not dominated([10.0] * 10)


# ---------------------------------------------------------------------------------------
# Control and format characters in labels
# ---------------------------------------------------------------------------------------

_HOSTILE = "niet\u202ewesters\u200b\x1b[31m"
_RAW_CHARS = ("\u202e", "\u200b", "\x1b")


@pytest.fixture(scope="module")
def hostile() -> ee.AuditResult:
    frame = pd.DataFrame(
        {
            "g": ["geen"] * 400 + [_HOSTILE] * 200,
            "d": [1] + [0] * 399 + [1] * 40 + [0] * 160,
        }
    )
    return ee.audit(frame, decision="d", groups="g", reference={"g": "geen"}, language="nl")


@pytest.mark.parametrize(
    "render",
    [
        lambda r: render_text(r, gate=Gate()),
        lambda r: render_text(r, gate=Gate(), color=True),
        render_markdown,
        lambda r: render_github(r, gate=Gate()),
        lambda r: render_junit(r, gate=Gate()),
        render_html,
        render_json,
    ],
    ids=["text", "terminal", "markdown", "github", "junit", "html", "json"],
)
def test_control_and_format_characters_are_neutralised(
    hostile: ee.AuditResult, render: Callable[[ee.AuditResult], str]
) -> None:
    text = render(hostile)
    for char in _RAW_CHARS:
        if char == "\x1b" and "\x1b[" in text:  # the terminal's own colours, not the label's
            assert "\x1b[31mrood" not in text
            assert "\\u001b[31m" in text
            continue
        assert char not in text, repr(char)
    assert "\\u202e" in text
    assert "westers" in text


def test_the_html_report_isolates_labels_in_bdi(hostile: ee.AuditResult) -> None:
    html = render_html(hostile)
    assert "<bdi>" in html and "niet\\u202ewesters" in html
    assert neutralise("a\u2066b") == "a\\u2066b"
    assert json.loads(render_json(hostile))["comparisons"][0]["group"] == [_HOSTILE]
