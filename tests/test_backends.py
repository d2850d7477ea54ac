"""Backend parity: the same audit on every engine, PySpark included (issue 7).

One test body runs on pandas, polars (eager and lazy), pyarrow, DuckDB, Dask (two
partitions) and PySpark (local mode) through ``constructor_all``.  The group-by runs inside
each engine; the results must equal those on pandas:

* counts, labels, codes, findings and every string: exactly;
* floats: relative tolerance 1e-12 (absolute 1e-12 near zero).  Only weighted sums can
  differ at all (engines add in a different order); unweighted results are bit-identical.

The count tables are also checked against an independent pandas ``crosstab``/``groupby``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import eerlijkheid as ee
from eerlijkheid import (
    ColumnNotFoundError,
    EmptyDataError,
    InvalidValuesError,
    SingleLevelError,
    count_table,
)
from eerlijkheid.exceptions import DataError

REL = 1e-12
ABS = 1e-12


def cases(n: int = 1200, seed: int = 7) -> pd.DataFrame:
    """Cases with every role: missing labels, unobserved outcomes, a stage, a random arm."""
    rng = np.random.default_rng(seed)
    herkomst = rng.choice(["NL", "TR", "MA", "SR"], n, p=[0.55, 0.2, 0.15, 0.1]).astype(object)
    herkomst[rng.random(n) < 0.03] = None
    aselect = rng.random(n) < 0.3
    score = np.clip(rng.beta(2, 5, n) + 0.15 * (herkomst == "TR"), 0, 1)
    selected = aselect | (rng.random(n) < score)
    outcome = np.where(selected, (rng.random(n) < 0.2 + 0.3 * score).astype(float), np.nan)
    intake = np.where(rng.random(n) < 0.8, (rng.random(n) < 0.6).astype(float), np.nan)
    income = np.round(rng.lognormal(7.5, 0.6, n), 2)
    income[rng.random(n) < 0.5] = 0.0  # a point mass, as side earnings have
    return pd.DataFrame(
        {
            "herkomst": herkomst,
            "geslacht": rng.choice(["m", "v"], n),
            "wijk": rng.choice(["noord", "oost", "zuid"], n),
            "team": rng.choice(["A", "B", "C"], n),
            "intake": intake,
            "geselecteerd": np.where(selected, "ja", "nee"),
            "onrechtmatig": outcome,
            "risicoscore": score,
            "gewicht": np.round(rng.uniform(0.5, 2.0, n), 3),
            "aselect": aselect.astype(np.int64),
            "bijverdiensten": income,
            "taal": rng.choice(["goed", "matig", "slecht"], n),
        }
    )


SCORE_AND_RANDOM_ARM: dict[str, Any] = {
    "decision": "geselecteerd",
    "groups": ["herkomst", "geslacht"],
    "outcome": "onrechtmatig",
    "score": "risicoscore",
    "random_sample": "aselect",
    "inputs": ["bijverdiensten", "taal"],
    "reference": {"herkomst": "NL"},
}
WEIGHTS_STAGES_STRATA: dict[str, Any] = {
    "decision": "geselecteerd",
    "groups": ["herkomst"],
    "outcome": "onrechtmatig",
    "weight": "gewicht",
    "stages": ["intake"],
    "strata": ["wijk"],
    "handler": "team",
    "reference": {"herkomst": "NL"},
}


def assert_same(got: Any, want: Any, path: str = "") -> None:
    """Equal, with floats within the stated tolerance."""
    if isinstance(want, dict):
        assert isinstance(got, dict), path
        assert sorted(got) == sorted(want), path
        for key in want:
            assert_same(got[key], want[key], f"{path}/{key}")
    elif isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)), path
        assert len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{path}[{i}]")
    elif isinstance(want, float) and not isinstance(want, bool):
        assert isinstance(got, float), (path, got, want)
        if math.isnan(want):
            assert math.isnan(got), (path, got)
        else:
            assert math.isclose(got, want, rel_tol=REL, abs_tol=ABS), (path, got, want)
    else:
        assert got == want, (path, got, want)
        assert type(got) is type(want), (path, type(got), type(want))


def without_backend(result: ee.AuditResult) -> dict[str, Any]:
    out = result.to_dict()
    assert out["provenance"].pop("backend")
    return out


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return cases()


@pytest.fixture(scope="module")
def on_pandas(data: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {
        "score": without_backend(ee.audit(data, **SCORE_AND_RANDOM_ARM, language="en")),
        "weights": without_backend(ee.audit(data, **WEIGHTS_STAGES_STRATA, language="en")),
    }


def test_audit_with_score_bands_random_arm_and_features_equals_pandas(
    constructor_all, data, on_pandas
):
    result = ee.audit(constructor_all(data), **SCORE_AND_RANDOM_ARM, language="en")
    # The parts of the audit this configuration exercises are really there.
    assert result.scores is not None
    assert result.suitability is not None
    assert {f.feature for f in result.suitability.features} == {"bijverdiensten", "taal"}
    assert result.provenance.rows == len(data)
    assert_same(without_backend(result), on_pandas["score"])


def test_audit_with_weights_stages_strata_and_handler_equals_pandas(
    constructor_all, data, on_pandas
):
    result = ee.audit(constructor_all(data), **WEIGHTS_STAGES_STRATA, language="en")
    assert result.chain is not None
    assert result.discretion is not None
    assert result.stratified
    assert_same(without_backend(result), on_pandas["weights"])


def test_count_table_equals_an_independent_crosstab(constructor_all, data):
    table = count_table(
        constructor_all(data),
        decision="geselecteerd",
        groups="herkomst",
        outcome="onrechtmatig",
        weight="gewicht",
        score="risicoscore",
        score_edges=[0.0, 0.25, 0.5, 1.0],
    )
    labelled = data.assign(herkomst=data["herkomst"].fillna("onbekend"))
    # Decision codes: 0 = "nee", 1 = "ja".
    want = pd.crosstab(labelled["herkomst"], labelled["geselecteerd"])[["nee", "ja"]]
    assert table.levels("herkomst") == tuple(want.index)
    np.testing.assert_array_equal(table.dense(["herkomst", "geselecteerd"]), want.to_numpy())
    weights = (
        labelled.groupby(["herkomst", "geselecteerd"])["gewicht"].sum().unstack()[["nee", "ja"]]
    )
    np.testing.assert_allclose(
        table.dense(["herkomst", "geselecteerd"], value="weight"),
        weights.to_numpy(),
        rtol=REL,
    )
    # Score bands [0, .25), [.25, .5), [.5, 1] counted inside the engine.
    bands = np.bincount(np.searchsorted([0.25, 0.5], data["risicoscore"], side="right"))
    np.testing.assert_array_equal(table.dense(["risicoscore"]), bands)
    observed = data["onrechtmatig"].notna()
    assert table.dense(["onrechtmatig"])[:2].tolist() == [
        int((data["onrechtmatig"] == 0).sum()),
        int((data["onrechtmatig"] == 1).sum()),
    ]
    assert table.dense(["onrechtmatig"])[2] == int((~observed).sum())
    assert table.missing_labels["herkomst"] == int(data["herkomst"].isna().sum())


def test_pre_aggregated_counts_give_the_audit_of_the_rows(constructor_all, data):
    keys = ["herkomst", "geslacht", "geselecteerd", "onrechtmatig"]
    cells = data.groupby(keys, dropna=False).size().rename("aantal").reset_index()
    roles = {"decision": "geselecteerd", "groups": ["herkomst", "geslacht"]}
    roles |= {"outcome": "onrechtmatig", "reference": {"herkomst": "NL"}}
    from_cells = ee.audit(constructor_all(cells), count="aantal", **roles, language="en")
    from_rows = ee.audit(data, **roles, language="en")
    assert from_cells.provenance.rows == len(data)
    got, want = without_backend(from_cells), without_backend(from_rows)
    # Only the roles differ: the count column, and so the fingerprint of the settings.
    assert got["roles"].pop("count") == "aantal"
    assert want["roles"].pop("count") is None
    del got["provenance"]["config_fingerprint"], want["provenance"]["config_fingerprint"]
    assert_same(got, want)


def _unknown_column(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    return df, {"decision": "geselecteerd", "groups": ["herkomts"]}


def _non_binary_decision(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    d = df.assign(geselecteerd=np.where(df.index % 7 == 0, "misschien", df["geselecteerd"]))
    return d, {"decision": "geselecteerd", "groups": ["herkomst"]}


def _missing_decision(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    d = df.assign(geselecteerd=df["geselecteerd"].where(df.index % 5 != 0, None))
    return d, {"decision": "geselecteerd", "groups": ["herkomst"]}


def _single_level(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    return df.assign(geslacht="v"), {"decision": "geselecteerd", "groups": ["geslacht"]}


def _zero_rows(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    empty = df.iloc[:0].astype({"herkomst": str, "geselecteerd": str})
    return empty, {"decision": "geselecteerd", "groups": ["herkomst"]}


def _negative_weight(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    d = df.assign(gewicht=np.where(df.index == 3, -1.0, df["gewicht"]))
    return d, {"decision": "geselecteerd", "groups": ["herkomst"], "weight": "gewicht"}


def _text_weight(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    return df, {"decision": "geselecteerd", "groups": ["herkomst"], "weight": "taal"}


ERRORS = {
    "unknown-column": (_unknown_column, ColumnNotFoundError, "herkomts"),
    "non-binary-decision": (_non_binary_decision, InvalidValuesError, "misschien"),
    "missing-decision": (_missing_decision, InvalidValuesError, "geselecteerd"),
    "single-level-group": (_single_level, SingleLevelError, "geslacht"),
    "zero-rows": (_zero_rows, EmptyDataError, None),
    "negative-weight": (_negative_weight, InvalidValuesError, "gewicht"),
    "text-weight": (_text_weight, DataError, "taal"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_bad_input_raises_the_same_error_on_every_engine(constructor_all, data, case):
    make, error, named = ERRORS[case]
    frame, roles = make(data.head(200))
    with pytest.raises(error) as on_pandas:
        ee.audit(frame, **roles)
    with pytest.raises(error) as caught:  # and no warning: pytest turns them into errors
        ee.audit(constructor_all(frame), **roles)
    assert type(caught.value) is type(on_pandas.value)
    if named is not None:
        assert named in str(caught.value)


@pytest.mark.parametrize(
    "options",
    [
        {"bins": 3},
        {"binning": "quantile", "bins": 4},
        {"edges": {"bijverdiensten": (0.0, 1000.0, 2000.0, 5000.0)}},
    ],
    ids=["equal-width", "quantile", "explicit"],
)
def test_feature_tables_equal_pandas(constructor_all, data, options):
    from eerlijkheid.config import Roles
    from eerlijkheid.ingest import feature_outcome_tables

    roles = Roles(
        decision="geselecteerd",
        groups="herkomst",
        outcome="onrechtmatig",
        random_sample="aselect",
    )
    features = ["bijverdiensten", "taal", "herkomst"]
    got = feature_outcome_tables(constructor_all(data), roles, features, **options)
    want = feature_outcome_tables(data, roles, features, **options)
    for name in features:
        assert got[name][0] == want[name][0]
        np.testing.assert_array_equal(got[name][1], want[name][1])
    # Independent check of the unbanded feature: a crosstab of the random arm's outcomes.
    arm = data[(data["aselect"] == 1) & data["onrechtmatig"].notna()]
    taal = pd.crosstab(arm["taal"], arm["onrechtmatig"])
    np.testing.assert_array_equal(got["taal"][1], taal.to_numpy())


def test_label_spellings_merge_and_blanks_are_missing_on_every_engine(constructor_all):
    # Issues 12 and 14: whitespace/Unicode variants are one group (EE406), blank labels are
    # missing ('onbekend'), "NA" is a label; the same on every engine, pre-aggregated too.
    labels = ["NL", " NL", "NL ", "Cura\u00e7ao", "Curac\u0327ao", "", "  ", None, "NA", "TR"]
    counts = [40, 12, 11, 20, 15, 3, 2, 4, 14, 30]
    rows = pd.DataFrame(
        {
            "land": [label for label, c in zip(labels, counts) for _ in range(c)],
            "d": [i % 3 == 0 for i in range(sum(counts))],
        }
    )
    table = count_table(constructor_all(rows), decision="d", groups="land")
    assert table.levels("land") == ("Curaçao", "NA", "NL", "TR", "onbekend")
    assert table.marginal(["land"]).n.tolist() == [35, 14, 63, 30, 9]
    assert table.missing_labels["land"] == 9
    merged = {m.label: m.variants for m in table.merged_labels["land"]}
    assert merged == {
        "Curaçao": (("Curac\u0327ao", 15), ("Curaçao", 20)),
        "NL": ((" NL", 12), ("NL", 40), ("NL ", 11)),
    }
    cells = pd.DataFrame({"land": labels, "d": [True] * 10, "n": counts})
    pre = count_table(constructor_all(cells), decision="d", groups="land", count="n")
    assert pre.marginal(["land"]).n.tolist() == [35, 14, 63, 30, 9]
    assert pre.merged_labels == table.merged_labels
