"""One call, one result: :func:`audit` runs every analysis and returns an :class:`AuditResult`.

The result holds the findings (most severe first), every estimate behind them (rates per
group, comparisons with intervals and tests, stratified comparisons, power checks), the
coverage of the Discriminatietoets (per part: the findings that inform it and the
questions the data could not answer), and provenance (library version, fingerprints of
the configuration and of the count table, row and group counts).  Nothing in it carries a
timestamp, so the same input and settings give a byte-identical :meth:`AuditResult.to_json`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from eerlijkheid._version import __version__
from eerlijkheid.analyses import (
    ChainEvidence,
    DiscretionEvidence,
    GroundMatch,
    ScoreEvidence,
    StratifiedComparison,
    SufficiencyCheck,
    SuitabilityEvidence,
    analyse_chain,
    analyse_discretion,
    analyse_disparity,
    analyse_scores,
    analyse_strata,
    analyse_sufficiency,
    analyse_suitability,
    find_direct_grounds,
)
from eerlijkheid.analyses.clusters import BiasClusters, bias_clusters
from eerlijkheid.analyses.proxies import ProxyEvidence, proxy_strength
from eerlijkheid.analyses.subgroups import SubgroupScan, subgroup_scan
from eerlijkheid.config import AuditConfig, Role, Roles
from eerlijkheid.configfile import AuditSpec, load_spec
from eerlijkheid.counts import CountTable
from eerlijkheid.disclosure import (
    MAX_SOLVES,
    TYPE_KEY,
    Cube,
    Tally,
    Target,
    check_threshold,
    is_small,
    protect,
    walk,
)
from eerlijkheid.exceptions import ColumnNotFoundError, ConfigError
from eerlijkheid.findings import (
    SEVERITY_ORDER,
    Finding,
    derive_findings,
    derive_process_findings,
    group_findings,
    proxy_findings,
)
from eerlijkheid.findings._rules import resolve_explained
from eerlijkheid.i18n import get_language, message
from eerlijkheid.ingest import (
    column_names,
    did_you_mean,
    encode_cells,
    feature_outcome_tables,
    read_table,
)
from eerlijkheid.metrics import METRICS, Disparity, GroupMetric, group_metrics, to_frame
from eerlijkheid.toets import Catalogue, QuestionCoverage, coverage, load_catalogue

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEMA_VERSION", "AuditResult", "PartCoverage", "PlanItem", "Provenance", "audit"]

#: Version of the JSON layout of :meth:`AuditResult.to_dict`.
SCHEMA_VERSION = 1
#: Fewest selected profile-arm cases for the bias-aware clustering inside :func:`audit`
#: (it holds half of them out, and a cluster needs at least 30 fit cases).
MIN_ROWS_FOR_CLUSTERS = 1_000


@dataclass(frozen=True)
class Provenance:
    """Where a result came from; no timestamps, so results can be compared byte for byte.

    Attributes
    ----------
    library_version : str
        The eerlijkheid version.
    schema_version : int
        Version of the JSON layout.
    config_fingerprint : str
        SHA-256 (first 16 hex digits) of the roles and settings.
    data_fingerprint : str
        SHA-256 (first 16 hex digits) of the count table (levels, cells and counts).
    rows : int
        Number of cases.
    cells : int
        Number of observed cells in the count table.
    groups : mapping of str to int
        Number of levels per group attribute.
    backend : str
        Engine that computed the counts.
    rounded : bool
        Whether the counts were declared rounded.
    catalogue_version : str
        Version of the toets catalogue used.
    """

    library_version: str
    schema_version: int
    config_fingerprint: str
    data_fingerprint: str
    rows: int
    cells: int
    groups: Mapping[str, int]
    backend: str
    rounded: bool
    catalogue_version: str


@dataclass(frozen=True)
class PartCoverage:
    """What the audit says about one part of the toets.

    Attributes
    ----------
    part : str
        Part id (e.g. ``"deel-3"``).
    title : str
        Its title, marked as a working title when not verified.
    verified : bool
        Whether the title is the toets's verified title.
    findings : tuple of str
        Fingerprints of the findings that inform this part.
    codes : tuple of str
        Their codes (sorted, unique).
    questions : tuple of QuestionCoverage
        The part's questions: answerable with this data or not, and what is missing.
    """

    part: str
    title: str
    verified: bool
    findings: tuple[str, ...]
    codes: tuple[str, ...]
    questions: tuple[QuestionCoverage, ...]


@dataclass(frozen=True)
class PlanItem:
    """One line of the research plan (toets part 2): a question and what answers it.

    Attributes
    ----------
    question : str
        Question id.
    part : str
        The part it informs.
    text : str
        The question, in the requested language.
    answerable : bool
        Whether the supplied data can answer it.
    missing : tuple of str
        Data roles that are missing.
    missing_text : str
        What data would answer it (empty when answerable).
    """

    question: str
    part: str
    text: str
    answerable: bool
    missing: tuple[str, ...]
    missing_text: str


@dataclass(frozen=True)
class AuditResult:
    """Everything an audit found, with the evidence behind it.

    Attributes
    ----------
    findings : tuple of Finding
        Most severe first, then by code and fingerprint.
    comparisons : tuple of Disparity
        Every group-versus-reference comparison (selection, random arm, hit and error
        rates), with intervals, tests and counts.
    rates : tuple of GroupMetric
        Per-group metrics with intervals.
    stratified : tuple of StratifiedComparison
        Crude versus Mantel–Haenszel comparisons per stratum.
    sufficiency : tuple of SufficiencyCheck
        Power per selection-rate comparison.
    direct_grounds : tuple of GroundMatch
        Input variables that are, or stand for, a protected ground.
    chain : ChainEvidence or None
        The process chain (with ``stages``): where a disparity arises.
    discretion : DiscretionEvidence or None
        Decisions at equal risk score and the spread between handlers.
    suitability : SuitabilityEvidence or None
        Profile versus random checks, and inputs against the outcome on the random arm
        (``None`` for a favourable decision, where suitability of a profile is not asked).
    scores : ScoreEvidence or None
        With a score and an outcome: calibration, AUC and score distributions per group.
    proxies : ProxyEvidence or None
        With rows and ``inputs`` (and ``row_analyses``): how strongly each input (and all
        inputs together) predicts each group attribute: indirect distinction.
    subgroups : SubgroupScan or None
        With two or more group attributes and ``order >= 2``: every level combination
        against the rest, the worst-off first, and which attributes drive each gap.
    clusters : BiasClusters or None
        With rows, ``inputs``, an outcome and a burden decision (and ``row_analyses``):
        bias-aware clustering of the profile's selected cases on the inputs, looking for
        a cluster with a lower hit rate (checked with less reason), tested on held-out
        cases.
    coverage : tuple of PartCoverage
        Per toets part: the findings that inform it, and the questions left open.
    provenance : Provenance
        Versions, fingerprints and sizes.
    roles : Roles
        The column roles.
    config : AuditConfig
        The settings.
    language : str
        Language of the messages.
    """

    findings: tuple[Finding, ...]
    comparisons: tuple[Disparity, ...]
    rates: tuple[GroupMetric, ...]
    stratified: tuple[StratifiedComparison, ...]
    sufficiency: tuple[SufficiencyCheck, ...]
    direct_grounds: tuple[GroundMatch, ...]
    chain: ChainEvidence | None
    discretion: DiscretionEvidence | None
    suitability: SuitabilityEvidence | None
    scores: ScoreEvidence | None
    proxies: ProxyEvidence | None
    subgroups: SubgroupScan | None
    clusters: BiasClusters | None
    coverage: tuple[PartCoverage, ...]
    provenance: Provenance
    roles: Roles
    config: AuditConfig
    language: str
    _plan: tuple[PlanItem, ...] = ()
    _cube: Cube | None = field(default=None, repr=False, compare=False)
    _published: dict[tuple[bool, int], str] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        # A summary of a few lines; the evidence is in the attributes and ``to_json()``.
        p = self.provenance
        by_severity = Counter(f.severity for f in self.findings)
        severities = ", ".join(
            f"{level} {by_severity[level]}"
            for level in reversed(SEVERITY_ORDER)
            if by_severity[level]
        )
        by_code = Counter(f.code for f in self.findings).most_common()
        codes = ", ".join(f"{code} ×{count}" for code, count in by_code[:8])
        if len(by_code) > 8:
            codes += f", … {len(by_code) - 8} more codes"
        optional = ("chain", "discretion", "suitability", "scores", "proxies", "subgroups")
        analyses = [name for name in (*optional, "clusters") if getattr(self, name) is not None]
        groups = ", ".join(f"{k} ({v})" for k, v in list(p.groups.items())[:6])
        if len(p.groups) > 6:
            groups += f", … {len(p.groups) - 6} more"
        return (
            f"AuditResult(rows={p.rows}, cells={p.cells}, backend={p.backend!r}, "
            f"language={self.language!r},\n"
            f"    groups: {groups},\n"
            f"    findings: {len(self.findings)}"
            + (f" ({severities})" if severities else "")
            + (f"; top codes: {codes}" if codes else "")
            + ",\n"
            f"    evidence: {len(self.comparisons)} comparisons, {len(self.rates)} group "
            f"rates" + "".join(f", {name}" for name in analyses) + ")"
        )

    def table(self) -> pd.DataFrame:
        """Return a tidy table of every comparison, one row each, with intervals and counts.

        Returns
        -------
        pandas.DataFrame
            The columns of :func:`eerlijkheid.metrics.to_frame`.
        """
        return to_frame(self.comparisons)

    def plan(self) -> tuple[PlanItem, ...]:
        """Return the research-plan view (toets part 2): each question and what answers it.

        Returns
        -------
        tuple of PlanItem
            In catalogue order.
        """
        return self._plan

    def to_dict(self, *, suppress: bool = True, threshold: int | None = None) -> dict[str, Any]:
        """Return the result as JSON-ready data (NaN and infinities become ``null``).

        Parameters
        ----------
        suppress : bool
            Disclosure control (default), so the output is publishable (see
            :mod:`eerlijkheid.disclosure`): small counts are suppressed (primary), further
            counts are hidden until no suppressed count can be derived from the published
            ones (secondary), and every number derived from them goes too.  A suppressed
            record keeps its labels, has its numbers set to ``null`` and
            ``"suppressed": true``; a suppressed finding keeps its code and subject but
            not its severity, certainty, evidence or numbers.  ``False`` gives every
            number, for internal use only.
        threshold : int, optional
            Suppression threshold (default ``config.suppression_threshold``); at least
            :data:`eerlijkheid.disclosure.MIN_THRESHOLD`.

        Returns
        -------
        dict
            Keys ``schema_version``, ``provenance``, ``roles``, ``config``, ``language``,
            ``suppression`` (the output-checking summary), ``findings``, ``coverage``,
            ``plan``, ``comparisons``, ``rates``, ``stratified``, ``sufficiency``,
            ``direct_grounds``, ``chain``, ``discretion``, ``suitability``, ``scores``,
            ``proxies``, ``subgroups``, ``clusters`` (summaries: the worst-off
            subgroups, the clusters without row labels).

        Raises
        ------
        ConfigError
            When ``threshold`` is below :data:`eerlijkheid.disclosure.MIN_THRESHOLD`.
        """
        limit = self.config.suppression_threshold if threshold is None else threshold
        if suppress:
            limit = check_threshold(limit, name="threshold")
        key = (suppress, limit)
        if key not in self._published:
            self._published[key] = json.dumps(
                self._build_dict(suppress=suppress, limit=limit),
                sort_keys=True,
                ensure_ascii=False,
                allow_nan=False,
            )
        loaded: dict[str, Any] = json.loads(self._published[key])
        return loaded

    def _tagged(self) -> dict[str, Any]:
        """Return the JSON-ready tree with every record's type under ``TYPE_KEY``."""

        def stratified(s: StratifiedComparison) -> dict[str, Any]:
            mh = s.stratified
            ci = mh.confidence_interval(confidence_level=self.config.confidence_level)
            return {
                TYPE_KEY: "StratifiedComparison",
                "attribute": s.attribute,
                "group": s.group,
                "reference": s.reference,
                "stratum": s.stratum,
                "crude": s.crude,
                "statistic": mh.statistic,
                "pvalue": mh.pvalue,
                "pvalue_adjusted": s.pvalue_adjusted,
                "common_odds_ratio": mh.common_odds_ratio,
                "common_odds_ratio_low": ci.low,
                "common_odds_ratio_high": ci.high,
                "homogeneity_pvalue": mh.homogeneity_pvalue,
                "homogeneity_pvalue_adjusted": s.homogeneity_pvalue_adjusted,
                "strata_used": mh.n_strata_used,
                "method": mh.method,
                "attributes": s.attributes,
                "rate_ratio": s.rate_ratio,
                "rate_ratio_low": s.rate_ratio_interval.low,
                "rate_ratio_high": s.rate_ratio_interval.high,
                "strata": s.strata,
                "selected_in_one_stratum": s.selected_in_one_stratum,
            }

        findings = []
        for f in self.findings:
            record = {
                "fingerprint": f.fingerprint,
                **{k.name: getattr(f, k.name) for k in fields(f)},
            }
            record["evidence"] = {TYPE_KEY: "FindingEvidence", **dict(f.evidence)}
            findings.append(record)
        data = {
            "schema_version": SCHEMA_VERSION,
            "provenance": self.provenance,
            "roles": self.roles,
            "config": self.config,
            "language": self.language,
            "findings": findings,
            "coverage": self.coverage,
            "plan": self._plan,
            "comparisons": self.comparisons,
            "rates": self.rates,
            "stratified": [stratified(s) for s in self.stratified],
            "sufficiency": self.sufficiency,
            "direct_grounds": self.direct_grounds,
            "chain": self.chain,
            "discretion": self.discretion,
            "suitability": self.suitability,
            "scores": self.scores,
            "proxies": self.proxies,
            "subgroups": _scan_record(self.subgroups),
            "clusters": _clusters_record(self.clusters, self.language),
        }
        tree: dict[str, Any] = _plain(data, tag=True)
        return tree

    def _build_dict(self, *, suppress: bool, limit: int) -> dict[str, Any]:
        tree = self._tagged()
        if not suppress:
            result: dict[str, Any] = walk(tree, 0)
            result["suppression"] = {"applied": False, "threshold": limit}
            return result
        plan = _disclosure_plan(tree, self._cube, self.roles, limit)
        tally = Tally()
        result = walk(tree, limit, forced=plan.forced, modelled=_MODELLED, tally=tally)
        suppressed_findings = 0
        for i, record in enumerate(result["findings"]):
            small = bool(record["evidence"].get("suppressed")) or ("findings", i) in plan.forced
            record["suppressed"] = small
            if small:
                suppressed_findings += 1
                record["evidence"] = {"suppressed": True}
                record["severity"] = None
                record["certainty"] = None
                record["messages"] = {
                    lang: message(
                        "finding-suppressed", language=lang, code=record["code"], threshold=limit
                    )
                    for lang in record["messages"]
                }
                record["message"] = record["messages"][self.language]
        tally.sections.discard("findings")
        result["suppression"] = {
            "applied": True,
            "threshold": limit,
            "rule": "threshold",
            "protection": limit,
            "records": tally.records,
            "primary": tally.primary,
            "secondary": tally.secondary + plan.secondary,
            "derived": tally.derived,
            "elements": tally.elements,
            "findings": suppressed_findings,
            "unprotected": plan.unprotected,
            "checked": sorted(tally.sections | {"findings"}),
        }
        return result

    def to_json(
        self, *, indent: int | None = 2, suppress: bool = True, threshold: int | None = None
    ) -> str:
        """Return canonical JSON: sorted keys, no NaN, stable order, UTF-8 text.

        Parameters
        ----------
        indent : int or None
            Indentation (``None``: compact).
        suppress, threshold
            Small-cell suppression, as in :meth:`to_dict` (on by default).

        Returns
        -------
        str
            The JSON document.
        """
        return json.dumps(
            self.to_dict(suppress=suppress, threshold=threshold),
            indent=indent,
            sort_keys=True,
            ensure_ascii=False,
            allow_nan=False,
        )


