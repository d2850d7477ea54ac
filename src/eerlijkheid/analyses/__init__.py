"""Analyses: one module per question of the audit, each producing evidence.

Examples
--------
>>> from eerlijkheid.analyses import find_direct_grounds
>>> [m.ground for m in find_direct_grounds(["geboorteland"])]
['country_of_birth']
"""

from eerlijkheid.analyses.chain import ChainAttribution, ChainEvidence, ChainStep, analyse_chain
from eerlijkheid.analyses.clusters import (
    BiasCluster,
    BiasClusters,
    ClusterTest,
    FeatureContrast,
    bias_clusters,
)
from eerlijkheid.analyses.composition import (
    CompositionEvidence,
    composition_from_frame,
    composition_rates,
    rank_by_composition,
)
from eerlijkheid.analyses.direct_grounds import GroundMatch, find_direct_grounds
from eerlijkheid.analyses.discretion import DiscretionEvidence, analyse_discretion
from eerlijkheid.analyses.disparity import (
    DisparityEvidence,
    Interaction,
    analyse_disparity,
    interaction_adds,
)
from eerlijkheid.analyses.proxies import ProxyEvidence, proxy_strength
from eerlijkheid.analyses.scores import ScoreEvidence, analyse_scores
from eerlijkheid.analyses.strata import StratifiedComparison, analyse_strata
from eerlijkheid.analyses.subgroups import (
    DriverAnalysis,
    SubgroupComparison,
    SubgroupScan,
    UntestedSubgroup,
    subgroup_scan,
)
from eerlijkheid.analyses.sufficiency import SufficiencyCheck, analyse_sufficiency
from eerlijkheid.analyses.suitability import SuitabilityEvidence, analyse_suitability

__all__ = [
    "BiasCluster",
    "BiasClusters",
    "ChainAttribution",
    "ChainEvidence",
    "ChainStep",
    "ClusterTest",
    "CompositionEvidence",
    "DiscretionEvidence",
    "DisparityEvidence",
    "DriverAnalysis",
    "FeatureContrast",
    "GroundMatch",
    "Interaction",
    "ProxyEvidence",
    "ScoreEvidence",
    "StratifiedComparison",
    "SubgroupComparison",
    "SubgroupScan",
    "SufficiencyCheck",
    "SuitabilityEvidence",
    "UntestedSubgroup",
    "analyse_chain",
    "analyse_discretion",
    "analyse_disparity",
    "analyse_scores",
    "analyse_strata",
    "analyse_sufficiency",
    "analyse_suitability",
    "bias_clusters",
    "composition_from_frame",
    "composition_rates",
    "find_direct_grounds",
    "interaction_adds",
    "proxy_strength",
    "rank_by_composition",
    "subgroup_scan",
]
