"""EE203: outcomes are known for every case; b's false positive rate is 6x a's.

Of the cases with nothing wrong, 20 of 900 in a were selected and 120 of 900 in b.
"""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "geselecteerd", "onrechtmatig"]
ROWS = [
    ("a", 1, 1, 40),
    ("a", 1, 0, 20),
    ("a", 0, 1, 60),
    ("a", 0, 0, 880),
    ("b", 1, 1, 40),
    ("b", 1, 0, 120),
    ("b", 0, 1, 60),
    ("b", 0, 0, 780),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        outcome="onrechtmatig",
        count="count",
        reference={"groep": "a"},
    )