def _plain(value: Any, *, tag: bool = False) -> Any:
    """Convert results to JSON-ready data: dataclasses to dicts, tuples to lists, NaN to None.

    With ``tag``, every dataclass record carries its type name under ``TYPE_KEY`` (for the
    disclosure walker, which removes it).
    """
    if is_dataclass(value) and not isinstance(value, type):
        out = {
            f.name: _plain(getattr(value, f.name), tag=tag)
            for f in fields(value)
            if not f.name.startswith("_")
        }
        return {TYPE_KEY: type(value).__name__, **out} if tag else out
    if isinstance(value, Mapping):
        return {str(k): _plain(v, tag=tag) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, tag=tag) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v, tag=tag) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Path):
        return value.as_posix()
    return str(value)


def _check_reference(table: CountTable, settings: AuditConfig) -> None:
    """Refuse a reference for an attribute that is not a group, or a label that is absent."""
    for attribute, label in settings.reference.items():
        if attribute not in table.groups:
            raise ConfigError(
                message(
                    "reference-not-a-group",
                    attribute=attribute,
                    suggestion=did_you_mean(attribute, table.groups),
                    groups=", ".join(repr(g) for g in table.groups),
                )
            )
        levels = table.levels(attribute)
        if label not in levels:
            raise ConfigError(
                message(
                    "reference-label-not-found",
                    attribute=attribute,
                    label=label,
                    suggestion=did_you_mean(label, levels),
                    available=", ".join(repr(v) for v in levels),
                )
            )


