"""Tests for eerlijkheid.ingest._read: read_table, sniff_csv and CsvDialect.

Every expected value is written out literally; the files are written in the tests.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eerlijkheid import i18n
from eerlijkheid.exceptions import ConfigError, EerlijkheidWarning, EmptyDataError, ReadError
from eerlijkheid.ingest._read import CsvDialect, read_table, sniff_csv


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def is_text(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_numeric_dtype(
        series.dtype
    )


# ----------------------------------------------------------------- dialects


def test_semicolon_decimal_comma_cp1252(tmp_path: Path) -> None:
    text = "land;aandeel;aantal in €\r\nCuraçao;12,5;3\r\nBelgië;-0,75;4\r\nÅland;0,5;5\r\n"
    path = write(tmp_path, "landen.csv", text, "cp1252")
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert sniff_csv(path) == CsvDialect(sep=";", decimal=",", thousands=None, encoding="cp1252")
    frame = read_table(path)
    assert list(frame.columns) == ["land", "aandeel", "aantal in €"]
    assert frame["land"].tolist() == ["Curaçao", "België", "Åland"]
    assert frame["aandeel"].dtype == np.float64
    assert frame["aandeel"].tolist() == [12.5, -0.75, 0.5]
    assert frame["aantal in €"].dtype == np.int64
    assert frame["aantal in €"].tolist() == [3, 4, 5]


def test_comma_utf8_bom(tmp_path: Path) -> None:
    text = "\ufeffid,naam,score\n1,Zoë,2.5\n2,Łukasz,3\n"
    path = write(tmp_path, "bom.csv", text)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert sniff_csv(path) == CsvDialect(sep=",", decimal=".", thousands=None, encoding="utf-8-sig")
    frame = read_table(path)
    assert list(frame.columns) == ["id", "naam", "score"]
    assert frame.columns[0] == "id"
    assert frame["id"].tolist() == [1, 2]
    assert frame["naam"].tolist() == ["Zoë", "Łukasz"]
    assert frame["score"].tolist() == [2.5, 3.0]


def test_utf8_without_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "plain.csv", "gemeente;bedrag\nSúdwest-Fryslân;1,5\n")
    assert sniff_csv(path).encoding == "utf-8-sig"
    assert read_table(path)["gemeente"].tolist() == ["Súdwest-Fryslân"]


@pytest.mark.parametrize("name", ["data.tsv", "data.txt", "data.csv"])
def test_tab_separated(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "wijk\tbedrag\tnotitie\nNoord\t1,5\ta, b\nZuid\t2,25\tc; d\n")
    assert sniff_csv(path).sep == "\t"
    frame = read_table(path)
    assert list(frame.columns) == ["wijk", "bedrag", "notitie"]
    assert frame["bedrag"].tolist() == [1.5, 2.25]
    assert frame["notitie"].tolist() == ["a, b", "c; d"]


def test_pipe_separated(tmp_path: Path) -> None:
    path = write(tmp_path, "pijp.txt", "a|b\nx|1,5\ny|2\n")
    assert sniff_csv(path) == CsvDialect(sep="|", decimal=",", thousands=None, encoding="utf-8-sig")
    assert read_table(path)["b"].tolist() == [1.5, 2.0]


def test_thousands_dots(tmp_path: Path) -> None:
    text = "bedrag;aantal\n1.234,56;1.234\n12.345.678,9;12\n-0,75;7\n999;1.000.000\n"
    path = write(tmp_path, "bedragen.csv", text)
    assert sniff_csv(path) == CsvDialect(sep=";", decimal=",", thousands=".", encoding="utf-8-sig")
    frame = read_table(path)
    assert frame["bedrag"].dtype == np.float64
    assert frame["bedrag"].tolist() == [1234.56, 12345678.9, -0.75, 999.0]
    assert frame["aantal"].dtype == np.int64
    assert frame["aantal"].tolist() == [1234, 12, 7, 1000000]


def test_multiple_dot_groups_mean_dutch_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "inwoners;naam\n1.234.567;A\n12.345;B\n800;C\n")
    assert sniff_csv(path) == CsvDialect(sep=";", decimal=",", thousands=".", encoding="utf-8-sig")
    frame = read_table(path)
    assert frame["inwoners"].dtype == np.int64
    assert frame["inwoners"].tolist() == [1234567, 12345, 800]


def test_ambiguous_dot_values_warn(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "a;b;c\n1.234;2.5;x\n12.500;3.25;y\n")
    with pytest.warns(EerlijkheidWarning, match="'a'") as record:
        frame = read_table(path)
    assert len(record) == 1
    assert "'b'" not in str(record[0].message)
    assert frame["a"].tolist() == [1.234, 12.5]
    assert frame["b"].tolist() == [2.5, 3.25]
    assert read_table(path, decimal=".")["a"].tolist() == [1.234, 12.5]
    assert read_table(path, thousands=".")["a"].tolist() == [1234, 12500]


def test_no_thousands_without_dot_grouping(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "x;y\n1234,5;a\n2,0;b\n")
    assert sniff_csv(path).thousands is None
    assert read_table(path)["x"].tolist() == [1234.5, 2.0]


def test_decimal_comma_detected_beyond_first_lines(tmp_path: Path) -> None:
    lines = ["nummer;bedrag"] + [f"{i};{i}" for i in range(1, 20001)] + ["20001;2,5"]
    path = write(tmp_path, "lang.csv", "\n".join(lines) + "\n")
    assert path.stat().st_size > 64 * 1024
    frame = read_table(path)
    assert frame["bedrag"].dtype == np.float64
    assert frame["bedrag"].iloc[-1] == 2.5
    assert frame["bedrag"].iloc[0] == 1.0
    assert len(frame) == 20001


def test_comma_separated_keeps_dot_decimals(tmp_path: Path) -> None:
    path = write(tmp_path, "en.csv", 'a,b\n1.5,"2,5"\n2.25,"3,5"\n')
    frame = read_table(path)
    assert frame["a"].tolist() == [1.5, 2.25]
    assert frame["b"].tolist() == ["2,5", "3,5"]


def test_single_column_with_decimal_comma(tmp_path: Path) -> None:
    path = write(tmp_path, "een.csv", "bedrag\n1,5\n2,75\n")
    assert sniff_csv(path).sep == ";"
    assert read_table(path)["bedrag"].tolist() == [1.5, 2.75]


def test_english_decimals_in_decimal_comma_file_stay_text(tmp_path: Path) -> None:
    path = write(tmp_path, "mix.csv", "nl;en\n1,5;1.5\n2,5;2.25\n")
    frame = read_table(path)
    assert frame["nl"].tolist() == [1.5, 2.5]
    assert frame["en"].tolist() == ["1.5", "2.25"]


# ------------------------------------------------------------------- values


def test_leading_zero_codes_stay_text(tmp_path: Path) -> None:
    text = (
        "code;postcode;bsn;telefoon;nummer;mobiel\n"
        "0123;1012AB;012345678;0612345678;123;+31612345678\n"
        "4567;9999ZZ;123456782;0201234567;45;+31201234567\n"
    )
    frame = read_table(write(tmp_path, "codes.csv", text))
    assert frame["code"].tolist() == ["0123", "4567"]
    assert frame["postcode"].tolist() == ["1012AB", "9999ZZ"]
    assert frame["bsn"].tolist() == ["012345678", "123456782"]
    assert frame["telefoon"].tolist() == ["0612345678", "0201234567"]
    assert frame["mobiel"].tolist() == ["+31612345678", "+31201234567"]
    for column in ["code", "postcode", "bsn", "telefoon", "mobiel"]:
        assert is_text(frame[column]), column
    assert frame["nummer"].dtype == np.int64
    assert frame["nummer"].tolist() == [123, 45]


def test_zero_and_decimal_below_one_are_numbers(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path, "nul.csv", "a;b\n0;0,5\n10;-0,25\n"))
    assert frame["a"].tolist() == [0, 10]
    assert frame["b"].tolist() == [0.5, -0.25]


def test_long_integers_stay_text(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path, "lang.csv", "ref;x\n12345678901234567890;a\n1;b\n"))
    assert frame["ref"].tolist() == ["12345678901234567890", "1"]


def test_yes_no_words_stay_text(tmp_path: Path) -> None:
    text = "a;b;c;d\nja;j;true;TRUE\nnee;n;false;False\nJa;N;yes;no\n"
    frame = read_table(write(tmp_path, "jn.csv", text))
    assert frame["a"].tolist() == ["ja", "nee", "Ja"]
    assert frame["b"].tolist() == ["j", "n", "N"]
    assert frame["c"].tolist() == ["true", "false", "yes"]
    assert frame["d"].tolist() == ["TRUE", "False", "no"]
    for column in "abcd":
        assert is_text(frame[column])
    assert not frame.isna().any().any()


def test_empty_fields_are_missing(tmp_path: Path) -> None:
    text = "naam;bedrag;aantal;opmerking\nA;1,5;1;\n;;2;   \nC;NA;;null\n"
    # "NA" and "null" are missing only because the caller says so (issue 14).
    frame = read_table(write(tmp_path, "leeg.csv", text), missing_values=["NA", "null"])
    assert frame["naam"].tolist()[0] == "A"
    assert pd.isna(frame["naam"].iloc[1])
    assert frame["naam"].iloc[2] == "C"
    assert frame["bedrag"].iloc[0] == 1.5
    assert math.isnan(frame["bedrag"].iloc[1])
    assert math.isnan(frame["bedrag"].iloc[2])
    assert frame["aantal"].dtype == np.float64  # integers with a gap
    assert frame["aantal"].iloc[:2].tolist() == [1.0, 2.0]
    assert frame["opmerking"].isna().all()
    assert "" not in frame.astype(object).to_numpy().ravel().tolist()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_na_like_labels_are_labels(tmp_path: Path, suffix: str) -> None:
    # Issue 14: "NA" is Namibia; "None", "nan", "NULL", "N/A" are labels as written.
    # Only empty cells are missing, plus what the caller lists in missing_values.
    labels = ["NA", "None", "nan", "NULL", "N/A", "", "NL"]
    source = pd.DataFrame({"land": labels, "n": list(range(7))})
    path = tmp_path / f"landen{suffix}"
    if suffix == ".csv":
        path.write_text("land;n\n" + "".join(f"{a};{b}\n" for a, b in zip(labels, range(7))))
    elif suffix == ".xlsx":
        source.replace("", None).to_excel(path, index=False)
    else:
        source.astype({"land": object}).replace("", None).to_parquet(path)
    frame = read_table(path)
    assert frame["land"].iloc[:5].tolist() == labels[:5]
    assert pd.isna(frame["land"].iloc[5])
    assert frame["land"].iloc[6] == "NL"
    listed = read_table(path, missing_values=[" NULL", "N/A"])
    assert listed["land"].isna().tolist() == [False, False, False, True, True, True, False]


def test_missing_values_must_be_a_list_of_texts(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "a;b\nx;1\n")
    with pytest.raises(ConfigError, match="missing_values"):
        read_table(path, missing_values="NA")


def test_text_values_kept_exactly(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path, "spaties.csv", "a;b\n man ;1\nvrouw;2\n"))
    assert frame["a"].tolist() == [" man ", "vrouw"]


def test_quoted_fields_with_separator_and_newline(tmp_path: Path) -> None:
    text = (
        'naam;adres;bedrag\n"Jansen; J.";"Dorpsstraat 1\nBus 2";"12,5"\n"De ""Boer""";Kerkweg;3\n'
    )
    path = write(tmp_path, "quotes.csv", text)
    assert sniff_csv(path).sep == ";"
    frame = read_table(path)
    assert frame["naam"].tolist() == ["Jansen; J.", 'De "Boer"']
    assert frame["adres"].tolist() == ["Dorpsstraat 1\nBus 2", "Kerkweg"]
    assert frame["bedrag"].tolist() == [12.5, 3.0]


