"""Mantel-Haenszel against R (UC Berkeley admissions) and statsmodels."""

from __future__ import annotations

import csv
import dataclasses
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable

from eerlijkheid.exceptions import ConfigError, CountsError
from eerlijkheid.stats import (
    ConfidenceInterval,
    MantelHaenszelResult,
    compare_proportions,
    mantel_haenszel,
)
from shared_data import require_cases_raw

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
UCB = SHARED / "cases-raw" / "rdatasets" / "UCBAdmissions.csv"


def ucb_counts() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per department: men admitted, men applied, women admitted, women applied."""
    require_cases_raw()  # skipped when absent, a clear failure under CI
    freq: dict[tuple[str, str, str], float] = {}
    with UCB.open(newline="") as fh:
        for row in csv.DictReader(fh):
            value = row.get("Freq", row.get("value"))
            assert value is not None
            freq[row["Admit"], row["Gender"], row["Dept"]] = float(value)
    depts = sorted({k[2] for k in freq})
    men_adm = np.array([freq["Admitted", "Male", d] for d in depts])
    men_all = men_adm + np.array([freq["Rejected", "Male", d] for d in depts])
    wom_adm = np.array([freq["Admitted", "Female", d] for d in depts])
    wom_all = wom_adm + np.array([freq["Rejected", "Female", d] for d in depts])
    return men_adm, men_all, wom_adm, wom_all


def test_reproduces_r_mantelhaen_test_on_ucb_admissions() -> None:
    # R 4.x:
    #   > mantelhaen.test(UCBAdmissions)
    #   Mantel-Haenszel chi-squared test with continuity correction
    #   Mantel-Haenszel X-squared = 1.4269, df = 1, p-value = 0.2323
    #   alternative hypothesis: true common odds ratio is not equal to 1
    #   95 percent confidence interval:
    #    0.7719074 1.0603298
    #   sample estimates:
    #   common odds ratio
    #           0.9046968
    # R's table is Admit x Gender x Dept, so the odds ratio is male-admit odds over
    # female-admit odds: group = men, reference = women.
    res = mantel_haenszel(*ucb_counts())
    assert res.statistic == pytest.approx(1.4269, abs=5e-5)
    assert res.pvalue == pytest.approx(0.2323, abs=5e-5)
    assert res.common_odds_ratio == pytest.approx(0.9047, abs=5e-5)
    ci = res.confidence_interval()
    assert ci.low == pytest.approx(0.7719, abs=5e-5)
    assert ci.high == pytest.approx(1.0603, abs=5e-5)
    assert res.method == "Mantel-Haenszel chi-squared test with continuity correction"
    assert res.n_strata_used == 6
    # Simpson's paradox: the crude odds ratio favours men.
    assert res.crude.odds_ratio > 1.8


def tables_of(x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    return np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=float)


def test_ucb_matches_statsmodels_including_breslow_day() -> None:
    counts = ucb_counts()
    st = StratifiedTable(tables_of(*counts))
    for correction in (True, False):
        res = mantel_haenszel(*counts, correction=correction)
        exp = st.test_null_odds(correction=correction)
        assert res.statistic == pytest.approx(exp.statistic, rel=1e-10)
        assert res.pvalue == pytest.approx(exp.pvalue, rel=1e-8)
    res = mantel_haenszel(*counts)
    assert res.homogeneity_pvalue == pytest.approx(st.test_equal_odds().pvalue, rel=1e-8)
    assert res.common_odds_ratio == pytest.approx(st.oddsratio_pooled, rel=1e-12)
    ci = res.confidence_interval(confidence_level=0.9)
    assert (ci.low, ci.high) == pytest.approx(st.oddsratio_pooled_confint(alpha=0.1), rel=1e-12)


def test_random_strata_match_statsmodels() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        k = int(rng.integers(2, 8))
        n1 = rng.integers(5, 200, k).astype(float)
        n2 = rng.integers(5, 200, k).astype(float)
        x1 = np.floor(rng.random(k) * (n1 + 1))
        x2 = np.floor(rng.random(k) * (n2 + 1))
        if np.any([x1 == 0, x1 == n1, x2 == 0, x2 == n2]):
            continue
        st = StratifiedTable(tables_of(x1, n1, x2, n2))
        res = mantel_haenszel(x1, n1, x2, n2, correction=False)
        assert res.statistic == pytest.approx(st.test_null_odds().statistic, rel=1e-9)
        assert res.common_odds_ratio == pytest.approx(st.oddsratio_pooled, rel=1e-12)
        assert res.homogeneity_pvalue == pytest.approx(st.test_equal_odds().pvalue, rel=1e-6)
        low, high = st.oddsratio_pooled_confint(alpha=0.1)
        ci = res.confidence_interval(confidence_level=0.9)
        assert (ci.low, ci.high) == pytest.approx((low, high), rel=1e-10)


def test_closed_form_needs_neither_statsmodels_nor_pandas() -> None:
    """The formulas are numpy: a polars user's stratified audit does not load pandas."""
    code = (
        "import sys; from eerlijkheid.stats import mantel_haenszel; "
        "r = mantel_haenszel([512, 353], [825, 560], [89, 17], [108, 25]); "
        "r.confidence_interval(); "
        "print(sorted(m for m in ('pandas', 'statsmodels') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_continuity_correction_only_when_delta_at_least_half() -> None:
    # One stratum [[2, 3], [1, 3]]: sum(a - E[a]) = 2 - 5 * 3 / 9 = 1/3 < 1/2, so R
    # applies no correction (YATES <- if (abs(DELTA) >= .5) .5 else 0); statsmodels
    # would subtract 0.5 regardless.
    st = StratifiedTable(tables_of(*(np.array([v], dtype=float) for v in (2, 5, 1, 4))))
    res = mantel_haenszel([2], [5], [1], [4], correction=True)
    assert res.statistic == pytest.approx(st.test_null_odds(correction=False).statistic)
    assert res.statistic != pytest.approx(st.test_null_odds(correction=True).statistic)
    assert res.pvalue == pytest.approx(stats.chi2.sf(res.statistic, 1))


def test_strata_with_an_empty_arm_are_dropped() -> None:
    x1, n1, x2, n2 = [10, 20], [50, 60], [15, 40], [50, 80]
    base = mantel_haenszel(x1, n1, x2, n2)
    more = mantel_haenszel([*x1, 0, 3], [*n1, 0, 7], [*x2, 4, 0], [*n2, 9, 0])
    assert more.n_strata_used == 2 and base.n_strata_used == 2
    assert more.statistic == base.statistic
    assert more.common_odds_ratio == base.common_odds_ratio
    assert more.confidence_interval() == base.confidence_interval()
    # the count arrays are kept as given, dropped strata included
    assert more.group_nobs.tolist() == [50, 60, 0, 7]
    # crude = collapsed table over all strata
    assert more.crude == compare_proportions(33, 117, 59, 139)


def test_no_usable_stratum() -> None:
    res = mantel_haenszel([0, 1], [0, 3], [2, 0], [5, 0])
    assert res.n_strata_used == 0
    assert np.isnan(res.statistic) and np.isnan(res.pvalue)
    assert np.isnan(res.common_odds_ratio) and np.isnan(res.homogeneity_pvalue)
    assert res.confidence_interval() == ConfidenceInterval(0.0, np.inf)


def test_empty_input() -> None:
    res = mantel_haenszel([], [], [], [])
    assert res.n_strata_used == 0 and np.isnan(res.pvalue)


def test_zero_variance_is_not_testable() -> None:
    # no successes anywhere: every stratum has a zero column margin
    res = mantel_haenszel([0, 0], [5, 5], [0, 0], [3, 4])
    assert np.isnan(res.statistic) and np.isnan(res.pvalue)
    assert res.confidence_interval() == ConfidenceInterval(0.0, np.inf)


def test_zero_common_odds_ratio_gives_unbounded_interval() -> None:
    res = mantel_haenszel([0, 0], [5, 5], [1, 2], [3, 4])
    assert res.common_odds_ratio == 0.0
    assert res.confidence_interval() == ConfidenceInterval(0.0, np.inf)
    # the test is still defined; compare with statsmodels
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = StratifiedTable(
            tables_of(*(np.array(v, float) for v in ([0, 0], [5, 5], [1, 2], [3, 4])))
        )
        expected = st.test_null_odds(correction=True).statistic
    assert res.statistic == pytest.approx(expected)


def test_single_stratum_has_no_homogeneity_test() -> None:
    res = mantel_haenszel([10], [50], [15], [50])
    assert np.isnan(res.homogeneity_pvalue)
    # with one stratum, MH odds ratio = sample odds ratio
    assert res.common_odds_ratio == pytest.approx(compare_proportions(10, 50, 15, 50).odds_ratio)


def test_result_is_frozen_and_arrays_read_only() -> None:
    res = mantel_haenszel([10, 20], [50, 60], [15, 40], [50, 80])
    assert isinstance(res, MantelHaenszelResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.statistic = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        res.group_count[0] = 1


def test_validation() -> None:
    with pytest.raises(
        ConfigError, match="`group_count` parameter of `mantel_haenszel` must be a 1-D array"
    ):
        mantel_haenszel([[1]], [[2]], [[1]], [[2]])
    with pytest.raises(
        ConfigError, match="`reference_count` parameter of `mantel_haenszel` must be as long"
    ):
        mantel_haenszel([1, 2], [5, 5], [1], [5])
    with pytest.raises(ConfigError, match="`correction` parameter"):
        mantel_haenszel([1], [5], [1], [5], correction="yes")  # type: ignore[arg-type]
    with pytest.raises(CountsError, match="must be at most `group_nobs`"):
        mantel_haenszel([6], [5], [1], [5])
    with pytest.raises(
        ConfigError,
        match="`confidence_level` parameter of `MantelHaenszelResult.confidence_interval`",
    ):
        mantel_haenszel([1], [5], [1], [5]).confidence_interval(confidence_level=0)
