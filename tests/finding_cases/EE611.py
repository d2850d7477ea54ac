"""EE611: only the combination Centrum × jong × alleenstaand is selected more often (40%
against 10% in every other cell of 500 cases); an audit with order 3 finds it."""

from eerlijkheid.config import AuditConfig
from finding_cases._build import audit, cells

COLUMNS = ["wijk", "leeftijd", "alleenstaand", "geselecteerd"]
ROWS = [
    (wijk, leeftijd, alleen, selected, count)
    for wijk in ("Centrum", "Noord")
    for leeftijd in ("jong", "oud")
    for alleen in ("ja", "nee")
    for selected, count in (
        ((1, 200), (0, 300))
        if (wijk, leeftijd, alleen) == ("Centrum", "jong", "ja")
        else ((1, 50), (0, 450))
    )
]


def findings():
    return audit(
        cells(COLUMNS, ROWS),
        decision="geselecteerd",
        groups=["wijk", "leeftijd", "alleenstaand"],
        count="count",
        config=AuditConfig(order=3),
    )
