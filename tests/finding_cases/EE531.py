"""EE531: at equal score band, b has a violation half as often as a: the score is too high
for b (outcomes known for every case)."""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "score", "geselecteerd", "onrechtmatig"]
ROWS = [
    ("a", 0.2, 0, 1, 50),
    ("a", 0.2, 0, 0, 450),
    ("b", 0.2, 0, 1, 25),
    ("b", 0.2, 0, 0, 475),
    ("a", 0.8, 1, 1, 250),
    ("a", 0.8, 1, 0, 250),
    ("b", 0.8, 1, 1, 125),
    ("b", 0.8, 1, 0, 375),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        score="score",
        outcome="onrechtmatig",
        score_edges=[0, 0.5, 1],
        count="count",
        reference={"groep": "a"},
    )