def _scan_record(scan: SubgroupScan | None) -> dict[str, Any] | None:
    """Summarise the scan: settings, counts, the worst-off and their drivers (no full family)."""
    if scan is None:
        return None
    return {
        TYPE_KEY: "SubgroupScan",
        "metric": scan.metric,
        "attributes": scan.attributes,
        "max_order": scan.max_order,
        "order_capped": scan.order_capped,
        "min_size": scan.min_size,
        "harm": scan.harm,
        "arm": scan.arm,
        "tested": len(scan.tested),
        "not_tested": len(scan.not_tested),
        "family_size": scan.family_size,
        "adjustment": scan.adjustment,
        "top": [
            {**_plain(s.comparison, tag=True), TYPE_KEY: "SubgroupTop", "rank": s.rank}
            for s in scan.top
        ],
        "drivers": scan.drivers,
        "method": scan.method,
    }


def _clusters_record(result: BiasClusters | None, language: str) -> dict[str, Any] | None:
    """Summarise the clustering without its row-level labels (never published)."""
    if result is None:
        return None
    clusters = []
    for c in result.clusters:
        clusters.append(
            {
                TYPE_KEY: "Cluster",
                "label": c.label,
                # counts of the fit split, so small clusters are suppressed like any cell
                "numerator": round(c.rate_fit * c.size_fit),
                "denominator": c.size_fit,
                "size_held_out": c.size_held_out,
                "rate_fit": c.rate_fit,
                "rate_held_out": c.rate_held_out,
                "rest_rate_fit": c.rest_rate_fit,
                "bias_fit": c.bias_fit,
                "description": c.describe(language=language),
                "contrasts": c.contrasts,
            }
        )
    return {
        TYPE_KEY: "BiasClusters",
        "target": result.target,
        "features": result.features,
        "harm": result.harm,
        "clusters": clusters,
        "tests": result.tests,
        "split_rule": result.split_rule,
        "n_clusters": result.n_clusters,
        "min_cluster_size": result.min_cluster_size,
        "splits": result.splits,
        "held_out": result.held_out,
        "seed": result.seed,
        "total_rows": result.total_rows,
        "rows": result.rows,
        "sampled": result.sampled,
        "sample_method": result.sample_method,
        "rows_without_target": result.rows_without_target,
        "rows_excluded": result.rows_excluded,
        "keep": result.keep,
        "adjustment": result.adjustment,
        "method": result.method,
    }


