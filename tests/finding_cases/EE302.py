"""EE302: Simpson's paradox. Within each level of 'soort' a and b are selected equally often
(10% in x, 50% in y); b is mostly in y, so in total b is selected far more often."""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "soort", "geselecteerd"]
ROWS = [
    ("a", "x", 1, 90),
    ("a", "x", 0, 810),
    ("b", "x", 1, 10),
    ("b", "x", 0, 90),
    ("a", "y", 1, 50),
    ("a", "y", 0, 50),
    ("b", "y", 1, 450),
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
