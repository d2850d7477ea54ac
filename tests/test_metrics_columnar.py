"""The columnar results (GroupMetricTable, DisparityTable) against oracles and the object path.

Every row of the columnar tables is recomputed from the raw rows with pandas, statsmodels
and scipy (counts, values, Wilson and Newcombe intervals, chi-square/Fisher tests, Holm);
the objects built from the tables must equal what the object functions return, element by
element, and ``to_frame`` must give the same frame both ways.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from eerlijkheid import count_table
from eerlijkheid.metrics import (
    DIRECTIONS,
    HARMS,
    METRICS,
    Disparity,
    DisparityTable,
    GroupMetric,
    GroupMetricTable,
    compare_counts,
    disparities,
    disparity_table,
    group_metric_table,
    group_metrics,
    to_frame,
)

# metric -> (numerator cells, denominator cells) over (decision, outcome); "s" = share
CELLS = {
    "selection_rate": ({(1, 0), (1, 1)}, {(0, 0), (0, 1), (1, 0), (1, 1)}),
    "prevalence": ({(0, 1), (1, 1)}, {(0, 0), (0, 1), (1, 0), (1, 1)}),
    "true_positive_rate": ({(1, 1)}, {(0, 1), (1, 1)}),
    "false_positive_rate": ({(1, 0)}, {(0, 0), (1, 0)}),
    "false_negative_rate": ({(0, 1)}, {(0, 1), (1, 1)}),
    "true_negative_rate": ({(0, 0)}, {(0, 0), (1, 0)}),
    "precision": ({(1, 1)}, {(1, 0), (1, 1)}),
    "negative_predictive_value": ({(0, 0)}, {(0, 0), (0, 1)}),
    "false_discovery_rate": ({(1, 0)}, {(1, 0), (1, 1)}),
    "false_omission_rate": ({(0, 1)}, {(0, 0), (0, 1)}),
    "false_positive_share": ({(1, 0)}, {(0, 0), (0, 1), (1, 0), (1, 1)}),
}


def random_rows(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "g": rng.choice(["a", "b", "c", "d"], n, p=[0.55, 0.3, 0.12, 0.03]),
            "h": rng.choice(["x", "y", "z"], n, p=[0.5, 0.4, 0.1]),
            "k": rng.choice(["p", "q"], n),
            "d": (rng.random(n) < 0.3).astype(int),
            "y": (rng.random(n) < 0.4).astype(int),
        }
    )


def same(a: object, b: object) -> bool:
    """Equality that treats NaN as equal to NaN (dataclass == does not)."""
    return a == b or repr(a) == repr(b)


def oracle_counts(rows: pd.DataFrame, grouping: tuple[str, ...], metric: str) -> pd.DataFrame:
    """Numerator and denominator per observed group, straight from the rows."""
    num_cells, den_cells = CELLS[metric]
    cell = list(zip(rows["d"], rows["y"], strict=True))
    frame = rows.assign(num=[c in num_cells for c in cell], den=[c in den_cells for c in cell], n=1)
    out = frame.groupby(list(grouping))[["num", "den", "n"]].sum()
    out.index = [k if isinstance(k, tuple) else (k,) for k in out.index]
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_group_metric_table_matches_pandas_and_statsmodels(seed: int) -> None:
    rows = random_rows(seed, 800)
    table = count_table(rows, decision="d", groups=["g", "h", "k"], outcome="y")
    result = group_metric_table(table, order=2, metrics=[*CELLS, "population_share"])
    assert isinstance(result, GroupMetricTable)
    seen = 0
    for i, grouping in enumerate(result.groupings):
        for m, metric in enumerate(result.metrics):
            rows_here = np.flatnonzero((result.grouping == i) & (result.metric == m))
            labels = [result.labels[g] for g in result.group[rows_here]]
            if metric == "population_share":
                sizes = rows.groupby(list(grouping)).size()
                expected = [sizes[lab if len(lab) > 1 else lab[0]] / len(rows) for lab in labels]
                assert result.value[rows_here] == pytest.approx(expected, abs=1e-15)
                assert set(result.denominator[rows_here].tolist()) == {len(rows)}
                continue
            oracle = oracle_counts(rows, grouping, metric)
            assert labels == sorted(oracle.index)  # every observed group, in level order
            for row, label in zip(rows_here, labels, strict=True):
                num, den = oracle.loc[[label], "num"].iat[0], oracle.loc[[label], "den"].iat[0]
                assert (result.numerator[row], result.denominator[row]) == (num, den)
                if den == 0:
                    assert math.isnan(result.value[row])
                    assert (result.confidence_low[row], result.confidence_high[row]) == (0, 1)
                    continue
                assert result.value[row] == pytest.approx(num / den, abs=1e-15)
                low, high = proportion_confint(num, den, method="wilson")
                assert result.confidence_low[row] == pytest.approx(low, abs=1e-12)
                assert result.confidence_high[row] == pytest.approx(high, abs=1e-12)
                seen += 1
    assert seen > 200


@pytest.mark.parametrize("seed", [2, 3])
def test_disparity_table_matches_pandas_statsmodels_and_scipy(seed: int) -> None:
    rows = random_rows(seed, 600)
    table = count_table(rows, decision="d", groups=["g", "h"], outcome="y")
    metrics = ["selection_rate", "true_positive_rate", "precision"]
    result = disparity_table(table, order=2, metrics=metrics, reference="largest")
    assert isinstance(result, DisparityTable)
    checked = {"chi2": 0, "fisher": 0}
    for i, grouping in enumerate(result.groupings):
        for m, metric in enumerate(result.metrics):
            family = np.flatnonzero((result.grouping == i) & (result.metric == m))
            oracle = oracle_counts(rows, grouping, metric)
            largest = oracle["n"].idxmax()  # the "largest" reference (no missing labels here)
            assert {result.labels[r] for r in result.reference[family]} == {largest}
            assert sorted(result.labels[g] for g in result.group[family]) == sorted(
                set(oracle.index) - {largest}
            )
            rn, rd = oracle.loc[[largest], "num"].iat[0], oracle.loc[[largest], "den"].iat[0]
            pvalues = []
            for row in family:
                label = result.labels[result.group[row]]
                gn, gd = oracle.loc[[label], "num"].iat[0], oracle.loc[[label], "den"].iat[0]
                assert (result.group_numerator[row], result.group_denominator[row]) == (gn, gd)
                assert (result.reference_numerator[row], result.reference_denominator[row]) == (
                    rn,
                    rd,
                )
                assert HARMS[result.harm[row]] == METRICS[metric].harm(favourable=False)
                if gd == 0:
                    assert DIRECTIONS[result.direction[row]] == "undefined"
                    assert math.isnan(result.pvalue[row])
                    pvalues.append(math.nan)
                    continue
                diff = gn / gd - rn / rd
                assert result.difference[row] == pytest.approx(diff, abs=1e-15)
                expected_direction = "higher" if diff > 0 else "lower" if diff < 0 else "equal"
                assert DIRECTIONS[result.direction[row]] == expected_direction
                low, high = confint_proportions_2indep(
                    gn, gd, rn, rd, method="newcomb", compare="diff"
                )
                assert (result.difference_low[row], result.difference_high[row]) == (
                    pytest.approx(low, abs=1e-12),
                    pytest.approx(high, abs=1e-12),
                )
                two_by_two = [[gn, gd - gn], [rn, rd - rn]]
                method = result.test_methods[result.test_method[row]]
                if gn + rn in (0, gd + rd):  # no successes or no failures: not testable
                    assert math.isnan(result.pvalue[row])
                    pvalues.append(math.nan)
                    continue
                if method == "fisher":
                    p = fisher_exact(two_by_two).pvalue
                else:
                    p = chi2_contingency(two_by_two, correction=False).pvalue
                assert result.pvalue[row] == pytest.approx(p, rel=1e-10)
                checked[method] += 1
                pvalues.append(p)
            finite = [p for p in pvalues if not math.isnan(p)]
            if finite:
                adjusted = multipletests(finite, method="holm")[1]
                ours = [
                    result.pvalue_adjusted[r]
                    for r, p in zip(family, pvalues, strict=True)
                    if not math.isnan(p)
                ]
                assert ours == pytest.approx(list(adjusted), rel=1e-10)
    assert checked["chi2"] > 5 and checked["fisher"] > 5


CASES = [
    ({"outcome": "y"}, {"order": 3}),
    ({"outcome": "y"}, {"order": 2, "reference": "most-favourable", "favourable": True}),
    ({"outcome": "y", "weight": "w"}, {"order": 2, "reference": {"g": "b", "h": "x"}}),
    ({}, {"attributes": ["h", ("g", "k")], "test": "fisher", "adjust": "bh"}),
    ({"outcome": "y"}, {"order": 1, "adjust": "none", "confidence_level": 0.9, "test": "chi2"}),
    ({"outcome": "y"}, {"order": 2, "where": {"k": "p"}}),
]


@pytest.mark.parametrize(("roles", "options"), CASES)
@pytest.mark.parametrize("seed", [4, 5])
def test_columnar_and_object_paths_agree_element_by_element(
    seed: int, roles: dict[str, str], options: dict[str, object]
) -> None:
    rows = random_rows(seed, 400 if seed % 2 else 3_000)
    rows["w"] = np.random.default_rng(seed).uniform(0.5, 3.0, len(rows))
    rows.loc[rows.index % 17 == 0, "h"] = None  # an explicit missing-label group
    table = count_table(rows, decision="d", groups=["g", "h", "k"], **roles)

    columns = disparity_table(table, **options)  # type: ignore[arg-type]
    objects = disparities(table, **options)  # type: ignore[arg-type]
    assert type(objects) is tuple and all(type(d) is Disparity for d in objects)
    assert len(columns) == len(objects) > 0
    assert all(same(a, b) for a, b in zip(columns, objects, strict=True))
    for i in (0, len(objects) // 2, -1):
        assert same(columns[i], objects[i])
    assert all(same(a, b) for a, b in zip(columns[1:4], objects[1:4], strict=True))
    assert all(same(a.group_worse_off, b) for a, b in zip(objects, _worse(columns), strict=True))
    pd.testing.assert_frame_equal(columns.to_frame(), to_frame(objects))
    pd.testing.assert_frame_equal(to_frame(columns), to_frame(objects))

    metric_options = {
        k: v
        for k, v in options.items()
        if k in ("attributes", "order", "where", "confidence_level")
    }
    for method in ("wilson", "jeffreys"):
        rates = group_metric_table(table, method=method, **metric_options)  # type: ignore[arg-type]
        rate_objects = group_metrics(table, method=method, **metric_options)  # type: ignore[arg-type]
        assert all(type(m) is GroupMetric for m in rate_objects)
        assert len(rates) == len(rate_objects) > 0
        assert all(same(a, b) for a, b in zip(rates, rate_objects, strict=True))
        assert same(rates[-2], rate_objects[-2])
        pd.testing.assert_frame_equal(rates.to_frame(), to_frame(rate_objects))


def _worse(table: DisparityTable) -> list[bool | None]:
    return [None if math.isnan(v) else bool(v) for v in table.worse_off]


def test_compare_counts_per_group_references_and_length_check() -> None:
    from statsmodels.stats.proportion import confint_proportions_2indep as ci

    result = compare_counts(
        metric="share_vs_random_sample",
        attributes=("g",),
        groups=[("a",), ("b",)],
        reference=("random",),
        reference_rule="random arm",
        group_counts=([20, 5], [40, 50]),
        reference_counts=([10, 12], [60, 60]),
        harm="higher",
    )
    assert [d.reference_numerator for d in result] == [10, 12]
    assert {d.reference_rule for d in result} == {"random arm"}
    low, high = ci(20, 40, 10, 60, method="log", compare="ratio")
    assert (result[0].ratio_interval.low, result[0].ratio_interval.high) == pytest.approx(
        (low, high)
    )
    from eerlijkheid.exceptions import ConfigError

    with pytest.raises(ConfigError, match="groups"):
        compare_counts(
            metric="m",
            attributes=("g",),
            groups=[("a",)],
            reference=("b",),
            reference_rule="explicit",
            group_counts=([1, 2], [4, 4]),
            reference_counts=(3, 9),
            harm="higher",
        )


def test_tables_are_read_only_sequences_with_selection() -> None:
    rows = random_rows(6, 2_000)
    table = count_table(rows, decision="d", groups=["g", "h"], outcome="y")
    result = disparity_table(table, order=2)
    with pytest.raises(ValueError, match="read-only"):
        result.ratio[0] = 1.0
    with pytest.raises(IndexError):
        result[len(result)]
    low = result.take(result.pvalue_adjusted < 0.5)
    assert len(low) == int((result.pvalue_adjusted < 0.5).sum())
    assert all(d.pvalue_adjusted < 0.5 for d in low)
    picked = result.take([3, 1])
    assert same(picked[0], result[3]) and same(picked[1], result[1])
    assert "DisparityTable(" in repr(result) and str(len(result)) in repr(result)
    frame = result.to_frame()
    assert frame["group"].tolist() == result.label_column("group")
    assert frame.columns.tolist() == to_frame([result[0]]).columns.tolist()


def test_a_single_group_gives_empty_tables_like_the_object_path() -> None:
    rows = pd.DataFrame({"g": ["a", "b", "a", "b"], "h": ["x"] * 4, "d": [1, 0, 0, 1]})
    table = count_table(rows, decision="d", groups=["g"])
    empty = disparity_table(table, attributes=[])
    assert len(empty) == 0 and list(empty) == []
    pd.testing.assert_frame_equal(empty.to_frame(), to_frame(()))
    assert len(group_metric_table(table, attributes=[])) == 0


def test_metrics_import_does_not_import_pandas() -> None:
    code = "import sys, eerlijkheid.metrics; print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
