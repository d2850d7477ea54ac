"""Snapshot helpers: small snapshots that do not depend on the last digit of a float.

A snapshot holds what a reader or a parser sees, with every float rounded to
:data:`DIGITS` significant digits, so that a numpy or scipy release that changes the last
digit of a p-value does not break the suite; and a JSON document is kept as an *excerpt*
(every list cut to its first :data:`MAX_ITEMS` items, with a marker saying how many more
there were), so the snapshot checks the structure and the leading values without holding
the whole report.  Rewrite the snapshots after an intended change with
``EERLIJKHEID_UPDATE_SNAPSHOTS=1`` and review the diff.

Examples
--------
>>> round_floats({"p": 0.123456789012, "n": 7, "xs": [1.0000001, None]})
{'p': 0.123457, 'n': 7, 'xs': [1.0, None]}
>>> excerpt({"rows": [1, 2, 3, 4, 5]}, max_items=2)
{'rows': [1, 2, '… 3 more']}
>>> round_numbers_in_text("p = 0.1234567891 and 2.5 and v1.2.3")
'p = 0.123457 and 2.5 and v1.2.3'
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

#: Significant digits kept in a snapshot (numpy/scipy differ in the last few of 17).
DIGITS = 6
#: Items kept of every list in a JSON excerpt.
MAX_ITEMS = 2
UPDATE = os.environ.get("EERLIJKHEID_UPDATE_SNAPSHOTS") == "1"

_LONG_DECIMAL = re.compile(r"(?<![\w.])(-?\d+\.\d{" + str(DIGITS + 1) + r",})(?![\w.])")


def _round(value: float) -> float:
    if not math.isfinite(value) or value == 0:
        return value
    return float(f"{value:.{DIGITS}g}")


def round_floats(value: Any) -> Any:
    """Return ``value`` (parsed JSON) with every float rounded to :data:`DIGITS` digits."""
    if isinstance(value, float):
        return _round(value)
    if isinstance(value, dict):
        return {k: round_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [round_floats(v) for v in value]
    return value


def excerpt(value: Any, max_items: int = MAX_ITEMS) -> Any:
    """Return ``value`` with every list cut to ``max_items`` items and a count of the rest."""
    if isinstance(value, dict):
        return {k: excerpt(v, max_items) for k, v in value.items()}
    if isinstance(value, list):
        kept = [excerpt(v, max_items) for v in value[:max_items]]
        rest = len(value) - max_items
        return kept + ([f"… {rest} more"] if rest > 0 else [])
    return value


def json_snapshot(text: str, max_items: int = MAX_ITEMS) -> str:
    """Return the snapshot form of a JSON document: an excerpt with rounded floats."""
    doc = excerpt(round_floats(json.loads(text)), max_items)
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def round_numbers_in_text(text: str) -> str:
    """Round every decimal number with more than :data:`DIGITS` decimals in ``text``."""
    return _LONG_DECIMAL.sub(lambda m: repr(_round(float(m.group(1)))), text)


def check_snapshot(path: Path, text: str) -> None:
    """Compare ``text`` with the snapshot at ``path`` (or rewrite it when updating)."""
    text = round_numbers_in_text(text)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return
    assert path.is_file(), f"no snapshot {path}; create it with EERLIJKHEID_UPDATE_SNAPSHOTS=1"
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, (
        f"{path.name} differs from its snapshot. If the change is intended, rewrite the "
        "snapshots with EERLIJKHEID_UPDATE_SNAPSHOTS=1 and review the diff."
    )
