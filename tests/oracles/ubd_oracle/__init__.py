"""Test-only oracle: Algorithm Audit's bias-aware hierarchical k-means, vendored.

Copied from ``unsupervised-bias-detection`` 0.2.6 (``unsupervised_bias_detection/cluster/``:
``_bahc.py``, ``_kmeans.py``, ``_cluster_node.py``; EUPL-1.2, see LICENSE here) because
the package pins ``numpy<2`` and Python >= 3.11, which would force the whole test
environment onto numpy 1.x and pandas 2.x.  See README.md for the exact changes.
"""

from ._kmeans import BiasAwareHierarchicalKMeans

__all__ = ["BiasAwareHierarchicalKMeans"]
