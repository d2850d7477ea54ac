"""Analyses: one module per question of the audit, each producing evidence.

Examples
--------
>>> from eerlijkheid.analyses import find_direct_grounds
>>> [m.ground for m in find_direct_grounds(["geboorteland"])]
['country_of_birth']
"""

from eerlijkheid.analyses.chain import ChainAttribution, ChainEvidence, ChainStep, analyse_chain
from eerlijkheid.analyses.direct_grounds import GroundMatch, find_direct_grounds
from eerlijkheid.analyses.discretion import DiscretionEvidence, analyse_discretion
from eerlijkheid.analyses.disparity import DisparityEvidence, analyse_disparity
from eerlijkheid.analyses.scores import ScoreEvidence, analyse_scores
from eerlijkheid.analyses.strata import StratifiedComparison, analyse_strata
from eerlijkheid.analyses.sufficiency import SufficiencyCheck, analyse_sufficiency
from eerlijkheid.analyses.suitability import SuitabilityEvidence, analyse_suitability

__all__ = [
    "ChainAttribution",
    "ChainEvidence",
    "ChainStep",
    "DiscretionEvidence",
    "DisparityEvidence",
    "GroundMatch",
    "ScoreEvidence",
    "StratifiedComparison",
    "SufficiencyCheck",
    "SuitabilityEvidence",
    "analyse_chain",
    "analyse_discretion",
    "analyse_disparity",
    "analyse_scores",
    "analyse_strata",
    "analyse_sufficiency",
    "analyse_suitability",
    "find_direct_grounds",
]
