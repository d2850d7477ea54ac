"""Bad-input catalogue for the readers and the count table (issue 14), one entry per case.

Each entry names the promise it checks, builds its input, and says what must happen:
an error of a given class whose message holds a fragment (and, on the command line,
exit code 2 with a one-line message and no traceback), or success with every row and
every label kept.  ``tests/test_bad_inputs_readers.py`` runs every entry.

The promises (Dutch, as the issue and the report use them):

* ``geen rij of aantal verloren`` -- nothing lost: every row is counted, counts exactly;
* ``geen label stil veranderd`` -- labels arrive as written, or the file is refused;
* ``duidelijke fout, exit 2`` -- a one-line Dutch error naming the column/line/cell,
  exit 2 on the command line, never a traceback;
* ``niets stil geaccepteerd`` -- input that would give wrong numbers is refused.

Expected values are written out (or computed with Python integers for the big counts),
never taken from the code under test.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from eerlijkheid.counts import count_table
from eerlijkheid.exceptions import (
    CountsError,
    DataError,
    InvalidValuesError,
    ReadError,
    RoleError,
)
from eerlijkheid.ingest import read_table

INT64_MAX = 2**63 - 1
LIMIT_TEXT = "9.223.372.036.854.775.807"  # int64's maximum as the messages write it

LOST = "geen rij of aantal verloren"
LABELS = "geen label stil veranderd"
CLEAR = "duidelijke fout, exit 2"
ACCEPTED = "niets stil geaccepteerd"


@dataclass(frozen=True)
class BadInput:
    """One case of the catalogue.

    Attributes
    ----------
    id : str
        Short name (the pytest id).
    promise : str
        Which promise it checks (one of the constants above).
    build : callable
        ``build(folder) -> path or frame``: writes the input file into ``folder`` or
        returns a frame.
    run : callable
        ``run(input) -> result``: the Python API call on the input.
    error : type or None
        The error class ``run`` must raise; None if it must succeed.
    fragment : str
        A part of the error message (Dutch); empty for success cases.
    check : callable or None
        For success cases: ``check(result)`` asserts what must hold.
    cli : list of str or None
        Arguments after ``eerlijkheid audit <file>``: the case is also run through the
        real command, which must exit with ``exit_code`` (2 for errors) and, on error,
        print the fragment on one line without a traceback.
    exit_codes : tuple of int
        Accepted exit codes of the command (0 or 1 when the audit runs).
    """

    id: str
    promise: str
    build: Callable[[Path], Any]
    run: Callable[[Any], Any]
    error: type[Exception] | None = None
    fragment: str = ""
    check: Callable[[Any], None] | None = None
    cli: list[str] | None = None
    exit_codes: tuple[int, ...] = (2,)
    marks: tuple[Any, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- helpers


def write_bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return build


def counts(column: str = "n", **extra: Any) -> Callable[[Any], Any]:
    def run(data: Any) -> Any:
        frame = read_table(data) if isinstance(data, Path) else data
        return count_table(frame, decision="d", groups="g", count=column, **extra)

    return run


def rows(**roles: Any) -> Callable[[Any], Any]:
    def run(data: Any) -> Any:
        frame = read_table(data) if isinstance(data, Path) else data
        return count_table(frame, decision="d", groups="g", **roles)

    return run


def frame_of(**columns: Any) -> Callable[[Path], pd.DataFrame]:
    return lambda folder: pd.DataFrame(columns)


def total_is(expected: int, cells: list[int] | None = None) -> Callable[[Any], None]:
    def check(table: Any) -> None:
        assert table.total == expected
        assert table.n.dtype == np.int64
        if cells is not None:
            assert sorted(table.n.tolist()) == sorted(cells)

    return check


def labels_are(column: str, levels: tuple[str, ...], total: int) -> Callable[[Any], None]:
    def check(table: Any) -> None:
        assert table.levels(column) == levels
        assert table.total == total

    return check


def two_sheets(folder: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Leeg"
    data = book.create_sheet("Gegevens")
    data.append(["g", "d"])
    data.append(["a", 1])
    path = folder / "twee-bladen.xlsx"
    book.save(path)
    return path


def formula_sheet(folder: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    for row in (["g", "d", "n"], ["a", 1, 2], ["b", 0, "=B2+C2"], ["c", 1, 3]):
        sheet.append(row)
    path = folder / "formule.xlsx"
    book.save(path)  # openpyxl stores the formula only, as a script or web export does
    return path


def nested_parquet(kind: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        values: list[Any] = (
            [[1, 2], [3], [1, 2], [3]] if kind == "list" else [{"a": 1}, {"a": 2}] * 2
        )
        path = folder / f"{kind}.parquet"
        pq.write_table(pa.table({"g": values, "d": [1, 0, 1, 0]}), path)
        return path

    return build


def long_field(folder: Path) -> Path:
    note = "x" * (200 * 1024)  # past the csv module's default limit of 131,072
    path = folder / "lang.csv"
    path.write_text(f'g;d;toelichting\na;1;"{note}"\nb;0;kort\na;0;\n', encoding="utf-8")
    return path


def long_field_check(frame: Any) -> None:
    assert len(frame) == 3
    assert frame["toelichting"].iloc[0] == "x" * (200 * 1024)


UTF16_TEXT = "g;d\n" + "".join(f"Zoë{i % 3};{i % 2}\n" for i in range(2001))


def utf16_check(table: Any) -> None:
    assert table.levels("g") == ("Zoë0", "Zoë1", "Zoë2")
    assert table.total == 2001


# The cases: 2**64 + 100 counted as 100, and sums past 2**63.
WRAP_64 = [INT64_MAX, INT64_MAX, 102, 5]  # group a sums to 2**64 + 100
PAST_63 = [2**62, 2**62, 1, 5]  # group a sums to 2**63 + 1
NINETEEN = [4_611_686_018_427_387_911, 3_000_000_000_000_000_001, 1, 5]


CASES: list[BadInput] = [
    # ---------------------------------------------------------------- counts
    BadInput(
        "counts-wrap-2-64-pandas",
        LOST,
        frame_of(g=["a", "a", "a", "b"], d=[1, 0, 0, 1], n=WRAP_64),
        counts(),
        CountsError,
        f"aantallen boven {LIMIT_TEXT}",
    ),
    BadInput(
        "counts-wrap-2-64-uint64",
        LOST,
        frame_of(
            g=["a", "b", "a", "b"],
            d=[1, 0, 0, 1],
            n=np.array([2**64 - 1, 101, 0, 5], dtype=np.uint64),
        ),
        counts(),
        CountsError,
        "grootste waarde 18.446.744.073.709.551.615",
    ),
    BadInput(
        "counts-past-2-63-polars",
        LOST,
        lambda folder: pl.DataFrame({"g": ["a", "a", "a", "b"], "d": [1, 0, 0, 1], "n": PAST_63}),
        counts(),
        CountsError,
        f"aantallen boven {LIMIT_TEXT}",
    ),
    BadInput(
        "counts-past-2-63-pyarrow",
        LOST,
        lambda folder: pa.table({"g": ["a", "a", "a", "b"], "d": [1, 0, 0, 1], "n": PAST_63}),
        counts(),
        CountsError,
        f"aantallen boven {LIMIT_TEXT}",
    ),
    BadInput(
        "counts-past-2-63-duckdb",  # DuckDB sums into HUGEINT: arrives as a decimal
        LOST,
        lambda folder: __import__("duckdb").sql(
            "select * from (values ('a', 1, 4611686018427387904::BIGINT),"
            " ('a', 0, 4611686018427387904::BIGINT), ('a', 0, 1::BIGINT),"
            " ('b', 1, 5::BIGINT)) t(g, d, n)"
        ),
        counts(),
        CountsError,
        f"aantallen boven {LIMIT_TEXT}",
    ),
    BadInput(
        "counts-19-digits-duckdb",
        LOST,
        lambda folder: __import__("duckdb").sql(
            "select * from (values ('a', 1, 4611686018427387911::BIGINT),"
            " ('a', 1, 3000000000000000001::BIGINT), ('b', 0, 5::BIGINT),"
            " ('b', 1, 7::BIGINT)) t(g, d, n)"
        ),
        counts(),
        check=total_is(4611686018427387911 + 3000000000000000001 + 5 + 7),
    ),
    BadInput(
        "counts-total-past-int64",  # every cell fits, the total does not
        LOST,
        frame_of(g=["a", "b", "a", "b"], d=[1, 0, 0, 1], n=[2**62, 2**62, 2**62, 1]),
        counts(),
        CountsError,
        f"aantallen boven {LIMIT_TEXT}",
    ),
    BadInput(
        "counts-19-digits-exact",
        LOST,
        frame_of(g=["a", "b", "a", "b"], d=[1, 0, 0, 1], n=NINETEEN),
        counts(),
        check=total_is(sum(NINETEEN), NINETEEN),
    ),
    BadInput(
        "counts-19-digits-csv",
        LOST,
        write_bytes(
            "19cijfers.csv",
            b"g;d;n\na;1;1000000000000000011\na;0;3000000000000000001\nb;1;5\nb;0;7\n",
        ),
        counts(),
        check=total_is(1000000000000000011 + 3000000000000000001 + 5 + 7),
        cli=["--decision", "d", "--groups", "g", "--count", "n"],
        exit_codes=(0, 1),
    ),
    BadInput(
        "counts-20-digits-csv",
        CLEAR,
        write_bytes("20cijfers.csv", b"g;d;n\na;1;18446744073709551716\nb;0;5\na;0;7\n"),
        counts(),
        CountsError,
        "grootste waarde 18.446.744.073.709.551.716",
        cli=["--decision", "d", "--groups", "g", "--count", "n"],
    ),
    BadInput(
        "counts-wrap-csv",
        CLEAR,
        write_bytes(
            "wrap.csv",
            b"g;d;n\na;1;9223372036854775807\na;0;9223372036854775807\na;1;102\nb;0;5\n",
        ),
        counts(),
        CountsError,
        f"aantallen boven {LIMIT_TEXT}",
        cli=["--decision", "d", "--groups", "g", "--count", "n"],
    ),
    BadInput(
        "counts-all-zero",
        ACCEPTED,
        frame_of(g=["a", "b", "a"], d=[1, 0, 0], n=[0, 0, 0]),
        counts(),
        DataError,
        "geen rijen",
    ),
    BadInput(
        "counts-negative",
        ACCEPTED,
        frame_of(g=["a", "b", "a"], d=[1, 0, 0], n=[3, -1, 2]),
        counts(),
        CountsError,
        "negatieve aantallen",
    ),
    BadInput(
        "counts-fractional",
        ACCEPTED,
        frame_of(g=["a", "b", "a"], d=[1, 0, 0], n=[3, 1.5, 2]),
        counts(),
        CountsError,
        "gebroken aantallen",
    ),
    # --------------------------------------------------------------- weights
    BadInput(
        "weights-all-zero",
        ACCEPTED,
        write_bytes("gewicht0.csv", b"g;d;w\na;1;0\nb;0;0\na;0;0\nb;1;0\n"),
        rows(weight="w"),
        InvalidValuesError,
        "Gewichtkolom 'w' heeft alleen gewichten 0",
        cli=["--decision", "d", "--groups", "g", "--weight", "w"],
    ),
    BadInput(
        "weights-1e308",
        CLEAR,
        write_bytes("gewicht-groot.csv", b"g,d,w\na,1,1e308\nb,0,1e308\na,0,1\nb,1,1\n"),
        rows(weight="w"),
        InvalidValuesError,
        "Gewichtkolom 'w' bevat oneindige of te grote gewichten",
        cli=["--decision", "d", "--groups", "g", "--weight", "w"],
    ),
    BadInput(
        "weights-inf",
        CLEAR,
        frame_of(g=["a", "b", "a", "b"], d=[1, 0, 0, 1], w=[math.inf, 1.0, 1.0, 1.0]),
        rows(weight="w"),
        InvalidValuesError,
        "Gewichtkolom 'w' bevat oneindige of te grote gewichten (grootste: inf)",
    ),
    BadInput(
        "weights-negative",
        ACCEPTED,
        frame_of(g=["a", "b", "a", "b"], d=[1, 0, 0, 1], w=[1.0, -2.0, 1.0, 1.0]),
        rows(weight="w"),
        InvalidValuesError,
        "negatieve gewichten",
    ),
    # ---------------------------------------------------------------- scores
    BadInput(
        "score-edges-not-covering",
        ACCEPTED,
        frame_of(g=["a", "b"] * 50, d=[1, 0] * 50, s=[k / 99 for k in range(100)]),
        rows(score="s", score_edges=[0.85, 0.9, 0.95, 1.0]),
        InvalidValuesError,
        "lopen van 0 tot 1, maar score_edges loopt van 0.85 tot 1",
    ),
    BadInput(
        "score-edges-nan",
        ACCEPTED,
        frame_of(g=["a", "b"], d=[1, 0], s=[0.2, 0.7]),
        rows(score="s", score_edges=[0.0, math.nan, 1.0]),
        RoleError,
        "score_edges bevat NaN",
    ),
    BadInput(
        "score-one-inf-default-edges",
        CLEAR,
        write_bytes(
            "score-inf.csv",
            (
                "g,d,s\n"
                + "".join(f"{'ab'[k % 2]},{k % 2},{k / 2000}\n" for k in range(1999))
                + "a,1,inf\n"
            ).encode(),
        ),
        rows(score="s"),
        DataError,  # the CSV reader keeps 'inf' as text, so the column is text
        "Kolom 's' (rol: score) heeft type String, maar deze rol vraagt getallen. "
        "Zet de kolom om of kies een andere kolom. De eerste waarde die geen getal is: 'inf'.",
        cli=["--decision", "d", "--groups", "g", "--score", "s"],
    ),
    BadInput(
        "score-one-inf-frame",
        CLEAR,
        frame_of(
            g=["ab"[k % 2] for k in range(2000)],
            d=[k % 2 for k in range(2000)],
            s=[k / 2000 for k in range(1999)] + [math.inf],
        ),
        rows(score="s"),
        InvalidValuesError,
        "Scorekolom 's' bevat oneindige waarden (inf)",
    ),
    BadInput(
        "score-one-inf-given-edges",
        CLEAR,
        frame_of(g=["a", "b", "a"], d=[1, 0, 0], s=[0.1, math.inf, 0.9]),
        rows(score="s", score_edges=[0.0, 0.5, 1.0]),
        InvalidValuesError,
        "bevat oneindige waarden (inf)",
    ),
    BadInput(
        "score-edges-covering-ok",
        LOST,
        frame_of(g=["a", "b", "a", "b"], d=[1, 0, 0, 1], s=[0.0, 0.5, 0.7, 1.0]),
        rows(score="s", score_edges=[0.0, 0.5, 1.0]),
        check=labels_are("s", ("[0, 0.5)", "[0.5, 1]"), 4),
    ),
    # ------------------------------------------------------- group columns
    BadInput(
        "group-parquet-list",
        CLEAR,
        nested_parquet("list"),
        rows(),
        DataError,
        "Kolom 'g' (rol: group) heeft type object (ndarray)",
        cli=["--decision", "d", "--groups", "g"],
    ),
    BadInput(
        "group-parquet-struct",
        CLEAR,
        nested_parquet("struct"),
        rows(),
        DataError,
        "Kolom 'g' (rol: group) heeft type object (dict)",
    ),
    BadInput(
        "group-too-many-levels",
        CLEAR,
        frame_of(g=[f"zaak{k}" for k in range(10_001)], d=[k % 2 for k in range(10_001)]),
        rows(),
        InvalidValuesError,
        "Kolom 'g' (rol: group) heeft 10.001 verschillende waarden; de grens is 10.000",
    ),
    BadInput(
        "group-levels-limit-settable",
        CLEAR,
        frame_of(g=["a", "b", "c", "d"], d=[1, 0, 1, 0]),
        rows(max_levels=3),
        InvalidValuesError,
        "heeft 4 verschillende waarden; de grens is 3",
    ),
    # ------------------------------------------------------------- encodings
    BadInput(
        "encoding-mixed-utf8-cp1252",
        LABELS,
        write_bytes(
            "gemengd.csv",
            "g;d\nBelgië;1\nZoë;0\n".encode() + "Curaçao;1\nBelgië;0\n".encode("cp1252"),
        ),
        rows(),
        ReadError,
        "regel 2 is UTF-8, regel 4 niet",
        cli=["--decision", "d", "--groups", "g"],
    ),
    BadInput(
        "encoding-cp1252-only",
        LABELS,
        write_bytes("cp1252.csv", "g;d\nBelgië;1\nCuraçao;0\nBelgië;0\n".encode("cp1252")),
        rows(),
        check=labels_are("g", ("België", "Curaçao"), 3),
    ),
    BadInput(
        "encoding-utf8-one-group",  # one accented label must stay one group
        LABELS,
        write_bytes("utf8.csv", "g;d\nBelgië;1\nBelgië;0\nAruba;0\n".encode()),
        rows(),
        check=labels_are("g", ("Aruba", "België"), 3),
    ),
    BadInput(
        "encoding-utf16-bom",
        LABELS,
        write_bytes("utf16.csv", UTF16_TEXT.encode("utf-16")),
        rows(),
        check=utf16_check,
        cli=["--decision", "d", "--groups", "g"],
        exit_codes=(0, 1),
    ),
    BadInput(
        "encoding-utf16-le-no-bom",
        LABELS,
        write_bytes("utf16le.csv", UTF16_TEXT.encode("utf-16-le")),
        rows(),
        check=utf16_check,
    ),
    BadInput(
        "encoding-utf16-be-no-bom",
        LABELS,
        write_bytes("utf16be.csv", UTF16_TEXT.encode("utf-16-be")),
        rows(),
        check=utf16_check,
    ),
    BadInput(
        "encoding-utf32-bom",
        LABELS,
        write_bytes("utf32.csv", UTF16_TEXT.encode("utf-32")),
        rows(),
        check=utf16_check,
    ),
    # ---------------------------------------------------------- file formats
    BadInput(
        "csv-field-over-128kib",
        ACCEPTED,
        long_field,
        read_table,
        check=long_field_check,
    ),
    BadInput(
        "excel-formula-without-value",
        CLEAR,
        formula_sheet,
        read_table,
        ReadError,
        "Cel C3 van werkblad 'Data'",
        cli=["--decision", "d", "--groups", "g"],
    ),
    BadInput(
        "excel-empty-first-sheet",
        CLEAR,
        two_sheets,
        read_table,
        ReadError,
        "Het eerste werkblad 'Leeg'",
        cli=["--decision", "d", "--groups", "g"],
    ),
]
