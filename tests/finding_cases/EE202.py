"""EE202: niet-westers makes up 75% of the profile's selections but 50% of the random sample.

The group attribute is a migration background, so the finding also carries the CRM norm
"disproportioneel" (groups defined by race or nationality only).
"""

from finding_cases._build import UNKNOWN, audit, cells

COLUMNS = ["migratieachtergrond", "aselect", "geselecteerd", "onrechtmatig"]
ROWS = [
    # profile arm: 50 of 1000 selected for 'geen', 150 of 1000 for 'niet-westers'
    ("geen", 0, 1, 1, 20),
    ("geen", 0, 1, 0, 30),
    ("geen", 0, 0, UNKNOWN, 950),
    ("niet-westers", 0, 1, 1, 60),
    ("niet-westers", 0, 1, 0, 90),
    ("niet-westers", 0, 0, UNKNOWN, 850),
    # random arm: 100 cases of each group, all investigated
    ("geen", 1, 1, 1, 10),
    ("geen", 1, 1, 0, 90),
    ("niet-westers", 1, 1, 1, 10),
    ("niet-westers", 1, 1, 0, 90),
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["migratieachtergrond"],
        random_sample="aselect",
        outcome="onrechtmatig",
        count="count",
        reference={"migratieachtergrond": "geen"},
    )
