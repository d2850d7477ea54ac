"""The HTML report: snapshots, structure, small-cell suppression, escaping, a real browser.

Snapshots
---------
``tests/snapshots/report_html/demo_nl.html`` and ``demo_en.html`` hold the rendered demo
report (the welfare re-examination data set, n=20,000, seed 0), audited for one group
attribute so that the snapshot stays small (the structure tests below use the full demo).
Numbers with more than six decimals would be rounded before comparing
(``snapshot_tools``).  When a change to the report is intended, rewrite them and review
the diff::

    EERLIJKHEID_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_report_html.py

The library version in the snapshots is replaced by a fixed string, so a release does not
change them.

Browser
-------
``test_chromium_renders_the_report`` renders the demo report in Debian's ``chromium``
(headless), checks the rendered DOM and the console, and writes a screenshot to
``tests/artifacts/report_html_demo_nl.png``; ``test_chromium_renders_the_chain_section``
does the same for an audit with a process chain, with a screenshot of its charts
section in ``tests/artifacts/report_html_chain_nl.png``.  Without chromium the test is skipped
locally and fails on CI (the ``CI`` environment variable is set): CI must install it.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import eerlijkheid
from eerlijkheid.audit import AuditResult
from eerlijkheid.datasets import welfare_reexamination
from eerlijkheid.report._html import render_html
from snapshot_tools import check_snapshot

HERE = Path(__file__).resolve().parent
SNAPSHOTS = HERE / "snapshots" / "report_html"
ARTIFACTS = HERE / "artifacts"

SECTIONS = ["summary", "toets", "charts", "search", "unanswered", "methods"]
PARTS = ["deel-1", "deel-2", "onderzoek", "deel-3", "deel-4"]
TINY = "piepklein"
EVIL = "<script>alert(1)</script>"
#: The demo data with a process chain: the model's flag, then the decision.
CHAIN = {
    "decision": "geselecteerd",
    "groups": ["migratieachtergrond"],
    "stages": ["geselecteerd_model"],
    "random_sample": "aselect",
    "reference": {"migratieachtergrond": "geen"},
}
DEMO = {
    "decision": "geselecteerd",
    "groups": ["migratieachtergrond", "geslacht", "leeftijdsklasse"],
    "random_sample": "aselect",
    "outcome": "onrechtmatig",
    "reference": {"migratieachtergrond": "geen"},
    "inputs": ["risicoscore", "taalvaardigheid", "nationaliteit"],
}


def _pinned(result: AuditResult) -> AuditResult:
    """Fix the library version, so that snapshots survive a release."""
    provenance = dataclasses.replace(result.provenance, library_version="0.0.0+snapshot")
    return dataclasses.replace(result, provenance=provenance)


@pytest.fixture(scope="module")
def demo_frame() -> pd.DataFrame:
    # 'nationaliteit' is a model input named after a ground (EE101); inputs must be columns
    # of the data (issue 12), so the extract carries it (noise here).
    frame = welfare_reexamination(n=20_000, seed=0)
    rng = np.random.default_rng(0)
    return frame.assign(nationaliteit=rng.choice(["NL", "TR", "MA", "SR"], len(frame)))


@pytest.fixture(scope="module")
def demo(demo_frame) -> AuditResult:
    return _pinned(eerlijkheid.audit(demo_frame, language="nl", **DEMO))


@pytest.fixture(scope="module")
def demo_nl(demo) -> str:
    return render_html(demo)


@pytest.fixture(scope="module")
def demo_en(demo) -> str:
    return render_html(demo, language="en")


def _small_frame() -> pd.DataFrame:
    """Four groups: two ordinary, a tiny one (7 cases, 3 selected) and a hostile label."""
    rows = []
    for label, n, selected in (("A", 400, 40), ("B", 300, 60), (TINY, 7, 3), (EVIL, 80, 12)):
        for i in range(n):
            rows.append({"groep": label, "geslacht": "mv"[i % 2], "geselecteerd": i < selected})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def small() -> AuditResult:
    return eerlijkheid.audit(
        _small_frame(), decision="geselecteerd", groups=["groep", "geslacht"], language="nl"
    )


@pytest.fixture(scope="module")
def small_nl(small) -> str:
    return render_html(small)


@pytest.fixture(scope="module")
def chain(demo_frame) -> AuditResult:
    return _pinned(eerlijkheid.audit(demo_frame, language="nl", **CHAIN))


@pytest.fixture(scope="module")
def chain_nl(chain) -> str:
    return render_html(chain)


def _staged_frame(*, skips: bool = False) -> pd.DataFrame:
    """The small groups with a first step ``stap``; with ``skips``, some cases skip it."""
    rows = []
    for label, n, flagged, selected in (
        ("A", 400, 100, 40),
        ("B", 300, 120, 60),
        (TINY, 7, 5, 3),
        (EVIL, 80, 30, 12),
    ):
        for i in range(n):
            passed = i < flagged
            chosen = i < selected or (skips and not passed and i % 25 == 0)
            rows.append({"groep": label, "stap": passed, "geselecteerd": chosen})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def staged() -> AuditResult:
    return eerlijkheid.audit(
        _staged_frame(), decision="geselecteerd", groups=["groep"], stages=["stap"], language="nl"
    )


# ---------------------------------------------------------------------------------------
# A small DOM from the standard library's parser
# ---------------------------------------------------------------------------------------


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "col", "area", "base"}


class Tree(HTMLParser):
    """Parse into nodes; SVG's self-closing elements are handled by ``startendtag``."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"unmatched </{tag}>"
        self.current = node.parent or self.root

    def handle_data(self, data):
        self.current.children.append(data)

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [
            n
            for n in self.root.iter()
            if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
        ]

    def by_id(self, id_: str) -> Node:
        found = [n for n in self.root.iter() if n.attrs.get("id") == id_]
        assert len(found) == 1, (id_, len(found))
        return found[0]