def test_header_whitespace_stripped(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path, "kop.csv", " geslacht ;\tleeftijd  ;besluit\nv;30;ja\n"))
    assert list(frame.columns) == ["geslacht", "leeftijd", "besluit"]


def test_trailing_separators_and_empty_rows_dropped(tmp_path: Path) -> None:
    text = "a;b;\n1;x;\n\n2;y;\n;;\n;;\n"
    frame = read_table(write(tmp_path, "excel.csv", text))
    assert list(frame.columns) == ["a", "b"]
    assert frame["a"].tolist() == [1, 2]
    assert frame["b"].tolist() == ["x", "y"]


def test_unnamed_column_with_values(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path, "naamloos.csv", ";a\n1;x\n2;y\n"))
    assert list(frame.columns) == ["kolom_1", "a"]
    assert frame["kolom_1"].tolist() == [1, 2]


# ---------------------------------------------------------------- overrides


def test_explicit_sep_overrides_sniffing(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "a;b,c\n1;2,3\n")
    assert list(read_table(path).columns) == ["a", "b,c"]
    frame = read_table(path, sep=",")
    assert list(frame.columns) == ["a;b", "c"]
    assert frame["a;b"].tolist() == ["1;2"]
    assert frame["c"].tolist() == [3]


def test_explicit_decimal_overrides_sniffing(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "x;y\n1,5;1.5\n2,5;2.5\n")
    frame = read_table(path, decimal=".")
    assert frame["x"].tolist() == ["1,5", "2,5"]
    assert frame["y"].tolist() == [1.5, 2.5]
    assert sniff_csv(path, decimal=".") == CsvDialect(";", ".", None, "utf-8-sig")


