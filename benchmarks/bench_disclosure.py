"""Benchmark of disclosure control: secondary suppression on the demo audit.

Run by hand (not part of the test suite)::

    python benchmarks/bench_disclosure.py            # the demo (20,000 cases, order 2)
    python benchmarks/bench_disclosure.py --order 3  # every intersection of three attributes

The demo is the audit of ``eerlijkheid demo``: the built-in welfare re-examination data
(20,000 cases, seed 0), three group attributes, an outcome and a random arm.  Timed
(``time.perf_counter``, the median of ``--repeat`` runs; the machine is shared, so the
median, not the best run, is reported):

* ``protect`` -- the secondary suppression alone (:func:`eerlijkheid.disclosure.protect`:
  the hypercube pass and the LP-checked complements), on the records of the linked
  group tables;
  Wall time and CPU time (``time.process_time``) are both printed: on a machine shared
  with other work the CPU time is the better measure of the cost;
* ``to_dict`` -- the whole publishable view (tagging, primary and secondary suppression,
  the walker), without the cache a result keeps per threshold.

It prints the machine's load (``os.getloadavg``), the number of records, targets and
hidden boxes, and the attacker's narrowest interval after protection.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from typing import Any


def main() -> None:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import eerlijkheid as ee
    from eerlijkheid.datasets import welfare_reexamination
    from eerlijkheid.disclosure import _tables

    audit_module = sys.modules["eerlijkheid.audit"]
    frame = welfare_reexamination(n=20_000, seed=0)
    result = ee.audit(
        frame,
        decision="geselecteerd",
        groups=["migratieachtergrond", "geslacht", "leeftijdsklasse"],
        outcome="onrechtmatig",
        random_sample="aselect",
        reference={"migratieachtergrond": "geen"},
        inputs=["risicoscore", "taalvaardigheid", "inkomen_bijverdiensten", "leeftijdsklasse"],
        config=ee.AuditConfig(order=args.order),
        language="nl",
    )
    captured: dict[str, Any] = {}
    original = _tables.protect

    def capture(cube: Any, records: Any, **kwargs: Any) -> Any:
        captured.update(cube=cube, records=records, kwargs=kwargs)
        return original(cube, records, **kwargs)

    audit_module.protect = capture  # type: ignore[attr-defined]
    result.to_dict()
    audit_module.protect = original  # type: ignore[attr-defined]

    protect_times, protect_cpu, out = [], [], None
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        out = original(captured["cube"], captured["records"], **captured["kwargs"])
        protect_times.append(time.perf_counter() - start)
        protect_cpu.append(time.process_time() - cpu)
    dict_times = []
    for _ in range(args.repeat):
        result._published.clear()
        start = time.perf_counter()
        data = result.to_dict()
        dict_times.append(time.perf_counter() - start)
    assert out is not None
    widths = [hi - lo for lo, hi in out.intervals]
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"order {args.order}: {len(captured['records'])} records, "
        f"{len(captured['kwargs']['targets'])} protected counts, {out.steps} complements, "
        f"{len(out.suppressed)} records suppressed, narrowest attacker interval "
        f"{min(widths) if widths else float('nan'):.0f} "
        f"(threshold {data['suppression']['threshold']})"
    )
    print(
        f"protect: median {statistics.median(protect_times):.3f} s "
        f"(min {min(protect_times):.3f}, k={len(protect_times)}); CPU time median "
        f"{statistics.median(protect_cpu):.3f} s"
    )
    print(
        f"to_dict: median {statistics.median(dict_times):.3f} s "
        f"(min {min(dict_times):.3f}, k={len(dict_times)})"
    )


if __name__ == "__main__":
    main()
