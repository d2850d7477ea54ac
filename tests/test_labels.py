"""Group labels mean what they are (issues 12 and 14).

* blank and whitespace-only labels are missing and counted in ``onbekend`` (EE402);
* labels that differ only in surrounding whitespace or Unicode normalisation are one group,
  and the info finding EE406 names the spellings and their counts;
* "NA" (Namibia), "None", "nan" are labels; only empty cells (and an explicit
  ``missing_values`` list) are missing — through ``read_table``, frames and the CLI.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eerlijkheid import audit, count_table
from eerlijkheid.config import Roles
from eerlijkheid.ingest import encode_cells, read_table

NFD = unicodedata.normalize("NFD", "Curaçao")
NFC = unicodedata.normalize("NFC", "Curaçao")


def frame() -> pd.DataFrame:
    labels = ["NL"] * 40 + [" NL"] * 12 + ["NL "] * 11 + [NFC] * 20 + [NFD] * 15
    labels += ["TR"] * 30 + [""] * 3 + ["   "] * 2 + [None] * 4 + ["NA"] * 14
    return pd.DataFrame({"land": labels, "d": [i % 3 == 0 for i in range(len(labels))]})


def test_whitespace_and_unicode_variants_are_one_group(constructor) -> None:
    table = count_table(constructor(frame()), decision="d", groups="land")
    assert table.levels("land") == (NFC, "NA", "NL", "TR", "onbekend")
    # an independent count: pandas after the documented normalisation
    expected = (
        frame()["land"]
        .map(
            lambda v: (
                unicodedata.normalize("NFC", v).strip() or None if isinstance(v, str) else None
            )
        )
        .fillna("onbekend")
        .value_counts()
    )
    got = dict(zip(table.levels("land"), table.marginal(["land"]).n.tolist(), strict=True))
    assert got == expected.to_dict()
    assert table.missing_labels["land"] == 9  # "", "   " and None: no value
    merges = {m.label: m.variants for m in table.merged_labels["land"]}
    assert merges == {NFC: ((NFD, 15), (NFC, 20)), "NL": ((" NL", 12), ("NL", 40), ("NL ", 11))}


def test_ee406_names_the_spellings_and_counts() -> None:
    result = audit(frame(), decision="d", groups="land", language="en")
    (f,) = [f for f in result.findings if f.code == "EE406"]
    assert f.severity == "info" and f.certainty == "not-applicable"
    assert f.subject.attributes == ("land",)
    assert "'NL' = ' NL' (12) + 'NL' (40) + 'NL ' (11)" in f.message
    assert "'Curac\\u0327ao' (15)" in f.message  # the NFD spelling, visibly different
    assert f.evidence["cases"] == 98 and f.evidence["variants"] == 5
    (missing,) = [f for f in result.findings if f.code == "EE402"]
    assert missing.evidence["missing"] == 9  # blanks, not "NA"


def test_ee406_is_suppressed_with_a_small_spelling() -> None:
    data = pd.DataFrame({"g": ["a"] * 40 + ["a "] * 3 + ["b"] * 40, "d": [0, 1] * 41 + [1]})
    record = audit(data, decision="d", groups="g").to_dict(suppress=True)
    (f,) = [f for f in record["findings"] if f["code"] == "EE406"]
    assert f["suppressed"] and "(3)" not in f["message"]


def test_no_ee406_without_variants() -> None:
    data = pd.DataFrame({"g": ["a", "b"] * 20, "d": [0, 1, 1, 0] * 10})
    assert not [f for f in audit(data, decision="d", groups="g").findings if f.code == "EE406"]


def test_pre_aggregated_counts_are_normalised_alike() -> None:
    cells = pd.DataFrame({"g": ["a", " a", "b", ""], "d": [1, 1, 0, 1], "n": [11, 21, 31, 41]})
    table = count_table(cells, decision="d", groups="g", count="n")
    assert table.levels("g") == ("a", "b", "onbekend")
    assert table.marginal(["g"]).n.tolist() == [32, 31, 41]
    assert table.merged_labels["g"][0].variants == ((" a", 21), ("a", 11))


def test_strings_that_look_missing_are_labels_in_a_frame() -> None:
    data = pd.DataFrame(
        {"land": ["NA", "None", "nan", "NULL", None, float("nan"), "NL"], "d": [1, 0] * 3 + [1]}
    )
    table = count_table(data, decision="d", groups="land")
    assert table.levels("land") == ("NA", "NL", "NULL", "None", "nan", "onbekend")
    assert table.missing_labels["land"] == 2  # the real nulls only


def test_explicit_missing_values_in_roles() -> None:
    data = pd.DataFrame({"g": ["a", "-", " - ", "b", "NULL"], "d": [1, 0, 1, 0, 1]})
    cells = encode_cells(data, Roles(decision="d", groups="g", missing_values=("-", "NULL")))
    assert cells.columns[0].levels == ("a", "b", "onbekend")
    assert cells.missing_labels["g"] == 3


def test_mixed_number_and_text_label_is_still_an_error() -> None:
    from eerlijkheid.exceptions import MixedTypesError

    data = pd.DataFrame({"g": pd.Series([1, "1", "a"], dtype=object), "d": [1, 0, 1]})
    with pytest.raises(MixedTypesError):
        count_table(data, decision="d", groups="g")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(["a", " a", "a ", "é", "e\u0301", "", " ", "NA", "b"]),
        min_size=4,
        max_size=40,
    )
)
def test_counts_are_kept_whatever_the_spelling(labels: list[str]) -> None:
    data = pd.DataFrame({"g": [*labels, "z"], "d": [i % 2 for i in range(len(labels) + 1)]})
    table = count_table(data, decision="d", groups="g")
    assert table.total == len(labels) + 1  # no case lost
    normalised = {unicodedata.normalize("NFC", v).strip() for v in labels} - {""}
    assert set(table.levels("g")) - {"onbekend"} == normalised | {"z"}
    assert table.missing_labels.get("g", 0) == sum(not v.strip() for v in labels)


def test_na_labels_through_read_table_and_the_cli(tmp_path: Path) -> None:
    rows = ["land;geselecteerd"]
    rows += [f"{land};{'ja' if i % 3 == 0 else 'nee'}" for i in range(60) for land in ("NA", "NL")]
    rows += [";ja", ";nee"]
    path = tmp_path / "landen.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    frame_ = read_table(path)
    assert (frame_["land"] == "NA").sum() == 60
    table = count_table(frame_, decision="geselecteerd", groups="land")
    assert table.levels("land") == ("NA", "NL", "onbekend")
    assert table.missing_labels["land"] == 2
    out = tmp_path / "rapport.json"
    argv = ["audit", str(path), "--decision", "geselecteerd", "--groups", "land", "-o", str(out)]
    assert run(argv) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    missing = [f for f in report["findings"] if f["code"] == "EE402"]
    # 2 cases: suppressed, so the published finding holds no number at all
    assert [f["evidence"] for f in missing] == [{"suppressed": True}]
    assert missing[0]["suppressed"]
    assert "NA" in json.dumps(report["comparisons"])
    # Declared missing: "NA" cases now have no value and join 'onbekend'.
    assert run([*argv, "--missing-values", "NA"]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    (missing,) = [f for f in report["findings"] if f["code"] == "EE402"]
    assert missing["evidence"]["missing"] == 62


def run(argv: list[str]) -> int:
    from eerlijkheid.cli import main

    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_missing_values_reach_the_row_level_analyses() -> None:
    import numpy as np

    rng = np.random.default_rng(2)
    n = 400
    data = pd.DataFrame(
        {
            "land": rng.choice(["NL", "TR", "NULL", " NL"], n),
            "wijk": rng.choice(["noord", "zuid", "-"], n),
            "d": rng.random(n) < 0.3,
        }
    )
    result = audit(data, decision="d", groups="land", inputs=["wijk"], missing_values=["NULL", "-"])
    missing = int((data["land"] == "NULL").sum())
    (ee402,) = [f for f in result.findings if f.code == "EE402"]
    assert ee402.evidence["missing"] == missing
    assert result.proxies is not None
    assert result.proxies.n_missing_protected["land"] == missing  # same cases as the table
    (wijk,) = [a for a in result.proxies.associations if a.feature == "wijk"]
    assert wijk.n_missing_feature == int(((data["wijk"] == "-") & (data["land"] != "NULL")).sum())
