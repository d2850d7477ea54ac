"""The count table: same numbers whatever the engine, row order, labels or chunking.

The independent oracle is a plain pandas ``groupby(...).size()`` on the rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eerlijkheid import ConfigError, count_table
from eerlijkheid.config import Role
from eerlijkheid.counts import CountTable, Dimension

ROLES = {
    "decision": "geselecteerd",
    "groups": ["herkomst", "geslacht", "wijk"],
    "outcome": "onrechtmatig",
    "random_sample": "aselect",
    "strata": ["risico"],
}


def make_rows(n: int = 500, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    outcome = rng.choice([0.0, 1.0, np.nan], size=n, p=[0.5, 0.2, 0.3])
    return pd.DataFrame(
        {
            "herkomst": rng.choice(
                ["NL", "TR", "MA", "SR", None], size=n, p=[0.6, 0.15, 0.15, 0.08, 0.02]
            ),
            "geslacht": rng.choice(["man", "vrouw"], size=n),
            "wijk": rng.choice([f"W{i:02d}" for i in range(12)], size=n),
            "risico": rng.choice(["hoog", "laag"], size=n),
            "geselecteerd": rng.choice(["ja", "nee"], size=n),
            "onrechtmatig": outcome,
            "aselect": rng.random(n) < 0.1,
        }
    )


def oracle(rows: pd.DataFrame, by: list[str]) -> dict[tuple[str, ...], int]:
    """Counts per combination, computed directly with pandas on the rows."""
    filled = rows.copy()
    filled["herkomst"] = filled["herkomst"].fillna("onbekend")
    filled["geselecteerd"] = (filled["geselecteerd"] == "ja").astype(int).astype(str)
    filled["onrechtmatig"] = filled["onrechtmatig"].map({0.0: "0", 1.0: "1"}).fillna("onbekend")
    filled["aselect"] = filled["aselect"].astype(int).astype(str)
    sizes = filled.groupby(by, dropna=False).size()
    return {(k if isinstance(k, tuple) else (k,)): int(v) for k, v in sizes.items()}


def table_counts(table: CountTable, by: list[str]) -> dict[tuple[str, ...], int]:
    marginal = table.marginal(by)
    return {
        tuple(marginal.levels(name)[c] for name, c in zip(by, row)): int(n)
        for row, n in zip(marginal.codes, marginal.n)
        if n > 0
    }


@pytest.mark.parametrize(
    "by",
    [
        ["herkomst"],
        ["herkomst", "geselecteerd"],
        ["geslacht", "wijk", "geselecteerd", "onrechtmatig"],
        ["herkomst", "geslacht", "wijk", "risico", "geselecteerd", "onrechtmatig", "aselect"],
    ],
)
def test_marginals_equal_direct_counts(constructor, by):
    rows = make_rows()
    table = count_table(constructor(rows), **ROLES)
    assert table_counts(table, by) == oracle(rows, by)


def test_every_backend_gives_the_identical_table(constructor):
    rows = make_rows()
    reference = count_table(rows, **ROLES)
    table = count_table(constructor(rows), **ROLES)
    assert table.dimensions == reference.dimensions
    np.testing.assert_array_equal(table.codes, reference.codes)
    np.testing.assert_array_equal(table.n, reference.n)


def test_dense_is_the_marginal_in_level_order():
    rows = make_rows()
    table = count_table(rows, **ROLES)
    cube = table.dense(["herkomst", "geselecteerd"])
    assert cube.shape == (5, 2)
    expected = oracle(rows, ["herkomst", "geselecteerd"])
    for i, label in enumerate(table.levels("herkomst")):
        for d in (0, 1):
            assert cube[i, d] == expected.get((label, str(d)), 0)
    assert cube.sum() == len(rows)


def test_unknown_dimension_names_the_dimensions():
    table = count_table(make_rows(), **ROLES)
    with pytest.raises(ConfigError, match=r"'leeftijd'.*'herkomst'"):
        table.marginal(["leeftijd"])


def test_table_is_frozen():
    table = count_table(make_rows(), **ROLES)
    with pytest.raises(ValueError, match="read-only"):
        table.n[0] = 5
    with pytest.raises(AttributeError):
        table.rounded = True  # type: ignore[misc]


def test_subset_keeps_only_matching_cells():
    rows = make_rows()
    table = count_table(rows, **ROLES)
    profile = table.subset({"aselect": False, "herkomst": ["NL", "TR"]})
    assert profile.total == int((~rows["aselect"] & rows["herkomst"].isin(["NL", "TR"])).sum())
    with pytest.raises(ConfigError, match="'XX'"):
        table.subset({"herkomst": "XX"})


def test_pre_aggregated_builds_the_same_table(constructor):
    rows = make_rows()
    cells = (
        rows.assign(herkomst=rows["herkomst"].fillna("onbekend"))
        .groupby(
            ["herkomst", "geslacht", "wijk", "risico", "geselecteerd", "aselect"], dropna=False
        )
        .agg(aantal=("geslacht", "size"))
        .reset_index()
    )
    roles = {k: v for k, v in ROLES.items() if k != "outcome"}
    from_rows = count_table(rows, **roles)
    from_cells = count_table(constructor(cells), count="aantal", **roles)
    assert table_counts(from_rows, list(from_rows.names)) == table_counts(
        from_cells, list(from_cells.names)
    )


labels = st.sampled_from(["a", "b", "c", "d"])
row_strategy = st.lists(
    st.tuples(
        labels, st.sampled_from(["x", "y"]), st.booleans(), st.sampled_from([0.0, 1.0, None])
    ),
    min_size=2,
    max_size=60,
)


def rows_frame(rows: list[tuple[str, str, bool, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["g", "h", "d", "y"]).astype({"y": "float64"})


def dense_or_none(df: pd.DataFrame) -> np.ndarray | None:
    if df["g"].nunique() < 2 or df["h"].nunique() < 2:
        return None
    table = count_table(df, decision="d", groups=["g", "h"], outcome="y")
    return table.dense(["g", "h", "d", "y"])


@settings(max_examples=60, deadline=None)
@given(row_strategy, st.randoms(use_true_random=False))
def test_row_order_does_not_matter(rows, random):
    shuffled = rows[:]
    random.shuffle(shuffled)
    a, b = dense_or_none(rows_frame(rows)), dense_or_none(rows_frame(shuffled))
    assert (a is None and b is None) or np.array_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(row_strategy)
def test_relabelling_groups_permutes_the_table(rows):
    df = rows_frame(rows)
    relabel = {"a": "z", "b": "y", "c": "x", "d": "w"}  # reverses the sort order
    a, b = dense_or_none(df), dense_or_none(df.assign(g=df["g"].map(relabel)))
    if a is None:
        return
    original = count_table(df, decision="d", groups=["g", "h"], outcome="y").levels("g")
    renamed = count_table(
        df.assign(g=df["g"].map(relabel)), decision="d", groups=["g", "h"], outcome="y"
    ).levels("g")
    for i, label in enumerate(original):
        j = renamed.index(relabel[label])
        np.testing.assert_array_equal(a[i], b[j])


@settings(max_examples=60, deadline=None)
@given(row_strategy, st.integers(min_value=1, max_value=59))
def test_chunks_add_up(rows, cut):
    df = rows_frame(rows)
    whole = dense_or_none(df)
    first, second = df.iloc[:cut], df.iloc[cut:]
    if whole is None or len(second) == 0:
        return
    # Counts of the chunks, placed on the whole table's levels, add up to the whole.
    table = count_table(df, decision="d", groups=["g", "h"], outcome="y")
    total = np.zeros_like(whole)
    for chunk in (first, second):
        counts = oracle_counts(chunk)
        for (g, h, d, y), n in counts.items():
            total[table.levels("g").index(g), table.levels("h").index(h), d, y] += n
    np.testing.assert_array_equal(total, whole)


def oracle_counts(chunk: pd.DataFrame) -> dict[tuple[str, str, int, int], int]:
    if chunk["g"].nunique() >= 2 and chunk["h"].nunique() >= 2:
        t = count_table(chunk, decision="d", groups=["g", "h"], outcome="y")
        return {
            (t.levels("g")[r[0]], t.levels("h")[r[1]], int(r[2]), int(r[3])): int(n)
            for r, n in zip(t.codes, t.n)
        }
    # A chunk with a single level cannot be its own table; count it directly.
    y = chunk["y"].map({0.0: 0, 1.0: 1}).fillna(2).astype(int)
    sizes = chunk.assign(d=chunk["d"].astype(int), y=y).groupby(["g", "h", "d", "y"]).size()
    return {k: int(v) for k, v in sizes.items()}


@settings(max_examples=40, deadline=None)
@given(row_strategy)
def test_pre_aggregated_equals_rows_property(rows):
    df = rows_frame(rows)
    if dense_or_none(df) is None:
        return
    cells = (
        df.assign(y=df["y"].fillna(-1))
        .groupby(["g", "h", "d", "y"])
        .size()
        .rename("n")
        .reset_index()
        .assign(y=lambda c: c["y"].replace(-1, np.nan))
    )
    from_cells = count_table(
        cells, decision="d", groups=["g", "h"], outcome="y", count="n", rounded=True
    )
    np.testing.assert_array_equal(from_cells.dense(["g", "h", "d", "y"]), dense_or_none(df))


def test_score_bands_are_counted_inside_the_engine(constructor):
    rng = np.random.default_rng(7)
    rows = pd.DataFrame(
        {
            "g": rng.choice(["a", "b"], size=400),
            "score": np.where(rng.random(400) < 0.05, np.nan, rng.random(400)),
            "team": rng.choice(["A", "B", "C"], size=400),
            "d": rng.integers(0, 2, size=400),
        }
    )
    edges = [0.0, 0.25, 0.5, 1.0]
    table = count_table(
        constructor(rows),
        decision="d",
        groups="g",
        score="score",
        score_edges=edges,
        handler="team",
    )
    assert table.levels("score") == ("[0, 0.25)", "[0.25, 0.5)", "[0.5, 1]", "onbekend")
    expected = pd.cut(rows["score"], edges, right=False, include_lowest=True).value_counts(
        sort=False
    )
    # pandas' right-open cut leaves a score of exactly 1.0 out; the last band is closed
    expected.iloc[-1] += int((rows["score"] == 1.0).sum())
    observed = table.dense(["score"])
    assert observed[:3].tolist() == expected.tolist()
    assert observed[3] == rows["score"].isna().sum() == table.missing_labels["score"]
    assert table.levels("team") == ("A", "B", "C")


def test_default_score_bands_span_the_observed_range():
    rows = pd.DataFrame({"g": ["a", "b"] * 50, "s": np.linspace(2.0, 12.0, 100), "d": [0, 1] * 50})
    table = count_table(rows, decision="d", groups="g", score="s")
    assert len(table.levels("s")) == 10
    assert table.levels("s")[0].startswith("[2, 3)") and table.levels("s")[-1] == "[11, 12]"
    assert table.dense(["s"]).tolist() == [10] * 10


def test_repeated_cells_merge_exactly_past_2_53() -> None:
    """Cells are merged in int64: 2**53 + 1 is not a float64, so float sums would lose 1."""
    dims = (Dimension("g", Role.GROUP, ("a", "b")),)
    table = CountTable(dimensions=dims, codes=[[0], [0], [1]], n=[2**53 + 1, 2**53 + 1, 3])
    assert table.n.tolist() == [2**54 + 2, 3]
    assert table.dense(["g"]).tolist() == [2**54 + 2, 3]
    assert table.total == 2**54 + 5
