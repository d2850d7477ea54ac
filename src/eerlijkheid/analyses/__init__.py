"""Analyses: one module per question of the audit, each producing evidence.

Examples
--------
>>> from eerlijkheid.analyses import find_direct_grounds
>>> [m.ground for m in find_direct_grounds(["geboorteland"])]
['country_of_birth']
"""

from eerlijkheid.analyses.direct_grounds import GroundMatch, find_direct_grounds
from eerlijkheid.analyses.disparity import DisparityEvidence, analyse_disparity
from eerlijkheid.analyses.strata import StratifiedComparison, analyse_strata
from eerlijkheid.analyses.sufficiency import SufficiencyCheck, analyse_sufficiency

__all__ = [
    "DisparityEvidence",
    "GroundMatch",
    "StratifiedComparison",
    "SufficiencyCheck",
    "analyse_disparity",
    "analyse_strata",
    "analyse_sufficiency",
    "find_direct_grounds",
]
