"""row_sample: all rows of a small frame, a seeded sample inside the engine of a large one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from eerlijkheid.exceptions import ConfigError, DataError, EmptyDataError
from eerlijkheid.ingest import SAMPLE_METHODS, row_sample
from eerlijkheid.ingest import _sample as sample_module

#: The method each engine states when it samples.
METHOD = {
    "pandas": "eager",
    "polars": "eager",
    "pyarrow": "eager",
    "polars-lazy": "polars",
    "duckdb": "duckdb",
    "dask": "dask",
    "pyspark": "pyspark",
}


def rows(n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    wijk = rng.choice(["noord", "zuid"], n).astype(object)
    wijk[::9] = None
    inkomen = rng.normal(2000, 300, n)
    inkomen[::11] = np.nan
    return pd.DataFrame({"id": np.arange(n), "wijk": wijk, "inkomen": inkomen})


def _want(df: pd.DataFrame) -> set[tuple[int, str | None, float | None]]:
    """The rows of ``df``, missing values as None (independent of row_sample)."""
    return {
        (int(i), None if pd.isna(w) else w, None if pd.isna(x) else float(x))
        for i, w, x in df.itertuples(index=False)
    }


def _as_rows(sample) -> set[tuple[int, str | None, float | None]]:
    ids = sample.columns["id"]
    assert np.array_equal(ids, np.round(ids))
    return {
        (int(i), w, None if np.isnan(x) else float(x))
        for i, w, x in zip(ids, sample.columns["wijk"], sample.columns["inkomen"])
    }


def test_small_frames_are_taken_whole_on_every_engine(constructor_all):
    df = rows(60)
    s = row_sample(constructor_all(df), ["id", "wijk", "inkomen"], max_rows=60)
    assert (s.rows, s.total_rows, s.sampled, s.seed) == (60, 60, False, None)
    assert s.method == SAMPLE_METHODS["all"] == "all rows"
    assert _as_rows(s) == _want(df)
    assert s.columns["inkomen"].dtype == np.float64
    assert s.columns["wijk"].dtype == object


def test_large_frames_give_a_seeded_sample_inside_the_engine(constructor_all, request):
    engine = request.node.callspec.params["constructor_all"]
    df = rows()
    frame = constructor_all(df)
    if engine == "ibis-postgres":
        # The documented exception: Ibis cannot seed a sample on PostgreSQL, and an
        # unseeded one would change the audit from run to run, so a table larger than
        # max_rows is refused with the way out (a REPEATABLE sample in the query).
        with pytest.raises(DataError, match="600"):
            row_sample(frame, ["id", "wijk", "inkomen"], max_rows=50, seed=11)
        assert row_sample(frame, ["id"], max_rows=600).rows == 600
        return
    s = row_sample(frame, ["id", "wijk", "inkomen"], max_rows=50, seed=11)
    assert (s.rows, s.total_rows, s.sampled, s.seed) == (50, 600, True, 11)
    assert s.method == SAMPLE_METHODS[METHOD[engine]]
    # Every sampled row is a row of the data, none twice, with its own values.
    taken = _as_rows(s)
    assert len(taken) == 50
    assert taken <= _want(df)
    # Same seed, same rows in the same order; another seed, other rows.
    again = row_sample(frame, ["id", "wijk", "inkomen"], max_rows=50, seed=11)
    assert np.array_equal(again.columns["id"], s.columns["id"])
    other = row_sample(frame, ["id"], max_rows=50, seed=12)
    assert set(other.columns["id"]) != set(s.columns["id"])


def test_an_engine_without_a_sampler_is_refused(monkeypatch):
    import polars as pl

    monkeypatch.setattr(sample_module, "_SAMPLERS", {})
    lazy = pl.from_pandas(rows()).lazy()
    with pytest.raises(DataError, match="600"):
        row_sample(lazy, ["id"], max_rows=50)
    # Without sampling (small enough), the frame is still taken whole.
    assert row_sample(lazy, ["id"], max_rows=600).rows == 600


def test_the_spark_fraction_makes_a_short_sample_practically_impossible():
    for total, k in [(10**6, 100), (10**8, 10**6), (1200, 1000), (50, 10)]:
        f = sample_module._fraction(total, k)
        # P(Binomial(total, f) < k) from scipy, not from the formula.
        assert f == 1.0 or stats.binom.cdf(k - 1, total, f) < 1e-6


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["polars-lazy", "duckdb", "pandas"])
def test_every_row_is_equally_likely(engine):
    import duckdb
    import polars as pl

    n, k, seeds = 200, 20, 300
    df = pd.DataFrame({"id": np.arange(n)})
    if engine == "polars-lazy":
        frame = pl.from_pandas(df).lazy()
    elif engine == "duckdb":
        frame = duckdb.connect().from_arrow(pl.from_pandas(df).to_arrow())
    else:
        frame = df
    hits = np.zeros(n)
    for seed in range(seeds):
        s = row_sample(frame, ["id"], max_rows=k, seed=seed)
        hits[s.columns["id"].astype(int)] += 1
    # Inclusion counts per block of 20 rows: uniform under simple random sampling.
    blocks = hits.reshape(10, -1).sum(axis=1)
    assert blocks.sum() == k * seeds
    assert stats.chisquare(blocks).pvalue > 1e-3
    # Each row is included Binomial(seeds, k / n) times: never is practically impossible.
    assert hits.min() > 0


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"columns": []}, ConfigError),
        ({"columns": ["id"], "max_rows": 0}, ConfigError),
        ({"columns": ["id"], "seed": -1}, ConfigError),
        ({"columns": ["id"], "seed": 1.5}, ConfigError),
        ({"columns": ["id"], "seed": True}, ConfigError),
    ],
)
def test_bad_options(kwargs, error):
    with pytest.raises(error):
        row_sample(rows(10), **kwargs)


def test_an_empty_lazy_frame_is_refused():
    import polars as pl

    with pytest.raises(EmptyDataError):
        row_sample(pl.from_pandas(rows(10)).lazy().head(0), ["id"])


def test_a_pandas_column_of_mixed_types_becomes_text():
    s = row_sample(pd.DataFrame({"a": [1, "x", None, 2.5]}, dtype=object), ["a"])
    assert s.columns["a"].tolist() == ["1", "2.5", "x", None]  # canonical order


def test_duckdb_sample_from_parquet_repeats_with_several_threads(tmp_path):
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "zaken.parquet"
    table = pa.table({"id": np.arange(200_000)})
    pq.write_table(table, path, row_group_size=10_000)  # 20 row groups, read in parallel
    con = duckdb.connect()
    con.execute("SET threads = 2")
    first = row_sample(con.read_parquet(str(path)), ["id"], max_rows=500, seed=5)
    again = row_sample(con.read_parquet(str(path)), ["id"], max_rows=500, seed=5)
    assert first.rows == 500
    assert np.array_equal(first.columns["id"], again.columns["id"])


def test_text_labels_are_normalised_as_in_the_count_table():
    # Issue 12: " NL", "NL " and "NL" are one label; blank is missing; "NA" is a label.
    frame = pd.DataFrame({"land": [" NL", "NL ", "NL", "  ", "", "NA", "Cafe\u0301", None]})
    s = row_sample(frame, ["land"])
    assert s.columns["land"].tolist() == ["Café", "NA", "NL", "NL", "NL", None, None, None]


@pytest.mark.parametrize("engine", ["pandas", "polars", "polars-lazy", "duckdb"])
@pytest.mark.parametrize("max_rows", [50, 10_000])
def test_the_rows_taken_do_not_depend_on_the_row_order(engine, max_rows):
    # Issue 14: same cases (duplicates included) in another order + same seed = same rows.
    import duckdb
    import polars as pl

    df = rows()
    df = pd.concat([df, df.iloc[:40]], ignore_index=True)  # identical rows too
    shuffled = df.sample(frac=1.0, random_state=7).reset_index(drop=True)

    def native(frame):
        if engine == "pandas":
            return frame
        if engine == "duckdb":
            return duckdb.connect().from_arrow(pl.from_pandas(frame).to_arrow())
        eager = pl.from_pandas(frame)
        return eager.lazy() if engine == "polars-lazy" else eager

    names = ["wijk", "inkomen", "id"]
    a = row_sample(native(df), names, max_rows=max_rows, seed=4)
    b = row_sample(native(shuffled), names, max_rows=max_rows, seed=4)
    assert a.rows == b.rows == min(max_rows, len(df))
    for name in names:
        assert a.columns[name].tolist() == pytest.approx(b.columns[name].tolist(), nan_ok=True)
