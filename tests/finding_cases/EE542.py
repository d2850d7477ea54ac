"""EE542: an adjusted selection that swaps cases by group uses the group at decision time."""

import numpy as np

import eerlijkheid as ee
from eerlijkheid.analyses.necessity import adjusted_selection
from eerlijkheid.findings import necessity_findings


def findings():
    rng = np.random.default_rng(3)
    n = 1000
    group = np.where(rng.random(n) < 0.3, "B", "A")
    score = rng.normal(size=n) + 0.6 * (group == "B")
    y = (rng.random(n) < 1 / (1 + np.exp(-score))).astype(int)
    evidence = adjusted_selection(score, group, y, budget=200, protected="B", reference="A")
    return necessity_findings(adjusted=evidence, config=ee.AuditConfig(), language="nl")
