"""Scale benchmark (issue 7): the same audit on pandas, polars, DuckDB, Dask and Spark.

Run by hand (not part of the test suite)::

    python benchmarks/bench_scale.py                       # 10^6 and 10^7 rows, 10^8 DuckDB/polars
    python benchmarks/bench_scale.py --rows 1e6 --no-huge  # quick
    python benchmarks/bench_scale.py --curve-only          # only the row-count scaling curve

Data: synthetic and seeded, written once as parquet (10^7 rows per file) into ``--dir``
(default ``/tmp/eerlijkheid-scale``): ``herkomst`` (12 skewed levels), ``leeftijd``
(5 classes), ``geslacht`` (m/v/x), ``risicoscore`` (float in [0, 1]), ``aselect`` (0/1,
10 % random arm), decision ``geselecteerd`` (0/1) and outcome ``onrechtmatig`` (0/1, missing
when not selected).

Per engine and row count, in a fresh subprocess that imports a snapshot of the package
copied at the start (others edit the source while this runs):

* **scan**: ``count_table(frame, ...)`` on the engine's own frame read from the parquet
  files (pandas: the frame is loaded first, load time shown apart; polars:
  ``scan_parquet``; DuckDB: ``read_parquet``; Dask: ``read_parquet``; Spark:
  ``spark.read.parquet``, session started before the clock).  This is everything that
  touches rows: the score range (one aggregate) and the one group-by; only the count
  table is collected.
* **non-scan**: ``audit(count_table, ...)`` (metrics with intervals, tests, power,
  random-arm and score analyses, findings, toets coverage) plus ``bootstrap_counts`` with
  1,000 replicates of every group's selection-rate ratio to the largest group, per
  attribute (best of 3).  It should depend on the number of cells, not rows: after the
  curve, it runs again on the cells of the smallest table with every count multiplied by
  10, 100 and 1,000 (the same cells, 10 to 1,000 times the rows).
* **load avg**: the 1-minute load average when the run ended (the machine is shared).

Timing is ``time.perf_counter``, best of ``--repeat`` runs (one run above 10^6 rows).  The
scaling curve times the scan of polars (lazy) and DuckDB at 10^5 ... 10^7 rows and the
non-scan part, and fits time = a + b * rows.
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

GROUPS = ["herkomst", "leeftijd", "geslacht"]
ROLES: dict[str, Any] = {
    "decision": "geselecteerd",
    "groups": GROUPS,
    "outcome": "onrechtmatig",
    "score": "risicoscore",
    "random_sample": "aselect",
}
REFERENCE = {"herkomst": "h00", "leeftijd": "30-44", "geslacht": "v"}
ENGINES = ("pandas", "polars", "duckdb", "dask", "spark")
CHUNK = 10_000_000
N_BOOT = 1000
NON_SCAN_REPEAT = 3
SCALE_FACTORS = (10, 100, 1000)
HEADER = (
    "\n| rows | engine | scan s | scan ns/row | non-scan s | cells | load avg | note |"
    "\n|---:|---|---:|---:|---:|---:|---:|---|"
)


# ------------------------------------------------------------------------------- data


def write_data(directory: Path, rows: int, seed: int = 0) -> Path:
    """Write ``rows`` synthetic cases as parquet files (10^7 rows each); reuse if present."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = directory / f"rows_{rows:.0e}".replace("+", "")
    if (target / "_done").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    herkomst = np.array([f"h{k:02d}" for k in range(12)])
    p_herkomst = 0.6 ** np.arange(12)
    p_herkomst /= p_herkomst.sum()
    leeftijd = np.array(["18-29", "30-44", "45-59", "60-74", "75+"])
    geslacht = np.array(["m", "v", "x"])
    done, part = 0, 0
    while done < rows:
        n = min(CHUNK, rows - done)
        rng = np.random.default_rng([seed, part])
        h = rng.choice(12, n, p=p_herkomst)
        score = np.clip(rng.beta(2, 6, n) + 0.02 * h, 0, 1)
        aselect = rng.random(n) < 0.1
        selected = aselect | (rng.random(n) < score)
        outcome = (rng.random(n) < 0.1 + 0.4 * score).astype(np.int64)
        table = pa.table(
            {
                "herkomst": pa.array(herkomst[h]).dictionary_encode(),
                "leeftijd": pa.array(leeftijd[rng.integers(0, 5, n)]).dictionary_encode(),
                "geslacht": pa.array(
                    geslacht[rng.choice(3, n, p=[0.49, 0.49, 0.02])]
                ).dictionary_encode(),
                "risicoscore": score,
                "aselect": aselect.astype(np.int64),
                "geselecteerd": selected.astype(np.int64),
                "onrechtmatig": pa.array(outcome, mask=~selected),
            }
        )
        pq.write_table(table, target / f"part-{part:03d}.parquet", row_group_size=1_000_000)
        done += n
        part += 1
    (target / "_done").write_text(str(rows))
    return target


