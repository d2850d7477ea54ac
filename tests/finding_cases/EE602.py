"""EE602: a and b each say nothing about g, but together (g = a xor b, 10% noise) they do."""

import numpy as np
import pandas as pd

from eerlijkheid.analyses.proxies import proxy_strength
from eerlijkheid.findings._rules_proxies import proxy_findings


def findings():
    rng = np.random.default_rng(5)
    n = 1000
    a, b = rng.integers(0, 2, size=n), rng.integers(0, 2, size=n)
    g = np.where((a ^ b) ^ (rng.random(n) < 0.1), "x", "y")
    frame = pd.DataFrame({"g": g, "a": a.astype(str), "b": b.astype(str)})
    evidence = proxy_strength(frame, protected="g", features=["a", "b"], n_resamples=0)
    return proxy_findings(proxies=evidence, language="nl")
