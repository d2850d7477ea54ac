"""EE501: the model flags a and b equally often (200 of 1000); the decision after it selects
150 of b's flagged cases and 50 of a's: the disparity arises at 'geselecteerd'."""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "gemarkeerd", "geselecteerd"]
ROWS = [
    ("a", 1, 1, 50),
    ("a", 1, 0, 150),
    ("a", 0, 0, 800),
    ("b", 1, 1, 150),
    ("b", 1, 0, 50),
    ("b", 0, 0, 800),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        stages=["gemarkeerd"],
        count="count",
        reference={"groep": "a"},
    )
