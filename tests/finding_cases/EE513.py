"""EE513: team t3 selects b in 30% of its cases and a in 10%; teams t1 and t2 select both
groups in 10%: a group disparity within one handler."""

from finding_cases._build import audit, cells

COLUMNS = ["groep", "team", "geselecteerd"]
ROWS = [
    (group, team, selected, count)
    for group, team, rate in (
        ("a", "t1", 30),
        ("b", "t1", 30),
        ("a", "t2", 30),
        ("b", "t2", 30),
        ("a", "t3", 30),
        ("b", "t3", 90),
    )
    for selected, count in ((1, rate), (0, 300 - rate))
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["groep"],
        handler="team",
        count="count",
        reference={"groep": "a"},
    )
