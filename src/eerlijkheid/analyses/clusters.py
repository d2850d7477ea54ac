"""Groups nobody named, without protected attributes: bias-aware hierarchical clustering.

:func:`bias_clusters` clusters cases on their features only (no protected attribute is
needed) and looks for the cluster whose target rate — the selection rate, or an error
indicator — deviates most on the harmful side from the rest.  It follows the
*hierarchical bias-aware clustering* (HBAC) of Misztal-Radecka & Indurkhya (2021) as
Algorithm Audit's ``unsupervised-bias-detection`` package implements it with k-means, and
adds what a statistical claim needs: the clusters are fitted on one part of the rows and
the most deviating cluster is **tested on the held-out part**, which the search never saw.

This is a **row-level** analysis: its rows come from :func:`eerlijkheid.ingest.row_sample`
(every row of a small frame, or a documented, seeded sample), stated in the result.  The
result holds a cluster label per sampled row for the user's own follow-up; never publish
those labels (they are row-level data) — the findings and :meth:`BiasClusters.to_frame`
hold only aggregates.

Conventions
-----------
Target
    A binary column (0/1, booleans, or the yes/no spellings of
    :data:`eerlijkheid.config.BINARY_TRUE` / :data:`~eerlijkheid.config.BINARY_FALSE`).
    Rows with a missing target take no part (they are counted in ``rows_without_target``);
    any other value is an error.
Harm and bias
    ``harm="higher"`` (default for a burden, ``config.favourable=False``): a higher rate is
    worse; ``"lower"`` for a benefit.  The *bias* of a cluster is its rate minus the rate of
    every other fitted case, signed so that positive is worse off (the oracle's
    ``mean(rest) - mean(cluster)`` on a metric where lower is worse).
Features and missing values
    :func:`eerlijkheid.ingest.is_categorical` decides which features are categories: text,
    the columns in ``categorical``, and whole-number columns with at most 12 distinct values
    or a code-like name (``postcode``, ``wijk``, ``buurt``, ...).  A category is never
    averaged: a postcode is described by its most over-represented value and its shares,
    never as "gemiddeld 3012,00".  Numeric features are standardized with the mean and
    standard deviation (``ddof=0``) of the fit split; a missing value is replaced by the fit
    split's median and, when the feature has missing values, a 0/1 *missing* indicator
    column is added, so
    missingness itself can separate clusters.  Other features are one-hot encoded over the
    levels seen in the fit split, a missing value being its own level ``"onbekend"``; a
    level seen only in the held-out split gets no column (all zeros).
Clustering (HBAC)
    Start with one cluster of all fit cases (bias 0).  Repeat ``max_iter`` times: take the
    unsplit cluster with the highest bias (``split_rule="bias"``) or the highest standard
    deviation of the target (``"variance"``, as the oracle), split it with
    :class:`sklearn.cluster.KMeans` (``n_clusters``, ``n_init``, ``random_state=seed`` at
    every split, one OpenMP thread so that the result does not depend on the machine's
    cores — and small fits do not pay for threads); keep the split when every child has
    at least ``min_cluster_size`` fit cases and some child's bias is at least the parent's
    plus ``margin``, otherwise mark the cluster final.  Failed attempts count as
    iterations (as in the oracle).  Held-out cases are assigned by descending the tree
    with each split's ``KMeans.predict``.  Clusters are numbered 1, 2, ... by decreasing
    bias on the fit split.
Held-out test
    The ``test_clusters`` clusters with the highest fit bias (default 1: the most
    deviating) are tested on the held-out split: cluster against the other held-out cases,
    with :func:`eerlijkheid.metrics.compare_counts` (rates, Katz ratio interval, Newcombe
    difference interval) and a **one-sided** two-proportion test in the harm direction
    (:func:`eerlijkheid.stats.two_proportion_test`: chi-square / pooled z, or Fisher's
    exact test for small expected counts).  One-sided because the hypothesis was fixed by
    the fit split before the held-out cases were looked at: the cluster is worse off.  The
    clusters depend on the fit split only, so the held-out test needs no correction for
    the search; with more than one tested cluster the p-values are adjusted with
    ``config.adjust`` (Holm by default).  ``held_out=0`` fits on every row and tests
    nothing (exploration, or comparing with the oracle).
Description
    Each cluster is described against the other cases with a target (both splits, each case
    in the cluster it was fitted or assigned to): for a numeric feature the cluster mean,
    the rest's mean and the standardized difference (difference over the pooled standard
    deviation ``sqrt((var_c + var_r) / 2)``); for a categorical feature the level most
    over-represented in the cluster, its shares and the standardized difference of its
    indicator.  Features are ranked by the absolute standardized difference.
Determinism
    Same data, settings and ``seed``: same split, same clusters, same numbers.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> n = 2000
>>> frame = pd.DataFrame({"x": rng.normal(size=n), "wijk": rng.choice(["a", "b"], n)})
>>> hot = (frame["x"] > 1) & (frame["wijk"] == "a")
>>> frame["geselecteerd"] = (rng.random(n) < np.where(hot, 0.5, 0.1)).astype(int)
>>> result = bias_clusters(frame, features=["x", "wijk"], target="geselecteerd",
...                        max_iter=6, seed=1)
>>> top = result.most_deviating
>>> top.label, top.rate_fit > 0.3, result.tests[0].comparison.pvalue_adjusted < 0.001
(1, True, True)
>>> top.contrasts[0].feature
'x'
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from eerlijkheid.config import BINARY_FALSE, BINARY_TRUE, AuditConfig
from eerlijkheid.exceptions import ConfigError, DataError, InvalidValuesError
from eerlijkheid.i18n import get_language, message
from eerlijkheid.ingest import DEFAULT_MAX_ROWS, as_labels, categorical_columns, row_sample
from eerlijkheid.metrics import Disparity, compare_counts
from eerlijkheid.stats import TestResult, adjust_pvalues, two_proportion_test

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MISSING_LEVEL",
    "BiasCluster",
    "BiasClusters",
    "ClusterTest",
    "FeatureContrast",
    "bias_clusters",
]

#: Level given to a missing value of a categorical feature.
MISSING_LEVEL = "onbekend"
#: Label of the other cases in cluster comparisons.
REST_LABEL = "overige"

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Harm = Literal["higher", "lower"]


@dataclass(frozen=True)
class FeatureContrast:
    """How one feature distinguishes a cluster from the other cases.

    Attributes
    ----------
    feature : str
        The feature.
    kind : {'numeric', 'categorical'}
        How it was encoded.
    standardized_difference : float
        Numeric: ``(mean_cluster - mean_rest) / sqrt((var_cluster + var_rest) / 2)``;
        categorical: the same for the indicator of ``level``.  NaN when undefined.
    cluster_value, rest_value : float
        Numeric: the means (missing values left out); categorical: the shares of ``level``.
    level : str or None
        Categorical: the level most over-represented in the cluster.
    cluster_missing, rest_missing : float
        Shares of missing values of the feature.
    """

    feature: str
    kind: Literal["numeric", "categorical"]
    standardized_difference: float
    cluster_value: float
    rest_value: float
    level: str | None
    cluster_missing: float
    rest_missing: float


def _number(value: float, language: str, digits: int) -> str:
    if not math.isfinite(value):
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "nl" else text


def _percent(value: float, language: str) -> str:
    return _number(100 * value, language, 1) + "%" if math.isfinite(value) else "—"


@dataclass(frozen=True)
class BiasCluster:
    """One cluster: its size, rate and bias, and the features that set it apart.

    Attributes
    ----------
    label : int
        1, 2, ... by decreasing bias on the fit split.
    size_fit, size_held_out : int
        Cases (with a target) in the cluster in each split.
    rate_fit, rate_held_out : float
        The target rate in the cluster in each split (NaN for an empty cluster).
    rest_rate_fit : float
        The target rate of the other fit cases.
    bias_fit : float
        Harm-signed ``rate_fit - rest_rate_fit`` (positive: worse off).
    contrasts : tuple of FeatureContrast
        Every feature, most distinguishing first.
    """

    label: int
    size_fit: int
    size_held_out: int
    rate_fit: float
    rate_held_out: float
    rest_rate_fit: float
    bias_fit: float
    contrasts: tuple[FeatureContrast, ...]

    def describe(
        self, *, language: str | None = None, top: int = 3, min_difference: float = 0.2
    ) -> str:
        """Describe the cluster by its most distinguishing features, for a person.

        Parameters
        ----------
        language : {'nl', 'en'}, optional
            Default: the library language.
        top : int, default 3
            Largest number of features named.
        min_difference : float, default 0.2
            Features after the first are named only when the absolute standardized
            difference reaches this (0.2: Cohen's "small" effect), so the description does
            not list features that do not set the cluster apart.

        Returns
        -------
        str
            E.g. ``"leeftijd: gemiddeld 22,4 tegen 48,9 bij de overige zaken; ..."``.
        """
        lang = get_language() if language is None else language
        parts: list[str] = []
        for c in self.contrasts[:top]:
            if not math.isfinite(c.standardized_difference):
                continue
            if parts and abs(c.standardized_difference) < min_difference:
                break  # contrasts are sorted by decreasing absolute difference
            if c.kind == "numeric":
                parts.append(
                    message(
                        "cluster-numeric",
                        language=lang,
                        feature=c.feature,
                        cluster=_number(c.cluster_value, lang, 2),
                        rest=_number(c.rest_value, lang, 2),
                        smd=_number(c.standardized_difference, lang, 2),
                    )
                )
            else:
                parts.append(
                    message(
                        "cluster-level",
                        language=lang,
                        feature=c.feature,
                        level=c.level,
                        cluster=_percent(c.cluster_value, lang),
                        rest=_percent(c.rest_value, lang),
                        smd=_number(c.standardized_difference, lang, 2),
                    )
                )
        if not parts:
            return message("cluster-no-description", language=lang)
        return "; ".join(parts)


@dataclass(frozen=True)
class ClusterTest:
    """A cluster tested against the other cases on the held-out split.

    Attributes
    ----------
    label : int
        The cluster.
    comparison : Disparity
        Held-out rate of the cluster (group ``("cluster <label>",)``) against the other
        held-out cases (reference ``("overige",)``); ``test`` is one-sided in the harm
        direction and ``pvalue_adjusted`` is adjusted over the tested clusters.
    """

    label: int
    comparison: Disparity


@dataclass(frozen=True, eq=False)
class BiasClusters:
    """Bias-aware hierarchical clusters, the held-out test and the cluster descriptions.

    Attributes
    ----------
    target : str
        The binary target column.
    features : tuple of str
        The features clustered on.
    harm : {'higher', 'lower'}
        Which side of the target rate is worse.
    clusters : tuple of BiasCluster
        The final clusters, by decreasing bias on the fit split.
    tests : tuple of ClusterTest
        The held-out tests (empty with ``held_out=0`` or a single cluster).
    labels : ndarray of int64
        Cluster label per sampled row (0 for a row without a target or not kept).  Row-level: never
        publish.
    held_out_rows : ndarray of bool
        Whether each sampled row is in the held-out split.
    split_rule : {'bias', 'variance'}
        Which cluster is split next.
    n_clusters, min_cluster_size, max_iter, splits : int
        k per split, smallest child, attempted splits allowed, splits kept.
    held_out : float
        Fraction of rows held out.
    seed : int
        Seed of the split and of k-means.
    total_rows, rows : int
        Rows of the input and rows taken.
    sampled : bool
        Whether the rows are a sample.
    sample_method : str
        How the rows were taken.
    rows_without_target : int
        Rows left out because the target is missing.
    rows_excluded : int
        Rows left out by ``keep`` (e.g. the random arm, or the cases not selected).
    keep : mapping of str to bool
        The conditions of ``keep`` (empty: every row with a target).
    confidence_level, alpha : float
        Level of the intervals; significance level.
    adjustment : str
        Multiplicity adjustment over the tested clusters.
    method : str
        The method, in words.
    """

    target: str
    features: tuple[str, ...]
    harm: Harm
    clusters: tuple[BiasCluster, ...]
    tests: tuple[ClusterTest, ...]
    labels: IntArray = field(repr=False)
    held_out_rows: npt.NDArray[np.bool_] = field(repr=False)
    split_rule: Literal["bias", "variance"]
    n_clusters: int
    min_cluster_size: int
    max_iter: int
    splits: int
    held_out: float
    seed: int
    total_rows: int
    rows: int
    sampled: bool
    sample_method: str
    rows_without_target: int
    rows_excluded: int
    keep: Mapping[str, bool]
    confidence_level: float
    alpha: float
    adjustment: str
    method: str

    @property
    def most_deviating(self) -> BiasCluster | None:
        """The cluster with the highest bias on the fit split (``None``: no split was kept)."""
        return self.clusters[0] if len(self.clusters) > 1 else None

    def cluster(self, label: int) -> BiasCluster:
        """Return the cluster with ``label``.

        Parameters
        ----------
        label : int
            A cluster label.

        Returns
        -------
        BiasCluster
            The cluster.
        """
        for c in self.clusters:
            if c.label == label:
                return c
        raise ConfigError(
            message(
                "invalid-option",
                name="label",
                allowed=", ".join(str(c.label) for c in self.clusters),
                value=repr(label),
            )
        )

    def to_frame(self) -> pd.DataFrame:
        """Return one row per cluster: sizes, rates, bias, held-out test (aggregates only).

        Returns
        -------
        pandas.DataFrame
            With ``ratio``, ``ratio_low``, ``ratio_high``, ``pvalue``, ``pvalue_adjusted``
            for tested clusters (NaN otherwise).
        """
        import pandas as pd

        tests = {t.label: t.comparison for t in self.tests}
        rows: list[dict[str, object]] = []
        for c in self.clusters:
            d = tests.get(c.label)
            rows.append(
                {
                    "cluster": c.label,
                    "size_fit": c.size_fit,
                    "size_held_out": c.size_held_out,
                    "rate_fit": c.rate_fit,
                    "rest_rate_fit": c.rest_rate_fit,
                    "bias_fit": c.bias_fit,
                    "rate_held_out": c.rate_held_out,
                    "ratio": d.ratio if d else math.nan,
                    "ratio_low": d.ratio_interval.low if d else math.nan,
                    "ratio_high": d.ratio_interval.high if d else math.nan,
                    "pvalue": d.test.pvalue if d else math.nan,
                    "pvalue_adjusted": d.pvalue_adjusted if d else math.nan,
                    "top_feature": c.contrasts[0].feature if c.contrasts else None,
                }
            )
        frame: pd.DataFrame = pd.DataFrame(rows)
        return frame


# -- preparation ---------------------------------------------------------------------------


def _binary_target(
    values: npt.NDArray[Any], column: str, spellings: Mapping[str, bool] | None = None
) -> FloatArray:
    """0/1 with NaN for missing; anything else is an error naming the value."""
    if values.dtype == np.float64:
        bad = ~np.isnan(values) & (values != 0) & (values != 1)
        if bad.any():
            raise InvalidValuesError(
                message("cluster-target-not-binary", column=column, value=repr(values[bad][0]))
            )
        out: FloatArray = values.astype(np.float64)
        return out
    result = np.full(values.shape[0], np.nan)
    for i, value in enumerate(values.tolist()):
        if value is None:
            continue
        key = str(value).strip().lower()
        if spellings and key in spellings:
            result[i] = float(spellings[key])
        elif key in BINARY_TRUE:
            result[i] = 1.0
        elif key in BINARY_FALSE:
            result[i] = 0.0
        else:
            raise InvalidValuesError(
                message("cluster-target-not-binary", column=column, value=repr(value))
            )
    return result


@dataclass(frozen=True)
class _Design:
    fit: FloatArray
    held: FloatArray


def _design(
    columns: dict[str, npt.NDArray[Any]], features: Sequence[str], fit: npt.NDArray[np.bool_]
) -> _Design:
    blocks: list[FloatArray] = []
    for name in features:
        values = columns[name]
        if values.dtype == np.float64:
            missing = np.isnan(values)
            known = values[fit & ~missing]
            if known.size == 0:
                raise DataError(message("cluster-feature-empty", feature=name))
            filled = np.where(missing, float(np.median(known)), values)
            mean, sd = float(known.mean()), float(filled[fit].std())
            blocks.append(((filled - mean) / (sd if sd > 0 else 1.0))[:, None])
            if missing.any():
                blocks.append(missing.astype(np.float64)[:, None])
        else:
            labels = np.array([MISSING_LEVEL if v is None else v for v in values], dtype=object)
            levels = sorted(set(labels[fit].tolist()))
            blocks.append(np.column_stack([(labels == lev).astype(np.float64) for lev in levels]))
    matrix = np.ascontiguousarray(np.hstack(blocks))
    return _Design(fit=matrix[fit], held=matrix[~fit])


def _contrast(
    name: str, values: npt.NDArray[Any], inside: npt.NDArray[np.bool_]
) -> FeatureContrast:
    outside = ~inside

    def share(mask: npt.NDArray[np.bool_], where: npt.NDArray[np.bool_]) -> float:
        return float(mask[where].mean()) if where.any() else math.nan

    def smd(m1: float, v1: float, m2: float, v2: float) -> float:
        pooled = math.sqrt((v1 + v2) / 2) if math.isfinite(v1 + v2) else math.nan
        if not pooled > 0:
            return 0.0 if m1 == m2 else math.nan
        return (m1 - m2) / pooled

    if values.dtype == np.float64:
        missing = np.isnan(values)
        a, b = values[inside & ~missing], values[outside & ~missing]
        if a.size == 0 or b.size == 0:
            d, ma, mb = math.nan, math.nan, math.nan
        else:
            ma, mb = float(a.mean()), float(b.mean())
            d = smd(ma, float(a.var()), mb, float(b.var()))
        return FeatureContrast(
            name, "numeric", d, ma, mb, None, share(missing, inside), share(missing, outside)
        )
    labels = np.array([MISSING_LEVEL if v is None else v for v in values], dtype=object)
    missing = np.array([v is None for v in values], dtype=bool)
    best: tuple[float, str, float, float] | None = None
    for level in sorted(set(labels.tolist())):
        hit = labels == level
        p1, p2 = share(hit, inside), share(hit, outside)
        if not (math.isfinite(p1) and math.isfinite(p2)):
            continue
        d = smd(p1, p1 * (1 - p1), p2, p2 * (1 - p2))
        if best is None or (math.isfinite(d) and (not math.isfinite(best[0]) or d > best[0])):
            best = (d, level, p1, p2)
    if best is None:
        return FeatureContrast(
            name, "categorical", math.nan, math.nan, math.nan, None, math.nan, math.nan
        )
    return FeatureContrast(
        name,
        "categorical",
        best[0],
        best[2],
        best[3],
        best[1],
        share(missing, inside),
        share(missing, outside),
    )


# -- the clustering --------------------------------------------------------------------------


@dataclass
class _Node:
    label: int
    indices: IntArray
    bias: float
    spread: float
    final: bool = False
    model: Any = None
    children: list[_Node] = field(default_factory=list)


@cache
def _controller() -> Any:
    """One threadpool controller per process (finding the libraries costs ~10 ms)."""
    from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

    return ThreadpoolController()


def _one_thread() -> Any:
    """Return a context in which OpenMP (k-means) runs on one thread.

    Results and speed then do not depend on the machine's cores.
    """
    return _controller().limit(limits=1, user_api="openmp")


def _check(ok: bool, name: str, allowed: str, value: object) -> None:
    if not ok:
        raise ConfigError(message("invalid-option", name=name, allowed=allowed, value=repr(value)))


def bias_clusters(
    data: Any,
    *,
    features: Sequence[str],
    target: str,
    config: AuditConfig | None = None,
    harm: Harm | None = None,
    n_clusters: int = 2,
    min_cluster_size: int | None = None,
    max_iter: int = 20,
    split_rule: Literal["bias", "variance"] = "bias",
    held_out: float = 0.5,
    test_clusters: int = 1,
    n_init: int | Literal["auto"] = "auto",
    margin: float = 1e-5,
    max_rows: int = DEFAULT_MAX_ROWS,
    seed: int | None = None,
    keep: Mapping[str, bool] | None = None,
    binary_values: Mapping[str, bool] | None = None,
    categorical: Sequence[str] | None = None,
    missing_values: Sequence[str] = (),
) -> BiasClusters:
    """Find the cluster of cases that is worst off, and test it on held-out cases.

    Parameters
    ----------
    data : frame
        Rows are cases (pandas, polars, pyarrow, DuckDB, Dask, Spark): see
        :func:`eerlijkheid.ingest.row_sample`.
    features : sequence of str
        Columns to cluster on; numeric or categorical.  No protected attribute is needed.
    target : str
        Binary column whose rate is compared: the decision (selected), or an error
        indicator (e.g. a false positive).
    config : AuditConfig, optional
        ``favourable`` (default harm), ``confidence_level``, ``alpha``, ``adjust``.
    harm : {'higher', 'lower'}, optional
        Which side of the target rate is worse; default from ``config.favourable``
        (``"higher"`` for a burden).  An error indicator is always ``"higher"``.
    n_clusters : int, default 2
        k of each k-means split.
    min_cluster_size : int, optional
        Smallest number of fit cases in a child cluster; default
        ``max(30, ceil(0.02 * fit cases))``.
    max_iter : int, default 20
        Attempted splits (failed attempts count).
    split_rule : {'bias', 'variance'}, default 'bias'
        Split the cluster with the highest bias next, or (as the oracle) the one with the
        highest standard deviation of the target.
    held_out : float, default 0.5
        Fraction of rows held out for the test; 0 fits on every row and tests nothing.
    test_clusters : int, default 1
        Number of clusters (highest fit bias first) tested on the held-out split.
    n_init : int or 'auto', default 'auto'
        ``KMeans(n_init=...)``.
    margin : float, default 1e-5
        A split is kept when some child's bias is at least the parent's plus ``margin``.
    max_rows : int, default 1,000,000
        Largest number of rows taken (a seeded sample beyond).
    seed : int, optional
        Seed of the row sample, the split and k-means; default ``config.seed`` (0 without
        a config).
    keep : mapping of str to bool, optional
        Keep only the rows where each of these binary columns has this value, e.g.
        ``{"aselect": False}`` (leave out the random arm) or ``{"geselecteerd": True}``
        (the selected cases, to compare hit rates).  Missing values count as "no".
    binary_values : mapping of str to bool, optional
        Extra yes/no spellings of the target and the ``keep`` columns, as
        :attr:`eerlijkheid.config.Roles.binary_values`.
    categorical : sequence of str, optional
        Features that are categories although they hold numbers (default
        ``config.categorical``); the others follow :func:`eerlijkheid.ingest.is_categorical`.
    missing_values : sequence of str, optional
        Texts that mean "no value" in the features (``Roles.missing_values``).

    Returns
    -------
    BiasClusters
        Clusters, held-out tests, descriptions and the settings.

    Raises
    ------
    ConfigError
        For bad settings or no features.
    ColumnNotFoundError
        For a column that is not in the data.
    InvalidValuesError
        For a target value that is not binary.
    DataError
        For a numeric feature without any value in the fit split, or too few rows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> frame = pd.DataFrame({"x": rng.normal(size=400),
    ...                       "y": rng.integers(0, 2, size=400)})
    >>> result = bias_clusters(frame, features=["x"], target="y", max_iter=3)
    >>> result.rows, int(result.held_out_rows.sum()), result.harm
    (400, 200, 'higher')
    """
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    settings = AuditConfig() if config is None else config
    seed = settings.seed if seed is None else seed
    declared = tuple(settings.categorical if categorical is None else categorical)
    chosen_harm: Harm = harm if harm is not None else ("lower" if settings.favourable else "higher")
    feature_list = tuple(dict.fromkeys(features))
    _check(bool(feature_list), "features", "≥ 1 column", list(features))
    _check(target not in feature_list, "features", "columns other than the target", target)
    _check(chosen_harm in ("higher", "lower"), "harm", "'higher', 'lower'", harm)
    _check(split_rule in ("bias", "variance"), "split_rule", "'bias', 'variance'", split_rule)
    for name, value, low in (
        ("n_clusters", n_clusters, 2),
        ("max_iter", max_iter, 1),
        ("test_clusters", test_clusters, 1),
    ):
        _check(
            isinstance(value, int) and not isinstance(value, bool) and value >= low,
            name,
            f"{low}, {low + 1}, ...",
            value,
        )
    _check(
        isinstance(held_out, (int, float)) and 0.0 <= held_out < 1.0,
        "held_out",
        "0 <= x < 1",
        held_out,
    )
    conditions = dict(keep or {})
    for column in conditions:
        _check(column not in (target, *feature_list), "keep", "other columns", column)
    wanted = [*feature_list, target, *conditions]
    extra = {str(k).strip().lower(): bool(v) for k, v in (binary_values or {}).items()}
    # Rows in the canonical order of the features and the *decoded* yes/no columns, so that
    # neither the row order nor a yes/no spelling changes the sample or the split.
    decoded = {c: partial(_binary_target, column=c, spellings=extra) for c in (target, *conditions)}
    sample = row_sample(
        data,
        wanted,
        max_rows=max_rows,
        seed=seed,
        sort_keys=decoded,
        missing_values=missing_values,
    )
    y_all = _binary_target(sample.columns[target], target, extra)
    has_target = ~np.isnan(y_all)
    excluded = np.zeros(y_all.shape[0], dtype=bool)
    for column, value in conditions.items():
        excluded |= (_binary_target(sample.columns[column], column, extra) == 1.0) != bool(value)
    rows = np.flatnonzero(has_target & ~excluded)
    kinds = categorical_columns({f: sample.columns[f] for f in feature_list}, declared=declared)
    columns = {
        name: (as_labels(sample.columns[name]) if kinds[name] else sample.columns[name])[rows]
        for name in feature_list
    }
    y = y_all[rows]
    n = rows.size
    rng = np.random.default_rng(seed)
    n_held = round(held_out * n)
    held = np.zeros(n, dtype=bool)
    held[rng.permutation(n)[:n_held]] = True
    fit = ~held
    n_fit = int(fit.sum())
    size = math.ceil(0.02 * n_fit) if min_cluster_size is None else min_cluster_size
    if min_cluster_size is None:
        size = max(30, size)
    _check(isinstance(size, int) and size >= 1, "min_cluster_size", "1, 2, ...", size)
    if n_fit < 2 * size:
        raise DataError(message("cluster-too-few-rows", rows=n_fit, needed=2 * size))
    design = _design(columns, feature_list, fit)
    y_fit = y[fit]
    sign = 1.0 if chosen_harm == "higher" else -1.0
    total_fit = float(y_fit.sum())

    def bias_of(idx: IntArray) -> float:
        rest = n_fit - idx.size
        if rest == 0 or idx.size == 0:
            return 0.0
        inside = float(y_fit[idx].sum())
        return sign * (inside / idx.size - (total_fit - inside) / rest)

    root = _Node(0, np.arange(n_fit, dtype=np.int64), 0.0, float(y_fit.std()))
    leaves = [root]
    next_label = 1
    splits = 0
    for _ in range(max_iter):
        open_leaves = [leaf for leaf in leaves if not leaf.final]
        if not open_leaves:
            break
        if split_rule == "bias":
            node = max(open_leaves, key=lambda leaf: (leaf.bias, -leaf.label))
        else:
            node = max(open_leaves, key=lambda leaf: (leaf.spread, -leaf.label))
        model = KMeans(n_clusters=n_clusters, n_init=n_init, random_state=seed)
        with warnings.catch_warnings(), _one_thread():
            # fewer distinct points than clusters: the split fails the size check below
            warnings.simplefilter("ignore", ConvergenceWarning)
            assigned = model.fit_predict(design.fit[node.indices])
        counts = np.bincount(assigned, minlength=n_clusters)
        children_idx = [node.indices[assigned == k] for k in range(n_clusters)]
        child_bias = [bias_of(idx) for idx in children_idx]
        if counts.min() < size or max(child_bias) < node.bias + margin:
            node.final = True
            continue
        children = []
        for k, (idx, b) in enumerate(zip(children_idx, child_bias, strict=True)):
            label = node.label if k == 0 else next_label
            if k > 0:
                next_label += 1
            children.append(_Node(label, idx, b, float(y_fit[idx].std())))
        node.model, node.children = model, children
        leaves = [leaf for leaf in leaves if leaf is not node] + children
        splits += 1

    # final labels by decreasing fit bias (ties: the older label)
    ordered = sorted(leaves, key=lambda leaf: (-leaf.bias, leaf.label))
    final_label = {id(leaf): i + 1 for i, leaf in enumerate(ordered)}
    fit_labels = np.zeros(n_fit, dtype=np.int64)
    for leaf in leaves:
        fit_labels[leaf.indices] = final_label[id(leaf)]
    held_labels = np.zeros(int(held.sum()), dtype=np.int64)
    queue: list[tuple[_Node, IntArray]] = [(root, np.arange(held_labels.size, dtype=np.int64))]
    while queue:
        node, idx = queue.pop()
        if not node.children:
            held_labels[idx] = final_label[id(node)]
            continue
        if idx.size == 0:
            continue
        with _one_thread():
            part = node.model.predict(design.held[idx])
        queue.extend((child, idx[part == k]) for k, child in enumerate(node.children))
    labels = np.zeros(n, dtype=np.int64)
    labels[fit] = fit_labels
    labels[held] = held_labels
    y_held = y[held]

    clusters = []
    for leaf in ordered:
        label = final_label[id(leaf)]
        inside_fit = fit_labels == label
        inside_held = held_labels == label
        rest_fit = ~inside_fit
        inside_all = labels == label
        contrasts = sorted(
            (_contrast(name, columns[name], inside_all) for name in feature_list),
            key=lambda c: (
                -abs(c.standardized_difference) if math.isfinite(c.standardized_difference) else 1.0
            ),
        )
        clusters.append(
            BiasCluster(
                label=label,
                size_fit=int(inside_fit.sum()),
                size_held_out=int(inside_held.sum()),
                rate_fit=float(y_fit[inside_fit].mean()) if inside_fit.any() else math.nan,
                rate_held_out=float(y_held[inside_held].mean()) if inside_held.any() else math.nan,
                rest_rate_fit=float(y_fit[rest_fit].mean()) if rest_fit.any() else math.nan,
                bias_fit=leaf.bias,
                contrasts=tuple(contrasts),
            )
        )

    tests: list[ClusterTest] = []
    if held.any() and len(clusters) > 1:
        chosen = clusters[:test_clusters]
        found: list[Disparity] = []
        for c in chosen:
            inside = held_labels == c.label
            x1, n1 = float(y_held[inside].sum()), float(inside.sum())
            x2, n2 = float(y_held[~inside].sum()), float((~inside).sum())
            (d,) = compare_counts(
                metric="target_rate",
                attributes=("cluster",),
                groups=[(f"cluster {c.label}",)],
                reference=(REST_LABEL,),
                reference_rule="complement",
                group_counts=([x1], [n1]),
                reference_counts=(x2, n2),
                harm=chosen_harm,
                confidence_level=settings.confidence_level,
                adjust="none",
            )
            alternative: Literal["greater", "less"] = (
                "greater" if chosen_harm == "higher" else "less"
            )
            stat, p, used = two_proportion_test(x1, n1, x2, n2, alternative=alternative)
            found.append(
                replace(
                    d,
                    test=TestResult(float(stat), float(p), str(used), alternative),
                )
            )
        adjusted = adjust_pvalues([d.test.pvalue for d in found], method=settings.adjust)
        tests = [
            ClusterTest(c.label, replace(d, pvalue_adjusted=float(p), adjustment=settings.adjust))
            for c, d, p in zip(chosen, found, adjusted.tolist(), strict=True)
        ]
    # Fitted on the rows in canonical order; reported in the order the rows were taken.
    labels_out = np.zeros(sample.rows, dtype=np.int64)
    labels_out[sample.order[rows]] = labels
    held_out_rows = np.zeros(sample.rows, dtype=bool)
    held_out_rows[sample.order[rows]] = held
    labels_out.setflags(write=False)
    held_out_rows.setflags(write=False)
    return BiasClusters(
        target=target,
        features=feature_list,
        harm=chosen_harm,
        clusters=tuple(clusters),
        tests=tuple(tests),
        labels=labels_out,
        held_out_rows=held_out_rows,
        split_rule=split_rule,
        n_clusters=n_clusters,
        min_cluster_size=size,
        max_iter=max_iter,
        splits=splits,
        held_out=float(held_out),
        seed=seed,
        total_rows=sample.total_rows,
        rows=sample.rows,
        sampled=sample.sampled,
        sample_method=sample.method,
        rows_without_target=int((~has_target & ~excluded).sum()),
        rows_excluded=int(excluded.sum()),
        keep=MappingProxyType({k: bool(v) for k, v in conditions.items()}),
        confidence_level=settings.confidence_level,
        alpha=settings.alpha,
        adjustment=settings.adjust,
        method=(
            f"HBAC with k-means (k={n_clusters}, split rule '{split_rule}'); "
            "numeric features standardized on the fit split, median-imputed with a missing "
            "indicator; categorical one-hot with missing as a level; "
            f"held-out split {held_out:g}, one-sided two-proportion test "
            f"({'greater' if chosen_harm == 'higher' else 'less'}), {settings.adjust}"
        ),
    )
