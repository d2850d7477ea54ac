"""Shared fixtures: one test body runs on every supported engine (narwhals pattern).

``constructor`` runs a test on the six in-process engines (pandas, polars eager and lazy,
pyarrow, DuckDB, Dask with two partitions).  ``constructor_all`` adds PySpark (local mode,
one session for the whole run): the backend-parity tests use it, so Spark is part of the
normal suite without multiplying the time of every engine-parametrised test.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

Constructor = Callable[[pd.DataFrame], Any]


def _pandas(df: pd.DataFrame) -> Any:
    return df.copy()


def _polars(df: pd.DataFrame) -> Any:
    import polars as pl

    return pl.from_pandas(df)


def _polars_lazy(df: pd.DataFrame) -> Any:
    return _polars(df).lazy()


def _pyarrow(df: pd.DataFrame) -> Any:
    import pyarrow as pa

    return pa.Table.from_pandas(df, preserve_index=False)


def _duckdb(df: pd.DataFrame) -> Any:
    import duckdb

    con = duckdb.connect()
    con.register("frame", _pyarrow(df))
    return con.sql("select * from frame")


def _dask(df: pd.DataFrame) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import dask.dataframe as dd

    # Two partitions, so that a bug that only shows across partitions is caught.
    return dd.from_pandas(df, npartitions=2)


def _pyspark(session: Any, df: pd.DataFrame) -> Any:
    # Through arrow (not pandas): NaN and None become null as for the other engines.
    return session.createDataFrame(_pyarrow(df))


CONSTRUCTORS: dict[str, Constructor] = {
    "pandas": _pandas,
    "polars": _polars,
    "polars-lazy": _polars_lazy,
    "pyarrow": _pyarrow,
    "duckdb": _duckdb,
    "dask": _dask,
}


@pytest.fixture(params=sorted(CONSTRUCTORS))
def constructor(request: pytest.FixtureRequest) -> Constructor:
    """Build a native frame of one engine from a pandas frame."""
    return CONSTRUCTORS[request.param]


#: Engines of ``constructor_all``: the in-process ones and PySpark.
ALL_ENGINES = (*sorted(CONSTRUCTORS), "pyspark")

_SPARK_WARNING = "PySpark does not yet fully support pandas"


def _check_java() -> None:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "PySpark needs Java (17 or newer) and `java` is not on PATH; "
            "install a JRE (e.g. `apt-get install openjdk-17-jre-headless`).",
            pytrace=False,
        )
    version = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    if version.returncode != 0:
        pytest.fail(f"`java -version` failed: {version.stderr.strip()}", pytrace=False)


def _start_spark() -> Any:
    """Start (or reuse) the local SparkSession: two cores, no UI, quiet logs."""
    _check_java()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    with warnings.catch_warnings():
        # pyspark warns that it is not yet tested with pandas 3; the tests give it arrow.
        warnings.filterwarnings("ignore", message=_SPARK_WARNING, category=FutureWarning)
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master("local[2]")
            .appName("eerlijkheid-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.sql.session.timeZone", "UTC")
            # Small test frames: compiling code and re-planning cost more than they save
            # (an audit takes about a fifth of the time without them).
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.driver.memory", "1g")
            # A short-lived test JVM: the quick JIT tier and the serial collector halve the
            # start-up and the first queries.
            .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    return session


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local SparkSession for the whole run (restarted if some code stopped it)."""
    yield _start_spark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


def _live_spark(request: pytest.FixtureRequest) -> Any:
    from pyspark.sql import SparkSession

    request.getfixturevalue("spark")
    # A test or a docs example may have called ``spark.stop()`` on the shared session.
    return SparkSession.getActiveSession() or _start_spark()


@pytest.fixture(params=ALL_ENGINES)
def constructor_all(request: pytest.FixtureRequest) -> Constructor:
    """Build a native frame of one engine from a pandas frame, PySpark included."""
    if request.param == "pyspark":
        return functools.partial(_pyspark, _live_spark(request))
    return CONSTRUCTORS[request.param]


@pytest.fixture(scope="session")
def shared_cases() -> Path:
    """``../shared/cases-raw``: skipped when absent, a clear failure under CI (shared_data)."""
    from shared_data import require_cases_raw

    return require_cases_raw()
