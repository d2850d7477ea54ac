"""EE541: dropping the proxy z (0.6 in group B, 0.1 in A) from a logistic model lowers B's
selection ratio at a small loss of hit rate (rows; the model is refitted without z)."""

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from eerlijkheid.analyses.necessity import feature_ablation
from eerlijkheid.findings import necessity_findings


def findings():
    rng = np.random.default_rng(14)
    n = 4000
    group = np.where(rng.random(n) < 0.3, "B", "A")
    x = rng.normal(size=n)
    z = (rng.random(n) < np.where(group == "B", 0.6, 0.1)).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1.0 + 1.5 * x + 0.6 * z)))).astype(int)
    evidence = feature_ablation(
        LogisticRegression(),
        pd.DataFrame({"x": x, "z": z}),
        y,
        group,
        features=["z"],
        budget=0.2,
        reference="A",
    )
    return necessity_findings(ablation=evidence, language="nl")
