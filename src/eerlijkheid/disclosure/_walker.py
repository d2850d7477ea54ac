"""The walker: one pass over a result's JSON-ready tree that suppresses every small count.

Evidence types declare what their numbers are (:data:`DECLARATIONS`, by type name): count
pairs ``(x, n)``, splits ``(a, b)`` of a total ``a + b``, single counts, and *method*
numbers (settings such as a confidence level, kept when a record is blanked).  The tree
carries each record's type under :data:`TYPE_KEY` (set by ``eerlijkheid.audit``); the
walker removes it.  A record without a declaration is treated conservatively: every whole
number in it is a count, two parallel lists of whole numbers ``a <= b`` are a pair.

For every record with counts the walker decides ``suppressed``:

* primary: a pair with ``n``, ``x`` or ``n - x`` in ``1 .. threshold - 1`` (``n`` also at
  0), a split part or single count in ``1 .. threshold - 1``;
* secondary: the caller names it (its path is in ``forced``: a record that publishes a box
  hidden by :func:`eerlijkheid.disclosure.protect`);
* derived: a record is blanked when a record inside it is (a power computed from a
  suppressed comparison), unless its type is a *container* (a list of evidence).

A blanked record keeps its labels and its method numbers; every other number in it (and
in its nested intervals and tests) becomes ``None``, and it gets ``"suppressed": true``.

Per-level lists (the strata of a Mantel–Haenszel test, the levels of a feature table) are
suppressed per element: a small level is pooled into one ``"overige"`` level (feature
tables) or blanked in every parallel list (strata); when the list's total is published
elsewhere, a second element is blanked too, so that the first is not the total minus the
rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eerlijkheid.disclosure._rules import is_small

__all__ = ["DECLARATIONS", "OTHER_LABEL", "TYPE_KEY", "Declaration", "Tally", "walk"]

#: Key under which a record's type name travels through the tree (removed by :func:`walk`).
TYPE_KEY = "__type__"
#: Label of the pooled level of a feature table.
OTHER_LABEL = "overige"

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Declaration:
    """What the numbers of one evidence type are.

    Attributes
    ----------
    pairs : tuple of (str, str)
        ``(x, n)`` fields: a count and its total (scalars, or parallel lists).
    splits : tuple of (str, str)
        ``(a, b)`` fields: two disjoint counts whose sum is a total.
    counts : tuple of str
        Single counts.
    methods : tuple of str
        Numbers that describe the method, not the data (kept when blanked).
    labels : str or None
        A list field naming the levels of per-level lists (pooled as ``"overige"``).
    container : bool
        A collection of evidence: not blanked when a record inside it is.
    public : bool
        Not data (settings, provenance): left as it is.
    """

    pairs: tuple[tuple[str, str], ...] = ()
    splits: tuple[tuple[str, str], ...] = ()
    counts: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    labels: str | None = None
    container: bool = False
    public: bool = False


_LEVEL = ("confidence_level",)

#: Declarations of the evidence types, by type name.
DECLARATIONS: dict[str, Declaration] = {
    "Disparity": Declaration(
        pairs=(
            ("group_numerator", "group_denominator"),
            ("reference_numerator", "reference_denominator"),
        ),
        methods=_LEVEL,
    ),
    "GroupMetric": Declaration(
        pairs=(("numerator", "denominator"),), counts=("effective_denominator",), methods=_LEVEL
    ),
    "SufficiencyCheck": Declaration(methods=("detectable_ratio", "harmful_ratio")),
    "StratifiedComparison": Declaration(methods=("strata_used", "confidence_level")),
    # one stratum level (or score band) of a stratified or equal-risk comparison
    "StratumEstimate": Declaration(
        pairs=(
            ("group_numerator", "group_denominator"),
            ("reference_numerator", "reference_denominator"),
        )
    ),
    "MantelHaenszelResult": Declaration(
        pairs=(("group_count", "group_nobs"), ("reference_count", "reference_nobs")),
        methods=("n_strata_used",),
    ),
    "TwoProportionResult": Declaration(
        pairs=(("group_count", "group_nobs"), ("reference_count", "reference_nobs"))
    ),
    "HandlerRate": Declaration(pairs=(("selected", "cases"),)),
    "HandlerSpread": Declaration(counts=("missing_cases",), container=True),
    "FeatureAssociation": Declaration(
        splits=(("positives", "negatives"),), counts=("cases",), labels="levels"
    ),
    "RandomSampleSize": Declaration(
        pairs=(("profile_hits", "profile_cases"),),
        counts=("present", "population"),
        methods=("detectable_ratio",),
    ),
    "RandomSampleTotal": Declaration(methods=("stratified", "uniform", "uniform_fraction")),
    "ScoreBand": Declaration(methods=("low", "high", "midpoint")),
    "CalibrationBand": Declaration(pairs=(("positives", "n"),), methods=_LEVEL),
    "GroupCalibration": Declaration(pairs=(("positives", "n"),)),
    "CalibrationComparison": Declaration(methods=("confidence_level", "alpha")),
    "GroupAUC": Declaration(splits=(("positives", "negatives"),), methods=_LEVEL),
    "ScoreDistributionComparison": Declaration(counts=("group_n", "reference_n")),
    "ThresholdPoint": Declaration(methods=("threshold",)),
    "ProxyEvidence": Declaration(
        counts=("rows", "total_rows"),
        methods=(
            "seed",
            "cv",
            "confidence_level",
            "n_resamples",
            "min_group_size",
            "numeric_bins",
        ),
        container=True,
    ),
    "FeatureProxy": Declaration(
        counts=("n", "n_missing_feature"), methods=("levels", "rank"), container=True
    ),
    "GroupProxy": Declaration(splits=(("n_group", "n_rest"),)),
    "CombinedProxy": Declaration(splits=(("n_group", "n_rest"),)),
    "SubgroupScan": Declaration(
        counts=("tested", "not_tested"),
        methods=("max_order", "min_size", "family_size", "confidence_level", "alpha"),
        container=True,
    ),
    "SubgroupTop": Declaration(
        pairs=(
            ("group_numerator", "group_denominator"),
            ("reference_numerator", "reference_denominator"),
        ),
        methods=("rank", "confidence_level"),
    ),
    "DriverAnalysis": Declaration(methods=("tolerance",)),
    "ChainStep": Declaration(
        counts=("population", "missing_at_reached"), methods=("index",), container=True
    ),
    "StepRatio": Declaration(methods=("index",)),
    "ChainAttribution": Declaration(),
    "FindingEvidence": Declaration(
        pairs=(
            ("group_numerator", "group_denominator"),
            ("reference_numerator", "reference_denominator"),
            ("missing", "total"),
            ("smallest_variant", "cases"),  # EE406: the rarest merged spelling of a label
        ),
        methods=("confidence_level", "detectable_ratio", "harmful_ratio"),
    ),
    "BiasClusters": Declaration(
        counts=("total_rows", "rows", "rows_without_target", "rows_excluded", "held_out"),
        methods=("n_clusters", "min_cluster_size", "splits", "seed"),
        container=True,
    ),
    "Cluster": Declaration(
        pairs=(("numerator", "denominator"),), counts=("size_held_out",), methods=()
    ),
}
for _name in (
    "SuitabilityEvidence",
    "DiscretionEvidence",
    "ScoreEvidence",
    "ChainEvidence",
    "EqualRiskComparison",
    "HandlerGroupComparison",
):
    DECLARATIONS.setdefault(_name, Declaration(container=True))
DECLARATIONS["ScoreEvidence"] = Declaration(counts=("n_missing_score",), container=True)
for _name in (
    "Provenance",
    "Roles",
    "AuditConfig",
    "SeverityThresholds",
    "PlanItem",
    "PartCoverage",
    "QuestionCoverage",
    "GroundMatch",
    "Subject",
):
    DECLARATIONS[_name] = Declaration(public=True)


@dataclass
class Tally:
    """What the walker did: records checked, suppressed by each rule, per output section."""

    records: int = 0
    primary: int = 0
    secondary: int = 0
    derived: int = 0
    elements: int = 0
    sections: set[str] = field(default_factory=set)


def _is_count(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _small_count(value: object, threshold: int) -> bool:
    return _is_count(value) and 0 < float(value) < threshold  # type: ignore[arg-type]


def _small_pair(x: object, n: object, threshold: int) -> bool:
    if not (_is_count(x) and _is_count(n)):
        return False
    return is_small(float(x), float(n), threshold=threshold)  # type: ignore[arg-type]


def _blank(value: Any, keep: Sequence[str] = ()) -> Any:
    """Every number in ``value`` becomes ``None`` (method numbers of a record stay)."""
    if isinstance(value, dict):
        decl = DECLARATIONS.get(str(value.get(TYPE_KEY)), Declaration())
        kept = set(keep) | set(decl.methods)
        return {k: (v if k in kept or k == TYPE_KEY else _blank(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank(v) for v in value]
    return None if _is_count(value) else value


def _lists(record: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {k: v for k, v in record.items() if isinstance(v, list) and v and _is_count(v[0])}


def _pairs_of(record: Mapping[str, Any], decl: Declaration | None) -> list[tuple[str, str, str]]:
    """``(kind, a, b)`` for the record's declared (or, undeclared, inferred) count pairs."""
    if decl is not None:
        return [("pair", x, n) for x, n in decl.pairs] + [("split", a, b) for a, b in decl.splits]
    lists = {k: v for k, v in _lists(record).items() if all(_whole(x) for x in v)}
    out = []
    names = sorted(lists)
    for a in names:
        for b in names:
            va, vb = lists[a], lists[b]
            if a != b and len(va) == len(vb) and all(x <= y for x, y in zip(va, vb, strict=True)):
                out.append(("pair", a, b))
    return out


