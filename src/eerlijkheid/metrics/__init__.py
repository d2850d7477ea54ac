"""Count-based metrics per group and group-versus-reference disparities.

Examples
--------
>>> from eerlijkheid.metrics import METRICS
>>> sorted(METRICS)[:3]
['false_discovery_rate', 'false_negative_rate', 'false_omission_rate']
"""

from eerlijkheid.metrics._disparity import (
    Disparity,
    GroupMetric,
    ReferenceChoice,
    compare_counts,
    disparities,
    group_metrics,
    groupings,
    to_frame,
)
from eerlijkheid.metrics._registry import METRICS, Harm, Metric, MetricKind, metric_names

__all__ = [
    "METRICS",
    "Disparity",
    "GroupMetric",
    "Harm",
    "Metric",
    "MetricKind",
    "ReferenceChoice",
    "compare_counts",
    "disparities",
    "group_metrics",
    "groupings",
    "metric_names",
    "to_frame",
]