def test_explicit_thousands(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "x;y\n1.234;a\n5;b\n")
    with pytest.warns(EerlijkheidWarning, match="'x'"):
        assert read_table(path)["x"].tolist() == [1.234, 5.0]
    frame = read_table(path, thousands=".")
    assert frame["x"].tolist() == [1234, 5]
    assert sniff_csv(path, thousands=".") == CsvDialect(";", ",", ".", "utf-8-sig")


def test_explicit_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "land;n\nBelgië;1\n", "latin-1")
    assert read_table(path, encoding="latin-1")["land"].tolist() == ["België"]
    utf8 = write(tmp_path, "b.csv", "land;n\nBelgië;1\n")
    assert read_table(utf8, encoding="cp1252")["land"].tolist() == ["BelgiÃ«"]
    assert read_table(utf8, encoding="utf-8")["land"].tolist() == ["België"]


def test_explicit_encoding_that_does_not_fit(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "land;n\nBelgië;1\n", "cp1252")
    with pytest.raises(ReadError, match="utf-8"):
        read_table(path, encoding="utf-8")


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"sep": ";;"}, "sep"),
        ({"decimal": ""}, "decimal"),
        ({"sep": ",", "decimal": ","}, "verschillen"),
        ({"decimal": ",", "thousands": ","}, "verschillen"),
        ({"encoding": "geen-codering"}, "geen-codering"),
    ],
)
def test_invalid_options(tmp_path: Path, options: dict[str, str], fragment: str) -> None:
    path = write(tmp_path, "a.csv", "a;b\n1;2\n")
    with pytest.raises(ConfigError, match=fragment):
        read_table(path, **options)


