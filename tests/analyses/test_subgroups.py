"""The intersection scan against pandas, scipy and statsmodels, on data with a hidden subgroup."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from eerlijkheid.analyses.subgroups import MAX_ORDER, subgroup_scan
from eerlijkheid.config import AuditConfig, Role
from eerlijkheid.counts import CountTable, Dimension, count_table
from eerlijkheid.exceptions import ConfigError

GROUPS = ["wijk", "leeftijdsklasse", "alleenstaand"]
HIDDEN = ("Centrum", "<27", "ja")


def hidden_subgroup(
    n: int = 20_000, seed: int = 0, effect: float = 2.0, base: float = 0.1, only_wijk=False
) -> pd.DataFrame:
    """Selection rate ``base``, times ``effect`` for Centrum × <27 × single (or all of Centrum)."""
    rng = np.random.default_rng(seed)
    wijk = rng.choice(["Centrum", "Noord", "Oost", "West"], size=n, p=[0.3, 0.3, 0.2, 0.2])
    leeftijd = rng.integers(18, 80, size=n)
    klasse = np.where(leeftijd < 27, "<27", np.where(leeftijd < 50, "27-49", "50+"))
    alleen = np.where(rng.random(n) < 0.5, "ja", "nee")
    if only_wijk:
        hidden = wijk == "Centrum"
    else:
        hidden = (wijk == "Centrum") & (klasse == "<27") & (alleen == "ja")
    selected = rng.random(n) < np.where(hidden, base * effect, base)
    return pd.DataFrame(
        {
            "wijk": wijk,
            "leeftijdsklasse": klasse,
            "alleenstaand": alleen,
            "geselecteerd": selected.astype(int),
        }
    )


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return hidden_subgroup()


@pytest.fixture(scope="module")
def scan(frame):
    table = count_table(frame, decision="geselecteerd", groups=GROUPS)
    return subgroup_scan(table, AuditConfig(order=3))


def test_hidden_subgroup_ranks_first_and_the_combination_drives_it(scan):
    best = scan.top[0]
    assert best.attributes == tuple(GROUPS)
    assert best.group == HIDDEN
    assert best.rank == 1
    assert best.comparison.pvalue_adjusted < 1e-6
    drivers = scan.driver_of(best)
    assert drivers is not None
    assert drivers.drivers == tuple(GROUPS)
    assert drivers.interaction
    # each parent (one attribute fewer) is diluted by cases outside the hidden subgroup
    assert drivers.excess_over_best_parent > np.log(1.1)


def test_a_single_attribute_gap_is_named_as_its_driver():
    frame = hidden_subgroup(seed=1, only_wijk=True, effect=1.6)
    table = count_table(frame, decision="geselecteerd", groups=GROUPS)
    scan = subgroup_scan(table, AuditConfig(order=3))
    assert (scan.top[0].attributes, scan.top[0].group) == (("wijk",), ("Centrum",))
    intersections = [s for s in scan.top if s.order >= 2 and "Centrum" in s.group]
    assert intersections
    for s in intersections:
        assert scan.driver_of(s).drivers == ("wijk",), s.group
        assert not scan.driver_of(s).interaction


def test_numbers_equal_an_independent_computation(frame, scan):
    """Rates by pandas; Wilson, Katz-log and Newcombe by statsmodels; tests by scipy."""
    by_key = {(s.attributes, s.group): s.comparison for s in scan.tested}
    table = count_table(frame, decision="geselecteerd", groups=GROUPS)
    chi2_scan = subgroup_scan(table, AuditConfig(order=3), test="chi2")
    chi2_by_key = {(s.attributes, s.group): s.comparison for s in chi2_scan.tested}
    exact_scan = subgroup_scan(table, AuditConfig(order=3), exact_below=math.inf)
    exact_by_key = {(s.attributes, s.group): s.comparison for s in exact_scan.tested}

    def c_p(attributes, group):
        return chi2_by_key[(attributes, group)].test.pvalue

    methods = {s.comparison.test.method for s in scan.tested}
    assert methods == {"fisher", "chi2"}  # both occur in this data
    n = len(frame)
    total_selected = int(frame["geselecteerd"].sum())
    for attributes, group in [
        (("wijk",), ("Oost",)),
        (("wijk", "alleenstaand"), ("Centrum", "ja")),
        (tuple(GROUPS), HIDDEN),
        (("leeftijdsklasse", "alleenstaand"), ("50+", "nee")),
    ]:
        mask = np.logical_and.reduce([frame[a] == g for a, g in zip(attributes, group)])
        x1, n1 = int(frame.loc[mask, "geselecteerd"].sum()), int(mask.sum())
        x2, n2 = total_selected - x1, n - n1
        d = by_key[(attributes, group)]
        assert (d.group_numerator, d.group_denominator) == (x1, n1)
        assert (d.reference_numerator, d.reference_denominator) == (x2, n2)
        assert d.group_value == pytest.approx(x1 / n1)
        assert d.reference_value == pytest.approx(x2 / n2)
        low, high = confint_proportions_2indep(x1, n1, x2, n2, compare="ratio", method="log")
        assert (d.ratio_interval.low, d.ratio_interval.high) == pytest.approx((low, high))
        low, high = confint_proportions_2indep(x1, n1, x2, n2, compare="diff", method="newcomb")
        assert (d.difference_interval.low, d.difference_interval.high) == pytest.approx((low, high))
        observed = [[x1, n1 - x1], [x2, n2 - x2]]
        odds, p = stats.fisher_exact(observed)
        exact = exact_by_key[(attributes, group)]
        assert exact.test.method == "fisher"
        assert exact.test.statistic == pytest.approx(odds)
        assert exact.test.pvalue == pytest.approx(p, rel=1e-6, abs=1e-300)
        chi2, p, _, expected = stats.chi2_contingency(observed, correction=False)
        # the default: exact below an expected cell of 100, chi-square above
        assert d.test.method == ("fisher" if expected.min() < 100 else "chi2")
        assert d.test.pvalue == (
            exact.test.pvalue if expected.min() < 100 else c_p(attributes, group)
        )
        c = chi2_by_key[(attributes, group)]
        assert c.test.method == "chi2"
        assert c.test.statistic == pytest.approx(chi2)
        assert c.test.pvalue == pytest.approx(p, rel=1e-9, abs=1e-300)
    row = scan.to_frame().iloc[0]
    assert (row["numerator"], row["denominator"]) == (
        by_key[(tuple(GROUPS), HIDDEN)].group_numerator,
        by_key[(tuple(GROUPS), HIDDEN)].group_denominator,
    )
    low, high = proportion_confint(row["numerator"], row["denominator"], method="wilson")
    assert low < row["value"] < high


def test_holm_over_the_whole_family_equals_statsmodels(scan):
    raw = np.array([s.comparison.test.pvalue for s in scan.tested])
    adjusted = np.array([s.comparison.pvalue_adjusted for s in scan.tested])
    assert scan.family_size == raw.size == 4 + 3 + 2 + 12 + 8 + 6 + 24
    assert adjusted == pytest.approx(multipletests(raw, method="holm")[1])
    assert {s.comparison.adjustment for s in scan.tested} == {"holm"}


def test_small_subgroups_are_counted_not_dropped(frame):
    small = frame.iloc[:600]
    table = count_table(small, decision="geselecteerd", groups=GROUPS)
    scan = subgroup_scan(table, AuditConfig(order=3), min_size=40)
    observed = sum(
        small.groupby(list(c), observed=True).ngroups
        for k in (1, 2, 3)
        for c in itertools.combinations(GROUPS, k)
    )
    assert len(scan.tested) + len(scan.not_tested) == observed
    assert scan.not_tested
    sizes = small.groupby(GROUPS, observed=True).size()
    for u in scan.not_tested:
        if u.attributes == tuple(GROUPS):
            assert u.size == sizes[u.group] < 40
    assert all(s.comparison.group_denominator >= 40 for s in scan.tested)


def test_the_random_arm_is_left_out_like_the_rest_of_the_audit(frame):
    arm = frame.copy()
    arm["aselect"] = (np.arange(len(arm)) % 10 == 0).astype(int)
    with_arm = count_table(arm, decision="geselecteerd", groups=GROUPS, random_sample="aselect")
    profile = count_table(arm[arm["aselect"] == 0], decision="geselecteerd", groups=GROUPS)
    a = subgroup_scan(with_arm, AuditConfig(order=2))
    b = subgroup_scan(profile, AuditConfig(order=2))
    assert a.arm == "profile" and b.arm == "all"
    assert [s.comparison for s in a.tested] == [s.comparison for s in b.tested]


def test_a_favourable_decision_ranks_the_lowest_rate_first(frame):
    granted = frame.assign(toegekend=1 - frame["geselecteerd"])
    table = count_table(granted, decision="toegekend", groups=GROUPS)
    scan = subgroup_scan(table, AuditConfig(order=3, favourable=True))
    assert scan.harm == "lower"
    assert scan.top[0].group == HIDDEN
    assert scan.top[0].comparison.ratio < 1


def test_unit_weights_give_the_unweighted_scan(frame):
    weighted = frame.assign(gewicht=1.0)
    a = subgroup_scan(
        count_table(weighted, decision="geselecteerd", groups=GROUPS, weight="gewicht"),
        AuditConfig(order=2),
    )
    b = subgroup_scan(
        count_table(frame, decision="geselecteerd", groups=GROUPS), AuditConfig(order=2)
    )
    for x, y in zip(a.tested, b.tested):
        assert x.comparison.ratio_interval.low == pytest.approx(y.comparison.ratio_interval.low)
        assert x.comparison.test.pvalue == pytest.approx(y.comparison.test.pvalue)


def test_order_is_capped_and_stated():
    rng = np.random.default_rng(0)
    cols = {f"k{i}": rng.choice(["a", "b"], size=400) for i in range(5)}
    frame = pd.DataFrame({**cols, "d": rng.integers(0, 2, size=400)})
    table = count_table(frame, decision="d", groups=list(cols))
    scan = subgroup_scan(table, AuditConfig(order=5), min_size=5)
    assert (scan.max_order, scan.order_capped) == (MAX_ORDER, True)
    assert max(s.order for s in scan.tested) == MAX_ORDER
    with pytest.raises(ConfigError, match="max_order"):
        subgroup_scan(table, AuditConfig(), max_order=5)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"metric": "precision"}, "outcome"),
        ({"metric": "selection_share"}, "metric"),
        ({"min_size": 0}, "min_size"),
        ({"top": -1}, "top"),
    ],
)
def test_bad_settings_are_clear_errors(frame, kwargs, pattern):
    table = count_table(frame.iloc[:100], decision="geselecteerd", groups=GROUPS)
    with pytest.raises(ConfigError, match=pattern):
        subgroup_scan(table, AuditConfig(), **kwargs)


@pytest.mark.slow
def test_family_wise_false_alarms_stay_at_the_nominal_level():
    """Without structure, Holm over all subgroups keeps the family-wise error at alpha.

    200 null count tables (3 attributes, order 3, 59 subgroups each); the number with any
    adjusted p below 0.05 is Binomial(200, <= 0.05), so it stays below the 99.9% quantile of
    Binomial(200, 0.05).
    """
    levels = (("Centrum", "Noord", "Oost", "West"), ("<27", "27-49", "50+"), ("ja", "nee"))
    dims = (
        *(Dimension(g, Role.GROUP, lv) for g, lv in zip(GROUPS, levels)),
        Dimension("geselecteerd", Role.DECISION, ("0", "1")),
    )
    cells = np.array(list(itertools.product(*(range(len(lv)) for lv in levels))))
    codes = np.vstack([np.column_stack([cells, np.full(len(cells), d)]) for d in (0, 1)])
    alarms = 0
    for seed in range(200):
        # 3000 cases over the 24 cells, each selected with probability 0.1: the counts
        # a frame of rows would give, without building the rows
        rng = np.random.default_rng(1000 + seed)
        sizes = rng.multinomial(3000, np.full(len(cells), 1 / len(cells)))
        selected = rng.binomial(sizes, 0.1)
        table = CountTable(dims, codes, np.concatenate([sizes - selected, selected]))
        scan = subgroup_scan(table, AuditConfig(order=3))
        alarms += any(s.comparison.pvalue_adjusted < 0.05 for s in scan.tested)
    assert alarms <= stats.binom.ppf(0.999, 200, 0.05)
