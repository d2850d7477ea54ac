"""Synthetic Wmo allocation (*maatwerkvoorziening Wmo 2015*): a favourable decision.

An applicant asks the municipality for support (household help, a home adaptation, a
mobility aid, transport).  After a *keukentafelgesprek* a consultant records a need score
(``urgentiescore`` 1-10), and one of four neighbourhood teams decides whether the support
is granted.  Need rises with age; grant decisions follow need.  The injected disparity is
discretion in one team, which grants "niet-westers" applicants half as often at equal
need.

All injected quantities are constants of this module; :func:`wmo_allocation_truth`
computes every expected rate from them in closed form.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from eerlijkheid.datasets._common import (
    binomial_pmf,
    check_arguments,
    check_bias,
    frozen,
    row_ids,
    yes_no,
)
from eerlijkheid.datasets._welfare import _categorical, _labels

__all__ = ["WmoAllocationTruth", "wmo_allocation", "wmo_allocation_truth"]

_GENDERS = ("man", "vrouw")
_GENDER_P = (0.45, 0.55)
_AGES = ("18-44", "45-64", "65-79", "80+")
_AGE_P = (0.15, 0.25, 0.35, 0.25)
_MIGRATION = ("geen", "westers", "niet-westers")
_MIGRATION_P = (0.72, 0.10, 0.18)
_MISSING_MIGRATION = 0.04
_UNKNOWN = "onbekend"
_REFERENCE = "geen"
_PROTECTED = "niet-westers"
_WIJKEN = ("Centrum", "Noord", "Oost", "Zuid", "West", "Nieuw-West")
_WIJK_P = (0.15, 0.20, 0.15, 0.20, 0.15, 0.15)
_PROVISIONS = ("huishoudelijke hulp", "woningaanpassing", "hulpmiddel", "vervoer")
_PROVISION_P = (0.40, 0.20, 0.25, 0.15)

# Need: urgentiescore = 1 + Binomial(9, p_age).
_SCORE_TRIALS = 9
_SCORE_P = {"18-44": 0.35, "45-64": 0.45, "65-79": 0.55, "80+": 0.65}
# P(granted | score k) = sigmoid(_SLOPE * (k - _MIDPOINT)).
_SLOPE = 0.9
_MIDPOINT = 5.5

_TEAMS = ("wijkteam A", "wijkteam B", "wijkteam C", "wijkteam D")
_STRICT_TEAM = "wijkteam B"
_TEAM_MULTIPLIER = 0.5  # grant probability of "niet-westers" applicants in that team

_CONTRIBUTION_MEDIAN = 19.0  # euro per month, log-normal, only when granted
_CONTRIBUTION_SIGMA = 0.3
_MISSING_DURATION = 0.02

_COLUMNS = (
    "aanvraag_id",
    "geslacht",
    "leeftijdsgroep",
    "migratieachtergrond",
    "wijk",
    "voorziening",
    "urgentiescore",
    "team",
    "toegekend",
    "eigen_bijdrage",
    "doorlooptijd_dagen",
)


def _grant_probability(score: int) -> float:
    return 1.0 / (1.0 + math.exp(-_SLOPE * (score - _MIDPOINT)))


@dataclass(frozen=True)
class WmoAllocationTruth:
    """The injected parameters of :func:`wmo_allocation` and their expected effects.

    Every rate is an exact expectation over the generating process.  Mappings keyed by
    group use the recorded ``migratieachtergrond`` labels, including ``"onbekend"`` for the
    applicants whose label is missing (a random mix of the three backgrounds).

    Attributes
    ----------
    bias : bool
        Whether the team's discretion is injected.
    reference_group, protected_group : str
        ``"geen"`` and ``"niet-westers"``; every ``*_ratio`` is protected / reference.
    strict_team : str
        ``"wijkteam B"``, the team that grants "niet-westers" applicants less.
    team_multiplier : float
        Factor on that team's grant probability for "niet-westers" applicants (0.5 with
        bias, 1.0 without).
    migration_share : mapping of str to float
        True population shares of the three backgrounds.
    missing_migration_fraction : float
        Share of applicants whose ``migratieachtergrond`` is missing, completely at random.
    score_distribution : mapping of str to mapping of int to float
        P(``urgentiescore`` = k) per ``leeftijdsgroep``: 1 + Binomial(9, p_age).
    grant_probability : mapping of int to float
        P(granted | score k) for an applicant not treated differently.
    grant_rate : mapping of str to float
        P(``toegekend == "ja"``) per ``migratieachtergrond`` group.
    grant_rate_overall : float
        P(``toegekend == "ja"``) over all applicants.
    grant_ratio : float
        ``grant_rate`` protected / reference (0.875 with bias).
    equal_need_ratio : float
        The same ratio within every value of ``urgentiescore`` (need is independent of
        background, so it equals ``grant_ratio``): what a comparison at equal need finds.
    team_group_ratio : mapping of str to float
        Per team, the protected / reference grant ratio at equal need (0.5 in the strict
        team with bias, 1.0 elsewhere).
    team_grant_rate : mapping of str to float
        P(granted) per team, over all applicants.
    age_grant_rate : mapping of str to float
        P(granted) per ``leeftijdsgroep``: different, because need differs with age.
    age_equal_need_ratio : float
        Ratio between any two age groups at equal need: exactly 1 (the age disparity is
        explained by need).
    gender_ratio, wijk_ratio : float
        Grant ratio between any two levels of ``geslacht`` / ``wijk``: exactly 1.

    Examples
    --------
    >>> truth = wmo_allocation_truth()
    >>> truth.strict_team, truth.team_multiplier, truth.age_equal_need_ratio
    ('wijkteam B', 0.5, 1.0)
    """

    bias: bool
    reference_group: str
    protected_group: str
    strict_team: str
    team_multiplier: float
    migration_share: Mapping[str, float]
    missing_migration_fraction: float
    score_distribution: Mapping[str, Mapping[int, float]]
    grant_probability: Mapping[int, float]
    grant_rate: Mapping[str, float]
    grant_rate_overall: float
    grant_ratio: float
    equal_need_ratio: float
    team_group_ratio: Mapping[str, float]
    team_grant_rate: Mapping[str, float]
    age_grant_rate: Mapping[str, float]
    age_equal_need_ratio: float
    gender_ratio: float
    wijk_ratio: float


def wmo_allocation_truth(*, bias: bool = True) -> WmoAllocationTruth:
    """Return the injected parameters of :func:`wmo_allocation` in closed form.

    Parameters
    ----------
    bias : bool, default True
        The same switch as in :func:`wmo_allocation`.

    Returns
    -------
    WmoAllocationTruth
        Parameters and the expected rates and ratios an audit should find (within
        sampling error).

    Raises
    ------
    TypeError
        If ``bias`` is not a bool.

    See Also
    --------
    wmo_allocation : The generator these values describe.

    Notes
    -----
    Need depends only on age, and teams are assigned independently of everything, so the
    disparity of the strict team dilutes over the four teams:
    ``grant_ratio = 1 - (1 - 0.5) / 4 = 0.875`` in every need level.

    Examples
    --------
    >>> truth = wmo_allocation_truth()
    >>> truth.grant_ratio, truth.equal_need_ratio, truth.team_group_ratio["wijkteam B"]
    (0.875, 0.875, 0.5)
    >>> round(truth.grant_rate["geen"], 3), round(truth.grant_rate["niet-westers"], 3)
    (0.529, 0.463)
    >>> wmo_allocation_truth(bias=False).grant_ratio
    1.0
    """
    check_bias("wmo_allocation_truth", bias)
    multiplier = _TEAM_MULTIPLIER if bias else 1.0
    scores = range(1, _SCORE_TRIALS + 2)
    distribution = {
        age: dict(zip(scores, binomial_pmf(_SCORE_TRIALS, _SCORE_P[age]), strict=True))
        for age in _AGES
    }
    grant = {k: _grant_probability(k) for k in scores}
    age_share = dict(zip(_AGES, _AGE_P, strict=True))
    # Grant rate of an applicant not treated differently, per age and overall.
    base_age = {a: sum(distribution[a][k] * grant[k] for k in scores) for a in _AGES}
    base = sum(age_share[a] * base_age[a] for a in _AGES)
    # Average factor over the teams for a "niet-westers" applicant.
    protected_factor = 1.0 - (1.0 - multiplier) / len(_TEAMS)
    share = dict(zip(_MIGRATION, _MIGRATION_P, strict=True))
    mixed_factor = 1.0 - share[_PROTECTED] * (1.0 - protected_factor)
    grant_rate = {g: base * (protected_factor if g == _PROTECTED else 1.0) for g in _MIGRATION}
    grant_rate[_UNKNOWN] = base * mixed_factor
    team_rate = {
        t: base * (1.0 - share[_PROTECTED] * (1.0 - multiplier)) if t == _STRICT_TEAM else base
        for t in _TEAMS
    }
    return WmoAllocationTruth(
        bias=bias,
        reference_group=_REFERENCE,
        protected_group=_PROTECTED,
        strict_team=_STRICT_TEAM,
        team_multiplier=multiplier,
        migration_share=frozen(share),
        missing_migration_fraction=_MISSING_MIGRATION,
        score_distribution=MappingProxyType(
            {a: MappingProxyType(dict(d)) for a, d in distribution.items()}
        ),
        grant_probability=MappingProxyType(grant),
        grant_rate=frozen(grant_rate),
        grant_rate_overall=base * mixed_factor,
        grant_ratio=protected_factor,
        equal_need_ratio=protected_factor,
        team_group_ratio=frozen({t: multiplier if t == _STRICT_TEAM else 1.0 for t in _TEAMS}),
        team_grant_rate=frozen(team_rate),
        age_grant_rate=frozen({a: base_age[a] * mixed_factor for a in _AGES}),
        age_equal_need_ratio=1.0,
        gender_ratio=1.0,
        wijk_ratio=1.0,
    )


def wmo_allocation(n: int = 10_000, *, seed: int = 0, bias: bool = True) -> pd.DataFrame:
    """Generate a synthetic Wmo allocation extract with a known, injected disparity.

    One row per application for a *maatwerkvoorziening* under the Wmo 2015 in a fictitious
    municipality: who applied, the need score recorded after the *keukentafelgesprek*,
    the neighbourhood team that decided, and whether the support was granted.  Granting
    is a favourable decision: audit it with ``AuditConfig(favourable=True)``.

    Parameters
    ----------
    n : int, default 10_000
        Number of rows (at least 1).
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; the only source of randomness.
    bias : bool, default True
        Inject the strict team's discretion (see the notes).  With ``False`` the decision
        depends on need alone.

    Returns
    -------
    pandas.DataFrame
        Columns, in order:

        ``aanvraag_id`` : str
            ``"W000001"``, ``"W000002"``, ...
        ``geslacht`` : str
            ``"man"`` 45% / ``"vrouw"`` 55%.
        ``leeftijdsgroep`` : str
            ``"18-44"`` 15%, ``"45-64"`` 25%, ``"65-79"`` 35%, ``"80+"`` 25%.
        ``migratieachtergrond`` : str, with missing values
            ``"geen"`` 72%, ``"westers"`` 10%, ``"niet-westers"`` 18%; missing for 4%
            (completely at random).
        ``wijk`` : str
            Six neighbourhoods (``"Centrum"``, ``"Noord"``, ...), independent of
            everything: no proxy here.
        ``voorziening`` : str
            The support asked for; independent of everything.
        ``urgentiescore`` : int
            Need, 1-10: ``1 + Binomial(9, p)`` with p = 0.35, 0.45, 0.55, 0.65 for the
            four age groups (older applicants need more).
        ``team`` : str
            ``"wijkteam A"`` .. ``"wijkteam D"``, uniform and independent of everything.
        ``toegekend`` : str
            ``"ja"`` / ``"nee"``: the decision.
        ``eigen_bijdrage`` : float, with missing values
            Monthly contribution in euro (log-normal, median 19, rounded to cents) when
            granted; ``NaN`` when not.
        ``doorlooptijd_dagen`` : float, with missing values
            Days from application to decision (7-56, uniform); ``NaN`` for 2%.

    Raises
    ------
    TypeError
        If ``n`` or ``seed`` is not an int, or ``bias`` not a bool.
    ValueError
        If ``n`` < 1 or ``seed`` < 0.

    See Also
    --------
    wmo_allocation_truth : The injected parameters and expected rates in closed form.

    Notes
    -----
    **Legitimate process (always).**  P(granted | score k) = sigmoid(0.9 (k - 5.5)),
    from 0.017 at k = 1 to 0.983 at k = 10.  Need depends on age only, so grant rates
    differ by age (0.276 for 18-44 up to 0.701 for 80+ with bias): a disparity fully
    explained by need (ratio 1 at equal need).  Gender and neighbourhood play no part.

    **Injected with** ``bias=True``: in ``"wijkteam B"`` a "niet-westers" applicant is
    granted with half the probability of any other applicant with the same need (ratio
    0.5 within that team, 1.0 in the others).  Over the four teams: grant rate 0.463 vs
    0.529, **ratio 0.875**, the same at every need level; ``"wijkteam B"`` grants 0.482
    overall against 0.529 in the other teams (ratio 0.91).  The consultant sees the
    applicant, so the true background counts where the extract's label is missing.

    **Without bias**: every ratio is exactly 1.  The same ``seed`` gives the same
    applicants, need and teams with either ``bias`` value.

    Examples
    --------
    >>> df = wmo_allocation(2_000, seed=1)
    >>> df.shape
    (2000, 11)
    >>> df["aanvraag_id"].iloc[0], sorted(df["toegekend"].unique())
    ('W000001', ['ja', 'nee'])
    >>> int(df["urgentiescore"].min()) >= 1 and int(df["urgentiescore"].max()) <= 10
    True

    The injected discretion, with plain pandas:

    >>> df = wmo_allocation(200_000, seed=1)
    >>> team_b = df[df["team"] == "wijkteam B"]
    >>> granted = team_b["toegekend"].eq("ja").groupby(team_b["migratieachtergrond"]).mean()
    >>> round(float(granted["niet-westers"] / granted["geen"]), 1)
    0.5
    """
    n, seed = check_arguments("wmo_allocation", n, seed, bias)
    rng = np.random.default_rng(seed)

    gender = _categorical(rng, _GENDER_P, n)
    age = _categorical(rng, _AGE_P, n)
    migration = _categorical(rng, _MIGRATION_P, n)
    migration_missing = rng.random(n) < _MISSING_MIGRATION
    wijk = _categorical(rng, _WIJK_P, n)
    provision = _categorical(rng, _PROVISION_P, n)
    p_score = np.asarray([_SCORE_P[a] for a in _AGES])[age]
    score = 1 + rng.binomial(_SCORE_TRIALS, p_score).astype(np.int64)
    team = rng.integers(0, len(_TEAMS), n)

    p_grant = 1.0 / (1.0 + np.exp(-_SLOPE * (score - _MIDPOINT)))
    if bias:
        treated = (team == _TEAMS.index(_STRICT_TEAM)) & (migration == _MIGRATION.index(_PROTECTED))
        p_grant = np.where(treated, p_grant * _TEAM_MULTIPLIER, p_grant)
    granted = rng.random(n) < p_grant

    contribution = np.round(
        rng.lognormal(math.log(_CONTRIBUTION_MEDIAN), _CONTRIBUTION_SIGMA, n), 2
    )
    duration = rng.integers(7, 57, n).astype(np.float64)
    duration[rng.random(n) < _MISSING_DURATION] = np.nan

    frame: pd.DataFrame = pd.DataFrame(
        {
            "aanvraag_id": row_ids("W", n),
            "geslacht": _labels(_GENDERS, gender),
            "leeftijdsgroep": _labels(_AGES, age),
            "migratieachtergrond": _labels(_MIGRATION, np.where(migration_missing, -1, migration)),
            "wijk": _labels(_WIJKEN, wijk),
            "voorziening": _labels(_PROVISIONS, provision),
            "urgentiescore": score,
            "team": _labels(_TEAMS, team),
            "toegekend": yes_no(granted),
            "eigen_bijdrage": np.where(granted, contribution, np.nan),
            "doorlooptijd_dagen": duration,
        },
        columns=list(_COLUMNS),
    )
    return frame
