"""The public surface of eerlijkheid.stats: names, docs, dataclasses, error messages."""

from __future__ import annotations

import dataclasses
import inspect
import re

import numpy as np
import pytest

import eerlijkheid.stats as stats_pkg
from eerlijkheid.exceptions import ConfigError, CountsError, EerlijkheidError
from eerlijkheid.stats import (
    BootstrapResult,
    ConfidenceInterval,
    MantelHaenszelResult,
    ProportionResult,
    TestResult,
    TwoProportionResult,
    adjust_pvalues,
    bootstrap_counts,
    compare_proportions,
    mantel_haenszel,
    minimum_detectable_ratio,
    power_two_proportions,
    proportion_interval,
    two_proportion_test,
)

FIXED_NAMES = {
    "ConfidenceInterval",
    "ProportionResult",
    "proportion",
    "proportion_interval",
    "TestResult",
    "TwoProportionResult",
    "compare_proportions",
    "difference_interval",
    "ratio_interval",
    "odds_ratio_interval",
    "two_proportion_test",
    "MantelHaenszelResult",
    "mantel_haenszel",
    "mantel_haenszel_rate_ratio",
    "adjust_pvalues",
    "power_two_proportions",
    "minimum_detectable_ratio",
    "BootstrapResult",
    "bootstrap_counts",
}
TEMPLATE = re.compile(r"^The `\w+` parameter of `[\w.]+` must be .+; got .+ instead\.$", re.S)


def test_all_exports_the_agreed_names() -> None:
    assert set(stats_pkg.__all__) >= FIXED_NAMES
    assert set(stats_pkg.__all__) == FIXED_NAMES | {"BootstrapInterval"}
    for name in stats_pkg.__all__:
        assert getattr(stats_pkg, name).__module__.startswith("eerlijkheid.stats._")


@pytest.mark.parametrize("name", sorted(FIXED_NAMES))
def test_public_objects_have_numpydoc_with_examples(name: str) -> None:
    obj = getattr(stats_pkg, name)
    doc = inspect.getdoc(obj) or ""
    assert "Examples\n--------" in doc
    if inspect.isfunction(obj):
        assert "Parameters\n----------" in doc and "Returns\n-------" in doc
        params = inspect.signature(obj).parameters.values()
        assert all(p.kind is not p.VAR_POSITIONAL for p in params)
        # options are keyword-only
        for p in params:
            if p.default is not p.empty:
                assert p.kind is p.KEYWORD_ONLY, (name, p.name)


@pytest.mark.parametrize(
    "cls",
    [
        ConfidenceInterval,
        TestResult,
        ProportionResult,
        TwoProportionResult,
        MantelHaenszelResult,
        BootstrapResult,
        stats_pkg.BootstrapInterval,
    ],
)
def test_results_are_frozen_dataclasses(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_package_docstring_documents_the_conventions() -> None:
    doc = stats_pkg.__doc__ or ""
    for phrase in (
        "nobs == 0",
        "Haldane",
        "Cochran",
        "degenerate",
        "NaN p-values",
        "FIXED seed 0",
        "fixed_axis",
        "(0, inf)",
        "(-1, 1)",
    ):
        assert phrase in doc, phrase


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: proportion_interval(1, 10, method="x"), ConfigError),
        (lambda: proportion_interval(12, 10), CountsError),
        (lambda: two_proportion_test(1, 10, 1, 10, alternative="x"), ConfigError),
        (lambda: compare_proportions(1, 10, 1, 10).ratio_interval(confidence_level=2), ConfigError),
        (lambda: mantel_haenszel([1], [2], [1, 1], [2, 2]), ConfigError),
        (lambda: adjust_pvalues([2.0]), ConfigError),
        (lambda: power_two_proportions(10, 0.5, 10, -3.0), ConfigError),
        (lambda: minimum_detectable_ratio(10, 0.5, 10, power=1.0), ConfigError),
        (lambda: bootstrap_counts(np.array([1, -1]), np.sum), CountsError),
    ],
)
def test_errors_use_the_one_message_template(call: object, error: type[EerlijkheidError]) -> None:
    with pytest.raises(error) as info:
        call()  # type: ignore[operator]
    assert TEMPLATE.match(str(info.value)), str(info.value)
    assert isinstance(info.value, ValueError)  # ConfigError and CountsError are ValueErrors
