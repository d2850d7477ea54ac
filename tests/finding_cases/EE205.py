"""EE205: the outcome is known only for selected cases, and there is no random sample.

(With a random sample the message points to it instead: see test_finding_cases.py.)
"""

from finding_cases._build import UNKNOWN, audit, cells

COLUMNS = ["groep", "geselecteerd", "onrechtmatig"]
ROWS = [
    ("a", 1, 1, 20),
    ("a", 1, 0, 30),
    ("a", 0, UNKNOWN, 950),
    ("b", 1, 1, 25),
    ("b", 1, 0, 35),
    ("b", 0, UNKNOWN, 940),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        outcome="onrechtmatig",
        count="count",
    )
