"""Fuzzing the readers: every file either reads with every row counted, or fails cleanly.

The promise (issue 14): ``read_table`` followed by ``count_table`` either succeeds with
the sum of the counts equal to the number of data rows written, or raises an
:class:`~eerlijkheid.exceptions.EerlijkheidError` (a one-line message); never another
exception, never a lost row.  Bounded to run in seconds.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eerlijkheid.counts import count_table
from eerlijkheid.exceptions import EerlijkheidError
from eerlijkheid.ingest import read_table

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Labels: letters with accents, digits, separators, quotes, control characters.
LABEL_CHARS = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Zs", "Cc"),
)
labels = st.text(LABEL_CHARS, min_size=0, max_size=12)
decisions = st.sampled_from(["0", "1", "ja", "nee", "j", "n"])
numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, int]:
    """A delimited file with a group, a decision and a number column; and its row count."""
    sep = draw(st.sampled_from([";", ",", "\t", "|"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    decimal_comma = sep != "," and draw(st.booleans())
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    line_end = draw(st.sampled_from(["\n", "\r\n"]))
    body = draw(
        st.lists(st.tuples(labels, decisions, numbers), min_size=1, max_size=30),
    )
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=sep, quoting=quoting, lineterminator=line_end)
    writer.writerow(["groep", "besluit", "bedrag"])
    for label, decision, number in body:
        shown = f"{number:.2f}".replace(".", ",") if decimal_comma else f"{number:.2f}"
        writer.writerow([label, decision, shown])
    text = out.getvalue()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    return data, len(body)


def _count(path: Path) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. the ambiguous-dots warning
        frame = read_table(path)
        table = count_table(frame, decision="besluit", groups="groep")
    return table.total


@FUZZ
@given(case=csv_files())
def test_random_csv_counts_every_row_or_fails_cleanly(tmp_path: Path, case: tuple) -> None:
    data, rows = case
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        total = _count(path)
    except EerlijkheidError as exc:
        message = str(exc)
    else:
        assert total == rows
        return
    assert "\n" not in message.strip()


@FUZZ
@given(data=st.binary(min_size=0, max_size=400))
def test_random_bytes_read_or_fail_cleanly(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bytes.csv"
    path.write_bytes(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_table(path)
    except EerlijkheidError:
        pass


@FUZZ
@given(
    header=st.lists(labels, min_size=2, max_size=4),
    cells=st.lists(st.lists(labels, min_size=2, max_size=4), min_size=1, max_size=10),
    sep=st.sampled_from([";", ","]),
)
def test_random_ragged_text_reads_or_fails_cleanly(
    tmp_path: Path, header: list[str], cells: list[list[str]], sep: str
) -> None:
    lines = [sep.join(header), *(sep.join(row) for row in cells)]
    path = tmp_path / "ruw.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_table(path)
    except EerlijkheidError:
        pass


def test_nul_byte_in_a_label_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b'groep;besluit\na\x00b;1\n"c\x00";0\n')
    assert read_table(path)["groep"].tolist() == ["a\x00b", "c\x00"]
