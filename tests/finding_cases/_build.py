"""Small builders shared by the trigger cases: aggregated cells and tiny audits."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd

import eerlijkheid
from eerlijkheid.findings import Finding

#: Missing outcome (not investigated) in a cell.
UNKNOWN = None


def cells(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Aggregated cells: one row per combination, the last value of each row is ``count``."""
    return pd.DataFrame([list(r) for r in rows], columns=[*columns, "count"])


def selection(rates: dict[str | None, tuple[int, int]], column: str = "groep") -> pd.DataFrame:
    """Cells of ``{label: (selected, total)}`` for the decision ``geselecteerd``."""
    rows: list[tuple[Any, ...]] = []
    for label, (selected, total) in rates.items():
        rows += [(label, 1, selected), (label, 0, total - selected)]
    return cells([column, "geselecteerd"], rows)


def audit(data: Any, **roles: Any) -> tuple[Finding, ...]:
    """The findings of an audit (Dutch; every finding holds both languages).

    Aggregated cells (a ``count`` column) are read as exact counts unless the case says
    ``rounded=True``: round case numbers are for the reader, not a sign of rounding.
    """
    if "count" in roles:
        roles.setdefault("rounded", False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*lijken afgerond.*")
        return eerlijkheid.audit(data, language="nl", **roles).findings
