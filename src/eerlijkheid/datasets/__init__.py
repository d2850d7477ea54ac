"""Deterministic synthetic municipal data with known, documented, injected disparities.

Each generator is seeded (:func:`numpy.random.default_rng` only), vectorised, and comes
with a ``*_truth`` function that returns the injected parameters and the expected rates in
closed form, so an audit of the generated data can be checked against what was put in.

Examples
--------
>>> from eerlijkheid.datasets import welfare_reexamination, welfare_reexamination_truth
>>> df = welfare_reexamination(1_000, seed=0)
>>> df.shape
(1000, 15)
>>> welfare_reexamination_truth().acceptance_ratio
1.8
"""

from eerlijkheid.datasets._welfare import (
    WelfareReexaminationTruth,
    welfare_reexamination,
    welfare_reexamination_truth,
)

__all__ = ["WelfareReexaminationTruth", "welfare_reexamination", "welfare_reexamination_truth"]
