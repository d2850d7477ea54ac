"""eerlijkheid: audit public service decisions for discrimination.

Compute disparities per group, per intersection and against a reference group, with
honest statistics, from any dataframe engine or from pre-aggregated counts.

Examples
--------
>>> import pandas as pd
>>> import eerlijkheid as ee
>>> frame = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 60,
...                       "d": ["ja"] * 20 + ["nee"] * 20 + ["ja"] * 15 + ["nee"] * 45})
>>> table = ee.count_table(frame, decision="d", groups=["g"])
>>> [round(d.ratio, 2) for d in ee.disparities(table)]
[2.0]
"""

from eerlijkheid import _pickling as _pickling  # results (mapping proxies) pickle
from eerlijkheid._version import __version__
from eerlijkheid.analyses import bias_clusters, composition_rates, proxy_strength, subgroup_scan
from eerlijkheid.audit import AuditResult, audit
from eerlijkheid.config import AuditConfig, Roles, SeverityThresholds
from eerlijkheid.counts import CountTable, count_table
from eerlijkheid.exceptions import (
    ColumnNotFoundError,
    ConfigError,
    CountsError,
    DatabaseError,
    DataError,
    EerlijkheidError,
    EerlijkheidWarning,
    EmptyDataError,
    InvalidValuesError,
    MixedTypesError,
    ReadError,
    RoleError,
    RoundedCountsWarning,
    SingleLevelError,
)
from eerlijkheid.findings import Finding
from eerlijkheid.ingest import read_database, read_table, sniff_csv
from eerlijkheid.metrics import (
    METRICS,
    Disparity,
    DisparityTable,
    GroupMetric,
    GroupMetricTable,
    disparities,
    disparity_table,
    group_metric_table,
    group_metrics,
)

__all__ = [
    "METRICS",
    "AuditConfig",
    "AuditResult",
    "ColumnNotFoundError",
    "ConfigError",
    "CountTable",
    "CountsError",
    "DataError",
    "DatabaseError",
    "Disparity",
    "DisparityTable",
    "EerlijkheidError",
    "EerlijkheidWarning",
    "EmptyDataError",
    "Finding",
    "GroupMetric",
    "GroupMetricTable",
    "InvalidValuesError",
    "MixedTypesError",
    "ReadError",
    "RoleError",
    "Roles",
    "RoundedCountsWarning",
    "SeverityThresholds",
    "SingleLevelError",
    "__version__",
    "audit",
    "bias_clusters",
    "composition_rates",
    "count_table",
    "disparities",
    "disparity_table",
    "group_metric_table",
    "group_metrics",
    "proxy_strength",
    "read_database",
    "read_table",
    "sniff_csv",
    "subgroup_scan",
]
