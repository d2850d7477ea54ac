"""EE301: b is selected 3x as often as a within both levels of the stratum 'soort'."""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "soort", "geselecteerd"]
ROWS = [
    ("a", "x", 1, 50),
    ("a", "x", 0, 450),
    ("b", "x", 1, 150),
    ("b", "x", 0, 350),
    ("a", "y", 1, 50),
    ("a", "y", 0, 450),
    ("b", "y", 1, 150),
    ("b", "y", 0, 350),
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
