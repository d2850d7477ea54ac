"""Het risicomodel van een (fictieve) gemeente, getraind met scikit-learn op synthetische data.

Twee versies:

* ``v1`` is getraind op de aselecte steekproef van vorig jaar: zaken die zonder profiel
  zijn gecontroleerd, dus met zuivere labels.  Invoer: de bijverdiensten.
* ``v2`` voegt taalvaardigheid toe en is getraind op alle historische controles.  Die
  controles waren vaker gericht op mensen met onvoldoende taalvaardigheid, dus vonden
  daar vaker iets: het model leert die scheefheid (een terugkoppellus, Algoritmekader
  4-owk-08).  Taalvaardigheid hangt samen met migratieachtergrond.

De selectie: de 8% zaken met de hoogste score, plus een aselecte steekproef van 5%.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

GROUPS = ("geen", "westers", "niet-westers")
GROUP_P = (0.70, 0.10, 0.20)
INSUFFICIENT_LANGUAGE = {"geen": 0.10, "westers": 0.25, "niet-westers": 0.45}
FEATURES = {
    "v1": ["bijverdiensten", "heeft_bijverdiensten"],
    "v2": ["bijverdiensten", "heeft_bijverdiensten", "taalvaardigheid_onvoldoende"],
}
SELECTED_SHARE = 0.08
RANDOM_SHARE = 0.05


def population(n: int, seed: int) -> pd.DataFrame:
    """Bijstandsgerechtigden met de echte (onbekende) onrechtmatigheid."""
    rng = np.random.default_rng(seed)
    group = rng.choice(GROUPS, size=n, p=GROUP_P)
    language = rng.random(n) < np.vectorize(INSUFFICIENT_LANGUAGE.get)(group)
    has_earnings = rng.random(n) < 0.30
    earnings = np.where(has_earnings, np.round(rng.lognormal(np.log(250), 0.8, n), 2), 0.0)
    latent = rng.random(n) < 0.20
    irregular = rng.random(n) < 0.05 + 0.15 * has_earnings + 0.25 * latent
    return pd.DataFrame(
        {
            "client_id": [f"C{i:06d}" for i in range(1, n + 1)],
            "migratieachtergrond": group,
            "bijverdiensten": earnings,
            "heeft_bijverdiensten": has_earnings.astype(int),
            "taalvaardigheid_onvoldoende": language.astype(int),
            "onrechtmatig": irregular,
        }
    )


def training_labels(data: pd.DataFrame, version: str, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """De trainingsset van een versie: v1 de aselecte steekproef, v2 alle oude controles."""
    rng = np.random.default_rng(seed)
    if version == "v1":
        sample = rng.random(len(data)) < 0.10
        return data.loc[sample, FEATURES["v1"]], data.loc[sample, "onrechtmatig"].to_numpy()
    # Vroeger gecontroleerd: vaker bij onvoldoende taalvaardigheid.  Niet gecontroleerd
    # telt als "niets gevonden" — precies de fout die een terugkoppellus maakt.
    checked = rng.random(len(data)) < np.where(data["taalvaardigheid_onvoldoende"] == 1, 0.6, 0.15)
    label = (checked & data["onrechtmatig"]).to_numpy()
    return data[FEATURES["v2"]], label


def train(version: str, seed: int = 1) -> LogisticRegression:
    """Train een versie van het model (deterministisch)."""
    history = population(30_000, seed=seed)
    features, labels = training_labels(history, version, seed + 1)
    model = LogisticRegression(max_iter=1_000)
    model.fit(features.to_numpy(dtype=float), labels)
    return model


def selections(version: str, n: int = 20_000, seed: int = 7) -> pd.DataFrame:
    """Dit jaar: score iedereen, selecteer de hoogste 8% en een aselecte steekproef van 5%."""
    model = train(version)
    cohort = population(n, seed=seed)
    scores = model.predict_proba(cohort[FEATURES[version]].to_numpy(dtype=float))[:, 1]
    rng = np.random.default_rng(seed + 100)
    random_arm = np.zeros(n, dtype=bool)
    random_arm[rng.choice(n, size=round(RANDOM_SHARE * n), replace=False)] = True
    top = scores >= np.quantile(scores, 1 - SELECTED_SHARE)
    out = cohort.drop(columns=["onrechtmatig"]).assign(
        risicoscore=np.round(scores, 4),
        aselect=np.where(random_arm, "ja", "nee"),
        geselecteerd=np.where(random_arm | top, "ja", "nee"),
    )
    return out
