"""Read a table from a file the way Dutch municipal exports are written.

:func:`read_table` reads CSV/TXT/TSV, Excel (``.xlsx``) and Parquet files into one
:class:`pandas.DataFrame`.  For text files it detects what Dutch systems and Excel
produce: semicolons, decimal commas, thousands dots, Windows-1252 and UTF-8 with a BOM.
:func:`sniff_csv` reports that detection as a :class:`CsvDialect` so a caller (the CLI)
can tell the user what was assumed.

The rules, in short (see :func:`read_table` for the details):

* codes are never mangled: a column with leading zeros (``0123``, ``0612345678``) or
  anything that is not purely a number (``1012AB``) stays text;
* yes/no words (``ja``, ``nee``, ``j``, ``n``, ``true``, ``false``) stay text exactly as
  written; the caller maps them explicitly;
* empty fields become missing values (``NaN``), never the string ``""``; text such as
  ``NA`` (Namibia), ``None`` or ``nan`` stays the label it is, unless the caller lists
  it in ``missing_values``.

Person-facing messages live in the message catalogue (``locale/read.toml``, keys
``read-*``) and are shown through :func:`eerlijkheid.i18n.message`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from eerlijkheid.exceptions import ConfigError, EerlijkheidWarning, EmptyDataError, ReadError
from eerlijkheid.i18n import message

# pandas is imported only when a file is read, so ``import eerlijkheid`` stays light.
if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CsvDialect", "read_table", "sniff_csv"]

_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
_EXCEL_SUFFIXES = (".xlsx",)
_PARQUET_SUFFIXES = (".parquet",)
_SUPPORTED_SUFFIXES = _TEXT_SUFFIXES + _EXCEL_SUFFIXES + _PARQUET_SUFFIXES

#: Separators considered by the sniffer, in order of preference when they tie.
_SEPARATORS = (";", ",", "\t", "|")
_SEP_NAMES = {";": "puntkomma (;)", ",": "komma (,)", "\t": "tab", "|": "verticale streep (|)"}

_SNIFF_CHARS = 64 * 1024  # characters of text the separator is sniffed from
_SNIFF_RECORDS = 200  # records (lines) the separator is sniffed from
_CHUNK_BYTES = 1 << 20
_CSV_FIELD_LIMIT = 1 << 30
_PROBE = 1000  # values tried before a whole column is matched against a pattern
_INT64_DIGITS = 18  # integers with more digits are checked one by one against int64
_INT64_MAX = 2**63 - 1
_FLOAT_EXACT_DIGITS = 15  # integer columns with gaps become float; keep longer ones as text

#: A value whose integer part starts with a zero followed by a digit: a code, not a number.
_LEADING_ZERO = re.compile(r"-?0\d")


@dataclass(frozen=True)
class CsvDialect:
    r"""How a delimited text file is written.

    Parameters
    ----------
    sep : str
        Field separator: ``";"``, ``","``, ``"\t"`` or ``"|"`` when sniffed.
    decimal : str
        Decimal mark of the numbers: ``","`` or ``"."``.
    thousands : str or None
        Thousands separator of the numbers (``"."`` in ``1.234,56``), or None if the
        numbers are written without one.
    encoding : str
        Text encoding, as a Python codec name (``"utf-8-sig"`` or ``"cp1252"`` when
        detected).

    Examples
    --------
    >>> CsvDialect(sep=";", decimal=",", thousands=".", encoding="cp1252")
    CsvDialect(sep=';', decimal=',', thousands='.', encoding='cp1252')
    """

    sep: str
    decimal: str
    thousands: str | None
    encoding: str


def _duplicates(names: Sequence[str]) -> list[str]:
    """Names that occur more than once, in order of first occurrence."""
    return [name for name, count in Counter(names).items() if count > 1]


# --------------------------------------------------------------------------- paths


def _check_path(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` to an existing, supported file."""
    file = Path(os.fspath(path))
    if not file.exists():
        raise ReadError(message("read-not-found", path=file))
    if not file.is_file():
        raise ReadError(message("read-not-a-file", path=file))
    suffix = file.suffix.lower()
    if suffix not in _SUPPORTED_SUFFIXES:
        raise ReadError(
            message(
                "read-unsupported-suffix",
                suffix=file.suffix or "(geen extensie)",
                path=file,
                supported=", ".join(_SUPPORTED_SUFFIXES),
            )
        )
    return file


def _check_char(option: str, value: str | None) -> None:
    if value is not None and len(value) != 1:
        raise ConfigError(message("read-invalid-char", option=option, value=value))


