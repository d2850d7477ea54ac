"""EE303: within level x of 'soort' b is selected 4x as often as a (40% against 10%),
within level y equally often (10%): one common ratio hides how the levels differ."""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "soort", "geselecteerd"]
ROWS = [
    ("a", "x", 1, 50),
    ("a", "x", 0, 450),
    ("b", "x", 1, 200),
    ("b", "x", 0, 300),
    ("a", "y", 1, 50),
    ("a", "y", 0, 450),
    ("b", "y", 1, 50),
    ("b", "y", 0, 450),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        strata=["soort"],
        count="count",
        reference={"groep": "a"},
    )
