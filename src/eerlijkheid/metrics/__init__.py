"""Count-based metrics per group and group-versus-reference disparities.

Examples
--------
>>> from eerlijkheid.metrics import METRICS
>>> sorted(METRICS)[:3]
['false_discovery_rate', 'false_negative_rate', 'false_omission_rate']
"""

from eerlijkheid.metrics._disparity import (
    REST_REFERENCE,
    PartialReference,
    ReferenceChoice,
    compare_counts,
    disparities,
    disparity_table,
    group_metric_table,
    group_metrics,
    groupings,
    to_frame,
)
from eerlijkheid.metrics._registry import METRICS, Harm, Metric, MetricKind, metric_names
from eerlijkheid.metrics._results import DIRECTIONS, Disparity, GroupMetric
from eerlijkheid.metrics._tables import HARMS, DisparityTable, GroupMetricTable

__all__ = [
    "DIRECTIONS",
    "HARMS",
    "METRICS",
    "REST_REFERENCE",
    "Disparity",
    "DisparityTable",
    "GroupMetric",
    "GroupMetricTable",
    "Harm",
    "Metric",
    "MetricKind",
    "PartialReference",
    "ReferenceChoice",
    "compare_counts",
    "disparities",
    "disparity_table",
    "group_metric_table",
    "group_metrics",
    "groupings",
    "metric_names",
    "to_frame",
]