# ---------------------------------------------------------------------------------------
# Disclosure control: the published counts as boxes of one cube (secondary suppression)
# ---------------------------------------------------------------------------------------

#: Lists whose records :func:`_disclosure_plan` protects as linked tables (the walker's
#: sibling rule is for the other lists).
_MODELLED = frozenset(
    {
        ("comparisons",),
        ("rates",),
        ("sufficiency",),
        ("findings",),
        ("subgroups", "top"),
        ("suitability", "by_group"),
        ("suitability", "sample_sizes"),
    }
)
_PROFILE, _RANDOM, _ALL = "profile", "random", "all"
#: Largest cube whose linked tables get the LP-checked secondary suppression.
_MAX_LP_CELLS = 4_000
_RULES = ("largest", "explicit", "most-favourable", "complement")
#: ``[decision, outcome]`` cells of the random-arm and hit-rate counts.
_OBSERVED = np.array([[True, True, False], [True, True, False]])
_HITS = np.array([[False, True, False], [False, True, False]])
_SELECTED_HITS = np.array([[False, False, False], [False, True, False]])
_SELECTED_OBSERVED = np.array([[False, False, False], [True, True, False]])
_SELECTED = np.array([[False, False, False], [True, True, True]])
_EVERYONE = np.ones((2, 3), dtype=bool)


@dataclass(frozen=True)
class _Plan:
    """Records to blank (paths), how many of them only the secondary rule hides."""

    forced: frozenset[tuple[str | int, ...]]
    secondary: int
    unprotected: int


def _cube_of(table: CountTable) -> Cube | None:
    """Return the cube of group attributes × arm × decision × outcome (``None``: weighted)."""
    if table.weighted:
        return None
    names = [
        *table.groups,
        *table.names_with_role(Role.RANDOM_SAMPLE)[:1],
        *table.names_with_role(Role.DECISION)[:1],
        *table.names_with_role(Role.OUTCOME)[:1],
    ]
    return Cube(
        names=tuple(names),
        levels=tuple(table.levels(n) for n in names),
        counts=table.dense(names),
    )


