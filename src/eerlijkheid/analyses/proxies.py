"""Proxy strength from rows: how strongly neutral-looking features stand for a protected ground.

The College voor de Rechten van de Mens asks of every neutral-looking selection criterion
(postcode, income, literacy, …) whether it works as indirect distinction; the
Algoritmekader (3-dat-02) asks per input variable "is it a proxy?".  This module measures
it from the rows of the data (domein.md §3 "Do neutral criteria act as proxies?").  When
protected attributes are not known per case, use :mod:`eerlijkheid.analyses.composition`.

:func:`proxy_strength` takes every feature × protected attribute and reports:

* **association** — for a categorical feature Cramér's V and the normalised mutual
  information (NMI) of the feature × group table; for a numeric feature epsilon² of the
  Kruskal–Wallis test and, per group against the rest, the rank AUC
  ``U / (n_group · n_rest)`` of the Mann–Whitney test;
* **predictive power** — per group of the attribute, the cross-validated AUC of the
  feature *alone* for predicting membership of that group against the rest ("wijk
  predicts niet-westers with AUC 0.81");
* **the combination** — per group, the cross-validated AUC of *all* features together
  (a :class:`~sklearn.ensemble.HistGradientBoostingClassifier`);
* a **ranking** of the features per attribute by proxy strength.

This is a **row-level** analysis (ontwerp.md: "row-level analyses are the exception, and
say so"): rows come from :func:`eerlijkheid.ingest.row_sample` and the evidence names the
sample (method, rows, seed).

Conventions
-----------
Kinds of feature
    :func:`eerlijkheid.ingest.is_categorical` decides: text (and codes with leading zeros,
    which :func:`~eerlijkheid.read_table` keeps as text) is *categorical*; a whole-number
    column is categorical when it has at most 12 distinct values or its name looks like a
    code (``postcode``, ``wijk``, ``buurt``, ``gemeente``, ``...code``); every other
    numeric column is *numeric*.  List a numeric code in ``categorical`` to make sure it is
    treated as categories.
Missing values
    A missing value of a categorical feature is its own category (``missing_label``).  A
    missing value of a numeric feature is its own bin in the single-feature predictor, is
    left to the native missing-value handling of the gradient-boosting model in the
    combination, and is left out of the rank measures (counted in ``n_missing_feature``).
    Rows whose *protected attribute* is missing cannot say which group they belong to: they
    are left out of that attribute's analyses and counted in ``n_missing_protected``.
Cramér's V
    ``V = sqrt(chi² / (n · (min(r, c) − 1)))`` of the feature × group table, **without**
    bias correction, as :func:`scipy.stats.contingency.association` (``method="cramer"``).
    V of a feature with many categories is biased upward in a sample; the bias-corrected
    V of Bergsma (2013) is reported beside it (``cramers_v_corrected``).
NMI
    Mutual information over the arithmetic mean of the two entropies, as
    :func:`sklearn.metrics.normalized_mutual_info_score` (its default).
Bias-corrected V and NMI, and their intervals
    Plug-in V and NMI are biased upward in a finite sample (a table of independent
    variables shows some association by chance), and a bootstrap resample is biased upward
    once more against the sample: the resampled values sit above the estimate, so the
    plain percentile interval can lie wholly above the plug-in estimate (it did: NMI
    0.0581 with percentile interval [0.0588, 0.0620]).  We therefore draw ``n_resamples``
    multinomial tables from the observed cell shares with the observed total (seeded;
    ontwerp.md "bootstrap on counts") and report

    * the **bias-corrected estimate** ``2·θ̂ − median(θ*)`` (``cramers_v_debiased``,
      ``nmi_debiased``): the bootstrap bias correction of Efron & Tibshirani (1993, §10.4)
      with the median of the replicates in place of their mean, so that it is robust to
      their skew and always lies inside the interval below;
    * the **basic bootstrap interval** ``[2·θ̂ − q(1 − α/2), 2·θ̂ − q(α/2)]`` of the
      replicates' quantiles ``q`` (Davison & Hinkley 1997, §5.2.1; Efron & Tibshirani
      1993, §13.4): it estimates the interval for the *parameter* by the spread of the
      replicates around θ̂ and so corrects for the bias that shifts the percentile
      interval.  Both are clipped to [0, 1].  The percentile interval was not used because
      it contains the sampling bias twice; BCa was not used because its bias correction
      moves the interval *further* from the estimate (for |z₀| > 1.96 it too excludes it).

    The interval contains its estimate by construction (``q(α/2) ≤ median ≤ q(1 − α/2)``).
    Both measures are at least 0; with no association the interval starts at 0: read them
    as sizes, not as tests.  ``cramers_v`` and ``nmi`` stay the plug-in values (as scipy
    and sklearn compute them).
Epsilon²
    ``ε² = H / (n − 1)`` for the Kruskal–Wallis ``H`` (Tomczak & Tomczak 2014; equal to
    ``H / ((n² − 1) / (n + 1))``), point estimate with the test's p-value.
Rank AUC (numeric features)
    Per group against the rest, the probability that a random member of the group has a
    higher value than a random other case, ties counting one half: ``U / (n₁ · n₂)`` with
    ``U`` the Mann–Whitney statistic of :func:`scipy.stats.mannwhitneyu`.  0.5 means no
    shift; values below 0.5 mean the group has *lower* values.  DeLong interval.
Predictive power of one feature (cross-validated AUC)
    Folds: :class:`sklearn.model_selection.StratifiedKFold` (``cv`` folds, shuffled,
    ``random_state=seed``), stratified on the attribute's groups (groups with fewer than
    ``cv`` cases are stratified with the largest group), the same folds for every feature
    and for the combination.  In each fold the score of a test case for group ``g`` is the
    share of ``g`` among the training cases in its category, shrunk towards the training
    share of ``g`` with one pseudo-case (``(count + p_g) / (total + 1)``); a category not
    seen in training gets ``p_g``.  A numeric feature is first cut into ``numeric_bins``
    quantile bins of the training fold (missing values their own bin), so a non-monotone
    relation counts too.  This is the saturated model of the feature (what a one-hot
    logistic regression without penalty would fit), computed directly.  The cross-validated
    AUC is the **mean of the per-fold AUCs** (:func:`sklearn.metrics.roc_auc_score` on each
    test fold), as :func:`sklearn.model_selection.cross_val_score` with
    ``scoring="roc_auc"`` computes it.  Pooling the out-of-fold scores of all folds into one
    AUC would be biased below 0.5 for a feature without association: a case's own label
    lowers the training share that the other folds' cases in its category get.
Predictive power of all features together
    A :class:`~sklearn.ensemble.HistGradientBoostingClassifier` (``random_state=seed``,
    ``early_stopping=True``: the number of trees is chosen on a seeded 10% validation
    split of the training fold; otherwise defaults) on all features, in the same folds.
    Numeric features go in with native missing-value handling; categorical features with
    at most 32 categories with native categorical support; a categorical feature with more
    categories (a postcode) as the shrunken share of each group in its category (target
    encoding), cross-fitted within the training fold (inner stratified folds) so that no
    case's own group enters its own encoding — gradient boosting ignores categories with
    few cases, which would hide a many-category proxy.  One multi-class model per fold;
    the score for group ``g`` is its predicted probability, and the AUC is the mean
    per-fold AUC as above.
Interval of a cross-validated AUC
    The folds share training cases, so their AUCs are correlated and the variance of their
    mean is more than ``σ² / K``.  We use the correction of Nadeau & Bengio (2003) for
    cross-validated estimates, ``Var = (1/K + n_test/n_train) · σ²`` with
    ``n_test/n_train = 1/(K − 1)``, and for ``σ²`` (the variance of one fold's AUC) the mean
    of the folds' DeLong et al. (1988) variances; interval ``AUC ± z·se`` clipped to
    [0, 1].  The correction is a heuristic; for a feature without association (2,000
    cases, 5 folds, 200 simulated samples) the 95% interval covered 0.5 in 95–97% of the
    samples, where the uncorrected ``σ² / K`` covered it in 86–91%
    (tests/analyses/test_proxies.py checks the coverage).
    Groups with fewer than ``min_group_size`` cases get no AUC (NaN).
Ranking
    Per attribute, features are ranked by their **strength**: the largest cross-validated
    AUC of the feature alone over the attribute's groups.  It is on the same scale for
    categorical and numeric features, and a cross-validated AUC does not grow with the
    number of categories as V does.  Ties (and NaN, last) are broken by the feature's
    position in ``features``.

References
----------
Bergsma (2013), Journal of the Korean Statistical Society 42(3):323-328.
Nadeau & Bengio (2003), Machine Learning 52(3):239-281.
DeLong, DeLong & Clarke-Pearson (1988), Biometrics 44(3):837-845.
Hosmer, Lemeshow & Sturdivant (2013), Applied Logistic Regression, 3rd ed., §5.2.4.
Tomczak & Tomczak (2014), Trends in Sport Sciences 1(21):19-25.

Examples
--------
A synthetic town where the neighbourhood (``wijk``) goes with migration background and
the house number does not:

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(3)
>>> herkomst = rng.choice(["nederlands", "niet-westers"], size=2_000, p=[0.7, 0.3])
>>> wijk = np.where(rng.random(2_000) < 0.8,
...                 np.where(herkomst == "niet-westers", "noord", "zuid"),
...                 rng.choice(["noord", "zuid", "oost"], size=2_000))
>>> frame = pd.DataFrame({"herkomst": herkomst, "wijk": wijk,
...                       "huisnummer": rng.integers(1, 200, size=2_000)})
>>> evidence = proxy_strength(frame, protected="herkomst", features=["wijk", "huisnummer"],
...                           n_resamples=50)
>>> [(a.rank, a.feature, round(a.strength, 2)) for a in evidence.associations]
[(1, 'wijk', 0.92), (2, 'huisnummer', 0.47)]
>>> round(evidence.associations[0].cramers_v, 2)
0.8
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from eerlijkheid.analyses.scores import auc_delong
from eerlijkheid.exceptions import ConfigError, DataError
from eerlijkheid.i18n import message
from eerlijkheid.ingest import as_labels, categorical_columns, row_sample
from eerlijkheid.stats import ConfidenceInterval

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COMBINED",
    "CombinedProxy",
    "FeatureProxy",
    "GroupProxy",
    "ProxyEvidence",
    "proxy_strength",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
FeatureKind = Literal["categorical", "numeric"]

#: Name used for "all features together" in :meth:`ProxyEvidence.to_frame`.
COMBINED = "*"
#: Largest number of categories a feature may have to enter the combined model as
#: categories (native categorical support); a feature with more is target-encoded.
_NATIVE_CATEGORIES = 32


# -- evidence -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupProxy:
    """How well one feature alone predicts membership of one group (against the rest).

    Attributes
    ----------
    feature, attribute, group : str
        The feature, the protected attribute and the group.
    n_group, n_rest : int
        Cases in the group and in the rest (rows with the attribute known).
    auc : float
        Cross-validated AUC of the feature alone (NaN for a group smaller than
        ``min_group_size``).
    auc_standard_error : float
        Its DeLong standard error.
    auc_interval : ConfidenceInterval
        ``auc ± z·se`` clipped to [0, 1].
    rank_auc : float
        Numeric features: ``U / (n_group · n_rest)`` of the Mann–Whitney test on the
        observed values (NaN for categorical features).
    rank_auc_interval : ConfidenceInterval
        Its DeLong interval.
    """

    feature: str
    attribute: str
    group: str
    n_group: int
    n_rest: int
    auc: float
    auc_standard_error: float
    auc_interval: ConfidenceInterval
    rank_auc: float
    rank_auc_interval: ConfidenceInterval


@dataclass(frozen=True)
class FeatureProxy:
    """Association and predictive power of one feature for one protected attribute.

    Attributes
    ----------
    feature, attribute : str
        The feature and the protected attribute.
    kind : {'categorical', 'numeric'}
        How the feature was treated.
    n : int
        Rows with the attribute known.
    n_missing_feature : int
        Of those, rows with the feature missing.
    levels : int
        Categories of the feature (missing counted as one), or distinct values of a
        numeric feature.
    cramers_v, cramers_v_corrected, nmi : float
        Categorical features: Cramér's V (uncorrected, as scipy), Bergsma's bias-corrected
        V, and the NMI (plug-in, as sklearn); NaN for numeric features.
    cramers_v_debiased, nmi_debiased : float
        Bootstrap bias-corrected V and NMI, ``2·θ̂ − median(θ*)`` clipped to [0, 1] (NaN
        without bootstrap).
    cramers_v_debiased_interval, nmi_debiased_interval : ConfidenceInterval
        Basic bootstrap intervals; each contains its bias-corrected estimate.
    chi2_pvalue : float
        Pearson chi-square test of independence (categorical; NaN for numeric).
    epsilon_squared, kruskal_pvalue : float
        Numeric features: Kruskal–Wallis epsilon² and p-value (NaN for categorical).
    groups : tuple of GroupProxy
        Per group: cross-validated AUC (and rank AUC for numeric features).
    strength : float
        The ranking criterion: the largest cross-validated AUC over the groups.
    strongest_group : str
        The group with that AUC (``""`` when none has one).
    rank : int
        Rank of the feature for this attribute (1 = strongest proxy).
    """

    feature: str
    attribute: str
    kind: FeatureKind
    n: int
    n_missing_feature: int
    levels: int
    cramers_v: float
    cramers_v_corrected: float
    cramers_v_debiased: float
    cramers_v_debiased_interval: ConfidenceInterval
    nmi: float
    nmi_debiased: float
    nmi_debiased_interval: ConfidenceInterval
    chi2_pvalue: float
    epsilon_squared: float
    kruskal_pvalue: float
    groups: tuple[GroupProxy, ...]
    strength: float
    strongest_group: str
    rank: int


@dataclass(frozen=True)
class CombinedProxy:
    """How well all features together predict membership of one group.

    Attributes
    ----------
    attribute, group : str
        The protected attribute and the group.
    n_group, n_rest : int
        Cases in the group and in the rest.
    auc, auc_standard_error : float
        Cross-validated AUC of the model on all features, and its DeLong error.
    auc_interval : ConfidenceInterval
        ``auc ± z·se`` clipped to [0, 1].
    best_feature : str
        The single feature with the highest cross-validated AUC for this group.
    best_feature_auc : float
        That AUC.
    """

    attribute: str
    group: str
    n_group: int
    n_rest: int
    auc: float
    auc_standard_error: float
    auc_interval: ConfidenceInterval
    best_feature: str
    best_feature_auc: float


def _record(value: object, key: str, record: dict[str, object]) -> None:
    if isinstance(value, ConfidenceInterval):
        stem = key.removesuffix("_interval")
        record[f"{stem}_low"] = value.low
        record[f"{stem}_high"] = value.high
    else:
        record[key] = value


@dataclass(frozen=True)
class ProxyEvidence:
    """Proxy strength of every feature for every protected attribute, from rows.

    Attributes
    ----------
    attributes, features : tuple of str
        The protected attributes and the features analysed.
    associations : tuple of FeatureProxy
        One per attribute × feature: attributes in the given order, features by rank.
    combined : tuple of CombinedProxy
        Per attribute and group: all features together (empty when not computed).
    n_missing_protected : mapping of str to int
        Per attribute, rows left out because the attribute is missing.
    rows, total_rows : int
        Rows analysed and rows in the data.
    sampled : bool
        Whether the rows are a sample.
    seed : int
        Seed of the sample, the folds, the bootstrap and the model.
    sample_method : str
        How the rows were taken (:attr:`eerlijkheid.ingest.RowSample.method`).
    cv : int
        Number of folds.
    confidence_level : float
        Level of the intervals.
    n_resamples : int
        Bootstrap tables for the intervals of V and NMI.
    min_group_size : int
        Smallest group that gets an AUC.
    numeric_bins : int
        Quantile bins of a numeric feature in the single-feature predictor.
    method : mapping of str to str
        The method of each measure, in words.
    row_level : bool
        Always true: this analysis needs rows.
    """

    attributes: tuple[str, ...]
    features: tuple[str, ...]
    associations: tuple[FeatureProxy, ...]
    combined: tuple[CombinedProxy, ...]
    n_missing_protected: Mapping[str, int]
    rows: int
    total_rows: int
    sampled: bool
    seed: int
    sample_method: str
    cv: int
    confidence_level: float
    n_resamples: int
    min_group_size: int
    numeric_bins: int
    method: Mapping[str, str] = field(default_factory=dict)
    row_level: bool = True

    def ranking(self, attribute: str | None = None) -> tuple[FeatureProxy, ...]:
        """Return the features for one attribute (default: the first), strongest first.

        Parameters
        ----------
        attribute : str, optional
            The protected attribute.

        Returns
        -------
        tuple of FeatureProxy
            Ordered by rank.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"g": ["a", "b"] * 20, "x": ["p", "q"] * 20,
        ...                       "z": ["r", "r", "s", "s"] * 10})
        >>> ev = proxy_strength(frame, protected="g", features=["z", "x"], combined=False,
        ...                     n_resamples=20)
        >>> [f.feature for f in ev.ranking("g")]
        ['x', 'z']
        """
        name = self.attributes[0] if attribute is None else attribute
        if name not in self.attributes:
            raise ConfigError(
                message(
                    "invalid-option",
                    name="attribute",
                    allowed=", ".join(self.attributes),
                    value=name,
                )
            )
        return tuple(
            sorted((a for a in self.associations if a.attribute == name), key=lambda a: a.rank)
        )

    def to_frame(self) -> pd.DataFrame:
        """Return a tidy table: one row per attribute × feature × group.

        The combination of all features has ``feature == "*"`` (:data:`COMBINED`).

        Returns
        -------
        pandas.DataFrame
            Feature-level measures repeated on each group row.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"g": ["a", "b"] * 50, "x": ["p", "q"] * 50})
        >>> ev = proxy_strength(frame, protected="g", features=["x"], n_resamples=20)
        >>> ev.to_frame()[["feature", "group", "auc"]].to_dict("records")
        [{'feature': 'x', 'group': 'a', 'auc': 1.0}, {'feature': 'x', 'group': 'b', 'auc': 1.0},
         {'feature': '*', 'group': 'a', 'auc': 1.0}, {'feature': '*', 'group': 'b', 'auc': 1.0}]
        """
        import pandas as pd

        records: list[dict[str, object]] = []
        for a in self.associations:
            base: dict[str, object] = {}
            for key, value in vars(a).items():
                if key != "groups":
                    _record(value, key, base)
            for g in a.groups:
                record = dict(base)
                for key, value in vars(g).items():
                    _record(value, key, record)
                records.append(record)
        for c in self.combined:
            record = {"feature": COMBINED}
            for key, value in vars(c).items():
                _record(value, key, record)
            records.append(record)
        for record in records:
            record.update(rows=self.rows, sampled=self.sampled, seed=self.seed, cv=self.cv)
        frame: pd.DataFrame = pd.DataFrame(records)
        return frame


# -- measures on a contingency table --------------------------------------------------------


def _chi2(tables: FloatArray) -> FloatArray:
    """Pearson chi-square of a stack of tables (..., r, c); empty rows/columns count 0."""
    n = tables.sum(axis=(-2, -1), keepdims=True)
    expected = tables.sum(axis=-1, keepdims=True) * tables.sum(axis=-2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = expected / n
        terms = np.where(expected > 0, (tables - expected) ** 2 / expected, 0.0)
    out: FloatArray = terms.sum(axis=(-2, -1))
    return out


def _entropy(counts: FloatArray, n: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        p = counts / n[..., None]
        terms = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    out: FloatArray = terms.sum(axis=-1)
    return out


def _nmi(tables: FloatArray) -> FloatArray:
    """Arithmetic-mean NMI of a stack of tables, as sklearn's normalized_mutual_info_score."""
    n = tables.sum(axis=(-2, -1))
    rows, cols = tables.sum(axis=-1), tables.sum(axis=-2)
    h_rows, h_cols = _entropy(rows, n), _entropy(cols, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        outer = rows[..., :, None] * cols[..., None, :]
        ratio = np.where(tables > 0, tables * n[..., None, None] / np.where(outer > 0, outer, 1), 1)
        mi = (np.where(tables > 0, tables * np.log(ratio), 0.0)).sum(axis=(-2, -1)) / n
        mi = np.maximum(mi, 0.0)
        nmi = mi / ((h_rows + h_cols) / 2)
    single = ((rows > 0).sum(axis=-1) <= 1) & ((cols > 0).sum(axis=-1) <= 1)
    out: FloatArray = np.where(single, 1.0, np.where(mi > 0, nmi, 0.0))
    return out


def _cramers_v(chi2: FloatArray | float, n: float, k: int) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.sqrt(np.asarray(chi2, dtype=np.float64) / (n * (k - 1)))
    return out


def _bergsma(chi2: float, n: float, r: int, c: int) -> float:
    if n <= 1 or min(r, c) < 2:
        return float("nan")
    phi2 = max(0.0, chi2 / n - (r - 1) * (c - 1) / (n - 1))
    r_t = r - (r - 1) ** 2 / (n - 1)
    c_t = c - (c - 1) ** 2 / (n - 1)
    denominator = min(r_t - 1, c_t - 1)
    return float(math.sqrt(phi2 / denominator)) if denominator > 0 else float("nan")


#: Largest number of table cells drawn at once in the bootstrap (bounds the memory used).
_CHUNK_CELLS = 2_000_000


def _bootstrap(
    table: FloatArray, n_resamples: int, k: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Cramér's V and NMI of ``n_resamples`` multinomial redraws of ``table``."""
    n = float(table.sum())
    p = (table / n).ravel()
    per_chunk = max(1, _CHUNK_CELLS // table.size)
    v_parts: list[FloatArray] = []
    nmi_parts: list[FloatArray] = []
    for start in range(0, n_resamples, per_chunk):
        size = min(per_chunk, n_resamples - start)
        draws = rng.multinomial(int(n), p, size=size).reshape(size, *table.shape)
        stack = draws.astype(np.float64)
        v_parts.append(_cramers_v(_chi2(stack), n, k) if k >= 2 else np.full(size, np.nan))
        nmi_parts.append(_nmi(stack))
    return np.concatenate(v_parts), np.concatenate(nmi_parts)


def _debiased(
    estimate: float, values: FloatArray, level: float
) -> tuple[float, ConfidenceInterval]:
    """Bias-corrected estimate ``2θ̂ − median`` and basic bootstrap interval, in [0, 1].

    ``q(α/2) ≤ median ≤ q(1 − α/2)`` and subtraction from ``2θ̂`` is monotone (also in
    floating point), so the interval always contains the estimate.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0 or not math.isfinite(estimate):
        return float("nan"), ConfidenceInterval(float("nan"), float("nan"))
    tail = (1 - level) / 2
    low_q, median, high_q = np.quantile(finite, [tail, 0.5, 1 - tail])
    twice = 2.0 * estimate

    def clip(x: float) -> float:
        return float(min(1.0, max(0.0, x)))

    return clip(twice - median), ConfidenceInterval(clip(twice - high_q), clip(twice - low_q))


# -- cross-validated predictions --------------------------------------------------------------


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2))


def _auc(
    score: FloatArray, member: npt.NDArray[np.bool_], z: float
) -> tuple[float, float, ConfidenceInterval]:
    auc, se = auc_delong(score, member.astype(np.float64))
    if not math.isfinite(auc):
        return auc, se, ConfidenceInterval(float("nan"), float("nan"))
    if not math.isfinite(se):
        return auc, se, ConfidenceInterval(0.0, 1.0)
    return auc, se, ConfidenceInterval(max(0.0, auc - z * se), min(1.0, auc + z * se))


def _cv_auc(
    score: FloatArray,
    member: npt.NDArray[np.bool_],
    folds: Sequence[tuple[IntArray, IntArray]],
    z: float,
) -> tuple[float, float, ConfidenceInterval]:
    """Mean of the per-fold AUCs, with the Nadeau–Bengio corrected DeLong error."""
    aucs, variances = [], []
    for _, test in folds:
        auc, se = auc_delong(score[test], member[test].astype(np.float64))
        if math.isfinite(auc):
            aucs.append(auc)
            variances.append(se**2)
    if not aucs:
        return float("nan"), float("nan"), ConfidenceInterval(float("nan"), float("nan"))
    mean = float(np.mean(aucs))
    if not all(math.isfinite(v) for v in variances):
        return mean, float("nan"), ConfidenceInterval(0.0, 1.0)
    k = len(folds)
    se_mean = float(math.sqrt((1 / k + 1 / (k - 1)) * float(np.mean(variances))))
    low, high = max(0.0, mean - z * se_mean), min(1.0, mean + z * se_mean)
    return mean, se_mean, ConfidenceInterval(low, high)


def _share_scores(
    codes: IntArray,
    labels: IntArray,
    folds: Sequence[tuple[IntArray, IntArray]],
    n_codes: int,
    n_groups: int,
) -> FloatArray:
    """Out-of-fold shrunken share of each group per category: (rows, groups)."""
    out = np.empty((codes.size, n_groups), dtype=np.float64)
    for train, test in folds:
        table = np.bincount(
            codes[train] * n_groups + labels[train], minlength=n_codes * n_groups
        ).reshape(n_codes, n_groups)
        prior = table.sum(axis=0) / train.size
        totals = table.sum(axis=1, keepdims=True)
        out[test] = ((table + prior) / (totals + 1.0))[codes[test]]
    return out


def _binned_scores(
    values: FloatArray,
    labels: IntArray,
    folds: Sequence[tuple[IntArray, IntArray]],
    n_groups: int,
    bins: int,
) -> FloatArray:
    out = np.empty((values.size, n_groups), dtype=np.float64)
    missing = np.isnan(values)
    for train, test in folds:
        observed = values[train][~missing[train]]
        edges = (
            np.unique(np.quantile(observed, np.linspace(0, 1, bins + 1)[1:-1]))
            if observed.size
            else np.empty(0)
        )
        codes = np.searchsorted(edges, np.where(missing, -np.inf, values), side="right")
        codes = np.where(missing, edges.size + 1, codes).astype(np.int64)
        part = _share_scores(codes, labels, [(train, test)], edges.size + 2, n_groups)
        out[test] = part[test]
    return out


def _folds(
    labels: IntArray, sizes: IntArray, cv: int, seed: int
) -> list[tuple[IntArray, IntArray]]:
    from sklearn.model_selection import StratifiedKFold

    strata = labels.copy()
    largest = int(np.argmax(sizes))
    for g in np.flatnonzero(sizes < cv):
        strata[labels == g] = largest
    splitter = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    return [
        (np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))
        for a, b in splitter.split(np.zeros(labels.size), strata)
    ]


def _categorical_codes(values: npt.NDArray[Any], missing_label: str) -> tuple[IntArray, list[str]]:
    text = np.array([missing_label if v is None else str(v) for v in values], dtype=object)
    levels, codes = np.unique(text.astype(str), return_inverse=True)
    return codes.astype(np.int64), [str(v) for v in levels]


def _design(
    columns: Sequence[tuple[FloatArray, int]],
    labels: IntArray,
    train: IntArray,
    test: IntArray,
    n_groups: int,
    cv: int,
    seed: int,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Training and test matrices of one fold for the combined model.

    ``columns`` holds per feature its values and its number of categories (0: numeric).
    Numeric features and categorical ones with at most ``_NATIVE_CATEGORIES`` categories go
    in as they are (categories as codes, for native categorical support); a feature with
    more categories becomes the shrunken share of each group in its category, cross-fitted
    on the training fold (inner folds) and fitted on the whole training fold for the test
    fold.
    """
    train_parts: list[FloatArray] = []
    test_parts: list[FloatArray] = []
    native: list[bool] = []
    inner: list[tuple[IntArray, IntArray]] | None = None
    for values, n_codes in columns:
        if n_codes == 0 or n_codes <= _NATIVE_CATEGORIES:
            train_parts.append(values[train][:, None])
            test_parts.append(values[test][:, None])
            native.append(n_codes > 0)
            continue
        codes = values.astype(np.int64)
        if inner is None:
            sub = labels[train]
            sizes = np.bincount(sub, minlength=n_groups)
            inner = _folds(sub, sizes, max(2, min(cv, int(sizes.max()))), seed)
        train_parts.append(_share_scores(codes[train], labels[train], inner, n_codes, n_groups))
        both = np.concatenate([train, test])
        whole = (np.arange(train.size, dtype=np.int64), np.arange(train.size, both.size))
        encoded = _share_scores(codes[both], labels[both], [whole], n_codes, n_groups)
        test_parts.append(encoded[train.size :])
        native.extend([False] * n_groups)
    return np.hstack(train_parts), np.hstack(test_parts), np.array(native, dtype=bool)


def _combined_scores(
    columns: Sequence[tuple[FloatArray, int]],
    labels: IntArray,
    folds: Sequence[tuple[IntArray, IntArray]],
    n_groups: int,
    cv: int,
    seed: int,
) -> FloatArray:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    out = np.zeros((labels.size, n_groups), dtype=np.float64)
    for train, test in folds:
        x_train, x_test, native = _design(columns, labels, train, test, n_groups, cv, seed)
        model = HistGradientBoostingClassifier(
            categorical_features=native if native.any() else None,
            early_stopping=True,
            random_state=seed,
        )
        # One OpenMP thread: on a busy machine the per-node thread start-up of the tree
        # grower costs more than the split search itself; results do not depend on it.
        with threadpool_limits(limits=1, user_api="openmp"):
            model.fit(x_train, labels[train])
            proba = model.predict_proba(x_test)
        for column, g in enumerate(np.asarray(model.classes_, dtype=np.int64)):
            out[test, g] = proba[:, column]
    return out


# -- the analysis ---------------------------------------------------------------------------


def _check_int(value: object, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ConfigError(
            message("invalid-option", name=name, allowed=f"an integer ≥ {low}", value=repr(value))
        )
    return int(value)


def _as_list(value: str | Sequence[str], name: str) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    if not items or not all(isinstance(v, str) for v in items):
        raise ConfigError(
            message(
                "invalid-option", name=name, allowed="one or more column names", value=repr(value)
            )
        )
    return list(dict.fromkeys(items))


def _feature_proxy(
    *,
    name: str,
    attribute: str,
    values: npt.NDArray[Any],
    kind: FeatureKind,
    labels: IntArray,
    groups: Sequence[str],
    sizes: IntArray,
    folds: Sequence[tuple[IntArray, IntArray]],
    settings: _Settings,
    rng: np.random.Generator,
) -> tuple[FeatureProxy, FloatArray]:
    n_groups = len(groups)
    z = _z(settings.confidence_level)
    nan_ci = ConfidenceInterval(float("nan"), float("nan"))
    v = v_corr = v_deb = nmi = nmi_deb = chi2_p = eps2 = kw_p = float("nan")
    v_ci = nmi_ci = nan_ci
    if kind == "categorical":
        codes, levels = _categorical_codes(values, settings.missing_label)
        n_missing = int(sum(v is None for v in values))
        n_levels = len(levels)
        flat = np.bincount(codes * n_groups + labels, minlength=n_levels * n_groups)
        table: FloatArray = flat.reshape(n_levels, n_groups).astype(np.float64)[:, sizes > 0]
        n = float(table.sum())
        k = min(table.shape)
        chi2 = float(_chi2(table))
        if k >= 2:
            v = float(_cramers_v(chi2, n, k))
            v_corr = _bergsma(chi2, n, table.shape[0], table.shape[1])
            chi2_p = float(stats.chi2.sf(chi2, (table.shape[0] - 1) * (table.shape[1] - 1)))
        nmi = float(_nmi(table))
        if settings.n_resamples > 0:
            v_draws, nmi_draws = _bootstrap(table, settings.n_resamples, k, rng)
            if k >= 2:
                v_deb, v_ci = _debiased(v, v_draws, settings.confidence_level)
            nmi_deb, nmi_ci = _debiased(nmi, nmi_draws, settings.confidence_level)
        scores = _share_scores(codes, labels, folds, n_levels, n_groups)
    else:
        x = np.asarray(values, dtype=np.float64)
        observed = ~np.isnan(x)
        n_missing = int((~observed).sum())
        n_levels = int(np.unique(x[observed]).size)
        samples = [x[observed & (labels == g)] for g in range(n_groups) if sizes[g] > 0]
        samples = [s for s in samples if s.size]
        if len(samples) >= 2 and n_levels >= 2:
            h, kw_p = (float(t) for t in stats.kruskal(*samples))
            eps2 = h / (int(observed.sum()) - 1)
        scores = _binned_scores(x, labels, folds, n_groups, settings.numeric_bins)
    per_group: list[GroupProxy] = []
    for g, group in enumerate(groups):
        member = labels == g
        size = int(sizes[g])
        auc = se = float("nan")
        ci = nan_ci
        if size >= settings.min_group_size and labels.size - size >= settings.min_group_size:
            auc, se, ci = _cv_auc(scores[:, g], member, folds, z)
        rank_auc, rank_ci = float("nan"), nan_ci
        if kind == "numeric":
            x = np.asarray(values, dtype=np.float64)
            keep = ~np.isnan(x)
            if member[keep].any() and (~member[keep]).any():
                rank_auc, _, rank_ci = _auc(x[keep], member[keep], z)
        per_group.append(
            GroupProxy(
                feature=name,
                attribute=attribute,
                group=group,
                n_group=size,
                n_rest=int(labels.size - size),
                auc=auc,
                auc_standard_error=se,
                auc_interval=ci,
                rank_auc=rank_auc,
                rank_auc_interval=rank_ci,
            )
        )
    finite = [p for p in per_group if math.isfinite(p.auc)]
    best = max(finite, key=lambda p: p.auc) if finite else None
    proxy = FeatureProxy(
        feature=name,
        attribute=attribute,
        kind=kind,
        n=int(labels.size),
        n_missing_feature=n_missing,
        levels=n_levels,
        cramers_v=v,
        cramers_v_corrected=v_corr,
        cramers_v_debiased=v_deb,
        cramers_v_debiased_interval=v_ci,
        nmi=nmi,
        nmi_debiased=nmi_deb,
        nmi_debiased_interval=nmi_ci,
        chi2_pvalue=chi2_p,
        epsilon_squared=eps2,
        kruskal_pvalue=kw_p,
        groups=tuple(per_group),
        strength=best.auc if best is not None else float("nan"),
        strongest_group=best.group if best is not None else "",
        rank=0,
    )
    return proxy, scores


@dataclass(frozen=True)
class _Settings:
    confidence_level: float
    n_resamples: int
    min_group_size: int
    numeric_bins: int
    missing_label: str


def _matrix_column(
    values: npt.NDArray[Any], kind: FeatureKind, missing_label: str
) -> tuple[FloatArray, int]:
    if kind == "numeric":
        return np.asarray(values, dtype=np.float64), 0
    codes, levels = _categorical_codes(values, missing_label)
    return codes.astype(np.float64), len(levels)


def proxy_strength(
    data: Any,
    *,
    protected: str | Sequence[str],
    features: Sequence[str],
    categorical: Sequence[str] = (),
    max_rows: int = 200_000,
    seed: int = 0,
    cv: int = 5,
    confidence_level: float = 0.95,
    n_resamples: int = 200,
    min_group_size: int = 10,
    numeric_bins: int = 10,
    combined: bool = True,
    missing_label: str = "onbekend",
    missing_values: Sequence[str] = (),
) -> ProxyEvidence:
    """Measure how strongly each feature stands for each protected attribute, from rows.

    Parameters
    ----------
    data : frame
        Any frame :func:`eerlijkheid.ingest.row_sample` reads (pandas, polars, pyarrow,
        DuckDB, Dask).
    protected : str or sequence of str
        The protected attribute(s), e.g. ``"migratieachtergrond"``.
    features : sequence of str
        The input features to check, e.g. ``["wijk", "inkomen"]``.
    categorical : sequence of str, optional
        Numeric columns to treat as categories (e.g. a postcode stored as a number); the
        others follow :func:`eerlijkheid.ingest.is_categorical`.
    max_rows : int, default 200,000
        Largest number of rows to take (a seeded sample beyond it).
    seed : int, default 0
        Seed of the sample, the folds, the bootstrap and the model.
    cv : int, default 5
        Number of cross-validation folds (at least 2).
    confidence_level : float, default 0.95
        Level of every interval.
    n_resamples : int, default 200
        Multinomial bootstrap tables for the intervals of V and NMI (0: no intervals).
    min_group_size : int, default 10
        Groups (and rests) with fewer cases get no AUC.
    numeric_bins : int, default 10
        Quantile bins of a numeric feature in the single-feature predictor.
    combined : bool, default True
        Also fit the model on all features together.
    missing_label : str, default "onbekend"
        Category of a missing value of a categorical feature.
    missing_values : sequence of str, optional
        Texts that mean "no value" (``Roles.missing_values``); only empty cells otherwise.

    Returns
    -------
    ProxyEvidence
        See the module notes for every method.

    Raises
    ------
    ConfigError
        For a feature that is also a protected attribute, no features, or invalid options.
    ColumnNotFoundError
        For a column that is not in the data.
    DataError
        When an attribute has no known values, or too few rows for ``cv`` folds.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"g": ["a", "b"] * 30, "x": [1.5, 2.5] * 30})
    >>> ev = proxy_strength(frame, protected="g", features=["x"], combined=False)
    >>> a = ev.associations[0]
    >>> a.kind, a.groups[0].rank_auc, round(a.epsilon_squared, 2), a.strength
    ('numeric', 0.0, 1.0, 1.0)
    """
    attributes = _as_list(protected, "protected")
    names = _as_list(features, "features")
    overlap = sorted(set(attributes) & set(names))
    if overlap:
        raise ConfigError(message("proxy-feature-is-protected", columns=", ".join(overlap)))
    cv = _check_int(cv, "cv", 2)
    n_resamples = _check_int(n_resamples, "n_resamples", 0)
    min_group_size = _check_int(min_group_size, "min_group_size", 2)
    numeric_bins = _check_int(numeric_bins, "numeric_bins", 2)
    seed = _check_int(seed, "seed", 0)
    if not 0 < confidence_level < 1:
        raise ConfigError(
            message(
                "invalid-option", name="confidence_level", allowed="(0, 1)", value=confidence_level
            )
        )
    unknown = sorted(set(categorical) - set(names))
    if unknown:
        raise ConfigError(
            message(
                "invalid-option",
                name="categorical",
                allowed=", ".join(names),
                value=", ".join(unknown),
            )
        )
    sample = row_sample(
        data, [*attributes, *names], max_rows=max_rows, seed=seed, missing_values=missing_values
    )
    guess = categorical_columns({f: sample.columns[f] for f in names}, declared=categorical)
    kinds: dict[str, FeatureKind] = {f: "categorical" if guess[f] else "numeric" for f in names}
    columns: dict[str, npt.NDArray[Any]] = {}
    for f in names:
        column = sample.columns[f]
        columns[f] = as_labels(column) if kinds[f] == "categorical" else column
    settings = _Settings(confidence_level, n_resamples, min_group_size, numeric_bins, missing_label)
    z = _z(confidence_level)
    rng = np.random.default_rng(seed)
    associations: list[FeatureProxy] = []
    combos: list[CombinedProxy] = []
    missing_protected: dict[str, int] = {}
    for attribute in attributes:
        raw = sample.columns[attribute]
        if raw.dtype == np.float64:
            known = ~np.isnan(raw)
            text = np.array([f"{v:g}" for v in raw[known]], dtype=object)
        else:
            known = np.array([v is not None for v in raw], dtype=bool)
            text = raw[known]
        missing_protected[attribute] = int((~known).sum())
        if not known.any():
            raise DataError(message("proxy-attribute-all-missing", attribute=attribute))
        group_levels, labels = np.unique(text.astype(str), return_inverse=True)
        labels = labels.astype(np.int64)
        groups = [str(g) for g in group_levels]
        sizes = np.bincount(labels, minlength=len(groups)).astype(np.int64)
        if labels.size < cv or sizes.max() < cv:
            raise DataError(
                message("proxy-too-few-rows", attribute=attribute, rows=labels.size, cv=cv)
            )
        folds = _folds(labels, sizes, cv, seed)
        found: list[FeatureProxy] = []
        for f in names:
            proxy, _ = _feature_proxy(
                name=f,
                attribute=attribute,
                values=columns[f][known],
                kind=kinds[f],
                labels=labels,
                groups=groups,
                sizes=sizes,
                folds=folds,
                settings=settings,
                rng=rng,
            )
            found.append(proxy)
        order = sorted(
            range(len(found)),
            key=lambda i: (
                not math.isfinite(found[i].strength),
                -np.nan_to_num(found[i].strength),
                i,
            ),
        )
        for rank, i in enumerate(order, start=1):
            associations.append(_replace_rank(found[i], rank))
        if combined and len(groups) >= 2:
            design = [_matrix_column(columns[f][known], kinds[f], missing_label) for f in names]
            scores = _combined_scores(design, labels, folds, len(groups), cv, seed)
            for g, group in enumerate(groups):
                size = int(sizes[g])
                auc = se = float("nan")
                ci = ConfidenceInterval(float("nan"), float("nan"))
                if size >= min_group_size and labels.size - size >= min_group_size:
                    auc, se, ci = _cv_auc(scores[:, g], labels == g, folds, z)
                singles = [
                    (p.auc, p.feature)
                    for a in found
                    for p in a.groups
                    if p.group == group and math.isfinite(p.auc)
                ]
                best_auc, best_feature = (
                    max(singles, key=lambda t: t[0]) if singles else (float("nan"), "")
                )
                combos.append(
                    CombinedProxy(
                        attribute=attribute,
                        group=group,
                        n_group=size,
                        n_rest=int(labels.size - size),
                        auc=auc,
                        auc_standard_error=se,
                        auc_interval=ci,
                        best_feature=best_feature,
                        best_feature_auc=best_auc,
                    )
                )
    method = {
        "cramers_v": "Cramér's V without bias correction (scipy.stats.contingency.association); "
        "bias-corrected V of Bergsma (2013) beside it",
        "nmi": "normalised mutual information, arithmetic mean of the entropies "
        "(sklearn normalized_mutual_info_score)",
        "association_interval": f"{n_resamples} multinomial bootstrap tables of the feature × "
        "group table: bias-corrected estimate 2·θ̂ − median(θ*) and basic bootstrap interval "
        "[2·θ̂ − q(1 − α/2), 2·θ̂ − q(α/2)], clipped to [0, 1] (Efron & Tibshirani 1993; "
        "Davison & Hinkley 1997)",
        "epsilon_squared": "Kruskal–Wallis H / (n − 1)",
        "rank_auc": "Mann–Whitney U / (n_group · n_rest), DeLong interval",
        "auc": f"{cv}-fold stratified cross-validated AUC (StratifiedKFold, shuffle, "
        f"random_state={seed}); feature alone: shrunken group share per category "
        f"(numeric: {numeric_bins} quantile bins of the training fold); DeLong interval on "
        "the out-of-fold scores",
        "combined": "HistGradientBoostingClassifier on all features (native categorical "
        f"support up to {_NATIVE_CATEGORIES} categories, cross-fitted group shares beyond), "
        f"early_stopping=True, random_state={seed}",
        "ranking": "largest cross-validated AUC of the feature alone over the groups",
    }
    return ProxyEvidence(
        attributes=tuple(attributes),
        features=tuple(names),
        associations=tuple(associations),
        combined=tuple(combos),
        n_missing_protected=MappingProxyType(missing_protected),
        rows=sample.rows,
        total_rows=sample.total_rows,
        sampled=sample.sampled,
        seed=seed,
        sample_method=sample.method,
        cv=cv,
        confidence_level=confidence_level,
        n_resamples=n_resamples,
        min_group_size=min_group_size,
        numeric_bins=numeric_bins,
        method=MappingProxyType(method),
    )


def _replace_rank(proxy: FeatureProxy, rank: int) -> FeatureProxy:
    from dataclasses import replace

    return replace(proxy, rank=rank)