# ---------------------------------------------------------------------------------------
# Snapshots and determinism
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot_demo(demo_frame) -> AuditResult:
    """The demo audited for one group attribute: every section, in a small snapshot."""
    return _pinned(
        eerlijkheid.audit(demo_frame, language="nl", **{**DEMO, "groups": ["migratieachtergrond"]})
    )


_STYLE = re.compile(r"(<style>\n)(.*?)(</style>)", re.DOTALL)


def _without_style(html: str) -> str:
    """The report without its style sheet (a fixed template, the same in every report)."""
    return _STYLE.sub(r"\1/* report_style.css.j2 */\n\3", html, count=1)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_snapshot(language, snapshot_demo):
    html = render_html(snapshot_demo, language=language)
    style = _STYLE.search(html)
    assert style is not None and len(style.group(2)) > 1000  # the style sheet is inlined
    check_snapshot(SNAPSHOTS / f"demo_{language}.html", _without_style(html))


def test_byte_identical_across_runs(demo_frame, demo_nl):
    again = _pinned(eerlijkheid.audit(demo_frame, language="nl", **DEMO))
    assert render_html(again).encode("utf-8") == demo_nl.encode("utf-8")
    assert render_html(again) == render_html(again)


def test_english_report_of_dutch_audit_equals_english_audit(demo_frame, demo_en):
    """Finding sentences are rebuilt in the report language from the suppressed evidence."""
    english = _pinned(eerlijkheid.audit(demo_frame, language="en", **DEMO))
    assert render_html(english) == demo_en


def test_language_defaults_to_the_result_and_is_checked(demo, demo_nl):
    assert render_html(demo, language=None) == demo_nl
    with pytest.raises(ValueError, match="language"):
        render_html(demo, language="fr")


# ---------------------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------------------


def test_self_contained_without_scripts_or_network(demo_nl, small_nl):
    for html in (demo_nl, small_nl):
        assert "<script" not in html.lower()
        assert "@import" not in html and "url(" not in html
        tree = Tree(html)
        for node in tree.root.iter():
            for name in ("src", "href", "xlink:href", "action", "data"):
                value = node.attrs.get(name)
                if value is not None:
                    assert not re.match(r"\s*(https?:)?//", value), (node.tag, name, value)
                    assert value.startswith("#"), (node.tag, name, value)
        for tag in ("script", "link", "img", "iframe", "object", "embed", "image", "use"):
            assert not tree.all(tag), tag
        assert "http://" not in html and "https://" not in html