def _small_elements(
    record: Mapping[str, Any], pairs: Sequence[tuple[str, str, str]], threshold: int
) -> set[int]:
    small: set[int] = set()
    for kind, a, b in pairs:
        va, vb = record.get(a), record.get(b)
        if not (isinstance(va, list) and isinstance(vb, list) and len(va) == len(vb)):
            continue
        for i, (x, y) in enumerate(zip(va, vb, strict=True)):
            if kind == "pair" and _small_pair(x, y, threshold):
                small.add(i)
            if kind == "split" and (_small_count(x, threshold) or _small_count(y, threshold)):
                small.add(i)
    return small


def _scalar_small(
    record: Mapping[str, Any],
    decl: Declaration | None,
    pairs: Sequence[tuple[str, str, str]],
    threshold: int,
) -> tuple[bool, bool]:
    """Whether the record has counts, and whether one of its scalar counts is small."""
    has = False
    small = False
    for kind, a, b in pairs:
        x, y = record.get(a), record.get(b)
        if _is_count(x) and _is_count(y):
            has = True
            if kind == "pair":
                small |= _small_pair(x, y, threshold)
            else:
                small |= _small_count(x, threshold) or _small_count(y, threshold)
    if decl is not None:
        singles = [k for k in decl.counts if _is_count(record.get(k))]
        paired = {k for _, a, b in pairs for k in (a, b)}
        # whole numbers the declaration does not name are counts too (conservative)
        singles += [
            k
            for k, v in record.items()
            if _whole(v) and k not in decl.methods and k not in paired and k not in decl.counts
        ]
    else:
        singles = [k for k, v in record.items() if _whole(v)]
    for k in singles:
        has = True
        small |= _small_count(record[k], threshold)
    return has, small


