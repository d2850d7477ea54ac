"""EE304: every selection of a and b falls in level 'hoog' of 'risico' (b 30%, a 15%);
'within the levels' is then the comparison within that one level."""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "risico", "geselecteerd"]
ROWS = [
    ("a", "hoog", 1, 30),
    ("a", "hoog", 0, 170),
    ("b", "hoog", 1, 60),
    ("b", "hoog", 0, 140),
    ("a", "laag", 0, 800),
    ("b", "laag", 0, 800),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        strata=["risico"],
        count="count",
        reference={"groep": "a"},
    )
