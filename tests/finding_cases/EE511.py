"""EE511: at equal risk band the decision differs by group (low band 5% vs 15%, high band
30% vs 60%)."""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "score", "geselecteerd"]
ROWS = [
    ("a", 0.2, 1, 25),
    ("a", 0.2, 0, 475),
    ("b", 0.2, 1, 75),
    ("b", 0.2, 0, 425),
    ("a", 0.8, 1, 150),
    ("a", 0.8, 0, 350),
    ("b", 0.8, 1, 300),
    ("b", 0.8, 0, 200),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        score="score",
        score_edges=[0, 0.5, 1],
        count="count",
        reference={"groep": "a"},
    )
