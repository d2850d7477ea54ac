"""Synthetic welfare re-examination (*heronderzoek rechtmatigheid bijstand*).

The process mirrors the Rotterdam (2017-2021) and Amsterdam "Slimme Check" (2021-2023)
re-examinations: a risk model scores every benefit recipient, a random sample is drawn as
the unbiased baseline, a case handler's team decides which model-flagged cases are actually
re-examined, and the outcome (irregularity found) is only observed for re-examined cases.

All injected disparities are explicit constants of this module; the expected value of every
quantity a later audit measures is computed in closed form by
:func:`welfare_reexamination_truth` from the same constants.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["WelfareReexaminationTruth", "welfare_reexamination", "welfare_reexamination_truth"]

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# --- population ------------------------------------------------------------------------
_GENDERS = ("man", "vrouw")
_GENDER_P = (0.48, 0.52)
_AGES = ("18-26", "27-40", "41-55", "56+")
_AGE_P = (0.14, 0.34, 0.32, 0.20)
_MIGRATION = ("geen", "westers", "niet-westers")
_MIGRATION_P = (0.70, 0.10, 0.20)
_MISSING_MIGRATION = 0.03
_UNKNOWN = "onbekend"
_REFERENCE = "geen"
_PROTECTED = "niet-westers"
# Fictitious four-digit postcode areas; the composition is invented.
_WIJKEN = ("1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008")
_WIJK_P = {
    "geen": (0.18, 0.18, 0.16, 0.14, 0.12, 0.10, 0.07, 0.05),
    "westers": (0.15, 0.15, 0.14, 0.13, 0.12, 0.12, 0.10, 0.09),
    "niet-westers": (0.04, 0.05, 0.07, 0.09, 0.13, 0.17, 0.21, 0.24),
}
_LANGUAGE_INSUFFICIENT = {"geen": 0.10, "westers": 0.25, "niet-westers": 0.45}

# --- legitimate risk factors and true irregularity -------------------------------------
_P_EARNINGS = 0.30  # share with side earnings (bijverdiensten > 0)
_EARNINGS_MEDIAN = 250.0  # euro per month, log-normal when positive
_EARNINGS_SIGMA = 0.8
_P_LATENT = 0.20  # latent risk (e.g. undeclared cohabitation), not in the extract
_IRREG_BASE = 0.05
_IRREG_EARNINGS = 0.15
_IRREG_LATENT = 0.25

# --- risk model: logit(risicoscore) = eta + Logistic(0, 1) ------------------------------
_INTERCEPT = -4.0
_COEF_EARNINGS = 1.5
_COEF_LATENT = 2.5
_COEF_LANGUAGE = 1.0  # only with bias=True: the proxy
_THRESHOLD_HIGH = 0.5  # risicoscore >= 0.5: "hoog" = geselecteerd_model
_THRESHOLD_MIDDLE = 0.2  # 0.2 <= risicoscore < 0.5: "midden"

# --- selection ---------------------------------------------------------------------------
_RANDOM_FRACTION = 0.05
_TEAMS = ("team A", "team B", "team C", "team D", "team E")
_LENIENT_TEAM = "team C"
_ACCEPT_BIASED = {"team A": 0.25, "team B": 0.25, "team C": 0.50, "team D": 0.25, "team E": 0.25}
_ACCEPT_FAIR = dict.fromkeys(_TEAMS, 0.30)
_PROTECTED_MULTIPLIER = 1.8

_COLUMNS = (
    "client_id",
    "geslacht",
    "leeftijdsklasse",
    "migratieachtergrond",
    "wijk",
    "taalvaardigheid",
    "inkomen_bijverdiensten",
    "risicoscore",
    "risicocategorie",
    "aselect",
    "geselecteerd_model",
    "team",
    "geselecteerd",
    "onrechtmatig",
    "gewicht",
)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _irregularity_probability(earnings: float, latent: float) -> float:
    return _IRREG_BASE + _IRREG_EARNINGS * earnings + _IRREG_LATENT * latent


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class WelfareReexaminationTruth:
    """The injected parameters of :func:`welfare_reexamination` and their expected effects.

    Every rate is an expectation over the generating process (closed form, no simulation).
    Mappings keyed by group use the *recorded* ``migratieachtergrond`` labels ``"geen"``,
    ``"westers"``, ``"niet-westers"`` and ``"onbekend"`` (the cases whose label is missing
    in the extract: a random mix of the three backgrounds in population proportions).

    Attributes
    ----------
    bias : bool
        Whether the disparities are injected.
    reference_group, protected_group : str
        ``"geen"`` and ``"niet-westers"``; every ``*_ratio`` is protected / reference.
    lenient_team : str
        ``"team C"``, the team with the wider discretion (only with ``bias=True``).
    random_fraction : float
        Share of cases in the random arm (``aselect``), 0.05.
    migration_share : mapping of str to float
        True population shares of the three backgrounds (before labels go missing).
    missing_migration_fraction : float
        Share of cases whose ``migratieachtergrond`` is missing, completely at random.
    insufficient_language_rate : mapping of str to float
        P(``taalvaardigheid == "onvoldoende"``) per true background.
    wijk_share : mapping of str to mapping of str to float
        P(``wijk``) per true background: the proxy's composition.
    irregularity_rate : float
        P(irregularity) in every group (equal by construction): the hit rate of the
        random arm.
    model_coefficients : mapping of str to float
        Coefficients of ``logit(risicoscore) = eta + Logistic(0, 1)`` noise.
    thresholds : mapping of str to float
        Lower score bounds of the ``"hoog"`` (= model flag) and ``"midden"`` categories.
    flag_rate : mapping of str to float
        P(``geselecteerd_model``) per group.
    flag_rate_overall : float
        P(``geselecteerd_model``) over all cases.
    flag_ratio : float
        ``flag_rate`` protected / reference (about 1.3 with bias, exactly 1 without).
    risk_category_rate : mapping of str to mapping of str to float
        P(``risicocategorie``) per group.
    team_acceptance : mapping of str to float
        Acceptance probability of a flagged case by each team, for a case that is not
        ``"niet-westers"``.
    acceptance_multiplier : float
        Factor on the acceptance probability for ``"niet-westers"`` cases (1.8 with bias).
    acceptance_rate : mapping of str to float
        P(``geselecteerd`` | flagged, not in the random arm) per group.
    acceptance_ratio : float
        ``acceptance_rate`` protected / reference (the manual step's own disparity).
    team_acceptance_rate : mapping of str to float
        P(``geselecteerd`` | flagged, not in the random arm) per team, over all groups.
    team_ratio : float
        Acceptance of the lenient team / any other team (2.0 with bias).
    selection_rate : mapping of str to float
        P(``geselecteerd``) per group: random arm or (flag and accepted).
    selection_rate_overall : float
        P(``geselecteerd``) over all cases.
    selection_ratio : float
        ``selection_rate`` protected / reference.
    hit_rate_model : mapping of str to float
        P(irregularity | flagged) per group, which equals P(``onrechtmatig`` |
        ``geselecteerd``, not ``aselect``) because acceptance does not depend on risk.
    hit_rate_model_overall : float
        P(irregularity | flagged) over all cases.
    """

    bias: bool
    reference_group: str
    protected_group: str
    lenient_team: str
    random_fraction: float
    migration_share: Mapping[str, float]
    missing_migration_fraction: float
    insufficient_language_rate: Mapping[str, float]
    wijk_share: Mapping[str, Mapping[str, float]]
    irregularity_rate: float
    model_coefficients: Mapping[str, float]
    thresholds: Mapping[str, float]
    flag_rate: Mapping[str, float]
    flag_rate_overall: float
    flag_ratio: float
    risk_category_rate: Mapping[str, Mapping[str, float]]
    team_acceptance: Mapping[str, float]
    acceptance_multiplier: float
    acceptance_rate: Mapping[str, float]
    acceptance_ratio: float
    team_acceptance_rate: Mapping[str, float]
    team_ratio: float
    selection_rate: Mapping[str, float]
    selection_rate_overall: float
    selection_ratio: float
    hit_rate_model: Mapping[str, float]
    hit_rate_model_overall: float


def welfare_reexamination_truth(*, bias: bool = True) -> WelfareReexaminationTruth:
    """Return the injected parameters of :func:`welfare_reexamination` in closed form.

    Parameters
    ----------
    bias : bool, default True
        The same switch as in :func:`welfare_reexamination`.

    Returns
    -------
    WelfareReexaminationTruth
        Parameters and the expected rates and ratios an audit of the generated data should
        find (within sampling error).

    Raises
    ------
    TypeError
        If ``bias`` is not a bool.

    See Also
    --------
    welfare_reexamination : The generator these values describe.

    Notes
    -----
    The rates are exact expectations, summed over the discrete risk factors (side earnings
    yes/no, latent risk yes/no, language proficiency) with the logistic noise of the score
    integrated out: P(score >= t | eta) = sigmoid(eta - logit(t)).

    Examples
    --------
    >>> truth = welfare_reexamination_truth()
    >>> round(truth.flag_ratio, 3), truth.acceptance_ratio, truth.team_ratio
    (1.316, 1.8, 2.0)
    >>> round(truth.selection_ratio, 3), round(truth.irregularity_rate, 3)
    (1.471, 0.145)
    >>> fair = welfare_reexamination_truth(bias=False)
    >>> fair.flag_ratio, fair.acceptance_ratio, fair.selection_ratio
    (1.0, 1.0, 1.0)
    """
    if not isinstance(bias, bool):
        raise TypeError(
            "The `bias` parameter of `welfare_reexamination_truth` must be a bool; "
            f"got {bias!r} instead."
        )
    coef_language = _COEF_LANGUAGE if bias else 0.0
    team_acceptance = _ACCEPT_BIASED if bias else _ACCEPT_FAIR
    multiplier = _PROTECTED_MULTIPLIER if bias else 1.0
    mean_acceptance = sum(team_acceptance.values()) / len(team_acceptance)
    cut_high, cut_middle = _logit(_THRESHOLD_HIGH), _logit(_THRESHOLD_MIDDLE)

    # Per true background: P(flag), P(score >= middle), P(flag and irregular), P(accept | flag).
    flag: dict[str, float] = {}
    middle: dict[str, float] = {}
    flag_irregular: dict[str, float] = {}
    accept: dict[str, float] = {}
    for group in _MIGRATION:
        flag[group] = middle[group] = flag_irregular[group] = 0.0
        p_language = _LANGUAGE_INSUFFICIENT[group]
        for earnings, p_e in ((0.0, 1 - _P_EARNINGS), (1.0, _P_EARNINGS)):
            for latent, p_l in ((0.0, 1 - _P_LATENT), (1.0, _P_LATENT)):
                for language, p_t in ((0.0, 1 - p_language), (1.0, p_language)):
                    mass = p_e * p_l * p_t
                    eta = (
                        _INTERCEPT
                        + _COEF_EARNINGS * earnings
                        + _COEF_LATENT * latent
                        + coef_language * language
                    )
                    p_flag = _sigmoid(eta - cut_high)
                    flag[group] += mass * p_flag
                    middle[group] += mass * _sigmoid(eta - cut_middle)
                    flag_irregular[group] += (
                        mass * p_flag * _irregularity_probability(earnings, latent)
                    )
        accept[group] = mean_acceptance * (multiplier if group == _PROTECTED else 1.0)

    share = dict(zip(_MIGRATION, _MIGRATION_P, strict=True))
    # The recorded-missing group is a random draw from the population: mix with the shares.
    flag[_UNKNOWN] = sum(share[g] * flag[g] for g in _MIGRATION)
    middle[_UNKNOWN] = sum(share[g] * middle[g] for g in _MIGRATION)
    flag_irregular[_UNKNOWN] = sum(share[g] * flag_irregular[g] for g in _MIGRATION)
    flag_accept = sum(share[g] * flag[g] * accept[g] for g in _MIGRATION)
    accept[_UNKNOWN] = flag_accept / flag[_UNKNOWN]
    groups = (*_MIGRATION, _UNKNOWN)

    selection = {g: _RANDOM_FRACTION + (1 - _RANDOM_FRACTION) * flag[g] * accept[g] for g in groups}
    # Teams are assigned independently of everything, so each team sees the same mix.
    protected_mix = accept[_UNKNOWN] / mean_acceptance
    others = [t for t in _TEAMS if t != _LENIENT_TEAM]
    irregularity = _irregularity_probability(_P_EARNINGS, _P_LATENT)
    return WelfareReexaminationTruth(
        bias=bias,
        reference_group=_REFERENCE,
        protected_group=_PROTECTED,
        lenient_team=_LENIENT_TEAM,
        random_fraction=_RANDOM_FRACTION,
        migration_share=_frozen(share),
        missing_migration_fraction=_MISSING_MIGRATION,
        insufficient_language_rate=_frozen(_LANGUAGE_INSUFFICIENT),
        wijk_share=MappingProxyType(
            {g: _frozen(dict(zip(_WIJKEN, _WIJK_P[g], strict=True))) for g in _MIGRATION}
        ),
        irregularity_rate=irregularity,
        model_coefficients=_frozen(
            {
                "intercept": _INTERCEPT,
                "bijverdiensten": _COEF_EARNINGS,
                "latent": _COEF_LATENT,
                "taalvaardigheid_onvoldoende": coef_language,
            }
        ),
        thresholds=_frozen({"hoog": _THRESHOLD_HIGH, "midden": _THRESHOLD_MIDDLE}),
        flag_rate=_frozen({g: flag[g] for g in groups}),
        flag_rate_overall=flag[_UNKNOWN],
        flag_ratio=flag[_PROTECTED] / flag[_REFERENCE],
        risk_category_rate=MappingProxyType(
            {
                g: _frozen({"hoog": flag[g], "midden": middle[g] - flag[g], "laag": 1 - middle[g]})
                for g in groups
            }
        ),
        team_acceptance=_frozen(team_acceptance),
        acceptance_multiplier=multiplier,
        acceptance_rate=_frozen({g: accept[g] for g in groups}),
        acceptance_ratio=accept[_PROTECTED] / accept[_REFERENCE],
        team_acceptance_rate=_frozen({t: a * protected_mix for t, a in team_acceptance.items()}),
        team_ratio=team_acceptance[_LENIENT_TEAM] / team_acceptance[others[0]],
        selection_rate=_frozen(selection),
        selection_rate_overall=selection[_UNKNOWN],
        selection_ratio=selection[_PROTECTED] / selection[_REFERENCE],
        hit_rate_model=_frozen({g: flag_irregular[g] / flag[g] for g in groups}),
        hit_rate_model_overall=flag_irregular[_UNKNOWN] / flag[_UNKNOWN],
    )


def _categorical(rng: np.random.Generator, probabilities: tuple[float, ...], n: int) -> IntArray:
    """Draw category codes ``0 .. k-1`` by inverse CDF (vectorised)."""
    cdf = np.cumsum(probabilities)
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(n), side="right").astype(np.int64)


def _labels(labels: tuple[str, ...], codes: IntArray) -> pd.Series[str]:
    """Map codes to a string column in pandas' default string dtype; code -1 is missing."""
    # Taking from a tiny array of the labels is vectorised inside pandas (arrow-backed
    # strings in pandas 3) and far faster than building a large object array.
    levels = pd.Series(np.asarray(labels, dtype=object)).array
    column: pd.Series[str] = pd.Series(levels.take(codes, allow_fill=True))
    return column


def _client_ids(n: int) -> pd.Series[str]:
    """Return ``"C000001", "C000002", ...`` (at least six digits), vectorised."""
    width = max(6, len(str(n)))
    numbers = pd.Series(np.arange(1, n + 1, dtype=np.int64)).astype("str")
    ids: pd.Series[str] = "C" + numbers.str.zfill(width)
    return ids


def welfare_reexamination(n: int = 20_000, *, seed: int = 0, bias: bool = True) -> pd.DataFrame:
    """Generate a synthetic welfare re-examination extract with known injected disparities.

    One row per recipient of a *bijstand* benefit in a fictitious municipality, as in the
    Rotterdam (2017-2021) and Amsterdam "Slimme Check" (2021-2023) re-examinations
    (*heronderzoek rechtmatigheid*): a risk model scores everyone, a random sample is
    drawn as the baseline, a case handler's team decides which model-flagged cases are
    re-examined, and the outcome is only known for re-examined cases.

    Parameters
    ----------
    n : int, default 20_000
        Number of rows (at least 1).
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; the only source of randomness.
    bias : bool, default True
        Inject the three disparities described in the notes.  With ``False`` no step
        depends on the group: every group's selection probability is equal.

    Returns
    -------
    pandas.DataFrame
        Columns, in order:

        ``client_id`` : str
            ``"C000001"``, ``"C000002"``, ... (more digits when ``n`` > 999,999).
        ``geslacht`` : str
            ``"man"`` (48%) / ``"vrouw"`` (52%).
        ``leeftijdsklasse`` : str
            ``"18-26"`` 14%, ``"27-40"`` 34%, ``"41-55"`` 32%, ``"56+"`` 20%.
        ``migratieachtergrond`` : str, with missing values
            ``"geen"`` 70%, ``"westers"`` 10%, ``"niet-westers"`` 20%; for 3% of cases
            (completely at random) the label is missing (``isna()``; the library's
            default policy makes this the group ``"onbekend"``).
        ``wijk`` : str
            Eight fictitious postcode areas ``"1001"`` .. ``"1008"``; ``"niet-westers"``
            cases live mostly in ``"1005"`` .. ``"1008"`` (75% vs 34% for ``"geen"``): a
            proxy. Not used by the model.
        ``taalvaardigheid`` : str
            ``"voldoende"`` / ``"onvoldoende"``; P(onvoldoende) = 0.10 (geen),
            0.25 (westers), 0.45 (niet-westers): a proxy, unrelated to irregularity.
        ``inkomen_bijverdiensten`` : float
            Side earnings in euro per month: 0.0 for 70%, else log-normal with median
            250 and log-sd 0.8, rounded to cents.
        ``risicoscore`` : float in [0, 1]
            The model's score (see notes).
        ``risicocategorie`` : str
            ``"hoog"`` (score >= 0.5), ``"midden"`` (0.2 <= score < 0.5), ``"laag"``.
        ``aselect`` : bool
            The random arm: exactly ``round(0.05 * n)`` cases drawn uniformly without
            replacement.
        ``geselecteerd_model`` : bool
            The model's flag, ``risicoscore >= 0.5`` (same as ``risicocategorie == "hoog"``).
        ``team`` : str
            The case handler's team, ``"team A"`` .. ``"team E"``, uniform and independent
            of everything else.
        ``geselecteerd`` : bool
            Selected for re-examination: ``aselect`` OR (``geselecteerd_model`` AND the
            team accepts the case).
        ``onrechtmatig`` : boolean (nullable)
            Irregularity found; the true irregularity for selected cases (the
            re-examination is assumed to find it), ``<NA>`` for all others.
        ``gewicht`` : float
            All 1.0.

    Raises
    ------
    TypeError
        If ``n`` or ``seed`` is not an int, or ``bias`` not a bool.
    ValueError
        If ``n`` < 1 or ``seed`` < 0.

    See Also
    --------
    welfare_reexamination_truth : The injected parameters and expected rates in closed form.

    Notes
    -----
    **Legitimate process (always).**  True irregularity depends only on legitimate
    factors: side earnings (``inkomen_bijverdiensten > 0``, share E = 0.30) and a latent
    risk L (share 0.20, e.g. undeclared cohabitation; not in the extract), both independent
    of every group attribute: P(irregular) = 0.05 + 0.15 E + 0.25 L, so 0.145 in *every*
    group.  Any selection disparity is therefore not explained by differing prevalence.
    The score is ``risicoscore = sigmoid(-4 + 1.5 E + 2.5 L [+ 1.0 T] + e)`` (T: see 2
    below) with e standard logistic noise (the model sees a noisy signal of L through
    case-file data that is not in the extract).  P(flag) is 0.0992 with bias (0.0838
    without); flagged cases are irregular in 0.293 of cases (0.302 without bias), twice
    the random arm's 0.145.

    **Injected with** ``bias=True`` (expected values from
    :func:`welfare_reexamination_truth`; ratios are "niet-westers" / "geen"):

    1. *Manual step (discretion).*  A flagged case outside the random arm is accepted for
       re-examination with probability ``a_team x 1.8`` if the client has a "niet-westers"
       background and ``a_team`` otherwise: acceptance 0.540 vs 0.300, **ratio 1.8**,
       independent of the score and within every team.  The disparity arises here, not
       in the model.  The case handler sees the client, so the true background counts
       even where the extract's label is missing ("onbekend": acceptance 0.359).
    2. *Proxy in the model.*  T = (``taalvaardigheid == "onvoldoende"``) enters the score
       with coefficient 1.0: flag rate 0.1213 vs 0.0921, **ratio 1.316** (westers 0.1046).
       The proxy carries no information about irregularity, so flagged "niet-westers"
       cases have a lower hit rate (0.284 vs 0.297; westers 0.291).
    3. *Team spread.*  Base acceptance ``a_team`` is 0.50 for ``"team C"`` and 0.25 for
       teams A, B, D and E: **ratio 2.0**.  Over the group mix of flagged cases the
       teams accept 0.598 vs 0.299.

    Together: selection rate 0.1122 ("niet-westers") vs 0.0763 ("geen"), **ratio 1.471**;
    0.0798 for "westers"; 0.0838 overall and for "onbekend" (the population mix).
    ``geslacht`` and ``leeftijdsklasse`` are independent of everything: their expected
    selection ratios are 1 (a check on false alarms of an audit).

    **Without bias** (``bias=False``): the score has no T term, every team accepts a flagged
    case with probability 0.30 independent of group, so flag rate (0.0838), acceptance
    (0.30), selection rate (0.0739) and hit rate (0.302) are equal for every group: all
    ratios are exactly 1.

    The same ``seed`` gives the same population, random arm, noise and true irregularity
    with either ``bias`` value; only the score's T term and the acceptance probabilities
    differ, so the two extracts are a paired comparison.

    Examples
    --------
    >>> df = welfare_reexamination(10_000, seed=1)
    >>> df.shape
    (10000, 15)
    >>> list(df.columns)[:5]
    ['client_id', 'geslacht', 'leeftijdsklasse', 'migratieachtergrond', 'wijk']
    >>> df["client_id"].iloc[0]
    'C000001'
    >>> round(float(df["aselect"].mean()), 3)
    0.05
    >>> bool(df.loc[~df["geselecteerd"], "onrechtmatig"].isna().all())
    True

    The manual step's injected disparity (ratio 1.8) is visible with plain pandas:

    >>> df = welfare_reexamination(200_000, seed=1)
    >>> flagged = df[df["geselecteerd_model"] & ~df["aselect"]]
    >>> accepted = flagged.groupby("migratieachtergrond")["geselecteerd"].mean()
    >>> round(float(accepted["niet-westers"] / accepted["geen"]), 1)
    1.8

    The random arm gives the unbiased irregularity rate (0.145 in every group):

    >>> random_arm = df[df["aselect"]]
    >>> round(float(random_arm["onrechtmatig"].astype(float).mean()), 3)
    0.145
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(
            f"The `n` parameter of `welfare_reexamination` must be an int; got {n!r} instead."
        )
    if n < 1:
        raise ValueError(
            f"The `n` parameter of `welfare_reexamination` must be at least 1; got {n} instead."
        )
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(
            f"The `seed` parameter of `welfare_reexamination` must be an int; got {seed!r} instead."
        )
    if seed < 0:
        raise ValueError(
            "The `seed` parameter of `welfare_reexamination` must be non-negative; "
            f"got {seed} instead."
        )
    if not isinstance(bias, bool):
        raise TypeError(
            f"The `bias` parameter of `welfare_reexamination` must be a bool; got {bias!r} instead."
        )
    n = int(n)
    rng = np.random.default_rng(int(seed))

    # Population.  The draw order is fixed and does not depend on `bias`.
    gender = _categorical(rng, _GENDER_P, n)
    age = _categorical(rng, _AGE_P, n)
    migration = _categorical(rng, _MIGRATION_P, n)
    migration_missing = rng.random(n) < _MISSING_MIGRATION
    wijk_u = rng.random(n)
    wijk = np.empty(n, dtype=np.int64)
    for code, group in enumerate(_MIGRATION):
        rows = migration == code
        cdf = np.cumsum(_WIJK_P[group])
        cdf[-1] = 1.0
        wijk[rows] = np.searchsorted(cdf, wijk_u[rows], side="right")
    p_language = np.asarray([_LANGUAGE_INSUFFICIENT[g] for g in _MIGRATION])[migration]
    language_insufficient = rng.random(n) < p_language

    # Legitimate risk factors and true irregularity.
    has_earnings = rng.random(n) < _P_EARNINGS
    amount = np.round(
        rng.lognormal(math.log(_EARNINGS_MEDIAN), _EARNINGS_SIGMA, n).clip(min=0.01), 2
    )
    earnings = np.where(has_earnings, amount, 0.0)
    latent = rng.random(n) < _P_LATENT
    p_irregular = (
        _IRREG_BASE + _IRREG_EARNINGS * has_earnings + _IRREG_LATENT * latent.astype(np.float64)
    )
    irregular = rng.random(n) < p_irregular

    # Risk model.
    coef_language = _COEF_LANGUAGE if bias else 0.0
    logit_score = (
        _INTERCEPT
        + _COEF_EARNINGS * has_earnings
        + _COEF_LATENT * latent
        + coef_language * language_insufficient
        + rng.logistic(0.0, 1.0, n)
    )
    score = 1.0 / (1.0 + np.exp(-logit_score))
    flag = score >= _THRESHOLD_HIGH
    category = np.where(flag, 0, np.where(score >= _THRESHOLD_MIDDLE, 1, 2))

    # Selection: random arm, then the team's manual step on flagged cases.
    team = rng.integers(0, len(_TEAMS), n)
    table = _ACCEPT_BIASED if bias else _ACCEPT_FAIR
    p_accept = np.asarray([table[t] for t in _TEAMS])[team]
    if bias:
        p_accept = np.where(
            migration == _MIGRATION.index(_PROTECTED), p_accept * _PROTECTED_MULTIPLIER, p_accept
        )
    accepted = rng.random(n) < p_accept
    random_arm = np.zeros(n, dtype=np.bool_)
    random_arm[rng.choice(n, size=round(_RANDOM_FRACTION * n), replace=False)] = True
    selected = random_arm | (flag & accepted)
    outcome = pd.arrays.BooleanArray(irregular, ~selected)

    frame: pd.DataFrame = pd.DataFrame(
        {
            "client_id": _client_ids(n),
            "geslacht": _labels(_GENDERS, gender),
            "leeftijdsklasse": _labels(_AGES, age),
            "migratieachtergrond": _labels(_MIGRATION, np.where(migration_missing, -1, migration)),
            "wijk": _labels(_WIJKEN, wijk),
            "taalvaardigheid": _labels(
                ("voldoende", "onvoldoende"), language_insufficient.astype(np.int64)
            ),
            "inkomen_bijverdiensten": earnings,
            "risicoscore": score,
            "risicocategorie": _labels(("hoog", "midden", "laag"), category),
            "aselect": random_arm,
            "geselecteerd_model": flag,
            "team": _labels(_TEAMS, team),
            "geselecteerd": selected,
            "onrechtmatig": pd.Series(outcome),
            "gewicht": np.ones(n, dtype=np.float64),
        },
        columns=list(_COLUMNS),
    )
    return frame