# ------------------------------------------------------------ excel/parquet


def test_xlsx_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "besluiten.xlsx"
    first = pd.DataFrame(
        {
            "postcode": ["0123", "1012AB", "9999ZZ"],
            "geslacht ": ["v", "m", None],
            "bedrag": [12.5, -0.75, 3.0],
            "aantal": [1, 2, 3],
            "toegekend": ["ja", "n", "nee"],
        }
    )
    second = pd.DataFrame({"wijk": ["Noord", "Zuid"], "n": [5, 6]})
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        first.to_excel(writer, sheet_name="besluiten", index=False)
        second.to_excel(writer, sheet_name="wijken", index=False)

    frame = read_table(path)
    assert list(frame.columns) == ["postcode", "geslacht", "bedrag", "aantal", "toegekend"]
    assert frame["postcode"].tolist() == ["0123", "1012AB", "9999ZZ"]
    assert frame["geslacht"].tolist()[:2] == ["v", "m"]
    assert pd.isna(frame["geslacht"].iloc[2])
    assert frame["bedrag"].dtype == np.float64
    assert frame["bedrag"].tolist() == [12.5, -0.75, 3.0]
    assert frame["aantal"].dtype == np.int64
    assert frame["aantal"].tolist() == [1, 2, 3]
    assert frame["toegekend"].tolist() == ["ja", "n", "nee"]

    by_name = read_table(path, sheet="wijken")
    by_index = read_table(path, sheet=1)
    expected = pd.DataFrame({"wijk": ["Noord", "Zuid"], "n": [5, 6]})
    pd.testing.assert_frame_equal(by_name, expected)
    pd.testing.assert_frame_equal(by_index, expected)

    with pytest.raises(ReadError, match="'wijken'"):
        read_table(path, sheet="bestaat niet")
    with pytest.raises(ReadError, match="Werkblad 7"):
        read_table(path, sheet=7)


def test_xlsx_header_only_and_duplicates(tmp_path: Path) -> None:
    empty = tmp_path / "leeg.xlsx"
    pd.DataFrame({"a": pd.Series([], dtype=object)}).to_excel(empty, index=False)
    with pytest.raises(EmptyDataError, match=r"leeg\.xlsx"):
        read_table(empty)
    dup = tmp_path / "dubbel.xlsx"
    pd.DataFrame([["x", "y"], [1, 2]], columns=["a", "b"]).to_excel(dup, index=False, header=False)
    frame = read_table(dup)
    assert list(frame.columns) == ["x", "y"]
    pd.DataFrame([["geslacht", "geslacht "], [1, 2]]).to_excel(dup, index=False, header=False)
    with pytest.raises(ReadError, match="'geslacht'"):
        read_table(dup)


