"""Performance benchmark of eerlijkheid: count table, metrics, bootstrap, memory.

Run by hand (not part of the test suite)::

    python benchmarks/bench_counts.py                      # 10^5, 10^6 and 10^7 rows
    python benchmarks/bench_counts.py --rows 1e5 1e6       # other row counts
    python benchmarks/bench_counts.py --quick              # 10^5 rows, smoke run

Every row count runs in its own fresh subprocess (``--worker``), so the heap, the
allocator and the peak-memory mark of one configuration never leak into the next.  The
workers import a snapshot of the ``eerlijkheid`` package copied at the start (the source
is edited while benchmarks run); ``--no-snapshot`` imports the live tree instead.  The
worker prints one JSON line; the parent prints the machine, a Markdown table and the
targets.

What is measured (``time.perf_counter``, the MEDIAN of at least 3 and up to ``--repeat``
runs; a stage whose first run takes more than half of ``--budget`` seconds runs once, and
further runs are made only while the stage's budget lasts; ``k`` is printed.  The machine
is shared, so the median, not the best run, is reported):

* numpy floors -- the bare numpy pass doing the same job as eerlijkheid's count table +
  ``group_metric_table(order=2)``: one ``np.bincount`` over the combined key of
  (herkomst x postcode x geslacht x d x y), then all 13 registry metrics (11 rates and 2
  shares) with Wilson intervals for every group of every attribute and every pair of
  attributes, from marginals of that cube.  From three kinds of input:
  (i) integer codes handed over (factorising not timed -- not the input eerlijkheid
  gets); (ii) **from strings**, the benchmark's actual input: ``pd.factorize`` of the
  three string columns + the same (the floor the 3x target is judged against);
  (iii) from pandas ``category`` columns, whose codes are free (``.cat.codes``) + the
  same, to compare with eerlijkheid on the same categorical input.
* eerlijkheid: ``count_table`` (pandas ``str`` columns; pandas ``category`` columns;
  a pyarrow table with dictionary columns; polars on the same data -- conversions not
  timed), then per order 1, 2 (and 3 at the largest row count): the COLUMNAR path
  ``group_metric_table`` + ``disparity_table`` (the path a data team uses at scale) and
  the OBJECT path ``group_metrics`` + ``disparities`` (tuples of frozen objects; not at
  order 3).  Results stay alive while the next function runs, as in user code.
* bootstrap: ``bootstrap_counts`` with 1,000 replicates of the selection-rate ratio of
  every group to the largest group, for each attribute, from ``table.dense([attr, "d"])``.
* fairlearn ``MetricFrame``: the five rates plus ``count`` for each attribute and for
  herkomst x postcode, against eerlijkheid doing the same (``count_table`` +
  ``group_metric_table`` for those groupings and metrics, which adds Wilson intervals).  Above
  ``--fairlearn-max-rows`` it is extrapolated linearly (a straight line through the two
  largest measured row counts; with one measured row count, proportionally to rows).
  fairlearn's bootstrap (``n_boot``) is timed with ``--fairlearn-boot`` replicates and
  the added time per replicate extrapolated to 1,000.
* peak memory (Linux): before each eerlijkheid run the process's peak-RSS mark is reset
  (``echo 5 > /proc/self/clear_refs``) after freeing unused allocator memory; the peak
  (``VmHWM``) minus the resident size just before the run is the extra memory of that
  run, divided by the input's size (``frame.memory_usage(deep=True).sum()``, or
  ``estimated_size()`` for polars).  Without ``clear_refs`` it falls back to
  ``resource.getrusage`` (``ru_maxrss``), which is an upper bound of the peak since the
  start of the worker.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime
import gc
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

GROUPS = ("herkomst", "postcode", "geslacht")
DECISION, OUTCOME = "d", "y"
RATES = (
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "true_negative_rate",
)
# The groupings fairlearn is compared on: every attribute and herkomst x postcode.
FAIRLEARN_GROUPINGS = (("herkomst",), ("postcode",), ("geslacht",), ("herkomst", "postcode"))
N_BOOT = 1000
STRING = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas 3's default "str" dtype


def log(text: str) -> None:
    """Progress on stderr (stdout carries the worker's JSON)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# -- data ----------------------------------------------------------------------------------

HERKOMST = (
    "Nederland",
    "Marokko",
    "Turkije",
    "Suriname",
    "Antillen",
    "Polen",
    "Syrië",
    "Eritrea",
    "Duitsland",
    "Indonesië",
    "Somalië",
    "Overig",
)
HERKOMST_P = np.array(
    [0.70, 0.08, 0.07, 0.06, 0.03, 0.025, 0.015, 0.0097, 0.0001, 0.0001, 0.00005, 0.00005]
)


def _strings(levels: Any, codes: np.ndarray) -> pd.Series:
    array = pa.array(list(levels), type=pa.string()).take(pa.array(codes))
    return pd.Series(array.to_pandas(types_mapper={pa.string(): STRING}.get))


def make_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    """Seeded synthetic audit data: three group attributes, decision ``d``, outcome ``y``.

    * herkomst: 12 skewed levels; the four smallest have < 10 cases each at 10^5 rows.
    * postcode: 4,000 four-digit codes ("1011"-like), Zipf-skewed (exponent 0.9).
    * geslacht: "m", "v", "x" (49 %, 49 %, 2 %).
    * d: selected for a check (0/1, int64), more often for some groups and postcodes.
    * y: outcome of the check (0/1, int64), 30 % positive when selected, 10 % when not.
    """
    rng = np.random.default_rng(seed)
    p = HERKOMST_P / HERKOMST_P.sum()
    a = rng.choice(p.size, rows, p=p)
    postcodes = np.sort(rng.choice(np.arange(1000, 10000), 4000, replace=False)).astype(str)
    weights = rng.permutation(1.0 / np.arange(1, 4001) ** 0.9)
    b = rng.choice(4000, rows, p=weights / weights.sum())
    c = rng.choice(3, rows, p=[0.49, 0.49, 0.02])
    effect_a = np.array([0, 0.6, 0.5, 0.3, 0.4, 0.2, 0.7, 0.8, 0, 0, 0.5, 0.1])
    effect_b = rng.normal(0.0, 0.3, 4000)
    logit = -2.0 + effect_a[a] + effect_b[b] + np.array([0.0, 0.1, 0.0])[c]
    d = (rng.random(rows) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    y = (rng.random(rows) < np.where(d == 1, 0.3, 0.1)).astype(np.int64)
    return pd.DataFrame(
        {
            "herkomst": _strings(HERKOMST, a),
            "postcode": _strings(postcodes, b),
            "geslacht": _strings(("m", "v", "x"), c),
            DECISION: d,
            OUTCOME: y,
        }
    )


# -- measuring -----------------------------------------------------------------------------


def _status_bytes(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def _release_free_memory() -> None:
    gc.collect()
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class PeakMemory:
    """Extra peak resident memory of a block of code, in bytes (see module docstring)."""

    def __init__(self) -> None:
        try:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
                handle.write("5")
            self.method = "VmHWM after clear_refs"
        except OSError:
            self.method = "ru_maxrss (upper bound)"
        self.base = 0

    def start(self) -> None:
        _release_free_memory()
        if self.method.startswith("VmHWM"):
            with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
                handle.write("5")
            self.base = _status_bytes("VmRSS")
        else:
            self.base = _status_bytes("VmRSS")

    def extra(self) -> int:
        if self.method.startswith("VmHWM"):
            return max(0, _status_bytes("VmHWM") - self.base)
        return max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - self.base)


def median_of(
    run: Callable[[], dict[str, float]], repeat: int, budget: float, minimum: int = 3
) -> tuple[dict[str, float], int]:
    """Run ``run`` (returns stage -> value) several times; median per stage (maximum for
    ``peak*`` memory stages).

    At least ``minimum`` runs (fewer only when one run exceeds half the ``budget``), then
    more while the total time stays within ``budget`` seconds, up to ``repeat`` runs.
    The machine is shared: the median is robust to a run slowed by someone else's job.
    """
    results: list[dict[str, float]] = []
    spent = 0.0
    while True:
        gc.collect()
        start = time.perf_counter()
        results.append(run())
        spent += time.perf_counter() - start
        done = len(results)
        if done >= repeat:
            break
        if done >= minimum and spent + spent / done > budget:
            break
        if done < minimum and spent / done > budget / 2:
            break
    best = {
        key: float(
            max(r[key] for r in results)
            if key.startswith("peak")
            else np.median([r[key] for r in results])
        )
        for key in results[0]
    }
    return best, len(results)


# -- the numpy floor -----------------------------------------------------------------------


def _wilson(x: np.ndarray, n: np.ndarray, z: float = 1.959963984540054) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        centre = (x + z * z / 2) / (n + z * z)
        half = z * np.sqrt(n * p * (1 - p) + z * z / 4) / (n + z * z)
    return np.stack([p, centre - half, centre + half])


def numpy_floor(codes: list[np.ndarray], sizes: list[int], d: np.ndarray, y: np.ndarray) -> int:
    """One bincount over the full key, then all 13 metrics + Wilson per grouping (order <= 2).

    The same job as ``count_table`` + ``group_metric_table(order=2)``: the eleven rates
    and the two shares of the registry, each with a Wilson interval, for every group of
    every attribute and pair of attributes (only observed groups), from marginals of one
    cube.
    """
    key = codes[0]
    for code, size in zip(codes[1:], sizes[1:], strict=True):
        key = key * size + code
    key = (key * 2 + d) * 2 + y
    cube = np.bincount(key, minlength=int(np.prod(sizes)) * 4).reshape(*sizes, 2, 2)
    n_groups = 0
    axes = range(len(sizes))
    for keep in [(i,) for i in axes] + [(i, j) for i in axes for j in axes if i < j]:
        drop = tuple(i for i in axes if i not in keep)
        cells = cube.sum(axis=drop).reshape(-1, 2, 2).astype(np.float64)
        cells = cells[cells.sum(axis=(1, 2)) > 0]
        tn, fn, fp, tp = cells[:, 0, 0], cells[:, 0, 1], cells[:, 1, 0], cells[:, 1, 1]
        total, selected = tn + fn + fp + tp, fp + tp
        for num, den in (
            (selected, total),  # selection rate
            (fn + tp, total),  # prevalence
            (tp, tp + fn),  # true positive rate
            (fp, fp + tn),  # false positive rate
            (fn, tp + fn),  # false negative rate
            (tn, fp + tn),  # true negative rate
            (tp, selected),  # precision
            (tn, tn + fn),  # negative predictive value
            (fp, selected),  # false discovery rate
            (fn, tn + fn),  # false omission rate
            (fp, total),  # false-positive share
            (selected, np.full_like(total, selected.sum())),  # share of the selection
            (total, np.full_like(total, total.sum())),  # share of the population
        ):
            _wilson(num, den)
        n_groups += cells.shape[0]
    return n_groups


def time_floors(
    frame: pd.DataFrame, categorical: pd.DataFrame, repeat: int, budget: float
) -> dict[str, tuple[dict[str, float], int]]:
    """Median times of :func:`numpy_floor` from three kinds of input (see the docstring).

    ``ints given``: integer codes handed over, factorising not timed.  ``from strings``:
    the benchmark's actual input, ``pd.factorize`` of the three string columns + the
    floor.  ``from categorical``: the same data as pandas ``category`` columns, whose
    codes are read (``.cat.codes``, free) + the floor.
    """
    d_codes, y_codes = frame[DECISION].to_numpy(), frame[OUTCOME].to_numpy()
    factorised = [pd.factorize(frame[name]) for name in GROUPS]
    codes = [np.asarray(c, dtype=np.int64) for c, _ in factorised]
    sizes = [len(u) for _, u in factorised]

    def ints() -> dict[str, float]:
        start = time.perf_counter()
        numpy_floor(codes, sizes, d_codes, y_codes)
        return {"t": time.perf_counter() - start}

    def strings() -> dict[str, float]:
        start = time.perf_counter()
        pairs = [pd.factorize(frame[name]) for name in GROUPS]
        numpy_floor(
            [np.asarray(c, dtype=np.int64) for c, _ in pairs],
            [len(u) for _, u in pairs],
            frame[DECISION].to_numpy(),
            frame[OUTCOME].to_numpy(),
        )
        return {"t": time.perf_counter() - start}

    def categories() -> dict[str, float]:
        start = time.perf_counter()
        numpy_floor(
            [categorical[name].cat.codes.to_numpy().astype(np.int64) for name in GROUPS],
            [len(categorical[name].cat.categories) for name in GROUPS],
            categorical[DECISION].to_numpy(),
            categorical[OUTCOME].to_numpy(),
        )
        return {"t": time.perf_counter() - start}

    return {
        "numpy floor": median_of(ints, repeat, budget),
        "numpy floor from strings": median_of(strings, repeat, budget),
        "numpy floor from categorical": median_of(categories, repeat, budget),
    }


# -- worker: everything for one row count ---------------------------------------------------


def _ratio_to_largest(ref: int) -> Callable[[np.ndarray], np.ndarray]:
    def statistic(counts: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = counts[..., 1] / counts.sum(axis=-1)
            return rate / rate[:, ref : ref + 1]

    return statistic


def ee_bootstrap(table: Any) -> int:
    """1,000 replicates of the selection-rate ratio to the largest group, per attribute."""
    from eerlijkheid.stats import bootstrap_counts

    cells = 0
    for attribute in GROUPS:
        cube = table.dense([attribute, DECISION])
        ref = int(np.argmax(cube.sum(axis=1)))
        bootstrap_counts(cube, _ratio_to_largest(ref), n_resamples=N_BOOT, rng=0)
        cells += cube.size
    return cells


def fairlearn_frame(frame: pd.DataFrame, grouping: tuple[str, ...], **kwargs: Any) -> Any:
    import fairlearn.metrics as fm

    metrics = {name: getattr(fm, name) for name in RATES}
    metrics["count"] = fm.count
    if kwargs:  # bootstrap: the selection rate only
        metrics = {"selection_rate": fm.selection_rate}
    features = frame[grouping[0]] if len(grouping) == 1 else frame[list(grouping)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fm.MetricFrame(
            metrics=metrics,
            y_true=frame[OUTCOME],
            y_pred=frame[DECISION],
            sensitive_features=features,
            **kwargs,
        )


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import polars as pl

    import eerlijkheid as ee
    import eerlijkheid.metrics as em

    rows = int(args.rows[0])
    out: dict[str, Any] = {"rows": rows, "times": {}, "runs": {}, "memory": {}, "info": {}}
    out["info"]["source"] = source_fingerprint()
    out["info"]["imported"] = os.path.dirname(ee.__file__)
    out["info"]["load"] = [os.getloadavg()[0]]  # other processes on the machine skew timings

    def record(name: str, seconds: float, runs: int) -> None:
        out["times"][name] = seconds
        out["runs"][name] = runs
        log(f"{rows:>9,d} rows  {name:<40s} {seconds:9.3f} s  (k={runs})")

    log(f"{rows:,d} rows: generating data")
    frame = make_frame(rows, seed=args.seed)
    input_bytes = int(frame.memory_usage(deep=True).sum())
    out["info"]["input_bytes"] = input_bytes
    out["info"]["small_herkomst"] = {
        str(k): int(v) for k, v in frame["herkomst"].value_counts().tail(4).items()
    }
    out["info"]["postcodes"] = int(frame["postcode"].nunique())
    kwargs = {"decision": DECISION, "groups": list(GROUPS), "outcome": OUTCOME}
    peak = PeakMemory()
    out["memory"]["method"] = peak.method

    # 1. numpy floors, and factorising the strings separately
    categorical = frame.astype(dict.fromkeys(GROUPS, "category"))  # not timed

    def factorise() -> dict[str, float]:
        start = time.perf_counter()
        for name in GROUPS:
            pd.factorize(frame[name])
        return {"t": time.perf_counter() - start}

    best, k = median_of(factorise, args.repeat, args.budget)
    record("pd.factorize (3 string columns)", best["t"], k)
    for name, (best, k) in time_floors(frame, categorical, args.repeat, args.budget).items():
        record(name, best["t"], k)

    # 2. eerlijkheid, pandas engine: count table, then metrics per order
    table = None

    def pandas_count_table() -> dict[str, float]:
        nonlocal table
        table = None
        peak.start()
        start = time.perf_counter()
        table = ee.count_table(frame, **kwargs)
        seconds = time.perf_counter() - start
        return {"t": seconds, "peak": peak.extra()}

    best, k = median_of(pandas_count_table, args.repeat, args.budget)
    record("count_table pandas", best["t"], k)
    out["memory"]["count_table pandas"] = best["peak"] / input_bytes
    out["info"]["cells"] = int(table.n.size)

    def categorical_count_table() -> dict[str, float]:
        start = time.perf_counter()
        ee.count_table(categorical, **kwargs)
        return {"t": time.perf_counter() - start}

    best, k = median_of(categorical_count_table, args.repeat, args.budget)
    record("count_table pandas categorical", best["t"], k)
    out["info"]["categorical_input_bytes"] = int(categorical.memory_usage(deep=True).sum())
    dictionary = pa.Table.from_pandas(categorical, preserve_index=False)  # dictionary columns

    def arrow_count_table() -> dict[str, float]:
        start = time.perf_counter()
        ee.count_table(dictionary, **kwargs)
        return {"t": time.perf_counter() - start}

    best, k = median_of(arrow_count_table, args.repeat, args.budget)
    record("count_table arrow dictionary", best["t"], k)

    orders = [1, 2] + ([3] if args.order3 else [])
    for order in orders:
        # 2a. the columnar path (the path for large audits)
        def columnar(order: int = order) -> dict[str, float]:
            peak.start()
            start = time.perf_counter()
            rates = em.group_metric_table(table, order=order)
            middle = time.perf_counter()
            disp = em.disparity_table(table, order=order)
            end = time.perf_counter()
            extra = peak.extra()
            out["info"][f"results order {order}"] = [len(rates), len(disp)]
            del rates, disp
            return {"gm": middle - start, "disp": end - middle, "peak": extra}

        best, k = median_of(columnar, args.repeat, args.budget)
        record(f"group_metric_table order {order}", best["gm"], k)
        record(f"disparity_table order {order}", best["disp"], k)
        out["memory"][f"columnar order {order}"] = (
            max(out["memory"]["count_table pandas"] * input_bytes, best["peak"]) / input_bytes
        )
        if order == 3:
            continue  # the object path at order 3 (3.2 million objects) is not repeated

        # 2b. the object path (tuples of frozen objects)
        def objects(order: int = order) -> dict[str, float]:
            peak.start()
            start = time.perf_counter()
            rates = ee.group_metrics(table, order=order)
            middle = time.perf_counter()
            disp = ee.disparities(table, order=order)
            end = time.perf_counter()
            extra = peak.extra()
            del rates, disp
            return {"gm": middle - start, "disp": end - middle, "peak": extra}

        best, k = median_of(objects, args.repeat, args.budget)
        record(f"group_metrics order {order}", best["gm"], k)
        record(f"disparities order {order}", best["disp"], k)
        # peak of the whole path: the count table's own peak or the metrics' on top of it
        out["memory"][f"path order {order}"] = (
            max(out["memory"]["count_table pandas"] * input_bytes, best["peak"]) / input_bytes
        )

    # 3. bootstrap on the count table
    def bootstrap() -> dict[str, float]:
        start = time.perf_counter()
        ee_bootstrap(table)
        return {"t": time.perf_counter() - start}

    best, k = median_of(bootstrap, args.repeat, args.budget)
    record("bootstrap 1000 (3 attributes)", best["t"], k)

    # 4a. eerlijkheid doing exactly fairlearn's work
    def same_work() -> dict[str, float]:
        start = time.perf_counter()
        own = ee.count_table(frame, **kwargs)
        em.group_metric_table(own, attributes=FAIRLEARN_GROUPINGS, metrics=RATES)
        return {"t": time.perf_counter() - start}

    best, k = median_of(same_work, args.repeat, args.budget)
    record("ee same work as fairlearn", best["t"], k)

    # 4b. fairlearn, measured up to --fairlearn-max-rows
    if rows <= args.fairlearn_max_rows:

        def fairlearn_work() -> dict[str, float]:
            start = time.perf_counter()
            for grouping in FAIRLEARN_GROUPINGS:
                fairlearn_frame(frame, grouping)
            return {"t": time.perf_counter() - start}

        best, k = median_of(fairlearn_work, 1, 0, minimum=1)
        record("fairlearn MetricFrame", best["t"], k)

        base = boot = 0.0
        for attribute in GROUPS:
            start = time.perf_counter()
            fairlearn_frame(frame, (attribute,), random_state=0)
            base += time.perf_counter() - start
            start = time.perf_counter()
            mf = fairlearn_frame(
                frame,
                (attribute,),
                n_boot=args.fairlearn_boot,
                ci_quantiles=[0.025, 0.975],
                random_state=0,
            )
            mf.by_group_ci  # noqa: B018 - the bootstrap intervals, as a user reads them
            boot += time.perf_counter() - start
        per_replicate = max(boot - base, 0.0) / args.fairlearn_boot
        record(f"fairlearn bootstrap ({args.fairlearn_boot} replicates)", boot - base, 1)
        out["times"]["fairlearn bootstrap 1000"] = per_replicate * N_BOOT

    # 5. polars engine on the same data (conversion not timed)
    frame_pl = pl.from_pandas(frame)  # the pandas frame stays: the baseline covers it
    polars_bytes = int(frame_pl.estimated_size())
    out["info"]["polars_input_bytes"] = polars_bytes

    def polars_count_table() -> dict[str, float]:
        peak.start()
        start = time.perf_counter()
        ee.count_table(frame_pl, **kwargs)
        seconds = time.perf_counter() - start
        return {"t": seconds, "peak": peak.extra()}

    best, k = median_of(polars_count_table, args.repeat, args.budget)
    record("count_table polars", best["t"], k)
    out["memory"]["count_table polars"] = best["peak"] / polars_bytes
    out["info"]["load"].append(os.getloadavg()[0])
    return out


# -- parent: run the workers, extrapolate, print ----------------------------------------------


SOURCE = ("counts.py", "config.py", "ingest", "metrics", "stats")


def source_fingerprint() -> str:
    """SHA-256 (12 hex digits) of the eerlijkheid modules on the benchmarked path.

    The code is edited while benchmarks run; the fingerprint ties numbers to a version.
    """
    import hashlib

    import eerlijkheid

    root = os.path.dirname(eerlijkheid.__file__)
    digest = hashlib.sha256()
    for name in SOURCE:
        path = os.path.join(root, name)
        files = (
            [path]
            if os.path.isfile(path)
            else sorted(
                os.path.join(folder, f)
                for folder, _, names in os.walk(path)
                for f in names
                if f.endswith(".py")
            )
        )
        for file in files:
            digest.update(os.path.relpath(file, root).encode())
            with open(file, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


def machine() -> dict[str, str]:
    import polars as pl

    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if "model name" in line)
    except (OSError, StopIteration):
        pass
    ram = "?"
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            kib = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
        ram = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        pass
    import fairlearn

    import eerlijkheid

    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "polars": pl.__version__,
        "pyarrow": pa.__version__,
        "fairlearn": fairlearn.__version__,
        "eerlijkheid": eerlijkheid.__version__,
    }


def extrapolate(results: list[dict[str, Any]], name: str) -> None:
    """Fill ``name`` for row counts where it was not measured, linearly in rows."""
    measured = sorted((r["rows"], r["times"][name]) for r in results if name in r["times"])
    if not measured:
        return
    for result in results:
        if name in result["times"]:
            continue
        rows = result["rows"]
        if len(measured) >= 2:
            (x0, y0), (x1, y1) = measured[-2], measured[-1]
            slope = max((y1 - y0) / (x1 - x0), 0.0)
            value = y1 + slope * (rows - x1)
            how = f"line through {x0:.0e} and {x1:.0e} rows"
        else:
            (x1, y1) = measured[-1]
            value = y1 * rows / x1
            how = f"proportional to rows from {x1:.0e}"
        result["times"][name] = value
        result.setdefault("extrapolated", {})[name] = how


def _fmt(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 100 else f"{seconds:,.0f}"


def report(results: list[dict[str, Any]], info: dict[str, str], argv: list[str]) -> str:
    lines = [
        "## Machine",
        "",
        f"- date: {info['date']}",
        f"- CPU: {info['cpu']}, {info['cores']} cores; RAM {info['ram']}; {info['os']}",
        f"- Python {info['python']}, numpy {info['numpy']}, pandas {info['pandas']}, "
        f"polars {info['polars']}, pyarrow {info['pyarrow']}, fairlearn {info['fairlearn']}, "
        f"eerlijkheid {info['eerlijkheid']} (source fingerprint {info['source']}: SHA-256 of "
        f"{', '.join(SOURCE)})",
        f"- command: `python benchmarks/bench_counts.py {' '.join(argv)}`".rstrip() + "",
        "",
        "## Results",
        "",
        "Seconds are the median of k runs.  x floor = seconds / numpy floor from strings "
        "(the benchmark's input: factorise + bincount + all metrics with Wilson; the floor "
        "the 3x target is judged against).  x ints = seconds / numpy floor with integer "
        "codes given.  Speed-up = fairlearn / eerlijkheid on the same work.  Memory = extra "
        "peak RSS / input size.  `*` = extrapolated, not measured.",
        "",
        "| rows | method | seconds | k | x floor | x ints | speed-up vs fairlearn "
        "| memory / input |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    targets: list[str] = []
    for r in results:
        t, runs, mem, ext = r["times"], r["runs"], r["memory"], r.get("extrapolated", {})
        floor = t["numpy floor from strings"]
        ints = t["numpy floor"]
        ct = t["count_table pandas"]

        def row(
            method: str,
            seconds: float,
            k: object = "",
            speedup: str = "",
            memory: str = "",
            star: bool = False,
            rows: int = r["rows"],
            floor: float = floor,
            ints: float = ints,
        ) -> None:
            value = _fmt(seconds) + ("*" if star else "")
            lines.append(
                f"| {rows:.0e} | {method} | {value} | {k} | {seconds / floor:,.1f} | "
                f"{seconds / ints:,.1f} | {speedup} | {memory} |"
            )

        def mem_of(key: str, mem: dict[str, Any] = mem) -> str:
            return f"{mem[key]:.2f}" if key in mem else ""

        def timed(
            name: str,
            label: str,
            memory: str = "",
            t: dict[str, float] = t,
            runs: dict[str, int] = runs,
        ) -> None:
            if name in t:
                row(label, t[name], runs[name], memory=memory)

        timed("numpy floor", "numpy floor, integer codes given (bincount + 13 metrics + Wilson)")
        timed("numpy floor from strings", "**numpy floor from strings** (pd.factorize + the same)")
        timed(
            "numpy floor from categorical", "numpy floor from categorical (.cat.codes + the same)"
        )
        timed("pd.factorize (3 string columns)", "pd.factorize of the 3 string columns")
        timed("count_table pandas", "count_table, pandas str", mem_of("count_table pandas"))
        timed("count_table pandas categorical", "count_table, pandas category")
        timed("count_table arrow dictionary", "count_table, pyarrow dictionary")
        timed("count_table polars", "count_table, polars str", mem_of("count_table polars"))
        for order in (1, 2, 3):
            if f"group_metric_table order {order}" not in t:
                continue
            gm, disp = t[f"group_metric_table order {order}"], t[f"disparity_table order {order}"]
            k = runs[f"group_metric_table order {order}"]
            n_gm, n_disp = r["info"][f"results order {order}"]
            row(f"group_metric_table order {order} ({n_gm:,} rows)", gm, k)
            row(f"disparity_table order {order} ({n_disp:,} rows)", disp, k)
            row(
                f"**columnar path order {order}: count_table + group_metric_table + "
                "disparity_table**",
                ct + gm + disp,
                k,
                memory=mem_of(f"columnar order {order}"),
            )
            if f"group_metrics order {order}" in t:
                gm_o, disp_o = t[f"group_metrics order {order}"], t[f"disparities order {order}"]
                k = runs[f"group_metrics order {order}"]
                row(f"group_metrics order {order} (objects)", gm_o, k)
                row(f"disparities order {order} (objects)", disp_o, k)
                row(
                    f"object path order {order}: count_table + group_metrics + disparities",
                    ct + gm_o + disp_o,
                    k,
                    memory=mem_of(f"path order {order}"),
                )
        boot = t["bootstrap 1000 (3 attributes)"]
        fl_boot = t.get("fairlearn bootstrap 1000")
        row(
            "bootstrap_counts, 1,000 replicates x 3 attributes",
            boot,
            runs["bootstrap 1000 (3 attributes)"],
            speedup=f"{fl_boot / boot:,.0f}x" if fl_boot else "",
        )
        if fl_boot is not None:
            row("fairlearn bootstrap, 1,000 replicates x 3 attributes", fl_boot, "", star=True)
        same = t["ee same work as fairlearn"]
        fl = t.get("fairlearn MetricFrame")
        row(
            "eerlijkheid, fairlearn's work (count_table + group_metric_table)",
            same,
            runs["ee same work as fairlearn"],
            speedup=f"{fl / same:,.0f}x" if fl else "",
        )
        if fl is not None:
            row(
                "fairlearn MetricFrame, same work",
                fl,
                runs.get("fairlearn MetricFrame", ""),
                star="fairlearn MetricFrame" in ext,
            )

        gm2 = ct + t["group_metric_table order 2"]
        path = gm2 + t["disparity_table order 2"]
        cat_path = (
            t["count_table pandas categorical"]
            + t["group_metric_table order 2"]
            + t["disparity_table order 2"]
        )
        cat_floor = t["numpy floor from categorical"]
        targets.append(
            f"- {r['rows']:.0e} rows: columnar order-2 path {_fmt(path)} s = "
            f"{path / floor:,.1f}x the floor from strings -> target 3x "
            f"{'MET' if path / floor <= 3 else 'MISSED'} (count table + metrics only "
            f"{gm2 / floor:,.1f}x; {path / ints:,.1f}x the floor with integer codes given; "
            f"category input: {_fmt(cat_path)} s = {cat_path / cat_floor:,.1f}x its floor); "
            f"bootstrap {boot:.3f} s -> target < 1 s {'MET' if boot < 1 else 'MISSED'}; "
            + (
                f"speed-up vs fairlearn {fl / same:,.0f}x -> target 100x "
                f"{'MET' if fl / same >= 100 else 'MISSED'}"
                + (" (fairlearn extrapolated)" if "fairlearn MetricFrame" in ext else "")
                + "; "
                if fl
                else ""
            )
            + f"peak memory of the columnar order-2 path {mem['columnar order 2']:.2f}x input "
            f"(object path {mem['path order 2']:.2f}x; count table alone "
            f"{mem['count_table pandas']:.2f}x) -> target < 2x "
            f"{'MET' if mem['columnar order 2'] < 2 else 'MISSED'}"
        )
    lines += ["", "## Targets", "", *targets, ""]
    notes = []
    for r in results:
        for name, how in r.get("extrapolated", {}).items():
            notes.append(f"- {r['rows']:.0e} rows, {name}: extrapolated ({how}).")
        i = r["info"]
        notes.append(
            f"- {r['rows']:.0e} rows: input {i['input_bytes'] / 2**20:,.1f} MiB pandas "
            f"({i['polars_input_bytes'] / 2**20:,.1f} MiB polars, "
            f"{i['categorical_input_bytes'] / 2**20:,.1f} MiB pandas category), "
            f"{i['cells']:,} cells, "
            f"{i['postcodes']:,} postcodes, smallest herkomst groups {i['small_herkomst']}; "
            f"memory method: {r['memory']['method']}; 1-minute load average at start/end "
            f"{i['load'][0]:.2f}/{i['load'][-1]:.2f} ({info['cores']} cores)."
        )
    seen = {r["info"]["source"] for r in results}
    if len(seen) > 1:
        notes.append(
            f"- WARNING: the row counts were measured on different eerlijkheid code "
            f"({', '.join(sorted(seen))}); run with the default snapshot."
        )
    notes.append(f"- eerlijkheid imported from {info['imported']}.")
    if info.get("live_source") not in (None, info["source"]):
        notes.append(
            f"- The working tree changed during the run (now {info['live_source']}); the "
            "numbers are for the snapshot."
        )
    lines += ["## Notes", "", *notes]
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", nargs="+", type=float, default=[1e5, 1e6, 1e7])
    parser.add_argument("--quick", action="store_true", help="10^5 rows, fewer repeats")
    parser.add_argument("--repeat", type=int, default=5, help="best of at most this many")
    parser.add_argument(
        "--budget", type=float, default=20.0, help="seconds per stage for the repeats"
    )
    parser.add_argument(
        "--order3",
        choices=("largest", "all", "none"),
        default="largest",
        help="row counts at which order 3 is timed",
    )
    parser.add_argument("--fairlearn-max-rows", type=float, default=1e6)
    parser.add_argument("--fairlearn-boot", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument(
        "--no-snapshot",
        action="store_true",
        help="import the live source tree instead of a snapshot copied at the start",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.repeat, args.budget, args.fairlearn_boot = [1e5], 2, 5.0, 2
        args.order3 = "none"
    return args


def main(argv: list[str]) -> None:
    args = parse(argv)
    if args.worker:
        args.order3 = args.order3 != "none"
        print(json.dumps(worker(args)))
        return
    rows = sorted(int(r) for r in args.rows)
    env = dict(os.environ)
    snapshot = None
    if not args.no_snapshot:
        # The source is edited while the benchmark runs: every worker imports one copy.
        import eerlijkheid

        snapshot = tempfile.mkdtemp(prefix="eerlijkheid-bench-")
        shutil.copytree(
            os.path.dirname(eerlijkheid.__file__),
            os.path.join(snapshot, "eerlijkheid"),
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [snapshot, env.get("PYTHONPATH")]))
    results = []
    for n in rows:
        order3 = args.order3 == "all" or (args.order3 == "largest" and n == rows[-1])
        command = [
            sys.executable,
            os.path.abspath(__file__),
            "--worker",
            "--rows",
            str(n),
            "--repeat",
            str(args.repeat),
            "--budget",
            str(args.budget),
            "--order3",
            "all" if order3 else "none",
            "--fairlearn-max-rows",
            str(args.fairlearn_max_rows),
            "--fairlearn-boot",
            str(args.fairlearn_boot),
            "--seed",
            str(args.seed),
        ]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True, env=env)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    extrapolate(results, "fairlearn MetricFrame")
    extrapolate(results, "fairlearn bootstrap 1000")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    info = machine()
    info["source"] = results[0]["info"]["source"]
    info["imported"] = results[0]["info"]["imported"]
    info["live_source"] = source_fingerprint()
    if snapshot is not None:
        info["imported"] += " (snapshot of the source taken at the start, now removed)"
        shutil.rmtree(snapshot, ignore_errors=True)
    print(report(results, info, argv))


if __name__ == "__main__":
    main(sys.argv[1:])
