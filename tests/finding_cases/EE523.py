"""EE523: on a random sample of 400 cases the input 'wijk' has no association with the
outcome (rows, since the feature-outcome check reads the input columns)."""

import numpy as np
import pandas as pd

from finding_cases._build import audit


def findings():
    rng = np.random.default_rng(1)
    n = 1200
    aselect = (np.arange(n) < 400).astype(int)
    selected = np.where(aselect == 1, 1, (rng.random(n) < 0.2).astype(int))
    frame = pd.DataFrame(
        {
            "groep": rng.choice(["a", "b"], n),
            "wijk": rng.choice(["noord", "zuid", "oost", "west"], n),
            "aselect": aselect,
            "geselecteerd": selected,
            # the outcome, independent of 'wijk', known for investigated cases only
            "onrechtmatig": np.where(selected == 1, (rng.random(n) < 0.2).astype(float), np.nan),
        }
    )
    return audit(
        frame,
        decision="geselecteerd",
        groups=["groep"],
        random_sample="aselect",
        outcome="onrechtmatig",
        inputs=["wijk"],
    )