class _Boxes:
    """Maps a published record to the boxes of the cube its counts are."""

    def __init__(self, cube: Cube, roles: Roles) -> None:
        self.cube = cube
        self.axis = {name: i for i, name in enumerate(cube.names)}
        self.random = roles.random_sample if roles.random_sample in self.axis else None
        self.decision = roles.decision
        self.outcome = roles.outcome if roles.outcome in self.axis else None

    def box(
        self, arm: str, attributes: Sequence[str], group: Sequence[str], cells: np.ndarray
    ) -> tuple[tuple[int, tuple[int, ...]], ...] | None:
        parts: dict[int, tuple[int, ...]] = {}
        if len(attributes) != len(group):
            return None
        for attribute, label in zip(attributes, group, strict=True):
            axis = self.axis.get(attribute)
            if axis is None or label not in self.cube.levels[axis]:
                return None
            parts[axis] = (self.cube.levels[axis].index(label),)
        if self.random is not None and arm != _ALL:
            parts[self.axis[self.random]] = (0,) if arm == _PROFILE else (1,)
        rows: npt.NDArray[np.bool_] = np.asarray(cells.any(axis=1))
        cols: npt.NDArray[np.bool_] = np.asarray(cells.any(axis=0))
        if not np.array_equal(cells, np.outer(rows, cols)):
            return None  # not a box: left to the primary rule
        decision = self.axis[self.decision]
        levels = len(self.cube.levels[decision])
        chosen = tuple(i for i in range(min(levels, 2)) if rows[i])
        if len(chosen) < levels:
            parts[decision] = chosen
        if self.outcome is None:
            if not cols.all():
                return None
        else:
            axis = self.axis[self.outcome]
            levels = len(self.cube.levels[axis])
            chosen = tuple(i for i in range(min(levels, 3)) if cols[i])
            if len(chosen) < levels:
                parts[axis] = chosen
        return tuple(sorted(parts.items()))

    def sides(self, record: Mapping[str, Any]) -> list[tuple[Any, Any, float, float]] | None:
        """Return the count pairs as ``(x, n, x value, n value)`` (``x``, ``n``: targets)."""
        attributes = list(record.get("attributes") or ())
        group = list(record.get("group") or ())
        metric = record.get("metric")
        if "profile_hits" in record:  # a random-sample size row
            group = group if attributes else []
            hits = self.box(_PROFILE, attributes, group, _SELECTED_HITS)
            cases = self.box(_PROFILE, attributes, group, _SELECTED_OBSERVED)
            present = self.box(_RANDOM, attributes, group, _OBSERVED)
            population = self.box(_ALL, attributes, group, _EVERYONE)
            if None in (hits, cases, present, population) or self.random is None:
                return None
            return [
                ((hits, None), (cases, None), record["profile_hits"], record["profile_cases"]),
                ((present, None), (present, None), record["present"], record["present"]),
                (
                    (population, None),
                    (population, None),
                    record["population"],
                    record["population"],
                ),
            ]
        if "group_numerator" not in record:
            if "numerator" not in record or not isinstance(metric, str) or metric not in METRICS:
                return None
            m = METRICS[metric]
            x = self.box(_PROFILE, attributes, group, m.numerator)
            n = self.box(
                _PROFILE,
                [] if m.kind == "share" else attributes,
                [] if m.kind == "share" else group,
                m.denominator,
            )
            if x is None or n is None:
                return None
            return [((x, None), (n, None), record["numerator"], record["denominator"])]
        reference = list(record.get("reference") or ())
        rule = record.get("reference_rule")
        values = (
            record["group_numerator"],
            record["group_denominator"],
            record["reference_numerator"],
            record["reference_denominator"],
        )
        if metric == "selection_share_vs_random_sample" and self.random is not None:
            boxes = [
                self.box(_PROFILE, attributes, group, _SELECTED),
                self.box(_PROFILE, [], [], _SELECTED),
                self.box(_RANDOM, attributes, group, _EVERYONE),
                self.box(_RANDOM, [], [], _EVERYONE),
            ]
        elif metric == "hit_rate_vs_random_sample" and self.random is not None:
            group = group if attributes else []
            boxes = [
                self.box(_PROFILE, attributes, group, _SELECTED_HITS),
                self.box(_PROFILE, attributes, group, _SELECTED_OBSERVED),
                self.box(_RANDOM, attributes, group, _HITS),
                self.box(_RANDOM, attributes, group, _OBSERVED),
            ]
        elif isinstance(metric, str) and metric in METRICS and rule in _RULES:
            m = METRICS[metric]
            boxes = [
                self.box(_PROFILE, attributes, group, m.numerator),
                self.box(_PROFILE, attributes, group, m.denominator),
            ]
            if rule == "complement":
                boxes += [
                    self.box(_PROFILE, [], [], m.numerator),
                    self.box(_PROFILE, [], [], m.denominator),
                ]
            else:
                boxes += [
                    self.box(_PROFILE, attributes, reference, m.numerator),
                    self.box(_PROFILE, attributes, reference, m.denominator),
                ]
        else:
            return None
        if any(b is None for b in boxes):
            return None
        gx, gn, rx, rn = boxes
        ref = ((rx, gx), (rn, gn)) if rule == "complement" else ((rx, None), (rn, None))
        out = [((gx, None), (gn, None), values[0], values[1]), (*ref, values[2], values[3])]
        # the published values must be the cube's: otherwise the record is not modelled
        for (xp, xm), (np_, nm), xv, nv in out:
            if xv is None or nv is None:
                return None
            if self._value(xp, xm) != xv or self._value(np_, nm) != nv:
                return None
        return out

    def _value(self, plus: Any, minus: Any) -> int:
        return self.cube.value(plus) - (self.cube.value(minus) if minus is not None else 0)