def _pool(record: dict[str, Any], decl: Declaration, small: set[int], threshold: int) -> None:
    """Pool the small levels of a feature table into one ``overige`` level."""
    assert decl.labels is not None
    labels = list(record[decl.labels])
    keep = [i for i in range(len(labels)) if i not in small]
    counted = {k for _, a, b in _pairs_of(record, decl) for k in (a, b)}
    pooled: dict[str, Any] = {}
    for key in counted:
        values = record[key]
        pooled[key] = sum(float(values[i]) for i in small)
    rest = any(_small_count(v, threshold) for v in pooled.values())
    for key, values in list(record.items()):
        if key == decl.labels:
            record[key] = [labels[i] for i in keep] + [OTHER_LABEL]
        elif isinstance(values, list) and len(values) == len(labels):
            kept = [values[i] for i in keep]
            if key in counted and not rest:
                total = pooled[key]
                kept.append(int(total) if float(total).is_integer() else total)
            else:
                kept.append(None)
            record[key] = kept


def walk(
    tree: Any,
    threshold: int,
    *,
    forced: frozenset[Path] = frozenset(),
    modelled: frozenset[Path] = frozenset(),
    tally: Tally | None = None,
) -> Any:
    """Return ``tree`` with every small count suppressed (see the module docstring).

    Parameters
    ----------
    tree : JSON-like
        Dicts, lists and scalars; records carry :data:`TYPE_KEY`.
    threshold : int
        Suppression threshold (``0``: nothing is suppressed; the type tags are removed).
    forced : frozenset of tuple
        Paths of records to blank (secondary suppression).
    modelled : frozenset of tuple
        Paths of lists whose records the caller protects as linked tables; other lists
        of records get the sibling rule (a second record blanked when only one is).
    tally : Tally, optional
        Filled with what was checked and suppressed.

    Returns
    -------
    JSON-like
        A new tree.

    Examples
    --------
    >>> tree = {"rates": [{"__type__": "GroupMetric", "group": ["a"], "numerator": 3,
    ...                    "denominator": 40, "value": 0.075, "confidence_level": 0.95}]}
    >>> walk(tree, 10)["rates"][0]
    {'group': ['a'], 'numerator': None, 'denominator': None, 'value': None, \
'confidence_level': 0.95, 'suppressed': True}
    """
    tally = Tally() if tally is None else tally
    out, _ = _walk(tree, threshold, forced, tally, (), modelled)
    return _blank_free(out)


