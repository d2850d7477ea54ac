"""EE512: team t3 selects 30% of its cases, teams t1 and t2 10%, for both groups alike."""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "team", "geselecteerd"]
ROWS = [
    (group, team, selected, count)
    for group in ("a", "b")
    for team, rate in (("t1", 30), ("t2", 30), ("t3", 90))
    for selected, count in ((1, rate), (0, 300 - rate))
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        handler="team",
        count="count",
    )