def _check_options(sep: str | None, decimal: str | None, thousands: str | None) -> None:
    _check_char("sep", sep)
    _check_char("decimal", decimal)
    _check_char("thousands", thousands)
    given = [
        (name, value)
        for name, value in (("sep", sep), ("decimal", decimal), ("thousands", thousands))
        if value
    ]
    for i, (first, value) in enumerate(given):
        for second, other in given[i + 1 :]:
            if value == other:
                raise ConfigError(
                    message("read-same-char", first=first, second=second, value=value)
                )


# ------------------------------------------------------------------------ encoding


def _normalise_encoding(encoding: str) -> str:
    """Return the codec name for ``encoding``; plain UTF-8 becomes ``utf-8-sig``."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ConfigError(message("read-invalid-encoding", encoding=encoding)) from None
    # utf-8-sig reads files with and without a BOM and never leaves U+FEFF in a header.
    return "utf-8-sig" if name == "utf-8" else name


def _decodes(file: Path, encoding: str) -> int | None:
    """Return None if all of ``file`` decodes with ``encoding``, else the bad byte offset."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    try:
        with file.open("rb") as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    return offset + max(exc.start, 0)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return offset + max(exc.start, 0)
    except OSError as exc:
        raise ReadError(message("read-cannot-open", path=file, reason=exc.strerror or exc)) from exc
    return None


#: Byte order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEAD_BYTES = 4096  # bytes looked at for a byte order mark or a UTF-16 NUL pattern