def _modelled_records(
    tree: Mapping[str, Any],
) -> list[tuple[tuple[str | int, ...], Mapping[str, Any]]]:
    """Every record of the linked group tables, with its path in the tree."""
    out: list[tuple[tuple[str | int, ...], Mapping[str, Any]]] = []
    for key in ("comparisons", "rates"):
        out += [((key, i), r) for i, r in enumerate(tree[key])]
    out += [
        (("sufficiency", i, "comparison"), r["comparison"])
        for i, r in enumerate(tree["sufficiency"])
    ]
    for i, f in enumerate(tree["findings"]):
        evidence = dict(f["evidence"])
        subject = f["subject"]
        if "group_numerator" in evidence and subject.get("metric"):
            evidence.update(
                metric=subject["metric"],
                attributes=subject["attributes"],
                group=subject["group"],
                reference=subject["reference"],
            )
            out.append((("findings", i), evidence))
    if tree.get("subgroups"):
        out += [(("subgroups", "top", i), r) for i, r in enumerate(tree["subgroups"]["top"])]
    suitability = tree.get("suitability")
    if suitability:
        if suitability.get("overall"):
            out.append((("suitability", "overall"), suitability["overall"]))
        out += [(("suitability", "by_group", i), r) for i, r in enumerate(suitability["by_group"])]
        out += [
            (("suitability", "sample_sizes", i), r)
            for i, r in enumerate(suitability["sample_sizes"])
        ]
    return out


def _disclosure_plan(
    tree: Mapping[str, Any], cube: Cube | None, roles: Roles, threshold: int
) -> _Plan:
    """Choose the records to blank so that no suppressed count can be derived (secondary)."""
    if cube is None:
        return _Plan(frozenset(), 0, 0)
    boxes = _Boxes(cube, roles)
    records: dict[tuple[str | int, ...], list[Any]] = {}
    primary: dict[tuple[str | int, ...], list[Any]] = {}
    targets: list[Target] = []
    for path, record in _modelled_records(tree):
        sides = boxes.sides(record)
        if sides is None:
            continue
        published = []
        for x, n, xv, nv in sides:
            published += [b for b in (*x, *n) if b is not None]
            if is_small(xv, nv, threshold=threshold):
                primary.setdefault(path, []).extend(b for b in (*x, *n) if b is not None)
                for (plus, minus), value in ((x, xv), (n, nv)):
                    if 0 < value < threshold:
                        targets.append(Target(plus, minus))
                if 0 < nv - xv < threshold and x[1] is None and n[1] is None and x[0] != n[0]:
                    targets.append(Target(n[0], x[0]))
        records[path] = published
    # Totals (no group attribute fixed) are published in every report's header.
    groups = len(roles.groups)
    always: set[Any] = {()}
    if boxes.random is not None:
        axis = boxes.axis[boxes.random]
        always |= {((axis, (0,)),), ((axis, (1,)),)}
    always |= {b for bs in records.values() for b in bs if all(a >= groups for a, _ in b)}
    unique = list(dict.fromkeys(targets))
    # Beyond this many cells (order 4 and up) the attacker's programmes are too large to
    # solve for every target: the hypercube pass still runs, and the targets are reported
    # as unprotected in the output check instead of being assumed safe.
    budget = 0 if cube.counts.size > _MAX_LP_CELLS else MAX_SOLVES
    result = protect(
        cube,
        records,
        always=always,
        primary=primary,
        targets=unique,
        protection=threshold,
        max_solves=budget,
    )
    forced = frozenset(result.suppressed)
    secondary = len({p[:2] for p in forced if p not in primary and p[0] != "findings"})
    return _Plan(forced, secondary, len(result.unprotectable))


def _fingerprint(data: object) -> str:
    text = json.dumps(_plain(data), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _table_fingerprint(table: CountTable) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(_plain(table.dimensions), sort_keys=True).encode("utf-8"))
    digest.update(np.ascontiguousarray(table.codes, dtype="<i8").tobytes())
    digest.update(np.ascontiguousarray(table.n, dtype="<i8").tobytes())
    return digest.hexdigest()[:16]


def _available(table: CountTable, config: AuditConfig, *, features: bool) -> set[str]:
    """Return the data roles (:data:`~eerlijkheid.toets.DATA_ROLES`) this audit was given.

    A score (its bands) and a handler make the discretion question answerable; two or
    more group attributes (intersections, the subgroup scan) or per-case features
    (clusters) make the unnamed-groups question answerable (``group_combinations``).
    """
    available = {"decision", "groups"}
    role_names = {
        Role.OUTCOME: "outcome",
        Role.RANDOM_SAMPLE: "random_sample",
        Role.STAGE: "stages",
        Role.STRATUM: "strata",
        Role.SCORE_BAND: "score",
        Role.HANDLER: "handler",
    }
    for dim in table.dimensions:
        if dim.role in role_names:
            available.add(role_names[dim.role])
    if config.inputs:
        available.add("inputs")
    if features:
        available.update(("features", "group_combinations"))
    if len(table.groups) >= 2:
        available.add("group_combinations")
    return available


def _coverage(
    catalogue: Catalogue,
    findings: Sequence[Finding],
    questions: Sequence[QuestionCoverage],
    language: str,
) -> tuple[PartCoverage, ...]:
    out = []
    for part in catalogue.parts:
        informing = [f for f in findings if part.id in f.toets_parts]
        out.append(
            PartCoverage(
                part=part.id,
                title=part.label(language),
                verified=part.title_verified,
                findings=tuple(f.fingerprint for f in informing),
                codes=tuple(sorted({f.code for f in informing})),
                questions=tuple(q for q in questions if q.part == part.id),
            )
        )
    return tuple(out)


