"""adjust_pvalues against hand-worked R p.adjust values and a transcription of R's code."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eerlijkheid.exceptions import ConfigError
from eerlijkheid.stats import adjust_pvalues


def r_p_adjust(p: list[float], method: str) -> list[float]:
    """Plain-Python transcription of R's stats::p.adjust (independent of statsmodels).

    R: n <- number of non-NA p; holm: pmin(1, cummax((n - i + 1) * p[o]))[ro] with o the
    increasing order; BH: pmin(1, cummin(n / i * p[o]))[ro] with o the decreasing order;
    bonferroni: pmin(1, n * p).  NA stays NA.
    """
    idx = [i for i, v in enumerate(p) if not np.isnan(v)]
    n = len(idx)
    out = [float("nan")] * len(p)
    if method == "bonferroni":
        for i in idx:
            out[i] = min(1.0, n * p[i])
    elif method == "holm":
        running = 0.0
        for rank, i in enumerate(sorted(idx, key=lambda j: p[j]), start=1):
            running = max(running, (n - rank + 1) * p[i])
            out[i] = min(1.0, running)
    elif method == "bh":
        running = float("inf")
        for pos, i in enumerate(sorted(idx, key=lambda j: -p[j])):
            rank = n - pos
            running = min(running, n / rank * p[i])
            out[i] = min(1.0, running)
    else:
        for i in idx:
            out[i] = p[i]
    return out


def test_hand_worked_vector() -> None:
    # R:
    #   > p <- c(0.01, 0.04, 0.03, 0.005)
    #   > p.adjust(p, "holm")        # sorted 0.005*4, 0.01*3, 0.03*2, 0.04*1 -> cummax
    #   [1] 0.03 0.06 0.06 0.02
    #   > p.adjust(p, "BH")          # sorted 0.005*4/1, 0.01*4/2, 0.03*4/3, 0.04*4/4 -> cummin
    #   [1] 0.02 0.04 0.04 0.02
    #   > p.adjust(p, "bonferroni")
    #   [1] 0.04 0.16 0.12 0.02
    # (Holm by hand: 0.02, 0.03, max(0.03, 0.06) = 0.06, max(0.06, 0.04) = 0.06.)
    p = [0.01, 0.04, 0.03, 0.005]
    np.testing.assert_allclose(adjust_pvalues(p, method="holm"), [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(adjust_pvalues(p, method="bh"), [0.02, 0.04, 0.04, 0.02])
    np.testing.assert_allclose(adjust_pvalues(p, method="bonferroni"), [0.04, 0.16, 0.12, 0.02])
    np.testing.assert_array_equal(adjust_pvalues(p, method="none"), p)


# Benjamini & Hochberg (1995), JRSS B 57:289-300, section 4.1: 15 p-values.  At level
# 0.05 Bonferroni and Holm reject 3 hypotheses, BH rejects 4.
BH_1995 = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.000,
]


@pytest.mark.parametrize(("method", "rejected"), [("bh", 4), ("holm", 3), ("bonferroni", 3)])
def test_benjamini_hochberg_1995_example(method: str, rejected: int) -> None:
    adjusted = adjust_pvalues(BH_1995, method=method)  # type: ignore[arg-type]
    np.testing.assert_allclose(adjusted, r_p_adjust(BH_1995, method), rtol=1e-12)
    assert int((adjusted <= 0.05).sum()) == rejected


def test_nan_is_kept_and_not_counted_in_family() -> None:
    p = [0.01, np.nan, 0.04, np.nan, 0.03]
    for method in ("holm", "bh", "bonferroni", "none"):
        got = adjust_pvalues(p, method=method)  # type: ignore[arg-type]
        assert np.isnan(got[[1, 3]]).all()
        np.testing.assert_allclose(
            got[[0, 2, 4]], adjust_pvalues([0.01, 0.04, 0.03], method=method)
        )  # type: ignore[arg-type]
        np.testing.assert_allclose(got, r_p_adjust(p, method), equal_nan=True)


def test_all_nan_empty_and_shape() -> None:
    assert np.isnan(adjust_pvalues([np.nan, np.nan])).all()
    assert adjust_pvalues([]).shape == (0,)
    grid = np.array([[0.01, 0.04], [0.03, 0.005]])
    got = adjust_pvalues(grid, method="holm")
    assert got.shape == (2, 2)
    np.testing.assert_allclose(got.ravel(), [0.03, 0.06, 0.06, 0.02])


def test_input_is_not_modified() -> None:
    p = np.array([0.01, 0.04])
    adjust_pvalues(p, method="bonferroni")
    assert p.tolist() == [0.01, 0.04]


@pytest.mark.parametrize("bad", [[0.5, 1.2], [-0.1], [np.inf], ["a"]])
def test_invalid_pvalues(bad: list[object]) -> None:
    with pytest.raises(ConfigError, match="`pvalues` parameter of `adjust_pvalues`"):
        adjust_pvalues(bad)  # type: ignore[arg-type]


def test_invalid_method() -> None:
    with pytest.raises(
        ConfigError,
        match=r"must be one of 'holm', 'bh', 'bonferroni', 'none'; got 'fdr_bh' instead\.$",
    ):
        adjust_pvalues([0.1], method="fdr_bh")  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.one_of(st.floats(0, 1), st.just(float("nan"))), min_size=1, max_size=30),
    st.sampled_from(["holm", "bh", "bonferroni"]),
)
def test_matches_r_transcription_and_is_conservative(p: list[float], method: str) -> None:
    got = adjust_pvalues(p, method=method)  # type: ignore[arg-type]
    np.testing.assert_allclose(got, r_p_adjust(p, method), rtol=1e-12, atol=0, equal_nan=True)
    finite = ~np.isnan(got)
    assert np.all(got[finite] >= np.asarray(p)[finite] - 1e-15)
    assert np.all(got[finite] <= 1.0)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(min_value=0, max_value=1), st.sampled_from([0.01, 0.05, 0.5])),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["holm", "bh", "bonferroni"]),
)
def test_equals_statsmodels_multipletests(pvalues, method):
    from statsmodels.stats.multitest import multipletests

    name = {"holm": "holm", "bh": "fdr_bh", "bonferroni": "bonferroni"}[method]
    expected = multipletests(pvalues, method=name)[1]
    np.testing.assert_allclose(adjust_pvalues(pvalues, method=method), expected, rtol=1e-12, atol=0)