def _unicode_by_bytes(head: bytes) -> str | None:
    """Return the UTF-16/32 codec that the first bytes show, or None.

    A byte order mark decides.  Without one, UTF-16 text of mostly ASCII characters has
    a NUL byte in every other position: odd positions for little-endian, even for big.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.5 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.5 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _utf8_evidence(file: Path) -> tuple[int | None, int | None]:
    """Return the first line with valid non-ASCII UTF-8 and the first line without.

    Lines are counted from 1, as an editor shows them.
    """
    first_utf8: int | None = None
    first_other: int | None = None
    with file.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                first_other = first_other or number
            else:
                first_utf8 = first_utf8 or number
            if first_utf8 and first_other:
                break
    return first_utf8, first_other


def _detect_encoding(file: Path, encoding: str | None) -> str:
    """Return the encoding to read ``file`` with, decided from evidence in the file.

    An explicit ``encoding`` wins.  Otherwise a byte order mark or a UTF-16 NUL pattern
    decides; then UTF-8 if every byte is valid UTF-8.  A file that is not valid UTF-8 is
    Windows-1252 only if no line of it is valid non-ASCII UTF-8: a file with both kinds
    of lines was pasted together from two encodings, and reading it either way would
    change some labels, so it is refused with the first line of each kind.
    """
    if encoding is not None:
        codec = _normalise_encoding(encoding)
        position = _decodes(file, codec)
        if position is not None:
            raise ReadError(
                message("read-encoding-mismatch", path=file, encoding=encoding, position=position)
            )
        return codec
    try:
        with file.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as exc:
        raise ReadError(message("read-cannot-open", path=file, reason=exc.strerror or exc)) from exc
    unicode = _unicode_by_bytes(head)
    if unicode is not None:
        position = _decodes(file, unicode)
        if position is not None:
            raise ReadError(
                message("read-encoding-mismatch", path=file, encoding=unicode, position=position)
            )
        return unicode
    if _decodes(file, "utf-8-sig") is None:
        return "utf-8-sig"
    utf8_line, other_line = _utf8_evidence(file)
    if utf8_line is not None and other_line is not None:
        raise ReadError(
            message("read-encoding-mixed", path=file, utf8_line=utf8_line, other_line=other_line)
        )
    if _decodes(file, "cp1252") is None:
        return "cp1252"
    raise ReadError(message("read-encoding-unknown", path=file))


@contextlib.contextmanager
def _csv_field_limit() -> Iterator[None]:
    """Let Python's csv module read fields up to ``_CSV_FIELD_LIMIT`` (default 128 KiB).

    pandas' C parser has no such limit, so without this a valid long field (a free-text
    note) would be refused by the line check only.
    """
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, _CSV_FIELD_LIMIT))
    try:
        yield
    finally:
        csv.field_size_limit(old)


# ----------------------------------------------------------------------- separator


def _is_blank(record: Sequence[str]) -> bool:
    """Whether a parsed record is an empty or whitespace-only line."""
    return len(record) == 0 or (len(record) == 1 and not record[0].strip())


def _sample_records(sample: str, sep: str, complete: bool) -> list[list[str]]:
    """Parse the first records of ``sample`` with separator ``sep`` (quotes respected)."""
    records: list[list[str]] = []
    try:
        with _csv_field_limit():
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=sep):
                if not _is_blank(record):
                    records.append(record)
                if len(records) > _SNIFF_RECORDS:
                    break
    except csv.Error:
        return []
    if (not complete or len(records) > _SNIFF_RECORDS) and len(records) > 1:
        records.pop()  # possibly cut off by the end of the sample
    return records


def _sniff_sep(sample: str, complete: bool, preferred: Sequence[str]) -> str:
    """Choose the separator that splits the sample into equally long records.

    A candidate that yields more than one field in the header is preferred; among those,
    one for which every record has as many fields as the header; then the one with the
    most fields; then the order of ``preferred``.  If no candidate is consistent, the one
    for which most records match the header wins, so that the line-by-line check reports
    the offending line.  A single-column file gets the first candidate that does not
    break any line.
    """
    scores: list[tuple[bool, bool, float, int, int, str]] = []
    for rank, sep in enumerate(preferred):
        records = _sample_records(sample, sep, complete)
        if not records:
            continue
        width = len(records[0])
        matches = sum(len(record) == width for record in records[1:])
        share = matches / (len(records) - 1) if len(records) > 1 else 1.0
        scores.append((width > 1, share == 1.0, share, width, -rank, sep))
    if not scores:
        return preferred[0]
    return max(scores)[-1]


def _read_sample(file: Path, encoding: str) -> tuple[str, bool]:
    """Return the first characters of ``file`` and whether that is the whole file."""
    with file.open(encoding=encoding, newline="") as handle:
        sample = handle.read(_SNIFF_CHARS)
        complete = handle.read(1) == ""
    return sample, complete


# -------------------------------------------------------------------- line check


def _scan_records(file: Path, encoding: str, sep: str) -> list[str]:
    """Return the raw header of ``file``; fail on a line with a different field count."""
    header: list[str] | None = None
    with file.open(encoding=encoding, newline="") as handle, _csv_field_limit():
        reader = csv.reader(handle, delimiter=sep)
        while True:
            line = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise ReadError(
                    message("read-csv-syntax", path=file, line=line, reason=exc)
                ) from exc
            if _is_blank(record):
                continue
            if header is None:
                header = record
            elif len(record) != len(header):
                raise ReadError(
                    message(
                        "read-ragged",
                        line=line,
                        path=file,
                        found=len(record),
                        expected=len(header),
                        sep=_SEP_NAMES.get(sep, repr(sep)),
                    )
                )
    if header is None:
        raise EmptyDataError(message("read-empty-file", path=file))
    return header


# ------------------------------------------------------------------------- numbers


def _integer_part(thousands: str | None) -> str:
    if thousands is None:
        return r"\d+"
    # The first group never starts with 0: "0.123" is not a grouped number.
    return rf"(?:[1-9]\d{{0,2}}(?:{re.escape(thousands)}\d{{3}})+|\d+)"


def _number_pattern(decimal: str, thousands: str | None) -> str:
    """Regular expression for one number; no '+' sign (``+31 6...`` is a phone number)."""
    integer = _integer_part(thousands)
    mark = re.escape(decimal)
    return rf"-?(?:{integer}(?:{mark}\d+)?|{mark}\d+)(?:[eE][+-]?\d+)?"


def _integer_pattern(thousands: str | None) -> str:
    return rf"-?{_integer_part(thousands)}"


def _text_values(frame: pd.DataFrame) -> Iterator[pd.Series | list[str]]:
    """Yield the stripped, non-missing values of each column (read as text).

    Short frames yield Python lists: per-call overhead of pandas' string methods
    dominates for a few hundred values, and a file may have thousands of columns.
    """
    short = len(frame) <= _PROBE
    for column in frame.columns:
        if short:
            yield [value.strip() for value in frame[column].tolist() if isinstance(value, str)]
        else:
            yield frame[column].dropna().str.strip()


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    # ASCII: a digit is 0-9 here, as in pandas' vectorised (RE2) matching.
    return re.compile(pattern, re.ASCII)


def _is_code(values: pd.Series | list[str]) -> bool:
    if isinstance(values, list) or len(values) <= _PROBE:
        # Python's re beats a vectorised call on short columns.
        code = _compiled(_LEADING_ZERO.pattern)
        listed = values if isinstance(values, list) else values.tolist()
        return any(code.match(value) for value in listed)
    return bool(values.str.match(_LEADING_ZERO.pattern).any())


def _all_match(values: pd.Series | list[str], pattern: str) -> bool:
    """Whether every value fully matches ``pattern``; the first values are tried first.

    The first ``_PROBE`` values are matched in Python: that is the whole answer for a
    short column, and a cheap exit for text columns in large files.  A file with
    thousands of short columns spends its time in per-call overhead otherwise.
    """
    compiled = _compiled(pattern)
    head = values[:_PROBE] if isinstance(values, list) else values.head(_PROBE).tolist()
    if not all(compiled.fullmatch(value) for value in head):
        return False
    if isinstance(values, list) or len(values) <= _PROBE:
        return True
    return bool(values.str.fullmatch(pattern).all())


def _detect_numbers(
    frame: pd.DataFrame, sep: str, decimal: str | None, thousands: str | None
) -> tuple[str, str | None]:
    """Decide the decimal mark and thousands separator from all values of ``frame``.

    Without explicit options, the decimal mark is ``","`` when the separator is not a
    comma and some column holds only Dutch numbers (``12,5``, ``-0,75``, ``1.234,56``)
    with at least one decimal comma or an unambiguous dot grouping (``1.234.567``); the
    thousands separator is then ``"."`` only if such a column shows dot grouping
    (``1.234``).  Otherwise the decimal mark is ``"."`` and there is no thousands
    separator.  An explicit ``thousands`` alone implies the other decimal mark.
    """
    if decimal is None and thousands is not None:
        decimal = "," if thousands == "." else "."
    if decimal is not None:
        return decimal, thousands
    if sep == ",":
        return ".", None
    dutch = _number_pattern(",", ".")
    dutch_seen = False
    grouping_seen = False
    for values in _text_values(frame):
        if len(values) == 0 or not _all_match(values, dutch) or _is_code(values):
            continue
        # Every value is a Dutch number, so a dot can only be a thousands separator.
        if isinstance(values, list):
            listed = values
            dots_max = max(value.count(".") for value in listed)
            comma = any("," in value for value in listed)
        else:
            dots_max = int(values.str.count(r"\.").max())
            comma = bool(values.str.contains(",", regex=False).any())
        dutch_seen = dutch_seen or comma or dots_max >= 2
        grouping_seen = grouping_seen or dots_max >= 1
    if dutch_seen:
        return ",", ("." if grouping_seen else None)
    return ".", None


def _ambiguous_dot_columns(frame: pd.DataFrame, text: pd.DataFrame) -> list[str]:
    """Columns read with a decimal point whose dotted values all look like ``1.234``.

    Such a value is 1,234 with a decimal point but 1234 with Dutch dot grouping.
    """
    import pandas as pd

    grouped = r"-?[1-9]\d{0,2}\.\d{3}"
    ambiguous: list[str] = []
    for name in frame.columns:
        if frame[name].dtype != np.float64 or not (
            isinstance(text[name].dtype, pd.StringDtype) or text[name].dtype == object
        ):
            continue
        values = text[name].dropna().str.strip()
        dotted = values[values.str.contains(".", regex=False)]
        if not dotted.empty and bool(dotted.str.fullmatch(grouped).all()):
            ambiguous.append(str(name))
    return ambiguous


def _fits_int64(values: pd.Series, digits: int) -> bool:
    """Whether every integer in ``values`` (text) fits in int64; only the longest are parsed."""
    if digits > len(str(_INT64_MAX)):
        return False
    longest = values[values.str.lstrip("-").str.len() == digits]
    return all(-_INT64_MAX - 1 <= int(value) <= _INT64_MAX for value in longest)


def _convert_column(text: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """Convert a column of text to int64/float64 if every value is a plain number.

    Columns with a leading-zero value (codes), anything non-numeric, or integers that do
    not fit exactly stay text.  An all-missing column becomes float64 ``NaN``.
    """
    import pandas as pd

    if len(text) <= _PROBE:
        return _convert_short(text, decimal, thousands)
    stripped = text.str.strip()
    present = stripped.dropna()
    if present.empty:
        missing: pd.Series = pd.Series(np.nan, index=text.index, dtype="float64", name=text.name)
        return missing
    if not _all_match(present, _number_pattern(decimal, thousands)) or _is_code(present):
        return text
    normalised = stripped
    if thousands is not None:
        normalised = normalised.str.replace(thousands, "", regex=False)
    if _all_match(present, _integer_pattern(thousands)):
        digits = int(normalised.dropna().str.lstrip("-").str.len().max())
        has_gaps = len(present) < len(stripped)
        if has_gaps and digits > _FLOAT_EXACT_DIGITS:
            return text
        if digits > _INT64_DIGITS and not _fits_int64(normalised.dropna(), digits):
            return text
        return pd.to_numeric(normalised).astype("float64" if has_gaps else "int64")
    if decimal != ".":
        normalised = normalised.str.replace(decimal, ".", regex=False)
    return pd.to_numeric(normalised).astype("float64")


def _convert_short(text: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """:func:`_convert_column` for a short column, in Python (same rules, less overhead)."""
    import pandas as pd

    stripped = [value.strip() if isinstance(value, str) else None for value in text.tolist()]
    present = [value for value in stripped if value is not None]
    if not present:
        empty: pd.Series = pd.Series(np.nan, index=text.index, dtype="float64", name=text.name)
        return empty
    if not _all_match(present, _number_pattern(decimal, thousands)) or _is_code(present):
        return text
    if thousands is not None:
        present = [value.replace(thousands, "") for value in present]
        stripped = [None if v is None else v.replace(thousands, "") for v in stripped]
    has_gaps = len(present) < len(stripped)
    if _all_match(present, _integer_pattern(None)):
        digits = max(len(value.lstrip("-")) for value in present)
        if has_gaps and digits > _FLOAT_EXACT_DIGITS:
            return text
        if digits > _INT64_DIGITS and not all(
            -_INT64_MAX - 1 <= int(value) <= _INT64_MAX for value in present
        ):
            return text
        if has_gaps:
            floats = [np.nan if v is None else float(int(v)) for v in stripped]
            gaps: pd.Series = pd.Series(floats, index=text.index, dtype="float64", name=text.name)
            return gaps
        integers = [int(v) for v in present]
        whole: pd.Series = pd.Series(integers, index=text.index, dtype="int64", name=text.name)
        return whole
    if decimal != ".":
        stripped = [None if v is None else v.replace(decimal, ".") for v in stripped]
    numbers = [np.nan if v is None else float(v) for v in stripped]
    decimals: pd.Series = pd.Series(numbers, index=text.index, dtype="float64", name=text.name)
    return decimals


# ---------------------------------------------------------------------- finishing


def _header_names(raw: Sequence[object]) -> list[str]:
    names: list[str] = []
    for i, name in enumerate(raw):
        missing = name is None or (isinstance(name, float) and np.isnan(name))
        text = "" if missing else str(name)
        if i == 0:
            text = text.lstrip("\ufeff")
        names.append(text.strip())
    return names


def _missing_markers(missing_values: Sequence[str]) -> frozenset[str]:
    """Return the caller's explicit missing-value markers, compared after stripping."""
    if isinstance(missing_values, str) or not all(isinstance(v, str) for v in missing_values):
        raise ConfigError(message("missing-values-invalid", value=repr(missing_values)))
    return frozenset(v.strip() for v in missing_values)