def audit(
    data: Any,
    *,
    decision: str | None = None,
    groups: str | Sequence[str] | None = None,
    outcome: str | None = None,
    score: str | None = None,
    weight: str | None = None,
    random_sample: str | None = None,
    stages: str | Sequence[str] = (),
    strata: str | Sequence[str] = (),
    count: str | None = None,
    handler: str | None = None,
    score_edges: Sequence[float] | None = None,
    rounded: bool | None = None,
    binary_values: Mapping[str, bool] | None = None,
    missing_groups: Literal["group", "error"] | None = None,
    reference: Mapping[str, str] | None = None,
    inputs: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    missing_values: Sequence[str] | None = None,
    config: AuditConfig | AuditSpec | str | PathLike[str] | None = None,
    catalogue: Catalogue | str | PathLike[str] | None = None,
    language: str | None = None,
) -> AuditResult:
    """Audit decisions for disparities between groups and map the findings onto the toets.

    Parameters
    ----------
    data : frame, CountTable, or path
        Cases as rows (pandas, polars, pyarrow, DuckDB, Dask, Spark), pre-aggregated cells with a
        ``count`` column, an already built :class:`~eerlijkheid.counts.CountTable`, or a
        file path for :func:`~eerlijkheid.read_table`.
    decision, groups, outcome, score, weight, random_sample : str, optional
        Column roles (see :class:`~eerlijkheid.config.Roles`).
    stages, strata, count, handler : optional
        Column roles (see :class:`~eerlijkheid.config.Roles`); they override the roles of
        a configuration file.
    score_edges : sequence of float, optional
        Band edges of the score (default: 10 equal-width bands over its range).
    rounded : bool, optional
        Pre-aggregated counts are rounded (e.g. CBS tables rounded to tens).
    binary_values : mapping of str to bool, optional
        Extra yes/no spellings, e.g. ``{"Admitted": True, "Rejected": False}``.
    missing_groups : {'group', 'error'}, optional
        Policy for missing group labels (default ``'group'``: their own group).
    reference : mapping of str to str, optional
        Reference label per group attribute; overrides the configuration.
    inputs : sequence of str, optional
        The model's or rule set's input variables (direct-grounds check).  With rows,
        each must be a column of the data (else :class:`~eerlijkheid.ColumnNotFoundError`
        naming the closest column).
    categorical : sequence of str, optional
        Inputs that are categories although they hold numbers (postcode, wijk code);
        see :attr:`~eerlijkheid.config.AuditConfig.categorical` for the default guess.
    missing_values : sequence of str, optional
        Texts that mean "no value" (e.g. ``["NULL"]``); default none: only empty cells
        are missing, and ``"NA"`` (Namibia) is a label.
    config : AuditConfig, AuditSpec or path, optional
        Settings, or a TOML file (``eerlijkheid.toml`` / ``pyproject.toml``) with roles
        and settings.
    catalogue : Catalogue or path, optional
        The toets catalogue (default: the packaged one).
    language : {'nl', 'en'}, optional
        Language of the finding messages (default: the library language).

    Returns
    -------
    AuditResult
        Findings, estimates, toets coverage and provenance.

    Examples
    --------
    >>> from eerlijkheid.datasets import welfare_reexamination
    >>> frame = welfare_reexamination(n=20_000, seed=1)
    >>> result = audit(frame, decision="geselecteerd", groups=["migratieachtergrond", "geslacht"],
    ...                random_sample="aselect", reference={"migratieachtergrond": "geen"},
    ...                inputs=["risicoscore", "taalvaardigheid"], language="en")
    >>> f = result.findings[0]
    >>> f.code, f.subject.group, f.subject.reference, f.severity, f.certainty
    ('EE201', ('niet-westers',), ('geen',), 'high', 'established')
    """
    spec: AuditSpec | None = None
    if isinstance(config, (str, PathLike)):
        spec = load_spec(config)
    elif isinstance(config, AuditSpec):
        spec = config
    settings = (
        spec.config
        if spec is not None
        else (config if isinstance(config, AuditConfig) else AuditConfig())
    )
    overrides: dict[str, Any] = {}
    if reference is not None:
        overrides["reference"] = reference
    if inputs is not None:
        overrides["inputs"] = tuple(inputs)
    if categorical is not None:
        overrides["categorical"] = tuple(categorical)
    if overrides:
        settings = replace(settings, **overrides)

    base = {f.name: getattr(spec.roles, f.name) for f in fields(spec.roles)} if spec else {}
    if "binary_values" in base:
        base["binary_values"] = dict(base["binary_values"])
    given = {
        "decision": decision,
        "groups": groups,
        "outcome": outcome,
        "score": score,
        "weight": weight,
        "random_sample": random_sample,
        "count": count,
        "stages": stages or None,
        "strata": strata or None,
        "binary_values": binary_values,
        "missing_groups": missing_groups,
        "handler": handler,
        "score_edges": tuple(score_edges) if score_edges is not None else None,
        "missing_values": tuple(missing_values) if missing_values is not None else None,
    }
    merged = {**base, **{k: v for k, v in given.items() if v is not None}}
    roles = Roles(**merged)
    is_rounded = bool(rounded) if rounded is not None else (spec.rounded if spec else False)

    frame: Any = None
    if isinstance(data, CountTable):
        table = data
    else:
        if isinstance(data, (str, PathLike)):
            data = read_table(data, missing_values=roles.missing_values)
        elif data is None and spec is not None and spec.data_path is not None:
            data = read_table(spec.data_path, missing_values=roles.missing_values)
        table = CountTable.from_encoded(
            encode_cells(data, roles, rounded=is_rounded), rounded=is_rounded
        )
        frame = data if roles.count is None else None  # rows, for row-level analyses

    _check_reference(table, settings)
    lang = get_language() if language is None else language
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    grounds = find_direct_grounds(settings.inputs, declared=settings.declared_grounds)
    disparity = analyse_disparity(table, settings)
    strat = analyse_strata(table, settings)
    suff = analyse_sufficiency(disparity.selection, settings)
    chain = analyse_chain(table, settings) if table.names_with_role(Role.STAGE) else None
    has_risk = bool(table.names_with_role(Role.SCORE_BAND))
    discretion = (
        analyse_discretion(table, settings, risk=table.names_with_role(Role.SCORE_BAND)[0])
        if has_risk
        else analyse_discretion(table, settings)
        if table.names_with_role(Role.HANDLER)
        else None
    )
    scores = (
        analyse_scores(table, settings)
        if has_risk and table.names_with_role(Role.OUTCOME)
        else None
    )
    # the inputs that are columns of the rows (the schema is read once)
    present: list[str] = []
    if frame is not None and settings.inputs:
        names = column_names(frame)
        for column in settings.inputs:
            if column not in names:
                raise ColumnNotFoundError(
                    message(
                        "column-not-found",
                        column=column,
                        role="inputs",
                        suggestion=did_you_mean(column, names),
                        available=", ".join(repr(a) for a in names),
                    )
                )
        present = list(settings.inputs)
    for column in settings.categorical:
        if column not in settings.inputs:
            raise ConfigError(
                message(
                    "categorical-not-an-input",
                    column=column,
                    suggestion=did_you_mean(column, settings.inputs),
                    inputs=", ".join(repr(i) for i in settings.inputs),
                )
            )
    suitability = None
    if not settings.favourable:
        features = None
        if present and roles.random_sample and roles.outcome:
            features = feature_outcome_tables(
                frame, roles, present, binning="quantile", categorical=settings.categorical
            )
        suitability = analyse_suitability(table, settings, features=features)
    subgroups = (
        subgroup_scan(table, settings) if settings.order >= 2 and len(table.groups) >= 2 else None
    )
    row_features = present if settings.row_analyses and roles.weight is None else []
    proxy_inputs = [c for c in row_features if c not in table.groups]
    proxies = (
        proxy_strength(
            frame,
            protected=table.groups,
            features=proxy_inputs,
            categorical=[c for c in settings.categorical if c in proxy_inputs],
            max_rows=settings.max_rows,
            seed=settings.seed,
            confidence_level=settings.confidence_level,
            missing_label=roles.missing_label,
            missing_values=roles.missing_values,
        )
        if proxy_inputs
        else None
    )
    clusters = None
    random = table.names_with_role(Role.RANDOM_SAMPLE)
    outcome_known = bool(table.names_with_role(Role.OUTCOME)) and not settings.favourable
    if row_features and outcome_known and roles.outcome is not None:
        where = {roles.decision: "1", **({random[0]: "0"} if random else {})}
        if table.subset(where).total >= MIN_ROWS_FOR_CLUSTERS:
            # Clusters of the profile's selected cases with a lower hit rate: checked with
            # less reason.  (Clustering the selection itself on the model's own inputs would
            # only find the profile's selection region.)
            keep = {roles.decision: True}
            if roles.random_sample is not None:
                keep[roles.random_sample] = False
            clusters = bias_clusters(
                frame,
                features=row_features,
                target=roles.outcome,
                harm="lower",
                keep=keep,
                binary_values=roles.binary_values,
                missing_values=roles.missing_values,
                config=settings,
                max_rows=settings.max_rows,
                seed=settings.seed,
            )
    findings = resolve_explained(
        sorted(
            derive_findings(
                table=table,
                config=settings,
                grounds=grounds,
                disparity=disparity,
                strata=strat,
                sufficiency=suff,
                language=lang,
            )
            + derive_process_findings(
                chain=chain,
                discretion=discretion,
                suitability=suitability,
                scores=scores,
                config=settings,
                language=lang,
                decision=table.names_with_role(Role.DECISION)[0],
            )
            + group_findings(scan=subgroups, clusters=clusters, config=settings, language=lang)
            + proxy_findings(proxies=proxies, config=settings, language=lang),
            key=Finding.sort_key,
        )
    )
    metric_names = ["selection_rate"] + (
        ["prevalence", "precision"] if table.names_with_role(Role.OUTCOME) else []
    )
    rates = group_metrics(
        table,
        order=settings.order,
        metrics=metric_names,
        where={random[0]: "0"} if random else None,
        confidence_level=settings.confidence_level,
        method=settings.interval_method,
    )
    questions = coverage(cat, _available(table, settings, features=bool(row_features)))
    plan = tuple(
        PlanItem(
            question=q.question_id,
            part=q.part,
            text=cat.question(q.question_id).text(lang),
            answerable=q.answerable,
            missing=tuple(q.missing),
            missing_text="" if q.answerable else cat.question(q.question_id).missing_text(lang),
        )
        for q in questions
    )
    provenance = Provenance(
        library_version=__version__,
        schema_version=SCHEMA_VERSION,
        config_fingerprint=_fingerprint({"roles": roles, "config": settings}),
        data_fingerprint=_table_fingerprint(table),
        rows=table.total,
        cells=int(table.n.size),
        groups={a: len(table.levels(a)) for a in table.groups},
        backend=table.backend,
        rounded=table.rounded,
        catalogue_version=cat.catalogue_version,
    )
    return AuditResult(
        findings=findings,
        comparisons=disparity.selection
        + disparity.random_arm
        + disparity.hit_rate
        + disparity.error_rate
        + disparity.rest,
        rates=rates,
        stratified=strat,
        sufficiency=suff,
        direct_grounds=grounds,
        chain=chain,
        discretion=discretion,
        suitability=suitability,
        scores=scores,
        proxies=proxies,
        subgroups=subgroups,
        clusters=clusters,
        coverage=_coverage(cat, findings, questions, lang),
        provenance=provenance,
        roles=roles,
        config=settings,
        language=lang,
        _plan=plan,
        _cube=_cube_of(table),
    )
