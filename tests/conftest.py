"""Shared fixtures: one test body runs on every supported engine (narwhals pattern).

``constructor`` runs a test on the six in-process engines (pandas, polars eager and lazy,
pyarrow, DuckDB, Dask with two partitions).  ``constructor_all`` adds PySpark (local mode,
one session for the whole run) and PostgreSQL through Ibis (``ibis-postgres``: a real
server, started once per run by the ``postgres`` fixture, see ``tests/pg_server.py``; each
frame becomes a new table): the backend-parity tests use it, so Spark and PostgreSQL are
checked without multiplying the time of every engine-parametrised test.

The same ``python -m pytest`` is a developer's fast run and CI's full run:

* ``--engines=pandas,polars,...`` chooses the engines (``all`` for every one).  The
  default is the six in-process engines; PySpark (a JVM start and some minutes) and
  ``ibis-postgres`` (a server start, seconds) join when ``--engines`` names them, or under
  CI.  ``tests/test_postgres.py`` uses the server in every run.  Tests that need Spark
  itself (the ``spark`` fixture) are skipped, with the reason, when PySpark is not chosen.
* Tests marked ``slow`` (statistical calibration over many seeds) are skipped unless
  ``--runslow`` is given.
* Under CI (the ``CI`` environment variable set and true, as every CI service does) the
  defaults are every engine and the slow tests: the README's command then runs everything.
"""

from __future__ import annotations

import functools
import itertools
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


#: Engines of ``constructor_all``: the in-process ones, PySpark, and PostgreSQL (Ibis).
ALL_ENGINES = (*sorted(CONSTRUCTORS), "pyspark", "ibis-postgres")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("eerlijkheid")
    group.addoption(
        "--engines",
        default=None,
        help=(
            "comma-separated engines for the engine-parametrised tests, from "
            f"{', '.join(ALL_ENGINES)} (or 'all'); default: the in-process ones, "
            "all of them under CI"
        ),
    )
    group.addoption(
        "--runslow",
        action="store_true",
        default=False,
        help="also run the tests marked slow (always run under CI)",
    )


def _in_ci() -> bool:
    from shared_data import in_ci

    return in_ci()


def selected_engines(config: pytest.Config) -> tuple[str, ...]:
    """The engines chosen with ``--engines`` (default: in-process; all under CI)."""
    option = config.getoption("--engines")
    if option is None:
        return ALL_ENGINES if _in_ci() else tuple(sorted(CONSTRUCTORS))
    names = [name.strip() for name in option.split(",") if name.strip()]
    if names == ["all"]:
        return ALL_ENGINES
    unknown = sorted(set(names) - set(ALL_ENGINES))
    if unknown or not names:
        raise pytest.UsageError(
            f"--engines: unknown engine(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(ALL_ENGINES)} or 'all'"
        )
    return tuple(name for name in ALL_ENGINES if name in names)


def pytest_configure(config: pytest.Config) -> None:
    selected_engines(config)  # a misspelt engine is a usage error before collection


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    engines = selected_engines(metafunc.config)
    for name, allowed in (("constructor", CONSTRUCTORS), ("constructor_all", ALL_ENGINES)):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, [e for e in engines if e in allowed], indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow") or _in_ci():
        return
    skip = pytest.mark.skip(
        reason="slow calibration test: run with `python -m pytest --runslow` (CI=true runs it)"
    )
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def engines(pytestconfig: pytest.Config) -> tuple[str, ...]:
    """The engines of this run (``--engines``)."""
    return selected_engines(pytestconfig)


@pytest.fixture
def require_pyspark(engines: tuple[str, ...]) -> None:
    """Skip the test, with how to run it, when PySpark is not among this run's engines."""
    if "pyspark" not in engines:
        pytest.skip(SKIP_SPARK)


@pytest.fixture
def constructor(request: pytest.FixtureRequest) -> Constructor:
    """Build a native frame of one engine from a pandas frame."""
    return CONSTRUCTORS[request.param]


_SPARK_WARNING = "PySpark does not yet fully support pandas"

#: Why a Spark test is skipped in a developer's default run.
SKIP_SPARK = (
    "PySpark is not among the engines of this run: add it with `--engines=all` "
    "(or `--engines=pyspark,...`); CI=true runs it"
)


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
def spark(engines: tuple[str, ...]) -> Iterator[Any]:
    """One local SparkSession for the whole run (restarted if some code stopped it)."""
    if "pyspark" not in engines:
        pytest.skip(SKIP_SPARK)
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


@pytest.fixture
def constructor_all(request: pytest.FixtureRequest) -> Constructor:
    """Build a native frame of one engine from a pandas frame, PySpark included."""
    if request.param == "pyspark":
        return functools.partial(_pyspark, _live_spark(request))
    if request.param == "ibis-postgres":
        return functools.partial(_ibis_postgres, request.getfixturevalue("postgres_ibis"))
    return CONSTRUCTORS[request.param]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A real PostgreSQL server for the run (unix socket, statement log); stopped at the end.

    Without the PostgreSQL binaries: skipped with the reason, but a failure under CI.
    """
    import pg_server

    binaries = pg_server.bindir()
    if binaries is None:
        reason = (
            "PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql): "
            "apt-get install postgresql"
        )
        if _in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    server = pg_server.start(binaries)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_ibis(postgres: Any) -> Iterator[Any]:
    """An Ibis connection to the test database that loads the test frames."""
    import ibis

    con = ibis.postgres.connect(host=postgres.socket, user="postgres", database="eerlijkheid")
    yield con
    con.disconnect()


_TABLES = itertools.count()


def _ibis_postgres(con: Any, df: pd.DataFrame) -> Any:
    # A new table per frame (loaded through arrow); the audit runs on the lazy Ibis table.
    return con.create_table(f"frame_{next(_TABLES)}", obj=_pyarrow(df))


@pytest.fixture(scope="session")
def shared_cases() -> Path:
    """``../shared/cases-raw``: skipped when absent, a clear failure under CI (shared_data)."""
    from shared_data import require_cases_raw

    return require_cases_raw()
