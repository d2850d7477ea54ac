"""EE612: young single residents of Centrum (a region of the feature space, no protected
attribute) are selected twice as often; clustering finds them and the held-out half
confirms it."""

import numpy as np
import pandas as pd

from eerlijkheid.analyses.clusters import bias_clusters
from eerlijkheid.findings._rules_groups import group_findings


def findings():
    rng = np.random.default_rng(0)
    n = 4000
    wijk = np.where(rng.random(n) < 0.4, "Centrum", rng.choice(["Noord", "Oost", "West"], n))
    young = rng.random(n) < 0.4
    leeftijd = np.where(young, rng.normal(22, 2, n).clip(18, 26.9), rng.uniform(27, 80, n))
    alleen = rng.random(n) < 0.5
    hidden = (wijk == "Centrum") & (leeftijd < 27) & alleen
    selected = rng.random(n) < np.where(hidden, 0.3, 0.1)
    frame = pd.DataFrame(
        {
            "wijk": wijk,
            "leeftijd": leeftijd,
            "alleenstaand": np.where(alleen, "ja", "nee"),
            "geselecteerd": selected.astype(int),
        }
    )
    clusters = bias_clusters(
        frame,
        features=["wijk", "leeftijd", "alleenstaand"],
        target="geselecteerd",
        min_cluster_size=100,
    )
    return group_findings(clusters=clusters, language="nl")
