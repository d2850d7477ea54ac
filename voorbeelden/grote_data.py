"""Voorbeeld 5 — grote data: een audit op Parquet met DuckDB of polars.

De audit telt in één ``GROUP BY`` binnen de engine van de gebruiker; alleen een kleine
teltabel komt terug naar Python.  Dit script schrijft de synthetische adrescontroles in
blokken naar één Parquet-bestand en auditeert dat bestand zonder het in pandas te laden:
met DuckDB (een relatie op het bestand) of polars (``scan_parquet``, een LazyFrame).

Gebruik::

    python voorbeelden/grote_data.py [uitvoermap] [--rijen 10000000] [--engine polars]

Standaard 100.000 rijen (een paar seconden); met ``--rijen 10000000`` tien miljoen (het
schrijven duurt dan het langst; de audit zelf enkele seconden).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import eerlijkheid as ee
from eerlijkheid.datasets import address_checks, address_checks_truth
from eerlijkheid.report import render_json

BLOCK = 1_000_000


def count(number: int) -> str:
    """Een aantal met punten als duizendtallen."""
    return f"{number:,}".replace(",", ".")


def dutch(number: float, digits: int = 3) -> str:
    """Een getal met decimale komma."""
    return f"{number:.{digits}f}".replace(".", ",")


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Audit op een groot Parquet-bestand.")
    parser.add_argument("uitvoermap", nargs="?", type=Path, default=None)
    parser.add_argument("--rijen", type=int, default=100_000, help="aantal rijen")
    parser.add_argument("--engine", choices=["duckdb", "polars"], default="duckdb")
    args = parser.parse_args(argv[1:])
    if args.uitvoermap is None:
        args.uitvoermap = Path(__file__).resolve().parent / "uitvoer" / "grote_data"
    args.uitvoermap.mkdir(parents=True, exist_ok=True)
    return args


def write_parquet(path: Path, rows: int) -> None:
    """Schrijf ``rows`` rijen in blokken van een miljoen (elk blok een eigen seed)."""
    writer: pq.ParquetWriter | None = None
    try:
        for block, start in enumerate(range(0, rows, BLOCK)):
            frame = address_checks(min(BLOCK, rows - start), seed=block)
            frame = frame.drop(columns=["zaaknummer"])  # niet nodig voor de audit
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def lazy_table(path: Path, engine: str) -> object:
    """Het bestand als tabel in de engine, zonder het te lezen."""
    if engine == "duckdb":
        import duckdb

        return duckdb.connect().read_parquet(str(path))
    import polars as pl

    return pl.scan_parquet(path)


def main(argv: list[str]) -> int:
    args = arguments(argv)
    path = args.uitvoermap / "adrescontroles.parquet"
    start = time.perf_counter()
    write_parquet(path, args.rijen)
    written = time.perf_counter() - start
    size = path.stat().st_size / 1e6
    print(
        f"Parquet geschreven: {count(args.rijen)} rijen, {dutch(size, 1)} MB "
        f"in {dutch(written, 1)} s"
    )

    start = time.perf_counter()
    result = ee.audit(
        lazy_table(path, args.engine),
        decision="gecontroleerd",
        groups=["migratieachtergrond", "geslacht", "leeftijdsgroep"],
        outcome="overtreding",
        random_sample="steekproef",
        reference={"migratieachtergrond": "geen"},
    )
    seconds = time.perf_counter() - start
    provenance = result.provenance
    print(
        f"Audit met {provenance.backend}: {count(provenance.rows)} rijen in {dutch(seconds, 1)} s; "
        f"de teltabel heeft {provenance.cells} cellen"
    )
    table = result.table()
    main_row = table[
        (table["metric"] == "selection_rate")
        & (table["attributes"] == "migratieachtergrond")
        & (table["group"] == "niet-westers")
    ].iloc[0]
    print(
        f"Selectie niet-westers tegen geen: {dutch(main_row['ratio'])}× "
        f"(95%-interval {dutch(main_row['ratio_low'])}–{dutch(main_row['ratio_high'])}); "
        f"ingebouwd in de data: {dutch(address_checks_truth().flag_ratio)}×"
    )
    codes = sorted({f.code for f in result.findings})
    print(f"{len(result.findings)} bevindingen, codes: {', '.join(codes)}")
    (args.uitvoermap / "rapport.json").write_text(render_json(result), encoding="utf-8")
    print(f"Rapport geschreven: {args.uitvoermap / 'rapport.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
