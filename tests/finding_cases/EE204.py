"""EE204: selections in b find a violation in 20% of cases, in a in 40%."""

from finding_cases._build import UNKNOWN, audit, cells

COLUMNS = ["groep", "geselecteerd", "onrechtmatig"]
ROWS = [
    ("a", 1, 1, 40),
    ("a", 1, 0, 60),
    ("a", 0, UNKNOWN, 900),
    ("b", 1, 1, 40),
    ("b", 1, 0, 160),
    ("b", 0, UNKNOWN, 800),
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