def test_sections_in_order(demo_nl):
    tree = Tree(demo_nl)
    ids = [n.attrs["id"] for n in tree.all("section", "major")]
    assert ids == SECTIONS
    html_tag = tree.all("html")[0]
    assert html_tag.attrs["lang"] == "nl"
    headings = [tree.by_id(f"{s}-heading").text() for s in SECTIONS]
    assert headings == [
        "Samenvatting",
        "Per deel van de toets",
        "Grafieken",
        "Zoektochten: proxy's en groepen die niemand noemde",
        "Wat de data niet kon beantwoorden",
        "Methoden",
    ]


def test_summary_says_what_was_audited(demo, demo_nl):
    summary = Tree(demo_nl).by_id("summary")
    text = " ".join(summary.text().split())
    for expected in (
        "kolom 'geselecteerd'",
        "migratieachtergrond",
        "leeftijdsklasse",
        "20.000",
        "kolom 'aselect'",
        "kolom 'onrechtmatig'",
        "migratieachtergrond: geen (opgegeven)",
        demo.provenance.config_fingerprint,
        demo.provenance.data_fingerprint,
        "0.0.0+snapshot",
        "Een verschil tussen groepen is nog geen discriminatie",
        "beoordeelt de organisatie zelf",
    ):
        assert expected in text, expected
    # findings per severity, as the result has them
    counts = {}
    for row in Tree(demo_nl).all("table", "counts")[0].iter():
        if row.tag == "tr":
            cells = [" ".join(c.text().split()) for c in row.children if isinstance(c, Node)]
            counts[cells[0]] = int(cells[1])
    labels = {"critical": "kritiek", "high": "hoog", "medium": "middel", "low": "laag"}
    published = {r["fingerprint"]: r for r in demo.to_dict()["findings"]}
    for severity, label in labels.items():
        assert counts[label] == sum(
            f.severity == severity and not published[f.fingerprint]["suppressed"]
            for f in demo.findings
        )
    # a suppressed finding's grade is not published, not even in these totals
    assert counts.get("onderdrukt", 0) == sum(r["suppressed"] for r in published.values())
    assert counts["Totaal"] == len(demo.findings)
    top = Tree(demo_nl).all("ol", "top")[0]
    items = [n for n in top.children if isinstance(n, Node) and n.tag == "li"]
    assert len(items) == 5
    assert "nationaliteit" in items[0].text() and "kritiek" in items[0].text()
    assert "2,38×" in items[1].text()  # decimal comma


def test_parts_follow_the_catalogue_and_mark_working_titles(demo_nl):
    tree = Tree(demo_nl)
    parts = [n.attrs["id"] for n in tree.all("section", "part")]
    assert parts == [f"part-{p}" for p in PARTS]
    for part in PARTS:
        title = tree.by_id(f"part-{part}-heading").text()
        assert ("werktitel, niet geverifieerd" in title) == (part != "deel-2"), title
    deel2 = tree.by_id("part-deel-2")
    cards = [a for a in deel2.iter() if a.tag == "article"]
    assert cards, "part 2 has findings"
    first = cards[0]
    assert "EE101" in first.text() and "race-ground-in-inputs" in first.text()
    assert "Ernst: kritiek" in first.text()
    assert "Zekerheid: niet van toepassing" in first.text()
    ee201 = next(a for a in cards if "EE201" in a.text() and "niet-westers" in a.text())
    text = " ".join(ee201.text().split())
    for expected in ("247 van 3.717", "360 van 12.908", "6,6%", "2,8%", "2,38×", "< 0,001"):
        assert expected in text, expected
    assert "Holm" in text and "chi-kwadraattoets" in text and "Katz-log" in text
    # every finding is shown in full exactly once; other parts point to it
    anchors = [a.attrs["id"] for a in tree.all("article", "finding")]
    assert len(anchors) == len(set(anchors))
    for link in tree.all("a"):
        target = link.attrs["href"][1:]
        assert tree.by_id(target) is not None
    # open questions with what data would answer them
    onderzoek = " ".join(tree.by_id("part-onderzoek").text().split())
    assert "Leidt beleidsvrijheid tot ongelijke behandeling?" in onderzoek
    assert "Welke gegevens dit beantwoorden" in onderzoek


