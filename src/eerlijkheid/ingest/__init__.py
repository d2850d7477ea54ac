"""Frames and files in: the only layer that touches narwhals and the user's engine.

Examples
--------
>>> from eerlijkheid.ingest import encode_cells
>>> from eerlijkheid.config import Roles
>>> import pandas as pd
>>> cells = encode_cells(pd.DataFrame({"g": ["a", "b"], "d": ["ja", "nee"]}), Roles("d", ("g",)))
>>> [c.name for c in cells.columns], cells.n.tolist()
(['g', 'd'], [1, 1])
"""

from eerlijkheid.ingest._database import (
    database_errors,
    is_database_url,
    read_database,
    safe_url,
)
from eerlijkheid.ingest._features import feature_outcome_tables
from eerlijkheid.ingest._frames import (
    MAX_LEVELS,
    UNKNOWN_CODE,
    EncodedCells,
    EncodedColumn,
    LabelMerge,
    column_names,
    did_you_mean,
    encode_cells,
    score_band_labels,
)
from eerlijkheid.ingest._read import CsvDialect, read_table, sniff_csv
from eerlijkheid.ingest._sample import (
    DEFAULT_MAX_ROWS,
    MAX_CODE_LEVELS,
    SAMPLE_METHODS,
    RowSample,
    as_labels,
    canonical_order,
    categorical_columns,
    is_categorical,
    row_sample,
)

__all__ = [
    "DEFAULT_MAX_ROWS",
    "MAX_CODE_LEVELS",
    "MAX_LEVELS",
    "SAMPLE_METHODS",
    "UNKNOWN_CODE",
    "CsvDialect",
    "EncodedCells",
    "EncodedColumn",
    "LabelMerge",
    "RowSample",
    "as_labels",
    "canonical_order",
    "categorical_columns",
    "column_names",
    "database_errors",
    "did_you_mean",
    "encode_cells",
    "feature_outcome_tables",
    "is_categorical",
    "is_database_url",
    "read_database",
    "read_table",
    "row_sample",
    "safe_url",
    "score_band_labels",
    "sniff_csv",
]
