"""EE502: a process chain (flag, then decision) is analysed, and its shape is reported.

No case is selected without being flagged, so the chain is detected as a funnel.
"""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "gemarkeerd", "geselecteerd"]
ROWS = [
    ("a", 1, 1, 50),
    ("a", 1, 0, 150),
    ("a", 0, 0, 800),
    ("b", 1, 1, 55),
    ("b", 1, 0, 145),
    ("b", 0, 0, 800),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        stages=["gemarkeerd"],
        count="count",
    )