def test_charts_per_attribute_with_reference_and_table(demo_nl):
    tree = Tree(demo_nl)
    charts = tree.all("div", "chart-block")
    assert [c.attrs["id"] for c in charts] == ["chart-1", "chart-2", "chart-3"]
    for chart, attribute in zip(charts, DEMO["groups"]):
        svg = next(n for n in chart.iter() if n.tag == "svg")
        assert svg.attrs["role"] == "img"
        labelled = svg.attrs["aria-labelledby"].split()
        assert [tree.by_id(i).tag for i in labelled] == ["title", "desc"]
        assert attribute in tree.by_id(labelled[0]).text()
        assert [n for n in svg.iter() if n.tag == "line" and "reference-line" in n.classes]
        assert [n for n in svg.iter() if n.tag == "circle"]
        table = next(n for n in chart.iter() if n.tag == "table")
        assert attribute in table.text()
        assert "referentie" in table.text()
    first = " ".join(charts[0].text().split())
    assert "referentie: geen" in first
    assert "12.908" in first and "2,5% tot 3,1%" in first


def test_unanswered_and_methods(demo, demo_nl):
    tree = Tree(demo_nl)
    unanswered = " ".join(tree.by_id("unanswered").text().split())
    open_items = [p for p in demo.plan() if not p.answerable]
    assert open_items
    for item in open_items:
        assert item.text in unanswered
        assert " ".join(item.missing_text.split()) in unanswered
    answered = [p for p in demo.plan() if p.answerable]
    assert all(p.text not in unanswered for p in answered)
    methods = " ".join(tree.by_id("methods").text().split())
    for expected in (
        "Wilson",
        "Newcombe",
        "Katz-log",
        "Fisher",
        "Cochran",
        "Holm",
        "Mantel–Haenszel",
        "α = 0,05",
        "1,25×",
        "80,0%",
        "29 CFR 1607.4(D)",
        "minder dan 10 gevallen",
        "standaarddrempels",
    ):
        assert expected in methods, expected


def test_english_report_has_english_text(demo_en):
    tree = Tree(demo_en)
    assert tree.all("html")[0].attrs["lang"] == "en"
    headings = [tree.by_id(f"{s}-heading").text() for s in SECTIONS]
    assert headings == [
        "Summary",
        "By part of the toets",
        "Charts",
        "Searches: proxies and groups nobody named",
        "What the data could not answer",
        "Methods",
    ]
    text = " ".join(tree.root.text().split())
    assert "Severity: critical" in text and "Certainty: established" in text
    assert "2.38×" in text and "20,000" in text
    assert "working title, not verified" in text
    assert "Group niet-westers (migratieachtergrond) has a selection rate" in text
    for dutch in ("Samenvatting", "onderdrukt", "Bevindingen", "werktitel", "selectiepercentage"):
        assert dutch not in text, dutch


# ---------------------------------------------------------------------------------------
# Per process step
# ---------------------------------------------------------------------------------------


def _words(node: Node) -> str:
    return " ".join(node.text().split())


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%".replace(".", ",")


