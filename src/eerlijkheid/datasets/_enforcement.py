"""Synthetic address checks (*adresonderzoek, handhaving*): a rule-based profile with a proxy.

Reports and registry signals about addresses where more people may live than are
registered (or fewer) lead to a check by an enforcement officer.  A rule-based profile
gives points for features of the address and household; the points include a
*postcodegebied* rule that is strongly correlated with migration background (a proxy).
A random sample is checked regardless of the profile, and the outcome (violation found)
is only known for checked addresses.  A hidden rule also flags young single men in one
area: an intersectional subgroup that no single attribute shows.

All injected quantities are constants of this module; :func:`address_checks_truth`
computes every expected rate from them in closed form, by summing over every combination
of the discrete attributes.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd

from eerlijkheid.datasets._common import (
    check_arguments,
    check_bias,
    cramers_v,
    frozen,
    nested,
    row_ids,
    yes_no,
)
from eerlijkheid.datasets._welfare import _categorical, _labels

__all__ = ["AddressChecksTruth", "address_checks", "address_checks_truth"]

FloatArray = npt.NDArray[np.float64]

_GENDERS = ("M", "V")
_GENDER_P = (0.50, 0.50)
_AGES = ("18-25", "26-35", "36-50", "51-65", "66+")
_AGE_P = (0.16, 0.22, 0.26, 0.22, 0.14)
_HOUSEHOLDS = ("alleenstaand", "samenwonend", "gezin met kinderen")
_HOUSEHOLD_P = (0.40, 0.35, 0.25)
_MIGRATION = ("geen", "westers", "niet-westers")
_MIGRATION_P = (0.65, 0.10, 0.25)
_MISSING_MIGRATION = 0.05
_UNKNOWN = "onbekend"
_REFERENCE = "geen"
_PROTECTED = "niet-westers"
# Fictitious four-digit postcode areas; the composition is invented.
_AREAS = ("3011", "3012", "3013", "3014", "3015", "3016", "3017", "3018")
_AREA_P = {
    "geen": (0.20, 0.18, 0.16, 0.14, 0.12, 0.10, 0.06, 0.04),
    "westers": (0.16, 0.15, 0.14, 0.13, 0.12, 0.11, 0.10, 0.09),
    "niet-westers": (0.03, 0.04, 0.06, 0.08, 0.12, 0.17, 0.23, 0.27),
}
_RISK_AREAS = ("3016", "3017", "3018")
_REGISTRATIONS = (1, 2, 3, 4, 5, 6)
_REGISTRATION_P = (0.35, 0.30, 0.15, 0.10, 0.06, 0.04)
_MANY = 4  # aantal_inschrijvingen >= 4: many people registered at the address

# The profile: points per rule; flagged at _FLAG_POINTS or more.
_POINTS_AREA = 1  # only with bias=True: the proxy
_POINTS_SINGLE = 1
_POINTS_MANY = 2
_POINTS_HIDDEN = 2  # only with bias=True: the hidden subgroup rule
_FLAG_POINTS = 3
_SUBGROUP = {"geslacht": "M", "leeftijdsgroep": "18-25", "huishouden": "alleenstaand"}
_SUBGROUP_AREA = "3012"

# True violation: depends on legitimate factors only.
_VIOLATION_BASE = 0.04
_VIOLATION_MANY = 0.16
_VIOLATION_SINGLE = 0.04

_RANDOM_FRACTION = 0.05

_COLUMNS = (
    "zaaknummer",
    "geslacht",
    "leeftijdsgroep",
    "huishouden",
    "migratieachtergrond",
    "postcodegebied",
    "aantal_inschrijvingen",
    "risicopunten",
    "steekproef",
    "gecontroleerd",
    "overtreding",
)


def _points(
    *, risk_area: object, single: object, many: object, hidden: object, bias: bool
) -> npt.NDArray[np.int64]:
    """Return the profile's points (works on arrays and on scalars alike)."""
    total = _POINTS_SINGLE * np.asarray(single, dtype=np.int64) + _POINTS_MANY * np.asarray(
        many, dtype=np.int64
    )
    if bias:
        total = (
            total
            + _POINTS_AREA * np.asarray(risk_area, dtype=np.int64)
            + _POINTS_HIDDEN * np.asarray(hidden, dtype=np.int64)
        )
    return total