def test_xlsx_mixed_cells(tmp_path: Path) -> None:
    path = tmp_path / "gemengd.xlsx"
    pd.DataFrame(
        {"gemengd": [1, "  ", "a"], "vlag": [True, None, False], "getal": [1.5, 2, None]}
    ).to_excel(path, index=False)
    frame = read_table(path)
    assert frame["gemengd"].tolist()[0] == 1
    assert pd.isna(frame["gemengd"].iloc[1])
    assert frame["gemengd"].iloc[2] == "a"
    assert frame["vlag"].tolist()[::2] == [True, False]
    assert frame["getal"].dtype == np.float64
    assert frame["getal"].tolist()[:2] == [1.5, 2.0]


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = write(tmp_path, "kapot.xlsx", "dit is geen werkmap")
    with pytest.raises(ReadError, match=r"kapot\.xlsx"):
        read_table(path)


def test_parquet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "besluiten.parquet"
    original = pd.DataFrame(
        {
            "postcode": ["0123", "1012AB", None],
            "bedrag": [12.5, -0.75, np.nan],
            "aantal": [1, 2, 3],
            "toegekend": ["ja", "n", "nee"],
        }
    )
    original.to_parquet(path, index=False)
    pd.testing.assert_frame_equal(read_table(path), original)


def test_parquet_header_stripped_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    pd.DataFrame({"geslacht ": ["v"], "n": [1]}).to_parquet(path, index=False)
    assert list(read_table(path).columns) == ["geslacht", "n"]
    pd.DataFrame({"geslacht ": ["v"], "geslacht": ["m"]}).to_parquet(path, index=False)
    with pytest.raises(ReadError, match="'geslacht'"):
        read_table(path)

    pq.write_table(pa.table([pa.array([1]), pa.array([2])], names=["x", "x"]), path)
    with pytest.raises(ReadError, match="'x'"):
        read_table(path)


def test_empty_parquet(tmp_path: Path) -> None:
    path = tmp_path / "leeg.parquet"
    pd.DataFrame({"a": pd.Series([], dtype="int64")}).to_parquet(path, index=False)
    with pytest.raises(EmptyDataError, match=r"leeg\.parquet"):
        read_table(path)


# ------------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bestaat-niet.csv"
    with pytest.raises(ReadError, match=r"bestaat-niet\.csv") as info:
        read_table(path)
    assert isinstance(info.value, OSError)
    assert str(info.value).startswith("Bestand niet gevonden:")
    with pytest.raises(OSError, match=r"bestaat-niet\.csv"):
        read_table(str(path))


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "map.csv"
    folder.mkdir()
    with pytest.raises(ReadError, match=r"map\.csv"):
        read_table(folder)


@pytest.mark.parametrize("name", ["oud.xls", "data.json", "zonder_extensie"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "a;b\n1;2\n")
    with pytest.raises(ReadError) as info:
        read_table(path)
    message = str(info.value)
    assert name in message
    for suffix in (".csv", ".txt", ".tsv", ".xlsx", ".parquet"):
        assert suffix in message
    if "." in name:
        assert f"'.{name.rsplit('.', maxsplit=1)[-1]}'" in message


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path, "HOOFDLETTERS.CSV", "a;b\n1;x\n"))
    assert frame["a"].tolist() == [1]


