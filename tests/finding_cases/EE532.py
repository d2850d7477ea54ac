"""EE532: 70% of b has a high score against 20% of a; the outcome follows the score equally
for both groups (so the score's distribution differs, its calibration does not)."""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "score", "geselecteerd", "onrechtmatig"]
ROWS = [
    ("a", 0.2, 0, 1, 80),
    ("a", 0.2, 0, 0, 720),
    ("a", 0.8, 1, 1, 100),
    ("a", 0.8, 1, 0, 100),
    ("b", 0.2, 0, 1, 30),
    ("b", 0.2, 0, 0, 270),
    ("b", 0.8, 1, 1, 350),
    ("b", 0.8, 1, 0, 350),
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