# ----------------------------------------------------------------------------- worker


def _ratio_to_largest(ref: int) -> Callable[[np.ndarray], np.ndarray]:
    def statistic(counts: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = counts[..., 1] / counts.sum(axis=-1)
            return rate / rate[:, ref : ref + 1]

    return statistic


def non_scan(table: Any) -> None:
    import eerlijkheid as ee
    from eerlijkheid.stats import bootstrap_counts

    ee.audit(table, **ROLES, reference=REFERENCE, language="nl")
    for attribute in GROUPS:
        cube = table.dense([attribute, "geselecteerd"])
        ref = int(np.argmax(cube.sum(axis=1)))
        bootstrap_counts(cube, _ratio_to_largest(ref), n_resamples=N_BOOT, rng=0)


def subgroups_alone(table: Any) -> float:
    """Seconds of the intersectional subgroup scan alone (part of the audit), or NaN."""
    try:
        from eerlijkheid.analyses.subgroups import subgroup_scan
        from eerlijkheid.config import AuditConfig
    except ImportError:  # pragma: no cover - an older tree without it
        return float("nan")
    start = time.perf_counter()
    subgroup_scan(table, AuditConfig(reference=REFERENCE))
    return time.perf_counter() - start


def open_frame(engine: str, path: Path) -> tuple[Any, Callable[[], None], float]:
    """Return (frame, cleanup, load seconds) of the engine's frame over the parquet files."""
    files = sorted(glob.glob(str(path / "*.parquet")))
    if engine == "pandas":
        import pandas as pd

        start = time.perf_counter()
        frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        return frame, lambda: None, time.perf_counter() - start
    if engine == "polars":
        import polars as pl

        return pl.scan_parquet(files), lambda: None, 0.0
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        return con.read_parquet(files), con.close, 0.0
    if engine == "dask":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import dask
            import dask.dataframe as dd

        dask.config.set(scheduler="threads", num_workers=os.cpu_count() or 2)
        return dd.read_parquet(files), lambda: None, 0.0
    if engine == "spark":
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pyspark.sql import SparkSession

            spark = (
                SparkSession.builder.master(f"local[{os.cpu_count() or 2}]")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", str(os.cpu_count() or 2))
                .config("spark.driver.memory", "6g")
                .getOrCreate()
            )
        spark.sparkContext.setLogLevel("ERROR")
        frame = spark.read.parquet(*files)
        import eerlijkheid as ee

        ee.count_table(frame.limit(10_000), **ROLES)  # warm the JVM up before the clock
        return frame, spark.stop, 0.0
    raise ValueError(engine)


def worker(engine: str, path: Path, repeat: int, factors: list[int]) -> dict[str, Any]:
    import eerlijkheid as ee

    frame, cleanup, load = open_frame(engine, path)
    scans, rests, table = [], [], None
    scaled: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(repeat):
            start = time.perf_counter()
            table = ee.count_table(frame, **ROLES)
            scans.append(time.perf_counter() - start)
        cleanup()
        assert table is not None
        for _ in range(NON_SCAN_REPEAT):
            start = time.perf_counter()
            non_scan(table)
            rests.append(time.perf_counter() - start)
        # The same cells with every count multiplied: more rows, the same cells.
        for factor in [1, *factors] if factors else []:
            bigger = dataclasses.replace(table, n=table.n * factor)
            start = time.perf_counter()
            non_scan(bigger)
            scaled[str(factor)] = time.perf_counter() - start
            scaled[f"{factor}-subgroups"] = subgroups_alone(bigger)
    return {
        "engine": engine,
        "rows": int(table.total),
        "cells": int(table.n.size),
        "backend": table.backend,
        "load_s": load,
        "scan_s": min(scans),
        "non_scan_s": min(rests),
        "non_scan_scaled_s": scaled,
        "k": repeat,
    }


# ----------------------------------------------------------------------------- parent


def run(
    engine: str,
    path: Path,
    repeat: int,
    env: dict[str, str],
    timeout: float,
    factors: tuple[int, ...] = (),
) -> Any:
    factor_list = ",".join(str(f) for f in factors)
    cmd = [sys.executable, __file__, "--worker", engine, str(path), str(repeat), factor_list]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"engine": engine, "error": f"timeout after {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"engine": engine, "error": f"exit {done.returncode}: {tail[:120]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    load = os.getloadavg()
    mem = ""
    with open("/proc/meminfo") as f:
        mem = f.readline().split()[1]
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {int(mem) / 2**20:.1f} GiB RAM, "
        f"Python {platform.python_version()}; load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


def versions() -> str:
    from importlib.metadata import version

    names = ["numpy", "pandas", "polars", "duckdb", "dask", "pyspark", "pyarrow", "narwhals"]
    return ", ".join(f"{n} {version(n)}" for n in names)


def fmt(row: dict[str, Any]) -> str:
    if "error" in row:
        return (
            f"| {row['rows_asked']:.0e} | {row['engine']} | – | – | – | – "
            f"| {row['load_average']:.1f} | {row['error']} |"
        )
    per_row = row["scan_s"] / row["rows"] * 1e9
    return (
        f"| {row['rows']:.0e} | {row['engine']} | {row['scan_s']:.2f} | {per_row:.0f} "
        f"| {row['non_scan_s']:.2f} | {row['cells']} "
        f"| {row['load_average']:.1f} | "
        f"{'load ' + format(row['load_s'], '.1f') + ' s' if row['load_s'] else ''} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", nargs="+", type=float, default=[1e6, 1e7])
    parser.add_argument("--engines", nargs="+", default=list(ENGINES))
    parser.add_argument("--no-huge", action="store_true", help="skip 10^8 (DuckDB, polars)")
    parser.add_argument("--curve", nargs="+", type=float, default=[1e5, 3e5, 1e6, 3e6, 1e7])
    parser.add_argument("--curve-only", action="store_true")
    parser.add_argument("--no-curve", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/eerlijkheid-scale"))
    parser.add_argument("--json", type=Path, help="also write every result here")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        engine, path, repeat, factors = args.worker
        scale = [int(f) for f in factors.split(",") if f]
        print(json.dumps(worker(engine, Path(path), int(repeat), scale)))
        return

    source = Path(__file__).resolve().parents[1] / "src" / "eerlijkheid"
    snapshot = tempfile.mkdtemp(prefix="eerlijkheid-scale-")
    shutil.copytree(source, Path(snapshot) / "eerlijkheid")
    env = dict(os.environ, PYTHONPATH=snapshot, SPARK_LOCAL_IP="127.0.0.1")
    print(f"Machine: {machine()}")
    print(f"Versions: {versions()}")
    results: list[dict[str, Any]] = []

    def measure(engine: str, rows: int, factors: tuple[int, ...] = ()) -> dict[str, Any]:
        path = write_data(args.dir, rows)
        repeat = args.repeat if rows <= 1_000_000 else 1
        row = run(engine, path, repeat, env, args.timeout, factors)
        row["rows_asked"] = rows
        row["load_average"] = os.getloadavg()[0]
        results.append(row)
        print(fmt(row), flush=True)
        return row

    try:
        if not args.curve_only:
            print(HEADER)
            sizes = [int(r) for r in args.rows]
            if not args.no_huge:
                sizes.append(100_000_000)
            for rows in sizes:
                for engine in args.engines:
                    if rows > 10**7 and engine not in ("duckdb", "polars"):
                        continue
                    measure(engine, rows)
        if not args.no_curve:
            print("\nScaling curve (scan from parquet):")
            print(HEADER)
            curve: dict[str, list[tuple[int, float, float]]] = {}
            for rows in (int(r) for r in args.curve):
                for engine in ("polars", "duckdb"):
                    row = measure(engine, rows)
                    if "error" not in row:
                        curve.setdefault(engine, []).append(
                            (row["rows"], row["scan_s"], row["non_scan_s"])
                        )
            smallest = int(min(args.curve))
            row = measure("duckdb", smallest, SCALE_FACTORS)
            if "error" not in row:
                print(
                    f"\nNon-scan part on the {row['cells']} cells of {smallest:.0e} rows with "
                    "every count multiplied (same cells, more rows):\n"
                )
                print("| factor | rows | non-scan s | of which subgroup_scan s |")
                print("|---:|---:|---:|---:|")
                times = row["non_scan_scaled_s"]
                for factor in (1, *SCALE_FACTORS):
                    print(
                        f"| {factor} | {row['rows'] * factor:.0e} | {times[str(factor)]:.2f} "
                        f"| {times[f'{factor}-subgroups']:.2f} |"
                    )
                print()
            for engine, points in curve.items():
                if len(points) < 2:
                    continue
                x = np.array([p[0] for p in points], dtype=float)
                y = np.array([p[1] for p in points])
                b, a = np.polyfit(x, y, 1)
                rest = [p[2] for p in points]
                print(
                    f"{engine}: scan = {a:.3f} s + {b * 1e9:.1f} ns x rows "
                    f"(R^2 {np.corrcoef(x, y)[0, 1] ** 2:.4f}); non-scan "
                    f"{min(rest):.2f}-{max(rest):.2f} s over {x[0]:.0e}-{x[-1]:.0e} rows"
                )
    finally:
        shutil.rmtree(snapshot, ignore_errors=True)
        print(f"\nDone: {machine()}")
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
