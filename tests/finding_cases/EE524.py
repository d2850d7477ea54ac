"""EE524: the profile finds a violation in 30% of its selections, the random sample in 10%:
the profile demonstrably finds more than random checks."""

from finding_cases._build import UNKNOWN, audit, cells

COLUMNS = ["groep", "aselect", "geselecteerd", "onrechtmatig"]
ROWS = [
    ("a", 0, 1, 1, 30),
    ("a", 0, 1, 0, 70),
    ("a", 0, 0, UNKNOWN, 900),
    ("b", 0, 1, 1, 30),
    ("b", 0, 1, 0, 70),
    ("b", 0, 0, UNKNOWN, 900),
    ("a", 1, 1, 1, 10),
    ("a", 1, 1, 0, 90),
    ("b", 1, 1, 1, 10),
    ("b", 1, 1, 0, 90),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        random_sample="aselect",
        outcome="onrechtmatig",
        count="count",
    )