@dataclass(frozen=True)
class AddressChecksTruth:
    """The injected parameters of :func:`address_checks` and their expected effects.

    Every rate is an exact expectation over the generating process.  Mappings keyed by
    group use the recorded ``migratieachtergrond`` labels, including ``"onbekend"`` (the
    cases whose label is missing: a random mix of the three backgrounds).  *Profile* rates
    are those of the cases outside the random sample (what the audit's selection
    comparisons measure); *selection* rates include the random sample.

    Attributes
    ----------
    bias : bool
        Whether the proxy rule and the hidden subgroup rule are in the profile.
    reference_group, protected_group : str
        ``"geen"`` and ``"niet-westers"``; every ``*_ratio`` is protected / reference.
    random_fraction : float
        Share of cases in the random sample (``steekproef``), 0.05.
    migration_share : mapping of str to float
        True population shares of the three backgrounds.
    missing_migration_fraction : float
        Share of cases whose ``migratieachtergrond`` is missing, completely at random.
    area_share : mapping of str to mapping of str to float
        P(``postcodegebied`` | background): where each group lives.
    area_composition : mapping of str to mapping of str to float
        P(background | ``postcodegebied``): the true share of each group per area.
    proxy_cramers_v : float
        Cramér's V between ``postcodegebied`` and background in the population (0.34):
        the proxy strength.
    risk_areas : tuple of str
        The areas that earn a point in the profile (with bias).
    risk_area_share : mapping of str to float
        P(living in a risk area) per background.
    rules : mapping of str to int
        Points per rule (``"postcodegebied"`` and ``"verborgen"`` are 0 without bias) and
        the flag threshold (``"drempel"``).
    flag_rate : mapping of str to float
        P(flagged by the profile) per group.
    flag_rate_overall : float
        P(flagged) over all cases.
    flag_ratio : float
        ``flag_rate`` protected / reference: the profile's selection ratio (1.49 with bias).
    selection_rate : mapping of str to float
        P(``gecontroleerd == "ja"``) per group: random sample or flagged.
    selection_ratio : float
        ``selection_rate`` protected / reference.
    area_flag_rate : mapping of str to float
        P(flagged) per ``postcodegebied``.
    violation_rate : float
        P(violation) in every group and every area (equal by construction): the hit rate
        of the random sample.
    hit_rate_profile : mapping of str to float
        P(violation | flagged) per group.
    hit_rate_profile_overall : float
        P(violation | flagged) over all cases.
    subgroup : mapping of str to str
        The hidden subgroup: ``geslacht``, ``leeftijdsgroep``, ``huishouden`` and
        ``postcodegebied`` values.
    subgroup_share : float
        Its share of all cases.
    subgroup_flag_rate, rest_flag_rate : float
        P(flagged) in the subgroup and in everyone else.
    subgroup_ratio : float
        ``subgroup_flag_rate / rest_flag_rate``.
    subgroup_violation_rate : float
        P(violation) in the subgroup: the same as everyone's at the same household and
        registrations (the extra checks find nothing extra).
    gender_flag_ratio : float
        P(flagged) of ``"M"`` / ``"V"``: the hidden rule barely shows in the marginal.
    age_flag_rate : mapping of str to float
        P(flagged) per ``leeftijdsgroep``: equal, except that the hidden rule raises it
        for ``"18-25"``.

    Examples
    --------
    >>> truth = address_checks_truth()
    >>> truth.risk_areas, dict(truth.risk_area_share)["niet-westers"]
    (('3016', '3017', '3018'), 0.67)
    >>> round(truth.subgroup_ratio, 1), round(truth.violation_rate, 3)
    (8.4, 0.088)
    """

    bias: bool
    reference_group: str
    protected_group: str
    random_fraction: float
    migration_share: Mapping[str, float]
    missing_migration_fraction: float
    area_share: Mapping[str, Mapping[str, float]]
    area_composition: Mapping[str, Mapping[str, float]]
    proxy_cramers_v: float
    risk_areas: tuple[str, ...]
    risk_area_share: Mapping[str, float]
    rules: Mapping[str, int]
    flag_rate: Mapping[str, float]
    flag_rate_overall: float
    flag_ratio: float
    selection_rate: Mapping[str, float]
    selection_ratio: float
    area_flag_rate: Mapping[str, float]
    violation_rate: float
    hit_rate_profile: Mapping[str, float]
    hit_rate_profile_overall: float
    subgroup: Mapping[str, str]
    subgroup_share: float
    subgroup_flag_rate: float
    rest_flag_rate: float
    subgroup_ratio: float
    subgroup_violation_rate: float
    gender_flag_ratio: float
    age_flag_rate: Mapping[str, float]


