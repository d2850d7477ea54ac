"""Roles and bad input: every bad case gets a clear error naming the column and values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from eerlijkheid import (
    ColumnNotFoundError,
    CountsError,
    EmptyDataError,
    InvalidValuesError,
    MixedTypesError,
    RoleError,
    RoundedCountsWarning,
    SingleLevelError,
    count_table,
)
from eerlijkheid.exceptions import DataError


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "geslacht": ["man", "vrouw", "vrouw", "man", "man", "vrouw"],
            "herkomst": ["NL", "NL", "TR", "MA", "NL", "TR"],
            "geselecteerd": ["ja", "nee", "ja", "j", "n", "nee"],
            "onrechtmatig": [1.0, None, 0.0, 1.0, None, None],
            "gewicht": [1.0, 2.0, 1.5, 1.0, 0.5, 1.0],
        }
    )


def test_binary_spellings_are_mapped_explicitly(constructor):
    table = count_table(constructor(frame()), decision="geselecteerd", groups="geslacht")
    # man: ja, j, n -> 2 selected of 3; vrouw: nee, ja, nee -> 1 of 3
    assert table.dense(["geslacht", "geselecteerd"]).tolist() == [[1, 2], [2, 1]]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([True, False, True], [1, 2]),
        ([1, 0, 1], [1, 2]),
        (["TRUE", "false", "Yes"], [1, 2]),
        (["waar", "onwaar", "J"], [1, 2]),
        ([1.0, 0.0, 1.0], [1, 2]),
    ],
)
def test_binary_value_kinds(values, expected):
    df = pd.DataFrame({"g": ["a", "b", "b"], "d": values})
    assert count_table(df, decision="d", groups="g").dense(["d"]).tolist() == expected


def test_custom_binary_spellings():
    df = pd.DataFrame({"g": ["a", "b"], "d": ["Geselecteerd", "niet geselecteerd"]})
    table = count_table(
        df, decision="d", groups="g", binary_values={"geselecteerd": True, "niet geselecteerd": 0}
    )
    assert table.dense(["g", "d"]).tolist() == [[0, 1], [1, 0]]


def test_non_binary_decision_names_the_values(constructor):
    df = frame().assign(geselecteerd=["ja", "nee", "misschien", "ja", "2", "nee"])
    with pytest.raises(InvalidValuesError, match=r"'geselecteerd'.*'2', 'misschien'"):
        count_table(constructor(df), decision="geselecteerd", groups="geslacht")


def test_numeric_decision_outside_zero_one():
    df = pd.DataFrame({"g": ["a", "b"], "d": [0, 2]})
    with pytest.raises(InvalidValuesError, match="2"):
        count_table(df, decision="d", groups="g")


def test_nan_in_decision_is_an_error_with_the_count(constructor):
    df = frame().assign(geselecteerd=["ja", None, "nee", None, "ja", "nee"])
    with pytest.raises(InvalidValuesError, match=r"'geselecteerd'.* 2 lege"):
        count_table(constructor(df), decision="geselecteerd", groups="geslacht")


def test_unknown_column_suggests_the_close_one(constructor):
    with pytest.raises(ColumnNotFoundError, match=r"'geslact'.*Bedoelde u 'geslacht'"):
        count_table(constructor(frame()), decision="geselecteerd", groups="geslact")
    with pytest.raises(KeyError):  # also a KeyError for code that knows no eerlijkheid
        count_table(frame(), decision="Geselecteerd ", groups="geslacht")


def test_unknown_column_case_insensitive_suggestion():
    with pytest.raises(ColumnNotFoundError, match="Bedoelde u 'geselecteerd'"):
        count_table(frame(), decision="GESELECTEERD", groups="geslacht")


def test_mixed_types_in_group_column():
    df = frame().assign(herkomst=pd.Series(["NL", 1, "TR", 2, "NL", "TR"], dtype=object))
    with pytest.raises(MixedTypesError, match=r"'herkomst'.*int.*str"):
        count_table(df, decision="geselecteerd", groups="herkomst")


def test_mixed_types_in_decision_column():
    df = frame().assign(geselecteerd=pd.Series([True, "nee", 1, "ja", 0, "nee"], dtype=object))
    with pytest.raises(MixedTypesError, match="'geselecteerd'"):
        count_table(df, decision="geselecteerd", groups="geslacht")


def test_zero_rows(constructor):
    df = frame().iloc[0:0]
    with pytest.raises(EmptyDataError, match="geen rijen"):
        count_table(constructor(df), decision="geselecteerd", groups="geslacht")


def test_single_level_group(constructor):
    df = frame().assign(geslacht="vrouw")
    with pytest.raises(SingleLevelError, match=r"'geslacht'.*'vrouw'"):
        count_table(constructor(df), decision="geselecteerd", groups="geslacht")


def test_missing_group_labels_become_onbekend_and_are_reported(constructor):
    df = frame().assign(herkomst=["NL", None, "TR", None, "NL", "TR"])
    table = count_table(constructor(df), decision="geselecteerd", groups="herkomst")
    assert table.levels("herkomst") == ("NL", "TR", "onbekend")
    assert table.missing_labels == {"herkomst": 2}
    assert table.total == 6  # nothing dropped
    assert table.dense(["herkomst"]).tolist() == [2, 2, 2]


def test_missing_nan_and_none_are_one_group():
    df = pd.DataFrame({"g": [1.0, np.nan, 2.0, None], "d": [1, 0, 1, 0]})
    table = count_table(df, decision="d", groups="g")
    assert table.levels("g") == ("1", "2", "onbekend")
    assert table.dense(["g"]).tolist() == [1, 1, 2]


def test_missing_policy_error():
    df = frame().assign(herkomst=["NL", None, "TR", None, "NL", "TR"])
    with pytest.raises(InvalidValuesError, match=r"'herkomst'.*2 lege"):
        count_table(df, decision="geselecteerd", groups="herkomst", missing_groups="error")


def test_missing_label_clash():
    df = frame().assign(herkomst=["NL", None, "onbekend", "MA", "NL", "TR"])
    with pytest.raises(InvalidValuesError, match="missing_label"):
        count_table(df, decision="geselecteerd", groups="herkomst")
    table = count_table(df, decision="geselecteerd", groups="herkomst", missing_label="leeg")
    assert table.levels("herkomst") == ("MA", "NL", "TR", "onbekend", "leeg")


def test_numeric_labels_sort_numerically():
    df = pd.DataFrame({"leeftijd": [10, 9, 100, 9], "d": [1, 0, 1, 0]})
    assert count_table(df, decision="d", groups="leeftijd").levels("leeftijd") == (
        "9",
        "10",
        "100",
    )


def test_outcome_missing_means_not_observed(constructor):
    table = count_table(
        constructor(frame()), decision="geselecteerd", groups="geslacht", outcome="onrechtmatig"
    )
    assert table.levels("onrechtmatig") == ("0", "1", "onbekend")
    assert table.dense(["onrechtmatig"]).tolist() == [1, 2, 3]


def test_weights(constructor):
    table = count_table(
        constructor(frame()), decision="geselecteerd", groups="geslacht", weight="gewicht"
    )
    # man rows: weights 1.0 (ja), 1.0 (j), 0.5 (n); vrouw: 2.0 (nee), 1.5 (ja), 1.0 (nee)
    np.testing.assert_allclose(
        table.dense(["geslacht", "geselecteerd"], value="weight"), [[0.5, 2.0], [3.0, 1.5]]
    )
    np.testing.assert_allclose(
        table.dense(["geslacht"], value="weight_sq"), [1 + 1 + 0.25, 4 + 2.25 + 1]
    )


def test_negative_or_missing_weights():
    with pytest.raises(InvalidValuesError, match=r"'gewicht'.*-1"):
        count_table(
            frame().assign(gewicht=-1.0),
            decision="geselecteerd",
            groups="geslacht",
            weight="gewicht",
        )
    with pytest.raises(InvalidValuesError, match=r"'gewicht'.*1 lege"):
        count_table(
            frame().assign(gewicht=[1.0, None, 1.0, 1.0, 1.0, 1.0]),
            decision="geselecteerd",
            groups="geslacht",
            weight="gewicht",
        )


def test_text_weight_is_rejected():
    with pytest.raises(DataError, match=r"'geslacht'.*getallen"):
        count_table(frame(), decision="geselecteerd", groups="herkomst", weight="geslacht")


def test_one_column_two_roles():
    with pytest.raises(RoleError, match="'geslacht' heeft twee rollen"):
        count_table(frame(), decision="geselecteerd", groups=["geslacht"], strata="geslacht")


def test_input_frame_is_never_modified(constructor):
    original = frame()
    df = original.copy()
    count_table(
        df,
        decision="geselecteerd",
        groups=["geslacht", "herkomst"],
        outcome="onrechtmatig",
        weight="gewicht",
    )
    pd.testing.assert_frame_equal(df, original)


def test_unsupported_type():
    with pytest.raises(DataError, match="list"):
        count_table([1, 2], decision="d", groups="g")


class TestPreAggregated:
    def cells(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"g": ["a", "a", "b", "b"], "d": ["ja", "nee", "ja", "nee"], "aantal": [3, 7, 2, 8]}
        )

    def test_negative_counts(self):
        with pytest.raises(CountsError, match=r"'aantal'.*-2"):
            count_table(
                self.cells().assign(aantal=[3, 7, -2, 8]), decision="d", groups="g", count="aantal"
            )

    def test_fractional_counts(self):
        with pytest.raises(CountsError, match="'aantal'.*gehele getallen"):
            count_table(
                self.cells().assign(aantal=[3.5, 7, 2, 8]), decision="d", groups="g", count="aantal"
            )

    def test_missing_counts(self):
        with pytest.raises(CountsError, match=r"'aantal'.*1 lege"):
            count_table(
                self.cells().assign(aantal=[3.0, None, 2, 8]),
                decision="d",
                groups="g",
                count="aantal",
            )

    def test_rounded_counts_need_the_flag(self):
        tens = self.cells().assign(aantal=[30, 70, 20, 80])
        with pytest.warns(RoundedCountsWarning, match="rounded=True"):
            count_table(tens, decision="d", groups="g", count="aantal")
        table = count_table(tens, decision="d", groups="g", count="aantal", rounded=True)
        assert table.rounded
        assert table.dense(["g", "d"]).tolist() == [[70, 30], [80, 20]]

    def test_all_zero_counts_is_empty(self):
        with pytest.raises(EmptyDataError):
            count_table(
                self.cells().assign(aantal=0),
                decision="d",
                groups="g",
                count="aantal",
                rounded=True,
            )


class TestArrowNumbers:
    """``_numbers`` reads arrow buffers (no pandas); checked against arrow's ``to_pylist``."""

    @staticmethod
    def expected(array, fill):
        return [fill if v is None else v for v in array.to_pylist()]

    @pytest.mark.parametrize(
        "values", [[1, None, 3, 4], [None, None], [], [2**40, -5, 0], [True, False, None]]
    )
    def test_integers_and_booleans(self, values):
        import pyarrow as pa

        from eerlijkheid.ingest._frames import _numbers

        array = pa.array(values)
        got = _numbers(array, integer=True, fill=-1)
        assert got.dtype == np.int64
        assert got.tolist() == [int(v) for v in self.expected(array, -1)]

    def test_floats_slices_chunks_decimals_and_dictionaries(self):
        import decimal

        import pyarrow as pa

        from eerlijkheid.ingest._frames import _numbers

        chunked = pa.chunked_array([[1.5, None, 2.0], [None, 7.25]])
        assert np.array_equal(
            _numbers(chunked, integer=False, fill=np.nan),
            np.array([1.5, np.nan, 2.0, np.nan, 7.25]),
            equal_nan=True,
        )
        sliced = pa.array([9, None, 3, 4, None, 6]).slice(1, 4)  # an offset into the buffers
        assert _numbers(sliced, integer=True).tolist() == self.expected(sliced, 0)
        dec = pa.array([decimal.Decimal(45), None], type=pa.decimal128(38, 0))  # DuckDB sums
        assert _numbers(dec, integer=False, fill=np.nan)[0] == 45.0
        codes = pa.array([2, 0, 2]).dictionary_encode()
        assert _numbers(codes, integer=True).tolist() == [2, 0, 2]
        assert _numbers(pa.nulls(3), integer=False).tolist() == [0.0, 0.0, 0.0]


def test_first_row_ignores_a_pandas_index(constructor):
    import narwhals.stable.v2 as nw

    from eerlijkheid.ingest._frames import _first_row, _wrap

    df = pd.DataFrame({"a": [3.0, 1.0, 2.0], "b": ["x", "y", None]}, index=[7, 8, 9])
    frame = _wrap(constructor(df))
    lo, hi, n = _first_row(
        frame.select(nw.col("a").min(), nw.col("a").max().alias("hi"), nw.len().alias("n"))
    )
    assert (lo, hi, n) == (1.0, 3.0, 3)