def _walk(
    value: Any,
    threshold: int,
    forced: frozenset[Path],
    tally: Tally,
    path: Path,
    modelled: frozenset[Path] = frozenset(),
) -> tuple[Any, bool]:
    """Return the walked value and whether it is a blanked record (or holds one)."""
    if isinstance(value, list):
        items = [
            _walk(v, threshold, forced, tally, (*path, i), modelled) for i, v in enumerate(value)
        ]
        out = [v for v, _ in items]
        if threshold > 0 and path not in modelled:
            _siblings(out, tally)
        return out, False
    if not isinstance(value, dict):
        return value, False
    decl = DECLARATIONS.get(str(value.get(TYPE_KEY))) if TYPE_KEY in value else None
    if decl is not None and decl.public:
        return _blank_free(value), False
    record = value  # the type tags stay until the end (a blanked parent needs them)
    if threshold <= 0 or not path:  # the document itself is no record
        walked = {
            k: v if k == TYPE_KEY else _walk(v, threshold, forced, tally, (*path, k), modelled)[0]
            for k, v in record.items()
        }
        return walked, False
    child_blanked = False
    walked = {}
    for key, child in record.items():
        if key == TYPE_KEY:
            walked[key] = child
            continue
        new, blanked = _walk(child, threshold, forced, tally, (*path, key), modelled)
        walked[key] = new
        child_blanked = child_blanked or (isinstance(child, dict) and blanked)
    pairs = _pairs_of(walked, decl)
    has, small = _scalar_small(walked, decl, pairs, threshold)
    elements = _small_elements(walked, pairs, threshold)
    if elements:
        has = True
        tally.elements += len(elements)
        if decl is not None and decl.labels is not None:
            _pool(walked, decl, elements, threshold)
        else:
            _blank_elements(walked, elements)
    if path:
        tally.sections.add(str(path[0]))
    if not has and path not in forced:
        if child_blanked and (decl is None or not decl.container):
            tally.derived += 1
            keep = decl.methods if decl is not None else ()
            return {**_blank(walked, keep), "suppressed": True}, True
        if decl is not None and not decl.container:
            return {**walked, "suppressed": False}, False
        return walked, False
    tally.records += 1
    container = decl is not None and decl.container
    reason = (
        "primary"
        if small
        else "secondary"
        if path in forced
        else "derived"
        if child_blanked and not container
        else None
    )
    if reason is None:
        return {**walked, "suppressed": False} if not container else walked, False
    setattr(tally, reason, getattr(tally, reason) + 1)
    keep = decl.methods if decl is not None else ()
    return {**_blank(walked, keep), "suppressed": True}, True


def _siblings(records: list[Any], tally: Tally) -> None:
    """When one record of a list is blanked, blank the smallest other (their sum is known)."""
    flags = [r.get("suppressed") for r in records if isinstance(r, dict)]
    if flags.count(True) != 1 or flags.count(False) < 1:
        return
    sizes = [
        (_size(r), i)
        for i, r in enumerate(records)
        if isinstance(r, dict) and r.get("suppressed") is False
    ]
    _, i = min(sizes)
    records[i] = {**_blank(records[i]), "suppressed": True}
    tally.secondary += 1


def _size(record: Mapping[str, Any]) -> float:
    """Return the record's own total: its first pair's ``n`` (else its largest count)."""
    decl = DECLARATIONS.get(str(record.get(TYPE_KEY)))
    for _, n in decl.pairs if decl is not None else ():
        if _is_count(record.get(n)):
            return float(record[n])
    return max((float(v) for v in record.values() if _is_count(v)), default=0.0)


def _blank_free(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _blank_free(v) for k, v in value.items() if k != TYPE_KEY}
    if isinstance(value, list):
        return [_blank_free(v) for v in value]
    return value


def _blank_elements(record: dict[str, Any], small: set[int]) -> None:
    """Blank the small elements, and one more when only one is (its total is published)."""
    lists = {k: v for k, v in record.items() if isinstance(v, list)}
    length = max((len(v) for v in lists.values()), default=0)
    chosen = set(small)
    if len(chosen) == 1 and length > 1:
        sizes = _element_sizes(record, length)
        others = sorted((s, i) for i, s in enumerate(sizes) if i not in chosen)
        if others:
            chosen.add(others[0][1])
    for key, values in lists.items():
        if len(values) == length:
            record[key] = [_blank(v) if i in chosen else v for i, v in enumerate(values)]


def _element_sizes(record: Mapping[str, Any], length: int) -> list[float]:
    sizes = [0.0] * length
    for values in record.values():
        if isinstance(values, list) and len(values) == length:
            for i, v in enumerate(values):
                if _is_count(v):
                    sizes[i] = max(sizes[i], float(v))
    return sizes