def _finish(
    frame: pd.DataFrame,
    raw_header: Sequence[object],
    file: Path,
    missing_values: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Name the columns, blank out empty text and missing markers, drop empty rows/columns."""
    import pandas as pd

    markers = missing_values | {""}
    names = _header_names(raw_header)
    frame = frame.set_axis(range(frame.shape[1]), axis="columns")
    short = len(frame) <= _PROBE
    for position in range(frame.shape[1]):
        column = frame[position]
        if short and (isinstance(column.dtype, pd.StringDtype) or column.dtype == object):
            flags = [isinstance(v, str) and v.strip() in markers for v in column.tolist()]
            if not any(flags):
                continue
            blank = pd.Series(flags, index=column.index)
        elif isinstance(column.dtype, pd.StringDtype):
            blank = column.str.strip().isin(markers)
        elif column.dtype == object:  # text read as-is, Excel/Parquet cells of mixed types
            blank = column.map(lambda value: isinstance(value, str) and value.strip() in markers)
        else:
            continue
        if bool(blank.any()):
            frame[position] = column.mask(blank)
    # Columns without a name and without data are artefacts of Excel/trailing separators.
    has_values = frame.notna().any().tolist()
    keep = [i for i, name in enumerate(names) if name or has_values[i]]
    frame = frame[keep]
    names = [names[i] or f"kolom_{i + 1}" for i in keep]
    duplicates = _duplicates(names)
    if duplicates:
        raise ReadError(
            message(
                "read-duplicate-columns", path=file, names=", ".join(repr(n) for n in duplicates)
            )
        )
    frame = frame.set_axis(names, axis="columns")
    frame = frame.dropna(how="all").reset_index(drop=True)
    if frame.empty:
        raise EmptyDataError(message("read-no-rows", path=file))
    return frame


# -------------------------------------------------------------------------- readers


def _load_text(
    file: Path,
    sep: str | None,
    decimal: str | None,
    thousands: str | None,
    encoding: str | None,
    missing_values: frozenset[str] = frozenset(),
) -> tuple[CsvDialect, pd.DataFrame]:
    """Detect the dialect of a text file and read it with every value as text."""
    import pandas as pd

    _check_options(sep, decimal, thousands)
    codec = _detect_encoding(file, encoding)
    if sep is None:
        sample, complete = _read_sample(file, codec)
        preferred = ("\t", ";", ",", "|") if file.suffix.lower() == ".tsv" else _SEPARATORS
        sep = _sniff_sep(sample, complete, preferred)
    header = _scan_records(file, codec, sep)
    try:
        frame = pd.read_csv(
            file,
            sep=sep,
            encoding=codec,
            dtype=str,
            header=0,
            index_col=False,
            # Only empty fields are missing: "NA" (Namibia), "None", "nan", "NULL" are
            # labels unless the caller lists them in ``missing_values`` (see _finish).
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=True,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise ReadError(message("read-csv-unparsable", path=file, reason=exc)) from exc
    if frame.shape[1] != len(header):
        reason = f"{frame.shape[1]} kolommen gelezen, {len(header)} namen in de kopregel"
        raise ReadError(message("read-csv-syntax", path=file, line=1, reason=reason))
    text = _finish(frame, header, file, missing_values)
    detect = decimal is None and thousands is None
    decimal, thousands = _detect_numbers(text, sep, decimal, thousands)
    # Built at once: assigning thousands of columns one by one is quadratic in pandas.
    converted = {column: _convert_column(text[column], decimal, thousands) for column in text}
    frame = pd.DataFrame(converted, index=text.index)
    if detect and decimal == "." and sep != ",":
        ambiguous = _ambiguous_dot_columns(frame, text)
        if ambiguous:
            warnings.warn(
                message(
                    "read-ambiguous-dots",
                    path=file,
                    columns=", ".join(repr(name) for name in ambiguous),
                ),
                EerlijkheidWarning,
                stacklevel=3,
            )
    return CsvDialect(sep=sep, decimal=decimal, thousands=thousands, encoding=codec), frame


def _uncalculated_formula(file: Path, sheet: str) -> str | None:
    """Return the first cell of ``sheet`` with a formula but no stored result, or None.

    Excel stores the last calculated value of a formula beside it; files written by
    other programs (or by Python) may hold the formula only.  pandas reads the stored
    values, so such a cell would silently be empty.  Only called when the sheet has
    empty cells, so ordinary workbooks are read once.
    """
    import openpyxl

    formulas = openpyxl.load_workbook(file, read_only=True, data_only=False)
    try:
        cells = [
            (cell.row, cell.column)
            for row in formulas[sheet].iter_rows()
            for cell in row
            if getattr(cell, "data_type", None) == "f"
        ]
    finally:
        formulas.close()
    if not cells:
        return None
    values = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        stored = {
            (cell.row, cell.column): cell.value
            for row in values[sheet].iter_rows()
            for cell in row
            if getattr(cell, "row", None) is not None
        }
    finally:
        values.close()
    from openpyxl.utils import get_column_letter

    for row, column in cells:
        if stored.get((row, column)) is None:
            return f"{get_column_letter(column)}{row}"
    return None


def _read_excel(
    file: Path, sheet: str | int | None, missing_values: frozenset[str] = frozenset()
) -> pd.DataFrame:
    import pandas as pd

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and data validation it cannot read; the values
            # are read correctly, so this is noise for the analyst.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?$")
            with pd.ExcelFile(file, engine="openpyxl") as workbook:
                names = [str(name) for name in workbook.sheet_names]
                chosen: str | int = 0 if sheet is None else sheet
                if (isinstance(chosen, str) and chosen not in names) or (
                    isinstance(chosen, int) and not -len(names) <= chosen < len(names)
                ):
                    available = ", ".join(repr(name) for name in names)
                    raise ReadError(
                        message(
                            "read-sheet-not-found", sheet=chosen, path=file, available=available
                        )
                    )
                # dtype=object: pandas would otherwise turn text cells such as "0123" into 123.
                # keep_default_na=False: a cell "NA" (Namibia) is a label, not missing.
                raw = pd.read_excel(
                    workbook,
                    sheet_name=chosen,
                    header=None,
                    dtype=object,
                    keep_default_na=False,
                    na_values=[""],
                )
                name = chosen if isinstance(chosen, str) else names[chosen]
                if raw.empty and sheet is None and len(names) > 1:
                    filled = [
                        other
                        for other in names[1:]
                        if not pd.read_excel(
                            workbook, sheet_name=other, header=None, nrows=2, dtype=object
                        ).empty
                    ]
                    if filled:
                        raise ReadError(
                            message(
                                "read-excel-first-sheet-empty",
                                path=file,
                                first=name,
                                sheets=", ".join(repr(other) for other in filled),
                            )
                        )
            if not raw.empty and bool(raw.isna().to_numpy().any()):
                cell = _uncalculated_formula(file, name)
                if cell is not None:
                    raise ReadError(message("read-excel-formula", path=file, sheet=name, cell=cell))
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(message("read-excel-unreadable", path=file, reason=exc)) from exc
    if raw.empty:
        raise EmptyDataError(message("read-empty-file", path=file))
    header = list(raw.iloc[0])
    data = raw.iloc[1:].reset_index(drop=True).infer_objects()
    frame: pd.DataFrame = _finish(data, header, file, missing_values).infer_objects()
    return frame


def _read_parquet(file: Path, missing_values: frozenset[str] = frozenset()) -> pd.DataFrame:
    import pandas as pd

    try:
        import pyarrow.parquet as pq

        names: list[str] = list(pq.read_schema(file).names)
        duplicates = _duplicates([str(name) for name in names])
        if not duplicates:
            frame = pd.read_parquet(file, engine="pyarrow")
    except Exception as exc:
        raise ReadError(message("read-parquet-unreadable", path=file, reason=exc)) from exc
    if duplicates:
        raise ReadError(
            message(
                "read-duplicate-columns", path=file, names=", ".join(repr(n) for n in duplicates)
            )
        )
    return _finish(frame, list(frame.columns), file, missing_values)


# --------------------------------------------------------------------------- public


def sniff_csv(
    path: str | os.PathLike[str],
    *,
    sep: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    encoding: str | None = None,
) -> CsvDialect:
    r"""Detect how a CSV/TXT/TSV file is written, exactly as :func:`read_table` does.

    Parameters
    ----------
    path : str or os.PathLike
        The text file (``.csv``, ``.txt`` or ``.tsv``).
    sep, decimal, thousands, encoding : str, optional
        Fix part of the dialect instead of detecting it (see :func:`read_table`).

    Returns
    -------
    CsvDialect
        The separator, decimal mark, thousands separator and encoding that
        :func:`read_table` uses for this file.

    Raises
    ------
    ReadError
        If the file is missing, not a text file, undecodable or has ragged lines.
    EmptyDataError
        If the file holds no header or no data rows.

    Notes
    -----
    The encoding and the decimal mark are decided from the whole file, so this reads
    the whole file (once as bytes, once as text).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "besluiten.csv"
    ...     _ = path.write_bytes("gemeente;bedrag\nCuraçao;1.234,50\n".encode("cp1252"))
    ...     sniff_csv(path)
    CsvDialect(sep=';', decimal=',', thousands='.', encoding='cp1252')
    """
    file = _check_path(path)
    if file.suffix.lower() not in _TEXT_SUFFIXES:
        raise ReadError(
            message(
                "read-not-text-file",
                supported=", ".join(_TEXT_SUFFIXES),
                path=file,
                suffix=file.suffix,
            )
        )
    dialect, _ = _load_text(file, sep, decimal, thousands, encoding)
    return dialect


def read_table(
    path: str | os.PathLike[str],
    *,
    sep: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    missing_values: Sequence[str] = (),
) -> pd.DataFrame:
    r"""Read a CSV/TXT/TSV, Excel (``.xlsx``) or Parquet file into a DataFrame.

    Parameters
    ----------
    path : str or os.PathLike
        The file.  The suffix (case-insensitive) decides the format: ``.csv``, ``.txt``
        and ``.tsv`` are delimited text, ``.xlsx`` is an Excel workbook (read with
        openpyxl), ``.parquet`` is Parquet (read with pyarrow).
    sep : str, optional
        Field separator of a text file.  Default: sniffed among ``;``, ``,``, tab and
        ``|`` from the first lines (quotes respected): the separator that splits the
        header into more than one field and every line into as many fields as the header
        wins; ties go to ``;``, then ``,``, tab, ``|`` (tab first for ``.tsv``).
    decimal : str, optional
        Decimal mark of a text file.  Default: ``","`` if the separator is not a comma
        and some column holds only Dutch numbers (``12,5``, ``-0,75``, ``1.234,56``)
        with at least one decimal comma, else ``"."``.
    thousands : str, optional
        Thousands separator of a text file.  Default: ``"."`` when the decimal mark is a
        detected comma and such a column shows dot grouping (``1.234``), else none.
    encoding : str, optional
        Text encoding; when given it always wins.  Default: decided per file from
        evidence: a byte order mark (UTF-8, UTF-16, UTF-32), UTF-16 without one by its
        pattern of NUL bytes, UTF-8 if every byte is valid UTF-8, else Windows-1252
        (cp1252) -- but only if no line is valid non-ASCII UTF-8: a file mixing both is
        refused, naming the first line of each.  :func:`sniff_csv` reports the choice.
    sheet : str or int, optional
        Excel sheet name or 0-based position.  Default: the first sheet.
    missing_values : sequence of str, optional
        Text values that mean "no value" in this file, e.g. ``["NULL", "-"]``, compared
        after stripping surrounding whitespace.  Default: none; only empty and
        whitespace-only fields are missing.

    Returns
    -------
    pandas.DataFrame
        One column per file column, named by the header with surrounding whitespace
        (and an Excel BOM) removed.  A text column becomes int64 if all its values are
        plain integers, float64 if all are numbers (and some value is missing or has a
        decimal part), and stays text otherwise.

    Raises
    ------
    ReadError
        If the file is missing (also an :class:`OSError`), has an unsupported suffix,
        cannot be decoded or parsed, mixes UTF-8 and other encoded lines, has a line
        with a different number of fields than the header (the message names the line),
        or has duplicate column names; for Excel also if a formula cell has no stored
        value (the message names the cell) or, without ``sheet``, the first sheet is
        empty while others hold data.
    EmptyDataError
        If the file has no data rows (only a header, or nothing at all).
    ConfigError
        If ``sep``, ``decimal`` or ``thousands`` is not one character, two of them are
        equal, or ``encoding`` is unknown.

    Warns
    -----
    EerlijkheidWarning
        If a text file has no decimal comma anywhere, so a column with values such as
        ``1.234`` or ``12.500`` is read with a decimal point although a Dutch reader
        may mean thousands; pass ``thousands="."`` or ``decimal="."`` to decide.

    Notes
    -----
    What the text reader does and does not do to values:

    * Codes stay text: a column with a value with a leading zero (``0123``,
      ``0612345678``), a ``+`` sign, letters (``1012AB``), or an integer too large to
      hold exactly (past int64's 9223372036854775807, or more than 15 digits with
      missing values) is not converted.
    * Yes/no and boolean words (``ja``, ``nee``, ``j``, ``n``, ``true``, ``False``) and
      dates stay text exactly as written; map them explicitly.
    * Missing values: empty and whitespace-only fields become ``NaN``, and so do the
      values listed in ``missing_values``.  Nothing else: ``NA`` (the country code of
      Namibia), ``None``, ``nan``, ``NULL``, ``N/A`` and ``n`` (nee) are read as the text
      they are (pandas' own default list of missing markers is not used).  Integer
      columns with missing values become float64.
    * Rows whose fields are all missing (e.g. trailing ``;;;`` lines from Excel) are
      dropped, as are columns without a name and without any value; a column without a
      name that does hold values is called ``kolom_<position>``.
    * Other text values are kept exactly, including surrounding spaces.
    * Fields may be up to 1 GiB long (Python's csv module stops at 128 KiB by default).

    Excel and Parquet cells keep their stored types (text cells such as ``"0123"``
    stay text); the header, whitespace-only text, empty-row and empty-column rules
    above apply to them as well.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "besluiten.csv"
    ...     text = "postcode;geslacht ;toegekend;bedrag\n1012AB;v;ja;12,5\n0123;m;n;-0,75\n"
    ...     _ = path.write_bytes(text.encode("cp1252"))
    ...     frame = read_table(path)
    >>> frame
      postcode geslacht toegekend  bedrag
    0   1012AB        v        ja   12.50
    1     0123        m         n   -0.75
    >>> frame["bedrag"].dtype
    dtype('float64')
    """
    markers = _missing_markers(missing_values)
    file = _check_path(path)
    suffix = file.suffix.lower()
    if suffix in _EXCEL_SUFFIXES:
        return _read_excel(file, sheet, markers)
    if suffix in _PARQUET_SUFFIXES:
        return _read_parquet(file, markers)
    _, frame = _load_text(file, sep, decimal, thousands, encoding, markers)
    return frame