def test_chain_section_has_a_chart_per_attribute(chain, chain_nl):
    tree = Tree(chain_nl)
    # one group attribute and no inputs: nothing to search, so no search section
    assert chain.subgroups is None and chain.proxies is None and chain.clusters is None
    expected = [s for s in SECTIONS if s != "search"]
    assert [n.attrs["id"] for n in tree.all("section", "major")] == expected
    section = tree.by_id("chain")
    assert section.parent is tree.by_id("charts")
    assert tree.by_id("chain-heading").text() == "Per processtap"
    assert [a for a in tree.all("a") if a.attrs["href"] == "#chain"]
    blocks = [n for n in section.iter() if n.tag == "div" and "chain-block" in n.classes]
    assert [b.attrs["id"] for b in blocks] == ["chain-chart-1"]
    block = blocks[0]
    svg = next(n for n in block.iter() if n.tag == "svg")
    assert svg.attrs["role"] == "img"
    labelled = svg.attrs["aria-labelledby"].split()
    assert [tree.by_id(i).tag for i in labelled] == ["title", "desc"]
    assert "migratieachtergrond" in tree.by_id(labelled[0]).text()
    desc = tree.by_id(labelled[1]).text()
    assert "referentiegroep geen" in desc and "bij 'geselecteerd'" in desc

    # one panel per step, each with the conditional rate of every group (funnel)
    data = chain.to_dict(suppress=True)
    steps = data["chain"]["steps"]
    panels = [n for n in svg.iter() if n.tag == "g" and "panel" in n.classes]
    assert [p.attrs["data-step"] for p in panels] == [s["name"] for s in steps]
    assert [s["name"] for s in steps] == ["geselecteerd_model", "geselecteerd"]
    for panel, step in zip(panels, steps):
        assert step["name"] in panel.attrs["aria-label"]
        rows = [n for n in panel.iter() if n.tag == "g" and "row" in n.classes]
        assert len(rows) == 4 and all(r.attrs["aria-label"] for r in rows)
        reference_row = next(r for r in rows if "row-reference" in r.classes)
        assert reference_row.attrs["aria-label"].startswith("geen: ")
        assert [n for n in panel.iter() if n.tag == "line" and "reference-line" in n.classes]
        assert len([n for n in panel.iter() if n.tag == "circle"]) == 4
        for record in step["conditional"]:
            label = f"{record['group'][0]}: {_pct(record['group_value'])} (95%-interval"
            assert any(r.attrs["aria-label"].startswith(label) for r in rows), label
            reference = f"geen: {_pct(record['reference_value'])} (95%-interval"
            assert any(r.attrs["aria-label"].startswith(reference) for r in rows), reference

    # the same numbers as a table, one row group per step
    table = next(n for n in block.iter() if n.tag == "table")
    bodies = [n for n in table.children if isinstance(n, Node) and n.tag == "tbody"]
    assert len(bodies) == 2
    second = _words(bodies[1])
    assert "geselecteerd (de beslissing)" in second
    assert "referentie" in second and "1.201" in second and "247" in second

    # one sentence per group, naming the step that adds the disparity
    items = {
        _words(li).split(" (tegen")[0]: li
        for li in block.iter()
        if li.tag == "li" and li.parent is not None and li.parent.tag == "ul"
    }
    assert set(items) == {"niet-westers", "westers", "onbekend"}
    niet_westers = items["niet-westers"]
    assert niet_westers.attrs["data-step"] == "geselecteerd"
    assert "stap 'geselecteerd'," in _words(niet_westers)
    assert "1,86×" in _words(niet_westers) and "vastgesteld" in _words(niet_westers)
    attribution = next(a for a in data["chain"]["attributions"] if a["group"] == ["niet-westers"])
    assert attribution["adding_step"] == "geselecteerd"

    # the shape assumed, and why
    text = _words(section)
    assert "geanalyseerd als een trechter" in text
    assert "geen enkel geval een stap passeerde zonder alle eerdere stappen" in text
    assert "voorwaardelijke percentage" in text


def test_chain_section_in_english(chain):
    tree = Tree(render_html(chain, language="en"))
    section = tree.by_id("chain")
    assert tree.by_id("chain-heading").text() == "Per process step"
    text = _words(section)
    assert "were analysed as a funnel" in text
    assert "because no case passed a step without passing every earlier step" in text
    sentence = "niet-westers (against reference geen): the disparity arises at step 'geselecteerd',"
    assert sentence in text
    assert "Step 2 of 2: geselecteerd (the decision)" in text
    for dutch in ("Stap ", "trechter", "onderdrukt", "referentie"):
        assert dutch not in text, dutch


def test_chain_report_is_deterministic(chain, chain_nl, demo_frame):
    again = _pinned(eerlijkheid.audit(demo_frame, language="nl", **CHAIN))
    assert render_html(again) == chain_nl


def test_no_chain_section_without_stages(demo_nl, demo_en, small_nl):
    for html in (demo_nl, demo_en, small_nl):
        tree = Tree(html)
        assert not [n for n in tree.root.iter() if n.attrs.get("id") == "chain"]
        assert not [a for a in tree.all("a") if a.attrs["href"] == "#chain"]
        text = tree.all("main")[0].text()
        assert "Per processtap" not in text and "Per process step" not in text


