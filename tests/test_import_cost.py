"""Users of one engine do not pay for the others (issue 7; the narwhals pattern).

Each check runs in a fresh interpreter and reads ``sys.modules`` afterwards.

Where it holds: ``import eerlijkheid`` imports no dataframe library but narwhals and
pyarrow; an audit of a polars frame (eager or lazy) imports no pandas, DuckDB, Dask or
Spark, also with strata and a score (the Mantel-Haenszel analysis is closed-form numpy)
and with ``inputs`` when the row-level analyses are off; an audit of a DuckDB relation
imports no pandas and no polars; the per-feature tables and a row sample inside those
engines neither.

Where it does not hold, and why:

* Dask: ``dask.dataframe`` is built on pandas.
* PySpark: ``pyspark`` imports pandas itself when a session starts.
* pyarrow: pyarrow imports pandas whenever it converts Python objects or reads parquet
  (``pa.table`` from lists, ``pyarrow.parquet``), before eerlijkheid sees the table.
* ``inputs=`` on rows: the proxy-strength analysis and the clustering use scikit-learn,
  and scikit-learn imports pandas (``AuditConfig(row_analyses=False)`` turns them off).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

ENGINES = ("pandas", "polars", "duckdb", "dask", "pyspark", "statsmodels")

_REPORT = f"""
import json, sys
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({ENGINES!r}))))
"""

_DATA = """
import numpy as np
rng = np.random.default_rng(0)
n = 4000
data = {
    "g": rng.choice(["a", "b", "c"], n).tolist(),
    "h": rng.choice(["p", "q"], n).tolist(),
    "d": rng.integers(0, 2, n).tolist(),
    "y": rng.integers(0, 2, n).tolist(),
    "r": rng.integers(0, 2, n).tolist(),
    "w": (rng.random(n) + 0.5).tolist(),
    "x": rng.random(n).tolist(),
}
roles = dict(decision="d", groups=["g"], outcome="y", random_sample="r", handler="h",
             reference={"g": "a"})
from eerlijkheid.config import Roles
from eerlijkheid.ingest import feature_outcome_tables, row_sample
feature_roles = Roles(decision="d", groups="g", outcome="y", random_sample="r")
"""


def loaded_after(code: str, *, data: bool = False) -> list[str]:
    """Run ``code`` (after the data, if asked) in a fresh interpreter; return the engines."""
    program = (_DATA if data else "") + textwrap.dedent(code) + _REPORT
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_import_eerlijkheid_imports_no_dataframe_library():
    assert loaded_after("import eerlijkheid") == []


@pytest.mark.parametrize("kind", ["eager", "lazy"])
def test_auditing_a_polars_frame_imports_no_pandas(kind):
    code = f"""
    import polars as pl
    import eerlijkheid as ee
    frame = pl.DataFrame(data)
    frame = frame.lazy() if {kind!r} == "lazy" else frame
    result = ee.audit(frame, **roles)
    assert result.provenance.backend == "polars"
    ee.audit(frame, decision="d", groups=["g", "h"], weight="w")
    stratified = ee.audit(frame, decision="d", groups=["g"], strata=["h"], outcome="y",
                          score="x")
    assert stratified.stratified and stratified.scores is not None
    no_rows = ee.audit(frame, **roles, inputs=["x"], config=ee.AuditConfig(row_analyses=False))
    assert no_rows.proxies is None and no_rows.suitability is not None
    tables = feature_outcome_tables(frame, feature_roles, ["x", "h"], binning="quantile")
    assert set(tables) == {{"x", "h"}}
    s = row_sample(frame, ["g", "x"], max_rows=100, seed=1)
    assert s.sampled and s.rows == 100
    """
    assert loaded_after(code, data=True) == ["polars"]


def test_auditing_a_duckdb_relation_imports_no_pandas_and_no_polars():
    code = """
    import duckdb
    import eerlijkheid as ee
    con = duckdb.connect()
    columns = ", ".join(f"unnest(${i + 1}) AS {k}" for i, k in enumerate(data))
    rel = con.sql(f"SELECT {columns}", params=list(data.values()))
    result = ee.audit(rel, **roles)
    assert result.provenance.backend == "duckdb"
    ee.audit(rel, decision="d", groups=["g", "h"], weight="w")
    tables = feature_outcome_tables(rel, feature_roles, ["x", "h"], binning="quantile")
    assert set(tables) == {"x", "h"}
    s = row_sample(rel, ["g", "x"], max_rows=100, seed=1)
    assert s.sampled and s.rows == 100
    """
    assert loaded_after(code, data=True) == ["duckdb"]


def test_read_table_imports_pandas_only_when_called(tmp_path):
    path = tmp_path / "zaken.csv"
    path.write_text("g;d\na;ja\nb;nee\n", encoding="utf-8")
    code = f"""
    import sys
    import eerlijkheid as ee
    assert "pandas" not in sys.modules
    ee.read_table({str(path)!r})
    """
    assert loaded_after(code) == ["pandas"]
