"""EE601: the postcode area predicts herkomst on its own (85% of niet-westers live in three
of ten areas); 'ruis' does not."""

import numpy as np
import pandas as pd

from eerlijkheid.analyses.proxies import proxy_strength
from eerlijkheid.findings._rules_proxies import proxy_findings


def findings():
    rng = np.random.default_rng(11)
    n = 1000
    herkomst = rng.choice(["nederlands", "niet-westers"], size=n, p=[0.7, 0.3])
    nw = herkomst == "niet-westers"
    sorted_area = np.where(nw, rng.integers(0, 3, size=n), rng.integers(3, 10, size=n))
    area = np.where(rng.random(n) < 0.85, sorted_area, rng.integers(0, 10, size=n))
    frame = pd.DataFrame(
        {
            "herkomst": herkomst,
            "postcode": [f"pc{a}" for a in area],
            "ruis": rng.choice(list("abcde"), size=n),
        }
    )
    evidence = proxy_strength(
        frame, protected="herkomst", features=["postcode", "ruis"], n_resamples=0
    )
    return proxy_findings(proxies=evidence, language="nl")