def test_tiny_group_is_suppressed_in_the_stage_chart(staged):
    html = render_html(staged)
    tree = Tree(html)
    section = tree.by_id("chain")
    exact = {
        tuple(d.group): d
        for step in staged.chain.steps
        for d in step.conditional
        if d.group == (TINY,)
    }
    assert exact  # the tiny group is compared at every step (5 of 7, then 3 of 5)
    numbers = {"71,4%", "60,0%", "42,9%"}
    text = _words(section)
    for number in numbers:
        assert number not in text, number

    svg = next(n for n in section.iter() if n.tag == "svg")
    panels = [n for n in svg.iter() if n.tag == "g" and "panel" in n.classes]
    assert [p.attrs["data-step"] for p in panels] == ["stap", "geselecteerd"]
    for panel in panels:
        gap = next(
            g
            for g in panel.iter()
            if g.tag == "g" and "row-suppressed" in g.classes and TINY in g.attrs["aria-label"]
        )
        assert [n for n in gap.iter() if n.tag == "rect" and "gap" in n.classes]
        assert not [n for n in gap.iter() if n.tag == "circle"]
        assert "onderdrukt (< 10)" in gap.text()
    rows = [_closest(n, {"tr"}) for n in section.iter() if n.tag == "th" and n.text() == TINY]
    assert len(rows) == 2
    for row in rows:
        assert _words(row) == f"{TINY} onderdrukt (< 10)"
    tiny = next(li for li in section.iter() if li.tag == "li" and TINY in li.text())
    assert "suppressed" in tiny.classes and "data-step" not in tiny.attrs
    assert not re.search(r"\d", _words(tiny).replace("< 10", "").replace("10 gevallen", ""))
    # the ordinary groups keep their numbers
    assert "B (tegen referentie A)" in text and "1,60×" in text


def test_chain_in_strata_shape(staged):
    skipping = eerlijkheid.audit(
        _staged_frame(skips=True),
        decision="geselecteerd",
        groups=["groep"],
        stages=["stap"],
        language="nl",
    )
    assert skipping.chain is not None and skipping.chain.shape == "strata"
    section = Tree(render_html(skipping)).by_id("chain")
    text = _words(section)
    assert "chain-strata" in section.classes
    assert "geanalyseerd als lagen" in text
    assert "gevallen zijn die een latere stap passeerden" in text
    assert "Percentage per processtap: groep" in text
    assert "over alle gevallen" in text
    crude = {d.group: d for d in skipping.chain.step("geselecteerd").crude}
    assert _pct(crude[("B",)].group_value) in text


# ---------------------------------------------------------------------------------------
# User labels and small cells
# ---------------------------------------------------------------------------------------


def test_user_labels_are_escaped(small_nl):
    assert "<script" not in small_nl.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in small_nl
    tree = Tree(small_nl)
    assert EVIL in tree.root.text()
    assert not tree.all("script")


def _closest(node: Node, tags: set[str]) -> Node:
    while node.parent is not None and node.tag not in tags:
        node = node.parent
    return node


def test_tiny_group_is_suppressed_next_to_its_label(small, small_nl):
    exact = {tuple(r.group): r for r in small.rates if r.metric == "selection_rate"}[(TINY,)]
    assert exact.denominator == 7 and exact.numerator == 3  # the numbers that must not show
    rate = f"{100 * exact.value:.1f}".replace(".", ",")
    low = f"{100 * exact.confidence_interval.low:.1f}".replace(".", ",")
    high = f"{100 * exact.confidence_interval.high:.1f}".replace(".", ",")
    assert rate not in small_nl

    tree = Tree(small_nl)
    labelled = [
        n for n in tree.root.iter() if any(isinstance(c, str) and TINY in c for c in n.children)
    ]
    assert len(labelled) >= 4  # chart label, chart table, finding cards
    context = {"tr", "g", "article", "li"}
    seen_suppressed = 0
    for node in labelled:
        row = _closest(node, context)
        text = " ".join(row.text().split())
        assert not re.search(r"(?<![\d,.])[37](?![\d,.])", text), text
        for number in (rate, low, high):
            assert number not in text, (number, text)
        seen_suppressed += "onderdrukt (< 10)" in text
    assert seen_suppressed >= 3
    # the chart draws a labelled gap, not a dot
    gap = next(g for g in tree.all("g", "row-suppressed") if TINY in g.attrs.get("aria-label", ""))
    assert [n for n in gap.iter() if n.tag == "rect" and "gap" in n.classes]
    assert not [n for n in gap.iter() if n.tag == "circle"]


def test_tiny_group_suppressed_in_english(small):
    tree = Tree(render_html(small, language="en"))
    rows = [
        _closest(n, {"tr"}) for n in tree.root.iter() if n.tag == "th" and n.text().strip() == TINY
    ]
    assert rows
    assert all("suppressed (< 10)" in r.text() for r in rows)