def test_sniff_csv_rejects_non_text(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(path)
    with pytest.raises(ReadError, match=r"\.parquet"):
        sniff_csv(path)


@pytest.mark.parametrize("text", ["a;b;c\n", "a;b;c\n\n\n", "a;b;c\n;;\n"])
def test_header_only(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "kop.csv", text)
    with pytest.raises(EmptyDataError, match=r"kop\.csv") as info:
        read_table(path)
    assert "geen gegevensregels" in str(info.value)


@pytest.mark.parametrize("text", ["", "\n\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "leeg.csv", text)
    with pytest.raises(EmptyDataError, match=r"leeg\.csv"):
        read_table(path)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("a;b;a\n1;2;3\n", ["'a'"]),
        ("geslacht;leeftijd;geslacht \n1;2;3\n", ["'geslacht'"]),
        ("x;y;x;y\n1;2;3;4\n", ["'x'", "'y'"]),
    ],
)
def test_duplicate_columns(tmp_path: Path, text: str, names: list[str]) -> None:
    path = write(tmp_path, "dubbel.csv", text)
    with pytest.raises(ReadError) as info:
        read_table(path)
    message = str(info.value)
    assert "dubbel.csv" in message
    for name in names:
        assert name in message


@pytest.mark.parametrize(
    ("text", "line", "found"),
    [
        ("a;b;c\n1;2;3\n4;5\n6;7;8\n", 3, 2),
        ("a;b;c\n1;2;3\n4;5;6\n7;8;9;10\n", 4, 4),
        ('a;b\n"x\ny";1\n2;3;4\n', 4, 3),
        ("a;b\n1;2\n\n3;4;5\n", 4, 3),
    ],
)
def test_ragged_lines(tmp_path: Path, text: str, line: int, found: int) -> None:
    path = write(tmp_path, "rafelig.csv", text)
    with pytest.raises(ReadError) as info:
        read_table(path)
    message = str(info.value)
    assert f"Regel {line} " in message
    assert f"{found} velden" in message
    assert "rafelig.csv" in message


def test_unclosed_quote(tmp_path: Path) -> None:
    path = write(tmp_path, "quote.csv", 'a;b\n1;"x\n')
    with pytest.raises(ReadError, match=r"quote\.csv.*aanhalingstekens"):
        read_table(path)


def test_ragged_line_beyond_sniffing_sample(tmp_path: Path) -> None:
    lines = ["a;b"] + [f"{i};x" for i in range(20000)] + ["1;2;3"]
    path = write(tmp_path, "lang.csv", "\n".join(lines) + "\n")
    with pytest.raises(ReadError, match="Regel 20002 "):
        read_table(path)


def test_messages_are_dutch_constants() -> None:
    assert (
        i18n.message("read-not-found", language="nl", path="{path}")
        == "Bestand niet gevonden: {path}. Controleer het pad."
    )
    keys = [key for key in i18n.message_keys() if key.startswith("read-")]
    assert keys
    pathless = {"read-invalid-encoding", "read-invalid-char", "read-same-char"}
    for key in keys:
        for language in ("nl", "en"):
            fields = i18n.placeholders(key, language)
            assert i18n.message(key, language=language, **dict.fromkeys(fields, "X")).strip()
            assert "path" in fields or key in pathless


def test_dialect_is_frozen() -> None:
    dialect = CsvDialect(sep=";", decimal=",", thousands=None, encoding="cp1252")
    with pytest.raises(AttributeError):
        dialect.sep = ","  # type: ignore[misc]


# ----------------------------------------------------------------- property

_NA_MARKERS = {
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
}
# Only cp1252 letters >= 0xC0 (UTF-8 lead bytes), so cp1252 output is never valid UTF-8.
_LETTERS = "abcjnzABNZéçëïüÅ ;,\"'\n"
_texts = st.text(alphabet=_LETTERS, min_size=1, max_size=8).filter(
    lambda s: s == s.strip() and s not in _NA_MARKERS
)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(min_value=1, max_value=8))
    texts = draw(st.lists(st.none() | _texts, min_size=rows, max_size=rows))
    ints = draw(st.lists(st.integers(-(10**12), 10**12), min_size=rows, max_size=rows))
    floats = draw(
        st.lists(
            st.none() | st.floats(allow_nan=False, allow_infinity=False),
            min_size=rows,
            max_size=rows,
        )
    )
    return pd.DataFrame(
        {
            "tekst": pd.Series(texts, dtype="str"),
            "aantal": pd.Series(ints, dtype="int64"),
            "bedrag": pd.Series([np.nan if f is None else f for f in floats], dtype="float64"),
        }
    )


@pytest.mark.parametrize(
    ("sep", "decimal", "encoding"), [(";", ",", "cp1252"), (",", ".", "utf-8-sig")]
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frame=frames())
def test_round_trip_property(
    tmp_path: Path, sep: str, decimal: str, encoding: str, frame: pd.DataFrame
) -> None:
    path = tmp_path / "eigenschap.csv"
    frame.to_csv(path, sep=sep, decimal=decimal, encoding=encoding, index=False)
    result = read_table(path)
    expected = frame.copy()
    if expected["tekst"].isna().all():  # an all-empty column is read as float NaN
        expected["tekst"] = np.nan
    pd.testing.assert_frame_equal(result, expected)
    dialect = sniff_csv(path)
    assert dialect.sep == sep
    if path.read_bytes().isascii():
        assert dialect.encoding == "utf-8-sig"
    else:
        assert dialect.encoding == encoding
