"""Deterministic synthetic municipal data with known, documented, injected disparities.

Each generator is seeded (:func:`numpy.random.default_rng` only), vectorised, and comes
with a ``*_truth`` function that returns the injected parameters and the expected rates in
closed form, so an audit of the generated data can be checked against what was put in.

Three processes:

* :func:`welfare_reexamination` — a welfare re-examination (risk model, random sample,
  a team's manual step, outcome known only for re-examined cases);
* :func:`wmo_allocation` — a favourable decision (Wmo support) with discretion in one
  neighbourhood team at equal need;
* :func:`address_checks` — enforcement (address checks) by a rule-based profile with a
  postcode rule that acts as a proxy for migration background, a random sample, and a
  hidden intersectional subgroup.

Examples
--------
>>> from eerlijkheid.datasets import welfare_reexamination, welfare_reexamination_truth
>>> df = welfare_reexamination(1_000, seed=0)
>>> df.shape
(1000, 15)
>>> welfare_reexamination_truth().acceptance_ratio
1.8
>>> from eerlijkheid.datasets import address_checks, wmo_allocation
>>> wmo_allocation(100, seed=0).shape, address_checks(100, seed=0).shape
((100, 11), (100, 11))
"""

from eerlijkheid.datasets._allocation import (
    WmoAllocationTruth,
    wmo_allocation,
    wmo_allocation_truth,
)
from eerlijkheid.datasets._enforcement import (
    AddressChecksTruth,
    address_checks,
    address_checks_truth,
)
from eerlijkheid.datasets._welfare import (
    WelfareReexaminationTruth,
    welfare_reexamination,
    welfare_reexamination_truth,
)

__all__ = [
    "AddressChecksTruth",
    "WelfareReexaminationTruth",
    "WmoAllocationTruth",
    "address_checks",
    "address_checks_truth",
    "welfare_reexamination",
    "welfare_reexamination_truth",
    "wmo_allocation",
    "wmo_allocation_truth",
]