def test_threshold_zero_is_an_error_not_an_unsuppressed_report(small):
    from eerlijkheid.exceptions import ConfigError

    with pytest.raises(ConfigError, match="minstens 5"):
        render_html(small, threshold=0)
    assert "42,9%" not in render_html(small)  # 3 of 7


# ---------------------------------------------------------------------------------------
# A real browser
# ---------------------------------------------------------------------------------------


def _chromium() -> str:
    exe = shutil.which("chromium")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(
                "chromium is not installed, but CI must run the browser test of the HTML "
                "report: install Debian's `chromium` package in the CI image (.ci/run)."
            )
        pytest.skip("chromium is not installed (apt-get install chromium); browser test skipped")
    return exe


def _run_chromium(exe: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(
        [exe, *flags, *args], capture_output=True, text=True, timeout=180, check=False
    )


def _console_messages(stderr: str) -> list[str]:
    """Console output and uncaught errors, as chromium logs them with --enable-logging."""
    return [line for line in stderr.splitlines() if re.search(r"CONSOLE[:(]|Uncaught", line)]


def test_chromium_renders_the_report(tmp_path, demo_nl):
    exe = _chromium()
    page = tmp_path / "report.html"
    page.write_bytes(demo_nl.encode("utf-8"))
    url = page.as_uri()

    shot = tmp_path / "report.png"
    result = _run_chromium(
        exe,
        tmp_path / "profile-shot",
        f"--screenshot={shot}",
        "--window-size=1280,2400",
        "--enable-logging=stderr",
        "--v=0",
        url,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "report_html_demo_nl.png")
    assert not _console_messages(result.stderr)

    dom = _run_chromium(
        exe,
        tmp_path / "profile-dom",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        url,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert not _console_messages(dom.stderr)
    tree = Tree(dom.stdout)
    assert [n.attrs["id"] for n in tree.all("section", "major")] == SECTIONS
    assert [n.attrs["id"] for n in tree.all("section", "part")] == [f"part-{p}" for p in PARTS]
    assert len(tree.all("svg", "chart")) == 3
    assert len(tree.all("line", "reference-line")) == 3
    assert tree.all("article", "finding")
    assert "Samenvatting" in tree.by_id("summary-heading").text()


def test_chromium_renders_the_chain_section(tmp_path, chain_nl):
    exe = _chromium()
    page = tmp_path / "chain.html"
    page.write_bytes(chain_nl.encode("utf-8"))
    dom = _run_chromium(
        exe,
        tmp_path / "profile-dom",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        page.as_uri(),
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert not _console_messages(dom.stderr)
    tree = Tree(dom.stdout)
    section = tree.by_id("chain")
    assert len([n for n in section.iter() if n.tag == "svg"]) == 1
    assert len([n for n in section.iter() if n.tag == "g" and "panel" in n.classes]) == 2
    lines = [n for n in section.iter() if n.tag == "line" and "reference-line" in n.classes]
    assert len(lines) == 2

    # A screenshot of the charts section: the same page without the sections before it.
    start, end = chain_nl.index('<section id="summary"'), chain_nl.index('<section id="charts"')
    charts = tmp_path / "charts.html"
    charts.write_bytes((chain_nl[:start] + chain_nl[end:]).encode("utf-8"))
    shot = tmp_path / "chain.png"
    result = _run_chromium(
        exe,
        tmp_path / "profile-shot",
        f"--screenshot={shot}",
        "--window-size=1280,2400",
        "--enable-logging=stderr",
        "--v=0",
        charts.as_uri(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert not _console_messages(result.stderr)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "report_html_chain_nl.png")


def test_search_section_tables_match_the_result(demo, demo_nl):
    """The search section shows the scan's worst-off subgroups with the JSON's numbers."""
    result = demo
    tree = Tree(demo_nl)
    section = tree.by_id("search")
    text = " ".join(section.text().split())
    data = result.to_dict()
    for record in data["subgroups"]["top"]:
        labels = ", ".join(
            f"{a} = {g}" for a, g in zip(record["attributes"], record["group"], strict=True)
        )
        assert labels in text
        if not record["suppressed"]:
            assert _pct(record["group_value"]) in text
    for a in data["proxies"]["associations"]:
        assert f"{a['attribute']} = {a['strongest_group']}" in text
    assert not re.search(r"\d\.\d{2}(?!\d)", text), "English decimal point in a Dutch report"
