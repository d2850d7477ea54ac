"""Columns mean what they are (issue 12): names are checked, codes are categories.

* an ``inputs`` column or a ``reference`` attribute/label that does not exist is an error
  that names the closest existing one ("Bedoelde u ...?"), from the API and from TOML;
* code-like numeric columns are categories: never quantile-banded in the feature tables,
  never averaged; ``categorical`` (API and TOML) declares one; the default guess is
  :func:`eerlijkheid.ingest.is_categorical`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import eerlijkheid as ee
from eerlijkheid.configfile import ConfigFileError, load_spec
from eerlijkheid.exceptions import ColumnNotFoundError, ConfigError
from eerlijkheid.ingest import is_categorical


def frame(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "nationaliteit": rng.choice(["NL", "TR", "MA"], n),
            "postcode": rng.choice(
                [1011, 3012, 3013, 9711, 2511, 5611, 7511, 8011] * 2 + [1234], n
            ),
            "inkomen": rng.normal(2000, 400, n).round(2),
            "aselect": rng.random(n) < 0.4,
            "geselecteerd": rng.random(n) < 0.3,
            "onrechtmatig": rng.integers(0, 2, n),
        }
    )


ROLES = {"decision": "geselecteerd", "groups": "nationaliteit"}


def test_an_input_that_is_not_a_column_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(ColumnNotFoundError, match="Bedoelde u 'inkomen'"):
        ee.audit(frame(), **ROLES, inputs=["inkomen_x"], language="nl")
    from eerlijkheid.i18n import get_language, set_language

    before = get_language()
    set_language("en")
    try:
        with pytest.raises(ColumnNotFoundError, match="Did you mean 'inkomen'"):
            ee.audit(frame(), **ROLES, inputs=["Inkomen "])
    finally:
        set_language(before)


def test_a_reference_attribute_or_label_that_does_not_exist_is_an_error() -> None:
    with pytest.raises(ConfigError, match="Bedoelde u 'nationaliteit'"):
        ee.audit(frame(), **ROLES, reference={"nationaliteitt": "NL"})
    with pytest.raises(ConfigError, match="Bedoelde u 'NL'"):
        ee.audit(frame(), **ROLES, reference={"nationaliteit": "nl"})
    with pytest.raises(ConfigError, match="'XX'.*'MA', 'NL', 'TR'"):
        ee.audit(frame(), **ROLES, reference={"nationaliteit": "XX"})


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "eerlijkheid.toml"
    path.write_text(
        '[roles]\ndecision = "geselecteerd"\ngroups = ["nationaliteit"]\n' + body, "utf-8"
    )
    return path


def test_the_same_checks_from_toml(tmp_path: Path) -> None:
    data = frame()
    config = _write(tmp_path, '[audit]\ninputs = ["inkomen_x"]\n')
    with pytest.raises(ColumnNotFoundError, match="Bedoelde u 'inkomen'"):
        ee.audit(data, config=config)
    config = _write(tmp_path, '[reference]\nnationaliteit = "Nl"\n')
    with pytest.raises(ConfigError, match="Bedoelde u 'NL'"):
        ee.audit(data, config=config)
    # an attribute that is not a group is caught when the file is read
    with pytest.raises(ConfigFileError, match="Bedoelde u 'nationaliteit'"):
        load_spec(_write(tmp_path, '[reference]\nnationaliteitt = "NL"\n'))


def test_categorical_and_missing_values_load_from_toml(tmp_path: Path) -> None:
    spec = load_spec(
        _write(
            tmp_path,
            'missing_values = ["NULL", " - "]\n[audit]\ninputs = ["postcode"]\n'
            'categorical = ["postcode"]\n',
        )
    )
    assert spec.roles.missing_values == ("NULL", "-")
    assert spec.config.categorical == ("postcode",)
    with pytest.raises(ConfigFileError, match="missing_values"):
        load_spec(_write(tmp_path, "missing_values = [1]\n"))


def test_categorical_must_be_an_input() -> None:
    with pytest.raises(ConfigError, match="Bedoelde u 'postcode'"):
        ee.audit(frame(), **ROLES, inputs=["postcode"], categorical=["postcod"])


def test_a_numeric_postcode_is_never_banded_in_the_feature_tables() -> None:
    result = ee.audit(
        frame(),
        **ROLES,
        random_sample="aselect",
        outcome="onrechtmatig",
        inputs=["postcode", "inkomen"],
        config=ee.AuditConfig(row_analyses=False),
    )
    assert result.suitability is not None
    levels = {f.feature: f.levels for f in result.suitability.features}
    assert set(levels["postcode"]) == {
        "1011",
        "1234",
        "2511",
        "3012",
        "3013",
        "5611",
        "7511",
        "8011",
        "9711",
    }
    assert all(level.startswith("[") for level in levels["inkomen"])  # income is banded


@pytest.mark.parametrize(
    ("name", "numeric", "whole", "distinct", "declared", "expected"),
    [
        ("wijk", False, False, 0, (), True),  # text
        ("postcode", True, True, 400, (), True),  # code-like name
        ("pc4", True, True, 400, (), True),
        ("wijk_code", True, True, 90, (), True),
        ("buurtnummer", True, True, 90, (), True),  # starts with a code word
        ("huisnummer", True, True, 200, (), False),
        ("kinderen", True, True, 8, (), True),  # few whole values: labels
        ("score", True, False, 8, (), False),  # fractions are numbers
        ("inkomen", True, True, 900, (), False),
        ("inkomen", True, True, 900, ("inkomen",), True),  # declared
    ],
)
def test_the_default_guess(name, numeric, whole, distinct, declared, expected) -> None:
    got = is_categorical(name, numeric=numeric, whole=whole, distinct=distinct, declared=declared)
    assert got is expected