def _violation_probability(single: object, many: object) -> FloatArray:
    return np.asarray(
        _VIOLATION_BASE
        + _VIOLATION_MANY * np.asarray(many, dtype=np.float64)
        + _VIOLATION_SINGLE * np.asarray(single, dtype=np.float64),
        dtype=np.float64,
    )


def address_checks_truth(*, bias: bool = True) -> AddressChecksTruth:
    """Return the injected parameters of :func:`address_checks` in closed form.

    Parameters
    ----------
    bias : bool, default True
        The same switch as in :func:`address_checks`.

    Returns
    -------
    AddressChecksTruth
        Parameters and the expected rates and ratios an audit should find (within
        sampling error).

    Raises
    ------
    TypeError
        If ``bias`` is not a bool.

    See Also
    --------
    address_checks : The generator these values describe.

    Notes
    -----
    Computed by summing the probability mass of every combination of background, area,
    gender, age, household and registrations (3 x 8 x 2 x 5 x 3 x 6 cells), each with its
    deterministic profile flag and its violation probability.

    Examples
    --------
    >>> truth = address_checks_truth()
    >>> round(truth.flag_ratio, 2), round(truth.proxy_cramers_v, 2)
    (1.49, 0.34)
    >>> round(truth.area_composition["3018"]["niet-westers"], 2)
    0.66
    >>> round(truth.subgroup_flag_rate, 1), round(truth.gender_flag_ratio, 2)
    (1.0, 1.06)
    >>> address_checks_truth(bias=False).flag_ratio
    1.0
    """
    check_bias("address_checks_truth", bias)
    # Joint mass over (background, area, gender, age, household, registrations).
    rows = list(
        itertools.product(
            range(len(_MIGRATION)),
            range(len(_AREAS)),
            range(len(_GENDERS)),
            range(len(_AGES)),
            range(len(_HOUSEHOLDS)),
            range(len(_REGISTRATIONS)),
        )
    )
    grid = np.asarray(rows, dtype=np.int64)
    bg, area, gender, age, household, reg = grid.T
    mass = (
        np.asarray(_MIGRATION_P)[bg]
        * np.asarray([_AREA_P[g] for g in _MIGRATION])[bg, area]
        * np.asarray(_GENDER_P)[gender]
        * np.asarray(_AGE_P)[age]
        * np.asarray(_HOUSEHOLD_P)[household]
        * np.asarray(_REGISTRATION_P)[reg]
    )
    risk_area = np.isin(area, [_AREAS.index(a) for a in _RISK_AREAS])
    single = household == _HOUSEHOLDS.index("alleenstaand")
    many = np.asarray(_REGISTRATIONS)[reg] >= _MANY
    hidden = (
        (gender == _GENDERS.index(_SUBGROUP["geslacht"]))
        & (age == _AGES.index(_SUBGROUP["leeftijdsgroep"]))
        & single
        & (area == _AREAS.index(_SUBGROUP_AREA))
    )
    flag = _points(risk_area=risk_area, single=single, many=many, hidden=hidden, bias=bias) >= (
        _FLAG_POINTS
    )
    violation = _violation_probability(single, many)

    def rate(where: npt.NDArray[np.bool_], values: FloatArray) -> float:
        return float((mass * values)[where].sum() / mass[where].sum())

    every = np.ones(len(mass), dtype=np.bool_)
    flag_f = flag.astype(np.float64)
    flag_rate = {g: rate(bg == i, flag_f) for i, g in enumerate(_MIGRATION)}
    flag_rate[_UNKNOWN] = rate(every, flag_f)  # missing at random: the population mix
    flagged_violation = {
        g: rate(bg == i, flag_f * violation) / flag_rate[g] for i, g in enumerate(_MIGRATION)
    }
    flagged_violation[_UNKNOWN] = rate(every, flag_f * violation) / flag_rate[_UNKNOWN]
    selection = {g: _RANDOM_FRACTION + (1 - _RANDOM_FRACTION) * p for g, p in flag_rate.items()}
    share = dict(zip(_MIGRATION, _MIGRATION_P, strict=True))
    joint = [[share[g] * p for p in _AREA_P[g]] for g in _MIGRATION]
    area_total = [sum(joint[i][j] for i in range(len(_MIGRATION))) for j in range(len(_AREAS))]
    composition = {
        a: {g: joint[i][j] / area_total[j] for i, g in enumerate(_MIGRATION)}
        for j, a in enumerate(_AREAS)
    }
    subgroup_flag = rate(hidden, flag_f)
    rest_flag = rate(~hidden, flag_f)
    male = gender == _GENDERS.index("M")
    return AddressChecksTruth(
        bias=bias,
        reference_group=_REFERENCE,
        protected_group=_PROTECTED,
        random_fraction=_RANDOM_FRACTION,
        migration_share=frozen(share),
        missing_migration_fraction=_MISSING_MIGRATION,
        area_share=nested({g: dict(zip(_AREAS, _AREA_P[g], strict=True)) for g in _MIGRATION}),
        area_composition=nested(composition),
        proxy_cramers_v=cramers_v(joint),
        risk_areas=_RISK_AREAS,
        risk_area_share=frozen(
            {g: sum(_AREA_P[g][_AREAS.index(a)] for a in _RISK_AREAS) for g in _MIGRATION}
        ),
        rules=MappingProxyType(
            {
                "postcodegebied": _POINTS_AREA if bias else 0,
                "alleenstaand": _POINTS_SINGLE,
                "veel_inschrijvingen": _POINTS_MANY,
                "verborgen": _POINTS_HIDDEN if bias else 0,
                "drempel": _FLAG_POINTS,
            }
        ),
        flag_rate=frozen(flag_rate),
        flag_rate_overall=flag_rate[_UNKNOWN],
        flag_ratio=flag_rate[_PROTECTED] / flag_rate[_REFERENCE],
        selection_rate=frozen(selection),
        selection_ratio=selection[_PROTECTED] / selection[_REFERENCE],
        area_flag_rate=frozen({a: rate(area == j, flag_f) for j, a in enumerate(_AREAS)}),
        violation_rate=rate(every, violation),
        hit_rate_profile=frozen(flagged_violation),
        hit_rate_profile_overall=flagged_violation[_UNKNOWN],
        subgroup=MappingProxyType({**_SUBGROUP, "postcodegebied": _SUBGROUP_AREA}),
        subgroup_share=float(mass[hidden].sum()),
        subgroup_flag_rate=subgroup_flag,
        rest_flag_rate=rest_flag,
        subgroup_ratio=subgroup_flag / rest_flag,
        subgroup_violation_rate=rate(hidden, violation),
        gender_flag_ratio=rate(male, flag_f) / rate(~male, flag_f),
        age_flag_rate=frozen({a: rate(age == j, flag_f) for j, a in enumerate(_AGES)}),
    )


