"""Shared fixtures: one test body runs on every supported engine (narwhals pattern)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
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
