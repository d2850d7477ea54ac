"""EE522: outcomes are recorded, but there is no random sample to compare the profile with."""

from finding_cases._build import UNKNOWN, audit, cells

COLUMNS = ["groep", "geselecteerd", "onrechtmatig"]
ROWS = [
    ("a", 1, 1, 20),
    ("a", 1, 0, 80),
    ("a", 0, UNKNOWN, 900),
    ("b", 1, 1, 20),
    ("b", 1, 0, 80),
    ("b", 0, UNKNOWN, 900),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        outcome="onrechtmatig",
        count="count",
    )