def address_checks(n: int = 20_000, *, seed: int = 0, bias: bool = True) -> pd.DataFrame:
    """Generate a synthetic address-check extract with a proxy and a hidden subgroup.

    One row per address report (*melding*) in a fictitious municipality's enforcement
    process (*handhaving, adresonderzoek*), as in the Arnhem pilot of the
    discriminatietoets: a rule-based profile decides which reports are checked, next to a
    random sample, and the check finds a violation or not.

    Parameters
    ----------
    n : int, default 20_000
        Number of rows (at least 1).
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; the only source of randomness.
    bias : bool, default True
        Put the postcode rule (the proxy) and the hidden subgroup rule in the profile.
        With ``False`` the profile uses only household and registrations, which are
        independent of every group attribute.

    Returns
    -------
    pandas.DataFrame
        Columns, in order:

        ``zaaknummer`` : str
            ``"HH000001"``, ``"HH000002"``, ...
        ``geslacht`` : str
            ``"M"`` / ``"V"``, 50% each (the main resident).
        ``leeftijdsgroep`` : str
            ``"18-25"`` 16%, ``"26-35"`` 22%, ``"36-50"`` 26%, ``"51-65"`` 22%,
            ``"66+"`` 14%.
        ``huishouden`` : str
            ``"alleenstaand"`` 40%, ``"samenwonend"`` 35%, ``"gezin met kinderen"`` 25%.
        ``migratieachtergrond`` : str, with missing values
            ``"geen"`` 65%, ``"westers"`` 10%, ``"niet-westers"`` 25%; missing for 5%
            (completely at random).
        ``postcodegebied`` : str
            Eight fictitious areas ``"3011"`` .. ``"3018"``; 67% of "niet-westers" cases
            live in the risk areas ``"3016"`` .. ``"3018"`` against 20% of "geen" (see
            :attr:`AddressChecksTruth.area_composition`): the proxy.
        ``aantal_inschrijvingen`` : int
            People registered at the address, 1-6; independent of everything.
        ``risicopunten`` : int
            The profile's points (see notes).
        ``steekproef`` : str
            ``"ja"`` for the random sample: exactly ``round(0.05 * n)`` cases drawn
            uniformly without replacement; ``"nee"`` otherwise.
        ``gecontroleerd`` : str
            ``"ja"`` when checked: in the random sample, or ``risicopunten >= 3``.
        ``overtreding`` : str, with missing values
            ``"ja"`` / ``"nee"`` for checked cases (the check finds the true state),
            missing for the others.

    Raises
    ------
    TypeError
        If ``n`` or ``seed`` is not an int, or ``bias`` not a bool.
    ValueError
        If ``n`` < 1 or ``seed`` < 0.

    See Also
    --------
    address_checks_truth : The injected parameters and expected rates in closed form.

    Notes
    -----
    **Legitimate part (always).**  True violation depends on household and registrations
    only: P = 0.04 + 0.16 [registrations >= 4] + 0.04 [single], 0.088 on average and the
    same in every group and area.  The profile gives 1 point for a single-person
    household and 2 for 4 or more registrations; flagged at 3 points.

    **Injected with** ``bias=True``:

    1. *Proxy.*  1 point for living in ``"3016"``, ``"3017"`` or ``"3018"``, where
       "niet-westers" residents are 36-66% of the population against 25% overall
       (Cramér's V between area and background 0.34).  The areas carry no information
       about violations, so the rule raises the flag rate of "niet-westers" cases to
       0.161 against 0.109 for "geen": **ratio 1.49**, and lowers the profile's hit
       rate (0.219 against 0.224).
    2. *Hidden subgroup.*  2 points for single men aged 18-25 in ``"3012"``, an area with
       few "niet-westers" residents: every one of them is flagged (rate 1.0 against
       0.119 for everyone else, **ratio 8.4**), while their violation rate is that of
       any single person (0.112, against 0.222 for all flagged cases).  They are 0.45%
       of cases, so the marginals barely show it (men versus women: 1.06).

    Without bias every group, area, gender and age has the same flag rate (0.08): all
    ratios are exactly 1.  The same ``seed`` gives the same cases, random sample and
    violations with either ``bias`` value.

    Examples
    --------
    >>> df = address_checks(5_000, seed=1)
    >>> df.shape
    (5000, 11)
    >>> sorted(df["gecontroleerd"].unique()), int((df["steekproef"] == "ja").sum())
    (['ja', 'nee'], 250)
    >>> bool(df.loc[df["gecontroleerd"] == "nee", "overtreding"].isna().all())
    True

    The proxy, with plain pandas: the share of "niet-westers" cases in a risk area.

    >>> df = address_checks(100_000, seed=1)
    >>> in_risk = df["postcodegebied"].isin(["3016", "3017", "3018"])
    >>> round(float(in_risk[df["migratieachtergrond"] == "niet-westers"].mean()), 2)
    0.67
    """
    n, seed = check_arguments("address_checks", n, seed, bias)
    rng = np.random.default_rng(seed)

    gender = _categorical(rng, _GENDER_P, n)
    age = _categorical(rng, _AGE_P, n)
    household = _categorical(rng, _HOUSEHOLD_P, n)
    migration = _categorical(rng, _MIGRATION_P, n)
    migration_missing = rng.random(n) < _MISSING_MIGRATION
    area_u = rng.random(n)
    area = np.empty(n, dtype=np.int64)
    for code, group in enumerate(_MIGRATION):
        rows = migration == code
        cdf = np.cumsum(_AREA_P[group])
        cdf[-1] = 1.0
        area[rows] = np.searchsorted(cdf, area_u[rows], side="right")
    registrations = np.asarray(_REGISTRATIONS)[_categorical(rng, _REGISTRATION_P, n)]

    risk_area = np.isin(area, [_AREAS.index(a) for a in _RISK_AREAS])
    single = household == _HOUSEHOLDS.index("alleenstaand")
    many = registrations >= _MANY
    hidden = (
        (gender == _GENDERS.index(_SUBGROUP["geslacht"]))
        & (age == _AGES.index(_SUBGROUP["leeftijdsgroep"]))
        & single
        & (area == _AREAS.index(_SUBGROUP_AREA))
    )
    points = _points(risk_area=risk_area, single=single, many=many, hidden=hidden, bias=bias)
    violation = rng.random(n) < _violation_probability(single, many)
    random_arm = np.zeros(n, dtype=np.bool_)
    random_arm[rng.choice(n, size=round(_RANDOM_FRACTION * n), replace=False)] = True
    checked = random_arm | (points >= _FLAG_POINTS)

    frame: pd.DataFrame = pd.DataFrame(
        {
            "zaaknummer": row_ids("HH", n),
            "geslacht": _labels(_GENDERS, gender),
            "leeftijdsgroep": _labels(_AGES, age),
            "huishouden": _labels(_HOUSEHOLDS, household),
            "migratieachtergrond": _labels(_MIGRATION, np.where(migration_missing, -1, migration)),
            "postcodegebied": _labels(_AREAS, area),
            "aantal_inschrijvingen": registrations.astype(np.int64),
            "risicopunten": points.astype(np.int64),
            "steekproef": yes_no(random_arm),
            "gecontroleerd": yes_no(checked),
            "overtreding": yes_no(violation, missing=~checked),
        },
        columns=list(_COLUMNS),
    )
    return frame
